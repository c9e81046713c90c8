# test/session_lib.sh: the shared prologue of the session tests
# (session_core.sh, session_ll.sh, and the ones that copy them). Sourced
# after test/lib.sh and t_drop_to_user, which must be given this file so it
# lands beside the re-run script:
#   t_drop_to_user ... "$CAN_SRCDIR/test/session_lib.sh"
#   . "$CAN_SRCDIR/test/session_lib.sh"
#   session_setup cansess
# It sets H (the test user's home, with a fake ~/.ssh/id_x), TOP (a
# scratch folder, removed on exit, the current directory), P (a project
# under TOP with `use canister` in its .envrc and data.txt), TARGET, TRY
# and TLR (the test helpers), and SESSION_HELPERS: the shell functions
# declare_layer, wait_state and approve, to prepend to a session's script.

# t_helper_bin NAME: a test helper from the build tree, or beside the re-run.
t_helper_bin() {
	if [ -x "$CAN_TESTBIN/$1" ]; then echo "$CAN_TESTBIN/$1"; else echo "$CAN_SRCDIR/$1"; fi
}

# session_setup PREFIX: the user's home, the project, no inherited session.
session_setup() {
	H=$T_HOME
	TOP=$(mktemp -d "/tmp/$1.XXXXXX")
	chmod 755 "$TOP"
	trap 'rm -rf "$TOP"' EXIT
	unset XDG_RUNTIME_DIR CANISTER_SESSION CANISTER_SESSION_FIFO CANISTER_SESSION_SOCK CANISTER_SESSION_STATE
	rm -rf "$H/.local/state/canister"
	mkdir -p "$H/.ssh"
	echo "FAKE-PRIVATE-KEY" >"$H/.ssh/id_x"
	P=$TOP/proj
	mkdir -p "$P/sub"
	printf 'use canister\n' >"$P/.envrc"
	echo "project data" >"$P/data.txt"
	TARGET=$(t_helper_bin notify_target)
	TRY=$(t_helper_bin try_syscall)
	TLR=$(t_helper_bin session_ll_helper)
	export CAN P H TARGET TRY TLR TOP
	cd "$TOP" || exit 1
}

# Defined inside each session's bash before its script. wait_state PATTERN:
# until the state file matches (the FIFO is a hint the supervisor reads in
# its own time).
SESSION_HELPERS='
declare_layer() { echo "canister 1 declare $1" >"$CANISTER_SESSION_FIFO"; }
wait_state() { for _ in $(seq 200); do grep -q -- "$1" "$CANISTER_SESSION_STATE" && return 0; sleep 0.05; done; return 1; }
approve() { (cd / && "$CAN" allow "$1" >/dev/null) && wait_state "^layer active $1"; }
'
