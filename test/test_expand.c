/* Variable expansion: $HOME, $USER, $CWD, ${XDG_*} with their defaults, ~,
 * $$, unknown and unset variables, relative results, and that expansion
 * happens after merging. */
#include "recipe_test.h"

static const struct expand_env env = {
	.home = "/home/u", .user = "u", .cwd = "/work/proj",
	.xdg_config_home = "/cfg", .xdg_runtime_dir = "/run/user/1000",
};

static char *x(const char *s, const struct expand_env *e)
{
	char *err = NULL;
	char *r = expand_string(s, e, &err);
	if (!r) {
		fail_msg("expand '%s': %s", s, err);
	}
	return r;
}

static void expect(const char *in, const char *want)
{
	char *r = x(in, &env);
	assert_string_equal(r, want);
	free(r);
}

static void expect_err(const char *in, const struct expand_env *e, const char *want)
{
	char *err = NULL;
	char *r = expand_string(in, e, &err);
	assert_null(r);
	assert_string_equal(err, want);
	free(err);
}

static void expand_home_user_cwd(void **state)
{
	expect("$HOME/.npm", "/home/u/.npm");
	expect("${HOME}/.npm", "/home/u/.npm");
	expect("/home/$USER/x", "/home/u/x");
	expect("$CWD/node_modules", "/work/proj/node_modules");
	expect("/plain/path", "/plain/path");
}

static void expand_tilde(void **state)
{
	expect("~", "/home/u");
	expect("~/.cache", "/home/u/.cache");
	expect("/a/~/b", "/a/~/b");   /* only at the start */
	expect("~user/x", "~user/x"); /* ~user is not expanded (and then relative) */
}

static void expand_xdg_set_and_defaults(void **state)
{
	expect("${XDG_CONFIG_HOME}/canister", "/cfg/canister");
	expect("${XDG_CACHE_HOME}/pip", "/home/u/.cache/pip");
	expect("$XDG_DATA_HOME/x", "/home/u/.local/share/x");
	expect("${XDG_STATE_HOME}", "/home/u/.local/state");
	expect("${XDG_RUNTIME_DIR}/bus", "/run/user/1000/bus");
	/* a relative XDG value is ignored, as the XDG spec says */
	struct expand_env e = env;
	e.xdg_cache_home = "relative";
	char *r = x("${XDG_CACHE_HOME}", &e);
	assert_string_equal(r, "/home/u/.cache");
	free(r);
}

static void expand_dollar_dollar(void **state)
{
	expect("/a/$$b", "/a/$b");
}

static void expand_unknown_and_unset(void **state)
{
	expect_err("$HOMEDIR/x", &env, "unknown variable $HOMEDIR (known: $HOME, $USER, $CWD, "
				       "${XDG_CONFIG_HOME}, ${XDG_CACHE_HOME}, ${XDG_DATA_HOME}, "
				       "${XDG_STATE_HOME}, ${XDG_RUNTIME_DIR})");
	expect_err("$USR/x", &env, "unknown variable $USR; did you mean $USER?");
	expect_err("/a/$", &env, "'$' without a variable name (write $$ for a literal $)");
	expect_err("${HOME", &env, "unterminated ${...} after 'HOME' (write $$ for a literal $)");
	struct expand_env e = env;
	e.user = NULL;
	expect_err("/home/$USER", &e, "variable $USER is not set");
	e = env;
	e.home = NULL;
	expect_err("~/x", &e, "~ needs $HOME, which is not set");
}

static void expand_after_merge(void **state)
{
	/* $HOME/x and ~/x are one entry after expansion; origins are kept. */
	struct policy p;
	t_merge2(&p, "[filesystem]\nallow = [\"$HOME/x\"]", "[filesystem]\nallow = [\"~/x\", \"$CWD\"]");
	assert_int_equal(p.fs.allow.n, 3); /* still distinct before expansion */
	struct diags d = { 0 };
	assert_int_equal(policy_expand(&p, &env, &d), 0);
	assert_int_equal(p.fs.allow.n, 2);
	assert_string_equal(p.fs.allow.v[0].s, "/home/u/x");
	assert_string_equal(p.fs.allow.v[0].at.file, "a.toml");
	assert_string_equal(p.fs.allow.v[1].s, "/work/proj");
	assert_int_equal(p.fs.allow.v[1].at.line, 2);
	policy_free(&p);
}

static void expand_env_values(void **state)
{
	struct policy p = t_load("e.toml", "[process.env]\nCACHE = \"${XDG_CACHE_HOME}/x\"\nLIT = \"a$$b\"");
	struct diags d = { 0 };
	assert_int_equal(policy_expand(&p, &env, &d), 0);
	assert_string_equal(p.proc.env.v[0].value, "/home/u/.cache/x");
	assert_string_equal(p.proc.env.v[1].value, "a$b");
	policy_free(&p);
}

static void expand_relative_after_expansion(void **state)
{
	/* $CWD empty-ish: a relative value only shows up with real values. */
	struct expand_env e = env;
	e.cwd = "relative/dir";
	struct policy p = t_load("r.toml", "[filesystem]\nallow_write = [\"$CWD\"]");
	struct diags d = { 0 };
	assert_int_equal(policy_expand(&p, &e, &d), CAN_EXIT_USAGE);
	char *got = t_diags_text(&d);
	assert_string_equal(got, "r.toml:2:16: error: 'allow_write' in [filesystem]: 'relative/dir' "
				 "is a relative path; paths must be absolute (start with /, ~/ or a "
				 "variable such as $HOME)\n");
	free(got);
	diags_free(&d);
	policy_free(&p);
}

static void expand_match_prefix_and_execve(void **state)
{
	struct policy p = t_load("m.toml", "[recipe]\nmatch_prefix = [\"$HOME/.nvm/\"]\n"
					   "[process]\nallow_execve = [\"~/bin/tool\"]");
	struct diags d = { 0 };
	assert_int_equal(policy_expand(&p, &env, &d), 0);
	assert_string_equal(p.recipe.match_prefix.v[0].s, "/home/u/.nvm/");
	assert_string_equal(p.proc.allow_execve.v[0].s, "/home/u/bin/tool");
	policy_free(&p);
}

static void expand_env_from_process_defaults(void **state)
{
	setenv("HOME", "/h", 1);
	setenv("USER", "someone", 1);
	unsetenv("XDG_CONFIG_HOME");
	struct expand_env e;
	expand_env_from_process(&e);
	assert_string_equal(e.home, "/h");
	assert_string_equal(e.user, "someone");
	assert_non_null(e.cwd);
	assert_null(e.xdg_config_home);
	char *r = x("${XDG_CONFIG_HOME}/c", &e);
	assert_string_equal(r, "/h/.config/c");
	free(r);
}

/* Variables of the user's environment in paths (ADR 0164). */
static const char *const host[] = {
	"GOPATH=/home/u/go", "CARGO_HOME=/home/u/.cargo/", "NVM_DIR=/home/u/.nvm", "EMPTY=",
	"REL=go", "ROOT=/", "LIST=/a:/b", "DOTS=/home/u/../v", "SECRET=ghp_0123456789abcdef",
	"CTL=/a\nb", NULL,
};

static char *xp(const char *in, char **err)
{
	struct expand_env e = env;
	e.host_vars = host;
	*err = NULL;
	return expand_path(in, &e, err);
}

static void expect_path(const char *in, const char *want)
{
	char *err;
	char *r = xp(in, &err);
	if (!r)
		fail_msg("expand '%s': %s", in, err);
	assert_string_equal(r, want);
	free(r);
}

static void expect_path_err(const char *in, const char *want)
{
	char *err;
	char *r = xp(in, &err);
	assert_null(r);
	assert_string_equal(err, want);
	free(err);
}

static void expand_host_variables(void **state)
{
	expect_path("$GOPATH/pkg/mod", "/home/u/go/pkg/mod");
	expect_path("${CARGO_HOME}/registry", "/home/u/.cargo/registry"); /* one slash */
	expect_path("$NVM_DIR", "/home/u/.nvm");
	expect_path("$HOME/x", "/home/u/x"); /* the fixed names as before */
	/* unset: the clear error, with a suggestion when it is a near miss */
	expect_path_err("$GOROOT/bin", "variable $GOROOT is not set (it is taken from the "
		"environment can runs in: set it, or write the path out)");
	expect_path_err("$HOEM/x", "variable $HOEM is not set; did you mean $HOME?");
	/* only as the start of a path */
	expect_path_err("/opt/$GOPATH", "$GOPATH may only begin a path (a variable other than "
		"$HOME, $USER, $CWD and ${XDG_*} is a prefix: $GOPATH/...)");
	/* never in env values (expand_string): a host variable would pass
	 * into the sandbox past env_passthrough */
	expect_err("$GOPATH/bin", &env, "unknown variable $GOPATH (known: $HOME, $USER, $CWD, "
		"${XDG_CONFIG_HOME}, ${XDG_CACHE_HOME}, ${XDG_DATA_HOME}, ${XDG_STATE_HOME}, "
		"${XDG_RUNTIME_DIR})");
	/* without an environment (checking at load time) any name passes */
	char *err = NULL;
	char *r = expand_path("$ANYTHING/x", NULL, &err);
	assert_non_null(r);
	free(r);
}

static void expand_host_variable_values_refused(void **state)
{
	expect_path_err("$EMPTY/x", "variable $EMPTY is set but empty (an empty prefix would make "
		"the path start at /); set it to a folder, or write the path out");
	/* a relative value, which could be anything (a token): not quoted */
	expect_path_err("$REL/x", "variable $REL does not hold an absolute path (its value is not "
		"shown); set it to an absolute folder, or write the path out");
	expect_path_err("$SECRET", "variable $SECRET does not hold an absolute path (its value is "
		"not shown); set it to an absolute folder, or write the path out");
	expect_path_err("$ROOT/etc", "variable $ROOT is '/', the whole file system; write the path "
		"out");
	expect_path_err("$LIST/x", "variable $LIST holds a list separated by ':'; a path takes one "
		"folder: write it out");
	expect_path_err("$DOTS/x", "variable $DOTS holds a '..' component; write the path out");
	expect_path_err("$CTL", "variable $CTL holds a control character");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(expand_host_variables),
		cmocka_unit_test(expand_host_variable_values_refused),
		cmocka_unit_test(expand_home_user_cwd),
		cmocka_unit_test(expand_tilde),
		cmocka_unit_test(expand_xdg_set_and_defaults),
		cmocka_unit_test(expand_dollar_dollar),
		cmocka_unit_test(expand_unknown_and_unset),
		cmocka_unit_test(expand_after_merge),
		cmocka_unit_test(expand_env_values),
		cmocka_unit_test(expand_relative_after_expansion),
		cmocka_unit_test(expand_match_prefix_and_execve),
		cmocka_unit_test(expand_env_from_process_defaults),
	};
	return cmocka_run_group_tests_name("expand", tests, NULL, NULL);
}
