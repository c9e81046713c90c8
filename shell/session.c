/* See session.h. The supervisor's life: check it may start, make its three
 * files in the runtime directory, launch the shell, then one poll loop over
 * signals (SIGCHLD: the shell's exit; SIGHUP/SIGTERM: forwarded), the hint
 * FIFO and the control socket, while the engine's workers answer the
 * notifications. The supervisor ignores the terminal's signals: ^C and ^Z
 * are the shell's business. */
#include "shell/session.h"
#include "shell/exec_landlock.h"
#include "shell/layers.h"
#include "shell/rundir.h"
#include "shell/session_int.h"
#include "shell/session_launch.h"
#include "notify/notify.h"
#include "util/util.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

pid_t session_current(void)
{
	const char *s = getenv("CANISTER_SESSION");
	if (!s || !*s)
		return 0;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v <= 0 || v > INT_MAX)
		return 0;
	/* Inside a session the filter refuses signals to the supervisor
	 * (EPERM): that, too, says it is alive. */
	if (kill((pid_t)v, 0) == 0 || errno == EPERM)
		return (pid_t)v;
	return 0;
}

const char *session_refusal(char *buf, size_t size)
{
	pid_t cur = session_current();
	if (cur) {
		snprintf(buf, size, "already inside session %d (CANISTER_SESSION); sessions do not nest",
		         (int)cur);
		return buf;
	}
	char dir[PATH_MAX], err[PATH_MAX + 200];
	if (rundir_open(false, dir, sizeof(dir), err, sizeof(err)) < 0 && errno != ENOENT) {
		struct stat st;
		if (lstat(dir, &st) == 0) {
			snprintf(buf, size, "runtime directory %s", err);
			return buf;
		}
	}
	return NULL;
}

static int start_engine(int listener, pid_t child, void *ctx)
{
	struct session *s = ctx;
	s->shell = child;
	if (session_engine_start(s, listener, s->killable) < 0)
		return -1;
	session_proxy_launched(s);
	return 0;
}

/* Sets the signal dispositions of the supervisor and returns a signalfd
 * for the ones it acts on (blocked in every thread: the engine's workers
 * inherit the mask). */
static int supervisor_signals(void)
{
	static const int ignored[] = { SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGPIPE };
	for (size_t i = 0; i < ARRAY_LEN(ignored); i++)
		signal(ignored[i], SIG_IGN);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static int exit_status(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return CAN_EXIT_FAIL;
}

/* Reaps the shell; true when it is gone (*status set). Only the shell:
 * a tracer thread of Landlock at exec waits for its own tracees, whose
 * exits a waitpid(-1) here would steal. */
static bool reap(struct session *s, int *status)
{
	int st;
	pid_t p;
	while ((p = waitpid(s->shell, &st, WNOHANG)) < 0 && errno == EINTR)
		;
	if (p != s->shell)
		return false;
	*status = exit_status(st);
	return true;
}

/* How long the shell may outlive a SIGHUP before the supervisor kills
 * it. A closed terminal must end the session: a shell that ignores or
 * mishandles the hangup (fish 3.6 was seen, about once in fifteen closes
 * under a sanitizer build, blocked in a futex on its way out) would keep a
 * supervisor and its listener alive with no terminal to answer. */
#define HANGUP_GRACE_MS 5000

static void loop(struct session *s, int sfd, int *status)
{
	struct timespec hup_at = { 0, 0 };
	bool hup = false; /* a SIGHUP came: the grace runs from hup_at */
	for (;;) {
		struct pollfd pf[3] = {
			{ .fd = sfd, .events = POLLIN },
			{ .fd = s->fifo_fd, .events = POLLIN },
			{ .fd = s->sock_fd, .events = POLLIN },
		};
		int timeout = -1;
		if (hup) {
			struct timespec now;
			clock_gettime(CLOCK_MONOTONIC, &now);
			long long left = HANGUP_GRACE_MS - ((now.tv_sec - hup_at.tv_sec) * 1000LL +
			                                    (now.tv_nsec - hup_at.tv_nsec) / 1000000);
			if (left <= 0) {
				can_warn("session: the shell (pid %d) outlived the hangup by %d ms: killed",
				         (int)s->shell, HANGUP_GRACE_MS);
				kill(s->shell, SIGKILL);
				hup = false;
				continue;
			}
			timeout = (int)left;
		}
		int r = poll(pf, 3, timeout);
		if (r == 0)
			continue;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			can_warn_errno("session: poll");
			kill(s->shell, SIGHUP);
			waitpid(s->shell, NULL, 0);
			*status = CAN_EXIT_FAIL;
			return;
		}
		if (pf[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
				if (si.ssi_signo == SIGHUP || si.ssi_signo == SIGTERM)
					kill(s->shell, (int)si.ssi_signo);
				if (si.ssi_signo == SIGHUP && !hup) {
					clock_gettime(CLOCK_MONOTONIC, &hup_at);
					hup = true;
				}
			}
			if (reap(s, status))
				return;
		}
		if (pf[1].revents & (POLLIN | POLLHUP))
			session_fifo_read(s);
		if (pf[2].revents & POLLIN)
			session_control_accept(s);
	}
}

int session_run(const struct session_opts *o)
{
	char why[PATH_MAX + 300];
	if (session_refusal(why, sizeof(why))) {
		can_warn("session: %s", why);
		return CAN_EXIT_USAGE;
	}
	struct session *s = xcalloc(1, sizeof(*s));
	s->pid = getpid();
	s->started = time(NULL);
	s->fifo_fd = s->sock_fd = s->fifo_keep = s->root_fd = -1;
	s->verbose = o->verbose;
	char err[PATH_MAX + 200];
	if (rundir_open(true, s->rundir, sizeof(s->rundir), err, sizeof(err)) < 0) {
		can_warn("session: %s", err);
		free(s);
		return CAN_EXIT_WALL;
	}
	int sfd = supervisor_signals();
	if (sfd < 0) {
		can_warn_errno("session: signalfd");
		free(s);
		return CAN_EXIT_WALL;
	}
	int rc = CAN_EXIT_WALL;
	if (session_files_open(s) < 0)
		goto out;
	session_tracer_start(s, o->no_landlock_at_exec);
	session_proxy_prepare(s);
	layers_set_on_proxy(s->layers, session_proxy_want, s);
	layers_load_approved(s->layers);
	session_state_write(s);
	struct session_env env = { s->pid, s->fifo, s->sock, s->state,
	                           s->tracer ? exec_ll_tracer_probe_pid(s->tracer) : 0, &s->killable };
	bool had_tty = isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp();
	if (session_launch(o->argv, &env, start_engine, s) < 0)
		goto out;
	session_state_write(s); /* the enforce line is known now */
	loop(s, sfd, &rc);
	/* The shell is gone: the terminal's foreground goes back to the
	 * supervisor's group, for whoever runs next there. */
	if (had_tty)
		tcsetpgrp(STDIN_FILENO, getpgrp());
out:
	session_engine_stop(s);
	session_files_close(s);
	session_free(s);
	close(sfd);
	return rc;
}
