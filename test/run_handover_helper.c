/* Drives run_sandbox with a listener handler, as the notification engine
 * will: the filter notifies uname(2); the handler answers every
 * notification CONTINUE from a thread. Prints what it saw, one key=value a
 * line, for test/run_handover.sh. Usage: run_handover_helper CMD [ARGS...] */
#include "lang/recipe.h"
#include "sandbox/run.h"
#include "util/util.h"

#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

struct seen {
	int listener;
	pid_t host_pid;
	int notifications;
	int pid_matches;
	pthread_t thread;
};

static void *answer(void *arg)
{
	struct seen *s = arg;
	for (;;) {
		struct pollfd pf = { s->listener, POLLIN, 0 };
		if (poll(&pf, 1, -1) < 0 || (pf.revents & (POLLHUP | POLLERR | POLLNVAL)))
			break;
		struct seccomp_notif n;
		memset(&n, 0, sizeof(n));
		if (ioctl(s->listener, SECCOMP_IOCTL_NOTIF_RECV, &n) < 0)
			continue;
		s->notifications++;
		if ((pid_t)n.pid == s->host_pid)
			s->pid_matches++;
		struct seccomp_notif_resp r = { .id = n.id, .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE };
		ioctl(s->listener, SECCOMP_IOCTL_NOTIF_SEND, &r);
	}
	return NULL;
}

static void on_listener(int fd, pid_t host_pid, void *ctx)
{
	struct seen *s = ctx;
	s->listener = fd;
	s->host_pid = host_pid;
	pthread_create(&s->thread, NULL, answer, s);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	char **args = xcalloc((size_t)argc + 3, sizeof(char *));
	args[0] = "run";
	args[1] = "--";
	for (int i = 1; i < argc; i++)
		args[i + 1] = argv[i];
	struct run_opts o;
	char err[256];
	if (run_opts_parse(argc + 1, args, &o, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	struct expand_env env;
	expand_env_from_process(&env);
	struct policy p;
	struct diags d = { 0 };
	if (recipe_load_effective(NULL, 0, NULL, &env, &p, &d) != 0) {
		diags_print(&d, stderr);
		return 2;
	}
	char cwd[4096];
	if (!getcwd(cwd, sizeof(cwd)))
		return 2;
	static const int nrs[] = { SYS_uname };
	struct seen s = { .listener = -1 };
	struct run_config cfg = { .policy = &p, .opts = &o, .cwd = cwd, .notify_nrs = nrs,
				  .n_notify = 1, .on_listener = on_listener, .listener_ctx = &s };
	fflush(stdout);
	int rc = run_sandbox(&cfg);
	if (s.listener >= 0) {
		pthread_join(s.thread, NULL);
		close(s.listener);
	}
	printf("rc=%d\nlistener=%d\nhost_pid=%d\nnotifications=%d\npid_matches=%d\n", rc,
	       s.listener >= 0, (int)s.host_pid, s.notifications, s.pid_matches);
	diags_free(&d);
	policy_free(&p);
	run_opts_free(&o);
	free(args);
	return 0;
}
