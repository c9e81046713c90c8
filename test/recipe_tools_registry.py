#!/usr/bin/env python3
"""Test helper for test/recipe_tools*.sh (no third-party code).

  recipe_tools_registry.py serve ROOT PORTFILE LOGFILE
      A static HTTP/1.1 origin on 127.0.0.1 (a free port, written to
      PORTFILE) serving the files under ROOT: the local stand-in for a
      package registry (an npm registry folder, a pip index). A path that
      names a folder serves its index.json (npm packuments) or index.html
      (a PEP 503 simple page). Every request is appended to LOGFILE as
      "METHOD PATH auth=AUTHORIZATION-HEADER", so a test can show that the
      token given by environment reached the registry, and which requests
      the tool really sent.
"""
import http.server
import os
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        self.serve(True)

    def do_HEAD(self):
        self.serve(False)

    def serve(self, body):
        with open(self.server.logfile, "a") as f:
            f.write("%s %s auth=%s\n" % (self.command, self.path,
                                         self.headers.get("Authorization", "-")))
        rel = self.path.split("?", 1)[0].lstrip("/")
        # Scoped npm names arrive percent-encoded (@scope%2fname).
        rel = rel.replace("%2f", "/").replace("%2F", "/")
        path = os.path.realpath(os.path.join(self.server.root, rel))
        if not (path + "/").startswith(self.server.root + "/"):
            return self.answer(404, b"outside\n", "text/plain", body)
        if os.path.isdir(path):
            for name, ctype in (("index.json", "application/json"), ("index.html", "text/html")):
                if os.path.isfile(os.path.join(path, name)):
                    path = os.path.join(path, name)
                    break
            else:
                return self.answer(404, b"no index\n", "text/plain", body)
        elif path.endswith(".json"):
            ctype = "application/json"
        else:
            ctype = "application/octet-stream"
        if not os.path.isfile(path):
            return self.answer(404, b"not found\n", "text/plain", body)
        with open(path, "rb") as f:
            data = f.read()
        self.answer(200, data, ctype, body)

    def answer(self, status, data, ctype, body):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)


def main():
    if len(sys.argv) != 5 or sys.argv[1] != "serve":
        sys.exit(__doc__)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.root = os.path.realpath(sys.argv[2])
    srv.logfile = sys.argv[4]
    with open(sys.argv[3] + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(sys.argv[3] + ".tmp", sys.argv[3])
    srv.serve_forever()


if __name__ == "__main__":
    main()
