/* The supervisor's notification engine: the generic engine of core/notify
 * with the session's two hooks, rules_for (the caller's layer set, from
 * procs.c) and on_exec (the set is decided at execve; and the one-line
 * notice when a setuid program is started, which no_new_privs keeps from
 * gaining privileges). The exec path is where Landlock-at-exec plugs in
 * (session_exec_enter): today every layered process is emulated. */
#include "shell/layers.h"
#include "shell/procs.h"
#include "shell/session_int.h"
#include "notify/notify.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

/* The seam for Landlock applied at exec (execll's shell/exec_landlock.h):
 * called at the execve notification of a process whose set is not empty;
 * returns true when it took the process over (its opens are then decided
 * by Landlock in the kernel and may be answered CONTINUE). Not built yet:
 * every layered process stays on emulation. */
static bool session_exec_enter(struct session *s, pid_t pid, layer_mask set)
{
	(void)s;
	(void)pid;
	(void)set;
	return false;
}

static const struct notify_rules *rules_for(pid_t pid, void *ctx)
{
	struct session *s = ctx;
	return procs_rules_for(s->procs, pid);
}

/* Copies the path an execve names, for the setuid notice only (nothing is
 * decided on it: the target controls that memory). */
static bool exec_path(pid_t pid, int nr, const uint64_t a[6], char *out, size_t size)
{
	uint64_t addr = nr == SYS_execveat ? a[1] : a[0];
	if (nr == SYS_execveat && (int)a[0] != AT_FDCWD)
		return false;
	struct iovec l = { out, size - 1 }, r = { (void *)(uintptr_t)addr, size - 1 };
	ssize_t n = process_vm_readv(pid, &l, 1, &r, 1, 0);
	if (n <= 0)
		return false;
	out[n] = '\0';
	if (strnlen(out, (size_t)n) == (size_t)n)
		return false; /* no NUL within the copy: too long, or cut at a page */
	return true;
}

static pthread_mutex_t notice_lock = PTHREAD_MUTEX_INITIALIZER;
static char last_notice[PATH_MAX];

static void setuid_notice(struct session *s, pid_t pid, int nr, const uint64_t a[6])
{
	char path[PATH_MAX], full[PATH_MAX + 64];
	if (!exec_path(pid, nr, a, path, sizeof(path)))
		return;
	if (path[0] == '/')
		snprintf(full, sizeof(full), "%s", path);
	else
		snprintf(full, sizeof(full), "/proc/%d/cwd/%s", (int)pid, path);
	struct stat st;
	if (stat(full, &st) < 0 || !S_ISREG(st.st_mode))
		return;
	bool suid = (st.st_mode & S_ISUID) && st.st_uid != getuid();
	bool sgid = (st.st_mode & S_ISGID) && (st.st_mode & S_IXGRP) && st.st_gid != getgid();
	if (!suid && !sgid)
		return;
	pthread_mutex_lock(&notice_lock);
	bool said = strcmp(last_notice, path) == 0;
	snprintf(last_notice, sizeof(last_notice), "%s", path);
	pthread_mutex_unlock(&notice_lock);
	if (said)
		return;
	/* One line, straight to the terminal the supervisor shares. */
	char msg[PATH_MAX + 400];
	int n = snprintf(msg, sizeof(msg),
	                 "can: session: %s is set%sid, but this terminal is a can session (pid %d) "
	                 "and its filter's no_new_privs keeps setuid programs from gaining "
	                 "privileges: run it from a terminal outside the session\n",
	                 path, suid ? "u" : "g", (int)s->pid);
	if (n > 0 && write(STDERR_FILENO, msg, (size_t)n) < 0) {
		/* the terminal is gone: nothing to tell */
	}
}

/* ptrace and process_vm_* of a layered process (docs/adr/0214): its own
 * descendants only (they inherited its set). PTRACE_TRACEME gives the
 * parent, never less restricted than the child, the child's control. */
static int decide_other(pid_t pid, int nr, const uint64_t a[6], void *ctx)
{
	struct session *s = ctx;
	pid_t target;
	if (nr == SYS_ptrace) {
		if (a[0] == 0 /* PTRACE_TRACEME */)
			return 0;
		target = (pid_t)a[1];
	} else if (nr == SYS_process_vm_readv || nr == SYS_process_vm_writev) {
		target = (pid_t)a[0];
	} else {
		return ENOSYS;
	}
	return procs_may_reach(s->procs, pid, target) ? 0 : EPERM;
}

static void on_exec(pid_t pid, int nr, const uint64_t args[6], void *ctx)
{
	struct session *s = ctx;
	procs_on_exec(s->procs, pid);
	layer_mask set = procs_mask_of(s->procs, pid);
	if (set)
		session_exec_enter(s, pid, set);
	setuid_notice(s, pid, nr, args);
}

int session_engine_start(struct session *s, int listener)
{
	s->procs = procs_new(s->layers, s->pid, s->shell);
	int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct notify_config cfg = {
		.rules_for = rules_for,
		.on_exec = on_exec,
		.decide_other = decide_other,
		.ctx = s,
		.mode = NOTIFY_ENFORCE,
		/* The filter refuses chroot, pivot_root and new mount
		 * namespaces: every target's root is "/". */
		.use_shared_root = root >= 0,
		.shared_root_fd = root,
	};
	s->engine = notify_engine_start(listener, &cfg);
	if (!s->engine) {
		can_warn_errno("session: start the notification engine");
		close(listener);
		if (root >= 0)
			close(root);
		return -1;
	}
	s->root_fd = root;
	return 0;
}

void session_engine_stop(struct session *s)
{
	if (s->engine)
		notify_engine_stop(s->engine);
	s->engine = NULL;
}

void session_free(struct session *s)
{
	procs_free(s->procs);
	layers_free(s->layers);
	if (s->root_fd >= 0)
		close(s->root_fd);
	free(s);
}
