/* `can recipe show` prints TOML that parses back to the same policy:
 * show -> parse -> show is identical (and so is the JSON), for every
 * shipped recipe and combinations of them. */
#include "recipe_test.h"

#include <unistd.h>

static const struct expand_env env = {
	.home = "/home/u", .user = "u", .cwd = "/work/proj",
};

static void roundtrip(const char *const *names, size_t n)
{
	struct policy p;
	struct diags d = { 0 };
	if (recipe_load_effective(names, n, NULL, &env, &p, &d)) {
		diags_print(&d, stderr);
		fail_msg("effective policy did not load");
	}
	char *first = t_print(&p, PRINT_TOML);
	char *json1 = t_print(&p, PRINT_JSON);

	/* Saved as a file and named with -r, as a user does (`can recipe show
	 * -r node > mine.toml; can run -r ./mine.toml`): a plain user recipe,
	 * loaded on top of the built-in baseline, with no error and no
	 * warning (issue 12). */
	char path[] = "/tmp/can-roundtrip.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, first, strlen(first)), (ssize_t)strlen(first));
	close(fd);
	struct policy q;
	const char *const mine[] = { path };
	int rc = recipe_load_effective(mine, 1, NULL, &env, &q, &d);
	unlink(path);
	if (rc || d.nw) {
		diags_print(&d, stderr);
		fprintf(stderr, "%s", first);
		fail_msg("show output did not load back as a user recipe");
	}
	char *second = t_print(&q, PRINT_TOML);
	char *json2 = t_print(&q, PRINT_JSON);
	assert_string_equal(first, second);
	assert_string_equal(json1, json2);
	/* and the values really are the effective ones (spot checks) */
	assert_int_equal(q.fs.allow.n, p.fs.allow.n);
	assert_int_equal(q.sys.allow.n, p.sys.allow.n);
	assert_int_equal(q.nhosts, p.nhosts);
	assert_true(q.sys.allow.n > 100);
	free(first);
	free(second);
	free(json1);
	free(json2);
	policy_free(&p);
	policy_free(&q);
	diags_free(&d);
}

#define RT(name, ...) \
	static void name(void **state) \
	{ \
		const char *const names[] = { __VA_ARGS__ }; \
		roundtrip(names, sizeof(names) / sizeof(names[0])); \
	}

RT(roundtrip_base_default, "default")
RT(roundtrip_node, "node")
RT(roundtrip_npm, "npm")
RT(roundtrip_python, "python")
RT(roundtrip_pip, "pip")
RT(roundtrip_node_npm, "node", "npm")
RT(roundtrip_python_pip, "python", "pip")
RT(roundtrip_all, "node", "npm", "python", "pip")

static void roundtrip_example(void **state)
{
	const char *src = getenv("CAN_SRCDIR");
	if (!src)
		skip();
	char path[4096];
	snprintf(path, sizeof(path), "%s/recipes/example.toml", src);
	const char *const names[] = { path, "npm" };
	roundtrip(names, 2);
}

/* Strings that need escaping survive the trip. */
static void roundtrip_escapes(void **state)
{
	const char *t = "[recipe]\ndescription = \"tab\\there \\\"q\\\" back\\\\slash \\u0001 é\"\n"
			"[process.env]\nX = \"a\\nb\"\n";
	struct policy p = t_load("e.toml", t);
	char *a = t_print(&p, PRINT_TOML);
	struct policy q = t_load("e2.toml", a);
	char *b = t_print(&q, PRINT_TOML);
	assert_string_equal(a, b);
	assert_string_equal(q.recipe.description.v, "tab\there \"q\" back\\slash \x01 é");
	assert_string_equal(q.proc.env.v[0].value, "a\nb");
	free(a);
	free(b);
	policy_free(&p);
	policy_free(&q);
}

static void roundtrip_floats(void **state)
{
	const char *vals[] = { "0.92", "0.1", "1", "0", "0.3333333333333333" };
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		char t[128];
		snprintf(t, sizeof(t), "[network.dlp]\ndns_entropy_threshold = %s\n", vals[i]);
		struct policy p = t_load("f.toml", t);
		char *a = t_print(&p, PRINT_TOML);
		struct policy q = t_load("f2.toml", a);
		assert_true(p.net.dlp.dns_entropy_threshold.v == q.net.dlp.dns_entropy_threshold.v);
		free(a);
		policy_free(&p);
		policy_free(&q);
	}
}

static void explain_names_origins(void **state)
{
	const char *const names[] = { "npm" };
	struct policy p;
	struct diags d = { 0 };
	assert_int_equal(recipe_load_effective(names, 1, NULL, &env, &p, &d), 0);
	char *e = t_print(&p, PRINT_EXPLAIN);
	assert_non_null(strstr(e, "\t\"/usr\",  # builtin:base.toml:"));
	assert_non_null(strstr(e, "\t\"read\",  # builtin:default.toml:"));
	assert_non_null(strstr(e, "egress = \"proxy-only\"  # builtin:npm.toml:"));
	assert_non_null(strstr(e, "[[host]]  # builtin:npm.toml:"));
	/* explain output is TOML too */
	struct policy q = t_load("explained.toml", e);
	policy_free(&q);
	free(e);
	policy_free(&p);
}

static void explain_marks_denied(void **state)
{
	struct policy p = t_load("d.toml", "[filesystem]\nallow = [\"/a\", \"/s/k\"]\ndeny = [\"/s\"]\n"
					   "[syscalls]\nallow_extra = [\"mlock\"]\ndeny_extra = [\"mlock\"]\n");
	char *e = t_print(&p, PRINT_EXPLAIN);
	assert_non_null(strstr(e, "\"/s/k\",  # d.toml:2:16 (no effect: denied or masked)"));
	assert_non_null(strstr(e, "\"mlock\",  # d.toml:5:16 (no effect: denied at d.toml:6)"));
	free(e);
	policy_free(&p);
}

int main(void)
{
	/* Only the built-in recipes: no user or installed folders. */
	setenv("CAN_RECIPE_PATH", "", 1);
	setenv("XDG_CONFIG_HOME", "/nonexistent-can-test", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roundtrip_base_default), cmocka_unit_test(roundtrip_node),
		cmocka_unit_test(roundtrip_npm), cmocka_unit_test(roundtrip_python),
		cmocka_unit_test(roundtrip_pip), cmocka_unit_test(roundtrip_node_npm),
		cmocka_unit_test(roundtrip_python_pip), cmocka_unit_test(roundtrip_all),
		cmocka_unit_test(roundtrip_example), cmocka_unit_test(roundtrip_escapes),
		cmocka_unit_test(roundtrip_floats), cmocka_unit_test(explain_names_origins),
		cmocka_unit_test(explain_marks_denied),
	};
	return cmocka_run_group_tests_name("recipe_roundtrip", tests, NULL, NULL);
}
