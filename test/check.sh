# can check as the invoking user (root in CI): usage, every row, the table
# width, --json parsing, the exit code against the rows, and independent
# probes (util-linux unshare, a raw Landlock syscall from Python, mkdir in
# our own cgroup) agreeing with what can check reports. Two real failures
# are provoked: no room for user namespaces, and a seccomp listener already
# held by an outer supervisor. check_user.sh repeats this unprivileged.
. "${CAN_SRCDIR}/test/lib.sh"
. "${CAN_SRCDIR}/test/check_lib.sh"

t_expect "can help check exits 0" 0 "$CAN" help check
t_grep "can help check starts with Usage:" '^Usage: can check \[--json\]' "$T_OUT"
t_expect "check --help exits 0" 0 "$CAN" check --help
t_grep "check --help prints usage" '^Usage: can check' "$T_OUT"
t_expect "unknown check option is a usage error" 2 "$CAN" check --frob
t_grep "... naming the option" "unknown option '--frob'" "$T_ERR"
t_grep "... with a hint" "Try 'can help check'" "$T_ERR"
t_expect "a stray argument is a usage error" 2 "$CAN" check extra
check_as_user
t_done
