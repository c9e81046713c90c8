# can check as the unprivileged test user (see check.sh for what is checked),
# plus the fact this machine is known for: user namespaces work unprivileged.
# After t_drop_to_user, lib.sh and the copied files sit next to this script.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then
	. "${CAN_SRCDIR}/test/lib.sh"
	t_drop_to_user "${CAN_TESTBIN}/check_busy_listener" "${CAN_SRCDIR}/test/check_lib.sh"
	. "${CAN_SRCDIR}/test/check_lib.sh"
else
	. "${CAN_SRCDIR}/lib.sh"
	. "${CAN_SRCDIR}/check_lib.sh"
fi
if [ "$(id -u)" != 0 ]; then
	t_ok "running as the unprivileged user $(id -un)"
else
	t_fail "running as the unprivileged user"
fi
check_as_user
t_grep "[$who] user namespaces OK for an unprivileged user" '^user namespace +OK ' "$("$CAN" check)"
t_done
