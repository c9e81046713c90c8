#!/usr/bin/env python3
"""Test helper for proxy_run.sh (no third-party code).

  proxy_server.py serve PORTFILE LOGFILE [CERT KEY]
      An HTTP/1.1 origin on 127.0.0.1 (a free port, written to PORTFILE);
      HTTPS with CERT and KEY. Every request line is appended to LOGFILE
      with the client's port ("GET /hello from 51234"), so a test can show
      that a refused request never arrived, and which ones shared a
      connection (keep-alive).
        GET  /host         -> the Host field it got
        GET|POST /git/...  -> git's smart HTTP (git http-backend, as CGI) for
                              the repositories under $GIT_PROJECT_ROOT
        GET  /hello        -> "hello"
        GET  /big?n=N      -> N bytes of a fixed pattern (streamed)
        GET  /slow         -> waits 5 s, then "late"
        POST|PUT /echo     -> "<length> <sha256>" of the body (length or chunked)
      A body that arrives whole is logged too: "BODY <path> <length> <sha256>".
  proxy_server.py pattern N     the sha256 of /big?n=N
  proxy_server.py raw HOST PORT FILE  sends FILE's bytes to HOST:PORT
      (LF turned into CRLF unless a fifth argument is 1) and prints the answer
  proxy_server.py tlsraw PROXY PORT AUTHORITY SNI FILE
      CONNECTs to AUTHORITY through the proxy at PROXY:PORT, speaks TLS
      with server name SNI (trusting the system store, so SSL_CERT_FILE),
      sends FILE's bytes (LF made CRLF) and prints the answer
"""
import hashlib
import http.server
import os
import socket
import subprocess
import ssl
import sys
import time

BLOCK = bytes(range(256)) * 256  # 64 KiB


def pattern(n):
    h = hashlib.sha256()
    while n > 0:
        k = min(n, len(BLOCK))
        h.update(BLOCK[:k])
        n -= k
    return h.hexdigest()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # the head and body go out in separate writes: without this, Nagle and
    # delayed ACKs hold each kept-alive answer for 40 ms
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        pass

    def log_request_line(self):
        with open(self.server.logfile, "a") as f:
            f.write("%s %s from %d\n" % (self.command, self.path, self.client_address[1]))

    def reply(self, body, status=200):
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def git(self, body=b""):
        path, _, query = self.path[len("/git"):].partition("?")
        env = dict(os.environ, GIT_HTTP_EXPORT_ALL="1", PATH_INFO=path, QUERY_STRING=query,
                   REQUEST_METHOD=self.command, CONTENT_TYPE=self.headers.get("Content-Type", ""),
                   CONTENT_LENGTH=str(len(body)), GATEWAY_INTERFACE="CGI/1.1",
                   REMOTE_ADDR="127.0.0.1")
        out = subprocess.run(["git", "http-backend"], input=body, env=env,
                             stdout=subprocess.PIPE, check=False).stdout
        head, _, data = out.partition(b"\r\n\r\n")
        status, fields = 200, []
        for line in head.split(b"\r\n"):
            k, _, v = line.decode().partition(":")
            if k.lower() == "status":
                status = int(v.split()[0])
            elif k:
                fields.append((k, v.strip()))
        self.send_response(status)
        for k, v in fields:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.log_request_line()
        if self.path.startswith("/git/"):
            self.git()
        elif self.path == "/hello":
            self.reply(b"hello")
        elif self.path == "/host":
            self.reply(self.headers.get("Host", "").encode())
        elif self.path.startswith("/big?n="):
            n = int(self.path[len("/big?n="):])
            self.send_response(200)
            self.send_header("Content-Length", str(n))
            self.end_headers()
            while n > 0:
                k = min(n, len(BLOCK))
                self.wfile.write(BLOCK[:k])
                n -= k
        elif self.path == "/slow":
            time.sleep(5)
            self.reply(b"late")
        else:
            self.reply(b"no such thing", 404)

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return body
                body += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def do_POST(self):
        self.log_request_line()
        try:
            body = self.read_body()
        except (OSError, ValueError):
            return  # cut short (a refused body): no answer, nothing logged
        cl = self.headers.get("Content-Length")
        if cl is not None and len(body) != int(cl):
            return
        digest = hashlib.sha256(body).hexdigest()
        with open(self.server.logfile, "a") as f:  # the whole body arrived
            f.write("BODY %s %d %s\n" % (self.path, len(body), digest))
        if self.path.startswith("/git/"):
            self.git(body)
            return
        self.reply(("%d %s" % (len(body), digest)).encode())

    do_PUT = do_POST


def serve(portfile, logfile, cert=None, key=None):
    # SERVE_PORT: a fixed port (proxy_dns.sh's origins on 443 and 80)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", int(os.environ.get("SERVE_PORT", "0"))),
                                          Handler)
    if cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        ctx.set_alpn_protocols(["http/1.1"])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    srv.logfile = logfile
    open(logfile, "a").close()
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    srv.serve_forever()


def raw(host, port, path, lf):
    with open(path, "rb") as f:
        data = f.read()
    if lf != "1":
        data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    s = socket.create_connection((host, int(port)), timeout=10)
    s.sendall(data)
    out = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
    except socket.timeout:
        pass
    sys.stdout.buffer.write(out)


def tlsraw(proxy, port, authority, sni, path):
    with open(path, "rb") as f:
        data = f.read().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    s = socket.create_connection((proxy, int(port)), timeout=10)
    s.sendall(b"CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (authority.encode(), authority.encode()))
    head = b""
    while b"\r\n\r\n" not in head:
        b = s.recv(1)
        if not b:
            break
        head += b
    if not head.startswith(b"HTTP/1.1 200"):
        sys.stdout.buffer.write(head)
        return
    ctx = ssl.create_default_context()
    t = ctx.wrap_socket(s, server_hostname=sni)
    t.sendall(data)
    out = b""
    try:
        while True:
            b = t.recv(65536)
            if not b:
                break
            out += b
    except (socket.timeout, ssl.SSLError):
        pass
    sys.stdout.buffer.write(out)


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(*sys.argv[2:6])
    elif sys.argv[1] == "tlsraw":
        tlsraw(*sys.argv[2:7])
    elif sys.argv[1] == "pattern":
        print(pattern(int(sys.argv[2])))
    elif sys.argv[1] == "raw":
        raw(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5] if len(sys.argv) > 5 else "0")
