/* The engine behind the real filter: core/seccomp/seccomp_filter.c builds it from
 * a default-like allow-list (test/seccomp_fixture_allow.txt) with
 * notify_nrs = notify_handled_syscalls(), a child installs it, and the
 * listener is handed over the way `can run` can do it when sendmsg itself
 * is trapped: the child writes the fd's number into a pipe (write is not
 * trapped) and the parent takes the fd with pidfd_getfd. Then the child
 * execs notify_target: the execve, the loader's opens and the scenario's
 * calls all go through the engine. */
#include "notify_harness.h"
#include "seccomp/seccomp_filter.h"
#include "seccomp_policy.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

static char fixture[4096];

static const struct notify_rules *fixed(pid_t pid, void *ctx)
{
	(void)pid;
	return ctx;
}

/* Runs notify_target -1 ARGS under the real filter and the engine. */
static void run(const char *dir, const struct notify_rules *r, const char *const *args, struct nh_result *res)
{
	struct policy p;
	memset(&p, 0, sizeof(p));
	if (tp_add_file(&p.sys.allow, fixture) < 0)
		fail_msg("cannot read %s", fixture);
	size_t n;
	const int *nrs = notify_handled_syscalls(&n);
	struct sc_options o = { .mode = SC_MODE_ENFORCE, .notify_nrs = nrs, .n_notify = n };
	struct diags d = { 0 };
	struct sc_filter *f = sc_build(&p, &o, &d);
	if (!f)
		diags_print(&d, stderr);
	assert_non_null(f);
	diags_free(&d);

	int num[2], ack[2], out[2];
	assert_int_equal(pipe2(num, O_CLOEXEC), 0);
	assert_int_equal(pipe2(ack, O_CLOEXEC), 0);
	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* The parent takes the listener with pidfd_getfd: it needs
		 * ptrace access, which a non-dumpable child would deny. In can
		 * run the child's user namespace belongs to the parent. */
		prctl(PR_SET_DUMPABLE, 1);
		dup2(out[1], 1);
		if (chdir(dir) < 0)
			_exit(98);
		int l = sc_install(f);
		if (l <= 0 || write(num[1], &l, sizeof(l)) != sizeof(l))
			_exit(120);
		char c;
		if (read(ack[0], &c, 1) != 1)
			_exit(121);
		close(l);
		const char *argv[16] = { "notify_target", "-1" };
		size_t k = 2;
		for (size_t i = 0; args[i] && k < 15; i++)
			argv[k++] = args[i];
		argv[k] = NULL;
		setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
		execv(nh_target(), (char *const *)argv);
		_exit(127);
	}
	close(num[1]), close(ack[0]), close(out[1]);
	int fdnum = -1;
	assert_int_equal(read(num[0], &fdnum, sizeof(fdnum)), (ssize_t)sizeof(fdnum));
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	assert_true(pidfd >= 0);
	int l = (int)syscall(SYS_pidfd_getfd, pidfd, fdnum, 0);
	assert_true(l >= 0);
	close(pidfd);
	struct notify_config c = { .workers = 2, .rules_for = fixed, .ctx = (void *)r };
	struct notify_engine *e = notify_engine_start(l, &c);
	assert_non_null(e);
	assert_int_equal(write(ack[1], "A", 1), 1);
	size_t got = 0;
	ssize_t k;
	memset(res, 0, sizeof(*res));
	while ((k = read(out[0], res->out + got, sizeof(res->out) - 1 - got)) > 0)
		got += (size_t)k;
	res->out[got] = '\0';
	waitpid(pid, &res->status, 0);
	notify_engine_stats(e, &res->stats);
	notify_engine_stop(e);
	close(num[0]), close(ack[1]), close(out[0]);
	sc_free(f);
	for (size_t i = 0; i < p.sys.allow.n; i++)
		free(p.sys.allow.v[i].s);
	free(p.sys.allow.v);
}

static void test_allowed_and_refused(void **state)
{
	(void)state;
	char *d = nh_mkdir("filter");
	char *file = xasprintf("%s/file", d), *secret = xasprintf("%s/secret", d);
	close(open(file, O_WRONLY | O_CREAT, 0644));
	close(open(secret, O_WRONLY | O_CREAT, 0644));
	struct notify_rules r;
	nh_rules_for_dir(&r, d);
	struct srcpos at = { "test.toml", 4, 1 };
	notify_rules_add_path(&r, "deny", secret, 0, "filesystem.deny", at);
	struct nh_result res;
	const char *ok[] = { "open", "openat", "file", "0", "0", "022", NULL };
	run(d, &r, ok, &res);
	nh_diag("allowed", res.out);
	assert_true(WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0);
	assert_non_null(strstr(res.out, "ret=ok"));
	/* the execve, the loader's opens and the scenario's open */
	assert_true(res.stats.emulated >= 3);
	printf("# under the real filter: %llu calls emulated, %llu continued\n",
	       (unsigned long long)res.stats.emulated, (unsigned long long)res.stats.continued);
	const char *no[] = { "open", "openat", "secret", "0", "0", "022", NULL };
	run(d, &r, no, &res);
	assert_string_equal(res.out, "ret=err errno=EACCES\n");
	assert_int_equal(res.stats.refused, 1);
	const char *mk[] = { "pathop", "mkdir", "sub", "0777", "022", NULL };
	run(d, &r, mk, &res);
	assert_string_equal(res.out, "ret=0 errno=0\n");
	struct stat st;
	char *sub = xasprintf("%s/sub", d);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	notify_rules_free(&r);
	free(sub), free(file), free(secret), free(d);
}

int main(int argc, char **argv)
{
	(void)argc;
	nh_init(argv[0]);
	const char *src = getenv("CAN_SRCDIR");
	snprintf(fixture, sizeof(fixture), "%s/test/seccomp_fixture_allow.txt", src ? src : "..");
	if (access(fixture, R_OK) != 0) {
		printf("1..0 # SKIP %s not found (set CAN_SRCDIR)\n", fixture);
		return 0;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allowed_and_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
