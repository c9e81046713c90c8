#!/usr/bin/env bash
# The sandbox's loopback is its own (docs/adr/0125): in `can run` a server
# and its client inside one sandbox talk over lo on any port, under egress
# none, proxy-only and with an allow_ips list naming something else (test
# suites, dev servers' health checks). The host's 127.0.0.1 stays out of
# reach (its own netns: nothing of the host listens there), under none,
# proxy-only and direct; an address neither loopback nor listed is still
# EACCES. Session layers and the no-namespace mode (the host's loopback)
# are run_degraded.sh's and session_net.sh's.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user

TOP=$(mktemp -d /tmp/canloopback.XXXXXX)
chmod 755 "$TOP"
HOSTPID=
trap '[ -n "$HOSTPID" ] && kill "$HOSTPID" 2>/dev/null; rm -rf "$TOP"' EXIT
cd "$TOP" || exit 1
printf '[network]\negress = "proxy-only"\n' >proxy.toml
printf '[network]\nallow_ips = ["10.9.0.1"]\n' >ips.toml
printf '[network]\negress = "direct"\n' >direct.toml

# lo.py HOST PORT: a server on HOST:PORT (0: an ephemeral port) and a
# client of it in the same process; prints what the server sent back.
cat >lo.py <<'EOF'
import socket, sys, threading
host, port = sys.argv[1], int(sys.argv[2])
fam = socket.AF_INET6 if ":" in host else socket.AF_INET
s = socket.socket(fam); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((host, port)); s.listen(4)
port = s.getsockname()[1]
def serve():
    c, _ = s.accept(); c.sendall(b"inside-ok\n"); c.close()
threading.Thread(target=serve, daemon=True).start()
dest = sys.argv[3] if len(sys.argv) > 3 else host
c = socket.socket(socket.AF_INET6 if ":" in dest else socket.AF_INET); c.settimeout(10)
try:
    c.connect((dest, port)); print("got", c.recv(64).decode().strip(), port == int(sys.argv[2]))
except OSError as e:
    print("connect failed errno", e.errno)
EOF
# peek.py HOST PORT: connects and prints what it read, or the errno.
cat >peek.py <<'EOF'
import socket, sys
c = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET); c.settimeout(10)
try:
    c.connect((sys.argv[1], int(sys.argv[2]))); print("read", c.recv(64))
except OSError as e:
    print("errno", e.errno)
EOF

for mode in none proxy ips; do
	case $mode in
	none) R=() ;;
	proxy) R=(-r ./proxy.toml) ;;
	ips) R=(-r ./ips.toml) ;;
	esac
	t_run "$CAN" run -r python "${R[@]}" -- python3 lo.py 127.0.0.1 0
	t_grep "$mode: a server and its client inside, on an ephemeral port of 127.0.0.1" "^got inside-ok" "$T_OUT"
	t_run "$CAN" run -r python "${R[@]}" -- python3 lo.py 127.0.0.1 3000
	t_grep "$mode: ... on a fixed port (3000)" "^got inside-ok True$" "$T_OUT"
	t_nogrep "$mode: ... and the exit report suggests no allow_ips" "allow_ips|refused" "$T_ERR"
	t_run "$CAN" run -r python "${R[@]}" -- python3 lo.py ::1 8080
	t_grep "$mode: ... on ::1" "^got inside-ok True$" "$T_OUT"
	t_run "$CAN" run -r python "${R[@]}" -- python3 lo.py :: 0 ::ffff:127.0.0.1
	t_grep "$mode: ... through a dual-stack socket (::ffff:127.0.0.1)" "^got inside-ok" "$T_OUT"
	t_run "$CAN" run -r python "${R[@]}" -- python3 lo.py 127.0.0.3 0
	t_grep "$mode: ... on another address of 127/8 (127.0.0.3)" "^got inside-ok" "$T_OUT"
	t_run "$CAN" run -r python "${R[@]}" -- python3 peek.py 192.0.2.1 80
	t_grep "$mode: an address neither loopback nor in allow_ips is still refused (EACCES)" "^errno 13$" "$T_OUT"
done

# node: an http server and a request to it (what supertest does).
if command -v node >/dev/null 2>&1; then
	cat >srv.js <<'EOF'
const http = require('http');
const srv = http.createServer((q, r) => r.end('node-' + q.url.slice(1)));
srv.listen(0, '127.0.0.1', () => {
  http.get({ host: '127.0.0.1', port: srv.address().port, path: '/ok' }, (r) => {
    let b = ''; r.on('data', (d) => (b += d));
    r.on('end', () => { console.log('got ' + b); srv.close(); });
  }).on('error', (e) => { console.log('error ' + e.code); srv.close(); });
});
EOF
	t_run "$CAN" run -r node -- node srv.js
	t_grep "node (-r node, proxy-only): an http server and a request to it inside" "^got node-ok$" "$T_OUT"
	t_run "$CAN" run -r node -r ./ips.toml -- node srv.js
	t_grep "node with an allow_ips list naming something else" "^got node-ok$" "$T_OUT"
else
	t_skip "no node here"; t_skip "no node here"
fi

# --- attacks: the host's 127.0.0.1 is not the sandbox's --------------------
python3 -c '
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    c, _ = s.accept(); c.sendall(b"HOST-SECRET\n"); c.close()
' "$TOP/port" &
HOSTPID=$!
for _ in $(seq 100); do [ -s "$TOP/port" ] && break; sleep 0.1; done
PORT=$(cat "$TOP/port")
t_run python3 peek.py 127.0.0.1 "$PORT"
t_grep "control: the host's 127.0.0.1 server answers on the host" "HOST-SECRET" "$T_OUT"
for mode in none proxy direct; do
	case $mode in
	none) R=() ;;
	proxy) R=(-r ./proxy.toml) ;;
	direct) R=(-r ./direct.toml) ;;
	esac
	if [ "$mode" = direct ] && ! command -v pasta >/dev/null 2>&1; then
		t_skip "no pasta here"; t_skip "no pasta here"; continue
	fi
	t_run "$CAN" run -r python "${R[@]}" -- python3 peek.py 127.0.0.1 "$PORT"
	t_nogrep "$mode: the host's 127.0.0.1 server is not reached from inside" "HOST-SECRET" "$T_OUT"
	# ECONNREFUSED: nothing listens on that port of the sandbox's own lo.
	t_grep "$mode: ... the connect is refused (ECONNREFUSED or EACCES)" "^errno (111|13)$" "$T_OUT"
	t_run "$CAN" run -r python "${R[@]}" -- python3 peek.py ::ffff:127.0.0.1 "$PORT"
	t_nogrep "$mode: ... nor through ::ffff:127.0.0.1" "HOST-SECRET" "$T_OUT"
done

t_done
