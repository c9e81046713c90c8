#!/usr/bin/env bash
# can run -p: the spec on the command line, the host port checked before
# anything runs, a server inside reached from the host's loopback through
# the relay (docs/adr/0120), and the sandbox still unable to connect out.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user

TOP=$(mktemp -d /tmp/canports.XXXXXX)
SRV=
trap '[ -n "$SRV" ] && kill "$SRV" 2>/dev/null; rm -rf "$TOP"' EXIT
cd "$TOP" || exit 1
run() { "$CAN" run "$@"; }

# --- bad specs: exit 2 with the parse error, before anything runs ---
t_expect "a spec without a sandbox port is a usage error" 2 run -p 8080 -- touch "$TOP/m1"
t_grep "... saying what a spec looks like" "can: -p 8080: expected \[ip:\]hostPort:sandboxPort\[/tcp\]" "$T_ERR"
t_expect "a port beyond 65535 is a usage error" 2 run -p 99999:80 -- true
t_grep "... saying the range" "-p 99999:80: a port is a number from 1 to 65535" "$T_ERR"
t_expect "/udp is refused" 2 run -p 8080:80/udp -- true
t_grep "... clearly" "/udp is not supported" "$T_ERR"
t_expect "0.0.0.0 is refused without --publish-any" 2 run -p 0.0.0.0:8080:80 -- true
t_grep "... naming the opt-in" "0.0.0.0 is not a loopback address; .*needs --publish-any" "$T_ERR"
t_expect "a port 0 is a usage error" 2 run -p 0:80 -- true
t_expect "a decimal IPv4 literal is not an address" 2 run -p 2130706433:8080:80 -- true
[ ! -e "$TOP/m1" ] && t_ok "... and none of them ran the command" || t_fail "a bad spec ran the command"

# --- a host port in use: 126, the command never ran ---
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True); time.sleep(120)' >"$TOP/port" &
SRV=$!
for _ in $(seq 50); do [ -s "$TOP/port" ] && break; sleep 0.1; done
BUSY=$(cat "$TOP/port")
t_expect "a host port in use is 126" 126 run -p "$BUSY:8000" -- touch "$TOP/m2"
t_grep "... with the bind error" "^can: -p $BUSY: bind 127.0.0.1:$BUSY: EADDRINUSE$" "$T_ERR"
[ ! -e "$TOP/m2" ] && t_ok "... and the command never ran" || t_fail "the command ran with its port in use"
t_expect "several -p: the second busy" 126 run -p "[::1]:$BUSY:1" -p "$BUSY:2" -- touch "$TOP/m3"
t_grep "... names the busy one" "bind 127.0.0.1:$BUSY: EADDRINUSE" "$T_ERR"
[ ! -e "$TOP/m3" ] && t_ok "... and the command never ran" || t_fail "the command ran with a port in use"
kill "$SRV" 2>/dev/null; wait "$SRV" 2>/dev/null; SRV=

# --- a server inside, published: reached from the host ---
mkdir -p "$TOP/www"
echo "hello from inside" >"$TOP/www/index.html"
head -c 10485760 /dev/urandom >"$TOP/www/big.bin"
cd "$TOP/www" || exit 1
"$CAN" run -r python -p "$BUSY:8000" -- python3 -m http.server -b 127.0.0.1 8000 >"$TOP/inside.log" 2>&1 &
RUNPID=$!
up=
for _ in $(seq 100); do
	if curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$BUSY/index.html"; then up=1; break; fi
	sleep 0.1
done
if [ -n "$up" ]; then
	t_ok "the published server answers on the host's loopback"
	t_run curl -s --max-time 10 "http://127.0.0.1:$BUSY/index.html"
	[ "$T_OUT" = "hello from inside" ] && t_ok "... with the right body" || t_fail "... body was '$T_OUT'"
	curl -s --max-time 30 -o "$TOP/got.bin" "http://127.0.0.1:$BUSY/big.bin"
	cmp -s "$TOP/got.bin" "$TOP/www/big.bin" && t_ok "a 10 MB body arrives intact" || t_fail "the 10 MB body differs"
	curl -s --max-time 30 -o "$TOP/c1.bin" "http://127.0.0.1:$BUSY/big.bin" &
	C1=$!
	curl -s --max-time 30 -o "$TOP/c2.bin" "http://127.0.0.1:$BUSY/big.bin" &
	C2=$!
	wait "$C1" "$C2"
	cmp -s "$TOP/c1.bin" "$TOP/www/big.bin" && cmp -s "$TOP/c2.bin" "$TOP/www/big.bin" &&
		t_ok "two concurrent connections both get the whole body" ||
		t_fail "two concurrent connections: a body differs"
else
	t_fail "the published server answers on the host's loopback"
	t_diag "$(cat "$TOP/inside.log")"
fi
kill "$RUNPID" 2>/dev/null
wait "$RUNPID" 2>/dev/null
cd "$TOP" || exit 1
"$CAN" run -p "$BUSY:8001" -- sleep 5 &
RUNPID=$!
for _ in $(seq 50); do
	python3 -c "import socket; socket.create_connection(('127.0.0.1', $BUSY), timeout=1)" 2>/dev/null && break
	sleep 0.1
done
curl -s --max-time 4 "http://127.0.0.1:$BUSY/" >/dev/null
rc=$?
[ "$rc" != 0 ] && [ "$rc" != 28 ] && t_ok "nothing listening inside: the client's connection is closed at once (curl $rc)" ||
	t_fail "nothing listening inside: curl exit $rc (28 = it hung)"
kill "$RUNPID" 2>/dev/null
wait "$RUNPID" 2>/dev/null
t_expect "--publish-any lets 0.0.0.0 past the parser" 0 run --publish-any -p "0.0.0.0:$BUSY:80" -- true
if python3 -c "import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', $BUSY)); s.listen(1)" 2>/dev/null; then
	t_ok "the host port is released when the run ends"
else
	t_fail "the host port stayed bound after the run"
fi

# --- bind inside: free, since only the sandbox reaches its netns (ADR 0123) ---
# A port free on the host, so a host connect to it can only succeed by
# reaching the sandbox's listener (nothing of the host's own answers there).
FIX=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BIND='import socket, sys
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(fam)
try:
    s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(1); print("bound", s.getsockname()[1])
except OSError as e:
    print("refused", e.errno); sys.exit(3)'
# GET http://127.0.0.1:PORT/ until it answers (the server starts beside it).
GET='import sys, time, urllib.request
err = None
for _ in range(200):
    try:
        print(urllib.request.urlopen("http://127.0.0.1:%s/" % sys.argv[1], timeout=5).read().decode().strip()); break
    except OSError as e:
        err = getattr(e, "reason", e); time.sleep(0.05)
else:
    print("failed", getattr(err, "errno", err)); sys.exit(4)'
echo "served inside" >"$TOP/index.html"
# SERVE PORT [MARK]: a server on 0.0.0.0:PORT, MARK written once it listens.
SERVE='import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(8)
if len(sys.argv) > 2: open(sys.argv[2], "w").write("up")
while True:
    c, _ = s.accept(); c.sendall(b"HTTP/1.0 200 OK\r\n\r\nserved inside\n"); c.close()'
t_expect "a test server's fixed unpublished port binds and listens inside" 0 \
	run -- python3 -c "$BIND" 127.0.0.1 "$FIX"
t_grep "... on that port" "^bound $FIX$" "$T_OUT"
# Its client inside needs TCP connect to that port: any port of the
# sandbox's own loopback, under every egress (ADR 0122, 0125).
printf '[network]\negress = "direct"\n' >"$TOP/direct.toml"
if command -v pasta >/dev/null && [ -r /dev/net/tun ] && [ -w /dev/net/tun ]; then
	t_expect "legitimate work: a server on a fixed unpublished port is reached by a client inside (direct)" 0 \
		run -r "$TOP/direct.toml" -- sh -c "python3 -m http.server -b 127.0.0.1 $FIX >/dev/null 2>&1 & python3 -c '$GET' $FIX; r=\$?; kill \$!; exit \$r"
	t_grep "... with its body" "^served inside$" "$T_OUT"
else
	t_skip "pasta or /dev/net/tun missing: the client inside (egress = direct) is not tested"
fi
t_expect "legitimate work: under egress = none a client inside reaches it too (the sandbox's own lo)" 0 \
	run -- sh -c "python3 -c '$SERVE' $FIX & python3 -c '$GET' $FIX; r=\$?; kill \$!; exit \$r"
t_grep "... with its body" "^served inside$" "$T_OUT"
LLABI=$(python3 -c 'import ctypes; print(ctypes.CDLL(None).syscall(444, None, 0, 1))' 2>/dev/null)
if [ "${LLABI:-0}" -ge 4 ] 2>/dev/null; then
	t_expect "-v says TCP bind is free in the netns" 0 run -v -- true
	t_grep "... in the landlock line" "wall: landlock: .*TCP bind to any port \(the netns is the sandbox's\)" "$T_ERR"
fi
t_expect "an unpublished port binds on IPv6 too" 0 run -- python3 -c "$BIND" ::1 "$FIX"
t_expect "... and on 0.0.0.0 beside a published one" 0 run -p "$BUSY:8000" -- python3 -c "$BIND" 0.0.0.0 "$FIX"
t_grep "... on that port" "^bound $FIX$" "$T_OUT"
t_expect "the published sandbox port binds" 0 run -p "$BUSY:8000" -- python3 -c "$BIND" 0.0.0.0 8000
t_expect "an ephemeral port (bind to 0) binds" 0 run -- python3 -c "$BIND" 127.0.0.1 0
t_expect "... and so does listen() without bind" 0 run -- python3 -c 'import socket; s = socket.socket(); s.listen(1); print(s.getsockname()[1])'

# --- attack: the host reaches the published server, not the unpublished one ---
PROBE='import socket, sys
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3).close(); print("reached")
except OSError as e:
    print("failed", e.errno); sys.exit(3)'
rm -f "$TOP/up"
"$CAN" run -p "$BUSY:8000" -- sh -c "python3 -c '$SERVE' $FIX $TOP/up & python3 -c '$SERVE' 8000" \
	>"$TOP/two.log" 2>&1 &
RUNPID=$!
for _ in $(seq 200); do [ -s "$TOP/up" ] && break; sleep 0.1; done
if [ -s "$TOP/up" ]; then
	t_ok "inside, a server listens on $FIX (0.0.0.0, unpublished) beside a published one"
	t_run python3 -c "$GET" "$BUSY"
	t_grep "the host reaches the published one" "^served inside$" "$T_OUT"
	t_expect "the host cannot reach the unpublished one on 127.0.0.1:$FIX" 3 python3 -c "$PROBE" "$FIX"
	t_grep "... ECONNREFUSED: nothing of the sandbox listens on the host" "^failed 111$" "$T_OUT"
	HOSTIP=$(ip -4 -o addr show scope global 2>/dev/null | awk '{sub("/.*", "", $4); print $4; exit}')
	if [ -n "$HOSTIP" ]; then
		t_run python3 -c "${PROBE/127.0.0.1/$HOSTIP}" "$FIX"
		[ "$T_RC" = 3 ] && t_ok "... nor on the host's address $HOSTIP" || t_fail "... the host's address $HOSTIP:$FIX reached it"
	fi
else
	t_fail "inside, a server listens on $FIX (0.0.0.0, unpublished) beside a published one"
	t_diag "$(cat "$TOP/two.log")"
fi
kill "$RUNPID" 2>/dev/null
wait "$RUNPID" 2>/dev/null
python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8); time.sleep(30)' "$FIX" &
LP=$!
for _ in $(seq 50); do python3 -c "$PROBE" "$FIX" >/dev/null 2>&1 && break; sleep 0.1; done
t_expect "control: the same probe reaches a host listener on $FIX" 0 python3 -c "$PROBE" "$FIX"
kill "$LP" 2>/dev/null
wait "$LP" 2>/dev/null

# --- attack: the sandbox still cannot connect out to a host loopback server ---
python3 -u -m http.server -b 127.0.0.1 0 >"$TOP/http.log" 2>&1 &
SRV=$!
for _ in $(seq 50); do grep -q 'port' "$TOP/http.log" 2>/dev/null && break; sleep 0.1; done
HP=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$TOP/http.log" | head -1)
if [ -n "$HP" ] && python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$HP/', timeout=5)" 2>/dev/null; then
	t_ok "control: the host reaches its own loopback server on $HP"
	t_refused_connect() {
		t_run run -- python3 -c "import socket; socket.create_connection(('127.0.0.1', $HP), timeout=3)"
		if [ "$T_RC" != 0 ] && [ "$T_RC" != 126 ]; then t_ok "$1"; else t_fail "$1 (exit $T_RC)"; t_diag "$T_ERR"; fi
	}
	t_refused_connect "the sandbox cannot connect to the host's loopback server"
else
	t_fail "control: no loopback server to attack"
fi
t_done
