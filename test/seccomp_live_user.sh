#!/usr/bin/env bash
# The live seccomp tests again, as an unprivileged user: the filter must
# hold, and legitimate programs must run, without root's rights too.
# Each TAP line of test_seccomp_live becomes one assertion here.
# After t_drop_to_user re-runs this script, lib.sh sits next to it.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then
	source "${CAN_SRCDIR}/test/lib.sh"
else
	source "${CAN_SRCDIR}/lib.sh"
fi
files=("$CAN_TESTBIN/test_seccomp_live" "$CAN_TESTBIN/try_syscall"
	"$CAN_SRCDIR/test/seccomp_fixture_allow.txt")
[ -f "$CAN_SRCDIR/recipes/default.toml" ] && files+=("$CAN_SRCDIR/recipes/default.toml")
t_drop_to_user "${files[@]}"

if [ "$(id -u)" != 0 ]; then
	t_ok "running as unprivileged uid $(id -u)"
else
	t_fail "still root after t_drop_to_user"
fi

t_run env CMOCKA_MESSAGE_OUTPUT=TAP "$CAN_TESTBIN/test_seccomp_live"
seen=0
while IFS= read -r line; do
	case $line in
	"ok "*) seen=$((seen + 1)); t_ok "as $(id -un): ${line#ok * - }" ;;
	"not ok "*) seen=$((seen + 1)); t_fail "as $(id -un): ${line#not ok * - }" ;;
	"# "*) printf '%s\n' "$line" ;;
	esac
done <<<"$T_OUT"
if [ "$T_RC" = 0 ] && [ "$seen" -gt 0 ]; then
	t_ok "test_seccomp_live exits 0 with $seen results"
else
	t_fail "test_seccomp_live exit $T_RC, $seen results"
	t_diag "stderr: $T_ERR"
fi
t_done
