/* PID 1 (see init.h). It has handlers for the forwarded signals: in a PID
 * namespace, init ignores signals from inside for which it has no handler,
 * and we want `kill -TERM 1` inside to reach the command like any other
 * TERM. The handlers never run (the signals stay blocked and are read from
 * a signalfd). */
#include "sandbox/init.h"
#include "sandbox/run.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

const int init_forwarded_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT, 0,
};

void init_signal_set(sigset_t *set)
{
	sigemptyset(set);
	for (const int *s = init_forwarded_signals; *s; s++)
		sigaddset(set, *s);
	sigaddset(set, SIGCHLD);
}

int run_exit_code(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 1;
}

static void nothing(int sig) { (void)sig; }

void init_loop(pid_t cmd, int parent_fd)
{
	sigset_t set;
	init_signal_set(&set);
	struct sigaction sa = { .sa_handler = nothing };
	for (const int *s = init_forwarded_signals; *s; s++)
		sigaction(*s, &sa, NULL);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0)
		_exit(126);
	struct pollfd pf[2] = { { sfd, POLLIN, 0 }, { parent_fd, POLLIN, 0 } };
	for (;;) {
		if (poll(pf, parent_fd >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(126);
		}
		if (parent_fd >= 0 && pf[1].revents) {
			/* The host-side can is gone: nobody supervises us any more. */
			kill(-1, SIGKILL);
			_exit(128 + SIGKILL);
		}
		if (!(pf[0].revents & POLLIN))
			continue;
		struct signalfd_siginfo si;
		if (read(sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo != SIGCHLD) {
			kill(cmd, (int)si.ssi_signo);
			continue;
		}
		int st;
		pid_t p;
		while ((p = waitpid(-1, &st, WNOHANG)) > 0)
			if (p == cmd)
				_exit(run_exit_code(st));
	}
}
