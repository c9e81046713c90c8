#!/usr/bin/env bash
# Landlock applied at exec (shell/exec_landlock.h), as an unprivileged user:
# a small supervisor (test/execll_super.c: a filter trapping execve with a
# listener, the tracer) runs targets that reach execve in every way
# (test/execll_target.c). Each wall has its attack and a control.
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user "$CAN_TESTBIN/execll_super" "$CAN_TESTBIN/execll_target" "$CAN_SRCDIR/test/execll_target.c"

SUPER=$CAN_TESTBIN/execll_super
T=$CAN_TESTBIN/execll_target
abi=$(python3 -c 'import ctypes; print(ctypes.CDLL(None).syscall(444, None, 0, 1))' 2>/dev/null || echo 0)
if [ "${abi:-0}" -lt 6 ]; then
	t_skip "Landlock ABI ${abi:-?} < 6 here: Landlock-at-exec needs signal scoping"
	t_done
fi
W=$(mktemp -d /tmp/execll.XXXXXX)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/ok" "$W/bin" "$W/both"
echo "fine-file" >"$W/ok/file"
echo "both-file" >"$W/both/file"
echo "TOP-SECRET" >"$W/secret"
# Read: the system, the test binaries, $W/ok; never $W/secret.
ALLOW=(-a /usr -a /bin -a /lib -a /lib64 -a /etc -a "$CAN_TESTBIN" -a "$W/ok" -a "$W/bin" -a "$W/both")
# A second layer (-A): the same system, $W/both, but not $W/ok.
LAYER2=(-A /usr -A /bin -A /lib -A /lib64 -A /etc -A "$CAN_TESTBIN" -A "$W/bin" -A "$W/both")
sup() { timeout 30 "$SUPER" ${ALLOW_EXTRA:-} "${ALLOW[@]}" "$@"; }

# t_confined DESC MODE...: the target reaches exec(cat ok secret) by MODE;
# the allowed file reads, the secret is refused, the domain is reported.
t_confined() {
	local desc=$1
	shift
	t_run sup -- "$T" "$@" /bin/cat "$W/ok/file" "$W/secret"
	t_grep "$desc: the allowed file reads" "fine-file" "$T_OUT"
	t_nogrep "$desc: the secret stays unread" "TOP-SECRET" "$T_OUT"
	t_grep "$desc: refused by the domain" "secret: Permission denied" "$T_ERR"
	t_grep "$desc: reported applied" "execll: applied pid=[0-9]+ tid=[0-9]+ via=${VIA:-blob} exe=/usr/bin/cat" "$T_ERR"
}

# --- the plain case, and the control without the domain ---
t_confined "plain exec" plain
t_run timeout 30 "$SUPER" --no-arm "${ALLOW[@]}" -- "$T" plain /bin/cat "$W/secret"
t_grep "control: without the domain the same cat reads the secret" "TOP-SECRET" "$T_OUT"

# --- /proc of a process outside the domain (its parent): its environ is
# refused to the layered program (Landlock's ptrace restriction) ---
ENVPROBE='tr "\0" "\n" </proc/$PPID/environ | grep -c EXECLL_PROBE=parent-secret'
t_run env EXECLL_PROBE=parent-secret timeout 30 "$SUPER" "${ALLOW[@]}" -- "$T" plain /bin/sh -c "$ENVPROBE"
t_grep "/proc/PPID/environ of a process outside the domain: refused" "environ: Permission denied" "$T_ERR"
t_run env EXECLL_PROBE=parent-secret timeout 30 "$SUPER" --no-arm "${ALLOW[@]}" -- "$T" plain /bin/sh -c "$ENVPROBE"
t_grep "control: without the domain the same environ reads" "^1$" "$T_OUT"

# --- every way to reach execve ---
t_confined "exec from a second thread" thread
t_grep "exec from a second thread: the caller was not the leader" "applied pid=([0-9]+) tid=([0-9]+)" "$T_ERR"
pid=$(printf '%s' "$T_ERR" | sed -n 's/.*applied pid=\([0-9]*\) tid=\([0-9]*\).*/\1 \2/p')
set -- $pid
if [ "${1:-x}" != "${2:-x}" ]; then t_ok "thread: reported under the tgid ($1), armed on the thread ($2)"; else t_fail "thread: pid and tid equal ($pid)"; fi
t_confined "fexecve (execveat, AT_EMPTY_PATH)" fexecve
t_confined "vfork then exec" vfork
t_confined "posix_spawn" spawn
t_confined "exec under a signal flood" flood

# --- two layers at once: two domains, a read must be allowed by both ---
for m in "" --regs; do
	t_run sup $m "${LAYER2[@]}" -- "$T" plain /bin/cat "$W/both/file" "$W/ok/file"
	t_grep "two layers${m:+ $m}: what both allow reads" "both-file" "$T_OUT"
	t_grep "two layers${m:+ $m}: what only one allows is refused" "ok/file: Permission denied" "$T_ERR"
	via=blob
	[ -n "$m" ] && via=regs
	t_grep "two layers${m:+ $m}: applied" "execll: applied pid=[0-9]+ tid=[0-9]+ via=$via" "$T_ERR"
done
t_run sup "${LAYER2[@]}" -- "$T" fail-then "$T" fds
t_grep "two layers: a failed execve closes both fds" "^fds: clean$" "$T_OUT"

# --- many at once: 40 children exec together, several tracees in flight ---
t_run sup -q -- "$T" many 40 /bin/cat "$W/ok/file"
t_grep "40 concurrent execs of an allowed read: all exit 0" "many: 40 ok, 0 not" "$T_OUT"
t_nogrep "40 concurrent execs: none killed or failed" "execll: (killed|gone|arm-error|fallback)" "$T_ERR"
t_run sup -q -- "$T" many 40 /bin/cat "$W/secret"
t_grep "40 concurrent execs of the secret: all refused" "many: 0 ok, 40 not" "$T_OUT"
t_nogrep "40 concurrent execs of the secret: nothing read" "TOP-SECRET" "$T_OUT"

# --- another thread reaping "any child": only with __WNOTHREAD, which
# leaves the tracer's ptrace stops alone; without it, stops are stolen ---
t_run timeout 20 "$SUPER" -q --reap-any-nothread "${ALLOW[@]}" -- "$T" many 40 /bin/cat "$W/ok/file"
t_grep "a reaper thread with __WNOTHREAD: 40 concurrent execs all applied" "many: 40 ok, 0 not" "$T_OUT"
t_run timeout 5 "$SUPER" -q --reap-any "${ALLOW[@]}" -- "$T" many 40 /bin/cat "$W/ok/file"
if [ "$T_RC" = 124 ]; then
	t_ok "control: a reaper thread without __WNOTHREAD steals ptrace stops (hangs: why it is a requirement)"
else
	t_fail "control: the reaper without __WNOTHREAD did not hang (exit $T_RC)"
fi

# --- the register method alone, for the same ways in ---
for mode in plain thread vfork flood; do
	VIA=regs ALLOW_EXTRA=--regs t_confined "registers only: $mode" "$mode"
done

# --- a static binary (no ld.so: the first syscall is the image's own) ---
if gcc -D_GNU_SOURCE -static -O2 -o "$W/bin/static_target" "$CAN_SRCDIR/test/execll_target.c" -lpthread 2>/dev/null; then
	t_run sup -- "$T" plain "$W/bin/static_target" read "$W/secret"
	t_grep "static binary: the secret is refused" "read .*secret: Permission denied" "$T_OUT"
	t_grep "static binary: reported applied" "applied .*exe=$W/bin/static_target" "$T_ERR"
	t_run sup -- "$T" plain "$W/bin/static_target" read "$W/ok/file"
	t_grep "static binary: the allowed file reads" "fine-file" "$T_OUT"
	t_run sup --regs -- "$T" plain "$W/bin/static_target" read "$W/secret"
	t_grep "static binary, registers only: the secret is refused" "read .*secret: Permission denied" "$T_OUT"
	t_grep "static binary, registers only: reported applied" "applied .*via=regs exe=$W/bin/static_target" "$T_ERR"
else
	t_skip "static binary: gcc -static is not available (libc6-dev's libc.a)"
fi

# --- an exec-only binary: not dumpable, so its text cannot be written and
# /proc/PID/exe cannot be read; only registers are used ---
cp /bin/cat "$W/bin/xcat"
chmod 0111 "$W/bin/xcat"
t_run sup -- "$T" plain "$W/bin/xcat" "$W/ok/file" "$W/secret"
t_grep "exec-only binary: the allowed file reads" "fine-file" "$T_OUT"
t_grep "exec-only binary: the secret is refused" "secret: Permission denied" "$T_ERR"
t_grep "exec-only binary: applied by registers, its exe unreadable" "execll: applied pid=[0-9]+ tid=[0-9]+ via=regs$" "$T_ERR"
t_expect "exec-only binary with an exe check: killed (fail closed)" 137 \
	sup --exe-prefix "$W/bin/" -- "$T" plain "$W/bin/xcat" "$W/ok/file"
t_grep "exec-only binary with an exe check: says why" "killed .*exe check: /proc/[0-9]+/exe unreadable" "$T_ERR"

# --- the exe check at the exec stop ---
t_run sup --exe-prefix /usr/bin/ -- "$T" plain /bin/cat "$W/ok/file"
t_grep "exe check: /usr/bin/cat passes a /usr/bin/ check" "fine-file" "$T_OUT"
t_expect "exe check: /usr/bin/cat is killed by a /opt/ check" 137 sup --exe-prefix /opt/ -- "$T" plain /bin/cat "$W/ok/file"
t_grep "exe check: says which file and why" "killed .*exe check: /usr/bin/cat: not under /opt/" "$T_ERR"
t_nogrep "exe check: the refused image printed nothing" "fine-file" "$T_OUT"
t_nogrep "the arm's cookie comes back in every report" "bad cookie" "$T_ERR"

# --- already traced: falls back, reported, nothing changed in the target ---
t_run sup -- /usr/bin/strace -f -o /dev/null "$T" plain /bin/cat "$W/ok/file"
t_grep "under strace: falls back and says why" "fallback pid=[0-9]+ why=PTRACE_SEIZE \(traced already" "$T_ERR"
t_grep "under strace: the program still runs" "fine-file" "$T_OUT"
t_nogrep "under strace: nothing was applied or killed" "execll: (applied|killed)" "$T_ERR"

# --- a failed execve (no exec stop), then a good one ---
t_run sup -- "$T" fail-then "$T" fds
t_grep "failed execve: the target saw ENOENT" "first execve: No such file or directory" "$T_OUT"
t_grep "failed execve: reported, the tracer did not wait for an exec stop" "exec-failed .*why=execve failed: ENOENT" "$T_ERR"
t_grep "failed execve: the next execve is applied" "applied .*exe=$T" "$T_ERR"
t_grep "failed execve: no ruleset fd leaks into the new image" "^fds: clean$" "$T_OUT"

# --- no fd leaks into the new image ---
t_run sup -- "$T" plain "$T" fds
t_grep "the exec'd image holds no fd above 2" "^fds: clean$" "$T_OUT"
t_grep "the exec'd image was restricted" "applied .*exe=$T" "$T_ERR"

# --- clone(CLONE_FILES): the sibling would keep the fd: falls back ---
t_run sup -- "$T" files /bin/cat "$W/ok/file"
t_grep "CLONE_FILES: falls back and says why" "fallback .*CLONE_FILES" "$T_ERR"
t_grep "CLONE_FILES: the sibling holds no ruleset fd" "^fds: clean$" "$T_OUT"

# --- a process in a domain already: applied, and said how it was verified ---
t_run sup -- "$T" scoped /bin/cat "$W/ok/file" "$W/secret"
t_grep "in a domain already: the allowed file reads" "fine-file" "$T_OUT"
t_grep "in a domain already: the secret is refused" "secret: Permission denied" "$T_ERR"
t_grep "in a domain already: applied, noting the weaker evidence" "applied .*why=in a domain already" "$T_ERR"

# --- Landlock stacks at most 16 domains: the 17th fails, the target is
# killed and reaped (the real parent does not hang: no timeout, 137) ---
t_expect "17th domain: killed, reaped, parent not hung" 137 sup -- "$T" stack16 /bin/cat "$W/secret"
t_grep "17th domain: says E2BIG" "killed .*landlock_restrict_self in the target: E2BIG" "$T_ERR"
t_nogrep "17th domain: nothing read" "TOP-SECRET" "$T_OUT"

# --- the check of the result can fail: restrict_self replaced by a call
# that also returns 0 (what the silently failing sequence looked like) ---
t_expect "fake restrict: detected and killed" 137 sup --fake-restrict -- "$T" plain /bin/cat "$W/secret"
t_grep "fake restrict: the probe caught it" "killed .*verify: the signal-scope probe is still allowed" "$T_ERR"
t_nogrep "fake restrict: nothing read" "TOP-SECRET" "$T_OUT"
t_expect "fake restrict, registers only: detected and killed" 137 sup --regs --fake-restrict -- "$T" plain /bin/cat "$W/secret"
t_grep "fake restrict, registers only: the probe caught it" "killed .*verify: the signal-scope probe" "$T_ERR"

# --- a listener without WAIT_KILLABLE_RECV (required): the interrupt
# aborts the notification; whatever happens, never a silent "applied" ---
t_expect "no WAIT_KILLABLE_RECV: killed" 137 sup --no-killable -- "$T" plain /bin/cat "$W/secret"
t_nogrep "no WAIT_KILLABLE_RECV: the secret is never read" "TOP-SECRET" "$T_OUT"
# Killed at the interrupt stop, or refused at the ADDFD when the interrupt
# came first: either way the reason names the flag.
t_grep "no WAIT_KILLABLE_RECV: says what the listener lacks" \
	"(killed .*needs SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV|arm-error .*lacks WAIT_KILLABLE_RECV)" "$T_ERR"

# --- a sibling thread adding rules to the ruleset before the exec stop:
# refused by the filter (landlock_add_rule), and the control shows why ---
ALLOW_EXTRA="--delay-continue 50" t_confined "add-rule race, refused by the filter" addrule
t_nogrep "add-rule race: no rule was added" "added a rule" "$T_ERR"
t_run timeout 30 "$SUPER" --delay-continue 50 --allow-addrule "${ALLOW[@]}" -- "$T" addrule /bin/cat "$W/secret"
t_grep "control: with landlock_add_rule allowed, the race widens the ruleset (why the filter must refuse it)" \
	"TOP-SECRET" "$T_OUT"

t_done
