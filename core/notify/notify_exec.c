/* execve/execveat: decided on the copied path, then CONTINUEd (the kernel
 * cannot be asked to exec a file the supervisor chose), then verified:
 * /proc/PID/exe must become the decided binary (or its #! interpreter);
 * anything else is killed. The verification runs at the next notification
 * of that process and from a watchdog thread every millisecond
 * (docs/notify.md, "The exec limit"; ADR 0061). */
#include "notify/notify_int.h"
#include "util/procfs.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* "#!/bin/sh -e" at the start of an executable: its interpreter's path. */
static bool read_interpreter(int opath, char *out, size_t size)
{
	char p[64], buf[256];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", opath);
	int fd = open(p, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 3 || buf[0] != '#' || buf[1] != '!')
		return false;
	buf[n] = '\0';
	char *s = buf + 2;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t len = strcspn(s, " \t\n");
	if (len == 0 || len >= size || s[len] == '\0')
		return false;
	memcpy(out, s, len);
	out[len] = '\0';
	return true;
}

void notify_handle_exec(struct notify_req *q)
{
	const struct seccomp_data *d = &q->n->data;
	char path[PATH_MAX];
	int dirfd = AT_FDCWD, flags = 0;
	uint64_t paddr;
	if (d->nr == SYS_execve) {
		q->syscall = "execve";
		paddr = d->args[0];
	} else {
		q->syscall = "execveat";
		dirfd = (int)d->args[0], paddr = d->args[1], flags = (int)d->args[4];
	}
	ssize_t n = notify_mem_read_string(q->pid, paddr, path, sizeof(path));
	if (n < 0) {
		notify_req_error(q, (int)-n);
		return;
	}
	snprintf(q->path, sizeof(q->path), "%s", path);
	int fd;
	if (path[0] == '\0' && (flags & AT_EMPTY_PATH)) {
		/* fexecve, memfds: the file behind the target's fd. */
		fd = notify_target_dir(q->pid, dirfd);
	} else {
		int of = O_PATH | ((flags & AT_SYMLINK_NOFOLLOW) ? O_NOFOLLOW : 0);
		fd = notify_resolve(q, dirfd, path, of, 0);
	}
	if (fd < 0) {
		notify_req_error(q, -fd);
		return;
	}
	struct stat bin, interp;
	bool has_interp = false;
	char ipath[PATH_MAX];
	if (fstat(fd, &bin) < 0 || notify_real_path(q, fd, q->path, sizeof(q->path)) < 0) {
		notify_req_error(q, EACCES);
		close(fd);
		return;
	}
	struct notify_decision dec = notify_decide_exec(q->rules, q->path);
	if (dec.verdict == NOTIFY_ALLOW && read_interpreter(fd, ipath, sizeof(ipath))) {
		/* The kernel will run the interpreter: it needs the same right,
		 * and it is what /proc/PID/exe will show afterwards. */
		int ifd = notify_resolve(q, AT_FDCWD, ipath, O_PATH, 0);
		if (ifd >= 0 && fstat(ifd, &interp) == 0 &&
		    notify_real_path(q, ifd, q->path2, sizeof(q->path2)) == 0) {
			has_interp = true;
			dec = notify_decide_exec(q->rules, q->path2);
		}
		if (ifd >= 0)
			close(ifd);
	}
	close(fd);
	if (!notify_req_permit(q, dec) || !notify_req_valid(q))
		return;
	/* An observer (can run -m, ADR 0200) has every exec allowed: a binary
	 * swapped after this check could only make its report wrong, never
	 * run what a rule refuses, so there is nothing to verify. Verifying
	 * cost a /proc read, a pidfd and a /proc/PID/exe stat per exec, and
	 * kept the watchdog waking every millisecond (ADR 0206). */
	bool observer = notify_req_mode(q) == NOTIFY_MONITOR && notify_req_config(q)->on_seen;
	if (!observer && (notify_rules_any_exec(q->rules) || notify_rules_any_fs(q->rules)))
		notify_exec_expect(q, &bin, has_interp ? &interp : NULL);
	/* execve cannot be emulated: the kernel reads the path again.
	 * notify_exec_expect arranged the check of what actually ran. */
	q->answer = ANSWER_CONTINUE;
}

static bool stat_exe(pid_t pid, struct stat *st)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/%d/exe", (int)pid);
	return stat(p, st) == 0;
}

static pid_t read_tgid(pid_t tid)
{
	unsigned long long v;
	if (procfs_status_field(tid, "Tgid:", 10, &v) < 0 || v == 0)
		return tid;
	return (pid_t)v;
}

void notify_exec_expect(struct notify_req *q, const struct stat *bin, const struct stat *interp)
{
	struct notify_engine *e = q->eng;
	struct exec_watch w = { .tid = q->pid, .tgid = read_tgid(q->pid), .pidfd = -1 };
	struct stat prev;
	w.dev = bin->st_dev, w.ino = bin->st_ino;
	if (interp) {
		w.has_interp = true;
		w.idev = interp->st_dev, w.iino = interp->st_ino;
	}
	if (stat_exe(q->pid, &prev))
		w.pdev = prev.st_dev, w.pino = prev.st_ino;
	long fd = syscall(SYS_pidfd_open, w.tgid, 0);
	w.pidfd = fd < 0 ? -1 : (int)fd;
	clock_gettime(CLOCK_MONOTONIC, &w.since);
	pthread_mutex_lock(&e->lock);
	size_t i;
	for (i = 0; i < e->nwatch; i++)
		if (e->watch[i].tgid == w.tgid)
			break;
	if (i < e->nwatch) {
		if (e->watch[i].pidfd >= 0)
			close(e->watch[i].pidfd);
	} else {
		if (e->nwatch == e->capwatch) {
			e->capwatch = e->capwatch ? e->capwatch * 2 : 16;
			e->watch = xrealloc(e->watch, e->capwatch * sizeof(*e->watch));
		}
		e->nwatch++;
	}
	e->watch[i] = w;
	atomic_store(&e->nwatch_active, (int)e->nwatch);
	pthread_cond_signal(&e->watch_cond);
	pthread_mutex_unlock(&e->lock);
}

/* Verdict on one watch: 1 settled (ok, or the exec failed), 0 pending,
 * -1 mismatch (killed). Lock held. */
static int verify_watch(struct notify_engine *e, struct exec_watch *w, pid_t caller, bool caller_in_exec)
{
	struct stat st;
	if (w->pidfd >= 0) {
		struct pollfd p = { w->pidfd, POLLIN, 0 };
		if (poll(&p, 1, 0) == 1)
			return 1; /* exited */
	}
	if (!stat_exe(w->tgid, &st))
		return 1; /* gone */
	atomic_fetch_add(&e->exec_checked, 1);
	if ((st.st_dev == w->dev && st.st_ino == w->ino) ||
	    (w->has_interp && st.st_dev == w->idev && st.st_ino == w->iino))
		return 1;
	if (st.st_dev == w->pdev && st.st_ino == w->pino) {
		/* Still the old program. If the thread that called execve is
		 * making another call, the execve returned: it failed. */
		return caller == w->tid && !caller_in_exec ? 1 : 0;
	}
	/* What runs instead, read before the kill takes it away. */
	char exe[PATH_MAX], p[64];
	snprintf(p, sizeof(p), "/proc/%d/exe", (int)w->tgid);
	ssize_t n = readlink(p, exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	/* Under monitor the mismatch is recorded, not enforced. */
	bool kill_it = !e->cfg.no_exec_kill && e->cfg.mode == NOTIFY_ENFORCE;
	if (kill_it) {
		if (w->pidfd >= 0)
			syscall(SYS_pidfd_send_signal, w->pidfd, SIGKILL, NULL, 0);
		else
			kill(w->tgid, SIGKILL);
	}
	atomic_fetch_add(&e->exec_killed, 1);
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	uint64_t ns = (uint64_t)((now.tv_sec - w->since.tv_sec) * 1000000000LL + (now.tv_nsec - w->since.tv_nsec));
	atomic_fetch_add(&e->exec_kill_sum_ns, ns);
	if (ns > atomic_load(&e->exec_kill_max_ns))
		atomic_store(&e->exec_kill_max_ns, ns); /* a lock is held: no lost maximum */
	if (e->cfg.events) {
		struct notify_decision d = { NOTIFY_REFUSE, 0, "exec verification", NULL, { 0 } };
		struct notify_event ev = {
			.pid = w->tgid, .syscall = "execve",
			.exe = exe[0] ? exe : NULL, .path = exe[0] ? exe : NULL,
			.detail = kill_it ? "the program running is not the one the execve was allowed for: killed"
			                  : "the program running is not the one the execve was allowed for",
			.verdict = NOTIFY_REFUSE, .monitor = !kill_it, .decision = &d,
		};
		notify_events_write(e->cfg.events, &ev);
	}
	return -1;
}

static void drop_watch(struct notify_engine *e, size_t i)
{
	if (e->watch[i].pidfd >= 0)
		close(e->watch[i].pidfd);
	e->watch[i] = e->watch[--e->nwatch];
	atomic_store(&e->nwatch_active, (int)e->nwatch);
}

void notify_exec_check(struct notify_engine *e, pid_t pid, bool in_exec)
{
	if (atomic_load(&e->nwatch_active) == 0)
		return;
	pthread_mutex_lock(&e->lock);
	for (size_t i = 0; i < e->nwatch; i++) {
		struct exec_watch *w = &e->watch[i];
		if (w->tid != pid && w->tgid != pid)
			continue;
		if (verify_watch(e, w, pid, in_exec) != 0)
			drop_watch(e, i);
		break;
	}
	pthread_mutex_unlock(&e->lock);
}

/* Checks pending execs every millisecond: a program that makes no trapped
 * call after a swapped execve is still found (within about a millisecond
 * plus scheduling). */
void *notify_exec_watchdog(void *arg)
{
	struct notify_engine *e = arg;
	pthread_mutex_lock(&e->lock);
	while (!atomic_load(&e->stopping)) {
		if (e->nwatch == 0) {
			pthread_cond_wait(&e->watch_cond, &e->lock);
			continue;
		}
		for (size_t i = 0; i < e->nwatch;) {
			if (verify_watch(e, &e->watch[i], 0, false) != 0)
				drop_watch(e, i);
			else
				i++;
		}
		pthread_mutex_unlock(&e->lock);
		struct timespec ts = { 0, 1000 * 1000 };
		nanosleep(&ts, NULL);
		pthread_mutex_lock(&e->lock);
	}
	pthread_mutex_unlock(&e->lock);
	return NULL;
}
