# test/lib.sh: sourced by the bash integration tests. Emits TAP.
#
# Tests that exercise the sandbox must run as an unprivileged user. When the
# suite runs as root (CI), t_drop_to_user copies what the test needs into a
# world-readable temporary folder and re-runs the script there as the user
# "cantest" (created on first use), with a fresh HOME.
set -u
# A script re-run by t_drop_to_user continues the numbering of its caller.
T_N=${CAN_TEST_T_N:-0}
T_FAILED=${CAN_TEST_T_FAILED:-0}
: "${CAN:?CAN must point at the can binary}"
# LeakSanitizer cannot run inside a sandbox (it needs ptrace); the unit tests
# keep leak checking.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"

t_ok()   { T_N=$((T_N + 1)); echo "ok $T_N - $*"; }
t_fail() { T_N=$((T_N + 1)); T_FAILED=$((T_FAILED + 1)); echo "not ok $T_N - $*"; }
t_skip() { T_N=$((T_N + 1)); echo "ok $T_N - # SKIP $*"; }
t_diag() { printf '# %s\n' "$@"; }
t_done() {
	echo "1..$T_N"
	[ -n "${T_HOME_TMP:-}" ] && rm -rf "$T_HOME_TMP"
	exit 0
}

# t_run CMD...: runs CMD, stores stdout in $T_OUT, stderr in $T_ERR, status in $T_RC.
t_run() {
	local o e
	o=$(mktemp) e=$(mktemp)
	"$@" >"$o" 2>"$e" </dev/null
	T_RC=$?
	T_OUT=$(cat "$o") T_ERR=$(cat "$e")
	rm -f "$o" "$e"
}

# t_expect DESC RC CMD...: passes when CMD exits with RC.
t_expect() {
	local desc=$1 rc=$2
	shift 2
	t_run "$@"
	if [ "$T_RC" = "$rc" ]; then
		t_ok "$desc"
	else
		t_fail "$desc (exit $T_RC, wanted $rc)"
		t_diag "stdout: $T_OUT" "stderr: $T_ERR"
	fi
}

# t_grep DESC PATTERN TEXT: passes when TEXT matches the extended regex PATTERN.
t_grep() {
	if printf '%s' "$3" | grep -Eq -- "$2"; then
		t_ok "$1"
	else
		t_fail "$1 (no match for /$2/)"
		t_diag "in: $3"
	fi
}

# t_nogrep DESC PATTERN TEXT: passes when TEXT does not match.
t_nogrep() {
	if printf '%s' "$3" | grep -Eq -- "$2"; then
		t_fail "$1 (unexpected match for /$2/)"
		t_diag "in: $3"
	else
		t_ok "$1"
	fi
}

# t_test_user: prints the unprivileged test user's name, creating it when
# missing (root only). CAN_TEST_USER: a user of its own for each suite run in
# parallel (worktrees); default cantest. test/run-all uses it too.
t_test_user() {
	local user=${CAN_TEST_USER:-cantest}
	if ! id "$user" >/dev/null 2>&1; then
		useradd --create-home --shell /bin/bash "$user" >/dev/null 2>&1 || return 1
	fi
	printf '%s\n' "$user"
}

# t_drop_to_user [FILE...]: when root, re-run this script as "cantest" with
# the can binary, lib.sh, the script and the named files copied to a folder
# that user can read. Sets T_HOME (and HOME) to a home the tests may freely
# clobber: cantest's, or, when a person runs the suite as themselves, a
# fresh temporary folder. Tests plant fake keys and rc files in it and
# delete parts of it: it must never be a real person's home.
t_drop_to_user() {
	if [ "${CAN_TEST_DROPPED:-}" = 1 ]; then
		T_HOME=$HOME # the re-run as cantest: its own home
		return 0
	fi
	if [ "$(id -u)" != 0 ]; then
		# In the build tree, not /tmp: like a real home it must not lie
		# under the sandbox's private /tmp.
		T_HOME_TMP=$(mktemp -d "${CAN_BUILDDIR:-/tmp}/test/home.XXXXXX" 2>/dev/null ||
			mktemp -d /tmp/canhome.XXXXXX)
		chmod 755 "$T_HOME_TMP"
		T_HOME=$T_HOME_TMP
		export HOME=$T_HOME
		unset XDG_CONFIG_HOME XDG_CACHE_HOME XDG_DATA_HOME XDG_STATE_HOME
		return 0
	fi
	local user
	user=$(t_test_user) || { echo "Bail out! cannot create test user ${CAN_TEST_USER:-cantest}"; exit 1; }
	local dir
	dir=$(mktemp -d /tmp/cantest.XXXXXX)
	chmod 755 "$dir"
	cp "$CAN" "$dir/can"
	cp "${BASH_SOURCE[1]}" "$dir/test.sh"
	# Same relative layout as the source tree, so "$CAN_SRCDIR/test/lib.sh" works.
	mkdir -p "$dir/test"
	cp "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$dir/lib.sh"
	cp "$(dirname "${BASH_SOURCE[0]}")/lib.sh" "$dir/test/lib.sh"
	local f
	# Each file lands in the folder itself and, when it comes from the
	# source or build tree, also at the same relative path there.
	for f in "$@"; do
		cp -r "$f" "$dir/"
		local rel=""
		case "$f" in
		"$CAN_SRCDIR"/*) rel=${f#"$CAN_SRCDIR"/} ;;
		"${CAN_BUILDDIR:-/nonexistent}"/*) rel=${f#"$CAN_BUILDDIR"/} ;;
		esac
		if [ -n "$rel" ]; then
			mkdir -p "$dir/$(dirname "$rel")"
			cp -r "$f" "$dir/$rel"
		fi
	done
	chmod -R a+rX "$dir"
	local home
	home=$(getent passwd "$user" | cut -d: -f6)
	cd "$dir" || exit 1
	exec setpriv --reuid="$user" --regid="$user" --init-groups \
		env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$home" USER="$user" \
		LOGNAME="$user" CAN="$dir/can" CAN_SRCDIR="$dir" CAN_TESTBIN="$dir" \
		CAN_TEST_DROPPED=1 CAN_TEST_T_N="$T_N" CAN_TEST_T_FAILED="$T_FAILED" \
		ASAN_OPTIONS="$ASAN_OPTIONS" LANG=C.UTF-8 \
		bash "$dir/test.sh"
}
