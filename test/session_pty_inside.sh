#!/usr/bin/env bash
# Attacks from inside an approved layer, typed at real interactive bash,
# zsh and fish through tmux, with real direnv and the hook in the rc files
# (issue 10's evidence; session_core.sh makes the same attacks from a
# non-interactive shell). For each shell, in the project:
#   - kill -9 of the supervisor is refused, and the session lives on;
#   - lines written to the control FIFO (forget, declare /) lift nothing;
#   - io_uring and a second seccomp listener are refused;
#   - a path-swapping second thread racing opens wins zero times, while
#     the allowed file opens;
#   - editing .envrc from inside (to a recipe that would allow the key)
#     leaves the old policy in force; once direnv declares it again the
#     layer is pending (`can status` exit 3), `can allow` from inside is
#     refused, and after `can allow` from outside the new policy applies.
. "${CAN_SRCDIR}/test/lib.sh"
t_drop_to_user "$CAN_SRCDIR/test/session_pty_lib.sh" "$CAN_TESTBIN/try_syscall" "$CAN_TESTBIN/notify_target"
. "$CAN_SRCDIR/test/session_pty_lib.sh"
pty_need
if ! why=$("$CAN" session --check 2>&1); then
	t_skip "needs the session supervisor ('can session --check' says: ${why%%$'\n'*})"
	t_done
fi
bin() { if [ -x "$CAN_TESTBIN/$1" ]; then echo "$CAN_TESTBIN/$1"; else echo "$CAN_SRCDIR/$1"; fi; }
TRY=$(bin try_syscall)
TARGET=$(bin notify_target)
sys=/usr/local/bin:/usr/bin:/bin
pty_init

secret() { cat "$1/.ssh/id_test"; }
refused() { # DESC HOME: PTY_OUT must not hold the secret, PTY_RC not 0
	if [[ $PTY_OUT != *"$(secret "$2")"* ]] && [ -n "$PTY_RC" ] && [ "$PTY_RC" != 0 ]; then
		t_ok "$1"
	else
		t_fail "$1"
		t_diag "rc=$PTY_RC out: $PTY_OUT"
	fi
}

refused_two() { # DESC: the last command failed and did not print notes/two.txt
	if [[ $PTY_OUT != *SECRET-TWO* ]] && [ -n "$PTY_RC" ] && [ "$PTY_RC" != 0 ]; then
		t_ok "$1"
	else
		t_fail "$1"
		t_diag "rc=$PTY_RC out: $PTY_OUT"
	fi
}

for sh in bash zsh fish; do
	home=$(pty_home "in-$sh")
	echo "project data" >"$home/proj/data.txt"
	# What the edit from inside names in .envrc: a recipe that would let
	# notes/two.txt be read.
	mkdir -p "$home/notes"
	echo "SECRET-TWO-$sh" >"$home/notes/two.txt"
	printf '[recipe]\nname = "loose"\ndescription = "lets notes be read"\nversion = "1"\n\n[filesystem]\nallow = ["%s/notes"]\n' \
		"$home" >"$home/loose.toml"
	t=$sh-in
	pty_start "$t" "$sh" "$home" "$PTY_ROOT/bin:$sys" TRY="$TRY" TARGET="$TARGET"
	pty_cmd "$t" "cd $home"
	pty_cmd "$t" "can allow $home/proj"
	if [ "$PTY_RC" != 0 ]; then
		t_fail "$sh: can allow of the project from outside it"
		t_diag "$PTY_OUT"
		pty_stop "$t"
		continue
	fi
	pty_cmd "$t" 'echo "S=$CANISTER_SESSION"'
	sup=${PTY_OUT#S=}
	pty_cmd "$t" "cd $home/proj"
	pty_cmd "$t" 'cat ~/.ssh/id_test'
	refused "$sh: in the approved project the key is refused" "$home"

	pty_cmd "$t" 'kill -9 $CANISTER_SESSION'
	if [ -n "$PTY_RC" ] && [ "$PTY_RC" != 0 ] && kill -0 "$sup" 2>/dev/null; then
		t_ok "$sh: kill -9 of the supervisor from inside the layer is refused"
	else
		t_fail "$sh: kill -9 of the supervisor from inside the layer is refused"
		t_diag "sup=$sup rc=$PTY_RC out: $PTY_OUT"
	fi
	pty_cmd "$t" 'cat ~/.ssh/id_test'
	refused "$sh: ... and the layer is still enforced after it" "$home"

	# Hints on the FIFO that would drop or loosen the layer (the FIFO is
	# closed to a layered process; were it open, hints carry no authority).
	pty_cmd "$t" 'echo "canister 1 forget $PWD" >$CANISTER_SESSION_FIFO; echo "canister 1 declare /" >$CANISTER_SESSION_FIFO; cat ~/.ssh/id_test'
	refused "$sh: writes to the control FIFO from inside do not lift the layer" "$home"

	pty_cmd "$t" '"$TRY" io_uring_setup'
	t_grep "$sh: io_uring inside the layer is refused" "^EPERM$" "$PTY_OUT"
	pty_cmd "$t" '"$TRY" seccomp-listener'
	t_grep "$sh: a second seccomp listener inside the layer is refused" "^EPERM$" "$PTY_OUT"

	pty_cmd "$t" '"$TARGET" -1 race_open "$PWD/data.txt" "$HOME/.ssh/id_test" 5000' 600
	t_grep "$sh: a path-swapping thread racing opens in the layer: zero wins" "tries=5000 .*leaked=0$" "$PTY_OUT"
	t_grep "$sh: ... while the allowed file opens" "allowed=[1-9]" "$PTY_OUT"

	# .envrc edited from inside: a hint, not an approval.
	pty_cmd "$t" 'cat ~/notes/two.txt'
	refused_two "$sh: before the edit, the layer refuses notes/two.txt"
	pty_cmd "$t" 'echo "use canister -r $HOME/loose.toml" >.envrc'
	if [ "$PTY_RC" = 0 ] && grep -q loose.toml "$home/proj/.envrc"; then
		t_ok "$sh: a process in the layer may edit the project's .envrc"
	else
		t_fail "$sh: a process in the layer may edit the project's .envrc"
		t_diag "rc=$PTY_RC out: $PTY_OUT"
	fi
	pty_cmd "$t" 'cat ~/notes/two.txt'
	refused_two "$sh: after editing .envrc from inside, the old policy stays in force"
	# direnv blocks the edited .envrc until `direnv allow`; allowed (from
	# outside), use canister declares the new content on the way in: the
	# layer is then pending, the old policy still in force.
	pty_cmd "$t" "cd $home"
	pty_cmd "$t" "direnv allow $home/proj"
	pty_cmd "$t" "cd $home/proj"
	pty_cmd "$t" 'cat ~/notes/two.txt'
	refused_two "$sh: ... declared again by direnv, still the old policy"
	pty_cmd "$t" 'can status'
	if [ "$PTY_RC" = 3 ] && [[ $PTY_OUT == *'can:proj?'* ]]; then
		t_ok "$sh: ... can status says the changed layer is pending (exit 3)"
	else
		t_fail "$sh: ... can status says the changed layer is pending (exit 3)"
		t_diag "rc=$PTY_RC out: $PTY_OUT"
	fi
	pty_cmd "$t" "can allow $home/proj"
	if [ -n "$PTY_RC" ] && [ "$PTY_RC" != 0 ]; then
		t_ok "$sh: ... can allow of it from inside is refused"
	else
		t_fail "$sh: ... can allow of it from inside is refused"
		t_diag "rc=$PTY_RC out: $PTY_OUT"
	fi
	pty_cmd "$t" "cd $home"
	pty_cmd "$t" "can allow $home/proj"
	pty_cmd "$t" "cd $home/proj"
	pty_cmd "$t" 'cat ~/notes/two.txt'
	t_grep "$sh: ... approved from outside, the edited policy applies" "^SECRET-TWO-$sh\$" "$PTY_OUT"
	pty_stop "$t"
done
t_done
