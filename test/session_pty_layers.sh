# Layers in real interactive shells (issue 10's evidence), through tmux as
# an unprivileged user, with real direnv, `use canister -r default` in the
# project's .envrc and `eval "$(can hook SHELL)"` in the rc files. With the
# real supervisor (`can session`, `can allow`), for bash, zsh and fish:
#   - an approved project refuses `cat ~/.ssh/id_test`; leaving allows it;
#   - `cd proj && cat ~/.ssh/id_test` on one line is refused;
#   - from inside (bash): `can allow` is refused saying where to run it, and
#     hints written to the FIFO (forget, declare /, another version) do not
#     lift the layer;
#   - direnv, run inside the layer, still loads use_canister (layers let
#     it read, never write, its library and allow list);
#   - a subshell `(cd proj; cat ...)` is refused (bash, zsh: fish has none);
#   - a script `source`d in the project (the shell's own read) is refused;
#   - a process started in the project and still running after `cd ~` is
#     still refused;
#   - a program run under `strace -f` in the project is still refused
#     (skipped, naming why, while strace cannot trace in a session);
#   - two terminals in two projects at once: leaving one leaves the other's
#     layer in force.
# Without the supervisor each of these reports skip, naming what is missing.
. "${CAN_SRCDIR}/test/lib.sh"
t_drop_to_user "$CAN_SRCDIR/test/session_pty_lib.sh"
. "$CAN_SRCDIR/test/session_pty_lib.sh"
pty_need
sys=/usr/local/bin:/usr/bin:/bin
checks=(
	"an approved project refuses cat ~/.ssh/id_test; leaving allows it"
	"direnv inside an approved layer still runs use canister"
	"cd proj && cat ~/.ssh/id_test on one line is refused"
	"a subshell in the project is refused"
	"a sourced script in the project reading the secret is refused"
	"a background process that outlives the cd stays refused"
	"strace -f inside a layer is still confined"
	"two terminals in two projects at once"
)
skip_all() {
	local c
	for c in "${checks[@]}"; do t_skip "$c: $1"; done
	t_done
}
if ! why=$("$CAN" session --check 2>&1); then
	skip_all "needs the session supervisor ('can session --check' says: ${why%%$'\n'*})"
fi
"$CAN" allow --help >/dev/null 2>&1 ||
	skip_all "needs 'can allow' (the supervisor's approvals), not in this build"
pty_init

# layer_home NAME: a home for the layer tests: pty_home plus the scripts the
# project runs.
layer_home() {
	local h
	h=$(pty_home "$1")
	cat >"$h/proj/read.sh" <<'EOS'
if read -r l <"$HOME/.ssh/id_test"; then echo "READ:$l"; else echo "READ-DENIED"; fi
EOS
	cat >"$h/proj/read.fish" <<'EOS'
if read -l l <$HOME/.ssh/id_test; echo "READ:$l"; else; echo READ-DENIED; end
EOS
	# Started in the project, it waits for SIGUSR1 (sent after the shell
	# left), then tries the secret. Its lines are printed again and again:
	# a background job writes while the shell redraws its prompt, which
	# may overwrite one of them.
	cat >"$h/proj/bg.sh" <<'EOS'
go=
trap 'go=1' USR1
while [ -z "$go" ]; do echo "BGPID=$$"; sleep 0.3; done
if cat "$HOME/.ssh/id_test"; then r=BG-READ; else r=BG-DENIED; fi
for i in 1 2 3 4 5; do echo "$r"; sleep 0.3; done
EOS
	printf '%s\n' "$h"
}

# secret HOME: the fake key's text.
secret() { cat "$1/.ssh/id_test"; }

# approve TERM HOME: `can allow HOME/proj` typed at TERM, from outside the
# project. 0 when it said ok.
approve() {
	pty_cmd "$1" "cd $2"
	pty_cmd "$1" "can allow $2/proj"
	[ "$PTY_RC" = 0 ] || { t_diag "can allow: $PTY_OUT"; return 1; }
}

refused() { # DESC HOME: PTY_OUT must not hold the secret, PTY_RC not 0
	if [[ $PTY_OUT != *"$(secret "$2")"* ]] && [ -n "$PTY_RC" ] && [ "$PTY_RC" != 0 ]; then
		t_ok "$1"
	else
		t_fail "$1"
		t_diag "rc=$PTY_RC out: $PTY_OUT"
	fi
}
allowed() { # DESC HOME
	if [[ $PTY_OUT == *"$(secret "$2")"* ]]; then t_ok "$1"; else t_fail "$1"; t_diag "out: $PTY_OUT"; fi
}

for sh in bash zsh fish; do
	home=$(layer_home "$sh")
	t=$sh-layer
	pty_start "$t" "$sh" "$home" "$PTY_ROOT/bin:$sys"
	if ! approve "$t" "$home"; then
		t_fail "$sh: can allow of the project from outside it"
		pty_stop "$t"
		continue
	fi
	pty_cmd "$t" "cd $home/proj"
	pty_cmd "$t" 'cat ~/.ssh/id_test'
	refused "$sh: in the approved project, cat ~/.ssh/id_test is refused" "$home"
	# direnv itself now runs inside the layer (exec'd with the project as
	# its cwd): it must still load use_canister and export the marker.
	if [ "$sh" = fish ]; then pty_cmd "$t" 'echo "L=$CANISTER_LAYER"'; else pty_cmd "$t" 'echo "L=${CANISTER_LAYER-}"'; fi
	t_grep "$sh: ... and direnv, inside the layer, still ran use canister" "^L=$home/proj\$" "$PTY_OUT"
	pty_cmd "$t" "cd $home"
	pty_cmd "$t" 'cat ~/.ssh/id_test'
	# fish's cd opens the target directory (then fchdir): layers let a
	# folder open read-only, so fish leaves like bash and zsh (chdir).
	allowed "$sh: ... leaving the project allows it again" "$home"
	# What follows needs a shell that left the project.
	pty_cmd "$t" pwd
	if [ "$PTY_OUT" != "$home" ]; then
		t_skip "$sh: the remaining checks: the shell could not leave the project (still in $PTY_OUT)"
		pty_stop "$t"
		continue
	fi

	pty_cmd "$t" 'cd proj && cat ~/.ssh/id_test'
	refused "$sh: cd proj && cat ~/.ssh/id_test on one line is refused" "$home"
	if [ "$sh" = bash ]; then
		# From inside the layer: an approval, and hints on the FIFO that
		# try to drop the layer, change nothing.
		pty_cmd "$t" "can allow $home/proj"
		if [ "$PTY_RC" != 0 ] && [[ $PTY_OUT == *"outside"* ]]; then
			t_ok "$sh: can allow from inside the layer is refused, saying where to run it"
		else
			t_fail "$sh: can allow from inside the layer is refused, saying where to run it"
			t_diag "rc=$PTY_RC out: $PTY_OUT"
		fi
		pty_cmd "$t" "{ printf 'canister 1 forget %s\\ncanister 1 declare /\\ncanister 2 allow %s\\n' \"\$PWD\" \"\$PWD\" 1<>\"\$CANISTER_SESSION_FIFO\"; } 2>/dev/null; cat ~/.ssh/id_test"
		refused "$sh: ... hints written to the FIFO from inside do not lift the layer" "$home"
	fi
	pty_cmd "$t" "cd $home"

	if [ "$sh" = fish ]; then
		t_skip "$sh: a subshell in the project: fish has no subshells"
	else
		pty_cmd "$t" '(cd proj; cat ~/.ssh/id_test)'
		refused "$sh: a subshell (cd proj; cat ~/.ssh/id_test) is refused" "$home"
		pty_cmd "$t" 'cat ~/.ssh/id_test'
		allowed "$sh: ... and the shell outside still reads it" "$home"
	fi

	pty_cmd "$t" "cd $home/proj"
	if [ "$sh" = fish ]; then pty_cmd "$t" 'source read.fish'; else pty_cmd "$t" 'source ./read.sh'; fi
	if [[ $PTY_OUT == *READ-DENIED* && $PTY_OUT != *"$(secret "$home")"* ]]; then
		t_ok "$sh: a script sourced in the project cannot read the secret"
	else
		t_fail "$sh: a script sourced in the project cannot read the secret"
		t_diag "out: $PTY_OUT"
	fi

	pty_cmd "$t" 'bash ./bg.sh &'
	# (These lines may follow a prompt: a background job prints when it
	# likes.)
	if pty_wait "$t" 'BGPID=[0-9]+$'; then
		bgpid=$(pty_pane "$t" | sed -n 's/.*BGPID=\([0-9]*\)$/\1/p' | tail -n1)
		pty_cmd "$t" "cd $home"
		kill -USR1 "$bgpid" 2>/dev/null
		if pty_wait "$t" 'BG-(READ|DENIED)$'; then
			pane=$(pty_pane "$t")
			if [[ $pane == *BG-DENIED* && $pane != *BG-READ* ]]; then
				t_ok "$sh: a process started in the project stays refused after the shell left"
			else
				t_fail "$sh: a process started in the project stays refused after the shell left"
			fi
		else
			t_fail "$sh: a process started in the project stays refused after the shell left (no answer)"
		fi
	else
		t_fail "$sh: a background process in the project started"
		t_diag "$(pty_pane "$t" | tail -n 12)"
	fi

	if command -v strace >/dev/null 2>&1; then
		pty_cmd "$t" "cd $home/proj"
		# Only a strace that can trace says anything about confinement.
		pty_cmd "$t" 'strace -f -o /dev/null true'
		if [ "$PTY_RC" != 0 ]; then
			t_skip "$sh: strace -f inside a layer: strace cannot trace in this session (${PTY_OUT%%$'\n'*})"
		else
			pty_cmd "$t" 'strace -f -o /dev/null cat ~/.ssh/id_test'
			refused "$sh: strace -f cat ~/.ssh/id_test in the project is still refused" "$home"
		fi
		pty_cmd "$t" "cd $home"
	else
		t_skip "$sh: strace -f inside a layer: strace is not installed"
	fi
	pty_stop "$t"
done

# Two terminals, two sessions, two projects at once.
ha=$(layer_home two-a)
hb=$(layer_home two-b)
pty_start two-a bash "$ha" "$PTY_ROOT/bin:$sys"
pty_start two-b zsh "$hb" "$PTY_ROOT/bin:$sys"
if approve two-a "$ha" && approve two-b "$hb"; then
	pty_cmd two-a "cd $ha/proj"
	pty_cmd two-b "cd $hb/proj"
	pty_cmd two-a 'cat ~/.ssh/id_test'
	refused "two terminals: the first, in its project, is refused" "$ha"
	pty_cmd two-b 'cat ~/.ssh/id_test'
	refused "two terminals: the second, in its own project, is refused" "$hb"
	pty_cmd two-a "cd $ha"
	pty_cmd two-a 'cat ~/.ssh/id_test'
	allowed "two terminals: the first, leaving, reads again" "$ha"
	pty_cmd two-b 'cat ~/.ssh/id_test'
	refused "two terminals: ... while the second is still refused" "$hb"
else
	t_fail "two terminals: can allow in each"
fi
t_done
