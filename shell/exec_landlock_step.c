/* One tracee's way from the execve notification to detach (see
 * exec_landlock.h for the sequence and why it is verified as it is). Runs
 * on the tracer thread only: ptrace requests must come from the tracer. */
#include "exec_landlock_int.h"
#include "util/kernel_compat.h"
#include "util/util.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__x86_64__)

/* Length of the `syscall` instruction: rewinding rip by it re-issues a call. */
#define SYSCALL_INSN_LEN 2

void ll_kill_reap(pid_t pid)
{
	kill(pid, SIGKILL);
	for (;;) {
		int st;
		pid_t r = (pid_t)syscall(SYS_wait4, pid, &st, __WALL | __WNOTHREAD, NULL);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || WIFEXITED(st) || WIFSIGNALED(st))
			return;
	}
}

void ll_report_kept(struct exec_ll_tracer *t, struct ll_tracee *tr, enum exec_ll_outcome o)
{
	tr->rep.pid = tr->pid;
	tr->rep.tid = tr->tid;
	tr->rep.outcome = o;
	t->cfg.done(t->cfg.ctx, &tr->rep);
}

void ll_report(struct exec_ll_tracer *t, struct ll_tracee *tr, enum exec_ll_outcome o,
	       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tr->rep.why, sizeof tr->rep.why, fmt, ap);
	va_end(ap);
	ll_report_kept(t, tr, o);
}

/* Kills on doubt; always finishes the tracee. */
static bool fail(struct exec_ll_tracer *t, struct ll_tracee *tr, const char *what, int err)
{
	ll_kill_reap(tr->pid);
	if (err)
		ll_report(t, tr, EXEC_LL_KILLED, "%s: %s: %s", what, errno_name(err), strerror(err));
	else
		ll_report(t, tr, EXEC_LL_KILLED, "%s", what);
	return true;
}

static void add_step(struct ll_tracee *tr, long nr, unsigned long long a0, unsigned long long a1)
{
	tr->nr[tr->nsteps] = nr;
	tr->arg0[tr->nsteps] = a0;
	tr->arg1[tr->nsteps] = a1;
	tr->nsteps++;
}

/* The full plan: probe, restrict each, probe again, close each. */
static void plan_apply(struct exec_ll_tracer *t, struct ll_tracee *tr)
{
	long restrict_nr = (t->cfg.test_flags & EXEC_LL_TEST_FAKE_RESTRICT) ? SYS_sched_yield
									    : __NR_landlock_restrict_self;
	tr->nsteps = 0;
	add_step(tr, SYS_kill, (unsigned long long)t->probe, 0);
	for (int k = 0; k < tr->nfds; k++)
		add_step(tr, restrict_nr, (unsigned long long)tr->fds[k], 0);
	add_step(tr, SYS_kill, (unsigned long long)t->probe, 0);
	for (int k = 0; k < tr->nfds; k++)
		add_step(tr, SYS_close, (unsigned long long)tr->fds[k], 0);
	tr->goal = EXEC_LL_APPLIED;
}

static void plan_close(struct ll_tracee *tr)
{
	tr->nsteps = 0;
	for (int k = 0; k < tr->nfds; k++)
		add_step(tr, SYS_close, (unsigned long long)tr->fds[k], 0);
	tr->goal = EXEC_LL_EXEC_FAILED;
}

/* What the calls returned, folded as the blob folds them: the first probe,
 * the restricts ORed (0 only when each returned 0), the second probe, the
 * closes ORed. */
struct ll_summary {
	long probe_before, restricts, probe_after, closes;
};

static struct ll_summary summarize(const struct ll_tracee *tr)
{
	struct ll_summary s = { 0 };
	int n = tr->nfds;
	if (tr->goal == EXEC_LL_APPLIED) {
		s.probe_before = tr->ret[0];
		for (int k = 0; k < n; k++)
			s.restricts |= tr->ret[1 + k];
		s.probe_after = tr->ret[1 + n];
		for (int k = 0; k < n; k++)
			s.closes |= tr->ret[2 + n + k];
	} else {
		for (int k = 0; k < n; k++)
			s.closes |= tr->ret[k];
	}
	return s;
}

static void set_call(struct user_regs_struct *r, const struct ll_tracee *tr, int k)
{
	r->orig_rax = (unsigned long long)tr->nr[k];
	r->rax = (unsigned long long)tr->nr[k];
	r->rdi = tr->arg0[k];
	r->rsi = tr->arg1[k];
}

static bool resume(struct exec_ll_tracer *t, struct ll_tracee *tr, int sig)
{
	long req = (tr->state == LL_ARMED || tr->state == LL_BLOB) ? PTRACE_CONT : PTRACE_SYSCALL;
	if (ptrace(req, tr->pid, 0, (void *)(long)sig) < 0)
		return fail(t, tr, "resume tracee", errno);
	return false;
}

static bool finish(struct exec_ll_tracer *t, struct ll_tracee *tr);

/* One call; its result moved (or ORed, with fold) into r12..r15. */
static size_t put_call(unsigned char *b, size_t o, long nr, unsigned long long a0, bool zero_rsi,
		       unsigned char save_reg, bool fold)
{
	b[o++] = 0xb8; /* mov eax, imm32 */
	uint32_t v = (uint32_t)nr;
	memcpy(b + o, &v, 4);
	o += 4;
	b[o++] = 0xbf; /* mov edi, imm32 */
	v = (uint32_t)a0;
	memcpy(b + o, &v, 4);
	o += 4;
	if (zero_rsi) {
		b[o++] = 0x31; /* xor esi, esi */
		b[o++] = 0xf6;
	}
	b[o++] = 0x0f; /* syscall */
	b[o++] = 0x05;
	b[o++] = 0x49; /* mov (or: or) r12..r15, rax */
	b[o++] = fold ? 0x09 : 0x89;
	b[o++] = save_reg;
	return o;
}

/* Reads the registers and the text at the entry point, writes the blob.
 * -1 when the text cannot be read or written (not dumpable: EIO). */
static int write_blob(struct ll_tracee *tr)
{
	if (ptrace(PTRACE_GETREGS, tr->pid, 0, &tr->saved) < 0)
		return -1;
	unsigned char b[LL_BLOB_WORDS * 8];
	size_t o = 0;
	enum { R12 = 0xc4, R13 = 0xc5, R14 = 0xc6, R15 = 0xc7 };
	int n = tr->nfds;
	for (int k = 0; k < tr->nsteps; k++) {
		unsigned char reg = k == 0 ? R12 : k <= n ? R13 : k == n + 1 ? R14 : R15;
		bool fold = (k > 1 && k <= n) || k > n + 2;
		o = put_call(b, o, tr->nr[k], tr->arg0[k], tr->nr[k] != SYS_close, reg, fold);
	}
	b[o++] = 0xcc; /* int3 */
	tr->blob_len = (int)o;
	tr->blob_words = (int)((o + 7) / 8);
	unsigned long long at = tr->saved.rip;
	for (int w = 0; w < tr->blob_words; w++) {
		errno = 0;
		long word = ptrace(PTRACE_PEEKTEXT, tr->pid, (void *)(at + 8 * (unsigned)w), 0);
		if (errno)
			return -1;
		tr->text[w] = (unsigned long)word;
	}
	/* keep the tail of the last word */
	memcpy(b + o, (unsigned char *)tr->text + o, (size_t)tr->blob_words * 8 - o);
	for (int w = 0; w < tr->blob_words; w++) {
		unsigned long word;
		memcpy(&word, b + 8 * w, 8);
		if (ptrace(PTRACE_POKETEXT, tr->pid, (void *)(at + 8 * (unsigned)w), (void *)word) < 0) {
			for (int k = 0; k < w; k++) /* undo what was written */
				ptrace(PTRACE_POKETEXT, tr->pid, (void *)(at + 8 * (unsigned)k), (void *)tr->text[k]);
			return -1;
		}
	}
	return 0;
}

/* At the blob's int3: results from r12-r15, text and registers restored. */
static bool at_blob_trap(struct exec_ll_tracer *t, struct ll_tracee *tr)
{
	struct user_regs_struct r;
	siginfo_t si;
	if (ptrace(PTRACE_GETREGS, tr->pid, 0, &r) < 0 || ptrace(PTRACE_GETSIGINFO, tr->pid, 0, &si) < 0)
		return fail(t, tr, "read registers at the blob's end", errno);
	if (r.rip != tr->saved.rip + (unsigned)tr->blob_len || si.si_code != SI_KERNEL)
		return resume(t, tr, SIGTRAP); /* a SIGTRAP from elsewhere: deliver it */
	tr->blob_sum[0] = (long)r.r12;
	tr->blob_sum[1] = (long)r.r13;
	tr->blob_sum[2] = (long)r.r14;
	tr->blob_sum[3] = (long)r.r15;
	for (int w = 0; w < tr->blob_words; w++)
		if (ptrace(PTRACE_POKETEXT, tr->pid, (void *)(tr->saved.rip + 8 * (unsigned)w),
			   (void *)tr->text[w]) < 0)
			return fail(t, tr, "restore the text at the entry point", errno);
	return finish(t, tr);
}

/* At the exec stop: the image is the one the kernel loaded. */
static bool at_exec(struct exec_ll_tracer *t, struct ll_tracee *tr)
{
	char link[64];
	snprintf(link, sizeof link, "/proc/%d/exe", (int)tr->pid);
	ssize_t n = readlink(link, tr->rep.exe, sizeof tr->rep.exe - 1);
	int e = errno;
	tr->rep.exe[n > 0 ? n : 0] = '\0';
	if (t->cfg.exe_ok) {
		char why[160] = "not allowed";
		if (n <= 0) {
			ll_kill_reap(tr->pid);
			ll_report(t, tr, EXEC_LL_KILLED,
				  "exe check: %s unreadable (%s: an exec-only binary is not dumpable)",
				  link, errno_name(e));
			return true;
		}
		tr->rep.pid = tr->pid;
		tr->rep.tid = tr->tid;
		if (!t->cfg.exe_ok(t->cfg.ctx, &tr->rep, why, sizeof why)) {
			ll_kill_reap(tr->pid);
			ll_report(t, tr, EXEC_LL_KILLED, "exe check: %s: %s", tr->rep.exe, why);
			return true;
		}
	}
	plan_apply(t, tr);
	if (t->cfg.method == EXEC_LL_METHOD_AUTO && write_blob(tr) == 0) {
		tr->state = LL_BLOB;
		return resume(t, tr, 0);
	}
	tr->state = LL_WAIT_ENTRY;
	return resume(t, tr, 0);
}

/* All injected calls have run: judge, restore, re-issue the image's own call. */
static bool finish(struct exec_ll_tracer *t, struct ll_tracee *tr)
{
	struct ll_summary sm = summarize(tr);
	if (tr->state == LL_BLOB)
		sm = (struct ll_summary){ tr->blob_sum[0], tr->blob_sum[1], tr->blob_sum[2], tr->blob_sum[3] };
	if (tr->goal == EXEC_LL_APPLIED) {
		if (sm.probe_before != 0 && sm.probe_before != -EPERM)
			return fail(t, tr, "probe before restrict_self", (int)-sm.probe_before);
		if (sm.restricts != 0)
			return fail(t, tr, "landlock_restrict_self in the target",
				    sm.restricts < 0 && sm.restricts > -4096 ? (int)-sm.restricts : EIO);
		if (sm.probe_after != -EPERM)
			return fail(t, tr,
				    "verify: the signal-scope probe is still allowed after "
				    "landlock_restrict_self returned 0: no domain",
				    0);
		if (sm.probe_before == -EPERM)
			snprintf(tr->rep.why, sizeof tr->rep.why,
				 "in a domain already: the probe was refused before; verified by "
				 "restrict_self's return value");
	}
	if (sm.closes != 0)
		return fail(t, tr, "close the ruleset fds in the target",
			    sm.closes < 0 && sm.closes > -4096 ? (int)-sm.closes : EIO);
	struct user_regs_struct r = tr->saved;
	tr->rep.by_blob = tr->state == LL_BLOB;
	if (tr->state == LL_BLOB) {
		/* Saved at the exec stop, inside execve: the image starts with
		 * execve's return value, 0, and no syscall to restart. */
		r.rax = 0;
		r.orig_rax = (unsigned long long)-1;
	} else {
		r.rip -= SYSCALL_INSN_LEN; /* re-issue the image's own call */
		r.rax = r.orig_rax;
	}
	if (ptrace(PTRACE_SETREGS, tr->pid, 0, &r) < 0)
		return fail(t, tr, "restore registers", errno);
	if (ptrace(PTRACE_DETACH, tr->pid, 0, 0) < 0)
		return fail(t, tr, "detach", errno);
	ll_report_kept(t, tr, tr->goal);
	return true;
}

static bool at_syscall(struct exec_ll_tracer *t, struct ll_tracee *tr)
{
	struct __ptrace_syscall_info si;
	memset(&si, 0, sizeof si);
	if (ptrace(PTRACE_GET_SYSCALL_INFO, tr->pid, (void *)sizeof si, &si) <= 0)
		return fail(t, tr, "PTRACE_GET_SYSCALL_INFO", errno);
	struct user_regs_struct r;
	switch (tr->state) {
	case LL_WAIT_ENTRY:
		/* The first stop after the exec stop is execve's own exit: the
		 * silently failing sequence read its rax as a result. Only an
		 * entry is a place to inject at. */
		if (si.op != PTRACE_SYSCALL_INFO_ENTRY)
			return resume(t, tr, 0);
		if (ptrace(PTRACE_GETREGS, tr->pid, 0, &tr->saved) < 0)
			return fail(t, tr, "read registers", errno);
		r = tr->saved;
		tr->step = 0;
		set_call(&r, tr, 0);
		if (ptrace(PTRACE_SETREGS, tr->pid, 0, &r) < 0)
			return fail(t, tr, "write registers", errno);
		tr->state = LL_INJ_EXIT;
		return resume(t, tr, 0);
	case LL_INJ_ENTRY:
		if (si.op != PTRACE_SYSCALL_INFO_ENTRY || si.entry.nr != (unsigned long long)tr->nr[tr->step] ||
		    si.instruction_pointer != tr->saved.rip)
			return fail(t, tr, "injected call: unexpected syscall entry", 0);
		tr->state = LL_INJ_EXIT;
		return resume(t, tr, 0);
	case LL_INJ_EXIT:
		if (si.op != PTRACE_SYSCALL_INFO_EXIT)
			return fail(t, tr, "injected call: expected its syscall exit", 0);
		if (ptrace(PTRACE_GETREGS, tr->pid, 0, &r) < 0)
			return fail(t, tr, "read registers", errno);
		if (r.orig_rax != (unsigned long long)tr->nr[tr->step])
			return fail(t, tr, "injected call: another syscall ran", 0);
		tr->ret[tr->step] = (long)si.exit.rval;
		if (++tr->step == tr->nsteps)
			return finish(t, tr);
		r = tr->saved;
		r.rip -= SYSCALL_INSN_LEN;
		set_call(&r, tr, tr->step);
		if (ptrace(PTRACE_SETREGS, tr->pid, 0, &r) < 0)
			return fail(t, tr, "write registers", errno);
		tr->state = LL_INJ_ENTRY;
		return resume(t, tr, 0);
	case LL_ARMED:
	case LL_BLOB:
		break;
	}
	return resume(t, tr, 0);
}

bool ll_tracee_event(struct exec_ll_tracer *t, struct ll_tracee *tr, int status)
{
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		if (WIFSIGNALED(status))
			ll_report(t, tr, EXEC_LL_GONE, "died of signal %d before the domain was applied",
				  WTERMSIG(status));
		else
			ll_report(t, tr, EXEC_LL_GONE, "exited (%d) before the domain was applied",
				  WEXITSTATUS(status));
		return true;
	}
	if (!WIFSTOPPED(status))
		return false;
	int sig = WSTOPSIG(status), event = status >> 16;
	if (sig == SIGTRAP && event == PTRACE_EVENT_EXEC) {
		if (tr->state != LL_ARMED)
			return fail(t, tr, "a second exec stop before the domain was applied", 0);
		return at_exec(t, tr);
	}
	if (event == PTRACE_EVENT_STOP) {
		if (tr->state == LL_ARMED && sig == SIGTRAP) {
			/* The interrupt asked for at arm time, taken at the first
			 * return to user mode: without an exec stop before it, the
			 * execve failed (or was answered with an error). */
			struct user_regs_struct r;
			long rv = ptrace(PTRACE_GETREGS, tr->pid, 0, &r) == 0 ? (long)r.rax : 0;
			/* ERESTARTSYS..ERESTART_RESTARTBLOCK (512-516, kernel-internal):
			 * the interrupt itself aborted the notification, which only a
			 * listener without WAIT_KILLABLE_RECV allows; it would loop. */
			if (rv <= -512 && rv >= -516)
				return fail(t, tr,
					    "execve restarted by the tracer's interrupt: the listener needs "
					    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
					    0);
			snprintf(tr->rep.why, sizeof tr->rep.why, "execve failed: %s",
				 rv < 0 ? errno_name((int)-rv) : "no exec stop");
			plan_close(tr);
			tr->state = LL_WAIT_ENTRY;
		}
		/* A group stop in this short window is not kept (documented). */
		return resume(t, tr, 0);
	}
	if (sig == (SIGTRAP | 0x80))
		return at_syscall(t, tr);
	if (tr->state == LL_BLOB && sig == SIGTRAP && event == 0)
		return at_blob_trap(t, tr);
	/* A signal for the tracee: deliver it. After the exec every handler is
	 * the default one, so no code of the image runs before the domain. */
	return resume(t, tr, sig);
}

#else /* !__x86_64__ */

void ll_kill_reap(pid_t pid)
{
	kill(pid, SIGKILL);
	int st;
	while (syscall(SYS_wait4, pid, &st, __WALL | __WNOTHREAD, NULL) < 0 && errno == EINTR)
		;
}

void ll_report_kept(struct exec_ll_tracer *t, struct ll_tracee *tr, enum exec_ll_outcome o)
{
	tr->rep.outcome = o;
	t->cfg.done(t->cfg.ctx, &tr->rep);
}

void ll_report(struct exec_ll_tracer *t, struct ll_tracee *tr, enum exec_ll_outcome o,
	       const char *fmt, ...)
{
	(void)fmt;
	ll_report_kept(t, tr, o);
}

bool ll_tracee_event(struct exec_ll_tracer *t, struct ll_tracee *tr, int status)
{
	(void)status;
	ll_kill_reap(tr->pid);
	ll_report(t, tr, EXEC_LL_KILLED, "not supported on this architecture");
	return true;
}

#endif
