#!/usr/bin/env python3
"""Test helper for dlp_run.sh (no third-party code).

  dlp_server.py serve PORTFILE LOGFILE
      A JSON API origin on 127.0.0.1 (a free port, written to PORTFILE).
      Every request that arrives is appended to LOGFILE whole: the request
      line, the headers and the body as received (chunked framing removed),
      (and decompressed when it says gzip), so a test can show that a
      secret never reached the origin. A body is followed by one line
      "BODY COMPLETE <path> <bytes> <sha256>" when all of it arrived, or
      "BODY INCOMPLETE <path> <bytes>" when the connection ended (a FIN or
      a reset) before it did.
        GET  any path   -> {"ok": true, "path": ...}
        GET  /v1/echo-reversed?d=X[&pad=N]
                        -> N bytes of filler, then X reversed (an origin
                           that hands back what a client smuggled out)
        POST|PUT any    -> {"ok": true, "bytes": N}
"""
import gzip
import hashlib
import http.server
import json
import os
import sys
import urllib.parse


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def record(self, body=b"", complete=None):
        with open(self.server.logfile, "ab") as f:
            f.write(("%s %s\n%s\n" % (self.command, self.path, self.headers)).encode("latin-1"))
            f.write(body + b"\n")
            if complete is not None:
                f.write(("BODY %s %s %d %s\n" % ("COMPLETE" if complete else "INCOMPLETE", self.path,
                        len(body), hashlib.sha256(body).hexdigest() if complete else "")).encode())
            if self.headers.get("Content-Encoding", "") == "gzip":
                try:
                    f.write(gzip.decompress(body) + b"\n")
                except Exception:
                    f.write(b"(not gzip)\n")
            f.write(b"----\n")

    def reply(self, obj):
        body = json.dumps(obj).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.record()
        u = urllib.parse.urlsplit(self.path)
        if u.path == "/v1/echo-reversed":
            q = urllib.parse.parse_qs(u.query)
            pad = int(q.get("pad", ["0"])[0])
            body = b"filler line\n" * (pad // 12) + q["d"][0][::-1].encode() + b"\n"
            # head and body in one write: a small answer arrives in one piece
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                             b"Content-Length: %d\r\n\r\n" % len(body) + body)
            return
        self.reply({"ok": True, "path": self.path})

    def read_n(self, n, into):
        """Up to n bytes into the bytearray into; False if the connection
        ended first (what did arrive is kept)."""
        while n > 0:
            try:
                d = self.rfile.read1(min(n, 65536))
            except OSError:
                return False
            if not d:
                return False
            into += d
            n -= len(d)
        return True

    def read_body(self):
        """(body, complete)"""
        body = bytearray()
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            try:
                while True:
                    line = self.rfile.readline()
                    if not line.endswith(b"\n"):
                        return bytes(body), False
                    size = int(line.split(b";")[0], 16)
                    if size == 0:
                        while True:
                            t = self.rfile.readline()
                            if t in (b"\r\n", b"\n"):
                                return bytes(body), True
                            if not t:
                                return bytes(body), False
                    if not self.read_n(size, body):
                        return bytes(body), False
                    self.rfile.readline()
            except OSError:
                return bytes(body), False
        ok = self.read_n(int(self.headers.get("Content-Length", "0")), body)
        return bytes(body), ok

    def do_POST(self):
        body, complete = self.read_body()
        self.record(body, complete)
        if not complete:
            self.close_connection = True
            return
        self.reply({"ok": True, "bytes": len(body)})

    do_PUT = do_POST


def serve(portfile, logfile):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.logfile = logfile
    # a connection the proxy resets (a refused body) is expected, not news
    srv.handle_error = lambda request, address: None
    open(logfile, "a").close()
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    srv.serve_forever()


if __name__ == "__main__":
    serve(sys.argv[2], sys.argv[3])
