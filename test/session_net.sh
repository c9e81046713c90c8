#!/usr/bin/env bash
# can session --off (issue 10, docs/adr/0260-session-off-starts-nothing.md):
# nothing inside a session can get a shell outside its filter through it,
# layered or not; it says how to get one instead. A layer's loopback is
# the host's (docs/adr/0125). Real supervisor, no terminal (the helpers
# are session_core.sh's).
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user

TOP=$(mktemp -d /tmp/cansessnet.XXXXXX)
chmod 755 "$TOP"
trap 'rm -rf "$TOP"' EXIT
unset XDG_RUNTIME_DIR CANISTER_SESSION CANISTER_SESSION_FIFO CANISTER_SESSION_SOCK CANISTER_SESSION_STATE CANISTER_SESSION_OFF
rm -rf "$T_HOME/.local/state/canister"
P=$TOP/proj
mkdir -p "$P"
printf 'use canister\n' >"$P/.envrc"
export CAN P
cd "$TOP" || exit 1

HELPERS='
declare_layer() { echo "canister 1 declare $1" >"$CANISTER_SESSION_FIFO"; }
wait_state() { for _ in $(seq 200); do grep -q -- "$1" "$CANISTER_SESSION_STATE" && return 0; sleep 0.05; done; return 1; }
approve() { (cd / && "$CAN" allow "$1" >/dev/null) && wait_state "^layer active $1"; }
'
sess() { t_run "$CAN" session -- bash -c "$HELPERS$1"; }

# What a shell would do if --off gave one: it reads these lines from stdin.
ESCAPE='echo ESCAPED; grep "^Seccomp:" /proc/self/status'

t_expect "outside a session, can session --off exits 0" 0 "$CAN" session --off
t_grep "... saying this shell is not in a session" "not in a can session" "$T_OUT"
t_grep "... and how to get an unsandboxed terminal" "CANISTER_SESSION_OFF=1" "$T_OUT"
t_expect "--off takes nothing else" 2 "$CAN" session --off -- bash

sess 'declare_layer "$P"; wait_state "^layer [a-z]* $P"; approve "$P" || echo APPROVE-FAILED
cd "$P"; "$CAN" status >/dev/null; echo "layer-rc=$?"
echo "'"$ESCAPE"'" | "$CAN" session --off; echo "off-rc=$?"
grep "^Seccomp:" /proc/self/status | sed "s/^/after /"
cd /; echo "'"$ESCAPE"'" | "$CAN" session --off >/dev/null; echo "outside-off-rc=$?"
echo "'"$ESCAPE"'" | CANISTER_SESSION_OFF=1 "$CAN" session --off >/dev/null; echo "env-off-rc=$?"'
t_nogrep "approving from outside works" "APPROVE-FAILED" "$T_OUT"
t_grep "the process is in an approved layer" "layer-rc=0" "$T_OUT"
t_grep "can session --off from a layered process exits 1" "off-rc=1" "$T_OUT"
t_grep "... saying the session cannot be left from inside" "this terminal is can session [0-9]+, and nothing started in it can leave it" "$T_OUT"
t_nogrep "... and starts no shell (the commands on its stdin never ran)" "ESCAPED" "$T_OUT"
t_grep "... the caller is still under the filter" "^after Seccomp:[[:space:]]+2$" "$T_OUT"
t_grep "in the session outside layers --off starts nothing either" "outside-off-rc=1" "$T_OUT"
t_grep "... nor with CANISTER_SESSION_OFF=1 set inside" "env-off-rc=1" "$T_OUT"

# The setuid notice points at --off (a real setuid binary: su on Debian).
SU=$(command -v su)
if [ -n "$SU" ] && [ -u "$SU" ]; then
	sess 'su --help >/dev/null 2>&1; echo after'
	t_grep "a setuid program started in the session gets one line saying why it cannot work" "can: session: (/usr/bin/)?su is setuid, but this terminal is a can session \(pid [0-9]+\).*no_new_privs" "$T_ERR"
	t_grep "... and where to run it ('can session --off' says how)" "outside the session \('can session --off' says how\)$" "$T_ERR"
else
	t_skip "no setuid su here"; t_skip "no setuid su here"
fi

# --- loopback is the host's in a session (docs/adr/0125) ---
# Unlike can run's own netns, a layer's 127.0.0.1 is the host's: a host
# service there stays refused unless allow_ips names it.
cat >"$TOP/peek.py" <<'EOF'
import socket, sys
c = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET); c.settimeout(10)
try:
    c.connect((sys.argv[1], int(sys.argv[2]))); print("read", c.recv(64))
except OSError as e:
    print("errno", e.errno)
EOF
python3 -c '
import socket, sys, os
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1])); os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    c, _ = s.accept(); c.sendall(b"HOST-SECRET\n"); c.close()
' "$TOP/port" &
HOSTPID=$!
trap 'kill "$HOSTPID" 2>/dev/null; rm -rf "$TOP"' EXIT
for _ in $(seq 100); do [ -s "$TOP/port" ] && break; sleep 0.1; done
LPORT=$(cat "$TOP/port")
sess 'declare_layer "$P"; wait_state "^layer [a-z]* $P"; approve "$P" || echo APPROVE-FAILED
cd "$TOP"; python3 peek.py 127.0.0.1 '"$LPORT"' | sed "s/^/outside /"
cd "$P"; python3 ../peek.py 127.0.0.1 '"$LPORT"' | sed "s/^/layer /"
python3 ../peek.py ::ffff:127.0.0.1 '"$LPORT"' | sed "s/^/layer-mapped /"'
t_grep "control: outside layers the host's loopback service answers" "^outside read b'HOST-SECRET" "$T_OUT"
t_nogrep "a layer does not reach the host's loopback service" "^layer.*HOST-SECRET" "$T_OUT"
t_grep "... the engine refuses the connect (EACCES)" "^layer errno 13$" "$T_OUT"
t_grep "... through ::ffff:127.0.0.1 too" "^layer-mapped errno 13$" "$T_OUT"

t_done
