# The session hooks in real interactive bash, zsh and fish, through tmux, as
# an unprivileged user, with real direnv and `eval "$(can hook SHELL)"` in
# the rc files (see session_pty_lib.sh):
#   - a failing `can session --check` (a `can` in PATH that fails it), or
#     CANISTER_SESSION_OFF=1, leaves a working unsandboxed shell, the
#     terminal's own process, with one warning; `use canister` there says
#     the layer needs a session and exports nothing;
#   - with a session (the stand-in of the session interface,
#     session_pty_standin.sh, and the real `can session` when it is built)
#     the hook starts it exactly once, keeping the terminal's PID (the
#     supervisor) as the shell's parent; the prompt hook writes
#     `canister 1 refresh` after direnv's `canister 1 declare DIR`;
#     CANISTER_LAYER follows the project in and out;
#   - the prompt never hangs when the supervisor is gone and its FIFO is
#     left without a reader.
. "${CAN_SRCDIR}/test/lib.sh"
t_drop_to_user "$CAN_SRCDIR/test/session_pty_lib.sh" "$CAN_SRCDIR/test/session_pty_standin.sh"
. "$CAN_SRCDIR/test/session_pty_lib.sh"
pty_need
pty_init
sys=/usr/local/bin:/usr/bin:/bin

# A can whose `session --check` fails the way a machine without a seccomp
# listener would, and passes everything else to the real can.
mkdir -p "$PTY_ROOT/failbin"
cat >"$PTY_ROOT/failbin/can" <<EOS
#!/bin/bash
if [ "\${1:-}" = session ] && [ "\${2:-}" = --check ]; then
	echo "can: session: simulated: no seccomp listener" >&2
	exit 1
fi
exec "$CAN" "\$@"
EOS
# The stand-in session (and its log folder).
mkdir -p "$PTY_ROOT/standin" "$PTY_ROOT/standbin"
{
	echo '#!/bin/bash'
	echo "STANDIN_REAL='$CAN' STANDIN_DIR='$PTY_ROOT/standin'"
	tail -n +2 "$CAN_SRCDIR/test/session_pty_standin.sh"
} >"$PTY_ROOT/standbin/can"
chmod 755 "$PTY_ROOT/failbin/can" "$PTY_ROOT/standbin/can"

# cd_cmd SHELL DIR / the variable test per shell
layer_of() { [ "$1" = fish ] && echo 'echo "L=$CANISTER_LAYER"' || echo 'echo "L=${CANISTER_LAYER-}"'; }
sess_of() { [ "$1" = fish ] && echo 'echo "S=$CANISTER_SESSION"' || echo 'echo "S=${CANISTER_SESSION-}"'; }

# check_unsandboxed SHELL TERM HOME WARNING: the shell at TERM works, is the
# terminal's own process, has no session, showed WARNING once.
check_unsandboxed() {
	local sh=$1 term=$2 home=$3 warn=$4
	if pty_wait "$term" "$warn"; then
		t_ok "$sh: $5 shows one warning"
	else
		t_fail "$sh: $5 shows one warning"
		t_diag "$(pty_pane "$term" | tail -n 10)"
	fi
	t_grep "$sh: ... only once" '^1$' "$(pty_pane "$term" | grep -Ec -- "$warn")"
	local self pid
	pty_self "$term"
	self=$PTY_SELF
	pid=$(pty_pid "$term")
	t_grep "$sh: ... and the shell is the terminal's own process" "^$pid\$" "$self"
	pty_cmd "$term" "$(sess_of "$sh")"
	t_grep "$sh: ... outside any session" '^S=$' "$PTY_OUT"
	pty_cmd "$term" 'echo wo""rks'
	t_grep "$sh: ... and works" '^works$' "$PTY_OUT"
}

for sh in bash zsh fish; do
	# --- the check fails --------------------------------------------------
	home=$(pty_home "$sh-fail")
	pty_start "$sh-fail" "$sh" "$home" "$PTY_ROOT/failbin:$sys"
	check_unsandboxed "$sh" "$sh-fail" "$home" \
		'^can: no session \(session: simulated: no seccomp listener\): this shell is not sandboxed$' \
		"a failing can session --check"
	# use canister outside a session: one line, nothing exported.
	pty_cmd "$sh-fail" "cd $home/proj"
	pty_cmd "$sh-fail" "$(layer_of "$sh")"
	t_grep "$sh: outside a session, entering the project exports no CANISTER_LAYER" '^L=$' "$PTY_OUT"
	t_grep "$sh: ... and use canister says the layer needs a session" \
		"can: use canister: $home/proj needs a can session" "$(pty_pane "$sh-fail")"
	pty_stop "$sh-fail"

	# --- CANISTER_SESSION_OFF=1, with a can whose check would succeed -------
	home=$(pty_home "$sh-off")
	: >"$PTY_ROOT/standin/starts"
	pty_start "$sh-off" "$sh" "$home" "$PTY_ROOT/standbin:$sys" CANISTER_SESSION_OFF=1
	check_unsandboxed "$sh" "$sh-off" "$home" \
		'^can: session off \(CANISTER_SESSION_OFF=1\): this shell is not sandboxed$' "CANISTER_SESSION_OFF=1"
	t_grep "$sh: ... and started no session" '^0$' "$(grep -c . "$PTY_ROOT/standin/starts")"
	pty_stop "$sh-off"

	# --- a session that fails to set CANISTER_SESSION: no loop -------------
	home=$(pty_home "$sh-nomark")
	: >"$PTY_ROOT/standin/starts"
	pty_start "$sh-nomark" "$sh" "$home" "$PTY_ROOT/standbin:$sys" STANDIN_NOMARK=1
	if pty_wait "$sh-nomark" '^can: session: started this shell without CANISTER_SESSION: this shell is not sandboxed$'; then
		t_ok "$sh: a session that does not set CANISTER_SESSION gets a warning"
	else
		t_fail "$sh: a session that does not set CANISTER_SESSION gets a warning"
		t_diag "$(pty_pane "$sh-nomark" | tail -n 10)"
	fi
	pty_cmd "$sh-nomark" 'echo wo""rks'
	t_grep "$sh: ... a working shell" '^works$' "$PTY_OUT"
	t_grep "$sh: ... and not a second session inside it" '^1$' "$(grep -c '^start ' "$PTY_ROOT/standin/starts")"
	pty_stop "$sh-nomark"

	# --- SHELL -ic CMD on a terminal (an editor reading the login
	# environment): the command runs, no session replaces it -------------
	home=$(pty_home "$sh-ic")
	: >"$PTY_ROOT/standin/starts"
	if [ "$sh" = fish ]; then ic='echo IC-(math 1 + 1); sleep 600'; else ic='echo IC-$((1 + 1)); sleep 600'; fi
	tmux -S "$PTY_SOCK" -f /dev/null new-session -d -s "$sh-ic" -x 220 -y 50 -- \
		env -i HOME="$home" PATH="$PTY_ROOT/standbin:$sys" TERM=xterm-256color LANG=C.UTF-8 \
		"$(command -v "$sh")" -i -c "$ic"
	if pty_wait "$sh-ic" '^IC-2$'; then
		t_ok "$sh: $sh -i -c CMD on a terminal runs CMD"
	else
		t_fail "$sh: $sh -i -c CMD on a terminal runs CMD"
		t_diag "$(pty_pane "$sh-ic" | grep . | tail -n 5)"
	fi
	t_grep "$sh: ... and starts no session in its place" '^0$' "$(grep -c '^start ' "$PTY_ROOT/standin/starts")"
	pty_stop "$sh-ic"

	# --- a session: the stand-in of the interface ---------------------------
	home=$(pty_home "$sh-in")
	: >"$PTY_ROOT/standin/starts"
	: >"$PTY_ROOT/standin/fifo.log"
	pty_start "$sh-in" "$sh" "$home" "$PTY_ROOT/standbin:$sys"
	pid=$(pty_pid "$sh-in")
	pty_cmd "$sh-in" "$(sess_of "$sh")"
	t_grep "$sh: the hook starts a session keeping the terminal's PID" "^S=$pid\$" "$PTY_OUT"
	pty_self "$sh-in"
	self=$PTY_SELF
	ppid=$(ps -o ppid= -p "$self" 2>/dev/null | tr -d ' ')
	t_grep "$sh: ... the shell is the supervisor's child" "^$pid\$" "$ppid"
	t_grep "$sh: ... a $sh" "(^|/)$sh\$" "$(readlink "/proc/$self/exe")"
	# An interactive shell inside reads the rc file again: no new session.
	if [ "$sh" = fish ]; then
		pty_cmd "$sh-in" "fish -i -c 'echo nested \$CANISTER_SESSION'"
	else
		pty_cmd "$sh-in" "$sh -i -c 'echo nested \$CANISTER_SESSION'"
	fi
	t_grep "$sh: ... a nested interactive shell stays in it" "^nested $pid\$" "$PTY_OUT"
	t_grep "$sh: ... the session was started exactly once" '^1$' "$(grep -c '^start ' "$PTY_ROOT/standin/starts")"
	t_grep "$sh: ... with the shell as its command" "^start $pid .*/$sh\$" "$(cat "$PTY_ROOT/standin/starts")"
	if grep -q '^canister 1 refresh$' "$PTY_ROOT/standin/fifo.log"; then
		t_ok "$sh: the prompt hook writes 'canister 1 refresh' to the FIFO"
	else
		t_fail "$sh: the prompt hook writes 'canister 1 refresh' to the FIFO"
	fi
	: >"$PTY_ROOT/standin/fifo.log"
	pty_cmd "$sh-in" "cd $home/proj"
	pty_cmd "$sh-in" "$(layer_of "$sh")"
	t_grep "$sh: entering the project exports CANISTER_LAYER (direnv ran use canister)" "^L=$home/proj\$" "$PTY_OUT"
	log=$(grep -n . "$PTY_ROOT/standin/fifo.log")
	t_grep "$sh: ... which declared the project on the FIFO" "^[0-9]+:canister 1 declare $home/proj\$" "$log"
	dl=$(printf '%s\n' "$log" | grep -m1 "declare $home/proj\$" | cut -d: -f1)
	rl=$(printf '%s\n' "$log" | grep "canister 1 refresh\$" | cut -d: -f1 | awk -v d="${dl:-0}" '$1 > d' | head -n1)
	[ -n "$dl" ] && [ -n "$rl" ] && t_ok "$sh: ... before the prompt hook's refresh (ours after direnv's)" ||
		{ t_fail "$sh: ... before the prompt hook's refresh (ours after direnv's)"; t_diag "$log"; }
	pty_cmd "$sh-in" "cd $home"
	pty_cmd "$sh-in" "$(layer_of "$sh")"
	t_grep "$sh: leaving the project unexports it" '^L=$' "$PTY_OUT"
	# The supervisor gone, its FIFO left without a reader.
	mkfifo -m 600 "$PTY_ROOT/stale-$sh.fifo"
	# (The PID first: fish trusts a FIFO while the PID lives, see can.fish.)
	pty_export "$sh-in" CANISTER_SESSION 999999999
	pty_export "$sh-in" CANISTER_SESSION_FIFO "$PTY_ROOT/stale-$sh.fifo"
	if pty_cmd "$sh-in" 'echo ali""ve' 100 && [ "$PTY_OUT" = alive ]; then
		t_ok "$sh: the prompt does not hang when the supervisor is gone"
	else
		t_fail "$sh: the prompt does not hang when the supervisor is gone"
	fi
	pty_stop "$sh-in"
done

# --- the real supervisor -------------------------------------------------------
if why=$("$CAN" session --check 2>&1); then
	for sh in bash zsh fish; do
		home=$(pty_home "$sh-real")
		pty_start "$sh-real" "$sh" "$home" "$PTY_ROOT/bin:$sys"
		pid=$(pty_pid "$sh-real")
		pty_cmd "$sh-real" "$(sess_of "$sh")"
		t_grep "$sh: can session: the hook starts it keeping the terminal's PID" "^S=$pid\$" "$PTY_OUT"
		pty_self "$sh-real"
		self=$PTY_SELF
		t_grep "$sh: can session: the shell is the supervisor's child" "^$pid\$" \
			"$(ps -o ppid= -p "$self" 2>/dev/null | tr -d ' ')"
		pty_cmd "$sh-real" 'echo $CANISTER_SESSION_FIFO'
		t_grep "$sh: can session: CANISTER_SESSION_FIFO is session-PID.fifo" "/session-$pid\.fifo\$" "$PTY_OUT"
		# The shell's ignored signals, for the diagnosis if it outlives
		# its terminal (SIGHUP ignored would keep it and its supervisor).
		ign=$(sed -n 's/^SigIgn:[[:space:]]*//p' "/proc/$self/status" 2>/dev/null)
		closed() {
			if pty_close "$sh-real" "$pid" "$self"; then
				t_ok "$sh: can session: closing the terminal ends the session and the shell"
			else
				t_fail "$sh: can session: closing the terminal ends the session and the shell"
				t_diag "the shell's SigIgn: $ign (SIGHUP is bit 0x1)"
				t_diag "$PTY_CLOSE_DIAG"
			fi
		}
		closed
	done
else
	t_skip "the real supervisor: 'can session --check' fails here: ${why%%$'\n'*}"
fi
t_done
