#!/usr/bin/env python3
"""Test helper for dlp_hold_run.sh: one upload through HTTP_PROXY on a raw
socket, so the test decides where the pieces end (no third-party code).

  dlp_upload.py URL SIZE cl|chunked none|TOKEN
      Sends SIZE bytes of honest text (a fixed pseudo-random word list, the
      same for every run) as a Content-Length or chunked body. With a
      TOKEN, the body ends with it, split across the last two pieces: the
      client pauses after the token's first 10 characters, so the proxy
      reads them in one piece and the rest in the next. Prints the status
      line, the x-canister-error value (or "-") and the sha256 of the body.
"""
import hashlib
import os
import random
import socket
import sys
import time
import urllib.parse

WORDS = ("build log step done artifact cache layer commit branch merge test pass "
         "module package version release install fetch origin main tree blob").split()


def honest_text(size):
    rnd = random.Random(1)
    out = bytearray()
    while len(out) < size:
        out += (" ".join(rnd.choice(WORDS) for _ in range(12)) + "\n").encode()
    return bytes(out[:size])


def main(url, size, mode, token):
    body = honest_text(size)
    split = None
    if token != "none":
        tail = (" " + token + " \n").encode()
        body = body[:size - len(tail)] + tail
        split = len(body) - len(tail) + 11  # after " " and 10 characters
    proxy = urllib.parse.urlsplit(os.environ["HTTP_PROXY"])
    u = urllib.parse.urlsplit(url)
    s = socket.create_connection((proxy.hostname, proxy.port), timeout=30)
    head = "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: text/plain\r\n" % (url, u.netloc)
    head += ("Content-Length: %d\r\n" % len(body)) if mode == "cl" else "Transfer-Encoding: chunked\r\n"
    s.sendall((head + "\r\n").encode())

    def frame(b):
        if mode == "cl" or not b:
            return b
        return b"%x\r\n" % len(b) + b + b"\r\n"

    parts = [body] if split is None else [body[:split], body[split:]]
    try:
        for i, p in enumerate(parts):
            for off in range(0, len(p), 65536):
                s.sendall(frame(p[off:off + 65536]))
            if i + 1 < len(parts):
                time.sleep(0.5)  # the proxy reads the first part alone
        if mode == "chunked":
            s.sendall(b"0\r\n\r\n")
    except OSError:
        pass  # refused mid-body: the answer is already waiting
    resp = b""
    try:
        while b"\r\n\r\n" not in resp:
            d = s.recv(65536)
            if not d:
                break
            resp += d
    except OSError:
        pass
    lines = resp.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    err = "-"
    for ln in lines[1:]:
        if ln.lower().startswith("x-canister-error:"):
            err = ln.split(":", 1)[1].strip()
    print(lines[0] if lines[0] else "(no answer)", err, hashlib.sha256(body).hexdigest())


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4])
