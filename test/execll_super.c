/* execll_super: a small test supervisor for Landlock-at-exec
 * (shell/exec_landlock.h), run by test/execll.sh and bench/session_exec.
 *
 *   execll_super [-a PATH]... [-w PATH]... [-A PATH]... [--exe-prefix P] [--fake-restrict]
 *                [--regs] [--allow-addrule] [--no-arm] [-q] -- PROG [ARG...]
 *
 * Forks PROG under a filter that traps execve/execveat with a listener
 * (WAIT_KILLABLE_RECV) and refuses landlock_add_rule, as the session filter
 * must. PROG's own first execve is answered CONTINUE; every later execve of
 * a process that has no domain yet is armed with a ruleset built from the
 * -a (read) and -w (write) paths, then answered CONTINUE; descendants of a
 * restricted process inherit its domain and are not armed again. Each
 * outcome is printed to stderr as one line:
 *   execll: <outcome> pid=<pid> tid=<tid> [via=blob|regs] [exe=<path>] [why=<text>]
 * and a fallback as "execll: fallback pid=<pid> why=<text>".
 * -A PATH builds a second ruleset (a second layer) from the -A paths: both
 * are applied, so a read must be allowed by each.
 * --regs uses only the register method (EXEC_LL_METHOD_REGS).
 * --reap-any[-nothread] adds a thread that reaps with waitpid(-1, WNOHANG)
 * [| __WNOTHREAD], as a supervisor's SIGCHLD loop might.
 * --no-killable installs the filter without WAIT_KILLABLE_RECV, which
 * exec_landlock.h requires: the interrupt stop then aborts the notification.
 * --delay-continue MS waits between arming and CONTINUE (under 1000 ms):
 * the window in which a sibling thread holds the ruleset fd, made wide.
 * --no-arm only traps and CONTINUEs (the control). Exits with
 * PROG's status once it and every armed process are done. */

#include "exec_landlock.h"
#include "ll_ruleset.h"
#include "lang/policy.h"
#include "util/fdpass.h"
#include "util/kernel_compat.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static bool quiet;
static const char *exe_prefix;
static pthread_mutex_t applied_mu = PTHREAD_MUTEX_INITIALIZER;
static pid_t applied[4096];
static size_t napplied;

static void on_done(void *ctx, const struct exec_ll_report *r)
{
	(void)ctx;
	if (r->cookie != 7)
		fprintf(stderr, "execll: bad cookie %llu\n", (unsigned long long)r->cookie);
	if (r->outcome == EXEC_LL_APPLIED) {
		pthread_mutex_lock(&applied_mu);
		if (napplied < sizeof applied / sizeof applied[0])
			applied[napplied++] = r->pid;
		pthread_mutex_unlock(&applied_mu);
	}
	if (quiet && r->outcome == EXEC_LL_APPLIED)
		return;
	fprintf(stderr, "execll: %s pid=%d tid=%d%s%s%s%s%s\n", exec_ll_outcome_name(r->outcome),
		(int)r->pid, (int)r->tid,
		r->outcome != EXEC_LL_APPLIED ? "" : r->by_blob ? " via=blob" : " via=regs",
		r->exe[0] ? " exe=" : "", r->exe, r->why[0] ? " why=" : "", r->why);
}

static bool exe_ok(void *ctx, const struct exec_ll_report *r, char *why, size_t whylen)
{
	(void)ctx;
	if (r->cookie != 7) {
		snprintf(why, whylen, "the arm's cookie did not come back");
		return false;
	}
	if (strncmp(r->exe, exe_prefix, strlen(exe_prefix)) == 0)
		return true;
	snprintf(why, whylen, "not under %s", exe_prefix);
	return false;
}

/* --reap-any: a thread reaping as session.c's main loop does,
 * waitpid(-1, WNOHANG), with or without __WNOTHREAD. */
static int reap_flags;
static void *reaper(void *arg)
{
	(void)arg;
	for (;;) {
		int st;
		while (waitpid(-1, &st, WNOHANG | reap_flags) > 0)
			;
		sched_yield();
	}
	return NULL;
}

static pid_t ppid_of(pid_t pid, pid_t *tgid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	pid_t pp = -1;
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "Tgid:", 5) == 0 && tgid)
			*tgid = atoi(line + 5);
		if (strncmp(line, "PPid:", 5) == 0)
			pp = atoi(line + 5);
	}
	fclose(f);
	return pp;
}

/* Whether pid or one of its ancestors got a domain already. */
static bool restricted(pid_t pid)
{
	pid_t tgid = pid;
	pid_t p = ppid_of(pid, &tgid);
	pid_t cur = tgid;
	for (int depth = 0; depth < 64 && cur > 1; depth++) {
		pthread_mutex_lock(&applied_mu);
		bool hit = false;
		for (size_t i = 0; i < napplied; i++)
			hit |= applied[i] == cur;
		pthread_mutex_unlock(&applied_mu);
		if (hit)
			return true;
		cur = p;
		p = ppid_of(cur, NULL);
	}
	return false;
}

static int install_filter(bool allow_addrule, bool killable)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4), /* arch */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0), /* nr */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_execve, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_execveat, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_landlock_add_rule, 2, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, allow_addrule ? SECCOMP_RET_ALLOW : (SECCOMP_RET_ERRNO | EPERM)),
	};
	struct sock_fprog prog = { .len = sizeof f / sizeof f[0], .filter = f };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			    SECCOMP_FILTER_FLAG_NEW_LISTENER |
				    (killable ? SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV : 0),
			    &prog);
}

static void answer(int lfd, uint64_t id, bool cont, int err)
{
	struct seccomp_notif_resp resp;
	memset(&resp, 0, sizeof resp);
	resp.id = id;
	if (cont)
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	else
		resp.error = -err;
	ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

int main(int argc, char **argv)
{
	struct policy pol, pol2;
	policy_init(&pol);
	policy_init(&pol2);
	bool fake = false, allow_addrule = false, no_arm = false, regs = false;
	int delay_ms = 0;
	bool killable = true;
	int reap_any = 0;
	int i = 1;
	struct srcpos at = { 0 };
	for (; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "-a") == 0 && i + 1 < argc)
			plist_add(&pol.fs.allow, argv[++i], at);
		else if (strcmp(argv[i], "-A") == 0 && i + 1 < argc)
			plist_add(&pol2.fs.allow, argv[++i], at);
		else if (strcmp(argv[i], "-w") == 0 && i + 1 < argc)
			plist_add(&pol.fs.allow_write, argv[++i], at);
		else if (strcmp(argv[i], "--exe-prefix") == 0 && i + 1 < argc)
			exe_prefix = argv[++i];
		else if (strcmp(argv[i], "--fake-restrict") == 0)
			fake = true;
		else if (strcmp(argv[i], "--allow-addrule") == 0)
			allow_addrule = true;
		else if (strcmp(argv[i], "--delay-continue") == 0 && i + 1 < argc)
			delay_ms = atoi(argv[++i]);
		else if (strcmp(argv[i], "--reap-any") == 0)
			reap_any = 1;
		else if (strcmp(argv[i], "--reap-any-nothread") == 0)
			reap_any = 2;
		else if (strcmp(argv[i], "--no-killable") == 0)
			killable = false;
		else if (strcmp(argv[i], "--regs") == 0)
			regs = true;
		else if (strcmp(argv[i], "--no-arm") == 0)
			no_arm = true;
		else if (strcmp(argv[i], "-q") == 0)
			quiet = true;
		else {
			fprintf(stderr, "execll_super: unknown argument %s\n", argv[i]);
			return 2;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "usage: execll_super [options] -- PROG [ARG...]\n");
		return 2;
	}
	/* As the session supervisor is (DESIGN.md section 8): not dumpable, so
	 * a same-user process cannot strace it. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	char err[300];
	long abi = can_landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0)
		abi = -errno;
	int rs = ll_ruleset_build(&pol, NULL, 0, (int)abi, err, sizeof err);
	if (rs < 0) {
		fprintf(stderr, "can: ruleset: %s\n", err);
		return 126;
	}
	int rs2 = -1;
	if (pol2.fs.allow.n) {
		rs2 = ll_ruleset_build(&pol2, NULL, 0, (int)abi, err, sizeof err);
		if (rs2 < 0) {
			fprintf(stderr, "can: second ruleset: %s\n", err);
			return 126;
		}
	}
	struct exec_ll_config cfg = { .done = on_done, .exe_ok = exe_prefix ? exe_ok : NULL,
				      .method = regs ? EXEC_LL_METHOD_REGS : EXEC_LL_METHOD_AUTO,
				      .test_flags = fake ? EXEC_LL_TEST_FAKE_RESTRICT : 0 };
	struct exec_ll_tracer *tr = exec_ll_tracer_start(&cfg, err, sizeof err);
	if (!tr) {
		fprintf(stderr, "can: %s\n", err);
		return 126;
	}
	int sp[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		return 126;
	pid_t child = fork();
	if (child == 0) {
		/* A small init between us and PROG: an armed process is never the
		 * supervisor's own child (exec_landlock.h), as in session mode. */
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0); /* as the session's shell sets it back */
		pid_t g = fork();
		if (g > 0) {
			close(sp[0]);
			close(sp[1]);
			int gst;
			while (waitpid(g, &gst, 0) < 0 && errno == EINTR)
				;
			_exit(WIFSIGNALED(gst) ? 128 + WTERMSIG(gst) : WEXITSTATUS(gst));
		}
		close(sp[0]);
		int lfd = install_filter(allow_addrule, killable);
		if (lfd < 0) {
			perror("execll_super: seccomp");
			_exit(126);
		}
		char b = 'L';
		if (fdpass_send(sp[1], &b, 1, lfd) < 0)
			_exit(126);
		close(lfd);
		syscall(SYS_close_range, 3, ~0U, 0);
		execvp(argv[i], argv + i);
		_exit(127);
	}
	close(sp[1]);
	char b;
	int lfd = fdpass_recv(sp[0], &b, 1);
	close(sp[0]);
	if (lfd < 0) {
		fprintf(stderr, "can: listener handover failed\n");
		return 126;
	}
	int pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	if (reap_any) {
		reap_flags = reap_any == 2 ? __WNOTHREAD : 0;
		pthread_t rt;
		pthread_create(&rt, NULL, reaper, NULL);
	}
	bool first = true, child_done = false;
	int status = 0;
	struct seccomp_notif req;
	for (;;) {
		struct pollfd pf[2] = { { .fd = lfd, .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };
		int n = poll(pf, child_done ? 1 : 2, child_done ? 20 : -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (!child_done && (pf[1].revents & POLLIN)) {
			waitpid(child, &status, 0);
			child_done = true;
		}
		if (child_done && !(pf[0].revents & POLLIN)) {
			if (exec_ll_tracer_pending(tr) == 0)
				break;
			continue;
		}
		if (pf[0].revents & (POLLHUP | POLLERR) && !(pf[0].revents & POLLIN)) {
			if (!child_done) {
				waitpid(child, &status, 0);
				child_done = true;
			}
			if (exec_ll_tracer_pending(tr) == 0)
				break;
			continue;
		}
		if (!(pf[0].revents & POLLIN))
			continue;
		memset(&req, 0, sizeof req);
		if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
			continue;
		if (first || no_arm || restricted((pid_t)req.pid)) {
			first = false; /* PROG's own execve */
			answer(lfd, req.id, true, 0);
			continue;
		}
		struct exec_ll_arm_result res;
		int rsv[2] = { rs, rs2 };
		exec_landlock_arm(tr, lfd, req.id, (pid_t)req.pid, rsv, rs2 >= 0 ? 2 : 1, 7, &res);
		switch (res.status) {
		case EXEC_LL_ARMED:
			if (delay_ms > 0) /* widen the window between ADDFD and the exec */
				nanosleep(&(struct timespec){ .tv_nsec = delay_ms * 1000000L }, NULL);
			answer(lfd, req.id, true, 0);
			break;
		case EXEC_LL_FALLBACK:
			fprintf(stderr, "execll: fallback pid=%d why=%s\n", (int)req.pid, res.why);
			answer(lfd, req.id, true, 0); /* a real supervisor emulates instead */
			break;
		case EXEC_LL_ARM_ERROR:
			fprintf(stderr, "execll: arm-error pid=%d why=%s\n", (int)req.pid, res.why);
			kill((pid_t)req.pid, SIGKILL);
			answer(lfd, req.id, false, EPERM);
			break;
		}
	}
	exec_ll_tracer_stop(tr);
	close(rs);
	if (rs2 >= 0)
		close(rs2);
	policy_free(&pol);
	policy_free(&pol2);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
