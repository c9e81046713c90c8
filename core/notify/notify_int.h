/* Internals shared by the notification engine's files (not an API). */
#ifndef CAN_NOTIFY_INT_H
#define CAN_NOTIFY_INT_H

#include "notify/notify.h"

#include <limits.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Constants newer than Debian 12's headers (probed at run time):
 * SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP,
 * SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV come from kernel_compat.h. */
#include "util/kernel_compat.h"

/* Linux 6.9: a pidfd for one thread (its fd table may not be the leader's). */
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

/* notify_mem.c: copies out of the target. 0 / length, or -errno
 * (-EFAULT, -ENAMETOOLONG, -ESRCH). */
int notify_mem_read(pid_t pid, uint64_t addr, void *buf, size_t len);
ssize_t notify_mem_read_string(pid_t pid, uint64_t addr, char *buf, size_t size);
/* Writes a result back (sendmmsg's msg_len): not a decision, just output. */
int notify_mem_write(pid_t pid, uint64_t addr, const void *buf, size_t len);

/* The engine's state (notify_engine.c; the exec watch is notify_exec.c). */
struct exec_watch {
	pid_t tid, tgid;
	int pidfd;                   /* the process, to kill it and to see it exit */
	dev_t dev, idev, pdev;       /* expected binary, its interpreter, the exe before */
	ino_t ino, iino, pino;
	bool has_interp;
	struct timespec since;
};

struct notify_engine {
	int listener;
	struct notify_config cfg;
	struct seccomp_notif_sizes sizes;
	bool sync;
	atomic_bool stopping;
	pthread_mutex_t lock;        /* threads[], watch[] */
	pthread_cond_t watch_cond;
	pthread_t *threads;
	int nthreads, capthreads;
	/* The receive turn: one worker at a time waits in RECV (the kernel
	 * wakes every RECV waiter for each notification); the others wait
	 * here. notify_engine.c, "The receive turn". */
	pthread_mutex_t turn_lock;
	pthread_cond_t turn_cond;
	bool turn_taken;
	int turn_waiters;
	struct exec_watch *watch;
	size_t nwatch, capwatch;
	atomic_int nwatch_active;
	pthread_t watchdog;
	bool watchdog_started;
	atomic_uint_fast64_t received, continued, emulated, refused, monitored;
	atomic_uint_fast64_t exec_checked, exec_killed, failed_replies, invalid;
	atomic_uint_fast64_t exec_kill_sum_ns, exec_kill_max_ns;
	/* Starts one more worker, lock held (notify_engine.c sets it, so the
	 * request helpers need none of the engine's functions). */
	int (*spawn_worker)(struct notify_engine *e);
	/* Hands the receive turn on (notify_req_may_block). */
	void (*give_turn)(struct notify_engine *e, bool spawn);
};

/* Exec verification (notify_exec.c): at each notification from pid, and
 * the watchdog thread's body. */
void notify_exec_check(struct notify_engine *e, pid_t pid, bool in_exec);
void *notify_exec_watchdog(void *arg);

/* What a handler asks the engine to answer. */
enum notify_answer {
	ANSWER_ERROR,    /* err */
	ANSWER_VALUE,    /* val */
	ANSWER_CONTINUE, /* let the kernel perform it (no decision on memory) */
	ANSWER_ADDFD,    /* install fd in the target and return its number */
	ANSWER_DONE,     /* already answered (or the target is gone) */
};

/* One notification being handled. */
struct notify_req {
	struct notify_engine *eng;
	const struct notify_rules *rules;
	const struct seccomp_notif *n;
	int listener;
	pid_t pid;
	int pidfd;                 /* lazily opened, -1 */
	bool turn;                 /* this worker holds the receive turn */
	/* The answer. */
	enum notify_answer answer;
	int err;
	int64_t val;
	int fd;                    /* ANSWER_ADDFD: ours, closed by the engine */
	bool cloexec;              /* ANSWER_ADDFD: O_CLOEXEC in the target */
	int follows;               /* dangling symlinks followed for an O_CREAT */
	/* Monitor: what to tell cfg.on_seen after the answer (path, path2). */
	enum notify_seen seen;
	/* What the event says. */
	bool record;               /* a decision worth an event was taken */
	struct notify_decision dec;
	const char *syscall;
	char sysname[32];
	char path[PATH_MAX];
	char path2[PATH_MAX];
	char addr[160];
	char flags[160];
	char exe[PATH_MAX];
	/* The real path of canon_fd when resolution proved it lexically
	 * (no symlink on the way), saving a readlink of /proc/self/fd. */
	int canon_fd;
	char canon[PATH_MAX];
	const char *detail;
};

/* Request helpers used by the handlers (notify_request.c). */
enum notify_mode notify_req_mode(const struct notify_req *q);
const struct notify_config *notify_req_config(const struct notify_req *q);
/* After reading memory and opening /proc entries: is the notification
 * still live (so the pid still names the process that made the call)? */
bool notify_req_valid(struct notify_req *q);
/* Notes the decision; returns whether to go ahead (allowed, or monitor). */
bool notify_req_permit(struct notify_req *q, struct notify_decision d);
void notify_req_error(struct notify_req *q, int err);
void notify_req_value(struct notify_req *q, int64_t val);
int notify_req_pidfd(struct notify_req *q);
/* A worker is about to call something that may block (FIFO open, blocking
 * connect): another worker must be able to receive meanwhile (the turn is
 * handed on, and a worker started if none waits for it). */
void notify_req_may_block(struct notify_req *q);
/* Exec verification (notify_exec.c): record what an allowed execve
 * should become. */
void notify_exec_expect(struct notify_req *q, const struct stat *bin, const struct stat *interp);

/* The handlers. Each fills q's answer and event fields. */
void notify_handle_open(struct notify_req *q);       /* notify_emulate.c */
void notify_handle_exec(struct notify_req *q);       /* notify_exec.c */
void notify_handle_pathop(struct notify_req *q);     /* notify_pathops.c */
void notify_handle_lookup(struct notify_req *q);     /* notify_lookup.c */
/* After the answer: tells cfg.on_seen what q->seen names (notify_lookup.c). */
void notify_seen_report(struct notify_req *q);
bool notify_is_lookup(int nr);
void notify_handle_net(struct notify_req *q);        /* notify_net.c */

/* Resolution as the target would see it (notify_resolve.c): an fd of our
 * own for path relative to the target's dirfd (AT_FDCWD = its cwd) and
 * root. oflags are openat2 flags (O_PATH etc.), resolve extra RESOLVE_*.
 * Returns an fd or -errno. */
int notify_resolve(struct notify_req *q, int dirfd, const char *path, int oflags, uint64_t resolve);
/* Resolves the parent of path and returns its fd; *last points into path
 * at the final component (may be "" for "dir/"). */
int notify_resolve_parent(struct notify_req *q, int dirfd, const char *path, const char **last,
                          char *lastbuf, size_t lastsize);
/* out = parent + "/" + last (no doubled '/' after "/"); -ENAMETOOLONG. */
int notify_join_path(char *out, size_t size, const char *parent, const char *last);
/* openat2(2); an fd or -errno. */
int notify_openat2(int dirfd, const char *path, struct open_how *how);
/* Our O_PATH fd of the target's dirfd (AT_FDCWD: its cwd), or -errno. */
int notify_target_dir(pid_t pid, int dirfd);
/* The target's root: an fd to give back with notify_root_put. */
int notify_root_get(struct notify_req *q);
void notify_root_put(struct notify_req *q, int fd);
/* Whether a real path is the supervisor's own /proc/<pid or tid>. */
bool notify_names_supervisor(const char *path);
/* The real path of an fd notify_resolve just returned (lexical when it
 * proved it, else notify_fd_path); -EACCES for the supervisor's own
 * /proc entries. */
int notify_real_path(struct notify_req *q, int fd, char *out, size_t size);
/* The path of one of our fds ("/proc/self/fd/N" readlink) into out. */
int notify_fd_path(int fd, char *out, size_t size);
/* The target's umask (from /proc/PID/status), 022 if unreadable. */
mode_t notify_target_umask(pid_t pid);

#endif
