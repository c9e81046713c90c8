#!/usr/bin/env python3
"""Test helper for dlp_run.sh (no third-party code).

  dlp_server.py serve PORTFILE LOGFILE
      A JSON API origin on 127.0.0.1 (a free port, written to PORTFILE).
      Every request that arrives is appended to LOGFILE whole: the request
      line, the headers and the body as received (chunked framing removed),
      (and decompressed when it says gzip), so a test can show that a
      secret never reached the origin.
        GET  any path   -> {"ok": true, "path": ...}
        POST|PUT any    -> {"ok": true, "bytes": N}
"""
import gzip
import http.server
import json
import os
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def record(self, body=b""):
        with open(self.server.logfile, "ab") as f:
            f.write(("%s %s\n%s\n" % (self.command, self.path, self.headers)).encode("latin-1"))
            f.write(body + b"\n")
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
        self.reply({"ok": True, "path": self.path})

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = b""
            while True:
                line = self.rfile.readline()
                if not line:
                    return body
                size = int(line.split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return body
                body += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def do_POST(self):
        body = self.read_body()
        self.record(body)
        self.reply({"ok": True, "bytes": len(body)})

    do_PUT = do_POST


def serve(portfile, logfile):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.logfile = logfile
    open(logfile, "a").close()
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    srv.serve_forever()


if __name__ == "__main__":
    serve(sys.argv[2], sys.argv[3])
