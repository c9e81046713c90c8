# can hook bash: what `eval "$(can hook bash)"` in ~/.bashrc runs
# (docs/session.md, docs/adr/0220-hook-start-and-failure-rules.md).
#
# Outside a session, in an interactive shell, it starts one: `exec`, so the
# terminal keeps this PID and the supervisor becomes this shell's parent.
# Anything that stands in the way (no can in PATH, `can session --check`
# failing, CANISTER_SESSION_OFF=1) prints one line and this shell goes on
# unsandboxed: a login is never broken. Inside the session (the second read
# of ~/.bashrc, by the shell the supervisor started) it only adds the prompt
# hook, after direnv's. `bash -ic CMD` and a shell without a terminal are
# left alone.
if [ -z "${CANISTER_SESSION:-}" ]; then
	# Interactive and reading commands from a terminal: not `bash -ic CMD`
	# (how editors read a login environment), whose CMD a new shell would
	# drop.
	if [[ $- == *i* ]] && [ -z "${BASH_EXECUTION_STRING+set}" ] && [ -t 0 ]; then
		if [ "${CANISTER_SESSION_OFF:-}" = 1 ]; then
			printf 'can: session off (CANISTER_SESSION_OFF=1): this shell is not sandboxed\n' >&2
		elif [ -n "${CANISTER_SESSION_TRIED:-}" ] && [ "$CANISTER_SESSION_TRIED" = "$PPID" ]; then
			# Our parent is the session we exec'd, yet it did not say so:
			# starting another would loop.
			printf 'can: session: started this shell without CANISTER_SESSION: this shell is not sandboxed\n' >&2
		elif ! command -v can >/dev/null 2>&1; then
			printf 'can: session: no can command in PATH: this shell is not sandboxed\n' >&2
		elif __canister_why=$(command can session --check 2>&1 </dev/null); then
			__canister_login=
			shopt -q login_shell && __canister_login=-l
			# The assignment reaches only can: it lets the shell it starts
			# recognise a session that failed to mark itself.
			CANISTER_SESSION_TRIED=$$ exec can session -- "$BASH" $__canister_login
			printf 'can: session: could not start: this shell is not sandboxed\n' >&2
		else
			__canister_why=${__canister_why%%$'\n'*}
			__canister_why=${__canister_why#can: }
			printf 'can: no session (%s): this shell is not sandboxed\n' "${__canister_why:-can session --check failed}" >&2
		fi
	fi
	unset __canister_why __canister_login
else
	# Tells the supervisor that something may have changed (a cd, a new
	# .envrc) so it rewrites the state file `can status` reads. The FIFO
	# is opened read-write: that open never waits for a reader (a gone
	# supervisor cannot hang the prompt), and one short line fits in the
	# pipe. Keeps $? for the user's prompt.
	# The group's stderr: a refused open (a layer's policy) stays silent.
	__canister_prompt() {
		local s=$? f=${CANISTER_SESSION_FIFO:-}
		if [ -n "$f" ] && [ -p "$f" ]; then
			{ printf 'canister 1 refresh\n' 1<>"$f"; } 2>/dev/null
		fi
		return $s
	}
	# After direnv's: direnv puts its hook first, so appending keeps us
	# after it whichever order the rc file has.
	if [[ "${PROMPT_COMMAND[*]:-}" != *__canister_prompt* ]]; then
		if [[ ${PROMPT_COMMAND@a} == *a* ]]; then
			PROMPT_COMMAND+=(__canister_prompt)
		else
			PROMPT_COMMAND="${PROMPT_COMMAND:+$PROMPT_COMMAND;}__canister_prompt"
		fi
	fi
fi
unset CANISTER_SESSION_TRIED
