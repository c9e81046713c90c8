/* ll_ruleset: which layer policies Landlock can express (pure), and the
 * ruleset builder's refusals and rights on a real kernel. */
#include "ll_ruleset.h"
#include "util/kernel_compat.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

static const struct srcpos at = { 0 };

static void plain_allow_lists_are_expressible(void **state)
{
	(void)state;
	struct policy p;
	policy_init(&p);
	plist_add(&p.fs.allow, "/usr", at);
	plist_add(&p.fs.allow_write, "/home/u/proj", at);
	plist_add(&p.fs.deny, "/home/u/.ssh", at); /* outside every allowed tree */
	const char *why = "unset";
	assert_true(ll_policy_expressible(&p, &why));
	assert_null(why);
	policy_free(&p);
}

static void deny_inside_allow_is_not(void **state)
{
	(void)state;
	struct policy p;
	policy_init(&p);
	plist_add(&p.fs.allow, "/home/u", at);
	plist_add(&p.fs.deny, "/home/u/.ssh", at);
	const char *why = NULL;
	assert_false(ll_policy_expressible(&p, &why));
	assert_non_null(strstr(why, "/home/u/.ssh"));
	assert_non_null(strstr(why, "inside /home/u"));
	policy_free(&p);
}

static void deny_inside_the_layer_dir_is_not(void **state)
{
	(void)state;
	struct policy p;
	policy_init(&p);
	plist_add(&p.fs.deny, "/home/u/.ssh", at);
	const char *w[] = { "/home/u" };
	const char *why = NULL;
	assert_true(ll_policy_expressible(&p, &why));
	assert_false(ll_layer_expressible(&p, w, 1, &why));
	/* A prefix that is not a parent folder is no container. */
	const char *w2[] = { "/home/u/.ss" };
	assert_true(ll_layer_expressible(&p, w2, 1, &why));
	const char *w3[] = { "/" };
	assert_false(ll_layer_expressible(&p, w3, 1, &why));
	policy_free(&p);
}

static void mask_is_not(void **state)
{
	(void)state;
	struct policy p;
	policy_init(&p);
	plist_add(&p.fs.mask, "/etc/hosts", at);
	const char *why = NULL;
	assert_false(ll_policy_expressible(&p, &why));
	assert_non_null(strstr(why, "mask /etc/hosts"));
	policy_free(&p);
}

static void old_abi_is_refused(void **state)
{
	(void)state;
	struct policy p;
	policy_init(&p);
	char err[300];
	assert_int_equal(ll_ruleset_build(&p, NULL, 0, 5, err, sizeof err), -1);
	assert_non_null(strstr(err, "ABI 5"));
	assert_int_equal(ll_ruleset_build(&p, NULL, 0, -EOPNOTSUPP, err, sizeof err), -1);
	assert_non_null(strstr(err, "not available: EOPNOTSUPP"));
	policy_free(&p);
}

/* In a child: apply the built ruleset and try to read two files. */
static void built_ruleset_allows_and_denies(void **state)
{
	(void)state;
	long abi = can_landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 6) {
		skip();
		return;
	}
	char dir[] = "/tmp/llrs.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char ok[64], secret[64];
	snprintf(ok, sizeof ok, "%s/ok", dir);
	snprintf(secret, sizeof secret, "/tmp/llrs-secret.%d", (int)getpid());
	close(open(ok, O_CREAT | O_WRONLY, 0600));
	close(open(secret, O_CREAT | O_WRONLY, 0600));
	struct policy p;
	policy_init(&p);
	plist_add(&p.fs.allow, dir, at);
	char err[300];
	int rs = ll_ruleset_build(&p, NULL, 0, (int)abi, err, sizeof err);
	assert_true(rs >= 0);
	pid_t c = fork();
	if (c == 0) {
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		if (can_landlock_restrict_self(rs, 0) < 0)
			_exit(10);
		int a = open(ok, O_RDONLY), b = open(secret, O_RDONLY);
		int w = open("/dev/null", O_WRONLY | O_TRUNC);
		_exit(a >= 0 && b < 0 && errno == EACCES && w >= 0 ? 0 : 11);
	}
	int st;
	waitpid(c, &st, 0);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	close(rs);
	unlink(ok);
	unlink(secret);
	rmdir(dir);
	policy_free(&p);
}

/* allow_execve: only what it names runs, dynamic binaries included (the
 * loader gets the execute right). */
static void allow_execve_limits_exec(void **state)
{
	(void)state;
	long abi = can_landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 6) {
		skip();
		return;
	}
	struct policy p;
	policy_init(&p);
	const char *ro[] = { "/usr", "/bin", "/lib", "/lib64", "/etc" };
	for (size_t i = 0; i < sizeof ro / sizeof ro[0]; i++)
		plist_add(&p.fs.allow, ro[i], at);
	plist_add(&p.proc.allow_execve, "/usr/bin/true", at);
	char err[300];
	int rs = ll_ruleset_build(&p, NULL, 0, (int)abi, err, sizeof err);
	assert_true(rs >= 0);
	int results[2];
	for (int k = 0; k < 2; k++) {
		pid_t c = fork();
		if (c == 0) {
			prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
			if (can_landlock_restrict_self(rs, 0) < 0)
				_exit(10);
			int dn = open("/dev/null", O_WRONLY);
			dup2(dn, 2);
			char *const argv[] = { k ? "/usr/bin/false" : "/usr/bin/true", NULL };
			execv(argv[0], argv);
			_exit(errno == EACCES ? 20 : 21);
		}
		int st;
		waitpid(c, &st, 0);
		results[k] = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	}
	assert_int_equal(results[0], 0);  /* true ran (through ld.so) */
	assert_int_equal(results[1], 20); /* false: EACCES */
	close(rs);
	policy_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_allow_lists_are_expressible),
		cmocka_unit_test(deny_inside_allow_is_not),
		cmocka_unit_test(deny_inside_the_layer_dir_is_not),
		cmocka_unit_test(mask_is_not),
		cmocka_unit_test(old_abi_is_refused),
		cmocka_unit_test(built_ruleset_allows_and_denies),
		cmocka_unit_test(allow_execve_limits_exec),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
