# test/check_lib.sh: shared by check.sh (as root) and check_user.sh (as the
# unprivileged user): check_as_user runs `can check` and `can check --json`
# and compares them with independent probes. Sourced after lib.sh.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
HELPER="${CAN_TESTBIN}/check_busy_listener"
who=$(id -un)

ROWS=("kernel" "user namespace" "mount namespace" "pid namespace" "network namespace"
	"ipc namespace" "uts namespace" "cgroup namespace" "overlayfs in userns" "seccomp filter"
	"seccomp listener" "notify CONTINUE" "notify ADDFD" "notify ADDFD_SEND"
	"notify WAIT_KILLABLE" "notify SYNC_WAKE_UP" "landlock" "landlock enforce" "cgroup v2"
	"cgroup delegation" "apparmor userns" "userns sysctls" "no-userns mode" "pasta" "slirp4netns" "ptrace scope"
	"pidfd_open/getfd" "openat2")

# json_get JSON ID FIELD: prints one field of the row with that id.
json_get() {
	printf '%s' "$1" | "$PY" -c '
import json, sys
rows = {r["id"]: r for r in json.load(sys.stdin)}
v = rows[sys.argv[1]].get(sys.argv[2])
print("null" if v is None else str(v).lower() if isinstance(v, bool) else v)' "$2" "$3"
}

# Independent Landlock ABI: the raw syscall (444 on every architecture
# but alpha) with LANDLOCK_CREATE_RULESET_VERSION; 0 when unavailable.
landlock_abi() {
	"$PY" -c '
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
r = libc.syscall(444, None, ctypes.c_size_t(0), ctypes.c_uint(1))
print(r if r > 0 else 0)'
}

# The v2 cgroup directory of this shell (same as can's), or nothing.
own_cgroup_dir() {
	local mnt cg
	mnt=$(awk '{for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup2") { print $5; exit } break } }' /proc/self/mountinfo)
	cg=$(sed -n 's/^0:://p' /proc/self/cgroup)
	[ -n "$mnt" ] && [ -n "$cg" ] || return 0
	[ "$cg" = / ] && cg=
	printf '%s%s' "$mnt" "$cg"
}

check_as_user() {
	t_run "$CAN" check
	local table=$T_OUT rc=$T_RC
	if [ "$rc" = 0 ] || [ "$rc" = 1 ]; then
		t_ok "[$who] can check exits 0 or 1 (got $rc)"
	else
		t_fail "[$who] can check exits 0 or 1 (got $rc)"
		t_diag "stderr: $T_ERR"
	fi
	t_grep "[$who] table has a header" '^FEATURE +STATE +DETAIL$' "$table"
	local name
	for name in "${ROWS[@]}"; do
		t_grep "[$who] table row: $name" "^$name +(OK|degraded|unavailable) " "$table"
	done
	local wide
	wide=$(printf '%s\n' "$table" | awk 'length > 100')
	if [ -z "$wide" ]; then
		t_ok "[$who] table fits 100 columns"
	else
		t_fail "[$who] table fits 100 columns"
		t_diag "$wide"
	fi
	local last
	last=$(printf '%s\n' "$table" | tail -n 1)
	t_grep "[$who] last line is the verdict" '^can run: (ready|cannot run by default; missing: .+)' "$last"

	t_run "$CAN" check --json
	local json=$T_OUT
	if [ "$T_RC" = "$rc" ]; then
		t_ok "[$who] --json exits like the table ($rc)"
	else
		t_fail "[$who] --json exits like the table (got $T_RC, table $rc)"
	fi
	if printf '%s' "$json" | "$PY" -m json.tool >/dev/null 2>&1; then
		t_ok "[$who] --json parses with python3 -m json.tool"
	else
		t_fail "[$who] --json parses with python3 -m json.tool"
		t_diag "$json"
	fi
	# Shape: an array of objects with the documented fields, one per row.
	local shape
	shape=$(printf '%s' "$json" | "$PY" -c '
import json, sys
rows = json.load(sys.stdin)
assert isinstance(rows, list)
for r in rows:
    assert r["state"] in ("ok", "degraded", "unavailable"), r
    assert isinstance(r["required"], bool) and isinstance(r["blocks_run"], bool), r
    assert r["blocks_run"] == (r["required"] and r["state"] == "unavailable"), r
    assert isinstance(r["detail"], str) and r["detail"], r
    assert isinstance(r["can_run"], str) and r["can_run"], r
    if r["state"] == "ok":
        assert r["remedy"] is None, r
    elif r["id"] != "kernel":
        assert r["remedy"], r
print(len(rows))' 2>&1)
	if [ "$shape" = "${#ROWS[@]}" ]; then
		t_ok "[$who] --json has ${#ROWS[@]} well-formed rows"
	else
		t_fail "[$who] --json has ${#ROWS[@]} well-formed rows"
		t_diag "$shape"
	fi
	# The exit code and the verdict line name exactly the blocking rows.
	local blocking
	blocking=$(printf '%s' "$json" | "$PY" -c '
import json, sys
print(", ".join(r["name"] for r in json.load(sys.stdin) if r["blocks_run"]))')
	if [ -z "$blocking" ]; then
		if [ "$rc" = 0 ] && [[ "$last" == "can run: ready"* ]]; then
			t_ok "[$who] nothing blocks: exit 0 and 'ready'"
		else
			t_fail "[$who] nothing blocks: exit 0 and 'ready'"
			t_diag "rc=$rc last=$last"
		fi
	else
		if [ "$rc" = 1 ] && [ "$last" = "can run: cannot run by default; missing: $blocking" ]; then
			t_ok "[$who] exit 1 and the last line names: $blocking"
		else
			t_fail "[$who] exit 1 and the last line names: $blocking"
			t_diag "rc=$rc last=$last"
		fi
	fi

	# Landlock: an integer, equal to what a raw syscall says.
	local abi mine
	abi=$(landlock_abi)
	mine=$(json_get "$json" landlock_abi value)
	if [[ "$mine" =~ ^[0-9]+$ ]] && [ "$mine" = "$abi" ]; then
		t_ok "[$who] Landlock ABI $mine matches an independent probe"
	else
		t_fail "[$who] Landlock ABI '$mine' matches an independent probe ($abi)"
	fi
	if [ "$abi" -ge 1 ]; then
		t_grep "[$who] Landlock enforcement verified" '^ok$' "$(json_get "$json" landlock_enforce state)"
	fi

	# User namespaces: as util-linux's unshare finds them.
	local userns
	userns=$(json_get "$json" userns state)
	if unshare --user --map-current-user true 2>/dev/null; then
		t_grep "[$who] user namespace OK, as unshare(1) finds" '^ok$' "$userns"
		# Overlay inside one, mounted by hand.
		local ov=ok
		unshare -Urm sh -c 'mount -t tmpfs none /tmp && mkdir /tmp/l /tmp/u /tmp/w /tmp/m &&
			mount -t overlay overlay -o lowerdir=/tmp/l,upperdir=/tmp/u,workdir=/tmp/w /tmp/m &&
			touch /tmp/m/f && test -e /tmp/u/f' 2>/dev/null || ov=degraded
		t_grep "[$who] overlayfs row agrees with a manual mount ($ov)" "^$ov\$" "$(json_get "$json" overlay state)"
	else
		t_grep "[$who] user namespace unavailable, as unshare(1) finds" '^unavailable$' "$userns"
	fi

	# Seccomp notification features: on a kernel >= 6.6 with seccomp, all of them.
	local kv major minor
	kv=$(uname -r)
	major=${kv%%.*}
	minor=${kv#*.}
	minor=${minor%%[!0-9]*}
	if [ "$(json_get "$json" seccomp state)" = ok ] && { [ "$major" -gt 6 ] || { [ "$major" = 6 ] && [ "$minor" -ge 6 ]; }; }; then
		local id bad=
		for id in seccomp_listener notify_continue notify_addfd notify_addfd_send notify_wait_killable notify_sync_wakeup; do
			[ "$(json_get "$json" "$id" state)" = ok ] || bad="$bad $id"
		done
		if [ -z "$bad" ]; then
			t_ok "[$who] every notification feature works on Linux $kv"
		else
			t_fail "[$who] every notification feature works on Linux $kv (not:$bad)"
		fi
	fi

	# cgroup delegation: unavailable exactly when we cannot mkdir in our cgroup.
	local dir deleg
	dir=$(own_cgroup_dir)
	deleg=$(json_get "$json" cgroup_delegation state)
	if [ -n "$dir" ] && mkdir "$dir/can-test.$$" 2>/dev/null; then
		rmdir "$dir/can-test.$$"
		t_grep "[$who] cgroup delegation is usable where mkdir works ($dir)" '^(ok|degraded)$' "$deleg"
	else
		t_grep "[$who] cgroup delegation unavailable where mkdir fails (${dir:-no cgroup2})" '^unavailable$' "$deleg"
		t_grep "[$who] ... with the systemd-run remedy or a cgroup2 one" 'Delegate=yes|cgroup2' \
			"$(json_get "$json" cgroup_delegation remedy)"
	fi

	# pasta: present exactly when PATH has it.
	if command -v pasta >/dev/null 2>&1; then
		t_grep "[$who] pasta found" '^ok$' "$(json_get "$json" pasta state)"
	else
		t_grep "[$who] pasta missing, with an install remedy" 'apt-get install passt' "$(json_get "$json" pasta remedy)"
	fi

	# A real failure: no room for another user namespace (the sysctl is per
	# user namespace, so this changes nothing outside).
	if unshare --user --map-root-user true 2>/dev/null; then
		t_run unshare --user --map-root-user sh -c 'echo 0 >/proc/sys/user/max_user_namespaces && exec "$0" check' "$CAN"
		if [ "$T_RC" = 1 ]; then
			t_ok "[$who] no user namespaces left: exit 1"
		else
			t_fail "[$who] no user namespaces left: exit 1 (got $T_RC)"
			t_diag "$T_OUT" "$T_ERR"
		fi
		t_grep "[$who] ... user namespace row says ENOSPC" '^user namespace +unavailable +unshare\(CLONE_NEWUSER\): ENOSPC' "$T_OUT"
		t_grep "[$who] ... remedy names the sysctl" 'fix: sudo sysctl -w user.max_user_namespaces=' "$T_OUT"
		t_grep "[$who] ... last line names it" 'missing: user namespace, mount namespace' "$(printf '%s\n' "$T_OUT" | tail -n 1)"
	fi

	# A real failure: an outer supervisor already holds a seccomp listener.
	if [ -x "$HELPER" ]; then
		t_run "$HELPER" "$CAN" check --json
		if [ "$T_RC" = "$rc" ]; then
			t_ok "[$who] under an outer listener: same exit ($rc), the listener is optional"
		else
			t_fail "[$who] under an outer listener: same exit ($rc, got $T_RC)"
			t_diag "$T_OUT" "$T_ERR"
		fi
		t_grep "[$who] ... listener unavailable" '^unavailable$' "$(json_get "$T_OUT" seccomp_listener state)"
		t_grep "[$who] ... and not blocking" '^false$' "$(json_get "$T_OUT" seccomp_listener blocks_run)"
		t_grep "[$who] ... so ADDFD was not tried" 'not tried' "$(json_get "$T_OUT" notify_addfd detail)"
		t_grep "[$who] ... because of EBUSY" 'EBUSY' "$(json_get "$T_OUT" seccomp_listener detail)"
		t_grep "[$who] ... remedy names the outer supervisor" 'another supervisor' "$(json_get "$T_OUT" seccomp_listener remedy)"
		t_grep "[$who] ... a plain filter still works there" '^ok$' "$(json_get "$T_OUT" seccomp state)"
	else
		t_fail "[$who] helper $HELPER is missing"
	fi
}

