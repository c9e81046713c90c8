/* See session_launch.h. The filter is the session's for every process the
 * shell starts: the fixed hardening of `can run` (io_uring, a second
 * listener, namespaces, ptrace...: docs/seccomp.md), signals and
 * pidfd_open of the supervisor refused, and the calls the notification
 * engine handles trapped. Everything else is allowed (a deny-list with no
 * entries): the shell is the user's; only layers restrict, and the engine
 * answers CONTINUE at once for a process no layer covers. */
#include "shell/session_launch.h"
#include "lang/policy.h"
#include "notify/notify.h"
#include "seccomp/seccomp_filter.h"
#include "util/kernel_compat.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static struct sc_filter *session_filter(pid_t supervisor, pid_t probe)
{
	struct policy p;
	policy_init(&p);
	p.sys.seccomp_mode.set = true;
	p.sys.seccomp_mode.v = xstrdup("deny-list");
	/* Landlock at exec adds a ruleset fd to a process before its exec; a
	 * sibling thread could widen it with landlock_add_rule meanwhile
	 * (docs/exec-landlock.md). Sessions refuse it to every process. */
	plist_add(&p.sys.deny, "landlock_add_rule", (struct srcpos){ 0 });
	size_t n;
	const int *nrs = notify_handled_syscalls(&n);
	/* Refused by can run's hardening, decided per process here
	 * (docs/adr/0214): a process no layer covers may trace and read
	 * whom the kernel lets it; a layered one only its own descendants. */
	static const char *const per_process[] = { "ptrace", "process_vm_readv", "process_vm_writev",
	                                           NULL };
	struct sc_options o = { .mode = SC_MODE_ENFORCE, .notify_nrs = nrs, .n_notify = n,
	                        .protect_pid = supervisor, .protect_pid2 = probe,
	                        .notify_hardened = per_process };
	struct diags d = { 0 };
	struct sc_filter *f = sc_build(&p, &o, &d);
	if (!f)
		can_warn("session: build the seccomp filter: %s", d.n ? d.v[0].msg : "unknown error");
	diags_free(&d);
	policy_free(&p);
	return f;
}

/* The child's messages before exec: write(2) only (no stdio locks). */
static _Noreturn void child_fail(const char *what, int err)
{
	char buf[300];
	int n = snprintf(buf, sizeof(buf), "can: session: %s: %s: %s; the shell did not start\n", what,
	                 errno_name(err), strerror(err));
	if (n > 0 && write(STDERR_FILENO, buf, (size_t)n) < 0) {
		/* nothing more to say */
	}
	_exit(CAN_EXIT_WALL);
}

static _Noreturn void child(char *const *argv, const struct session_env *env, struct sc_filter *f,
                            int wr, int rd, pid_t fg_pgrp)
{
	static const int sigs[] = { SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGHUP, SIGTERM,
	                            SIGCHLD, SIGPIPE };
	sigset_t none;
	sigemptyset(&none);
	/* The shell expects its own process group in the terminal's
	 * foreground when it has a terminal (job control); the supervisor,
	 * which ignores terminal signals, stays behind it. */
	if (fg_pgrp > 0) {
		setpgid(0, 0);
		signal(SIGTTOU, SIG_IGN);
		if (tcsetpgrp(STDIN_FILENO, getpid()) < 0)
			child_fail("give the terminal to the shell (tcsetpgrp)", errno);
	}
	for (size_t i = 0; i < ARRAY_LEN(sigs); i++)
		signal(sigs[i], SIG_DFL);
	sigprocmask(SIG_SETMASK, &none, NULL);
	char num[24];
	snprintf(num, sizeof(num), "%d", (int)env->supervisor);
	if (setenv("CANISTER_SESSION", num, 1) < 0 || setenv("CANISTER_SESSION_FIFO", env->fifo, 1) < 0 ||
	    setenv("CANISTER_SESSION_SOCK", env->sock, 1) < 0 ||
	    setenv("CANISTER_SESSION_STATE", env->state, 1) < 0)
		child_fail("set the session's environment", errno);
	/* Only stdin, stdout and stderr (and the handover pipes, closed
	 * below) cross into the shell. */
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		for (int fd = 3; fd < 1024; fd++)
			if (fd != wr && fd != rd)
				fcntl(fd, F_SETFD, FD_CLOEXEC);
	int fd = sc_install(f);
	if (fd <= 0)
		child_fail("install the session's seccomp filter with a notification listener",
		           fd < 0 ? -fd : EINVAL);
	int hand[2] = { fd, sc_installed_killable(f) };
	/* From here on only write, read and close until execve: none is
	 * trapped (the supervisor does not answer yet). */
	char b = 0;
	if (write(wr, hand, sizeof(hand)) != (ssize_t)sizeof(hand) || read(rd, &b, 1) != 1 || b != 'A') {
		static const char msg[] = "can: session: the supervisor did not take the seccomp "
		                          "listener; nothing runs unsupervised (see 'can session "
		                          "--check')\n";
		if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
			/* nothing more to say */
		}
		_exit(CAN_EXIT_WALL);
	}
	close(fd);
	close(wr);
	close(rd);
	execvp(argv[0], argv);
	int e = errno;
	char buf[300];
	int n = snprintf(buf, sizeof(buf), "can: session: %s: %s: %s\n", argv[0], errno_name(e),
	                 strerror(e));
	if (n > 0 && write(STDERR_FILENO, buf, (size_t)n) < 0) {
		/* nothing more to say */
	}
	_exit(e == ENOENT ? CAN_EXIT_NOTFOUND : CAN_EXIT_WALL);
}

pid_t session_launch(char *const *argv, const struct session_env *env,
                     int (*on_listener)(int listener, pid_t child, void *ctx), void *ctx)
{
	struct sc_filter *f = session_filter(env->supervisor, env->probe);
	if (!f)
		return -1;
	int up[2], down[2];
	if (pipe2(up, O_CLOEXEC) < 0 || pipe2(down, O_CLOEXEC) < 0) {
		can_warn_errno("session: make the handover pipes");
		sc_free(f);
		return -1;
	}
	pid_t fg = -1;
	if (isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp())
		fg = getpgrp();
	pid_t pid = fork();
	if (pid < 0) {
		can_warn_errno("session: fork the shell");
		sc_free(f);
		return -1;
	}
	if (pid == 0) {
		close(up[0]);
		close(down[1]);
		child(argv, env, f, up[1], down[0], fg);
	}
	sc_free(f);
	close(up[1]);
	close(down[0]);
	if (fg > 0)
		setpgid(pid, pid); /* the child does it too: whichever runs first */
	int msg[2] = { -1, 0 }, listener = -1, pidfd = can_pidfd_open(pid, 0);
	ssize_t r = read(up[0], msg, sizeof(msg));
	int nfd = msg[0];
	if (env->killable)
		*env->killable = msg[1] != 0;
	if (r != (ssize_t)sizeof(msg) || pidfd < 0) {
		/* The child said why (or pidfd_open failed: nothing to take). */
		if (pidfd < 0)
			can_warn_errno("session: pidfd_open of the shell");
		goto fail;
	}
	listener = can_pidfd_getfd(pidfd, nfd, 0);
	if (listener < 0) {
		can_warn_errno("session: take the shell's seccomp listener (pidfd_getfd)");
		goto fail;
	}
	fcntl(listener, F_SETFD, FD_CLOEXEC);
	if (on_listener(listener, pid, ctx) < 0)
		goto fail;
	if (write(down[1], "A", 1) != 1) {
		can_warn_errno("session: let the shell start");
		goto fail;
	}
	close(pidfd);
	close(up[0]);
	close(down[1]);
	return pid;
fail:
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	if (pidfd >= 0)
		close(pidfd);
	close(up[0]);
	close(down[1]);
	return -1;
}
