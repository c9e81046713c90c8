#!/usr/bin/env bash
# Session mode's supervisor (issue 10, docs/session.md): can session -- SHELL
# as the unprivileged test user, non-interactive (the pty tests are
# session_pty*). Each wall is attacked from inside, with the legitimate
# action beside it.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user "$CAN_TESTBIN/notify_target" "$CAN_TESTBIN/try_syscall" "$CAN_SRCDIR/test/session_lib.sh"
. "$CAN_SRCDIR/test/session_lib.sh"
session_setup cansess

# sess SCRIPT: runs SCRIPT with bash in a session; helpers are defined first.
HELPERS=$SESSION_HELPERS
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
t_grep "the state file has the header, pid, start, enforcement" "^canister-session 1.pid [0-9]+.started [0-9]+.enforce (landlock-at-exec|emulation).$" "$(echo "$T_OUT" | tr '\n' '.')"
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

# --- layers: declared, pending, approved ---
echo "SECRET-TWO" >"$H/secret2"
printf '[recipe]\nname = "loose"\ndescription = "reads one file more"\nversion = "1"\n\n[filesystem]\nallow = ["%s/secret2"]\n' "$H" >"$TOP/loose.toml"
export TOP
sess 'declare_layer "$P"; wait_state "^layer pending $P" && echo pending-seen
cd "$P"; "$CAN" status; echo "rc=$?"; "$CAN" status --json
cat "$HOME/.ssh/id_x" && echo READ-PENDING'
t_grep "a declared, unapproved layer is pending in the state file" "pending-seen" "$T_OUT"
t_grep "can status there says can:proj? (exit 3)" "can:proj\? rc=3" "$(echo "$T_OUT" | tr '\n' ' ')"
t_grep "... and --json says pending" '"layer":"'"$P"'","state":"pending"' "$T_OUT"
t_grep "a pending layer restricts nothing" "READ-PENDING" "$T_OUT"

# One session, one approval: every case below runs in it.
LAYERED='declare_layer "$P"; wait_state "^layer [a-z]* $P"; approve "$P" || echo APPROVE-FAILED
'
sess "$LAYERED"'
cd "$P"; "$CAN" status; echo "rc=$?"
cat "$HOME/.ssh/id_x" 2>&1 && echo LEAK-IN-DIR
cd /; cat "$HOME/.ssh/id_x" && echo outside-ok
cd "$P" && cat "$HOME/.ssh/id_x" 2>&1 && echo LEAK-SAME-LINE
cd /
(cd "$P"; cat "$HOME/.ssh/id_x" 2>&1) && echo LEAK-SUBSHELL
(cd "$P"; read -r l <"$HOME/.ssh/id_x" 2>&1 && echo "LEAK-SHELL-ITSELF $l")
cd "$P"; cat data.txt; echo written >new.txt && cat new.txt
cd /; read -r l <"$HOME/.ssh/id_x" && echo "shell-outside-ok $l"'
t_nogrep "approving from outside works" "APPROVE-FAILED" "$T_OUT"
t_grep "can status in an approved layer: can:proj (exit 0)" "can:proj rc=0" "$(echo "$T_OUT" | tr '\n' ' ')"
t_nogrep "cat ~/.ssh/id_x started in the layer is refused" "LEAK-IN-DIR" "$T_OUT"
t_grep "... with EACCES" "id_x: Permission denied" "$T_OUT"
t_grep "outside the layer the same cat works" "FAKE-PRIVATE-KEY.outside-ok" "$(echo "$T_OUT" | tr '\n' '.')"
t_nogrep "cd proj && cat ... is refused" "LEAK-SAME-LINE" "$T_OUT"
t_nogrep "(cd proj; cat ...) is refused" "LEAK-SUBSHELL" "$T_OUT"
t_nogrep "the shell itself, in the layer, cannot read it (emulated)" "LEAK-SHELL-ITSELF" "$T_OUT"
t_grep "legitimate work in the layer: its files read and written" "project data.written" "$(echo "$T_OUT" | tr '\n' '.')"
t_grep "the shell back outside reads it again" "shell-outside-ok FAKE-PRIVATE-KEY" "$T_OUT"

sess "$LAYERED"'
cd "$P"; bash -c "while [ ! -e $TOP/go ]; do sleep 0.05; done; cat $HOME/.ssh/id_x >$TOP/bg.out 2>&1; echo done >>$TOP/bg.out" &
cd /; touch "$TOP/go"; wait; cat "$TOP/bg.out"'
t_grep "a background process started inside keeps its layer after the shell leaves" "Permission denied.done" "$(echo "$T_OUT" | tr '\n' '.')"
t_nogrep "... (no key in its output)" "FAKE-PRIVATE-KEY" "$T_OUT"

# Editing .envrc (from inside) leaves the old policy until approved from outside.
sess "$LAYERED"'
cd "$P"; cat "$HOME/secret2" >/dev/null 2>&1 || echo refused-before
sh -c "printf \"use canister -r $TOP/loose.toml\n\" >.envrc" && echo edited-inside
cd /; declare_layer "$P"; wait_state "^layer pending $P" && echo now-pending
cd "$P"; cat "$HOME/secret2" 2>/dev/null && echo LOOSENED-WITHOUT-APPROVAL
"$CAN" allow "$P"; echo "allow-inside=$?"
cat "$HOME/secret2" 2>/dev/null && echo LOOSENED-FROM-INSIDE
cd /; approve "$P" && echo approved-outside
cd "$P"; cat "$HOME/secret2"'
printf 'use canister\n' >"$P/.envrc"
t_grep "before: the layer refuses the file" "refused-before" "$T_OUT"
t_grep "the layer's process can edit .envrc" "edited-inside" "$T_OUT"
t_grep "the changed declaration is pending" "now-pending" "$T_OUT"
t_nogrep "... and the old policy stays in force" "LOOSENED-WITHOUT-APPROVAL" "$T_OUT"
t_grep "can allow from inside the layer is refused (exit 1)" "allow-inside=1" "$T_OUT"
t_grep "... saying where to run it" "run it from a terminal outside the project" "$T_ERR"
t_nogrep "... and loosens nothing" "LOOSENED-FROM-INSIDE" "$T_OUT"
t_grep "approved from outside, the new policy applies" "approved-outside.SECRET-TWO" "$(echo "$T_OUT" | tr '\n' '.')"

# Forged hints: any process of the user can write the FIFO; none loosens.
sess "$LAYERED"'
cd "$P"
sh -c "echo \"canister 1 declare /\" >$CANISTER_SESSION_FIFO" 2>/dev/null || echo fifo-closed-inside
(cd /; printf "garbage\ncanister 2 declare /\ncanister 1 declare relative\ncanister 1 declare /tmp/../etc\ncanister 1 allow $P\n" >"$CANISTER_SESSION_FIFO")
(cd /; echo "canister 1 declare $TOP" >"$CANISTER_SESSION_FIFO")
mv .envrc .envrc.gone; (cd /; declare_layer "$P"); sleep 0.3
cat "$HOME/.ssh/id_x" 2>/dev/null && echo LEAK-AFTER-FORGERY
mv .envrc.gone .envrc
cd /; "$CAN" layers'
t_grep "the FIFO is closed to a layered process" "fifo-closed-inside" "$T_OUT"
t_nogrep "forged lines (garbage, other versions, other dirs, a removed declaration) loosen nothing" "LEAK-AFTER-FORGERY" "$T_OUT"
t_grep "can layers still lists the layer as in force" "^$P	(active|invalid|pending)	" "$T_OUT"

# The control socket from inside; the supervisor from inside a layer.
sess "$LAYERED"'
cd "$P"
python3 -c "
import socket, os
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(os.environ[\"CANISTER_SESSION_SOCK\"]); s.sendall(b\"canister 1 allow $P\\n\"); print(\"answer\", s.recv(200))
except OSError as e:
    print(\"socket-refused\", e.errno)
"
kill -9 $CANISTER_SESSION; echo "kill=$?"
"$TRY" io_uring_setup; "$TRY" seccomp-listener
"$TARGET" -1 race_open "$P/data.txt" "$HOME/.ssh/id_x" 20000'
t_grep "connecting to the control socket from inside a layer is refused" "socket-refused 13" "$T_OUT"
t_nogrep "... no answer reached it" "answer" "$T_OUT"
t_grep "kill -9 of the supervisor from inside a layer is refused" "kill=1" "$T_OUT"
t_grep "io_uring inside a layer is refused" "^EPERM$" "$(echo "$T_OUT" | sed -n '/kill=/{n;p}')"
t_grep "a second listener inside a layer is refused" "^EPERM$" "$(echo "$T_OUT" | sed -n '/kill=/{n;n;p}')"
t_grep "a path-swapping thread racing opens inside the layer: zero wins" "leaked=0$" "$T_OUT"
t_grep "... and the race really ran both ways" "allowed=[1-9][0-9]* refused=[1-9]" "$T_OUT"

# --- signals and the terminal ---
rm -f "$TOP/sup"
"$CAN" session -- bash -c 'trap "echo got-hup; exit 5" HUP; echo $CANISTER_SESSION >'"$TOP"'/sup; while :; do sleep 0.05; done' >"$TOP/hup.out" 2>&1 </dev/null &
bg=$!
for _ in $(seq 100); do [ -s "$TOP/sup" ] && break; sleep 0.05; done
sup=$(cat "$TOP/sup")
kill -INT "$sup"; kill -QUIT "$sup"; kill -TSTP "$sup"; sleep 0.2
if kill -0 "$sup" 2>/dev/null && ! grep -q got-hup "$TOP/hup.out"; then t_ok "the supervisor ignores SIGINT, SIGQUIT and SIGTSTP"; else t_fail "the supervisor ignores SIGINT, SIGQUIT and SIGTSTP"; fi
kill -HUP "$sup"
wait "$bg"
rc=$?
t_grep "SIGHUP is forwarded to the shell" "got-hup" "$(cat "$TOP/hup.out")"
[ "$rc" = 5 ] && t_ok "... and the session exits with the shell's status" || t_fail "... and the session exits with the shell's status (exit $rc)"
# A shell that ignores the hangup is killed after the grace (5 s): a closed
# terminal ends the session.
rm -f "$TOP/sup"
"$CAN" session -- bash -c 'trap "" HUP; echo $CANISTER_SESSION >'"$TOP"'/sup; while :; do sleep 0.05; done' >"$TOP/hup2.out" 2>&1 </dev/null &
bg=$!
for _ in $(seq 100); do [ -s "$TOP/sup" ] && break; sleep 0.05; done
kill -HUP "$(cat "$TOP/sup")"
for _ in $(seq 300); do kill -0 "$bg" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$bg" 2>/dev/null; then
	t_fail "a shell that ignores SIGHUP is killed after the grace, ending the session"
	kill -KILL "$bg"
else
	wait "$bg"
	rc=$?
	[ "$rc" = 137 ] && t_ok "a shell that ignores SIGHUP is killed after the grace, ending the session" ||
		t_fail "a shell that ignores SIGHUP is killed after the grace, ending the session (exit $rc)"
fi
t_grep "... and the supervisor says so" "outlived the hangup by 5000 ms: killed" "$(cat "$TOP/hup2.out")"
t_run script -qec "$CAN session -- bash -c 'ps -o pgid=,tpgid= -p \$\$'" /dev/null
pg=$(echo "$T_OUT" | tr -d '\r' | awk 'NF==2 {print $1 "=" $2}' | tail -1)
[ -n "$pg" ] && [ "${pg%=*}" = "${pg#*=}" ] && t_ok "on a terminal the shell leads the foreground process group" ||
	t_fail "on a terminal the shell leads the foreground process group (pgid=tpgid: $pg)"
sess 'su --help >/dev/null 2>&1; echo after'
t_grep "starting a setuid program prints one line naming the session" "can: session: (/usr/bin/)?su is setuid, but this terminal is a can session \(pid [0-9]+\).*no_new_privs.*outside the session" "$T_ERR"
sess 'id -u >/dev/null; echo plain'
t_nogrep "... and nothing for a program that is not setuid" "setuid" "$T_ERR"

# --- more layer sets: orphans, nested layers, can layers ---
mkdir -p "$P/sub"
printf 'use canister -r %s/loose.toml\n' "$TOP" >"$P/sub/.envrc"
sess "$LAYERED"'
cd "$P"; bash -c "(sleep 0.3; cd /; cat $HOME/.ssh/id_x >$TOP/orphan.out 2>&1; echo done >>$TOP/orphan.out) & exit 0"
cd /; for _ in $(seq 100); do grep -q done "$TOP/orphan.out" 2>/dev/null && break; sleep 0.05; done; cat "$TOP/orphan.out"
declare_layer "$P/sub"; wait_state "^layer pending $P/sub"; approve "$P/sub" || echo APPROVE-SUB-FAILED
cd "$P/sub"; cat "$HOME/secret2" 2>/dev/null && echo LOOSENED-BY-INNER
cd /; (cd "$P"; exec sleep 2) & sleep 0.3; "$CAN" layers; kill %1'
t_grep "an orphan of a layered process (its parent gone, then cd /) keeps a layer" "Permission denied.done" "$(echo "$T_OUT" | tr '\n' '.')"
t_nogrep "... and reads no key" "FAKE-PRIVATE-KEY" "$T_OUT"
t_nogrep "a nested layer is approved from outside" "APPROVE-SUB-FAILED" "$T_OUT"
t_nogrep "in nested layers each must allow: the inner one's extra file stays refused by the outer" "LOOSENED-BY-INNER" "$T_OUT"
t_grep "can layers lists each layer, its state, recipes and its processes" "^$P	active	-	[0-9]+" "$T_OUT"
t_grep "... the nested one with its recipe" "^$P/sub	active	$TOP/loose.toml	" "$T_OUT"
rm -rf "$P/sub"

# ptrace and process_vm_*: per process (docs/adr/0214).
sess '"$TRY" process_vm_readv; true'
t_grep "outside layers process_vm_readv of the shell reaches the kernel (EFAULT on a bad pointer)" "^EFAULT$" "$T_OUT"
sess 'strace -f -o /dev/null cat "$HOME/.ssh/id_x" && echo traced-ok'
t_grep "outside layers strace -f works" "FAKE-PRIVATE-KEY.traced-ok" "$(echo "$T_OUT" | tr '\n' '.')"
sess "$LAYERED"'
cd "$P"
"$TRY" process_vm_readv; "$TRY" process_vm_writev; "$TRY" ptrace-peek-parent; true
strace -f -o /dev/null cat "$HOME/.ssh/id_x" 2>&1 && echo LEAK-UNDER-STRACE
strace -f -o "$TOP/strace.out" cat data.txt && echo strace-in-layer-ok'
t_grep "in a layer process_vm_readv/writev and ptrace of a non-descendant (the shell) are refused" "^EPERM.EPERM.EPERM." "$(echo "$T_OUT" | tr '\n' '.')"
t_nogrep "a program run under strace -f inside a layer is still confined" "LEAK-UNDER-STRACE|FAKE-PRIVATE" "$T_OUT"
t_grep "... while strace itself works there (its own descendants)" "project data.strace-in-layer-ok" "$(echo "$T_OUT" | tr '\n' '.')"

# Unix sockets in the shared /tmp (tmux, X11, ssh-agent live there): not
# from a layer, unless a recipe names them; the layer's own are fine.
cat >"$TOP/usock.py" <<'PY'
import socket, sys, os
mode, path = sys.argv[1], sys.argv[2]
if mode == "serve":
    s = socket.socket(socket.AF_UNIX); s.bind(path); s.listen(8)
    open(path + ".ready", "w").close()
    while True:
        c, _ = s.accept(); c.sendall(b"hello\n"); c.close()
else:
    s = socket.socket(socket.AF_UNIX)
    try:
        s.connect(path); print("connected", s.recv(10).decode().strip())
    except OSError as e:
        print("refused", e.errno)
PY
rm -f "$TOP/tmux.sock" "$P/proj.sock"
python3 "$TOP/usock.py" serve "$TOP/tmux.sock" & srv1=$!
python3 "$TOP/usock.py" serve "$P/proj.sock" & srv2=$!
for _ in $(seq 100); do [ -e "$TOP/tmux.sock.ready" ] && [ -e "$P/proj.sock.ready" ] && break; sleep 0.05; done
sess "$LAYERED"'
python3 "$TOP/usock.py" connect "$TOP/tmux.sock" | sed "s/^/outside: /"
cd "$P"; python3 "$TOP/usock.py" connect "$TOP/tmux.sock" | sed "s/^/inside-tmp: /"
python3 "$TOP/usock.py" connect "$P/proj.sock" | sed "s/^/inside-proj: /"'
t_grep "control: outside layers a unix socket in /tmp answers" "^outside: connected hello$" "$T_OUT"
t_grep "a layered process cannot connect to a unix socket in the shared /tmp (a tmux server's)" "^inside-tmp: refused 13$" "$T_OUT"
t_grep "... but to one in its own project" "^inside-proj: connected hello$" "$T_OUT"
# A recipe written for can run's private /tmp (allow_write = ["/tmp"])
# grants files in the shared one, not its sockets.
mkdir -p "$H/.config/canister/recipes" "$TOP/tmpw"
printf '[filesystem]\nallow_write = ["/tmp"]\n' >"$H/.config/canister/recipes/tmpw.toml"
printf 'use canister -r tmpw\n' >"$TOP/tmpw/.envrc"
sess 'declare_layer "$TOP/tmpw"; wait_state "^layer [a-z]* $TOP/tmpw"; approve "$TOP/tmpw" || echo APPROVE-FAILED
cd "$TOP/tmpw"; python3 "$TOP/usock.py" connect "$TOP/tmux.sock" | sed "s/^/tmpw-sock: /"
echo x >"$TOP/tmpw-file" && echo tmpw-file-ok'
t_nogrep "... (a layer of a recipe with allow_write /tmp approved)" "APPROVE-FAILED" "$T_OUT"
t_grep "a recipe's allow_write of /tmp does not reach the shared /tmp's sockets" "^tmpw-sock: refused 13$" "$T_OUT"
t_grep "... while it still writes files there" "tmpw-file-ok" "$T_OUT"
rm -rf "$H/.config/canister/recipes/tmpw.toml" "$TOP/tmpw" "$TOP/tmpw-file"
kill "$srv1" "$srv2"; wait "$srv1" "$srv2" 2>/dev/null

# Files that run code later outside the layer: read-only from inside.
mkdir -p "$P/.git/hooks"
echo "[core]" >"$P/.git/config"
sess "$LAYERED"'
cd "$P"
echo "#!/bin/sh" >.git/hooks/pre-commit 2>/dev/null || echo hook-refused
echo "fsmonitor = evil" >>.git/config 2>/dev/null || echo config-refused
cat .git/config >/dev/null && echo config-readable'
t_grep "a layered process cannot plant a git hook" "hook-refused" "$T_OUT"
t_grep "... nor change .git/config" "config-refused" "$T_OUT"
t_grep "... which stays readable" "config-readable" "$T_OUT"
t_expect "no hook was planted" 1 test -e "$P/.git/hooks/pre-commit"
rm -rf "$P/.git"

# /proc: a layered process's own entries, not the shell's memory or
# environment (the supervisor's open of them would pass the kernel's check).
sess "$LAYERED"'
export SECRET_IN_SHELL=hunter2
cd "$P"
bash -c "read -r l </proc/\$\$/status && echo own-proc-ok; cat /proc/self/maps >/dev/null && echo self-maps-ok"
cat /proc/$$/environ >/dev/null 2>&1 && echo LEAK-ENVIRON || echo environ-refused
python3 -c "
import os
try:
    f = open(\"/proc/%d/mem\" % os.getppid(), \"rb\"); print(\"LEAK-MEM\")
except OSError as e: print(\"mem-refused\", e.errno)"
cat /proc/cpuinfo >/dev/null && echo cpuinfo-ok'
t_grep "a layered process reads its own /proc entries" "own-proc-ok.self-maps-ok" "$(echo "$T_OUT" | tr '\n' '.')"
t_grep "... but not the shell's environ" "environ-refused" "$T_OUT"
t_grep "... nor the shell's memory" "mem-refused 13" "$T_OUT"
t_nogrep "... (nothing leaked)" "LEAK" "$T_OUT"
t_grep "... and global /proc files still read" "cpuinfo-ok" "$T_OUT"

# can allow --forget: no new process enters; one already inside stays.
sess "$LAYERED"'
cd "$P"; bash -c "while [ ! -e $TOP/go2 ]; do sleep 0.05; done; cat $HOME/.ssh/id_x >$TOP/fg.out 2>&1; echo done >>$TOP/fg.out" &
cd /; "$CAN" allow --forget "$P" && wait_state "^layer pending $P"; echo "forget=$?"
cd "$P"; cat "$HOME/.ssh/id_x" >/dev/null && echo new-process-free
cd /; touch "$TOP/go2"; wait; cat "$TOP/fg.out"'
t_grep "can allow --forget drops the approval" "forget=0" "$T_OUT"
t_grep "... a new process in the dir is no longer restricted" "new-process-free" "$T_OUT"
t_grep "... one already in the layer keeps its rules" "Permission denied.done" "$(echo "$T_OUT" | tr '\n' '.')"
t_nogrep "... (the key stays unread there)" "FAKE-PRIVATE-KEY" "$(cat "$TOP/fg.out")"

# Two terminals, two projects, at once: both approvals kept.
Q=$TOP/other
mkdir -p "$Q"
printf 'use canister\n' >"$Q/.envrc"
rm -rf "$H/.local/state/canister"
"$CAN" session -- bash -c "$HELPERS"'declare_layer "$P"; wait_state "^layer pending"; for i in 1 2 3 4 5; do approve "$P"; done; cd "$P"; cat "$HOME/.ssh/id_x" 2>&1' >"$TOP/t1.out" 2>&1 </dev/null &
t1=$!
"$CAN" session -- bash -c "$HELPERS"'declare_layer "'"$Q"'"; wait_state "^layer pending"; for i in 1 2 3 4 5; do approve "'"$Q"'"; done; cd "'"$Q"'"; cat "$HOME/.ssh/id_x" 2>&1' >"$TOP/t2.out" 2>&1 </dev/null &
t2=$!
wait "$t1" "$t2"
t_grep "two sessions at once: the first one's project refuses the key" "Permission denied" "$(cat "$TOP/t1.out")"
t_grep "... and the second one's too" "Permission denied" "$(cat "$TOP/t2.out")"
t_expect "... and both approvals are stored" 0 test "$(grep -c -E " ($P|$Q)$" "$H/.local/state/canister/approved")" = 2

# A later session: the approved project is a layer from its first line.
sess 'cd "$P" && cat "$HOME/.ssh/id_x" 2>&1; grep "^layer" "$CANISTER_SESSION_STATE"'
t_grep "a new session knows an approved project at once: cd proj && cat is refused before any hint" "id_x: Permission denied" "$T_OUT"
t_grep "... and its state file lists the layer as active" "^layer active $P	" "$T_OUT"

# landlock_add_rule: refused session-wide (Landlock at exec adds a ruleset
# fd before the exec; a sibling thread must not widen it).
export LLPY='import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
r = libc.syscall(445, -1, 1, 0, 0)
print("llar", os.strerror(ctypes.get_errno()))'
t_run python3 -c "$LLPY"
t_grep "control: landlock_add_rule of a bad fd outside a session is EBADF" "llar Bad file descriptor" "$T_OUT"
sess 'python3 -c "$LLPY"'
t_grep "landlock_add_rule is refused in a session" "llar Operation not permitted" "$T_OUT"

# Approvals persist and are not writable from inside.
t_grep "the approval is stored as sha256 and dir" "^[0-9a-f]{64} $P$" "$(cat "$H/.local/state/canister/approved" 2>/dev/null)"
sess "$LAYERED"'
cd "$P"; echo "0000 /" >>"$HOME/.local/state/canister/approved" 2>/dev/null || echo approvals-closed
echo x >"$(dirname "$CANISTER_SESSION_STATE")/planted" 2>/dev/null || echo rundir-closed'
t_grep "a layered process cannot write the approvals" "approvals-closed" "$T_OUT"
t_grep "a layered process cannot write the runtime directory" "rundir-closed" "$T_OUT"

# Code run later, moved away and back: `mv .git .x; edit .x/config; mv .x .git`.
mkdir -p "$P/.git" && printf '[core]\n' >"$P/.git/config"
sess "$LAYERED"'
cd "$P"; mv .git .x 2>/dev/null && echo MOVED-GIT
printf "[core]\n\tfsmonitor = touch /tmp/pwned\n" >.x/config 2>/dev/null; mv .x .git 2>/dev/null
mkdir sub2 && mv sub2 sub3 && echo legit-rename'
t_nogrep "a layered process cannot move .git aside (to swap its config)" "MOVED-GIT" "$T_OUT"
t_nogrep "... and .git/config on the host is unchanged" "fsmonitor" "$(cat "$P/.git/config")"
t_grep "... while renaming its own folders works" "legit-rename" "$T_OUT"
rm -rf "$P/.git" "$P/sub3"

# A linked worktree's .git file: pointed elsewhere it would plant a config.
printf 'gitdir: %s/nowhere\n' "$TOP" >"$P/.git"
sess "$LAYERED"'
cd "$P"; echo "gitdir: /tmp/planted" >.git 2>/dev/null && echo WROTE-GITFILE; true'
t_nogrep "a layered process cannot rewrite a worktree's .git file" "WROTE-GITFILE" "$T_OUT"
t_grep "... which is unchanged on the host" "^gitdir: $TOP/nowhere$" "$(cat "$P/.git")"
rm -f "$P/.git"

# Leaving a layer: a shell that opens the folder it cd's to (fish does)
# must be able to; a folder opens read-only (names), a file does not.
sess "$LAYERED"'
cd "$P"; { exec 3<"$HOME"; } 2>/dev/null && echo dir-open-ok; exec 3<&-
{ exec 4<"$HOME/.ssh/id_x"; } 2>/dev/null && echo FILE-OPEN; exec 4<&-; true'
t_grep "in a layer the shell opens a folder outside it read-only (so it can cd out)" "dir-open-ok" "$T_OUT"
t_nogrep "... but a file there does not" "FILE-OPEN" "$T_OUT"
if command -v fish >/dev/null; then
	t_run "$CAN" session -- bash -c "$HELPERS$LAYERED"'fish -c "cd $P; cd $HOME; pwd; cat $HOME/.ssh/id_x"' 
	t_grep "fish in a session cds out of a layer" "^$H$" "$T_OUT"
fi

# direnv inside a layer: its library and allow list are read, not written.
mkdir -p "$H/.config/direnv/lib" "$H/.local/share/direnv/allow"
echo '# lib' >"$H/.config/direnv/lib/x.sh"
sess "$LAYERED"'
cd "$P"; cat "$HOME/.config/direnv/lib/x.sh" && ls "$HOME/.local/share/direnv" >/dev/null && echo direnv-read-ok
echo "touch /tmp/pwned" >>"$HOME/.config/direnv/lib/x.sh" 2>/dev/null && echo WROTE-DIRENV-LIB
touch "$HOME/.local/share/direnv/allow/planted" 2>/dev/null && echo WROTE-DIRENV-ALLOW; true'
t_grep "a layer reads direnv's library and allow list" "direnv-read-ok" "$T_OUT"
t_nogrep "... but cannot write its library (it runs in every shell)" "WROTE-DIRENV-LIB" "$T_OUT"
t_nogrep "... nor its allow list" "WROTE-DIRENV-ALLOW" "$T_OUT"
rm -rf "$H/.config/direnv" "$H/.local/share/direnv"

t_done
