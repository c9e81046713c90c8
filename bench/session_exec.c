/* bench/session_exec: what one exec costs in session mode.
 *
 * A runner process times N rounds of fork + execve(/bin/true) + waitpid,
 * three ways, in one run:
 *   bare       no filter
 *   continue   execve trapped by a listener and answered CONTINUE (the
 *              synchronous wake-up set when the kernel has it)
 *   ll-blob    trapped, armed with exec_landlock_arm (ADDFD + PTRACE_SEIZE),
 *              CONTINUE, the domain applied and verified at the exec stop by
 *              a blob at the entry point (EXEC_LL_METHOD_AUTO)
 *   ll-regs    the same by registers at syscall-entry stops
 *              (EXEC_LL_METHOD_REGS, what exec-only binaries get)
 * each with everything pinned to one CPU, and with the supervisor (and its
 * tracer thread) on CPU 0 and the runner and its children on CPU 1.
 * Prints the median and p90 per exec in microseconds and the ratios to
 * bare. Nothing is asserted: run `make -C _build/bench session_exec`.
 *
 *   session_exec_bench [N]      (default 400 rounds per case) */
#include "exec_landlock.h"
#include "ll_ruleset.h"
#include "lang/policy.h"
#include "util/fdpass.h"
#include "util/kernel_compat.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum mode { BARE, CONT, LANDLOCK, LANDLOCK_REGS };
static const char *const mode_name[] = { "bare", "continue", "ll-blob", "ll-regs" };
static unsigned long applied, other;
static double arm_us_sum;
static unsigned long arm_n;

static void on_done(void *ctx, const struct exec_ll_report *r)
{
	(void)ctx;
	if (r->outcome == EXEC_LL_APPLIED)
		applied++;
	else {
		other++;
		fprintf(stderr, "session_exec: %s: %s\n", exec_ll_outcome_name(r->outcome), r->why);
	}
}

static void pin(int cpu)
{
	cpu_set_t s;
	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	sched_setaffinity(0, sizeof s, &s);
}

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int install_filter(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_execve, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_landlock_add_rule, 2, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	};
	struct sock_fprog prog = { .len = sizeof f / sizeof f[0], .filter = f };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			    SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, &prog);
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Runs one batch of n rounds of a case; appends the times (µs) to out. */
static int run_case(enum mode m, int runner_cpu, int n, int rs, struct exec_ll_tracer *const trs[2],
		    double *out, bool *sync_set)
{
	int sp[2], res[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0 || pipe2(res, O_CLOEXEC) < 0)
		return -1;
	pid_t r = fork();
	if (r == 0) {
		close(sp[0]);
		close(res[0]);
		pin(runner_cpu);
		if (m != BARE) {
			int lfd = install_filter();
			char b = 'L';
			if (lfd < 0 || fdpass_send(sp[1], &b, 1, lfd) < 0)
				_exit(1);
			close(lfd);
		}
		char go;
		if (read(sp[1], &go, 1) != 1)
			_exit(1);
		double *t = calloc((size_t)n, sizeof *t);
		char *const argv[] = { "/bin/true", NULL };
		for (int i = 0; i < n; i++) {
			double t0 = now_us();
			pid_t c = fork();
			if (c == 0) {
				execv(argv[0], argv);
				_exit(127);
			}
			int st;
			waitpid(c, &st, 0);
			t[i] = now_us() - t0;
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				_exit(2);
		}
		if (write(res[1], t, sizeof *t * (size_t)n) < 0)
			_exit(1);
		_exit(0);
	}
	close(sp[1]);
	close(res[1]);
	int lfd = -1;
	if (m != BARE) {
		char b;
		lfd = fdpass_recv(sp[0], &b, 1);
		if (lfd < 0)
			return -1;
		*sync_set = ioctl(lfd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) == 0;
	}
	if (write(sp[0], "g", 1) != 1)
		return -1;
	for (;;) {
		if (lfd < 0)
			break;
		struct pollfd pf = { .fd = lfd, .events = POLLIN };
		if (poll(&pf, 1, -1) < 0 && errno == EINTR)
			continue;
		if (!(pf.revents & POLLIN))
			break; /* the runner exited: the listener hung up */
		struct seccomp_notif q;
		memset(&q, 0, sizeof q);
		if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, &q) < 0)
			continue;
		if (m == LANDLOCK || m == LANDLOCK_REGS) {
			struct exec_ll_arm_result ar;
			double a0 = now_us();
			int armed = exec_landlock_arm(trs[m == LANDLOCK_REGS], lfd, q.id, (pid_t)q.pid, &rs, 1,
						      0, &ar);
			arm_us_sum += now_us() - a0;
			arm_n++;
			if (armed < 0)
				fprintf(stderr, "session_exec: not armed: %s\n", ar.why);
		}
		struct seccomp_notif_resp resp = { .id = q.id, .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE };
		ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
	double *t = calloc((size_t)n, sizeof *t);
	size_t want = sizeof *t * (size_t)n, got = 0;
	while (got < want) {
		ssize_t k = read(res[0], (char *)t + got, want - got);
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	int st;
	waitpid(r, &st, 0);
	close(res[0]);
	close(sp[0]);
	if (lfd >= 0)
		close(lfd);
	if (got != want) {
		free(t);
		return -1;
	}
	memcpy(out, t, want);
	free(t);
	return 0;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 400;
	if (n < 10)
		n = 10;
	struct policy pol;
	policy_init(&pol);
	struct srcpos at = { 0 };
	const char *ro[] = { "/usr", "/bin", "/lib", "/lib64", "/etc" };
	for (size_t i = 0; i < sizeof ro / sizeof ro[0]; i++)
		plist_add(&pol.fs.allow, ro[i], at);
	char err[300];
	long abi = can_landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0)
		abi = -errno;
	int rs = ll_ruleset_build(&pol, NULL, 0, (int)abi, err, sizeof err);
	if (rs < 0) {
		fprintf(stderr, "session_exec: %s\n", err);
		return 1;
	}
	/* What building a layer's ruleset costs (once per layer change). */
	double b0 = now_us();
	for (int k = 0; k < 100; k++) {
		int r2 = ll_ruleset_build(&pol, NULL, 0, (int)abi, err, sizeof err);
		if (r2 >= 0)
			close(r2);
	}
	double build_us = (now_us() - b0) / 100;
	int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	printf("session_exec: fork + execve(/bin/true) + waitpid, %d rounds per case in 6 interleaved "
	       "batches, Landlock ABI %ld\n",
	       n, abi);
	printf("%-22s %-9s %12s %12s %10s %9s\n", "cpus", "case", "median us", "p90 us", "x bare", "+us");
	for (int layout = 0; layout < (ncpu > 1 ? 2 : 1); layout++) {
		/* The supervisor and its tracer thread (started after pinning)
		 * on CPU 0; the runner on 0 (pinned) or 1 (across). */
		pin(0);
		struct exec_ll_tracer *trs[2];
		for (int k = 0; k < 2; k++) {
			struct exec_ll_config cfg = { .done = on_done,
						      .method = k ? EXEC_LL_METHOD_REGS : EXEC_LL_METHOD_AUTO };
			trs[k] = exec_ll_tracer_start(&cfg, err, sizeof err);
			if (!trs[k]) {
				fprintf(stderr, "session_exec: %s\n", err);
				return 1;
			}
		}
		/* Batches of the four cases interleaved, so that the load of a
		 * shared machine drifting over the run falls on all of them. */
		enum { BATCHES = 6 };
		int per = n / BATCHES > 0 ? n / BATCHES : 1, total = per * BATCHES;
		double *samples[LANDLOCK_REGS + 1];
		bool sync = false;
		for (int m = BARE; m <= LANDLOCK_REGS; m++)
			samples[m] = calloc((size_t)total, sizeof(double));
		for (int b = 0; b < BATCHES; b++) {
			for (int m = BARE; m <= LANDLOCK_REGS; m++) {
				if (run_case((enum mode)m, layout, per, rs, trs, samples[m] + b * per, &sync) < 0) {
					fprintf(stderr, "session_exec: case %s failed\n", mode_name[m]);
					return 1;
				}
			}
		}
		double bare = 0;
		for (int m = BARE; m <= LANDLOCK_REGS; m++) {
			qsort(samples[m], (size_t)total, sizeof(double), cmp_d);
			double med = samples[m][total / 2], p90 = samples[m][total * 9 / 10];
			if (m == BARE)
				bare = med;
			printf("%-22s %-9s %12.1f %12.1f %9.2fx %+9.1f%s\n",
			       layout ? "across (sup 0, run 1)" : "pinned (all on 0)", mode_name[m], med, p90,
			       med / bare, med - bare, m == CONT && !sync ? "  (no sync wake-up)" : "");
			free(samples[m]);
		}
		for (int k = 0; k < 2; k++) {
			while (exec_ll_tracer_pending(trs[k]) > 0)
				usleep(1000);
			exec_ll_tracer_stop(trs[k]);
		}
	}
	printf("landlock: %lu applied, %lu otherwise; exec_landlock_arm itself %.1f us on average; "
	       "ll_ruleset_build (5 paths) %.1f us\n",
	       applied, other, arm_n ? arm_us_sum / (double)arm_n : 0.0, build_us);
	close(rs);
	policy_free(&pol);
	return other ? 1 : 0;
}
