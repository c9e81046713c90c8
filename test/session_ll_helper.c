/* Helper for test/session_ll.sh (Landlock-at-exec in session mode).
 *   kill0 PID    kill(PID, 0): exit 0 when allowed, 1 when EPERM (a Landlock
 *                domain's signal scope), 2 otherwise.
 *   thread_rule  creates a Landlock ruleset (allowed in a session), then a
 *                second thread tries landlock_add_rule on it, as a sibling
 *                of a process armed at exec could on the ruleset fd the
 *                supervisor installed: the session's filter must refuse it.
 *                Prints "create_ruleset: ok|failed", "add_rule: refused
 *                (ERRNO)" or "add_rule: ADDED". */
#include "util/kernel_compat.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	fprintf(stderr, "usage: session_ll_helper kill0 PID | thread_rule\n");
	return 2;
}
