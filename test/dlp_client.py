#!/usr/bin/env python3
"""Test helper for dlp_run.sh: an honest JSON API session through
HTTP_PROXY (urllib), as a real client sends it: GETs with query strings,
JSON bodies with ids, hashes, timestamps, a base64 image, a gzip body.
Prints one line per request: "<status> <what>".

  dlp_client.py honest BASE
  dlp_client.py post BASE PATH TEXT [gzip]     one POST, prints the status
"""
import base64
import gzip
import hashlib
import json
import os
import sys
import urllib.error
import urllib.request
import uuid


def send(base, path, body=None, headers=None, method=None):
    req = urllib.request.Request(base + path, data=body, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=20) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def honest(base):
    ua = {"User-Agent": "dlp-test/1.0", "Accept": "application/json"}
    for i in range(5):
        st, _ = send(base, "/v1/items?page=%d&per_page=50&sort=created&q=build%%20logs" % i,
                     headers=ua)
        print(st, "GET page", i)
    for i in range(10):
        blob = os.urandom(600)
        doc = {
            "id": str(uuid.uuid4()),
            "name": "artifact-%d.tar.gz" % i,
            "sha256": hashlib.sha256(blob).hexdigest(),
            "sha512": "sha512-" + base64.b64encode(hashlib.sha512(blob).digest()).decode(),
            "created": "2026-12-03T12:%02d:00Z" % i,
            "thumbnail": "data:image/png;base64," + base64.b64encode(blob).decode(),
            "tags": ["ci", "nightly", "x86_64-linux-gnu"],
            "description": "Built from commit 7fd1a60b01f91b314f59955a4e4d4e80d8edf11d on main",
        }
        h = dict(ua, **{"Content-Type": "application/json",
                        "X-Request-Id": str(uuid.uuid4())})
        st, _ = send(base, "/v1/artifacts", json.dumps(doc).encode(), h)
        print(st, "POST artifact", i)
    body = gzip.compress(json.dumps({"events": [{"n": k, "msg": "step %d done" % k}
                                                for k in range(500)]}).encode())
    st, _ = send(base, "/v1/events", body, dict(ua, **{"Content-Type": "application/json",
                                                       "Content-Encoding": "gzip"}))
    print(st, "POST gzip events")


def post(base, path, text, enc=None):
    body = text.encode()
    h = {"Content-Type": "application/json"}
    if enc == "gzip":
        body = gzip.compress(body)
        h["Content-Encoding"] = "gzip"
    st, out = send(base, path, body, h)
    print(st)
    sys.stdout.write(out.decode("utf-8", "replace"))


if __name__ == "__main__":
    if sys.argv[1] == "honest":
        honest(sys.argv[2])
    else:
        post(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5] if len(sys.argv) > 5 else None)
