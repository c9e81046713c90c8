#!/usr/bin/env bash
# The egress proxy (docs/proxy.md): real clients inside the sandbox reach a
# local origin on the host's loopback only through the proxy, with bodies
# intact both ways; every refusal carries x-canister-error and the TOML
# that allows it; and the attacks on it (direct connects, odd literals,
# userinfo, rebinding inward, smuggling, oversized bodies, UDP out) fail.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user "$CAN_SRCDIR/test/proxy_server.py"

TOP=$(mktemp -d /tmp/canproxy.XXXXXX)
P=$TOP/proj
mkdir -p "$P"
cp "$CAN_SRCDIR/test/proxy_server.py" "$P/srv.py"
cd "$P" || exit 1
python3 srv.py serve "$TOP/port" "$TOP/log" &
SRV=$!
trap 'kill $SRV 2>/dev/null; rm -rf "$TOP"' EXIT
for _ in $(seq 100); do [ -s "$TOP/port" ] && break; sleep 0.05; done
PORT=$(cat "$TOP/port")
H=host.canister.local:$PORT

cat >loop.toml <<'T'
[network]
egress = "proxy-only"
allow_host_loopback = true
T
run() { "$CAN" run "$@"; }
inside() { run -r ./loop.toml -- "$@"; }
# raw REQUEST: sends REQUEST (LF made CRLF unless RAW_LF=1) from inside to the proxy.
raw() { printf '%s' "$1" >req.txt; run -r ./loop.toml "${RAWR[@]}" -- python3 srv.py raw 127.0.0.1 3128 req.txt "${RAW_LF:-0}"; }
RAWR=()
logged() { grep -c -- "$1" "$TOP/log" 2>/dev/null || true; }

# --- legitimate work ---
t_run inside curl -sS -m 20 "http://$H/hello"
t_grep "curl inside gets a host-loopback origin through the proxy" '^hello$' "$T_OUT"
t_grep "the proxy variables are set inside" "HTTP_PROXY=http://127.0.0.1:3128" \
	"$(inside env)"
t_run inside python3 -c "import urllib.request;print(urllib.request.urlopen('http://$H/hello').read().decode())"
t_grep "python3 urllib (HTTP_PROXY) gets it too" '^hello$' "$T_OUT"

N=$((64 * 1024 * 1024 + 123))
want=$(python3 srv.py pattern $N)
t_run inside sh -c "curl -sS -m 120 'http://$H/big?n=$N' | sha256sum"
t_grep "a 64 MiB streamed download arrives intact" "^$want " "$T_OUT"

head -c 5000000 /dev/urandom >up.bin
want=$(sha256sum up.bin | cut -d' ' -f1)
t_run inside curl -sS -m 60 -H 'Transfer-Encoding: chunked' -T up.bin "http://$H/echo"
t_grep "a chunked upload arrives intact" "^5000000 $want$" "$T_OUT"
t_run inside curl -sS -m 60 -H 'Expect: 100-continue' --data-binary @up.bin "http://$H/echo"
t_grep "a Content-Length upload with Expect: 100-continue arrives intact" "^5000000 $want$" "$T_OUT"

# --- refusals a user can act on, and the round trip ---
cat >noloop.toml <<'T'
[network]
egress = "proxy-only"
T
t_run run -r ./noloop.toml -- curl -sS -m 20 -D - "http://$H/hello"
t_grep "without allow_host_loopback: 403" "^HTTP/1.1 403" "$T_OUT"
t_grep "x-canister-error: policy-blocked" "x-canister-error: policy-blocked" "$T_OUT"
t_grep "the body names what to paste" "allow_host_loopback = true" "$T_OUT"
t_grep "the same refusal on can's stderr" "can: proxy: refused HTTP to $H" "$T_ERR"
t_grep "and in the exit report" "can: refused: the proxy refused these" "$T_ERR"
printf '%s\n' "$T_OUT" | sed -n '/^# can proxy patch/,$p' >patch.toml
t_expect "the pasted patch validates" 0 "$CAN" recipe validate ./patch.toml
t_run run -r ./noloop.toml -r ./patch.toml -- curl -sS -m 20 "http://$H/hello"
t_grep "with the pasted patch the same request passes" '^hello$' "$T_OUT"

t_run run -r ./noloop.toml -- sh -c "curl -s -m 20 http://$H/hello; curl -s -m 20 http://1.1.1.1/; curl -s -m 20 http://10.1.2.3/; curl -s -m 20 http://other.example/"
printf '%s\n' "$T_ERR" | sed -n '/^# can proxy patch/,$p' >report.toml
t_grep "the exit report merges the patches into one table" 'allow_ips = \["1.1.1.1", "10.1.2.3"\]' "$(cat report.toml)"
t_expect "the exit report's patch validates" 0 "$CAN" recipe validate ./report.toml

t_run inside curl -sS -m 20 -D - http://evil.example/
t_grep "an unlisted name: 403 policy-blocked" "x-canister-error: policy-blocked" "$T_OUT"
t_grep "its patch is a [[host]] block" 'domain = "evil.example"' "$T_OUT"
t_run inside curl -sS -m 20 https://evil.example/
t_grep "CONNECT to an unlisted name is refused" "403" "$T_ERR"
t_grep "and said on stderr" "refused CONNECT evil.example:443" "$T_ERR"

cat >slow.toml <<'T'
[proxy]
upstream_request_timeout_ms = 300
T
t_run run -r ./loop.toml -r ./slow.toml -- curl -sS -m 20 -D - "http://$H/slow"
t_grep "an upstream that does not answer in time: 504" "^HTTP/1.1 504" "$T_OUT"
t_grep "x-canister-error: upstream-timeout" "x-canister-error: upstream-timeout" "$T_OUT"

# --- attacks ---
t_run inside python3 -c "import socket;socket.create_connection(('1.1.1.1',443),timeout=5)"
t_grep "a direct TCP connect to an outside IP fails (no uplink)" "Error" "$T_ERR"
t_run inside python3 -c "import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.sendto(b'x',('8.8.8.8',53))"
t_grep "UDP to an outside resolver fails (no uplink)" "Network is unreachable|Errno" "$T_ERR"
# With the notification engine on, sends are decided like connects: the
# seccomp listener's handover no longer sends anything (pidfd_getfd, ADR
# 0107), so sendto (with an address), sendmsg and sendmmsg are trapped.
cat >notif.toml <<'T'
[syscalls]
notifier = true
T
cat >send.py <<'P'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for name, f in (("sendto", lambda: s.sendto(b"x", ("10.1.2.3", 53))),
                ("sendmsg", lambda: s.sendmsg([b"x"], [], 0, ("10.1.2.4", 53)))):
    try:
        f()
        print(name, "sent")
    except OSError as e:
        print(name, e.errno)
a, b = socket.socketpair()
a.sendmsg([b"hi"])
print("pair", b.recv(10).decode())
P
t_run run -r ./loop.toml -r ./notif.toml -- python3 send.py
t_grep "engine on: UDP sendto an outside address is refused (EACCES, not just unreachable)" \
	"^sendto 13$" "$T_OUT"
t_grep "and sendmsg with an address too" "^sendmsg 13$" "$T_OUT"
t_grep "both are in the exit report" "10.1.2.3:53.*|10.1.2.4:53" "$T_ERR"
t_grep "sendmsg without an address (a socketpair) still works" "^pair hi$" "$T_OUT"
t_run run -r ./loop.toml -r ./notif.toml -- curl -sS -m 20 "http://$H/hello"
t_grep "and the proxy still works with sends trapped" '^hello$' "$T_OUT"

t_run raw "GET http://2130706433:$PORT/hello HTTP/1.1
Host: 2130706433:$PORT

"
t_grep "decimal loopback is refused (400)" "^HTTP/1.1 400" "$T_OUT"
t_run raw "CONNECT [::ffff:127.0.0.1]:$PORT HTTP/1.1
Host: [::ffff:127.0.0.1]:$PORT

"
t_grep "IPv6-mapped loopback is refused (403)" "^HTTP/1.1 403" "$T_OUT"
t_run raw "CONNECT 127.0.0.1:$PORT HTTP/1.1
Host: 127.0.0.1:$PORT

"
t_grep "CONNECT to a loopback literal is refused" "^HTTP/1.1 403" "$T_OUT"
t_run raw "GET http://x@$H/hello HTTP/1.1
Host: $H

"
t_grep "userinfo is refused" "^HTTP/1.1 400.*|userinfo" "$T_OUT"
t_run raw "GET http://$H/hello HTTP/1.1
Host: evil.example

"
t_grep "Host differing from the target is refused" "^HTTP/1.1 400" "$T_OUT"

cat >lh.toml <<'T'
[network]
egress = "proxy-only"
[[host]]
domain = "localhost"
[[host]]
domain = "registry.npmjs.org"
T
RAWR=(-r ./lh.toml)
t_run raw "GET http://localhost/hello HTTP/1.1
Host: localhost

"
t_grep "an allowed name that resolves to loopback is refused (rebinding inward)" \
	"resolves to 127.0.0.1, a loopback address|resolves to ::1" "$T_OUT"
t_run raw "CONNECT registry.npmjs.org:22 HTTP/1.1
Host: registry.npmjs.org:22

"
t_grep "CONNECT to an allowed host on another port is refused" "^HTTP/1.1 403" "$T_OUT"
RAWR=()

before=$(logged "POST /echo")
t_run raw "POST http://$H/echo HTTP/1.1
Host: $H
Content-Length: 5
Transfer-Encoding: chunked

0

"
t_grep "CL with TE is refused" "^HTTP/1.1 400" "$T_OUT"
t_run raw "POST http://$H/echo HTTP/1.1
Host: $H
Content-Length: 5
Content-Length: 6

hello"
t_grep "two Content-Length are refused" "^HTTP/1.1 400" "$T_OUT"
t_run raw "GET http://$H/hello HTTP/1.1
Host: $H
X-A: 1
 folded

"
t_grep "obs-fold is refused" "^HTTP/1.1 400" "$T_OUT"
RAW_LF=1 t_run raw "GET http://$H/hello HTTP/1.1
Host: $H

"
t_grep "bare LF is refused" "^HTTP/1.1 400" "$T_OUT"
t_run raw "POST http://$H/echo HTTP/1.1
Host: $H
Transfer-Encoding: chunked

5
hello
0

GET http://$H/smuggled HTTP/1.1
Host: $H

"
t_grep "a chunked body is forwarded" "5 2cf24dba" "$T_OUT"
t_nogrep "a request after the body is not forwarded" "GET /smuggled" "$(cat "$TOP/log")"

cat >small.toml <<T
[[host]]
domain = "host.canister.local"
max_request_bytes = 100
T
RAWR=(-r ./small.toml)
before=$(logged "POST /echo")
t_run raw "POST http://$H/echo HTTP/1.1
Host: $H
Content-Length: 1000

"
t_grep "an oversized body gets 413" "^HTTP/1.1 413" "$T_OUT"
t_grep "x-canister-error: body-too-large" "x-canister-error: body-too-large" "$T_OUT"
t_run raw "POST http://$H/echo HTTP/1.1
Host: $H
Transfer-Encoding: chunked

200
$(head -c 512 /dev/zero | tr '\0' a)
0

"
t_grep "an oversized chunked body gets 413" "^HTTP/1.1 413" "$T_OUT"
RAWR=()
t_run logged "POST /echo"
if [ "$T_OUT" = "$before" ]; then t_ok "nothing of the oversized bodies was forwarded"
else t_fail "nothing of the oversized bodies was forwarded ($before before, $T_OUT after)"; fi

t_done
