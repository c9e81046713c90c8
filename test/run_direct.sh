#!/usr/bin/env bash
# egress = "direct" (docs/adr/0122): an uplink through pasta attached to the
# sandbox's network namespace. A host server on a non-loopback address is
# reached through it; the host's 127.0.0.1 is not (--no-map-gw), and a
# stand-in pasta that drops that flag shows the probe would see it; no proxy
# variables; the loud line; pasta missing, failing, killed -> 126 and nothing
# runs; no pasta left after the run, whichever way it ends.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user

TOP=$(mktemp -d /tmp/candirect.XXXXXX)
SRV=
LSRV=
trap '[ -n "$SRV" ] && kill "$SRV" 2>/dev/null; [ -n "$LSRV" ] && kill "$LSRV" 2>/dev/null; rm -rf "$TOP"' EXIT
cd "$TOP" || exit 1
printf '[network]\negress = "direct"\n' >"$TOP/direct.toml"
mkdir -p "$TOP/bin" "$TOP/nopasta"
LOUD='^can: egress = "direct": the sandbox has an unfiltered network uplink \(pasta\)$'
run_d() { "$CAN" run -r "$TOP/direct.toml" "$@"; }

# --- no pasta in the PATH: 126, naming the package ---
for t in sh true touch env cat mktemp rm; do ln -s "$(command -v $t)" "$TOP/nopasta/$t"; done
PATH=$TOP/nopasta t_expect "control: a run without the recipe runs with that PATH" 0 "$CAN" run -- /bin/true
PATH=$TOP/nopasta t_expect "egress = direct without pasta is 126" 126 "$CAN" run -r "$TOP/direct.toml" -- touch "$TOP/m1"
t_grep "... naming what to install" 'can: network: egress = "direct" needs pasta .*not installed \(Debian: apt-get install passt\)' "$T_ERR"
t_nogrep "... and no loud line" "$LOUD" "$T_ERR"
[ ! -e "$TOP/m1" ] && t_ok "... and the command never ran" || t_fail "the command ran"
# slirp4netns alone is refused by name (ADR 0122).
printf '#!/bin/sh\ntouch "%s/ran-slirp"\n' "$TOP" >"$TOP/nopasta/slirp4netns"
chmod +x "$TOP/nopasta/slirp4netns"
PATH=$TOP/nopasta t_expect "slirp4netns alone is 126" 126 "$CAN" run -r "$TOP/direct.toml" -- touch "$TOP/m1"
t_grep "... saying it is not supported" 'slirp4netns is installed, but slirp4netns is not supported \(docs/adr/0122\)' "$T_ERR"
[ ! -e "$TOP/m1" ] && [ ! -e "$TOP/ran-slirp" ] && t_ok "... and neither it nor the command ran" || t_fail "something ran"
rm -f "$TOP/nopasta/slirp4netns"

# --- a pasta that fails: 126, its words, nothing runs ---
printf '#!/bin/sh\necho "pasta: no such thing as $1" >&2\nexit 3\n' >"$TOP/bin/pasta"
chmod +x "$TOP/bin/pasta"
PATH=$TOP/bin:$PATH t_expect "a pasta that exits 3 is 126" 126 run_d -- touch "$TOP/m2"
t_grep "... saying so, with pasta's last line" 'pasta exited with 3 before the uplink was up: pasta: no such thing as --foreground; nothing runs' "$T_ERR"
t_nogrep "... and no loud line" "$LOUD" "$T_ERR"
[ ! -e "$TOP/m2" ] && t_ok "... and the command never ran" || t_fail "the command ran without its uplink"
printf '#!/bin/sh\nkill -9 $$\n' >"$TOP/bin/pasta"
PATH=$TOP/bin:$PATH t_expect "a pasta killed at start is 126" 126 run_d -- touch "$TOP/m2"
t_grep "... saying so" 'pasta was killed by signal 9 before the uplink was up; nothing runs' "$T_ERR"
[ ! -e "$TOP/m2" ] && t_ok "... and the command never ran" || t_fail "the command ran without its uplink"
# A pasta that writes its --pid file only to quit: not a yes.
printf '#!/bin/sh\nfor a; do [ "$prev" = --pid ] && exec >"$a"; prev=$a; done\nexit 0\n' >"$TOP/bin/pasta"
PATH=$TOP/bin:$PATH t_expect "a pasta that exits 0 without saying it is up is 126" 126 run_d -- touch "$TOP/m2"
[ ! -e "$TOP/m2" ] && t_ok "... and the command never ran" || t_fail "the command ran without its uplink"
# A pasta that never says it is up (it hangs): 126 once the bound is
# reached, and it is killed and reaped, not left behind.
printf '#!/bin/sh\necho $$ >"%s/hung.pid"\nexec sleep 300\n' "$TOP" >"$TOP/bin/pasta"
PATH=$TOP/bin:$PATH t_expect "a pasta that hangs is 126" 126 run_d -- touch "$TOP/m2"
t_grep "... saying it never said it was up" 'did not say the uplink was up within [0-9]+ s; nothing runs' "$T_ERR"
[ ! -e "$TOP/m2" ] && t_ok "... and the command never ran" || t_fail "the command ran without its uplink"
kill -0 "$(cat "$TOP/hung.pid")" 2>/dev/null && t_fail "the hung pasta was left running" ||
	t_ok "... and the hung pasta was killed"
rm -f "$TOP/bin/pasta"

REAL=$(command -v pasta)
if [ -z "$REAL" ]; then
	t_skip "pasta is not installed (Debian: apt-get install passt): the uplink is not tested"
	t_done
fi
if [ ! -r /dev/net/tun ] || [ ! -w /dev/net/tun ]; then
	t_expect "with /dev/net/tun closed to this user: 126" 126 run_d -- touch "$TOP/m2"
	t_grep "... naming the device" 'pasta needs /dev/net/tun, which this user cannot open' "$T_ERR"
	t_skip "/dev/net/tun is not usable by $(id -un) (chmod 0666 /dev/net/tun, as Debian's udev does): the uplink is not tested"
	t_done
fi
# The real pasta, failing on a bad option (a wrapper adds it): 126.
printf '#!/bin/sh\nexec %s --no-such-option "$@"\n' "$REAL" >"$TOP/bin/pasta"
chmod +x "$TOP/bin/pasta"
PATH=$TOP/bin:$PATH t_expect "the real pasta failing is 126" 126 run_d -- touch "$TOP/m2"
t_grep "... saying it exited" 'pasta exited with [0-9]+ before the uplink was up' "$T_ERR"
[ ! -e "$TOP/m2" ] && t_ok "... and the command never ran" || t_fail "the command ran without its uplink"

# --- servers on the host: one on its own non-loopback address, one on 127.0.0.1 ---
HOSTIP=$(ip -4 -o addr show scope global 2>/dev/null | awk '{ sub("/.*", "", $4); print $4; exit }')
if [ -z "$HOSTIP" ]; then
	t_skip "this host has no non-loopback IPv4 address to serve from"
	t_done
fi
mkdir -p "$TOP/www" "$TOP/lwww"
echo "through the uplink $$" >"$TOP/www/index.html"
echo "host loopback secret $$" >"$TOP/lwww/index.html"
serve() { # DIR ADDR PORTFILE: a python3 http.server on an ephemeral port
	python3 - "$1" "$2" "$3" <<'PY' &
import functools, http.server, sys
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
h.log_message = lambda *a: None
s = http.server.ThreadingHTTPServer((sys.argv[2], 0), h)
open(sys.argv[3], "w").write(str(s.server_address[1]))
s.serve_forever()
PY
}
serve "$TOP/www" "$HOSTIP" "$TOP/port"
SRV=$!
serve "$TOP/lwww" 127.0.0.1 "$TOP/lport"
LSRV=$!
for _ in $(seq 100); do [ -s "$TOP/port" ] && [ -s "$TOP/lport" ] && break; sleep 0.1; done
PORT=$(cat "$TOP/port") LPORT=$(cat "$TOP/lport")
t_grep "control: the host server answers on $HOSTIP" "through the uplink $$" "$(curl -s --max-time 10 "http://$HOSTIP:$PORT/")"
t_grep "control: the loopback server answers on the host" "host loopback secret $$" "$(curl -s --max-time 10 "http://127.0.0.1:$LPORT/")"

# A wrapper that records pasta's pid (exec keeps it) and drops the option
# DROP names (--no-map-gw; --dns-forward with its value): the controls that
# show the probes can see what they guard against.
cat >"$TOP/bin/pasta" <<EOF
#!/bin/bash
echo \$\$ >>"$TOP/pasta.pids"
args=() skip=
for a; do
	[ -n "\$skip" ] && { skip=; continue; }
	[ "\$a" = "\${DROP:-}" ] && { [ "\$a" = --dns-forward ] && skip=1; continue; }
	args+=("\$a")
done
exec "$REAL" "\${args[@]}"
EOF
chmod +x "$TOP/bin/pasta"
# Inside: the host server through the uplink; the host's loopback server
# at the sandbox's 127.0.0.1 and at its gateway (pasta's map of the host's
# loopback when --no-map-gw is not given). Prints what each returned.
PROBE='import socket, struct, sys, urllib.request
def get(url):
    try:
        return urllib.request.urlopen(url, timeout=5).read().decode(errors="replace").strip()
    except Exception as e:
        return "failed: %s" % e
gw = None
for line in open("/proc/net/route").read().splitlines()[1:]:
    f = line.split()
    if f[1] == "00000000":
        gw = socket.inet_ntoa(struct.pack("<I", int(f[2], 16)))
print("uplink:", get("http://%s:%s/" % (sys.argv[1], sys.argv[2])))
print("lo:", get("http://127.0.0.1:%s/" % sys.argv[3]))
print("gw %s:" % gw, get("http://%s:%s/" % (gw, sys.argv[3])) if gw else "no gateway")'

PATH=$TOP/bin:$PATH t_expect "a direct run reaches the host's $HOSTIP server" 0 run_d -- python3 -c "$PROBE" "$HOSTIP" "$PORT" "$LPORT"
t_grep "... with its body" "^uplink: through the uplink $$" "$T_OUT"
t_nogrep "... but not the host's 127.0.0.1 (at the sandbox's loopback or its gateway)" "host loopback secret" "$T_OUT"
t_grep "... and it has a gateway to try" "^gw [0-9.]+:" "$T_OUT"
t_grep "the loud line is printed" "$LOUD" "$T_ERR"
t_diag "$T_OUT"
DROP=--no-map-gw PATH=$TOP/bin:$PATH t_expect "control: with --no-map-gw dropped" 0 run_d -- python3 -c "$PROBE" "$HOSTIP" "$PORT" "$LPORT"
t_grep "... the same probe reaches the host's loopback through the gateway" "^gw [0-9.]+: host loopback secret $$" "$T_OUT"

t_expect "without the recipe the host server is not reached" 0 "$CAN" run -- python3 -c "$PROBE" "$HOSTIP" "$PORT" "$LPORT"
t_grep "... (no uplink, no gateway)" "^uplink: failed" "$T_OUT"
t_nogrep "... and no loud line" "$LOUD" "$T_ERR"

# No proxy, no DNS stub under direct: none of can's proxy variables.
PATH=$TOP/bin:$PATH t_expect "a direct run gets no proxy variables" 0 run_d -- sh -c 'env | grep -c "127\.0\.0\.1:3128" || true'
t_grep "... none" "^0$" "$T_OUT"
t_nogrep "... and /etc/resolv.conf is not the DNS stub's" "stub|127\.0\.0\.1" "$(PATH=$TOP/bin:$PATH run_d -- cat /etc/resolv.conf 2>/dev/null)"

# Any port: Landlock's connect rule is off under direct (ADR 0122). The
# host server's port is an ephemeral one no list names.
t_grep "a connect to port $PORT went through" "^uplink: through" "$(PATH=$TOP/bin:$PATH run_d -- python3 -c "$PROBE" "$HOSTIP" "$PORT" "$LPORT" 2>/dev/null)"

PATH=$TOP/bin:$PATH t_expect "-v with direct runs" 0 run_d -v -- true
t_grep "... and says the netns has pasta's uplink" 'wall: namespaces: .*network \(lo and pasta.s uplink\)$' "$T_ERR"
t_grep "... and what the uplink is" 'wall: network: egress = "direct" \(an unfiltered uplink through pasta, the host.s loopback not reachable' "$T_ERR"

# -p beside direct: the relay still publishes a server inside on the host's
# loopback (pasta forwards nothing itself: -t none).
PP=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$TOP/www" && PATH=$TOP/bin:$PATH exec "$CAN" run -r "$TOP/direct.toml" -p "$PP:8000" -- \
	python3 -m http.server -b 127.0.0.1 8000 >/dev/null 2>&1) &
RUNPID=$!
got=
for _ in $(seq 100); do
	got=$(curl -s --max-time 2 "http://127.0.0.1:$PP/") && [ -n "$got" ] && break
	sleep 0.1
done
t_grep "-p with direct: the server inside answers on the host's loopback" "through the uplink $$" "$got"
kill "$RUNPID" 2>/dev/null
wait "$RUNPID" 2>/dev/null

# --- DNS: a host resolver on loopback answers through pasta's forwarder ---
# (ADR 0124). A namespace of our own plays the host: a tap for its default
# route (pasta wants one), a resolver on 127.0.0.53 like systemd-resolved's,
# and a resolv.conf naming it bound over /etc/resolv.conf.
cat >"$TOP/dns.py" <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.53", 53))
open(sys.argv[1], "w").write("up")
while True:
    q, peer = s.recvfrom(512)
    i = 12
    while i < len(q) and q[i]:
        i += q[i] + 1
    if len(q) < 12 or i + 5 > len(q):
        continue
    a = struct.unpack("!H", q[i + 1:i + 3])[0] == 1
    head = struct.pack("!HHHHHH", struct.unpack("!H", q[:2])[0], 0x8180, 1, 1 if a else 0, 0, 0)
    rr = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + socket.inet_aton("192.0.2.123") if a else b""
    s.sendto(head + q[12:i + 5] + rr, peer)
PY
cat >"$TOP/fakehost.sh" <<FAKE
IP=\$(command -v ip || echo /usr/sbin/ip)
\$IP link set lo up && \$IP tuntap add dev tap0 mode tap && \$IP link set tap0 up &&
	\$IP addr add 198.51.100.1/24 dev tap0 &&
	\$IP route add default via 198.51.100.254 dev tap0 onlink || exit 90
printf 'nameserver 127.0.0.53\nsearch direct.test\n' >"$TOP/resolv.fake"
mount --bind "$TOP/resolv.fake" /etc/resolv.conf || exit 91
python3 "$TOP/dns.py" "$TOP/dns.up" &
DNS=\$!
trap 'kill \$DNS' EXIT
for _ in \$(seq 100); do [ -s "$TOP/dns.up" ] && break; sleep 0.1; done
rm -f "$TOP/dns.up"
getent hosts control.direct.test >/dev/null || exit 92
"$CAN" run -r "$TOP/direct.toml" -- sh -c 'getent hosts foo.direct.test || echo "no answer"; grep ^nameserver /etc/resolv.conf'
FAKE
PATH=$TOP/bin:$PATH t_run unshare -Urmn bash "$TOP/fakehost.sh"
if [ "$T_RC" = 90 ] || [ "$T_RC" = 91 ]; then
	t_skip "no namespace of our own with a tap and a bound resolv.conf here (exit $T_RC): the loopback resolver is not tested"
else
	[ "$T_RC" = 0 ] && t_ok "a direct run with the host's resolver on 127.0.0.53" ||
		{ t_fail "a direct run with the host's resolver on 127.0.0.53 (exit $T_RC)"; t_diag "$T_ERR"; }
	t_grep "... resolves a name through pasta's forwarder" "^192\.0\.2\.123 +foo\.direct\.test" "$T_OUT"
	t_grep "... its resolv.conf names only the forwarder" "^nameserver 10\.[0-9.]+\.3$" "$T_OUT"
	t_grep "... one nameserver" "^1$" "$(printf '%s\n' "$T_OUT" | grep -c '^nameserver')"
	DROP=--dns-forward PATH=$TOP/bin:$PATH t_run unshare -Urmn bash "$TOP/fakehost.sh"
	t_grep "control: without --dns-forward the same name gets no answer" "^no answer$" "$T_OUT"
fi

# --- pasta ends with the run, whichever way the run ends ---
gone() { # every pid recorded by the wrapper is gone
	local p
	for p in $(cat "$TOP/pasta.pids" 2>/dev/null); do kill -0 "$p" 2>/dev/null && return 1; done
	return 0
}
[ -s "$TOP/pasta.pids" ] && t_ok "the wrapper saw pasta run" || t_fail "the wrapper saw no pasta"
gone && t_ok "no pasta is left after the runs that ended" || t_fail "a pasta is still running: $(cat "$TOP/pasta.pids")"
: >"$TOP/pasta.pids"
PATH=$TOP/bin:$PATH t_expect "a command that fails ends the run with its status" 7 run_d -- sh -c 'exit 7'
gone && t_ok "... and pasta with it" || t_fail "a pasta outlived a failing command"
# can killed (SIGKILL: nothing of can's runs): pasta dies with it (PDEATHSIG).
: >"$TOP/pasta.pids"
PATH=$TOP/bin:$PATH "$CAN" run -r "$TOP/direct.toml" -- sleep 60 >/dev/null 2>&1 &
CP=$!
for _ in $(seq 100); do [ -s "$TOP/pasta.pids" ] && break; sleep 0.1; done
sleep 1
kill -9 "$CP"
wait "$CP" 2>/dev/null
for _ in $(seq 100); do gone && break; sleep 0.1; done
[ -s "$TOP/pasta.pids" ] && gone && t_ok "can killed with SIGKILL: pasta is gone too" ||
	t_fail "pasta outlived a killed can: $(cat "$TOP/pasta.pids")"
t_done
