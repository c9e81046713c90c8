#!/usr/bin/env bash
# Landlock applied at exec in session mode (issue 10, docs/adr/0250-0252):
# a process that execs into an approved layer gets the layer's Landlock
# domain, and its reads are then decided by the kernel. Each wall is
# attacked from inside, with the legitimate work beside it; the domain is
# proved by behaviour (a test-only switch takes the engine's checks away).
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user "$CAN_TESTBIN/notify_target" "$CAN_TESTBIN/try_syscall" "$CAN_TESTBIN/session_ll_helper" \
	"$CAN_SRCDIR/test/session_lib.sh"
. "$CAN_SRCDIR/test/session_lib.sh"
session_setup cansessll
unset CANISTER_NO_LANDLOCK_AT_EXEC CANISTER_TEST_LL_NO_EMULATION

# Every session here starts with the project declared and approved.
HELPERS=$SESSION_HELPERS'declare_layer "$P"; wait_state "^layer pending $P"; approve "$P" || echo APPROVE-FAILED
'
# sess [can session options] -- SCRIPT
sess() {
	local opts=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	t_run "$CAN" session "${opts[@]}" -- bash -c "$HELPERS$1"
}

# --- the state file says how layers are enforced ---
sess -- 'grep "^enforce" "$CANISTER_SESSION_STATE"'
t_grep "enforce landlock-at-exec in the state file" "^enforce landlock-at-exec$" "$T_OUT"
sess --no-landlock-at-exec -- 'grep "^enforce" "$CANISTER_SESSION_STATE"'
t_grep "--no-landlock-at-exec: enforce emulation" "^enforce emulation$" "$T_OUT"
CANISTER_NO_LANDLOCK_AT_EXEC=1 sess -- 'grep "^enforce" "$CANISTER_SESSION_STATE"'
t_grep "CANISTER_NO_LANDLOCK_AT_EXEC=1: enforce emulation" "^enforce emulation$" "$T_OUT"

# --- inside an approved layer: refused, and the program's own work passes ---
sess -- 'cd "$P"
cat "$HOME/.ssh/id_x" 2>&1 && echo LEAK-IN-LAYER
cat data.txt && echo made >new.txt && cat new.txt && mkdir -p d/e && ls d >/dev/null && rm -r d && echo own-work-ok
sh -c "cat $HOME/.ssh/id_x" 2>&1 && echo LEAK-GRANDCHILD
ls /usr/bin >/dev/null && echo system-read-ok'
t_grep "cat ~/.ssh/id_x in the layer is refused" "Permission denied" "$T_OUT"
t_nogrep "... no key leaks (child and grandchild)" "FAKE-PRIVATE-KEY|LEAK" "$T_OUT"
t_grep "the program's own fs work in the layer passes" "project data.made.own-work-ok" "$(echo "$T_OUT" | tr '\n' '.')"
t_grep "... and reading the system" "system-read-ok" "$T_OUT"

# --- a child forked before its parent's exec into the layer (docs/adr/0270):
#     a set is inherited at fork, so the child keeps its parent's set of that
#     moment (none) whichever process runs first; the layered parent cannot
#     drive it (ptrace, process_vm_*, /proc/PID/mem), under Landlock or
#     emulation. The child polls a file (a trapped stat) and bash opens
#     /dev/null as its stdin: both before or after the parent's exec. ---
forked_before() {
	rm -f "$TOP/go2"
	sess "$@" -- 'bash -c "(while [ ! -e $TOP/go2 ]; do :; done; read -r l <$HOME/.ssh/id_x && echo \"C-READ \$l\"; echo child-done) &
cd $P; exec \$TLR reach \$! $TOP/go2"; echo outer-done'
}
forked_before
t_grep "the forked-before child runs to its end" "child-done" "$T_OUT"
t_grep "... it keeps its set of the fork (none): it reads what it could before" "C-READ FAKE-PRIVATE-KEY" "$T_OUT"
t_grep "... the parent exec'd into the layer cannot ptrace it or read its memory (Landlock)" \
	"seize=EPERM vm_readv=EPERM mem=EACCES" "$T_OUT"
forked_before --no-landlock-at-exec
t_grep "... the same under emulation: the child keeps its set" "C-READ FAKE-PRIVATE-KEY" "$T_OUT"
t_grep "... and the layered parent cannot drive it (the engine's reach rule)" \
	"seize=EPERM vm_readv=EPERM mem=E[A-Z]+" "$T_OUT"
t_nogrep "... not even through /proc/PID/mem" "mem=ok" "$T_OUT"
sess --no-landlock-at-exec -- 'cd "$P"; sh -c "sleep 30 & exec \$TLR reach \$!"'
t_grep "... while a layered program reaches its own child of the same set (strace, gdb)" \
	"seize=ok vm_readv=EFAULT" "$T_OUT"

# --- the process is really in a Landlock domain ---
# 1) Signal scoping comes only with a domain: a landlocked program cannot
#    signal the shell (outside its domain); under emulation it can.
sess -- 'cd "$P"; "$TLR" kill0 $$; echo "kill-rc=$?"'
t_grep "a program exec'd in the layer cannot signal outside its domain (Landlock scope)" "kill-rc=1" "$T_OUT"
sess --no-landlock-at-exec -- 'cd "$P"; "$TLR" kill0 $$; echo "kill-rc=$?"'
t_grep "... the same under emulation only can (the domain is what refuses)" "kill-rc=0" "$T_OUT"
# 2) With the engine's filesystem checks taken away for landlocked
#    processes (test-only switch), the key is still refused: by the kernel.
CANISTER_TEST_LL_NO_EMULATION=1 sess -- 'cd "$P"
cat "$HOME/.ssh/id_x" 2>&1 && echo LEAK-KERNEL
cat data.txt && echo kernel-read-ok'
t_grep "the key is refused with the engine's fs checks off: Landlock refuses it" "Permission denied" "$T_OUT"
t_nogrep "... nothing leaks" "FAKE-PRIVATE-KEY|LEAK-KERNEL" "$T_OUT"
t_grep "... and the project reads" "project data.kernel-read-ok" "$(echo "$T_OUT" | tr '\n' '.')"
# The switch is not a hole by itself: without Landlock-at-exec it changes nothing.
CANISTER_TEST_LL_NO_EMULATION=1 sess --no-landlock-at-exec -- 'cd "$P"; cat "$HOME/.ssh/id_x" 2>&1 && echo LEAK-EMU'
t_nogrep "... and with emulation only the switch does nothing" "FAKE-PRIVATE-KEY|LEAK-EMU" "$T_OUT"

# --- a path-swapping second thread racing opens inside the layer ---
sess -- 'cd "$P"; "$TARGET" -1 race_open "$P/data.txt" "$HOME/.ssh/id_x" 20000; "$TLR" kill0 $$; echo "race-ll=$?"'
t_grep "racing opens in a landlocked program: zero wins" "tries=20000 .*leaked=0$" "$T_OUT"
t_grep "... and the allowed file opens while it races" "allowed=[1-9]" "$T_OUT"
CANISTER_TEST_LL_NO_EMULATION=1 sess -- 'cd "$P"; "$TARGET" -1 race_open "$P/data.txt" "$HOME/.ssh/id_x" 20000; "$TLR" kill0 $$; echo "race-ll=$?"'
t_grep "... zero wins with the engine's fs checks off too (the kernel decides)" "tries=20000 .*leaked=0$" "$T_OUT"
t_grep "... the racer ran in a Landlock domain (not the shell's own exec)" "race-ll=1" "$T_OUT"

# --- landlock_add_rule is refused in the session (a sibling thread holds
#     the ruleset fd between ADDFD and the exec stop) ---
sess -- '"$TLR" thread_rule; echo "tlr-rc=$?"'
t_grep "landlock_add_rule from a second thread is refused (EPERM/ENOSYS)" "add_rule: refused" "$T_OUT"
t_grep "... while the thread's own ruleset is created fine" "create_ruleset: ok" "$T_OUT"

# --- the tracer's probe process (a child of the supervisor besides the
#     shell) is protected like the supervisor, and not reaped by it ---
sess -- 'for c in $(cat /proc/$CANISTER_SESSION/task/*/children); do [ "$c" != $$ ] && probe=$c; done
echo "probe=${probe:-none}"
kill -KILL "$probe" 2>&1; echo "kill-probe-rc=$?"
"$TLR" kill0 "$probe"; echo "kill0-probe-rc=$?"
cd "$P"; cat data.txt && cat "$HOME/.ssh/id_x" 2>&1; "$TLR" kill0 $$; echo "after-kill-rc=$?"'
t_grep "the probe process is there (a second child of the supervisor)" "probe=[0-9]+" "$T_OUT"
t_grep "SIGKILL to the probe from the session is refused" "kill-probe-rc=1" "$T_OUT"
t_grep "... kill(probe, 0) too (EPERM)" "kill0-probe-rc=1" "$T_OUT"
t_grep "... and Landlock-at-exec still works after the attempt" "project data.*Permission denied.*after-kill-rc=1" "$(echo "$T_OUT" | tr '\n' ' ')"

# --- a program under strace -f in a layer: not seizable, emulated, still confined ---
if command -v strace >/dev/null; then
	sess -v -- 'strace -f -o /dev/null sh -c "cd $P && cat $HOME/.ssh/id_x" 2>&1; echo "strace-rc=$?"
	strace -f -o /dev/null sh -c "cd $P && cat $P/data.txt"'
	t_nogrep "under strace -f the key is still refused" "FAKE-PRIVATE-KEY" "$T_OUT"
	t_grep "... the traced program fails to read it" "Permission denied" "$T_OUT"
	t_grep "... and reads its project" "project data" "$T_OUT"
	t_grep "... having fallen back to emulation (said with -v)" "stays on emulation" "$T_ERR"
else
	t_skip "strace is not installed"
fi

# --- a denied path inside an allowed tree keeps the process on emulation ---
mkdir -p "$H/tree/deep"
echo "TREE-OK" >"$H/tree/ok.txt"
echo "DEEP-SECRET" >"$H/tree/deep/s.txt"
printf '[recipe]\nname = "tree"\ndescription = "a tree with a hole"\nversion = "1"\n\n[filesystem]\nallow = ["%s/tree"]\ndeny = ["%s/tree/deep"]\n' "$H" "$H" >"$TOP/tree.toml"
printf 'use canister -r %s/tree.toml\n' "$TOP" >"$P/.envrc"
sess -- 'cd "$P"
cat "$HOME/tree/ok.txt"; cat "$HOME/tree/deep/s.txt" 2>&1 && echo LEAK-DEEP
"$TLR" kill0 $$; echo "kill-rc=$?"'
t_grep "a deny inside an allowed tree: the tree reads" "TREE-OK" "$T_OUT"
t_nogrep "... the hole is still refused" "DEEP-SECRET|LEAK-DEEP" "$T_OUT"
t_grep "... by emulation (no Landlock domain: the signal goes through)" "kill-rc=0" "$T_OUT"
printf 'use canister\n' >"$P/.envrc"

t_done
