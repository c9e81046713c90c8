# test/session_pty_lib.sh: drives real interactive shells through tmux for
# the session tests (session_pty*.sh), sourced after lib.sh and
# t_drop_to_user. Each test gets its own tmux server (a socket in its own
# folder), a temporary home per terminal with rc files, direnv set up and
# a fake ~/.ssh/id_test. Output is waited for by polling the pane a bounded
# number of times; nothing is asserted on time.

# pty_need: skips the whole test (with the reason) unless tmux, the three
# shells and direnv are installed (.ci/deps installs them).
pty_need() {
	local t missing=""
	for t in tmux bash zsh fish direnv; do
		command -v "$t" >/dev/null 2>&1 || missing+=" $t"
	done
	if [ -n "$missing" ]; then
		t_skip "interactive session tests need:$missing (see .ci/deps)"
		t_done
	fi
}

# pty_init: PTY_ROOT, a folder in the test user's own home (not /tmp: a
# layer's recipes may allow /tmp, and the secret must lie outside what
# they allow), the tmux socket, a bin/ with can.
pty_init() {
	PTY_ROOT=$(mktemp -d "$T_HOME/pty.XXXXXX")
	chmod 755 "$PTY_ROOT"
	PTY_SOCK=$PTY_ROOT/tmux.sock
	PTY_N=0
	mkdir -p "$PTY_ROOT/bin"
	ln -s "$CAN" "$PTY_ROOT/bin/can"
	trap 'pty_cleanup' EXIT
}

pty_cleanup() {
	tmux -S "$PTY_SOCK" kill-server >/dev/null 2>&1
	rm -rf "$PTY_ROOT"
}

# pty_home NAME: creates $PTY_ROOT/NAME (a home) with rc files for bash,
# zsh and fish that evaluate `can hook` and direnv's hook (ours first:
# the hook must still land after direnv's), use_canister installed by
# `can direnv --install`, a fake key and a project proj/ whose .envrc says
# `use canister -r default`, allowed in direnv. Prints the home's path.
pty_home() {
	local h=$PTY_ROOT/$1
	mkdir -p "$h/.ssh" "$h/proj" "$h/.config/fish" "$h/.local/share/fish/generated_completions"
	echo "secret-$1-$RANDOM" >"$h/.ssh/id_test"
	chmod 700 "$h/.ssh" && chmod 600 "$h/.ssh/id_test"
	cat >"$h/.bashrc" <<'EOS'
PS1='$ '
HISTFILE=/dev/null
eval "$(can hook bash)"
eval "$(direnv hook bash)"
EOS
	cat >"$h/.zshrc" <<'EOS'
PS1='%% '
HISTFILE=/dev/null
eval "$(can hook zsh)"
eval "$(direnv hook zsh)"
EOS
	cat >"$h/.config/fish/config.fish" <<'EOS'
set -g fish_greeting ''
function fish_prompt; echo -n '> '; end
can hook fish | source
direnv hook fish | source
EOS
	echo 'use canister -r default' >"$h/proj/.envrc"
	HOME=$h "$CAN" direnv --install >/dev/null 2>&1
	HOME=$h direnv allow "$h/proj" >/dev/null 2>&1
	printf '%s\n' "$h"
}

# pty_start TERM SHELL HOME PATH [VAR=VALUE...]: a new terminal TERM running
# SHELL interactively, with nothing of this environment but what is named.
pty_start() {
	local term=$1 sh=$2 home=$3 path=$4
	shift 4
	tmux -S "$PTY_SOCK" -f /dev/null new-session -d -s "$term" -x 220 -y 50 -- \
		env -i HOME="$home" PATH="$path" TERM=xterm-256color LANG=C.UTF-8 \
		USER="$(id -un)" LOGNAME="$(id -un)" SHELL="$(command -v "$sh")" \
		DIRENV_LOG_FORMAT='direnv: %s' ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" \
		"$@" "$(command -v "$sh")" -i
	PTY_SHELL[$term]=$sh
}
declare -A PTY_SHELL=()

# pty_pane TERM: the pane's text, wrapped lines joined.
pty_pane() {
	tmux -S "$PTY_SOCK" capture-pane -p -J -t "$1" -S -2000 2>/dev/null
}

# pty_pid TERM: the PID of the process the terminal started.
pty_pid() {
	tmux -S "$PTY_SOCK" display-message -p -t "$1" '#{pane_pid}'
}

# pty_wait TERM REGEX [TRIES]: polls the pane until a line matches (every
# 0.1 s, TRIES times, 200 by default). 0 when it did.
pty_wait() {
	local i tries=${3:-200}
	for ((i = 0; i < tries; i++)); do
		pty_pane "$1" | grep -Eq -- "$2" && return 0
		sleep 0.1
	done
	return 1
}

# pty_type TERM TEXT: types TEXT and Enter.
pty_type() {
	tmux -S "$PTY_SOCK" send-keys -t "$1" -l -- "$2"
	tmux -S "$PTY_SOCK" send-keys -t "$1" Enter
}

# pty_cmd TERM CMD: runs CMD at the prompt; PTY_OUT is what it printed,
# PTY_RC its status (empty when it never finished). The markers are typed
# as B""N / E""N so that only their output, never the echoed command line,
# matches.
pty_cmd() {
	local term=$1 cmd=$2 st='$?'
	PTY_N=$((PTY_N + 1))
	[ "${PTY_SHELL[$term]}" = fish ] && st='$status'
	# A command ending in & takes no ';' after it.
	local sep=';'
	[[ $cmd == *'&' ]] && sep=''
	pty_type "$term" "echo B\"\"${PTY_N}Z; $cmd$sep echo E\"\"${PTY_N}Z:$st"
	PTY_OUT="" PTY_RC=""
	if ! pty_wait "$term" "^E${PTY_N}Z:[0-9]+\$" "${3:-200}"; then
		t_diag "pane $term after '$cmd':" "$(pty_pane "$term" | tail -n 15)"
		return 1
	fi
	local pane
	pane=$(pty_pane "$term")
	PTY_OUT=$(printf '%s\n' "$pane" | awk -v b="B${PTY_N}Z" -v e="^E${PTY_N}Z:" \
		'$0 == b { on = 1; next } $0 ~ e { on = 0 } on')
	PTY_RC=$(printf '%s\n' "$pane" | sed -n "s/^E${PTY_N}Z:\([0-9]*\)\$/\1/p" | tail -n1)
	return 0
}

# pty_self TERM: PTY_SELF, the PID of the shell at TERM's prompt. (Not
# for $(...): PTY_N must advance in this shell.)
pty_self() {
	if [ "${PTY_SHELL[$1]}" = fish ]; then pty_cmd "$1" 'echo $fish_pid'; else pty_cmd "$1" 'echo $$'; fi
	PTY_SELF=$PTY_OUT
}

# pty_export TERM VAR VALUE: sets an exported variable in the shell.
pty_export() {
	if [ "${PTY_SHELL[$1]}" = fish ]; then pty_cmd "$1" "set -gx $2 '$3'"; else pty_cmd "$1" "export $2='$3'"; fi
}

# pty_stop TERM
pty_stop() {
	tmux -S "$PTY_SOCK" kill-session -t "$1" >/dev/null 2>&1
}

# pty_close TERM PID...: closes the terminal and polls (bounded) until the
# processes PID... (the terminal's, the shell's) are gone. 0 when they are;
# else 1, after ending them by their PIDs so nothing is left behind.
pty_close() {
	local term=$1 i p alive
	shift
	pty_stop "$term"
	# Up to 20 s: a sanitizer build on a loaded machine is slow to exit.
	for ((i = 0; i < 200; i++)); do
		alive=0
		for p in "$@"; do [ -d "/proc/$p" ] && ! grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null && alive=1; done
		[ "$alive" = 0 ] && return 0
		sleep 0.1
	done
	# Who outlived the terminal, and where it waits, for the diagnosis.
	PTY_CLOSE_DIAG=$(for p in "$@"; do
		[ -d "/proc/$p" ] || continue
		echo "$p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null) wchan=$(cat "/proc/$p/wchan" 2>/dev/null)"
		grep -E '^(State|SigPnd|ShdPnd|SigBlk|SigIgn|SigCgt):' "/proc/$p/status" 2>/dev/null | tr '\n' ' '
		echo
		ls -l "/proc/$p/fd" 2>/dev/null | sed -n 's/.* \([0-9]*\) -> /  fd \1 -> /p'
		for t in /proc/$p/task/*; do
			echo "  task ${t##*/}: wchan=$(cat "$t/wchan" 2>/dev/null) syscall=$(cat "$t/syscall" 2>/dev/null)"
		done
	done)
	kill -TERM "$@" 2>/dev/null
	return 1
}

# pty_todo REASON ASSERTION...: runs one assertion (t_grep, t_ok/t_fail in a
# block...) as a TAP TODO: a known defect outside these hooks, named by
# REASON. While it fails it is reported as an expected failure (XFAIL);
# once it passes, as XPASS, which fails the suite so the TODO is removed.
T_TODO=
pty_todo() {
	T_TODO=$1
	shift
	"$@"
	T_TODO=
}
t_ok() { T_N=$((T_N + 1)); echo "ok $T_N - $*${T_TODO:+ # TODO $T_TODO}"; }
t_fail() {
	T_N=$((T_N + 1))
	if [ -n "$T_TODO" ]; then
		echo "not ok $T_N - $* # TODO $T_TODO"
	else
		T_FAILED=$((T_FAILED + 1))
		echo "not ok $T_N - $*"
	fi
}
