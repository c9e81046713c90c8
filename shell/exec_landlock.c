/* The tracer thread and exec_landlock_arm() (see exec_landlock.h).
 *
 * One thread is the ptrace tracer of every armed process: ptrace requests
 * are only accepted from the thread that attached. It waits for its own
 * tracees only (__WNOTHREAD: the supervisor's real children, such as the
 * shell, stay its main thread's business) and is woken for new requests by
 * EXEC_LL_WAKE_SIGNAL. waitid cannot wait for a signal and a child at once
 * without a race, so the wait is a peek (WNOWAIT) with the signal unblocked
 * and a handler that siglongjmps back to the request queue; the event is
 * consumed only afterwards, with the signal blocked again, so a wake-up
 * never loses one. */
#include "exec_landlock_int.h"
#include "util/kernel_compat.h"
#include "util/procfs.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static __thread sigjmp_buf *tls_wake_jb;

static void on_wake(int sig)
{
	(void)sig;
	if (tls_wake_jb)
		siglongjmp(*tls_wake_jb, 1);
}

static int install_wake_handler(void)
{
	static pthread_mutex_t once = PTHREAD_MUTEX_INITIALIZER;
	static bool done;
	int rc = 0;
	pthread_mutex_lock(&once);
	if (!done) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_wake; /* no SA_RESTART: waitid must return */
		sigemptyset(&sa.sa_mask);
		rc = sigaction(EXEC_LL_WAKE_SIGNAL, &sa, NULL);
		done = rc == 0;
	}
	pthread_mutex_unlock(&once);
	return rc;
}

const char *exec_ll_outcome_name(enum exec_ll_outcome o)
{
	switch (o) {
	case EXEC_LL_APPLIED:
		return "applied";
	case EXEC_LL_EXEC_FAILED:
		return "exec-failed";
	case EXEC_LL_KILLED:
		return "killed";
	case EXEC_LL_GONE:
		return "gone";
	}
	return "?";
}

static long kcmp_files(pid_t a, pid_t b)
{
	return syscall(SYS_kcmp, a, b, KCMP_FILES, 0, 0);
}

/* Tgid and PPid of a thread, from one read of /proc/TID/status (the Name
 * line before them is escaped by the kernel: no forged lines). */
static int tgid_ppid(pid_t pid, pid_t *tgid, pid_t *ppid)
{
	char path[64], buf[PROCFS_STATUS_MAX];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	ssize_t n = procfs_read(path, buf, sizeof buf);
	unsigned long long t, p;
	if (n < 0 || procfs_field(buf, (size_t)n, "Tgid:", 10, &t) < 0 ||
	    procfs_field(buf, (size_t)n, "PPid:", 10, &p) < 0)
		return -1;
	*tgid = (pid_t)t;
	*ppid = (pid_t)p;
	return 0;
}

/* Whether pid's fd table is shared with its parent or a child (clone with
 * CLONE_FILES): that process would keep the ruleset fd after the exec, which
 * only closes it in the exec'ing process's own copy. 0 = not shared, 1 =
 * shared (names the process in why), -1 = cannot tell. */
static int files_shared(pid_t pid, pid_t tgid, pid_t ppid, char *why, size_t whylen)
{
	if (ppid > 0) {
		long r = kcmp_files(pid, ppid);
		if (r == 0) {
			snprintf(why, whylen, "shares its fd table with its parent %d (CLONE_FILES)", (int)ppid);
			return 1;
		}
		if (r < 0 && errno != ESRCH) {
			snprintf(why, whylen, "kcmp with parent %d: %s", (int)ppid, errno_name(errno));
			return -1;
		}
	}
	char dir[64];
	snprintf(dir, sizeof dir, "/proc/%d/task", (int)tgid);
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(why, whylen, "open %s: %s", dir, errno_name(errno));
		return -1;
	}
	int rc = 0;
	struct dirent *de;
	while (rc == 0 && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char cpath[384], buf[4096];
		snprintf(cpath, sizeof cpath, "%s/%s/children", dir, de->d_name);
		int fd = open(cpath, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, buf, sizeof buf - 1);
		close(fd);
		buf[n > 0 ? n : 0] = '\0';
		for (char *p = buf, *end; rc == 0 && *p; p = end) {
			long c = strtol(p, &end, 10);
			if (end == p)
				break;
			long r = kcmp_files(pid, (pid_t)c);
			if (r == 0) {
				snprintf(why, whylen, "shares its fd table with its child %ld (CLONE_FILES)", c);
				rc = 1;
			} else if (r < 0 && errno != ESRCH) {
				snprintf(why, whylen, "kcmp with child %ld: %s", c, errno_name(errno));
				rc = -1;
			}
		}
	}
	closedir(d);
	return rc;
}

static struct ll_tracee *find_tracee(struct exec_ll_tracer *t, pid_t pid, bool by_tid)
{
	for (struct ll_tracee *tr = t->tracees; tr; tr = tr->next)
		if ((by_tid ? tr->tid : tr->pid) == pid)
			return tr;
	return NULL;
}

static void set_res(struct exec_ll_arm_result *res, enum exec_ll_arm_status st, const char *what,
		    int err)
{
	res->status = st;
	if (err)
		snprintf(res->why, sizeof res->why, "%s: %s: %s", what, errno_name(err), strerror(err));
	else
		snprintf(res->why, sizeof res->why, "%s", what);
}

/* On the tracer thread: seize, ask for the interrupt stop, install the fd. */
static void do_arm(struct exec_ll_tracer *t, struct ll_req *q)
{
	struct exec_ll_arm_result *res = q->res;
	res->target_fd = -1;
	res->why[0] = '\0';
	if (t->probe <= 0) {
		set_res(res, EXEC_LL_FALLBACK, "the probe process is gone", 0);
		return;
	}
	if (find_tracee(t, q->pid, true)) {
		/* The same thread notified again while armed: its execve was
		 * restarted, which WAIT_KILLABLE_RECV rules out (and the interrupt
		 * stop kills it for); never stack a second fd. */
		set_res(res, EXEC_LL_ARM_ERROR, "armed already", 0);
		return;
	}
	char why[200];
	pid_t tgid = 0, ppid = 0;
	if (tgid_ppid(q->pid, &tgid, &ppid) < 0) {
		set_res(res, EXEC_LL_FALLBACK, "read /proc/PID/status", errno);
		return;
	}
	if (ppid == getpid()) {
		/* Our own child: its exit would race between this thread's wait
		 * and the supervisor's own waitpid (same thread group). */
		set_res(res, EXEC_LL_FALLBACK, "a child of the supervisor itself is not traced", 0);
		return;
	}
	int sh = files_shared(q->pid, tgid, ppid, why, sizeof why);
	if (sh != 0) {
		set_res(res, EXEC_LL_FALLBACK, why, 0);
		return;
	}
	long opts = PTRACE_O_TRACEEXEC | PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL;
	if (ptrace(PTRACE_SEIZE, q->pid, 0, (void *)opts) < 0) {
		int e = errno;
		set_res(res, e == EPERM ? EXEC_LL_FALLBACK : EXEC_LL_ARM_ERROR,
			e == EPERM ? "PTRACE_SEIZE (traced already, e.g. by strace or gdb)"
				   : "PTRACE_SEIZE",
			e);
		return;
	}
	if (ptrace(PTRACE_INTERRUPT, q->pid, 0, 0) < 0) {
		int e = errno;
		ll_kill_reap(q->pid);
		set_res(res, EXEC_LL_ARM_ERROR, "PTRACE_INTERRUPT", e);
		return;
	}
	int fds[EXEC_LL_MAX_RULESETS] = { 0 };
	for (size_t k = 0; k < q->n_rulesets; k++) {
		struct seccomp_notif_addfd add;
		memset(&add, 0, sizeof add);
		add.id = q->notif_id;
		add.srcfd = (__u32)q->ruleset_fds[k];
		add.newfd_flags = 0; /* no O_CLOEXEC: the fd must survive the exec */
		fds[k] = ioctl(q->listener_fd, SECCOMP_IOCTL_NOTIF_ADDFD, &add);
		if (fds[k] < 0) {
			/* Those added already stay in a process that is killed now. */
			int e = errno;
			ll_kill_reap(q->pid);
			set_res(res, EXEC_LL_ARM_ERROR,
				e == ENOENT ? "SECCOMP_IOCTL_NOTIF_ADDFD (the notification is gone: the "
					      "process died, or the listener lacks WAIT_KILLABLE_RECV)"
					    : "SECCOMP_IOCTL_NOTIF_ADDFD",
				e);
			return;
		}
	}
	struct ll_tracee *tr = xcalloc(1, sizeof *tr);
	tr->pid = tr->tid = q->pid;
	memcpy(tr->fds, fds, sizeof fds[0] * q->n_rulesets);
	tr->nfds = (int)q->n_rulesets;
	int fd = fds[0];
	tr->rep.cookie = q->cookie;
	tr->state = LL_ARMED;
	tr->next = t->tracees;
	t->tracees = tr;
	res->status = EXEC_LL_ARMED;
	res->target_fd = fd;
	pthread_mutex_lock(&t->mu);
	t->pending++;
	pthread_mutex_unlock(&t->mu);
}

static bool serve_requests(struct exec_ll_tracer *t)
{
	pthread_mutex_lock(&t->mu);
	struct ll_req *q = t->reqs;
	t->reqs = NULL;
	bool stop = t->stopping;
	pthread_mutex_unlock(&t->mu);
	while (q) {
		struct ll_req *next = q->next;
		do_arm(t, q);
		pthread_mutex_lock(&t->mu);
		q->done = true;
		pthread_cond_broadcast(&t->cv);
		pthread_mutex_unlock(&t->mu);
		q = next;
	}
	return stop;
}

static void drop_tracee(struct exec_ll_tracer *t, struct ll_tracee *tr)
{
	for (struct ll_tracee **pp = &t->tracees; *pp; pp = &(*pp)->next) {
		if (*pp == tr) {
			*pp = tr->next;
			break;
		}
	}
	free(tr);
	pthread_mutex_lock(&t->mu);
	t->pending--;
	pthread_mutex_unlock(&t->mu);
}

static void handle_event(struct exec_ll_tracer *t, pid_t p, int st)
{
	if (p == t->probe) {
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			pthread_mutex_lock(&t->mu);
			t->probe = 0; /* later arms fall back */
			pthread_mutex_unlock(&t->mu);
		}
		return;
	}
	struct ll_tracee *tr = find_tracee(t, p, false);
	if (!tr && WIFSTOPPED(st) && (st >> 16) == PTRACE_EVENT_EXEC) {
		/* A thread other than the leader called execve: it now runs
		 * under the tgid; the event message is its former tid. */
		unsigned long former = 0;
		if (ptrace(PTRACE_GETEVENTMSG, p, 0, &former) == 0)
			tr = find_tracee(t, (pid_t)former, true);
		if (tr)
			tr->pid = p;
	}
	if (!tr) {
		/* Not ours (cannot happen with __WNOTHREAD): let it go. */
		if (WIFSTOPPED(st))
			ptrace(PTRACE_DETACH, p, 0, 0);
		return;
	}
	if (ll_tracee_event(t, tr, st))
		drop_tracee(t, tr);
}

static void *tracer_main(void *arg)
{
	struct exec_ll_tracer *t = arg;
	sigset_t wake;
	sigemptyset(&wake);
	sigaddset(&wake, EXEC_LL_WAKE_SIGNAL);
	/* Blocked by the creator before the thread started; stays blocked
	 * except around the waiting peek. */
	static __thread sigjmp_buf jb;
	tls_wake_jb = &jb;
	pthread_mutex_lock(&t->mu);
	t->tid = (pid_t)syscall(SYS_gettid);
	pid_t probe = fork();
	if (probe == 0) {
		/* The probe: outside every Landlock domain, never signalled. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	if (probe < 0)
		snprintf(t->start_err, sizeof t->start_err, "fork the probe process: %s: %s",
			 errno_name(errno), strerror(errno));
	t->probe = probe > 0 ? probe : 0;
	t->ready = true;
	pthread_cond_broadcast(&t->cv);
	pthread_mutex_unlock(&t->mu);
	if (probe < 0)
		return NULL;
	for (;;) {
		sigsetjmp(jb, 1); /* a wake-up lands here, the signal blocked again */
		if (serve_requests(t))
			break;
		siginfo_t si;
		memset(&si, 0, sizeof si);
		pthread_sigmask(SIG_UNBLOCK, &wake, NULL);
		long r = syscall(SYS_waitid, P_ALL, 0, &si,
				 WEXITED | WSTOPPED | WNOWAIT | __WALL | __WNOTHREAD, NULL);
		pthread_sigmask(SIG_BLOCK, &wake, NULL);
		if (r < 0) {
			if (errno != EINTR && errno != ECHILD)
				can_warn("exec-landlock: waitid: %s", strerror(errno));
			continue;
		}
		int st;
		pid_t p = (pid_t)syscall(SYS_wait4, si.si_pid, &st, __WALL | __WNOTHREAD | WNOHANG, NULL);
		if (p > 0)
			handle_event(t, p, st);
	}
	tls_wake_jb = NULL;
	if (t->probe > 0) {
		kill(t->probe, SIGKILL);
		waitpid(t->probe, NULL, __WALL);
	}
	/* Still traced: killed by PTRACE_O_EXITKILL when this thread exits. */
	while (t->tracees) {
		struct ll_tracee *n = t->tracees->next;
		kill(t->tracees->pid, SIGKILL);
		free(t->tracees);
		t->tracees = n;
	}
	return NULL;
}

static void wake(struct exec_ll_tracer *t)
{
	syscall(SYS_tgkill, getpid(), t->tid, EXEC_LL_WAKE_SIGNAL);
}

struct exec_ll_tracer *exec_ll_tracer_start(const struct exec_ll_config *cfg, char *err,
					    size_t errlen)
{
	if (!cfg || !cfg->done) {
		snprintf(err, errlen, "exec-landlock: no done callback");
		return NULL;
	}
#if !defined(__x86_64__)
	snprintf(err, errlen, "exec-landlock: only x86-64 is supported");
	return NULL;
#endif
	long abi = can_landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 6) {
		/* The verification needs signal scoping (ABI 6): without it there
		 * is no Landlock-at-exec, and the caller emulates. */
		if (abi < 0)
			snprintf(err, errlen, "exec-landlock: Landlock is not available: %s",
				 errno_name(errno));
		else
			snprintf(err, errlen,
				 "exec-landlock: Landlock ABI %ld has no signal scoping (6): the domain "
				 "applied at exec could not be verified",
				 abi);
		return NULL;
	}
	if (install_wake_handler() < 0) {
		snprintf(err, errlen, "exec-landlock: install the wake-up handler: %s", strerror(errno));
		return NULL;
	}
	struct exec_ll_tracer *t = xcalloc(1, sizeof *t);
	t->cfg = *cfg;
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->cv, NULL);
	sigset_t wake_set, old;
	sigemptyset(&wake_set);
	sigaddset(&wake_set, EXEC_LL_WAKE_SIGNAL);
	pthread_sigmask(SIG_BLOCK, &wake_set, &old);
	int e = pthread_create(&t->thread, NULL, tracer_main, t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e) {
		snprintf(err, errlen, "exec-landlock: start the tracer thread: %s", strerror(e));
		free(t);
		return NULL;
	}
	pthread_mutex_lock(&t->mu);
	while (!t->ready)
		pthread_cond_wait(&t->cv, &t->mu);
	bool failed = t->start_err[0] != '\0';
	if (failed)
		snprintf(err, errlen, "exec-landlock: %s", t->start_err);
	pthread_mutex_unlock(&t->mu);
	if (failed) {
		pthread_join(t->thread, NULL);
		free(t);
		return NULL;
	}
	return t;
}

void exec_ll_tracer_stop(struct exec_ll_tracer *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->mu);
	t->stopping = true;
	pthread_mutex_unlock(&t->mu);
	wake(t);
	pthread_join(t->thread, NULL);
	pthread_mutex_destroy(&t->mu);
	pthread_cond_destroy(&t->cv);
	free(t);
}

unsigned exec_ll_tracer_pending(struct exec_ll_tracer *t)
{
	pthread_mutex_lock(&t->mu);
	unsigned n = t->pending;
	pthread_mutex_unlock(&t->mu);
	return n;
}

pid_t exec_ll_tracer_probe_pid(struct exec_ll_tracer *t)
{
	pthread_mutex_lock(&t->mu);
	pid_t p = t->probe;
	pthread_mutex_unlock(&t->mu);
	return p;
}

int exec_landlock_arm(struct exec_ll_tracer *t, int listener_fd, uint64_t notif_id, pid_t pid,
		      const int *ruleset_fds, size_t n_rulesets, uint64_t cookie,
		      struct exec_ll_arm_result *res)
{
	memset(res, 0, sizeof *res);
	res->target_fd = -1;
	if ((pid_t)syscall(SYS_gettid) == t->tid) {
		set_res(res, EXEC_LL_ARM_ERROR, "exec_landlock_arm called on the tracer thread", 0);
		return -1;
	}
	if (n_rulesets < 1 || n_rulesets > EXEC_LL_MAX_RULESETS) {
		set_res(res, EXEC_LL_ARM_ERROR, "between 1 and EXEC_LL_MAX_RULESETS rulesets", 0);
		return -1;
	}
	struct ll_req q = { .pid = pid, .listener_fd = listener_fd, .ruleset_fds = ruleset_fds,
			    .n_rulesets = n_rulesets,
			    .notif_id = notif_id, .cookie = cookie, .res = res };
	pthread_mutex_lock(&t->mu);
	if (t->stopping) {
		pthread_mutex_unlock(&t->mu);
		set_res(res, EXEC_LL_FALLBACK, "the tracer is stopping", 0);
		return -1;
	}
	q.next = t->reqs;
	/* q lives until the tracer marks it done, which this function waits for. */
	// cppcheck-suppress autoVariables
	t->reqs = &q;
	pthread_mutex_unlock(&t->mu);
	wake(t);
	pthread_mutex_lock(&t->mu);
	while (!q.done)
		pthread_cond_wait(&t->cv, &t->mu);
	pthread_mutex_unlock(&t->mu);
	return res->status == EXEC_LL_ARMED ? 0 : -1;
}
