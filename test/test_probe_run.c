/* Unit tests for the probe runner (probe_run.c): a hanging probe is killed
 * and reported, a crashing one is reported with its signal, a short answer
 * is not taken for a result, a finished probe is not held up by a lingering
 * grandchild (which is killed), and the single probes `can run` calls agree
 * with probe_all(). */
#include "probe/probe.h"
#include "probe/probe_internal.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

struct toy {
	int value;
	pid_t grandchild;
	char pad[8192]; /* bigger than one pipe write chunk needs to be atomic */
	struct probe_res res;
};

static void toy_fail(void *p, const char *why, int err)
{
	struct toy *t = p;
	t->value = -1;
	probe_fail(&t->res, why, err);
}

static int toy_ok(void *p, const void *arg)
{
	(void)arg;
	struct toy *t = p;
	t->value = 42;
	memset(t->pad, 'z', sizeof(t->pad));
	probe_pass(&t->res, "fine");
	return 0;
}

static int toy_hang(void *p, const void *arg)
{
	(void)p;
	(void)arg;
	for (;;)
		pause();
	return 0;
}

static int toy_crash(void *p, const void *arg)
{
	(void)p;
	(void)arg;
	raise(SIGKILL);
	return 0;
}

static int toy_short(void *p, const void *arg)
{
	(void)p;
	(void)arg;
	/* Exit without writing the whole struct. */
	_exit(3);
}

/* Leaves a grandchild that holds the pipe open and sleeps. */
static int toy_linger(void *p, const void *arg)
{
	(void)arg;
	struct toy *t = p;
	pid_t g = fork();
	if (g == 0) {
		for (;;)
			pause();
	}
	t->grandchild = g;
	t->value = 7;
	probe_pass(&t->res, NULL);
	return 0;
}

static struct probe_job job(struct toy *t, int (*run)(void *, const void *))
{
	memset(t, 0, sizeof(*t));
	return (struct probe_job){ .name = "toy", .out = t, .size = sizeof(*t), .run = run, .fail = toy_fail };
}

static void test_ok(void **state)
{
	(void)state;
	struct toy t;
	struct probe_job j = job(&t, toy_ok);
	probe_run_jobs(&j, 1, 2000);
	assert_int_equal(t.value, 42);
	assert_true(t.res.ok);
	assert_int_equal(t.pad[sizeof(t.pad) - 1], 'z');
	assert_true(WIFEXITED(j.status) && WEXITSTATUS(j.status) == 0);
}

static void test_parallel_mix(void **state)
{
	(void)state;
	struct toy a, b, c, d;
	struct probe_job jobs[] = { job(&a, toy_ok), job(&b, toy_hang), job(&c, toy_crash), job(&d, toy_short) };
	probe_run_jobs(jobs, 4, 1000);
	assert_int_equal(a.value, 42);
	assert_true(a.res.ok);
	assert_int_equal(b.value, -1);
	assert_string_equal(b.res.step, "probe timed out");
	assert_int_equal(c.value, -1);
	assert_string_equal(c.res.step, "probe killed by signal 9");
	assert_int_equal(d.value, -1);
	assert_string_equal(d.res.step, "probe gave no answer");
	/* The hanging child was killed and reaped. */
	assert_true(WIFSIGNALED(jobs[1].status) && WTERMSIG(jobs[1].status) == SIGKILL);
}

static int is_dead(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (probe_read_file(path, buf, sizeof(buf)) <= 0)
		return 1;
	const char *rp = strrchr(buf, ')');
	return rp && rp[1] == ' ' && (rp[2] == 'Z' || rp[2] == 'X');
}

static void test_lingering_grandchild(void **state)
{
	(void)state;
	struct toy t;
	struct probe_job j = job(&t, toy_linger);
	/* If the runner waited for EOF, the grandchild would make this a timeout. */
	probe_run_jobs(&j, 1, 1500);
	assert_int_equal(t.value, 7);
	assert_true(t.res.ok);
	assert_true(t.grandchild > 0);
	/* Killed with the process group (it is not our child: poll until it
	 * is gone or a zombie waiting for init). */
	int gone = 0;
	for (int i = 0; i < 500 && !gone; i++) {
		gone = is_dead(t.grandchild);
		if (!gone)
			usleep(2000);
	}
	assert_true(gone);
}

static void test_helpers(void **state)
{
	(void)state;
	struct probe_res r;
	probe_fail(&r, "a step", EPERM);
	assert_true(r.tried && !r.ok && r.err == EPERM);
	assert_string_equal(r.step, "a step");
	probe_skip(&r, "why");
	assert_true(!r.tried && !r.ok && r.err == 0);
	probe_pass(&r, NULL);
	assert_true(r.tried && r.ok);
	assert_string_equal(r.step, "");
	char small[4];
	probe_strlcpy(small, "abcdef", sizeof(small));
	assert_string_equal(small, "abc");
	assert_int_equal(probe_read_int("/nonexistent/sysctl"), -1);
	assert_true(probe_read_int("/proc/sys/kernel/pid_max") > 0);
}

/* The single probes `can run` uses say the same as the full run. */
static void test_single_probes_agree(void **state)
{
	(void)state;
	struct probe_results all;
	probe_all(&all);
	int abi = probe_landlock_abi();
	if (all.landlock.abi > 0)
		assert_int_equal(abi, all.landlock.abi);
	else
		assert_true(abi < 0);
	struct probe_res u;
	assert_int_equal(probe_userns(&u), all.ns.userns.ok);
	assert_string_equal(u.step, all.ns.userns.step);
	struct probe_namespaces ns = probe_namespaces();
	for (int i = 0; i < PROBE_NS_COUNT; i++)
		assert_int_equal(ns.ns[i].ok, all.ns.ns[i].ok);
	assert_int_equal(ns.overlay.ok, all.ns.overlay.ok);
	assert_int_equal(probe_seccomp_sync_wakeup(), all.seccomp.sync_wakeup.ok);
	assert_int_equal(probe_seccomp_wait_killable(), all.seccomp.wait_killable.ok);
	struct probe_seccomp sc = probe_seccomp();
	assert_int_equal(sc.addfd_send.ok, all.seccomp.addfd_send.ok);
	struct cgroup_delegation cg = probe_cgroup_delegation();
	assert_int_equal(cg.delegated, all.cgroup.delegated);
	assert_string_equal(cg.dir, all.cgroup.dir);
	assert_int_equal(cg.mkdir.ok, all.cgroup.mkdir.ok);
	struct probe_sysctls s = probe_sysctls();
	assert_int_equal(s.max_user_namespaces, all.sysctl.max_user_namespaces);
	/* The probes left the caller untouched: it can still be traced, signal,
	 * read /, and has no new privileges restriction. */
	assert_int_equal(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 0);
	assert_true(access("/", R_OK) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok),
		cmocka_unit_test(test_parallel_mix),
		cmocka_unit_test(test_lingering_grandchild),
		cmocka_unit_test(test_helpers),
		cmocka_unit_test(test_single_probes_agree),
	};
	return cmocka_run_group_tests_name("probe_run", tests, NULL, NULL);
}
