#!/usr/bin/env python3
"""Test helper for proxy_dns.sh, run inside the sandbox (no third-party code).

  proxy_dns_client.py query NAME [TYPE]   one query to 127.0.0.1:53 (TYPE a
      number, 1 = A by default); prints "rcode=N answers=A,B" (addresses of
      the A records) or "timeout"
  proxy_dns_client.py junk                sends an oversized datagram (3000
      bytes), a truncated question, an answer (QR set) and 200 bytes of
      random noise, then prints what a good query for allowed.test gets
  proxy_dns_client.py udp HOST PORT       sendto HOST:PORT; prints "sent" or
      the error's name
  proxy_dns_client.py bindconnect IP PORT listens on IP:PORT inside (PORT 0:
      an ephemeral one), then connects to it; prints "connected" or the
      error's name
  proxy_dns_client.py direct NAME PATH    http.client over TLS straight to
      NAME:443 (no proxy: http.client reads no proxy variables); prints the
      body
"""
import errno
import http.client
import os
import socket
import ssl
import struct
import sys


def build(name, qtype=1, qid=0x4242):
    q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.split("."):
        q += bytes([len(label)]) + label.encode()
    return q + b"\0" + struct.pack(">HH", qtype, 1)


def ask(payload, timeout=3):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(timeout)
    s.sendto(payload, ("127.0.0.1", 53))
    try:
        data, _ = s.recvfrom(2048)
    except socket.timeout:
        return None
    finally:
        s.close()
    return data


def describe(data, qlen):
    if data is None:
        return "timeout"
    rcode = data[3] & 0x0F
    an = struct.unpack(">H", data[6:8])[0]
    o, addrs = qlen, []
    for _ in range(an):
        # name pointer (2), type, class, ttl, rdlength
        typ, _, _, rdlen = struct.unpack(">HHIH", data[o + 2:o + 12])
        rd = data[o + 12:o + 12 + rdlen]
        if typ == 1:
            addrs.append(socket.inet_ntoa(rd))
        o += 12 + rdlen
    return "rcode=%d answers=%s" % (rcode, ",".join(addrs))


def main():
    cmd = sys.argv[1]
    if cmd == "query":
        q = build(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 1)
        print(describe(ask(q), len(q)))
    elif cmd == "junk":
        good = build("allowed.test")
        for junk in (b"\x12\x34\x01\x00\x00\x01" + b"x" * 2994, good[:15],
                     b"\x12\x34\x81\x80" + good[4:], os.urandom(200)):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.sendto(junk, ("127.0.0.1", 53))
            s.close()
        print(describe(ask(good), len(good)))
    elif cmd == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.sendto(b"\0" * 12, (sys.argv[2], int(sys.argv[3])))
            print("sent")
        except OSError as e:
            print(errno.errorcode.get(e.errno, str(e)))
    elif cmd == "bindconnect":
        # The connect goes to the port the listener got (PORT 0 asks for an
        # ephemeral one); bind is free in the sandbox's netns (ADR 0123),
        # and so is a connect to its own loopback (ADR 0125).
        srv = socket.socket()
        srv.bind((sys.argv[2], int(sys.argv[3])))
        srv.listen(1)
        c = socket.socket()
        c.settimeout(5)
        try:
            c.connect((sys.argv[2], srv.getsockname()[1]))
            print("connected")
        except OSError as e:
            print(errno.errorcode.get(e.errno, str(e)))
    elif cmd == "direct":
        conn = http.client.HTTPSConnection(sys.argv[2], 443, timeout=20,
                                           context=ssl.create_default_context())
        conn.request("GET", sys.argv[3])
        r = conn.getresponse()
        print(r.read().decode(errors="replace"))


if __name__ == "__main__":
    main()
