/* The notification engine: the listener, the worker threads, the order of
 * work for each notification, the answers, and the exec verification.
 *
 * Order for every notification (DESIGN section 6):
 *   1. RECV; look up the rules for the pid (NULL: nothing restricts it,
 *      CONTINUE without reading its memory);
 *   2. check a pending exec verification for that process;
 *   3. the handler copies the arguments once, resolves, decides with a pure
 *      function, checks SECCOMP_IOCTL_NOTIF_ID_VALID, then performs the
 *      call or refuses it;
 *   4. answer (SEND or ADDFD with SECCOMP_ADDFD_FLAG_SEND), then record
 *      the event.
 * Workers block in SECCOMP_IOCTL_NOTIF_RECV (not poll: the synchronous
 * wake-up only applies to RECV waiters), one at a time ("The receive
 * turn" below). Stopping interrupts them with a signal
 * (NOTIFY_STOP_SIGNAL, handler installed by notify_engine_start). */
#include "notify/notify_int.h"
#include "seccomp/seccomp_filter.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define NOTIFY_STOP_SIGNAL (SIGRTMIN + 5)

static void stop_handler(int sig) { (void)sig; }

static void *worker_main(void *arg);
static int spawn_worker(struct notify_engine *e);

/* ---- The receive turn ----
 * The kernel wakes every worker waiting in RECV for each notification
 * (its wait queue is not exclusive): with N idle workers a call costs N-1
 * context switches for nothing (measured: 4.9 switches and 22 us per
 * trapped open with the default workers, 2 and 11 us with one; ADR 0206).
 * So one worker at a time holds the turn and receives; the others wait
 * for it on a condition variable. The holder handles a call that cannot
 * block itself (quick(): copy memory, read /proc, answer) and receives
 * again; before anything that may block it hands the turn on
 * (notify_req_may_block, or before the handler for any other call), and
 * a worker is started when none waits for it, as the idle count did. */

static void take_turn(struct notify_engine *e)
{
	pthread_mutex_lock(&e->turn_lock);
	e->turn_waiters++;
	while (e->turn_taken && !atomic_load(&e->stopping))
		pthread_cond_wait(&e->turn_cond, &e->turn_lock);
	e->turn_waiters--;
	e->turn_taken = true;
	pthread_mutex_unlock(&e->turn_lock);
}

static void give_turn(struct notify_engine *e, bool spawn)
{
	pthread_mutex_lock(&e->turn_lock);
	e->turn_taken = false;
	bool nobody = e->turn_waiters == 0;
	pthread_cond_signal(&e->turn_cond);
	pthread_mutex_unlock(&e->turn_lock);
	if (!spawn || !nobody || atomic_load(&e->stopping))
		return;
	pthread_mutex_lock(&e->lock);
	if (e->nthreads < e->cfg.max_workers)
		spawn_worker(e);
	pthread_mutex_unlock(&e->lock);
}

/* Starts one more worker (lock held). */
static int spawn_worker(struct notify_engine *e)
{
	if (e->nthreads == e->capthreads) {
		e->capthreads = e->capthreads ? e->capthreads * 2 : 8;
		e->threads = xrealloc(e->threads, (size_t)e->capthreads * sizeof(*e->threads));
	}
	int r = pthread_create(&e->threads[e->nthreads], NULL, worker_main, e);
	if (r == 0)
		e->nthreads++;
	return -r;
}

static bool is_open(int nr)
{
	return nr == SYS_open || nr == SYS_openat || nr == SYS_openat2 || nr == SYS_creat;
}

/* An open whose flags (a register) ask for no write: what a Landlock
 * domain decides for a reads_in_kernel process. openat2's flags are in
 * the target's memory: never. */
static bool open_reads_only(const struct seccomp_notif *n)
{
	uint64_t fl;
	if (n->data.nr == SYS_open)
		fl = n->data.args[1];
	else if (n->data.nr == SYS_openat)
		fl = n->data.args[2];
	else
		return false;
	return (fl & O_ACCMODE) == O_RDONLY && !(fl & (O_CREAT | O_TRUNC | O_TMPFILE));
}

static bool is_exec(int nr) { return nr == SYS_execve || nr == SYS_execveat; }

/* Handled without anything that may block (notify_lookup.c): the stat
 * family and access always; opens when an observer only sees them. */
static bool quick(const struct notify_engine *e, int nr)
{
	return notify_is_lookup(nr) || (is_open(nr) && e->cfg.mode == NOTIFY_MONITOR && e->cfg.on_seen);
}

static bool is_net(int nr)
{
	return nr == SYS_connect || nr == SYS_bind || nr == SYS_sendto || nr == SYS_sendmsg || nr == SYS_sendmmsg;
}

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

static const int handled[] = {
	SYS_open, SYS_openat, SYS_openat2, SYS_creat,
	SYS_execve, SYS_execveat,
	SYS_connect, SYS_bind, SYS_sendto, SYS_sendmsg, SYS_sendmmsg,
	SYS_unlink, SYS_unlinkat, SYS_rmdir, SYS_mkdir, SYS_mkdirat,
	SYS_rename, SYS_renameat, SYS_renameat2, SYS_symlink, SYS_symlinkat,
	SYS_link, SYS_linkat, SYS_chmod, SYS_fchmodat, SYS_fchmodat2, SYS_truncate,
	SYS_chown, SYS_lchown, SYS_fchownat, SYS_utimensat, SYS_mknod, SYS_mknodat,
	SYS_setxattr, SYS_lsetxattr, SYS_removexattr, SYS_lremovexattr,
};

const int *notify_handled_syscalls(size_t *n)
{
	*n = ARRAY_LEN(handled);
	return handled;
}

static bool is_pathop(int nr)
{
	for (size_t i = 11; i < ARRAY_LEN(handled); i++)
		if (handled[i] == nr)
			return true;
	return false;
}

static void dispatch(struct notify_req *q)
{
	const struct notify_rules *r = q->rules;
	int nr = q->n->data.nr;
	if (!r) {
		q->answer = ANSWER_CONTINUE;
		return;
	}
	/* A rule set that does not restrict what this call touches: no
	 * decision depends on the target's memory, so CONTINUE is exact. */
	bool observe = q->eng->cfg.mode == NOTIFY_MONITOR && q->eng->cfg.on_seen;
	if (is_open(nr) && observe) {
		/* Monitor with an observer: seen, not emulated (notify_lookup.c). */
		notify_handle_lookup(q);
	} else if (is_open(nr)) {
		if (!notify_rules_any_fs(r) || (notify_rules_reads_in_kernel(r) && open_reads_only(q->n)))
			q->answer = ANSWER_CONTINUE;
		else
			notify_handle_open(q);
	} else if (is_exec(nr)) {
		if (!notify_rules_any_fs(r) && !notify_rules_any_exec(r))
			q->answer = ANSWER_CONTINUE;
		else
			notify_handle_exec(q);
		if (observe && q->answer == ANSWER_CONTINUE && q->path[0])
			q->seen = NOTIFY_SEEN_EXEC;
	} else if (is_net(nr)) {
		if (!notify_rules_any_net(r) && !notify_rules_any_fs(r))
			q->answer = ANSWER_CONTINUE;
		else if (nr == SYS_sendto && q->n->data.args[4] == 0)
			q->answer = ANSWER_CONTINUE; /* no address: a register, not memory */
		else
			notify_handle_net(q);
	} else if (notify_is_lookup(nr)) {
		notify_handle_lookup(q);
	} else if (is_pathop(nr)) {
		if (!notify_rules_any_fs(r))
			q->answer = ANSWER_CONTINUE;
		else
			notify_handle_pathop(q);
	} else {
		/* Trapped but not handled here: refuse rather than guess. Under
		 * monitor this is how the filter reports a call it would refuse
		 * (sc_options.monitor_via_notify): record it, let it through. */
		char *name = sc_syscall_name(nr);
		snprintf(q->sysname, sizeof(q->sysname), "%s", name ? name : "?");
		free(name);
		q->syscall = q->sysname;
		const __u64 *a = q->n->data.args;
		snprintf(q->flags, sizeof(q->flags), "args 0x%llx 0x%llx 0x%llx 0x%llx 0x%llx 0x%llx",
		         (unsigned long long)a[0], (unsigned long long)a[1], (unsigned long long)a[2],
		         (unsigned long long)a[3], (unsigned long long)a[4], (unsigned long long)a[5]);
		bool monitor = q->eng->cfg.mode == NOTIFY_MONITOR;
		if (!monitor && q->eng->cfg.decide_other) {
			uint64_t args[6];
			for (int i = 0; i < 6; i++)
				args[i] = a[i];
			int err = q->eng->cfg.decide_other(q->pid, nr, args, q->eng->cfg.ctx);
			if (err == 0) {
				q->answer = ANSWER_CONTINUE;
				return;
			}
			q->record = true;
			q->dec = (struct notify_decision){ NOTIFY_REFUSE, err, "session (a layered process "
			                                   "may reach only its own descendants)", NULL, { 0 } };
			notify_req_error(q, err);
			return;
		}
		q->record = true;
		q->dec = (struct notify_decision){ NOTIFY_REFUSE, ENOSYS,
		                                   monitor ? "syscalls (the seccomp filter refuses it)"
		                                           : "not handled by the notification engine",
		                                   NULL, { 0 } };
		if (monitor)
			q->answer = ANSWER_CONTINUE;
		else
			notify_req_error(q, ENOSYS);
	}
}

static void respond(struct notify_engine *e, struct notify_req *q, struct seccomp_notif_resp *resp)
{
	memset(resp, 0, e->sizes.seccomp_notif_resp);
	resp->id = q->n->id;
	switch (q->answer) {
	case ANSWER_DONE:
		return;
	case ANSWER_ADDFD: {
		struct seccomp_notif_addfd a = {
			.id = q->n->id,
			.flags = SECCOMP_ADDFD_FLAG_SEND,
			.srcfd = (uint32_t)q->fd,
			.newfd = 0,
			.newfd_flags = q->cloexec ? O_CLOEXEC : 0,
		};
		int r = ioctl(q->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a);
		int err = errno;
		close(q->fd);
		q->fd = -1;
		if (r >= 0)
			return;
		if (err == ENOENT) {
			atomic_fetch_add(&e->failed_replies, 1);
			return;
		}
		/* Installing failed (EMFILE in the target...): that is the
		 * call's result; the notification is still unanswered. */
		resp->error = -err;
		break;
	}
	case ANSWER_CONTINUE:
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		break;
	case ANSWER_ERROR:
		resp->error = -q->err;
		break;
	case ANSWER_VALUE:
		resp->val = q->val;
		break;
	}
	if (ioctl(q->listener, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0)
		atomic_fetch_add(&e->failed_replies, 1);
}

static void record(struct notify_engine *e, struct notify_req *q)
{
	if (!q->record || q->dec.verdict != NOTIFY_REFUSE || !e->cfg.events)
		return;
	struct notify_event ev = {
		.pid = q->pid,
		.exe = q->exe[0] ? q->exe : NULL,
		.syscall = q->syscall,
		.path = q->path[0] ? q->path : NULL,
		.path2 = q->path2[0] ? q->path2 : NULL,
		.addr = q->addr[0] ? q->addr : NULL,
		.flags = q->flags[0] ? q->flags : NULL,
		.detail = q->detail,
		.verdict = NOTIFY_REFUSE,
		.monitor = e->cfg.mode == NOTIFY_MONITOR,
		.err = e->cfg.mode == NOTIFY_MONITOR ? 0 : q->dec.err,
		.decision = &q->dec,
	};
	notify_events_write(e->cfg.events, &ev);
}

/* Returns whether the worker still holds the receive turn. */
static bool handle(struct notify_engine *e, const struct seccomp_notif *n, struct seccomp_notif_resp *resp,
                   struct notify_req *q, bool turn)
{
	memset(q, 0, offsetof(struct notify_req, path));
	q->turn = turn;
	q->path[0] = q->path2[0] = q->addr[0] = q->flags[0] = q->exe[0] = '\0';
	q->detail = NULL; /* after the buffers: not covered by the memset */
	q->canon_fd = -1;
	q->eng = e;
	q->n = n;
	q->listener = e->listener;
	q->pid = (pid_t)n->pid;
	q->pidfd = -1;
	q->fd = -1;
	q->syscall = "?";
	atomic_fetch_add(&e->received, 1);
	notify_exec_check(e, q->pid, is_exec(n->data.nr));
	struct notify_exec_call xc = { .pid = q->pid, .nr = n->data.nr, .listener = e->listener, .id = n->id };
	for (int i = 0; i < 6; i++)
		xc.args[i] = n->data.args[i];
	if (e->cfg.on_exec && is_exec(n->data.nr))
		e->cfg.on_exec(&xc, e->cfg.ctx);
	q->rules = e->cfg.rules_for ? e->cfg.rules_for(q->pid, e->cfg.ctx) : NULL;
	dispatch(q);
	if (e->cfg.exec_allowed && is_exec(n->data.nr) && q->rules && q->answer == ANSWER_CONTINUE &&
	    e->cfg.exec_allowed(&xc, e->cfg.ctx) == NOTIFY_EXEC_KILL) {
		/* The hook may have left the process half-armed: it must not
		 * run on (its parent reaps it as any killed child). */
		kill(q->pid, SIGKILL);
		notify_req_error(q, EPERM);
	}
	/* ANSWER_ERROR is also the zeroed default: a path that forgot to
	 * answer fails closed with EIO. */
	if (q->answer == ANSWER_ERROR && q->err == 0)
		q->err = EIO;
	/* Counted before answering: the target may run (and exit, and the
	 * caller read the stats) before the ioctl returns here. */
	bool refusal = q->record && q->dec.verdict == NOTIFY_REFUSE;
	if (refusal)
		atomic_fetch_add(e->cfg.mode == NOTIFY_MONITOR ? &e->monitored : &e->refused, 1);
	if (q->answer == ANSWER_CONTINUE)
		atomic_fetch_add(&e->continued, 1);
	else if (q->answer != ANSWER_DONE && !(refusal && e->cfg.mode == NOTIFY_ENFORCE))
		atomic_fetch_add(&e->emulated, 1);
	if (refusal && e->cfg.events) {
		/* Before answering: afterwards the process may be gone. */
		char p[64];
		snprintf(p, sizeof(p), "/proc/%d/exe", (int)q->pid);
		ssize_t len = readlink(p, q->exe, sizeof(q->exe) - 1);
		q->exe[len > 0 ? len : 0] = '\0';
	}
	respond(e, q, resp);
	/* Monitor: what was seen, told after the answer (off the target's wait). */
	notify_seen_report(q);
	if (q->fd >= 0)
		close(q->fd);
	if (q->pidfd >= 0)
		close(q->pidfd);
	if (q->record && e->cfg.events)
		notify_req_may_block(q); /* the events file may be a pipe */
	record(e, q);
	return q->turn;
}

static void *worker_main(void *arg)
{
	struct notify_engine *e = arg;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, NOTIFY_STOP_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	/* A private fs_struct: umask() for a target's O_CREAT/mkdir affects
	 * this thread only. */
	if (unshare(CLONE_FS) < 0)
		can_warn_errno("notify: unshare(CLONE_FS) for a worker");
	struct seccomp_notif *n = xcalloc(1, e->sizes.seccomp_notif);
	struct seccomp_notif_resp *resp = xcalloc(1, e->sizes.seccomp_notif_resp);
	struct notify_req *q = xmalloc(sizeof(*q));
	int pinned = -1;
	bool turn = false;
	while (!atomic_load(&e->stopping)) {
		if (!turn) {
			take_turn(e);
			turn = true;
			continue; /* stopping may have ended the wait */
		}
		memset(n, 0, e->sizes.seccomp_notif);
		int r = ioctl(e->listener, SECCOMP_IOCTL_NOTIF_RECV, n);
		int err = errno;
		if (r < 0) {
			if (err == EINTR)
				continue;
			if (err == ENOENT) {
				/* The target died before its call was received, or
				 * every filtered process is gone (then RECV fails at
				 * once, forever: the listener reports POLLHUP and the
				 * worker ends; each waiting one then finds the same). */
				struct pollfd p = { e->listener, POLLIN, 0 };
				if (poll(&p, 1, -1) == 1 && (p.revents & POLLHUP) && !(p.revents & POLLIN))
					break;
				continue;
			}
			if (!atomic_load(&e->stopping))
				can_warn("notify: SECCOMP_IOCTL_NOTIF_RECV: %s: %s", errno_name(err), strerror(err));
			break;
		}
		if (!quick(e, n->data.nr)) {
			/* The call may block (a FIFO, a slow disk, a blocking
			 * connect, a hook): another worker receives meanwhile. */
			give_turn(e, true);
			turn = false;
		}
		if (e->cfg.follow_cpu) {
			int cpu = sched_getcpu();
			if (cpu >= 0 && cpu != pinned) {
				cpu_set_t cpus;
				CPU_ZERO(&cpus);
				CPU_SET(cpu, &cpus);
				if (sched_setaffinity(0, sizeof(cpus), &cpus) == 0)
					pinned = cpu;
			}
		}
		turn = handle(e, n, resp, q, turn);
	}
	if (turn)
		give_turn(e, false);
	free(q);
	free(n);
	free(resp);
	return NULL;
}

struct notify_engine *notify_engine_start(int listener, const struct notify_config *cfg)
{
	struct notify_engine *e = xcalloc(1, sizeof(*e));
	e->listener = listener;
	e->cfg = *cfg;
	if (e->cfg.workers <= 0)
		e->cfg.workers = 2;
	if (e->cfg.max_workers < e->cfg.workers)
		e->cfg.max_workers = e->cfg.workers > 16 ? e->cfg.workers : 16;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &e->sizes) < 0) {
		int err = errno;
		free(e);
		errno = err;
		return NULL;
	}
	/* The structs may grow in newer kernels: allocate what it says. */
	if (e->sizes.seccomp_notif < sizeof(struct seccomp_notif))
		e->sizes.seccomp_notif = sizeof(struct seccomp_notif);
	if (e->sizes.seccomp_notif_resp < sizeof(struct seccomp_notif_resp))
		e->sizes.seccomp_notif_resp = sizeof(struct seccomp_notif_resp);
	fcntl(listener, F_SETFD, FD_CLOEXEC);
	if (!cfg->no_sync_wakeup) {
		/* Linux 6.6+: wake the worker on the target's CPU and the target
		 * on the worker's, a round trip without a migration. ENOTTY or
		 * EINVAL on older kernels: run without it. */
		e->sync = ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) == 0;
	}
	if (!cfg->no_dumpable_change)
		prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	struct sigaction sa = { .sa_handler = stop_handler };
	sigemptyset(&sa.sa_mask);
	sigaction(NOTIFY_STOP_SIGNAL, &sa, NULL); /* no SA_RESTART: RECV returns EINTR */
	e->spawn_worker = spawn_worker;
	e->give_turn = give_turn;
	pthread_mutex_init(&e->turn_lock, NULL);
	pthread_cond_init(&e->turn_cond, NULL);
	pthread_mutex_init(&e->lock, NULL);
	pthread_cond_init(&e->watch_cond, NULL);
	pthread_mutex_lock(&e->lock);
	int r = 0;
	for (int i = 0; i < e->cfg.workers && r == 0; i++)
		r = spawn_worker(e);
	if (r == 0)
		r = -pthread_create(&e->watchdog, NULL, notify_exec_watchdog, e);
	e->watchdog_started = r == 0;
	pthread_mutex_unlock(&e->lock);
	if (r < 0) {
		notify_engine_stop(e);
		errno = -r;
		return NULL;
	}
	return e;
}

void notify_engine_stop(struct notify_engine *e)
{
	if (!e)
		return;
	atomic_store(&e->stopping, true);
	pthread_mutex_lock(&e->lock);
	pthread_cond_broadcast(&e->watch_cond);
	pthread_mutex_unlock(&e->lock);
	/* Workers waiting for the receive turn see stopping (take_turn). */
	pthread_mutex_lock(&e->turn_lock);
	pthread_cond_broadcast(&e->turn_cond);
	pthread_mutex_unlock(&e->turn_lock);
	/* Workers blocked in RECV (or in an emulated call) get EINTR; repeat
	 * until each has seen the flag. The thread list only grows while
	 * workers run, so read its length under the lock each time. */
	for (int i = 0;; i++) {
		pthread_mutex_lock(&e->lock);
		int n = e->nthreads;
		pthread_t t = i < n ? e->threads[i] : 0;
		pthread_mutex_unlock(&e->lock);
		if (i >= n)
			break;
		for (;;) {
			pthread_kill(t, NOTIFY_STOP_SIGNAL);
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 5 * 1000 * 1000;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			if (pthread_timedjoin_np(t, NULL, &ts) == 0)
				break;
		}
	}
	if (e->watchdog_started)
		pthread_join(e->watchdog, NULL);
	for (size_t i = 0; i < e->nwatch; i++)
		if (e->watch[i].pidfd >= 0)
			close(e->watch[i].pidfd);
	free(e->watch);
	free(e->threads);
	close(e->listener);
	pthread_mutex_destroy(&e->lock);
	pthread_cond_destroy(&e->watch_cond);
	pthread_mutex_destroy(&e->turn_lock);
	pthread_cond_destroy(&e->turn_cond);
	free(e);
}

void notify_engine_stats(struct notify_engine *e, struct notify_stats *o)
{
	o->received = atomic_load(&e->received);
	o->continued = atomic_load(&e->continued);
	o->emulated = atomic_load(&e->emulated);
	o->refused = atomic_load(&e->refused);
	o->monitored = atomic_load(&e->monitored);
	o->exec_checked = atomic_load(&e->exec_checked);
	o->exec_killed = atomic_load(&e->exec_killed);
	o->failed_replies = atomic_load(&e->failed_replies);
	o->invalid = atomic_load(&e->invalid);
	o->exec_kill_sum_ns = atomic_load(&e->exec_kill_sum_ns);
	o->exec_kill_max_ns = atomic_load(&e->exec_kill_max_ns);
	pthread_mutex_lock(&e->lock);
	o->workers = e->nthreads;
	pthread_mutex_unlock(&e->lock);
}

bool notify_engine_sync_wakeup(const struct notify_engine *e) { return e->sync; }
