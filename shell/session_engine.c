/* The supervisor's notification engine: the generic engine of core/notify
 * with the session's hooks, rules_for (the caller's layer set, from
 * procs.c), on_exec (the set is decided at execve; and the one-line
 * notice when a setuid program is started, which no_new_privs keeps from
 * gaining privileges) and exec_allowed, where Landlock-at-exec arms a
 * process whose set grows (docs/adr/0250): once the tracer reports the
 * domain applied, its reads are decided by the kernel. */
#include "shell/exec_landlock.h"
#include "shell/layers.h"
#include "shell/procs.h"
#include "shell/session_int.h"
#include "notify/notify.h"
#include "util/kernel_compat.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

/* The tracer's report, on its thread (docs/adr/0250): APPLIED marks the
 * process landlocked for the layers armed (the cookie); KILLED was
 * SIGKILLed and reaped by the tracer; EXEC_FAILED and GONE change nothing
 * (the old image runs on under emulation, or nothing runs). */
static void ll_done(void *ctx, const struct exec_ll_report *r)
{
	struct session *s = ctx;
	if (r->outcome == EXEC_LL_APPLIED) {
		procs_set_landlocked(s->procs, r->pid, (layer_mask)r->cookie);
		atomic_fetch_add((_Atomic uint64_t *)&s->ll_applied, 1);
	} else if (r->outcome == EXEC_LL_KILLED) {
		atomic_fetch_add((_Atomic uint64_t *)&s->ll_killed, 1);
		can_warn("session: process %d killed: Landlock could not be applied at its exec: %s",
		         (int)r->pid, r->why);
	}
}

void session_tracer_start(struct session *s, bool off)
{
	const char *env = getenv("CANISTER_NO_LANDLOCK_AT_EXEC");
	if (off || (env && *env && strcmp(env, "0") != 0)) {
		snprintf(s->ll_off, sizeof(s->ll_off), "switched off (--no-landlock-at-exec or "
		         "CANISTER_NO_LANDLOCK_AT_EXEC)");
		return;
	}
	struct exec_ll_config cfg = { .done = ll_done, .ctx = s, .method = EXEC_LL_METHOD_AUTO };
	char err[300];
	s->tracer = exec_ll_tracer_start(&cfg, err, sizeof(err));
	if (!s->tracer) {
		snprintf(s->ll_off, sizeof(s->ll_off), "%s", err);
		if (s->verbose)
			can_warn("session: Landlock-at-exec is off, layers are emulated: %s", err);
		return;
	}
	long abi = can_landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	layers_set_landlock_abi(s->layers, (int)abi);
}

/* A process whose set grows at this (allowed) execve: every layer it gains
 * expressible and a ruleset each, it is armed; else it stays on emulation.
 * One already landlocked for its whole set is not armed again: the domain
 * it has is inherited across exec. */
static enum notify_exec_answer exec_allowed(const struct notify_exec_call *c, void *ctx)
{
	struct session *s = ctx;
	if (!s->tracer)
		return NOTIFY_EXEC_AS_BEFORE;
	layer_mask set = procs_mask_of(s->procs, c->pid);
	layer_mask gain = set & ~procs_landlocked(s->procs, c->pid);
	if (!set || !gain)
		return NOTIFY_EXEC_AS_BEFORE;
	int fds[EXEC_LL_MAX_RULESETS];
	char why[400];
	procs_arming(s->procs, c->pid);
	int n = layers_rulesets(s->layers, gain, fds, ARRAY_LEN(fds), why, sizeof(why));
	if (n < 0) {
		atomic_fetch_add((_Atomic uint64_t *)&s->ll_fallback, 1);
		return NOTIFY_EXEC_AS_BEFORE; /* not expressible: emulated */
	}
	struct exec_ll_arm_result res;
	exec_landlock_arm(s->tracer, c->listener, c->id, c->pid, fds, (size_t)n, (uint64_t)gain, &res);
	switch (res.status) {
	case EXEC_LL_ARMED:
		return NOTIFY_EXEC_ARMED;
	case EXEC_LL_FALLBACK:
		atomic_fetch_add((_Atomic uint64_t *)&s->ll_fallback, 1);
		if (s->verbose)
			can_warn("session: process %d stays on emulation: %s", (int)c->pid, res.why);
		return NOTIFY_EXEC_AS_BEFORE;
	case EXEC_LL_ARM_ERROR:
	default:
		can_warn("session: process %d killed: Landlock-at-exec: %s", (int)c->pid, res.why);
		return NOTIFY_EXEC_KILL;
	}
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
	                 "privileges: run it from a terminal outside the session "
	                 "('can session --off' says how)\n",
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

static void on_exec(const struct notify_exec_call *c, void *ctx)
{
	struct session *s = ctx;
	procs_on_exec(s->procs, c->pid);
	setuid_notice(s, c->pid, c->nr, c->args);
}

int session_engine_start(struct session *s, int listener, bool killable)
{
	if (s->tracer && !killable) {
		/* Without WAIT_KILLABLE_RECV the tracer's interrupt stop would
		 * abort a received notification (exec_landlock.h): emulation. */
		exec_ll_tracer_stop(s->tracer);
		s->tracer = NULL;
		layers_set_landlock_abi(s->layers, -1);
		snprintf(s->ll_off, sizeof(s->ll_off), "the kernel refused "
		         "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV for the session's filter");
		can_warn("session: Landlock-at-exec is off, layers are emulated: %s", s->ll_off);
	}
	s->procs = procs_new(s->layers, s->pid, s->shell);
	int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct notify_config cfg = {
		.rules_for = rules_for,
		.on_exec = on_exec,
		.exec_allowed = exec_allowed,
		.decide_other = decide_other,
		.proxy_port = session_proxy_port,
		.proxy_tag = session_proxy_tag,
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
	session_proxy_stop(s);
	if (s->tracer)
		exec_ll_tracer_stop(s->tracer);
	s->tracer = NULL;
}

void session_free(struct session *s)
{
	procs_free(s->procs);
	layers_free(s->layers);
	if (s->root_fd >= 0)
		close(s->root_fd);
	free(s);
}
