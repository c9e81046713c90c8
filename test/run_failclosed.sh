#!/usr/bin/env bash
# Fail closed: when the kernel refuses a wall, `can run` runs nothing, exits
# 126 with one line naming the wall; --allow-degraded=WALL runs with a
# warning; --strict never degrades. test/errno_exec makes one syscall fail
# (a seccomp filter of its own) to play a kernel without that feature.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user "${CAN_TESTBIN}/errno_exec"
EX=${CAN_TESTBIN}/errno_exec
W=$(mktemp -d /tmp/canfc.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1
MARK='touch ran'

# refuse SYSCALL ERRNO WALL PATTERN: the run fails closed, names the wall.
refuse() {
	local sc=$1 e=$2 wall=$3 pat=$4
	rm -f ran
	t_expect "$sc fails with $e: exit 126" 126 "$EX" "$sc" "$e" "$CAN" run -- sh -c "$MARK"
	t_grep "... one line: can: $wall: ... (see 'can check')" "^can: $wall: $pat.*\(see 'can check'\)$" "$T_ERR"
	t_grep "... exactly one line" "^1$" "$(printf '%s\n' "$T_ERR" | wc -l)"
	if [ -e ran ]; then t_fail "... and the command did not run"; else t_ok "... and the command did not run"; fi
}

t_expect "control: under errno_exec with a harmless syscall, can run works" 0 "$EX" acct EPERM "$CAN" run -- true
refuse landlock_create_ruleset ENOSYS landlock "not available: ENOSYS"
refuse landlock_restrict_self EPERM landlock "restrict self: EPERM"
refuse clone EPERM namespaces "clone .*: EPERM"
refuse open_tree EPERM filesystem "bind /usr: EPERM"
refuse seccomp EINVAL seccomp "(cannot build|install) the filter"
refuse sethostname EPERM namespaces "set the sandbox's host name"
refuse socket EAFNOSUPPORT network "netlink"

rm -f ran
t_expect "--allow-degraded=landlock runs without Landlock" 0 "$EX" landlock_create_ruleset ENOSYS "$CAN" run --allow-degraded=landlock -- sh -c "$MARK"
t_grep "... and warns" "^can: warning: landlock: not available" "$T_ERR"
t_expect "... the command ran" 0 test -e ran
t_expect "--allow-degraded=landlock also covers a failing restrict_self" 0 "$EX" landlock_restrict_self EPERM "$CAN" run --allow-degraded=landlock -- true
t_grep "... with a warning" "^can: warning: landlock: restrict self" "$T_ERR"
t_expect "--allow-degraded=seccomp runs without the filter" 0 "$EX" seccomp EINVAL "$CAN" run --allow-degraded=seccomp -- true
t_grep "... with a warning" "^can: warning: seccomp:" "$T_ERR"
t_expect "bare --allow-degraded degrades everything degradable" 0 "$EX" landlock_create_ruleset ENOSYS "$CAN" run --allow-degraded -- true
t_expect "--allow-degraded=seccomp does not cover Landlock" 126 "$EX" landlock_create_ruleset ENOSYS "$CAN" run --allow-degraded=seccomp -- true
printf 'strict = true\n[recipe]\nname = "st"\n' >strict.toml
t_expect "strict = true in a recipe: no degradation even when asked" 126 "$EX" landlock_create_ruleset ENOSYS "$CAN" run --allow-degraded=landlock -r ./strict.toml -- true
t_done
