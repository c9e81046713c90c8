/* The pure parts of `can run`: option parsing, --allow-degraded names,
 * the environment, and the exit code for a wait status. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "sandbox/run.h"
#include "util/util.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

static int parse(struct run_opts *o, char *err, const char *const *args)
{
	int argc = 0;
	static char *argv[32];
	while (args[argc]) {
		argv[argc] = (char *)args[argc];
		argc++;
	}
	argv[argc] = NULL;
	return run_opts_parse(argc, argv, o, err, 256);
}

static void test_opts_basic(void **state)
{
	(void)state;
	struct run_opts o;
	char err[256];
	const char *a[] = { "run", "-r", "node", "--recipe", "npm", "-m", "--new-session", "--",
			    "npm", "-r", "x", NULL };
	assert_int_equal(parse(&o, err, a), 0);
	assert_int_equal(o.nrecipes, 2);
	assert_string_equal(o.recipes[0], "node");
	assert_string_equal(o.recipes[1], "npm");
	assert_true(o.monitor);
	assert_true(o.new_session);
	assert_false(o.strict);
	/* Options after the command belong to the command. */
	assert_string_equal(o.cmd[0], "npm");
	assert_string_equal(o.cmd[1], "-r");
	run_opts_free(&o);

	const char *b[] = { "run", "ls", "-l", NULL };
	assert_int_equal(parse(&o, err, b), 0);
	assert_string_equal(o.cmd[0], "ls");
	assert_string_equal(o.cmd[1], "-l");
	run_opts_free(&o);
}

static void test_opts_degraded(void **state)
{
	(void)state;
	struct run_opts o;
	char err[256];
	const char *bare[] = { "run", "--allow-degraded", "--", "true", NULL };
	assert_int_equal(parse(&o, err, bare), 0);
	assert_int_equal(o.degrade, WALL_ALL);
	run_opts_free(&o);
	const char *list[] = { "run", "--allow-degraded=landlock,cgroups", "--", "true", NULL };
	assert_int_equal(parse(&o, err, list), 0);
	assert_int_equal(o.degrade, WALL_LANDLOCK | WALL_CGROUPS);
	run_opts_free(&o);
	const char *bad[] = { "run", "--allow-degraded=landlock,nope", "--", "true", NULL };
	assert_int_equal(parse(&o, err, bad), CAN_EXIT_USAGE);
	assert_non_null(strstr(err, "'nope'"));
	run_opts_free(&o);
	const char *both[] = { "run", "-s", "--allow-degraded=seccomp", "--", "true", NULL };
	assert_int_equal(parse(&o, err, both), CAN_EXIT_USAGE);
	run_opts_free(&o);
}

static void test_opts_errors(void **state)
{
	(void)state;
	struct run_opts o;
	char err[256];
	const char *none[] = { "run", NULL };
	assert_int_equal(parse(&o, err, none), CAN_EXIT_USAGE);
	assert_non_null(strstr(err, "no command"));
	run_opts_free(&o);
	const char *port[] = { "run", "-p", "80", "--", "x", NULL };
	assert_int_equal(parse(&o, err, port), CAN_EXIT_USAGE);
	assert_non_null(strstr(err, "-p 80: expected [ip:]hostPort:sandboxPort"));
	run_opts_free(&o);
	const char *unk[] = { "run", "--frobnicate", "--", "x", NULL };
	assert_int_equal(parse(&o, err, unk), CAN_EXIT_USAGE);
	assert_non_null(strstr(err, "--frobnicate"));
	run_opts_free(&o);
	const char *missing[] = { "run", "-r", NULL };
	assert_int_equal(parse(&o, err, missing), CAN_EXIT_USAGE);
	run_opts_free(&o);
	const char *help[] = { "run", "--help", NULL };
	assert_int_equal(parse(&o, err, help), 1);
	run_opts_free(&o);
}

static void test_wall_names(void **state)
{
	(void)state;
	assert_string_equal(run_wall_name(WALL_LANDLOCK), "landlock");
	assert_string_equal(run_wall_name(WALL_CGROUPS), "cgroups");
	assert_null(run_wall_name(WALL_ALL));
	unsigned m = 0;
	char err[256];
	assert_int_equal(run_walls_parse("all", &m, err, sizeof(err)), 0);
	assert_int_equal(m, WALL_ALL);
	m = 0;
	assert_int_equal(run_walls_parse("", &m, err, sizeof(err)), -1);
}

static void add(struct plist *l, const char *s)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = (struct pstr){ xstrdup(s), { 0 } };
}

static const char *get(char **env, const char *name)
{
	size_t n = strlen(name);
	for (; *env; env++)
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

static void test_env(void **state)
{
	(void)state;
	char *host[] = { "HOME=/home/u", "PATH=/home/u/bin:/usr/bin", "TERM=xterm", "USER=u",
			 "AWS_SECRET_ACCESS_KEY=s3cr3t", "GITHUB_TOKEN=t", "NPM_CONFIG_A=1",
			 "NPM_CONFIG_B=2", "NPMX=no", "EDITOR=vi", NULL };
	struct policy p;
	memset(&p, 0, sizeof(p));
	char **e = run_env_build(&p, host);
	assert_string_equal(get(e, "HOME"), "/home/u");
	assert_string_equal(get(e, "PATH"), "/usr/local/bin:/usr/bin:/bin");
	assert_string_equal(get(e, "TERM"), "xterm");
	assert_string_equal(get(e, "LANG"), "C.UTF-8");
	assert_string_equal(get(e, "USER"), "u");
	assert_null(get(e, "AWS_SECRET_ACCESS_KEY"));
	assert_null(get(e, "GITHUB_TOKEN"));
	assert_null(get(e, "EDITOR"));
	run_env_free(e);

	add(&p.proc.env_passthrough, "EDITOR");
	add(&p.proc.env_passthrough, "NPM_CONFIG_*");
	add(&p.proc.env_passthrough, "PATH");
	add(&p.proc.env_passthrough, "NOT_SET_ON_HOST");
	p.proc.env.v = xcalloc(2, sizeof(*p.proc.env.v));
	p.proc.env.v[0].name = "EDITOR";
	p.proc.env.v[0].value = "nano";
	p.proc.env.v[1].name = "CI";
	p.proc.env.v[1].value = "1";
	p.proc.env.n = 2;
	e = run_env_build(&p, host);
	assert_string_equal(get(e, "EDITOR"), "nano"); /* env wins over passthrough */
	assert_string_equal(get(e, "CI"), "1");
	assert_string_equal(get(e, "NPM_CONFIG_A"), "1");
	assert_string_equal(get(e, "NPM_CONFIG_B"), "2");
	assert_null(get(e, "NPMX"));
	assert_string_equal(get(e, "PATH"), "/home/u/bin:/usr/bin");
	assert_null(get(e, "NOT_SET_ON_HOST"));
	assert_null(get(e, "GITHUB_TOKEN"));
	size_t n = 0;
	for (char **x = e; *x; x++)
		n++;
	assert_int_equal(n, 9); /* PATH HOME TERM LANG USER EDITOR NPM_CONFIG_A/B CI */
	run_env_free(e);
	for (size_t i = 0; i < p.proc.env_passthrough.n; i++)
		free(p.proc.env_passthrough.v[i].s);
	free(p.proc.env_passthrough.v);
	free(p.proc.env.v);
}

static void test_exit_code(void **state)
{
	(void)state;
	assert_int_equal(run_exit_code(0), 0);
	assert_int_equal(run_exit_code(3 << 8), 3);
	assert_int_equal(run_exit_code(SIGTERM), 128 + SIGTERM);
	assert_int_equal(run_exit_code(SIGKILL), 137);
	assert_int_equal(run_exit_code(SIGSEGV | 0x80), 128 + SIGSEGV); /* core dumped */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_opts_basic),  cmocka_unit_test(test_opts_degraded),
		cmocka_unit_test(test_opts_errors), cmocka_unit_test(test_wall_names),
		cmocka_unit_test(test_env),         cmocka_unit_test(test_exit_code),
	};
	return cmocka_run_group_tests_name("run_pure", tests, NULL, NULL);
}
