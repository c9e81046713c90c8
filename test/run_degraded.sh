#!/usr/bin/env bash
# can run --allow-degraded=userns (docs/adr/0240): the no-namespace mode,
# attacked from inside with user namespaces made to fail by
# test/userns_exhausted (its own user namespace whose
# user.max_user_namespaces is 0; nothing else on the machine changes). Each
# attack has a control showing the same action works outside the sandbox.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user "${CAN_TESTBIN}/userns_exhausted"
UX=${CAN_TESTBIN}/userns_exhausted

H=$T_HOME
TOP=$(mktemp -d /tmp/candeg.XXXXXX)
HOSTPIDS=()
cleanup() {
	disown -a 2>/dev/null
	for p in "${HOSTPIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$TOP"
}
trap cleanup EXIT
mkdir -p "$H/.ssh"
echo "FAKE-PRIVATE-KEY" >"$H/.ssh/id_ed25519"
echo "ORIG" >"$H/.bashrc"
P=$TOP/proj
mkdir -p "$P"
git init -q "$P"
cd "$P" || exit 1

# The safety net: a hung run ends; no assertion is about time.
deg() { timeout 120 "$UX" "$CAN" run --allow-degraded=userns "$@"; }

# --- the setting: user namespaces fail, and only there ---
t_expect "control: user namespaces work outside the helper" 0 unshare -U true
t_expect "user namespaces fail under userns_exhausted" 1 "$UX" unshare -U true
t_grep "... with ENOSPC (the namespace's own limit is 0)" "No space left" "$T_ERR"

# --- refused without the flag ---
t_expect "without the flag can run refuses (126)" 126 timeout 120 "$UX" "$CAN" run -- true
t_grep "... naming --allow-degraded=userns" "allow-degraded=userns" "$T_ERR"
t_grep "... and can setup" "can setup" "$T_ERR"
t_expect "'all' does not include userns" 126 timeout 120 "$UX" "$CAN" run --allow-degraded -- true
t_expect "--strict with --allow-degraded=userns is a usage error" 2 \
	"$UX" "$CAN" run --strict --allow-degraded=userns -- true
t_expect "--monitor is refused in the mode (it needs the mount namespace)" 2 deg -m -- true
printf 'strict = true\n[recipe]\nname = "strict-test"\n' >"$TOP/strict.toml"
t_expect "a recipe's strict = true refuses the mode (126)" 126 deg -r "$TOP/strict.toml" -- true
t_grep "... saying so" "strict = true .*makes --allow-degraded=userns void" "$T_ERR"

# --- what is lost, said before running ---
t_expect "with the flag, true runs" 0 deg -- true
for what in "no PID namespace" "no mount namespace" "no private /tmp" "no network namespace" \
	"no IPC namespace" "unshare\(CLONE_NEWUSER\): ENOSPC"; do
	t_grep "the losses name: $what" "$what" "$T_ERR"
done
t_expect "the losses come before the command's output" 0 deg -- sh -c 'echo COMMAND-OUTPUT >&2'
w=$(printf '%s\n' "$T_ERR" | grep -n "this run loses" | cut -d: -f1)
c=$(printf '%s\n' "$T_ERR" | grep -n "^COMMAND-OUTPUT" | cut -d: -f1)
if [ -n "$w" ] && [ -n "$c" ] && [ "$w" -lt "$c" ]; then t_ok "... first the warning, then the output"
else t_fail "... first the warning, then the output (lines $w, $c)"; fi
t_expect "-v works in the mode" 0 deg -v -- true
t_grep "... and says the rules are Landlock's over the real root, not mounts" \
	"namespaces: none \(--allow-degraded=userns\)" "$T_ERR"
t_nogrep "... never that the namespaces are there" "wall: namespaces: user, mount" "$T_ERR"
t_expect "exit status propagates" 3 deg -- sh -c 'exit 3'
t_expect "command not found is 127" 127 deg -- no-such-command-xyz

# --- filesystem ---
t_expect "control: the fake key is readable on the host" 0 cat "$H/.ssh/id_ed25519"
t_expect "~/.ssh/id_ed25519 is not readable inside" 1 deg -- cat "$H/.ssh/id_ed25519"
t_nogrep "... its content never shows" "FAKE-PRIVATE-KEY" "$T_OUT"
cd "$H" || exit 1
t_expect "with the cwd = \$HOME (writable tree), ~/.ssh is still refused" 1 deg -- cat .ssh/id_ed25519
t_run deg -- sh -c 'cp .ssh/id_ed25519 stolen; ln .ssh/id_ed25519 hardlink; cat hardlink'
cd "$P" || exit 1
t_nogrep "... nor by a copy or a hard link" "FAKE-PRIVATE-KEY" "$T_OUT"
rm -f "$H/stolen" "$H/hardlink"
t_expect "/etc/shadow is not readable" 1 deg -- cat /etc/shadow
t_expect "writing ~/.bashrc (outside the cwd) is refused" 2 deg -- sh -c "echo EVIL >> $H/.bashrc"
t_grep "~/.bashrc unchanged" "^ORIG$" "$(cat "$H/.bashrc")"
t_expect "writing the host's /tmp is refused" 2 deg -- sh -c "echo x > /tmp/can-degraded-probe.$$"
t_expect "... and nothing landed there" 1 test -e "/tmp/can-degraded-probe.$$"
t_expect "the private TMPDIR is writable" 0 deg -- sh -c 'echo x > "$TMPDIR/f" && cat "$TMPDIR/f"'
t_run deg -- sh -c 'echo "$TMPDIR"'
t_expect "... and removed at exit" 1 test -e "$T_OUT"
t_expect "listing / is refused (it would show every name)" 2 deg -- ls /
t_expect "writing a planted git hook is refused" 2 deg -- sh -c 'echo evil > .git/hooks/pre-commit'
t_expect "... and nothing was planted" 1 test -e "$P/.git/hooks/pre-commit"
t_refused() {
	local desc=$1
	shift
	t_run "$@"
	if [ "$T_RC" != 0 ] && [ "$T_RC" != 126 ] && [ "$T_RC" != 127 ]; then t_ok "$desc"
	else t_fail "$desc (exit $T_RC)"; t_diag "stderr: $T_ERR"; fi
}
t_refused "renaming .git away (to plant a new one) is refused" deg -- mv .git .git-old
t_expect "... .git is still there" 0 test -d "$P/.git/hooks"
t_refused "writing .git/config is refused" deg -- sh -c 'echo "[core] fsmonitor = evil" >> .git/config'
t_grep "... unchanged" "^\[core\]$" "$(cat "$P/.git/config")"
t_refused "creating .envrc is refused" deg -- sh -c 'echo evil > .envrc'

# --- processes ---
# The victims run in the same user namespace as can (as on a real machine
# without user namespaces): one shell under userns_exhausted starts them,
# then can. ($1: what the sandbox runs, given the victim's pid as $V.)
victim() {
	timeout 120 "$UX" bash -c '
		env SECRET_TOKEN=hunter2 sleep 600 & V=$!
		"$1" run --allow-degraded=userns -- sh -c "$2" sh "$V"; rc=$?
		kill -0 "$V" 2>/dev/null && echo VICTIM-ALIVE; kill -9 "$V"; exit $rc' sh "$CAN" "$1"
}
t_run timeout 120 "$UX" bash -c 'env SECRET_TOKEN=hunter2 sleep 600 & V=$!
	sleep 0.2; grep -c hunter2 /proc/$V/environ; kill -9 $V'
t_grep "control: in that namespace, the user reads the victim's environment" "^1$" "$T_OUT"
t_run victim 'kill -TERM "$1"'
t_grep "kill -TERM of a host process is refused (Landlock scoping)" "Operation not permitted" "$T_ERR"
t_grep "... the host process is alive" "VICTIM-ALIVE" "$T_OUT"
t_run victim 'sleep 0.2; cat /proc/$1/environ'
t_nogrep "a host process's environment is not readable (not even through the supervisor)" "hunter2" "$T_OUT"
t_grep "... refused" "Permission denied" "$T_ERR"
t_run victim 'sleep 0.2; cat /proc/$1/maps; readlink /proc/$1/cwd /proc/$1/fd/1'
t_nogrep "... nor its memory map, cwd or fds" "/|sleep" "$T_OUT"
t_run victim 'cat /proc/self/environ | tr "\0" "\n"'
t_grep "control: the sandbox reads its own /proc/self/environ" "^HOME=" "$T_OUT"
t_run deg -- sh -c 'sleep 300 & echo $!'
LEFT=$T_OUT
t_expect "a background process the command leaves is killed at exit" 1 kill -0 "${LEFT:-999999}"
kill -9 "$LEFT" 2>/dev/null

# --- the filter and no_new_privs ---
t_run deg -- cat /proc/self/status
t_grep "the seccomp filter is in place" "Seccomp:[[:space:]]+2" "$T_OUT"
t_grep "no_new_privs is set" "NoNewPrivs:[[:space:]]+1" "$T_OUT"
t_refused "a namespace from inside is refused (filter)" deg -- unshare -U true

# --- network and IPC ---
PORT_FILE=$TOP/port
python3 -c '
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
while True:
    c, _ = s.accept(); c.sendall(b"HOST-SERVICE\n"); c.close()
' "$PORT_FILE" &
HOSTPIDS+=("$!")
USOCK=$TOP/host.sock
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(8)
while True:
    c, _ = s.accept(); c.sendall(b"HOST-UNIX\n"); c.close()
' "$USOCK" &
HOSTPIDS+=("$!")
for _ in $(seq 50); do [ -s "$PORT_FILE" ] && [ -S "$USOCK" ] && break; sleep 0.1; done
PORT=$(cat "$PORT_FILE")
t_run bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT; cat <&3"
t_grep "control: the host's loopback service answers" "HOST-SERVICE" "$T_OUT"
t_run deg -- bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT; cat <&3"
t_nogrep "egress = none: the host's loopback service is unreachable" "HOST-SERVICE" "$T_OUT"
t_grep "... the socket itself is refused" "Operation not permitted|Permission denied" "$T_ERR"
# TCP bind here is on the host's network (ADR 0123): a listener would be
# reachable by every host process. seccomp refuses the IP socket first;
# behind it Landlock allows bind to port 0 only (-p is refused in the mode).
FIXP=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DBIND='import socket, sys
try:
    s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); print("bound")
except OSError as e:
    print("refused", e.errno); sys.exit(3)'
t_expect "control: outside, a fixed port binds" 0 python3 -c "$DBIND" "$FIXP"
t_expect "a TCP listener on a fixed unpublished port cannot be made" 3 deg -- python3 -c "$DBIND" "$FIXP"
t_grep "... EPERM: the socket itself is refused (seccomp)" "^refused 1$" "$T_OUT"
t_expect "... nor on port 0 (still the host's network)" 3 deg -- python3 -c "$DBIND" 0
t_expect "-p is refused in the mode (126): nothing to publish through" 126 deg -p "$FIXP:8000" -- true
t_grep "... saying it needs the network namespace" "publishing a port needs the sandbox's own network namespace" "$T_ERR"
LLABI=$(python3 -c 'import ctypes; print(ctypes.CDLL(None).syscall(444, None, 0, 1))' 2>/dev/null)
t_expect "-v in the mode" 0 deg -v -- true
if [ "${LLABI:-0}" -ge 4 ] 2>/dev/null; then
	t_grep "... says Landlock limits TCP bind to port 0 (the host's network)" \
		"wall: landlock: .*TCP bind only to port 0 \(the host's network\)" "$T_ERR"
	t_grep "... and so do the losses" "TCP bind only to port 0: a listener here is on the host's network" "$T_ERR"
else
	t_grep "... the losses say Landlock ABI < 4 does not limit TCP bind" "Landlock ABI < 4 has no TCP rules" "$T_ERR"
fi
UNIXC='import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); print(s.recv(64).decode())'
t_run python3 -c "$UNIXC" "$USOCK"
t_grep "control: the host's unix socket answers" "HOST-UNIX" "$T_OUT"
t_run deg -- python3 -c "$UNIXC" "$USOCK"
t_nogrep "a host unix socket (D-Bus, ssh-agent, docker.sock) is unreachable" "HOST-UNIX" "$T_OUT"
DSOCK=$TOP/host.dgram
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1])
open(sys.argv[2], "a").write("ready\n")
while True:
    open(sys.argv[2], "a").write(s.recv(64).decode() + "\n")
' "$DSOCK" "$TOP/dgram.log" &
HOSTPIDS+=("$!")
for _ in $(seq 50); do [ -S "$DSOCK" ] && break; sleep 0.1; done
DGRAMC='import socket,sys; a,b=socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM); a.sendto(sys.argv[2].encode(), sys.argv[1])'
t_expect "control: a datagram pair sends to a host datagram socket by path" 0 python3 -c "$DGRAMC" "$DSOCK" OUTSIDE
for _ in $(seq 50); do grep -q OUTSIDE "$TOP/dgram.log" 2>/dev/null && break; sleep 0.1; done
t_grep "... and it arrives" "OUTSIDE" "$(cat "$TOP/dgram.log" 2>/dev/null)"
t_refused "inside, a datagram socketpair is refused (it could reach /dev/log)" deg -- python3 -c "$DGRAMC" "$DSOCK" INSIDE
t_expect "a stream socketpair still works inside" 0 deg -- python3 -c 'import socket; a,b=socket.socketpair(); a.send(b"x"); assert b.recv(1)==b"x"'
cat >"$TOP/proxy.toml" <<'TOML'
[recipe]
name = "proxy-test"
[network]
egress = "proxy-only"
TOML
t_expect "egress = proxy-only runs in the mode" 0 deg -r "$TOP/proxy.toml" -- true
t_grep "... saying it has NO network at all (no netns for the proxy)" "NO network at all" "$T_ERR"
t_run deg -r "$TOP/proxy.toml" -- bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT; cat <&3"
t_nogrep "... and the host's loopback service stays unreachable" "HOST-SERVICE" "$T_OUT"
t_run deg -r "$TOP/proxy.toml" -- sh -c 'echo "proxy=${HTTP_PROXY:-none}"'
t_grep "... with no proxy variables set" "proxy=none" "$T_OUT"
t_refused "SysV shared memory is refused (the host's IPC)" deg -- python3 -c '
import ctypes; libc = ctypes.CDLL(None); r = libc.shmget(0, 4096, 0o1600)
raise SystemExit(0 if r >= 0 else 1)'

# --- legitimate work ---
mkdir -p "$P/src"
cat >"$P/src/hello.c" <<'C'
#include <stdio.h>
int main(void) { puts("built and ran"); return 0; }
C
printf 'hello: src/hello.c\n\tcc -O1 -o $@ src/hello.c\n' >"$P/Makefile"
if command -v cc >/dev/null && command -v make >/dev/null; then
	t_expect "a C build with make works" 0 deg -- sh -c 'make -s hello && ./hello'
	t_grep "... and its program runs" "built and ran" "$T_OUT"
	t_expect "... the binary is in the project on the host" 0 test -x "$P/hello"
else
	t_skip "cc or make missing: the build test needs them"
fi
t_expect "git works in the project (status, add, commit)" 0 deg -- sh -c \
	'git -c user.name=t -c user.email=t@t add src && git -c user.name=t -c user.email=t@t commit -qm x'
t_expect "a pipeline and a subshell work" 0 deg -- sh -c 'seq 100 | sort -n | tail -1 | grep -q 100'

# --- can check ---
t_run timeout 120 "$UX" "$CAN" check
t_grep "can check names the no-namespace mode" "no-userns mode" "$T_OUT"
t_grep "... as available here, with the flag" "allow-degraded=userns" "$T_OUT"
t_run timeout 120 "$CAN" check
t_grep "... and where user namespaces work, says it is not needed" "no-userns mode.*not needed" "$T_OUT"
t_done
