#!/usr/bin/env bash
# Shell completions (hooks/completion/): each real shell, driven through a
# pseudo-terminal (tmux), completes `can ru<TAB>` to `can run` and
# `can run -r <TAB>` to the recipe names can itself lists.
. "${CAN_SRCDIR}/test/lib.sh"
comp=$CAN_SRCDIR/hooks/completion
if ! command -v tmux >/dev/null 2>&1; then
	t_skip "tmux not installed: completion tests need a pseudo-terminal"
	t_done
fi
tmp=$(mktemp -d)
sock="can-comp-$$"
n_sock=0
cleanup() {
	local i
	for i in $(seq 0 "$n_sock"); do tmux -L "can-comp-$$-$i" kill-server >/dev/null 2>&1; done
	rm -rf "$tmp" 2>/dev/null
}
trap cleanup EXIT
mkdir -p "$tmp/bin" "$tmp/zfunc"
ln -s "$CAN" "$tmp/bin/can"
cp "$comp/_can" "$tmp/zfunc/_can"
export HOME=$tmp PATH="$tmp/bin:$PATH"

# screen: the visible pane, trailing blanks dropped
screen() { tmux -L "$sock" capture-pane -p -t t 2>/dev/null | sed 's/[[:space:]]*$//'; }
# wait_for REGEX: until the pane shows it (bounded: 100 x 0.1 s)
wait_for() {
	local i
	for i in $(seq 100); do
		screen | grep -Eq -- "$1" && return 0
		tmux -L "$sock" has-session -t t 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
# start_shell SHELL-COMMAND SETUP: a tmux server of its own running the
# shell (a new socket each time: a server being killed cannot race a new one)
start_shell() {
	tmux -L "$sock" kill-server >/dev/null 2>&1
	n_sock=$((n_sock + 1))
	sock="can-comp-$$-$n_sock"
	tmux -L "$sock" -f /dev/null new-session -d -s t -x 200 -y 50 "$1"
	tmux -L "$sock" send-keys -t t "$2" Enter
	tmux -L "$sock" send-keys -t t "echo READY-''42" Enter
	wait_for '^READY-42$'
}
keys() { tmux -L "$sock" send-keys -t t "$@"; }

check_shell() {
	local name=$1 cmd=$2 setup=$3
	if ! command -v "$name" >/dev/null 2>&1; then
		t_skip "$name not installed"
		t_skip "$name not installed"
		return
	fi
	if ! start_shell "$cmd" "$setup"; then
		t_fail "$name starts in a pseudo-terminal"
		t_diag "$(screen)"
		t_skip "$name did not start"
		return
	fi
	keys C-l
	keys 'can ru' Tab
	if wait_for '(^|[$>] )can run ?$'; then
		t_ok "$name completes 'can ru<TAB>' to 'can run'"
	else
		t_fail "$name completes 'can ru<TAB>' to 'can run'"
		t_diag "$(screen)"
	fi
	keys C-u C-l
	keys 'can run -r pyt' Tab
	if wait_for 'can run -r python ?$'; then
		t_ok "$name completes 'can run -r pyt<TAB>' to the recipe 'python'"
	else
		t_fail "$name completes 'can run -r pyt<TAB>' to the recipe 'python'"
		t_diag "$(screen)"
	fi
	keys C-u
}

check_shell bash "bash --norc --noprofile" "PS1='$ '; source '$comp/can.bash'"
check_shell zsh "zsh -f" "PS1='$ '; fpath=('$tmp/zfunc' \$fpath); autoload -U compinit; compinit -u -D"
check_shell fish "fish --no-config" "function fish_prompt; echo -n '\$ '; end; source '$comp/can.fish'"

# A control that the test can fail: an unknown prefix completes to nothing.
if command -v bash >/dev/null 2>&1 && start_shell "bash --norc --noprofile" "PS1='$ '; source '$comp/can.bash'"; then
	keys C-l
	keys 'can zq' Tab Tab
	keys Enter
	wait_for 'unknown command' # can answered: the completion had its turn
	t_nogrep "bash completes nothing for an unknown command prefix" 'can zq[a-z]' "$(screen)"
fi
t_done
