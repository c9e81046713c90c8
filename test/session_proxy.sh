#!/usr/bin/env bash
# The session's egress proxy (issue 10's network in a layer, ADR 0261): a
# proxy-only layer's processes reach the network only through the proxy
# the supervisor runs on host loopback, which knows each client by the
# local port the engine bound its socket to and holds it to the policies
# of its layer set. Real supervisor, real curl, a local HTTPS origin; no
# terminal.
#
# The origin uses a test CA, which the proxy trusts the only way it
# trusts anything: through the host's /etc/ssl/certs/ca-certificates.crt.
# As in proxy_tls.sh, this script (as root) re-runs itself in a private
# mount namespace where that file is the system roots plus the test CA.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
. "$CAN_SRCDIR/test/proxy_lib.sh"
pl_tls_enter "session proxy" "" "curl" host.canister.local:srv
SYS=$PL_SYS
if pl_ns_root; then
	D=$CAN_PL_DIR
	# Fail closed: with no readable trust store the CA cannot be made; the
	# session still runs, says why, and its proxy-only layer has no proxy
	# (a session as the test user, in a namespace where the store is
	# /dev/null; the results are asserted below, as that user).
	u=${CAN_TEST_USER:-cantest}
	id "$u" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$u" >/dev/null 2>&1
	R=$D/noroots
	mkdir -p "$R/home" "$R/proj"
	cp "$CAN" "$R/can"
	printf '[network]\negress = "proxy-only"\nallow_host_loopback = true\n' >"$R/a.toml"
	printf 'use canister -r %s/a.toml\n' "$R" >"$R/proj/.envrc"
	chown -R "$u:" "$R"
	chmod 755 "$R"
	unshare -m --propagation private sh -c "mount --bind /dev/null $SYS && cd $R &&
		setpriv --reuid=$u --regid=$u --init-groups env -u XDG_RUNTIME_DIR HOME=$R/home \
		PATH=/usr/bin:/bin R=$R '$R/can' session -- bash -c '
		echo \"canister 1 declare \$R/proj\" >\"\$CANISTER_SESSION_FIFO\"
		for _ in \$(seq 200); do grep -q \"^layer\" \"\$CANISTER_SESSION_STATE\" && break; sleep 0.05; done
		(cd / && \$R/can allow \$R/proj >/dev/null)
		grep -c \"^layer active\" \"\$CANISTER_SESSION_STATE\" | sed \"s/^/active-layers /\"
		grep -c \"^proxy \" \"\$CANISTER_SESSION_STATE\" | sed \"s/^/proxy-lines /\"
		cd \$R/proj && \$R/can status --env | wc -l | sed \"s/^/env-lines /\"'" \
		>"$D/noroots.out" 2>"$D/noroots.err"
	pl_tls_trust
fi
D=${CAN_PL_DIR:-.}
t_drop_to_user "$CAN_SRCDIR/test/proxy_lib.sh" "$CAN_SRCDIR/test/proxy_server.py" "$CAN_SRCDIR/test/session_lib.sh" \
	"$D/tca.pem" "$D/srv.pem" "$D/srv.key" "$D/noroots.out" "$D/noroots.err"
CERTS=$PWD
. "$CAN_SRCDIR/test/session_lib.sh"
session_setup cansproxy
cp "$CERTS/proxy_server.py" "$TOP/srv.py"
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null; rm -rf "$TOP"' EXIT
python3 "$TOP/srv.py" serve "$TOP/o.port" "$TOP/o.log" "$CERTS/srv.pem" "$CERTS/srv.key" &
PIDS+=($!)
for _ in $(seq 100); do [ -s "$TOP/o.port" ] && break; sleep 0.05; done
OPORT=$(cat "$TOP/o.port")
U=https://host.canister.local:$OPORT
export OPORT U CERTS

# Layers: A (the project) reaches the host's loopback through the proxy;
# B (A/sub: a process there is in A and B) allows only example.org; C
# (A/contract) the origin too, with a contract of one path; N (a sibling of
# A) has the default egress, "none".
A=$P
B=$P/sub
C=$P/contract
N=$TOP/nonet
mkdir -p "$B" "$C" "$N"
printf '[network]\negress = "proxy-only"\nallow_host_loopback = true\n' >"$TOP/a.toml"
printf '[network]\negress = "proxy-only"\n\n[[host]]\ndomain = "example.org"\n' >"$TOP/b.toml"
printf 'use canister -r %s/a.toml\n' "$TOP" >"$A/.envrc"
printf '[network]\negress = "proxy-only"\nallow_host_loopback = true\n\n[[host]]\ndomain = "host.canister.local"\npaths = ["/hello"]\n' >"$TOP/c.toml"
printf 'use canister -r %s/b.toml\n' "$TOP" >"$B/.envrc"
printf 'use canister -r %s/c.toml\n' "$TOP" >"$C/.envrc"
printf 'use canister\n' >"$N/.envrc"
export A B C N

# The helpers, then each layer declared and approved from outside.
HELPERS=$SESSION_HELPERS'
up() { for d in "$A" "$B" "$C" "$N"; do declare_layer "$d"; wait_state "^layer [a-z]* $d	" && approve "$d" || echo "APPROVE-FAILED $d"; done; wait_state "^proxy 127.0.0.1:" || echo NO-PROXY; }
penv() { eval "$("$CAN" status --env)"; }
'
sess() { t_run "$CAN" session -- bash -c "$HELPERS$1"; printf '%s\n' "$T_ERR" >>"$TOP/all.err"; }

# --- no trust store: no CA, no proxy, said (the root part above) ---
t_grep "without a trust store the session runs and its layer is approved" "^active-layers 1$" \
	"$(cat "$CERTS/noroots.out")"
t_grep "... but no proxy is started" "^proxy-lines 0$" "$(cat "$CERTS/noroots.out")"
t_grep "... and can status --env exports nothing (no variable points at a proxy)" "^env-lines 0$" \
	"$(cat "$CERTS/noroots.out")"
t_grep "... the supervisor says why" "can: session: the egress proxy: .*proxy-only layers have no network" \
	"$(cat "$CERTS/noroots.err")"

# --- legitimate work ---
sess 'up; cd "$A"; penv; "$CAN" status --json; echo "proxy=$HTTPS_PROXY ca=$SSL_CERT_FILE"
curl -sS -m 20 "$U/hello"; echo " curl-rc=$?"
stat -c "bundle %a" "$SSL_CERT_FILE"; grep -c "BEGIN CERTIFICATE" "$SSL_CERT_FILE" | sed "s/^/certs /"
cd "$TOP"; curl -sS -m 20 --noproxy "*" --cacert "$CERTS/tca.pem" --resolve "host.canister.local:$OPORT:127.0.0.1" "$U/hello"; echo " outside-rc=$?"
curl -sS -m 20 "$U/hello"; echo " stale-env-rc=$?"'
t_nogrep "the layers are approved from outside and the proxy starts" "APPROVE-FAILED|NO-PROXY" "$T_OUT"
t_grep "can status --json names the proxy" '"proxy":"127\.0\.0\.1:[0-9]+"' "$T_OUT"
t_grep "can status --env exports HTTPS_PROXY and the CA bundle in the rundir" \
	"^proxy=http://127\.0\.0\.1:[0-9]+ ca=/tmp/canister-$(id -u)/ca-certificates\.crt$" "$T_OUT"
t_grep "curl in an approved proxy-only layer reaches the local HTTPS origin through the proxy" \
	"^hello curl-rc=0$" "$T_OUT"
t_grep "the bundle is 0644" "^bundle 644$" "$T_OUT"
t_grep "... and holds the host's roots and the session CA" "^certs ([2-9]|[0-9]{2,})" "$T_OUT"
t_grep "outside layers the network is unchanged (a direct connect to the origin)" \
	"^hello outside-rc=0$" "$T_OUT"
t_grep "a process outside layers that kept the proxy variables is not served (56)" \
	"^ stale-env-rc=56$" "$T_OUT"
t_grep "the origin saw the layer's request" "^GET /hello from" "$(cat "$TOP/o.log")"

sess 'up; cd "$A"; penv; env
cd "$TOP"; "$CAN" status --env | wc -l | sed "s/^/outside-lines /"; cd "$N"; "$CAN" status --env | wc -l | sed "s/^/none-lines /"'
for v in HTTP_PROXY HTTPS_PROXY http_proxy https_proxy; do
	t_grep "$v is the session proxy" "^$v=http://127\.0\.0\.1:[0-9]+$" "$T_OUT"
done
t_grep "NO_PROXY keeps loopback direct, as in can run" "^NO_PROXY=localhost,127\.0\.0\.1,::1$" "$T_OUT"
t_grep "NODE_USE_ENV_PROXY=1" "^NODE_USE_ENV_PROXY=1$" "$T_OUT"
for v in SSL_CERT_FILE NODE_EXTRA_CA_CERTS REQUESTS_CA_BUNDLE PIP_CERT CURL_CA_BUNDLE GIT_SSL_CAINFO \
	CARGO_HTTP_CAINFO npm_config_cafile; do
	t_grep "$v names the session's bundle" "^$v=/tmp/canister-$(id -u)/ca-certificates\.crt$" "$T_OUT"
done
t_grep "can status --env prints nothing outside layers" "^outside-lines 0$" "$T_OUT"
t_grep "... nor in a layer whose egress is none" "^none-lines 0$" "$T_OUT"

# use canister (direnv's function, as can direnv prints it) evals them.
"$CAN" direnv >"$TOP/use_canister.sh" 2>/dev/null
sess 'up; export PATH="$(dirname "$CAN"):$PATH"; . "$TOP/use_canister.sh"
cd "$A"; use_canister -r "$TOP/a.toml"; echo "layer=$CANISTER_LAYER https=${HTTPS_PROXY:-unset} node=${NODE_EXTRA_CA_CERTS:-unset}"
curl -sS -m 20 "$U/hello"; echo " uc-rc=$?"
cd "$N"; unset HTTPS_PROXY; use_canister; echo "none-https=${HTTPS_PROXY:-unset}"'
t_grep "use canister in a proxy-only layer exports the proxy and the bundle" \
	"^layer=$A https=http://127\.0\.0\.1:[0-9]+ node=/tmp/canister-$(id -u)/ca-certificates\.crt$" "$T_OUT"
t_grep "... and curl then goes through the proxy" "^hello uc-rc=0$" "$T_OUT"
t_grep "use canister in a layer whose egress is none exports no proxy" "^none-https=unset$" "$T_OUT"

# --- refusals ---
sess 'up; cd "$A"; penv; curl -s -i -m 20 http://example.org/x | tr -d "\r"; echo "refused-rc=$?"
curl -sS -m 5 --noproxy "*" --cacert "$CERTS/tca.pem" --resolve "host.canister.local:$OPORT:127.0.0.1" "$U/hello"; echo " direct-rc=$?"'
t_grep "a host the layer does not allow gets the refusal (403)" "^HTTP/1.1 403" "$T_OUT"
t_grep "... with can's refusal body" "^can: the sandbox's proxy refused HTTP to example\.org:80" "$T_OUT"
t_grep "... and the refusal line is on the supervisor's stderr" "can: proxy: refused HTTP to example\.org:80" "$T_ERR"
t_grep "a direct connect from the layer to the origin is refused" " direct-rc=7$" "$T_OUT"

sess 'up; cd "$N"; HTTPS_PROXY=$(sed -n "s/^proxy /http:\/\//p" "$CANISTER_SESSION_STATE") curl -sS -m 5 "$U/hello"; echo " none-rc=$?"'
t_grep "a layer whose egress is none cannot connect to the proxy" " none-rc=[57]$" "$T_OUT"

# A dual-stack socket's ::ffff:127.0.0.1 is the same proxy: tagged, served.
cat >"$TOP/v6.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET6)
s.settimeout(10)
s.connect(("::ffff:127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET http://example.org/ HTTP/1.1\r\nHost: example.org\r\n\r\n")
print("v6", s.recv(4096).split(b"\r\n")[0].decode())
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    u.connect(("127.0.0.1", int(sys.argv[1])))
    print("udp connected")
except OSError as e:
    print("udp refused", e.errno)
PY
sess 'up; port=$(sed -n "s/^proxy 127.0.0.1://p" "$CANISTER_SESSION_STATE"); cd "$A"; python3 "$TOP/v6.py" "$port"'
t_grep "a layer's client on a dual-stack socket (::ffff:127.0.0.1) is served, under the layer's policy" \
	"^v6 HTTP/1.1 403" "$T_OUT"
t_grep "a datagram socket's connect to the proxy is refused" "^udp refused 91$" "$T_OUT"

# --- who the proxy serves ---
cat >"$TOP/raw.py" <<'PY'
# raw.py PORT [reuseport]: a client of the proxy that never went through
# the engine; prints what it read back (nothing: closed unread).
import socket, sys
s = socket.socket()
if len(sys.argv) > 2:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
s.settimeout(10)
s.connect(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET http://host.canister.local/hello HTTP/1.1\r\nHost: host.canister.local\r\n\r\n")
try:
    d = s.recv(4096)
except Exception as e:
    d = repr(e).encode()
print("read %d bytes %r" % (len(d), d[:40]))
PY
sess 'up; port=$(sed -n "s/^proxy 127.0.0.1://p" "$CANISTER_SESSION_STATE"); cd "$TOP"; python3 raw.py "$port"; echo "host-rc=$?"'
# Closed with the request unread: an end of file, or a reset (the kernel
# answers a close with unread bytes so).
t_grep "a process outside layers connecting to the proxy is closed unread" \
	"^read (0 bytes b''|[0-9]+ bytes b\"ConnectionResetError)" "$T_OUT"
t_grep "... and the supervisor says it was not registered" "can: proxy: connection from 127\.0\.0\.1:[0-9]+ closed unread: not registered" "$T_ERR"

# Stealing a recorded port: the layer's client sets SO_REUSEPORT before its
# connect (so that a socket of the same user could share the port); the
# supervisor clears it before the bind. While that connection is open, a
# host process's bind of the port with SO_REUSEPORT fails, and so does the
# layered process's own second socket.
cat >"$TOP/steal.py" <<'PY'
# steal.py PROXYPORT PORTFILE DONEFILE: a layered client of the proxy that
# asks for SO_REUSEPORT, then tries to share its own tagged port; writes
# the port for a host process to try, and holds the connection open until
# that one is done.
import os, socket, sys, time
a = socket.socket()
a.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
a.connect(("127.0.0.1", int(sys.argv[1])))
mine = a.getsockname()[1]
print("reuseport-after-connect", a.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT))
b = socket.socket()
b.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
try:
    b.bind(("127.0.0.1", mine))
    print("layered bound the tagged port")
except OSError as e:
    print("layered bind refused", e.errno)
sys.stdout.flush()
open(sys.argv[2] + ".tmp", "w").write("%d\n" % mine)
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
for _ in range(400):
    if os.path.exists(sys.argv[3]):
        break
    time.sleep(0.05)
PY
cat >"$TOP/hostbind.py" <<'PY'
import socket, sys
mine = int(open(sys.argv[1]).read())
b = socket.socket()
b.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
try:
    b.bind(("127.0.0.1", mine))
    print("host bound the tagged port")
except OSError as e:
    print("host bind refused", e.errno)
PY
sess 'up; port=$(sed -n "s/^proxy 127.0.0.1://p" "$CANISTER_SESSION_STATE")
cd "$A"; python3 "$TOP/steal.py" "$port" "$TOP/tagged.port" "$TOP/done" &
cd "$TOP"; for _ in $(seq 400); do [ -s tagged.port ] && break; sleep 0.05; done
python3 hostbind.py tagged.port; touch done; wait'
t_grep "the engine cleared SO_REUSEPORT on the layer's proxy client" "^reuseport-after-connect 0$" "$T_OUT"
t_grep "a layered process cannot bind the tagged port" "^layered bind refused (13|98)$" "$T_OUT"
t_grep "a host process cannot bind the tagged port, SO_REUSEPORT or not" "^host bind refused 98$" "$T_OUT"

# --- two layers: only what both allow ---
sess 'up; cd "$B"; penv; "$CAN" status; curl -sS -m 20 "$U/hello"; echo " both-loop-rc=$?"
curl -s -i -m 20 http://example.org/x | tr -d "\r" | sed -n "1s/^/both-example /p;/refused/p"
cd "$A"; curl -sS -m 20 "$U/hello"; echo " a-only-rc=$?"'
t_grep "a process in A and B is in the nested layer" "^can:sub$" "$T_OUT"
t_grep "... and gets no host B does not allow (A allows the origin)" " both-loop-rc=56$" "$T_OUT"
t_grep "... nor one A does not allow (B allows example.org)" "^both-example HTTP/1.1 403" "$T_OUT"
t_grep "... A's refusal" "refused HTTP to example\.org:80" "$T_OUT"
t_grep "a process in A only still reaches the origin (cd back: the shell follows its cwd)" " a-only-rc=0$" "$T_OUT"

# Contracts inside the terminated tunnel, for each layer of the set: in A
# and C, C's one path passes and another is refused; in A alone it passes.
sess 'up; cd "$C"; penv; curl -sS -m 20 "$U/hello"; echo " c-hello-rc=$?"
curl -s -m 20 -o /dev/null -w "c-host %{http_code}\n" "$U/host"
cd "$A"; curl -sS -m 20 "$U/host"; echo " a-host-rc=$?"'
t_grep "a process in A and C: the path C's contract lists passes" "^hello c-hello-rc=0$" "$T_OUT"
t_grep "... one it does not is refused inside TLS (403), though A allows it" "^c-host 403$" "$T_OUT"
t_grep "... and the supervisor says which contract" "can: proxy: refused GET host\.canister\.local/host \(contract-refused\)" "$T_ERR"
t_grep "in A alone the same path passes" "^host\.canister\.local:$OPORT a-host-rc=0$" "$T_OUT"

# A sanitizer build's supervisor (the proxy's thread included) said nothing.
t_nogrep "no sanitizer report from the supervisor" "ERROR: AddressSanitizer|runtime error:" "$(cat "$TOP/all.err")"

t_done
