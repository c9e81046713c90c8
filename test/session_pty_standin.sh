#!/bin/bash
# A stand-in for `can session`'s interface (docs/session.md), used by
# session_pty.sh to test the hooks' own logic whether or not the real
# supervisor is built: it is installed as `can` in PATH with
# STANDIN_REAL (the real can) and STANDIN_DIR written into its first lines.
# `can session --check` succeeds; `can session -- SHELL ARGS` keeps this
# PID (the hook exec'd it), sets CANISTER_SESSION and CANISTER_SESSION_FIFO,
# logs its start and every FIFO line, and runs SHELL as its child, as the
# supervisor does. It enforces nothing: the layer tests need the real one.
# STANDIN_NOMARK=1 leaves CANISTER_SESSION unset, as a broken session
# would. Every other command goes to the real can.
if [ "${1:-}" = session ] && [ "${2:-}" = --check ]; then
	exit 0
fi
if [ "${1:-}" = session ] && [ "${2:-}" = -- ]; then
	shift 2
	fifo=$STANDIN_DIR/session-$$.fifo
	mkfifo -m 600 "$fifo" || exit 1
	echo "start $$ $*" >>"$STANDIN_DIR/starts"
	# Held open read-write, as the supervisor holds its FIFO, so writers
	# never wait and the reader never sees end-of-file.
	exec 3<>"$fifo"
	cat <&3 >>"$STANDIN_DIR/fifo.log" &
	reader=$!
	# The terminal closing (tmux kill-session) must not leave the reader.
	trap 'kill "$reader" 2>/dev/null; rm -f "$fifo"; exit 129' HUP TERM
	if [ -n "${STANDIN_NOMARK:-}" ]; then
		# A broken session that does not set CANISTER_SESSION: the hook
		# must not start another one inside it.
		env -u STANDIN_NOMARK "$@" 3<&-
	else
		CANISTER_SESSION=$$ CANISTER_SESSION_FIFO=$fifo "$@" 3<&-
	fi
	rc=$?
	kill "$reader" 2>/dev/null
	rm -f "$fifo"
	exit $rc
fi
exec "$STANDIN_REAL" "$@"
