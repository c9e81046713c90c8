#!/usr/bin/env bash
# Session mode's supervisor (issue 10, docs/session.md): can session -- SHELL
# as the unprivileged test user, non-interactive (the pty tests are
# session_pty*). Each wall is attacked from inside, with the legitimate
# action beside it.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user "$CAN_TESTBIN/notify_target" "$CAN_TESTBIN/try_syscall"

H=$T_HOME
TOP=$(mktemp -d /tmp/cansess.XXXXXX)
chmod 755 "$TOP"
trap 'rm -rf "$TOP"' EXIT
unset XDG_RUNTIME_DIR CANISTER_SESSION CANISTER_SESSION_FIFO CANISTER_SESSION_SOCK CANISTER_SESSION_STATE
rm -rf "$H/.local/state/canister"
mkdir -p "$H/.ssh"
echo "FAKE-PRIVATE-KEY" >"$H/.ssh/id_x"
P=$TOP/proj
mkdir -p "$P/sub"
printf 'use canister\n' >"$P/.envrc"
echo "project data" >"$P/data.txt"
TARGET=$CAN_TESTBIN/notify_target
[ -x "$TARGET" ] || TARGET=$CAN_SRCDIR/notify_target
TRY=$CAN_TESTBIN/try_syscall
[ -x "$TRY" ] || TRY=$CAN_SRCDIR/try_syscall
export CAN P H TARGET TRY
cd "$TOP" || exit 1

# sess SCRIPT: runs SCRIPT with bash in a session; helpers are defined first.
HELPERS='
declare_layer() { echo "canister 1 declare $1" >"$CANISTER_SESSION_FIFO"; }
# wait_state PATTERN: until the state file matches (the FIFO is a hint the
# supervisor reads in its own time).
wait_state() { for _ in $(seq 200); do grep -q -- "$1" "$CANISTER_SESSION_STATE" && return 0; sleep 0.05; done; return 1; }
approve() { (cd / && "$CAN" allow "$1" >/dev/null) && wait_state "^layer active $1"; }
'
sess() { t_run "$CAN" session -- bash -c "$HELPERS$1"; }

# --- the supervisor itself ---
t_expect "can session --check says ok here" 0 "$CAN" session --check
t_grep "... in one line" "^ok$" "$T_OUT"
t_expect "the shell's exit status is the session's" 7 "$CAN" session -- bash -c 'exit 7'
t_expect "a shell killed by a signal gives 128+signal" 143 "$CAN" session -- bash -c 'kill -TERM $$'
t_expect "a shell that is not there is 127" 127 "$CAN" session -- no-such-shell-xyz
t_expect "no shell is a usage error" 2 "$CAN" session
sess 'echo "pid=$CANISTER_SESSION fifo=$CANISTER_SESSION_FIFO sock=$CANISTER_SESSION_SOCK state=$CANISTER_SESSION_STATE"; [ "$CANISTER_SESSION" = "$PPID" ] && echo parent-ok'
t_grep "CANISTER_SESSION is the supervisor, the shell's parent" "parent-ok" "$T_OUT"
t_grep "the FIFO, socket and state file are in /tmp/canister-UID" "fifo=/tmp/canister-$(id -u)/session-[0-9]+\.fifo sock=/tmp/canister-$(id -u)/session-[0-9]+\.sock state=/tmp/canister-$(id -u)/session-[0-9]+\.state" "$T_OUT"
sess 'stat -c "%a %F" "$CANISTER_SESSION_FIFO" "$CANISTER_SESSION_SOCK" "$CANISTER_SESSION_STATE" "$(dirname "$CANISTER_SESSION_FIFO")"'
t_grep "the three files are 0600 in a 0700 folder" "^600 fifo\.600 socket\.600 regular file\.700 directory\.$" "$(echo "$T_OUT" | tr '\n' '.')"
sess 'echo "$CANISTER_SESSION_STATE"'
t_expect "the supervisor removes its files on exit" 1 test -e "$T_OUT"
sess 'cat "$CANISTER_SESSION_STATE"'
t_grep "the state file has the header, pid, start, enforcement" "^canister-session 1.pid [0-9]+.started [0-9]+.enforce emulation.$" "$(echo "$T_OUT" | tr '\n' '.')"
sess '"$CAN" session -- true'
if [ "$T_RC" = 2 ]; then t_ok "sessions do not nest (exit 2)"; else t_fail "sessions do not nest (exit $T_RC)"; fi
t_grep "... a nested session is refused, saying so" "already inside session [0-9]+.*do not nest" "$T_ERR"
sess '"$CAN" session --check; echo "rc=$?"'
t_grep "--check inside a session says why, exit 1" "already inside session.*rc=1" "$(echo "$T_OUT" | tr '\n' ' ')"
# A rundir that is not ours: refused, nothing runs.
mkdir -p "$TOP/xdg/canister" && chmod 755 "$TOP/xdg/canister"
t_expect "a runtime directory open to others is refused" 126 env XDG_RUNTIME_DIR="$TOP/xdg" "$CAN" session -- bash -c 'echo RAN'
t_grep "... with the reason" "canister: its mode lets the group or others in" "$T_ERR"
t_nogrep "... and the shell did not run" "RAN" "$T_OUT"
chmod 700 "$TOP/xdg/canister"
t_expect "\$XDG_RUNTIME_DIR/canister is used when set" 0 env XDG_RUNTIME_DIR="$TOP/xdg" "$CAN" session -- bash -c 'case $CANISTER_SESSION_SOCK in "$XDG_RUNTIME_DIR"/canister/session-*.sock) exit 0;; esac; exit 1'

# --- self-protection ---
sess 'kill -9 $CANISTER_SESSION; echo "rc=$?"; kill -0 $CANISTER_SESSION; echo "rc0=$?"'
t_grep "kill -9 of the supervisor from inside is refused" "rc=1" "$T_OUT"
t_grep "... and kill -0 too (the filter refuses any signal to it)" "rc0=1" "$T_OUT"
sess 'kill -9 -1; echo "survived=$?"'
t_grep "kill -9 -1 from inside is refused" "survived=1" "$T_OUT"
sess 'exec "$TRY" pidfd_open-parent'
t_grep "pidfd_open of the supervisor is refused" "^EPERM$" "$T_OUT"
sess 'exec "$TRY" kill-parent'
t_grep "kill(supervisor, 0) from its direct child is refused" "^EPERM$" "$T_OUT"
sess '"$TRY" pidfd_open-parent; true'
t_grep "control: pidfd_open of the shell (not the supervisor) works" "^ok$" "$T_OUT"
sess '"$TRY" seccomp-listener'
t_grep "a second listener inside is refused" "^EPERM$" "$T_OUT"
sess '"$TRY" seccomp-filter'
t_grep "control: a plain filter reaches the kernel (EFAULT on a bad pointer)" "^EFAULT$" "$T_OUT"
sess '"$TRY" io_uring_setup'
t_grep "io_uring is refused session-wide" "^EPERM$" "$T_OUT"
sess 'cat /proc/$CANISTER_SESSION/environ >/dev/null 2>&1 && echo READ || echo refused'
t_grep "the supervisor is not dumpable (its /proc files are closed)" "^refused$" "$T_OUT"
# If the supervisor dies anyway (killed from outside), trapped calls fail.
"$CAN" session -- bash -c 'echo $CANISTER_SESSION > '"$TOP"'/sup; while [ ! -e '"$TOP"'/killed ]; do sleep 0.05; done; sleep 0.2; cat /etc/hostname && echo OPENED; exit 0' >"$TOP/dead.out" 2>"$TOP/dead.err" </dev/null &
for _ in $(seq 100); do [ -s "$TOP/sup" ] && break; sleep 0.05; done
kill -9 "$(cat "$TOP/sup")"
touch "$TOP/killed"
for _ in $(seq 100); do grep -q . "$TOP/dead.err" "$TOP/dead.out" 2>/dev/null && break; sleep 0.05; done
sleep 0.3
t_grep "with the supervisor dead, a trapped open fails (fail closed)" "Function not implemented" "$(cat "$TOP/dead.err")"
t_nogrep "... the file was not read" "OPENED" "$(cat "$TOP/dead.out")"

# --- legitimate work in a session outside layers ---
sess 'cat "$HOME/.ssh/id_x" && echo data > '"$TOP"'/out.txt && cat '"$TOP"'/out.txt && ls / >/dev/null && echo fine'
t_grep "outside any layer everything works (the key is readable)" "FAKE-PRIVATE-KEY.data.fine" "$(echo "$T_OUT" | tr '\n' '.')"
t_expect "can status outside a session: exit 4, nothing printed" 4 "$CAN" status
[ -z "$T_OUT" ] && t_ok "... and prints nothing" || t_fail "... and prints nothing (got $T_OUT)"
sess '"$CAN" status; echo "rc=$?"; "$CAN" status --json'
t_grep "can status in a session outside layers: can:session, exit 1" "^can:session rc=1 " "$(echo "$T_OUT" | tr '\n' ' ')"
t_grep "... --json" '\{"session":[0-9]+,"layer":null,"state":null,"recipes":\[\]\}' "$T_OUT"

t_done
