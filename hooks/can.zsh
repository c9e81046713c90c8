# can hook zsh: what `eval "$(can hook zsh)"` in ~/.zshrc runs
# (docs/session.md, docs/adr/0220-hook-start-and-failure-rules.md).
#
# Outside a session, in an interactive shell, it starts one: `exec`, so the
# terminal keeps this PID and the supervisor becomes this shell's parent.
# Anything that stands in the way (no can in PATH, `can session --check`
# failing, CANISTER_SESSION_OFF=1) prints one line and this shell goes on
# unsandboxed: a login is never broken. Inside the session (the second read
# of ~/.zshrc) it only adds the prompt hook, after direnv's.
if [[ -z ${CANISTER_SESSION:-} ]]; then
	# Interactive and reading commands from a terminal: not `zsh -ic CMD`
	# (how editors read a login environment) nor a script, whose commands a
	# new shell would drop.
	if [[ -o interactive && -z ${ZSH_EXECUTION_STRING+set} && -z ${ZSH_SCRIPT:-} && -t 0 ]]; then
		if [[ ${CANISTER_SESSION_OFF:-} == 1 ]]; then
			print -ru2 -- 'can: session off (CANISTER_SESSION_OFF=1): this shell is not sandboxed'
		elif [[ -n ${CANISTER_SESSION_TRIED:-} && $CANISTER_SESSION_TRIED == $PPID ]]; then
			print -ru2 -- 'can: session: started this shell without CANISTER_SESSION: this shell is not sandboxed'
		elif ! whence -p can >/dev/null 2>&1; then
			print -ru2 -- 'can: session: no can command in PATH: this shell is not sandboxed'
		elif __canister_why=$(command can session --check 2>&1 </dev/null); then
			__canister_login=()
			[[ -o login ]] && __canister_login=(-l)
			# /proc/$$/exe, symlinks resolved: the zsh that runs now.
			CANISTER_SESSION_TRIED=$$ exec can session -- ${${:-/proc/$$/exe}:A} $__canister_login
			print -ru2 -- 'can: session: could not start: this shell is not sandboxed'
		else
			__canister_why=${${__canister_why%%$'\n'*}#can: }
			print -ru2 -- "can: no session (${__canister_why:-can session --check failed}): this shell is not sandboxed"
		fi
	fi
	unset __canister_why __canister_login
else
	# Tells the supervisor that something may have changed so it rewrites
	# the state file `can status` reads. Opened read-write: that open never
	# waits for a reader, so a gone supervisor cannot hang the prompt.
	# The group's stderr: a refused open (a layer's policy) stays silent.
	__canister_prompt() {
		local s=$? f=${CANISTER_SESSION_FIFO:-}
		if [[ -n $f && -p $f ]]; then
			{ print -rn -- $'canister 1 refresh\n' 1<>$f } 2>/dev/null
		fi
		return $s
	}
	# After direnv's: direnv puts its hook first, so appending keeps us
	# after it whichever order the rc file has.
	typeset -ga precmd_functions
	if (( ! ${precmd_functions[(Ie)__canister_prompt]} )); then
		precmd_functions+=(__canister_prompt)
	fi
fi
unset CANISTER_SESSION_TRIED
