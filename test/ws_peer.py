#!/usr/bin/env python3
"""The two ends of a WebSocket for test/proxy_ws.sh (stdlib only).

serve PORTFILE LOG [CERT KEY]: an origin on 127.0.0.1 (TLS with CERT and
KEY): a GET with Upgrade: websocket gets 101 with its Sec-WebSocket-Accept
(RFC 6455 4.2.2), then every text frame comes back as "echo: TEXT"; any
other request gets 200 "plain", and GET /nows 200 "not upgraded" even with
Upgrade. One line per request head in LOG.

client URL: inside the sandbox, through the proxy of HTTPS_PROXY (or
HTTP_PROXY for ws://): wss:// with CONNECT and TLS, ws:// with an
absolute-form GET; the handshake, one masked text frame "hello", and the
answer printed ("echo: hello"), or the proxy's or origin's answer printed
whole when it is not 101. client URL PATH: a GET of PATH pipelined behind
the upgrade. GET /nows-keep is declined (200) on a kept-alive connection.
"""
import base64
import hashlib
import os
import socket
import ssl
import struct
import sys
import threading
import urllib.parse

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def read_head(s):
    head = b""
    while b"\r\n\r\n" not in head:
        b = s.recv(1)
        if not b:
            break
        head += b
    return head


def recv_exact(s, n):
    out = b""
    while len(out) < n:
        b = s.recv(n - len(out))
        if not b:
            raise EOFError("the peer closed")
        out += b
    return out


def read_frame(s):
    b0, b1 = recv_exact(s, 2)
    n = b1 & 0x7F
    if n == 126:
        n = struct.unpack("!H", recv_exact(s, 2))[0]
    elif n == 127:
        n = struct.unpack("!Q", recv_exact(s, 8))[0]
    mask = recv_exact(s, 4) if b1 & 0x80 else b"\0\0\0\0"
    data = bytes(c ^ mask[i % 4] for i, c in enumerate(recv_exact(s, n)))
    return b0 & 0x0F, data


def frame(opcode, data, masked):
    b1 = 0x80 if masked else 0
    if len(data) < 126:
        h = bytes([0x80 | opcode, b1 | len(data)])
    else:
        h = bytes([0x80 | opcode, b1 | 126]) + struct.pack("!H", len(data))
    if not masked:
        return h + data
    mask = os.urandom(4)
    return h + mask + bytes(c ^ mask[i % 4] for i, c in enumerate(data))


def handle(c, log):
    try:
        head = read_head(c)
        while head.startswith(b"GET /nows-keep "):
            # declines the upgrade and keeps the connection for the next request
            with open(log, "a") as f:
                f.write(head.decode("latin-1").split("\r\n")[0] + "\n")
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\nnot upgraded\r\n")
            head = read_head(c)
        lines = head.decode("latin-1").split("\r\n")
        with open(log, "a") as f:
            f.write(lines[0] + "\n")
        fields = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                fields[k.strip().lower()] = v.strip()
        if lines[0].startswith("GET /nows "):
            # an origin that declines the upgrade: a plain answer
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 14\r\nConnection: close\r\n\r\n"
                      b"not upgraded\r\n")
            return
        if fields.get("upgrade", "").lower() != "websocket":
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nplain\n")
            return
        key = fields.get("sec-websocket-key", "").encode()
        accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
        c.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                  b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n")
        while True:
            op, data = read_frame(c)
            if op == 8:
                c.sendall(frame(8, b"", False))
                return
            if op == 1:
                c.sendall(frame(1, b"echo: " + data, False))
    except (OSError, EOFError, ValueError):
        pass
    finally:
        c.close()


def serve(portfile, log, cert=None, key=None):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(16)
    ctx = None
    if cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(ls.getsockname()[1]))
    os.rename(portfile + ".tmp", portfile)
    while True:
        c, _ = ls.accept()
        if ctx:
            try:
                c = ctx.wrap_socket(c, server_side=True)
            except (OSError, ssl.SSLError):
                c.close()
                continue
        threading.Thread(target=handle, args=(c, log), daemon=True).start()


def client(url, then=None):
    u = urllib.parse.urlsplit(url)
    tls = u.scheme == "wss"
    port = u.port or (443 if tls else 80)
    authority = "%s:%d" % (u.hostname, port)
    proxy = urllib.parse.urlsplit(os.environ["HTTPS_PROXY" if tls else "HTTP_PROXY"])
    s = socket.create_connection((proxy.hostname, proxy.port), timeout=10)
    path = (u.path or "/") + ("?" + u.query if u.query else "")
    if tls:
        s.sendall(b"CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (authority.encode(),
                                                                authority.encode()))
        head = read_head(s)
        if not head.startswith(b"HTTP/1.1 200"):
            sys.stdout.buffer.write(head)
            return
        s = ssl.create_default_context().wrap_socket(s, server_hostname=u.hostname)
        target = path
    else:
        target = url.replace("ws://", "http://", 1)
    key = base64.b64encode(os.urandom(16))
    s.sendall(b"GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              b"Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n"
              % (target.encode(), authority.encode(), key))
    if then:
        # pipelined behind the upgrade: sent up only once it was declined
        s.sendall(b"GET %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (then.encode(), authority.encode()))
    head = read_head(s)
    if not head.startswith(b"HTTP/1.1 101"):
        out = head
        try:
            while True:
                b = s.recv(65536)
                if not b:
                    break
                out += b
        except (socket.timeout, ssl.SSLError, OSError):
            pass
        sys.stdout.buffer.write(out)
        return
    want = base64.b64encode(hashlib.sha1(key + GUID).digest())
    if b"sec-websocket-accept: " + want.lower() not in head.lower():
        print("bad Sec-WebSocket-Accept")
        return
    s.sendall(frame(1, b"hello", True))
    op, data = read_frame(s)
    print(data.decode())
    s.sendall(frame(8, b"", True))


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(*sys.argv[2:6])
    elif sys.argv[1] == "client":
        client(*sys.argv[2:4])
