/* exec_landlock's refusals on real processes (no execve needed): each case
 * arms a grandchild (never our own child, as exec_landlock.h requires) and
 * checks what the arm answered and what became of the process. The whole
 * exec path is test/execll.sh's. */
#include "exec_landlock.h"

#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

static const int no_fd = 0; /* never installed: every case stops before the ADDFD or at it */

static void on_done(void *ctx, const struct exec_ll_report *r)
{
	(void)ctx;
	(void)r;
}

enum how { PLAIN, TRACEME, CLONE_FILES_CHILD };

struct family {
	pid_t mid, grandchild;
	int status_fd; /* the middle process writes the grandchild's wait status */
};

static char clone_stack[64 * 1024];

static int sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return 0;
}

/* mid forks (or clones) the grandchild, reports its pid, waits for it and
 * reports its wait status. */
static void make_family(struct family *f, enum how how)
{
	int pids[2], st[2];
	assert_int_equal(pipe(pids), 0);
	assert_int_equal(pipe(st), 0);
	f->mid = fork();
	assert_true(f->mid >= 0);
	if (f->mid == 0) {
		pid_t g;
		if (how == CLONE_FILES_CHILD) {
			g = clone(sleeper, clone_stack + sizeof clone_stack, CLONE_FILES | SIGCHLD, NULL);
		} else {
			g = fork();
			if (g == 0) {
				if (how == TRACEME)
					ptrace(PTRACE_TRACEME, 0, 0, 0);
				sleeper(NULL);
			}
		}
		if (write(pids[1], &g, sizeof g) != sizeof g)
			_exit(1);
		int gst = 0;
		while (waitpid(g, &gst, __WALL) < 0 && errno == EINTR)
			;
		if (write(st[1], &gst, sizeof gst) != sizeof gst)
			_exit(1);
		_exit(0);
	}
	close(pids[1]);
	close(st[1]);
	assert_int_equal(read(pids[0], &f->grandchild, sizeof f->grandchild), sizeof f->grandchild);
	close(pids[0]);
	f->status_fd = st[0];
	usleep(20000); /* let the grandchild settle (TRACEME done) */
}

static int family_end(struct family *f, bool kill_it)
{
	if (kill_it)
		kill(f->grandchild, SIGKILL);
	int gst = -1;
	assert_int_equal(read(f->status_fd, &gst, sizeof gst), sizeof gst);
	close(f->status_fd);
	waitpid(f->mid, NULL, 0);
	return gst;
}

static struct exec_ll_tracer *start(void)
{
	struct exec_ll_config cfg = { .done = on_done };
	char err[300];
	struct exec_ll_tracer *t = exec_ll_tracer_start(&cfg, err, sizeof err);
	if (!t && strstr(err, "Landlock")) {
		print_message("# %s\n", err);
		skip(); /* no Landlock ABI 6 on this kernel */
	}
	assert_non_null(t);
	return t;
}

static void start_needs_a_callback(void **state)
{
	(void)state;
	struct exec_ll_config cfg = { 0 };
	char err[300] = "";
	assert_null(exec_ll_tracer_start(&cfg, err, sizeof err));
	assert_non_null(strstr(err, "done callback"));
}

static void ruleset_count_is_checked(void **state)
{
	(void)state;
	struct exec_ll_tracer *t = start();
	struct exec_ll_arm_result r;
	int fds[EXEC_LL_MAX_RULESETS + 1] = { 0 };
	assert_int_equal(exec_landlock_arm(t, -1, 1, getpid(), fds, 0, 0, &r), -1);
	assert_int_equal(r.status, EXEC_LL_ARM_ERROR);
	assert_int_equal(exec_landlock_arm(t, -1, 1, getpid(), fds, EXEC_LL_MAX_RULESETS + 1, 0, &r), -1);
	assert_int_equal(r.status, EXEC_LL_ARM_ERROR);
	exec_ll_tracer_stop(t);
}

static void start_and_stop_repeatedly(void **state)
{
	(void)state;
	for (int i = 0; i < 5; i++) {
		struct exec_ll_tracer *t = start();
		assert_int_equal(exec_ll_tracer_pending(t), 0);
		exec_ll_tracer_stop(t);
	}
}

/* ADDFD fails (no listener): the process was seized already, so it is
 * killed and reaped, and its real parent sees the SIGKILL. */
static void failed_addfd_kills_the_process(void **state)
{
	(void)state;
	struct exec_ll_tracer *t = start();
	struct family f;
	make_family(&f, PLAIN);
	struct exec_ll_arm_result r;
	assert_int_equal(exec_landlock_arm(t, -1, 1, f.grandchild, &no_fd, 1, 0, &r), -1);
	assert_int_equal(r.status, EXEC_LL_ARM_ERROR);
	assert_non_null(strstr(r.why, "ADDFD"));
	int gst = family_end(&f, false);
	assert_true(WIFSIGNALED(gst));
	assert_int_equal(WTERMSIG(gst), SIGKILL);
	exec_ll_tracer_stop(t);
}

static void traced_already_falls_back_untouched(void **state)
{
	(void)state;
	struct exec_ll_tracer *t = start();
	struct family f;
	make_family(&f, TRACEME);
	struct exec_ll_arm_result r;
	assert_int_equal(exec_landlock_arm(t, -1, 1, f.grandchild, &no_fd, 1, 0, &r), -1);
	assert_int_equal(r.status, EXEC_LL_FALLBACK);
	assert_non_null(strstr(r.why, "traced already"));
	assert_int_equal(kill(f.grandchild, 0), 0); /* still alive */
	family_end(&f, true);
	exec_ll_tracer_stop(t);
}

static void shared_fd_table_falls_back(void **state)
{
	(void)state;
	struct exec_ll_tracer *t = start();
	struct family f;
	make_family(&f, CLONE_FILES_CHILD);
	struct exec_ll_arm_result r;
	assert_int_equal(exec_landlock_arm(t, -1, 1, f.grandchild, &no_fd, 1, 0, &r), -1);
	assert_int_equal(r.status, EXEC_LL_FALLBACK);
	assert_non_null(strstr(r.why, "CLONE_FILES"));
	assert_int_equal(kill(f.grandchild, 0), 0);
	family_end(&f, true);
	exec_ll_tracer_stop(t);
}

static void own_child_falls_back(void **state)
{
	(void)state;
	struct exec_ll_tracer *t = start();
	pid_t c = fork();
	if (c == 0)
		sleeper(NULL);
	struct exec_ll_arm_result r;
	assert_int_equal(exec_landlock_arm(t, -1, 1, c, &no_fd, 1, 0, &r), -1);
	assert_int_equal(r.status, EXEC_LL_FALLBACK);
	assert_non_null(strstr(r.why, "child of the supervisor"));
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	exec_ll_tracer_stop(t);
}

/* The probe killed from outside: seen, and later arms fall back. */
static void dead_probe_falls_back(void **state)
{
	(void)state;
	struct exec_ll_tracer *t = start();
	pid_t probe = exec_ll_tracer_probe_pid(t);
	assert_true(probe > 0);
	assert_int_equal(kill(probe, SIGKILL), 0);
	for (int i = 0; i < 2000 && exec_ll_tracer_probe_pid(t) != 0; i++)
		usleep(1000);
	assert_int_equal(exec_ll_tracer_probe_pid(t), 0);
	struct family f;
	make_family(&f, PLAIN);
	struct exec_ll_arm_result r;
	assert_int_equal(exec_landlock_arm(t, -1, 1, f.grandchild, &no_fd, 1, 0, &r), -1);
	assert_int_equal(r.status, EXEC_LL_FALLBACK);
	assert_non_null(strstr(r.why, "probe"));
	assert_int_equal(kill(f.grandchild, 0), 0);
	family_end(&f, true);
	exec_ll_tracer_stop(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(start_needs_a_callback),
		cmocka_unit_test(start_and_stop_repeatedly),
		cmocka_unit_test(ruleset_count_is_checked),
		cmocka_unit_test(failed_addfd_kills_the_process),
		cmocka_unit_test(traced_already_falls_back_untouched),
		cmocka_unit_test(shared_fd_table_falls_back),
		cmocka_unit_test(own_child_falls_back),
		cmocka_unit_test(dead_probe_falls_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
