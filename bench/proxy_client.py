#!/usr/bin/env python3
"""bench/proxy.sh's client (no third-party code).

  proxy_client.py lat HOST PORT N [PROXY_PORT]
      N GETs of /hello on one kept-alive HTTPS connection (through the
      proxy's CONNECT at 127.0.0.1:PROXY_PORT when given); prints
      "rps=R p50_us=A p99_us=B"
  proxy_client.py idle HOST PORT N PROXY_PORT SECONDS
      opens N kept-alive HTTPS tunnels through the proxy, one request each,
      then holds them open for SECONDS
"""
import http.client
import ssl
import sys
import time


def conn(host, port, proxy):
    ctx = ssl.create_default_context()
    if proxy:
        c = http.client.HTTPSConnection("127.0.0.1", int(proxy), context=ctx)
        c.set_tunnel(host, int(port))
    else:
        c = http.client.HTTPSConnection(host, int(port), context=ctx)
    return c


def get(c):
    c.request("GET", "/hello")
    r = c.getresponse()
    r.read()
    if r.status != 200:
        raise SystemExit("status %d" % r.status)


def lat(host, port, n, proxy=None):
    c = conn(host, port, proxy)
    get(c)  # the handshake is not what is measured
    ts = []
    t0 = time.perf_counter()
    for _ in range(int(n)):
        a = time.perf_counter()
        get(c)
        ts.append(time.perf_counter() - a)
    total = time.perf_counter() - t0
    ts.sort()
    print("rps=%.0f p50_us=%.0f p99_us=%.0f" % (len(ts) / total, ts[len(ts) // 2] * 1e6,
                                                 ts[int(len(ts) * 0.99)] * 1e6))


def idle(host, port, n, proxy, seconds):
    cs = []
    for _ in range(int(n)):
        c = conn(host, port, proxy)
        get(c)
        cs.append(c)
    print("open %d" % len(cs), flush=True)
    time.sleep(float(seconds))


if __name__ == "__main__":
    if sys.argv[1] == "lat":
        lat(*sys.argv[2:6])
    elif sys.argv[1] == "idle":
        idle(*sys.argv[2:7])
