/* Helper for test/session_ll.sh (Landlock-at-exec in session mode).
 *   kill0 PID    kill(PID, 0): exit 0 when allowed, 1 when EPERM (a Landlock
 *                domain's signal scope), 2 otherwise.
 *   thread_rule  creates a Landlock ruleset (allowed in a session), then a
 *                second thread tries landlock_add_rule on it, as a sibling
 *                of a process armed at exec could on the ruleset fd the
 *                supervisor installed: the session's filter must refuse it.
 *                Prints "create_ruleset: ok|failed", "add_rule: refused
 *                (ERRNO)" or "add_rule: ADDED".
 *   reach PID [GO]  what a process may do to its child PID's memory:
 *                PTRACE_SEIZE (and detach), process_vm_readv of a bad
 *                remote address (EFAULT when the call reaches PID) and an
 *                open of /proc/PID/mem. Prints "seize=ok|ERRNO
 *                vm_readv=ERRNO mem=ok|ERRNO". Then, with GO, creates the
 *                file GO (the child's cue) and waits for its children;
 *                without, kills PID (a sleeper of the test's) and reaps it. */
#include "util/kernel_compat.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static int rs = -1;
static long add_rc;
static int add_errno;

static void *adder(void *arg)
{
	(void)arg;
	int dir = open("/", O_PATH | O_CLOEXEC);
	struct can_landlock_path_beneath_attr a = { .allowed_access = LANDLOCK_ACCESS_FS_READ_FILE,
	                                            .parent_fd = dir };
	add_rc = can_landlock_add_rule(rs, CAN_LANDLOCK_RULE_PATH_BENEATH, &a, 0);
	add_errno = errno;
	close(dir);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "kill0") == 0) {
		if (kill((pid_t)atoi(argv[2]), 0) == 0)
			return 0;
		return errno == EPERM ? 1 : 2;
	}
	if (argc == 2 && strcmp(argv[1], "thread_rule") == 0) {
		struct can_landlock_ruleset_attr attr = { .handled_access_fs = LANDLOCK_ACCESS_FS_READ_FILE };
		rs = (int)can_landlock_create_ruleset(&attr, can_landlock_attr_size(1), 0);
		printf("create_ruleset: %s\n", rs >= 0 ? "ok" : "failed");
		if (rs < 0)
			return 2;
		pthread_t t;
		if (pthread_create(&t, NULL, adder, NULL) != 0)
			return 2;
		pthread_join(t, NULL);
		if (add_rc == 0)
			printf("add_rule: ADDED\n");
		else
			printf("add_rule: refused (%s)\n", strerror(add_errno));
		return add_rc == 0 ? 1 : 0;
	}
	if ((argc == 3 || argc == 4) && strcmp(argv[1], "reach") == 0) {
		pid_t pid = (pid_t)atoi(argv[2]);
		long r = ptrace(PTRACE_SEIZE, pid, 0, 0);
		printf("seize=%s", r == 0 ? "ok" : strerrorname_np(errno));
		if (r == 0)
			ptrace(PTRACE_DETACH, pid, 0, 0);
		char b[8];
		struct iovec l = { b, sizeof(b) }, rem = { (void *)8, sizeof(b) };
		r = process_vm_readv(pid, &l, 1, &rem, 1, 0);
		printf(" vm_readv=%s", r >= 0 ? "ok" : strerrorname_np(errno));
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
		int fd = open(path, O_RDONLY);
		printf(" mem=%s\n", fd >= 0 ? "ok" : strerrorname_np(errno));
		fflush(stdout);
		if (argc == 4) {
			int g = open(argv[3], O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
			if (g >= 0)
				close(g);
		} else {
			kill(pid, SIGKILL);
		}
		while (wait(NULL) > 0 || errno == EINTR)
			;
		return 0;
	}
	fprintf(stderr, "usage: session_ll_helper kill0 PID | thread_rule | reach PID [GO]\n");
	return 2;
}
