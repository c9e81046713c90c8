/* canister.toml (core/lang/manifest*.c): parsing, every validation error
 * with its exact message and file:line:col, command strings, the override
 * layer and its merge with the named recipes, a manifest trying to weaken
 * the compiled-in baseline, choosing a sandbox, remembering the choice, and
 * discovery on real folders. */
#include "recipe_test.h"
#include "lang/manifest.h"

#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[PATH_MAX];

static void put(const char *rel, const char *text)
{
	char *p = xasprintf("%s/%s", tmpdir, rel);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

static void mk(const char *rel)
{
	char *p = xasprintf("%s/%s", tmpdir, rel);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_manifest.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	/* Recipes from the built-ins only: no user folder, no installed one. */
	setenv("HOME", tmpdir, 1);
	unsetenv("XDG_CONFIG_HOME");
	setenv("XDG_STATE_HOME", tmpdir, 1);
	char *rp = xasprintf("%s/no-recipes", tmpdir);
	setenv("CAN_RECIPE_PATH", rp, 1);
	free(rp);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char *cmd = xasprintf("rm -rf '%s'", tmpdir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return 0;
}

static struct manifest load_ok(const char *toml)
{
	struct manifest m;
	struct diags d = { 0 };
	if (manifest_load_buffer("t.toml", toml, strlen(toml), &m, &d) != 0) {
		diags_print(&d, stderr);
		fail_msg("the manifest did not load");
	}
	diags_free(&d);
	return m;
}

/* --- a valid manifest --- */

static void parses_sandboxes(void **state)
{
	(void)state;
	struct manifest m = load_ok("[sandbox.test]\n"
				    "description = \"unit tests\"\n"
				    "recipes = [\"node\", \"npm\"]\n"
				    "command = \"npm test -- --grep 'a b'\"\n"
				    "[sandbox.dev]\n"
				    "command = [\"node\", \"app.js\"]\n"
				    "strict = true\n"
				    "[sandbox.dev.filesystem]\n"
				    "allow_write = [\"$HOME/.npm\"]\n");
	assert_int_equal(m.n, 2);
	assert_string_equal(m.sb[0].name, "test");
	assert_string_equal(m.sb[0].description, "unit tests");
	assert_int_equal(m.sb[0].nrecipes, 2);
	assert_string_equal(m.sb[0].recipes[1].s, "npm");
	assert_int_equal(m.sb[0].recipes[1].at.line, 3);
	assert_int_equal(m.sb[0].ncommand, 5);
	assert_string_equal(m.sb[0].command[4], "a b");
	assert_null(m.sb[0].command[5]);
	assert_false(m.sb[0].has_overrides);
	assert_string_equal(m.sb[1].name, "dev");
	assert_int_equal(m.sb[1].ncommand, 2);
	assert_true(m.sb[1].has_overrides);
	assert_true(m.sb[1].overrides.strict.v);
	assert_int_equal(m.sb[1].overrides.fs.allow_write.n, 1);
	assert_string_equal(m.sb[1].overrides.fs.allow_write.v[0].s, "$HOME/.npm");
	assert_int_equal(m.sb[1].overrides.fs.allow_write.v[0].at.line, 9);
	assert_string_equal(m.dir, ".");
	manifest_free(&m);
}

/* --- every validation error --- */

struct ecase {
	const char *name, *toml, *want;
};

#define E "t.toml:"
static const struct ecase ecases[] = {
	{ "empty", "", E "1:1: error: the manifest defines no sandbox; add a [sandbox.NAME] table "
		       "(see docs/manifest.md)\n" },
	{ "toml_syntax", "[sandbox.a\n", E "1:11: error: expected ']' after [sandbox.a, found end of line\n" },
	{ "top_unknown_suggests", "[sandboxes.a]\n",
	  E "1:2: error: unknown key 'sandboxes' in a manifest; did you mean [sandbox.NAME]?\n" },
	{ "top_unknown", "zzz = 1\n[sandbox.a]\n",
	  E "1:1: error: unknown key 'zzz' in a manifest (it has [sandbox.NAME] tables and "
	    "[[host]] blocks)\n" },
	{ "top_recipe_section", "[filesystem]\nallow = []\n[sandbox.a]\n",
	  E "1:2: error: [filesystem] at the top of a manifest belongs to no sandbox; write it in "
	    "[sandbox.NAME]\n" },
	{ "top_strict", "strict = true\n[sandbox.a]\n",
	  E "1:1: error: 'strict' at the top of a manifest belongs to no sandbox; write it in "
	    "[sandbox.NAME]\n" },
	{ "sandbox_not_table", "sandbox = 1\n",
	  E "1:1: error: 'sandbox' must be [sandbox.NAME] tables, found integer\n" },
	{ "sandbox_entry_not_table", "[sandbox]\na = 1\n",
	  E "2:1: error: [sandbox.a] must be a table, found integer\n" },
	{ "no_sandboxes", "[sandbox]\n",
	  E "1:1: error: the manifest defines no sandbox; add a [sandbox.NAME] table (see "
	    "docs/manifest.md)\n" },
	{ "bad_name", "[sandbox.\"my app\"]\n",
	  E "1:10: error: [sandbox.my app]: a sandbox name is 1 to 64 letters, digits, '-' and "
	    "'_', starting with a letter or digit\n" },
	{ "key_suggests", "[sandbox.a]\ncomand = \"x\"\n",
	  E "2:1: error: unknown key 'comand' in [sandbox.a]; did you mean 'command'?\n" },
	{ "recipe_for_recipes", "[sandbox.a]\nrecipe = [\"node\"]\n",
	  E "2:1: error: unknown key 'recipe' in [sandbox.a]; did you mean 'recipes'?\n" },
	{ "recipe_section", "[sandbox.a.recipe]\nname = \"x\"\n",
	  E "1:12: error: [sandbox.a.recipe]: a recipe file's metadata has no place in a sandbox; "
	    "its description is 'description' in [sandbox.a]\n" },
	{ "key_unknown", "[sandbox.a]\nzzzzzz = 1\n",
	  E "2:1: error: unknown key 'zzzzzz' in [sandbox.a] (a sandbox has description, recipes, "
	    "command, and the fields and sections of a recipe)\n" },
	{ "section_suggests", "[sandbox.a.filesytem]\nallow = []\n",
	  E "1:12: error: unknown section [sandbox.a.filesytem]; did you mean "
	    "[sandbox.a.filesystem]?\n" },
	{ "strict_typo", "[sandbox.a]\nstict = true\n",
	  E "2:1: error: unknown key 'stict' in [sandbox.a]; did you mean 'strict'?\n" },
	{ "override_key_suggests", "[sandbox.a.filesystem]\nalow = [\"/x\"]\n",
	  E "2:1: error: unknown key 'alow' in [sandbox.a.filesystem]; did you mean 'allow'?\n" },
	{ "override_type", "[sandbox.a]\nstrict = 1\n",
	  E "2:10: error: 'strict' in [sandbox.a]: expected boolean, found integer\n" },
	{ "override_relative_path", "[sandbox.a.filesystem]\nallow = [\"build\"]\n",
	  E "2:10: error: 'allow' in [sandbox.a.filesystem]: 'build' is a relative path; paths must "
	    "be absolute (start with /, ~/ or a variable such as $HOME)\n" },
	{ "override_legacy", "[sandbox.a.network]\ndeny_all = true\n",
	  E "2:1: error: unknown key 'deny_all' in [sandbox.a.network]: an older spelling; today "
	    "write egress = \"none\"\n" },
	{ "override_subsection", "[sandbox.a.network.dlpp]\nenabled = true\n",
	  E "1:20: error: unknown section [sandbox.a.network.dlpp]; did you mean "
	    "[sandbox.a.network.dlp]?\n" },
	{ "override_absolute_syscalls", "[sandbox.a.syscalls]\nallow = [\"ptrace\"]\n",
	  E "2:1: error: 'allow' in [sandbox.a.syscalls] is only valid in the built-in default.toml; "
	    "use 'allow_extra' to add to it\n" },
	{ "override_absolute_deny", "[sandbox.a.syscalls]\ndeny = []\n",
	  E "2:1: error: 'deny' in [sandbox.a.syscalls] is only valid in the built-in default.toml; "
	    "use 'deny_extra' to add to it\n" },
	{ "override_unknown_syscall", "[sandbox.a.syscalls]\nallow_extra = [\"ptrac\"]\n",
	  E "2:16: error: 'allow_extra' in [sandbox.a.syscalls]: unknown syscall 'ptrac'; did you "
	    "mean 'ptrace'?\n" },
	{ "host_in_sandbox", "[[sandbox.a.host]]\ndomain = \"a.example\"\nmethod = [\"GET\"]\n",
	  E "3:1: error: unknown key 'method' in [[sandbox.a.host]]; did you mean 'methods'?\n" },
	{ "host_without_domain", "[[sandbox.a.host]]\nmethods = [\"GET\"]\n",
	  E "1:1: error: [[sandbox.a.host]] block without 'domain'\n" },
	{ "top_host_checked", "[[host]]\ndomain = \"a.example\"\nmethod = [\"GET\"]\n[sandbox.a]\n",
	  E "3:1: error: unknown key 'method' in [[host]]; did you mean 'methods'?\n" },
	{ "description_type", "[sandbox.a]\ndescription = 1\n",
	  E "2:15: error: 'description' in [sandbox.a]: expected string, found integer\n" },
	{ "recipes_type", "[sandbox.a]\nrecipes = \"node\"\n",
	  E "2:11: error: 'recipes' in [sandbox.a]: expected array of strings, found string\n" },
	{ "recipes_element", "[sandbox.a]\nrecipes = [\"node\", 1]\n",
	  E "2:20: error: 'recipes' in [sandbox.a]: expected array of strings, found integer in the "
	    "array\n" },
	{ "recipes_empty_name", "[sandbox.a]\nrecipes = [\"\"]\n",
	  E "2:12: error: 'recipes' in [sandbox.a]: an empty recipe name\n" },
	{ "recipes_twice", "[sandbox.a]\nrecipes = [\"node\",\n \"node\"]\n",
	  E "3:2: error: 'recipes' in [sandbox.a]: 'node' is listed twice (first at line 2)\n" },
	{ "command_type", "[sandbox.a]\ncommand = 3\n",
	  E "2:11: error: 'command' in [sandbox.a]: expected string or array of strings, found "
	    "integer\n" },
	{ "command_empty_array", "[sandbox.a]\ncommand = []\n",
	  E "2:11: error: 'command' in [sandbox.a]: an empty array (a command needs a program)\n" },
	{ "command_empty_program", "[sandbox.a]\ncommand = [\"\", \"x\"]\n",
	  E "2:12: error: 'command' in [sandbox.a]: an empty program name\n" },
	{ "command_element", "[sandbox.a]\ncommand = [\"ls\", 1]\n",
	  E "2:18: error: 'command' in [sandbox.a]: expected array of strings\n" },
	{ "command_needs_shell", "[sandbox.a]\ncommand = \"make && make test\"\n",
	  E "2:11: error: 'command' in [sandbox.a]: '&' needs a shell to mean anything; to run it "
	    "through a shell, write command = [\"sh\", \"-c\", \"...\"]\n" },
	{ "command_empty_string", "[sandbox.a]\ncommand = \"  \"\n",
	  E "2:11: error: 'command' in [sandbox.a]: empty command; to run it through a shell, "
	    "write command = [\"sh\", \"-c\", \"...\"]\n" },
	/* Every error is reported, not only the first. */
	{ "several", "[sandbox.a]\ncomand = 1\n[sandbox.a.filesystem]\nalow = []\n[sandbox.b]\n"
		     "recipes = 1\n",
	  E "2:1: error: unknown key 'comand' in [sandbox.a]; did you mean 'command'?\n"
	  E "4:1: error: unknown key 'alow' in [sandbox.a.filesystem]; did you mean 'allow'?\n"
	  E "6:11: error: 'recipes' in [sandbox.b]: expected array of strings, found integer\n" },
};

static void every_error(void **state)
{
	(void)state;
	int failed = 0;
	for (size_t i = 0; i < ARRAY_LEN(ecases); i++) {
		const struct ecase *c = &ecases[i];
		struct manifest m;
		struct diags d = { 0 };
		int rc = manifest_load_buffer("t.toml", c->toml, strlen(c->toml), &m, &d);
		char *got = t_diags_text(&d);
		if (rc != CAN_EXIT_USAGE || strcmp(got, c->want) != 0)
			print_error("case %s: rc %d\n got: %s\nwant: %s", c->name, rc, got, c->want),
				failed++;
		assert_int_equal(m.n, 0); /* never a partial manifest */
		assert_null(m.sb);
		free(got);
		diags_free(&d);
	}
	if (failed)
		fail_msg("%d cases failed", failed);
}

/* --- command strings --- */

static void split_command(void **state)
{
	(void)state;
	char err[128];
	size_t n;
	char **v = manifest_split_command("  python3 -m  unittest \"a \\\"b\\\"\" 'c d'x ", &n, err,
					  sizeof(err));
	assert_non_null(v);
	assert_int_equal(n, 5);
	assert_string_equal(v[0], "python3");
	assert_string_equal(v[3], "a \"b\"");
	assert_string_equal(v[4], "c dx");
	assert_null(v[5]);
	strv_free(v, n);
	static const char *const refused[] = { "a | b", "a; b", "echo $HOME", "ls *.c", "a > f",
					       "~/bin/x", "echo \"$x\"", "echo `id`", "x 'y",
					       "a\\ b", "a # c" };
	for (size_t i = 0; i < ARRAY_LEN(refused); i++)
		if (manifest_split_command(refused[i], &n, err, sizeof(err)))
			fail_msg("'%s' was split, it needs a shell", refused[i]);
	/* Quoted, the same characters are plain text. */
	v = manifest_split_command("grep '$x|y;*' a~b", &n, err, sizeof(err));
	assert_non_null(v);
	assert_string_equal(v[1], "$x|y;*");
	assert_string_equal(v[2], "a~b");
	strv_free(v, n);
	/* and the other way: words quoted for a shell */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	manifest_put_word(f, "plain/x.toml");
	fputc(' ', f);
	manifest_put_word(f, "a b");
	fputc(' ', f);
	manifest_put_word(f, "it's");
	fputc(' ', f);
	manifest_put_word(f, "");
	fclose(f);
	assert_string_equal(buf, "plain/x.toml 'a b' 'it'\\''s' ''");
	free(buf);
}

/* --- the effective policy --- */

static const struct expand_env env = { .home = "/home/u", .user = "u", .cwd = "/w" };

static void effective(const struct manifest *m, const char *name, struct policy *p)
{
	struct diags d = { 0 };
	const struct manifest_sandbox *s = manifest_sandbox_find(m, name);
	assert_non_null(s);
	if (manifest_effective(m, s, NULL, &env, p, &d) != 0) {
		diags_print(&d, stderr);
		fail_msg("no effective policy for %s", name);
	}
	diags_free(&d);
}

static void overrides_layer_on_recipes(void **state)
{
	(void)state;
	struct manifest m = load_ok("[[host]]\ndomain = \"a.example\"\nmethods = [\"GET\"]\n"
				    "[sandbox.t]\nrecipes = [\"python\"]\n"
				    "[sandbox.t.filesystem]\nallow_write = [\"$HOME/.cache/x\"]\n"
				    "[sandbox.t.process]\nenv = { A = \"$HOME\" }\nmax_pids = 7\n"
				    "[[sandbox.t.host]]\ndomain = \"a.example\"\n"
				    "methods = [\"POST\"]\n");
	struct policy p;
	effective(&m, "t", &p);
	/* baseline, recipe, override: all there, expanded */
	assert_true(plist_has(&p.fs.allow, "/usr"));
	assert_true(plist_has(&p.fs.allow, "/usr/lib/python3"));
	assert_true(plist_has(&p.fs.allow_write, "/home/u/.cache/x"));
	assert_int_equal(policy_fs_access(&p, "/home/u/.cache/x/y"), FS_WRITE);
	bool found_a = false;
	for (size_t i = 0; i < p.proc.env.n; i++)
		if (strcmp(p.proc.env.v[i].name, "A") == 0) {
			assert_string_equal(p.proc.env.v[i].value, "/home/u");
			found_a = true;
		}
	assert_true(found_a);
	assert_int_equal(p.proc.max_pids.v, 7);
	/* the shared [[host]] and the sandbox's: one block per domain */
	assert_int_equal(p.nhosts, 1);
	assert_true(plist_has(&p.hosts[0].methods, "GET"));
	assert_true(plist_has(&p.hosts[0].methods, "POST"));
	/* the origin of an override is the manifest */
	for (size_t i = 0; i < p.fs.allow_write.n; i++)
		if (strcmp(p.fs.allow_write.v[i].s, "/home/u/.cache/x") == 0) {
			assert_string_equal(p.fs.allow_write.v[i].at.file, "t.toml");
			assert_int_equal(p.fs.allow_write.v[i].at.line, 7);
		}
	policy_free(&p);
	manifest_free(&m);
}

static void overrides_come_last(void **state)
{
	(void)state;
	put("r.toml", "[network]\negress = \"proxy-only\"\n[process]\nenv = { A = \"recipe\" }\n");
	char *path = xasprintf("%s/canister.toml", tmpdir);
	put("canister.toml", "[sandbox.t]\nrecipes = [\"./r.toml\"]\n"
			     "[sandbox.t.network]\negress = \"none\"\n"
			     "[sandbox.t.process]\nenv = { A = \"manifest\" }\n");
	struct manifest m;
	struct diags d = { 0 };
	assert_int_equal(manifest_load_file(path, &m, &d), 0);
	struct policy p;
	effective(&m, "t", &p);
	assert_string_equal(p.net.egress.v, "none"); /* scalar: last layer wins */
	assert_int_equal(p.proc.env.n, 1);
	assert_string_equal(p.proc.env.v[0].value, "manifest");
	policy_free(&p);
	manifest_free(&m);
	diags_free(&d);
	free(path);
}

/* A manifest cannot weaken the compiled-in baseline. */
static void cannot_weaken_baseline(void **state)
{
	(void)state;
	struct manifest m = load_ok("[sandbox.t]\nstrict = false\n"
				    "[sandbox.t.syscalls]\nallow_extra = [\"kcmp\", \"settimeofday\"]\n"
				    "[sandbox.t.filesystem]\nallow = [\"$HOME\", \"/etc\"]\n"
				    "allow_write = [\"/home/u/.ssh\"]\n");
	struct policy p;
	effective(&m, "t", &p);
	/* default.toml's deny list beats any allow_extra */
	assert_false(policy_syscall_allowed(&p, "kcmp"));
	assert_false(policy_syscall_allowed(&p, "settimeofday"));
	assert_true(policy_syscall_allowed(&p, "read"));
	/* base.toml's deny beats the manifest's allow and allow_write */
	assert_int_equal(policy_fs_access(&p, "/home/u/.ssh/id_ed25519"), FS_DENIED);
	assert_int_equal(policy_fs_access(&p, "/etc/shadow"), FS_DENIED);
	assert_int_equal(policy_fs_access(&p, "/home/u/project"), FS_READ);
	policy_free(&p);
	manifest_free(&m);

	/* strict = false cannot undo a recipe's strict = true */
	put("strict.toml", "strict = true\n");
	char *path = xasprintf("%s/canister.toml", tmpdir);
	put("canister.toml", "[sandbox.t]\nrecipes = [\"./strict.toml\"]\nstrict = false\n");
	struct diags d = { 0 };
	assert_int_equal(manifest_load_file(path, &m, &d), 0);
	effective(&m, "t", &p);
	assert_true(p.strict.v);
	policy_free(&p);
	manifest_free(&m);

	/* a recipe file the manifest names is a user file: no absolute lists,
	 * even named default.toml; "default" itself is always the built-in */
	put("default.toml", "[syscalls]\nallow = [\"ptrace\"]\ndeny = []\n");
	put("canister.toml", "[sandbox.t]\nrecipes = [\"./default.toml\"]\n");
	assert_int_equal(manifest_load_file(path, &m, &d), 0);
	assert_int_equal(manifest_effective(&m, &m.sb[0], NULL, &env, &p, &d), CAN_EXIT_USAGE);
	char *got = t_diags_text(&d);
	assert_non_null(strstr(got, "'allow' in [syscalls] is only valid in the built-in "
				    "default.toml"));
	assert_int_equal(p.sys.allow.n, 0);
	free(got);
	diags_free(&d);
	manifest_free(&m);
	free(path);
}

static void unknown_recipe_at_its_position(void **state)
{
	(void)state;
	struct manifest m = load_ok("[sandbox.t]\nrecipes = [\"node\", \"pyhton\", \"./no.toml\"]\n");
	struct policy p;
	struct diags d = { 0 };
	assert_int_equal(manifest_effective(&m, &m.sb[0], NULL, &env, &p, &d), CAN_EXIT_USAGE);
	char *got = t_diags_text(&d);
	assert_string_equal(got, E "2:20: error: 'recipes' in [sandbox.t]: recipe 'pyhton' not "
				   "found; did you mean 'python'? (see 'can recipe list')\n"
				E "2:30: error: 'recipes' in [sandbox.t]: no recipe file ./no.toml\n");
	free(got);
	diags_free(&d);
	manifest_free(&m);
}

/* --- choosing and remembering --- */

static void choose(void **state)
{
	(void)state;
	struct manifest m = load_ok("[sandbox.build]\n[sandbox.test]\n");
	char err[256];
	assert_string_equal(manifest_choose(&m, "test", NULL, err, sizeof(err))->name, "test");
	assert_string_equal(manifest_choose(&m, NULL, NULL, err, sizeof(err))->name, "build");
	assert_string_equal(manifest_choose(&m, NULL, "test", err, sizeof(err))->name, "test");
	/* a remembered name the manifest no longer defines: the first */
	assert_string_equal(manifest_choose(&m, NULL, "gone", err, sizeof(err))->name, "build");
	assert_null(manifest_choose(&m, "tset", "test", err, sizeof(err)));
	assert_string_equal(err, "no sandbox 'tset' in t.toml; did you mean 'test'? (defined: "
				 "build, test)");
	manifest_free(&m);
}

static void remember(void **state)
{
	(void)state;
	assert_null(manifest_recall("/p/one"));
	assert_int_equal(manifest_remember("/p/one", "test"), 0);
	assert_int_equal(manifest_remember("/p/two", "build"), 0);
	char *a = manifest_recall("/p/one"), *b = manifest_recall("/p/two");
	assert_string_equal(a, "test");
	assert_string_equal(b, "build");
	free(a);
	free(b);
	assert_int_equal(manifest_remember("/p/one", "dev"), 0);
	a = manifest_recall("/p/one");
	assert_string_equal(a, "dev");
	free(a);
	/* under XDG_STATE_HOME, private */
	char *sp = manifest_state_path("/p/one");
	assert_true(strncmp(sp, tmpdir, strlen(tmpdir)) == 0);
	struct stat st;
	assert_int_equal(stat(sp, &st), 0);
	assert_int_equal(st.st_mode & 077, 0);
	/* a file that names another project (a hash collision) is not ours */
	FILE *f = fopen(sp, "w");
	fputs("/p/other\ntest\n", f);
	fclose(f);
	assert_null(manifest_recall("/p/one"));
	free(sp);
}

/* --- discovery, on real folders --- */

static void find(void **state)
{
	(void)state;
	char err[512], *path, *want;
	mk("proj");
	mk("proj/a");
	mk("proj/a/b");
	put("proj/canister.toml", "[sandbox.t]\n");
	char *start = xasprintf("%s/proj/a/b", tmpdir);
	assert_int_equal(manifest_find(start, NULL, &path, err, sizeof(err)), 0);
	want = xasprintf("%s/proj/canister.toml", tmpdir);
	assert_string_equal(path, want);
	free(path);
	/* the nearest wins */
	put("proj/a/canister.toml", "[sandbox.t]\n");
	assert_int_equal(manifest_find(start, NULL, &path, err, sizeof(err)), 0);
	free(want);
	want = xasprintf("%s/proj/a/canister.toml", tmpdir);
	assert_string_equal(path, want);
	free(path);
	/* never above home: with home = proj/a/b, proj/a's is out of reach */
	assert_int_equal(manifest_find(start, start, &path, err, sizeof(err)), 1);
	assert_null(path);
	assert_non_null(strstr(err, "no canister.toml in"));
	/* home itself is searched */
	char *home_a = xasprintf("%s/proj/a", tmpdir);
	assert_int_equal(manifest_find(start, home_a, &path, err, sizeof(err)), 0);
	assert_string_equal(path, want);
	free(path);
	/* a manifest others may write is refused, not skipped */
	assert_int_equal(chmod(want, 0666), 0);
	assert_int_equal(manifest_find(start, NULL, &path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "anyone may write it"));
	assert_int_equal(chmod(want, 0644), 0);
	/* so is one in a folder anyone may write (not sticky) */
	assert_int_equal(chmod(home_a, 0777), 0);
	assert_int_equal(manifest_find(start, NULL, &path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "its folder is writable by all and not sticky"));
	assert_int_equal(chmod(home_a, 01777), 0); /* sticky, as /tmp: fine */
	assert_int_equal(manifest_find(start, NULL, &path, err, sizeof(err)), 0);
	free(path);
	assert_int_equal(chmod(home_a, 0755), 0);
	free(home_a);
	free(want);
	free(start);
}

/* --- the seam session mode calls --- */

static void sandbox_policy_seam(void **state)
{
	(void)state;
	mk("seam");
	mk("seam/sub");
	put("seam/canister.toml", "[sandbox.first]\n[sandbox.web]\nrecipes = [\"python\"]\n"
				  "[sandbox.web.filesystem]\nallow = [\"$CWD/data\"]\n");
	char *sub = xasprintf("%s/seam/sub", tmpdir), *root = xasprintf("%s/seam", tmpdir);
	char real[PATH_MAX];
	assert_non_null(realpath(root, real));
	struct expand_env e = { .home = "/home/u", .user = "u", .cwd = "/bound/here" };
	struct policy p;
	struct manifest_where w;
	struct diags d = { 0 };
	assert_int_equal(manifest_sandbox_policy(sub, "web", &e, &p, &w, &d), 0);
	assert_true(plist_has(&p.fs.allow, "/usr/lib/python3"));
	assert_true(plist_has(&p.fs.allow, "/bound/here/data")); /* $CWD is what env says */
	char *want = xasprintf("%s/canister.toml", real);
	assert_string_equal(w.path, want);
	assert_string_equal(w.dir, real);
	assert_string_equal(w.name, "web");
	manifest_where_free(&w);
	policy_free(&p);
	/* no name: the remembered one, else the first; never remembers itself */
	assert_int_equal(manifest_sandbox_policy(sub, NULL, &e, &p, &w, &d), 0);
	assert_string_equal(w.name, "first");
	manifest_where_free(&w);
	policy_free(&p);
	assert_int_equal(manifest_remember(real, "web"), 0);
	assert_int_equal(manifest_sandbox_policy(sub, NULL, &e, &p, NULL, &d), 0);
	assert_true(plist_has(&p.fs.allow, "/bound/here/data"));
	policy_free(&p);
	assert_int_equal(d.n, 0);
	/* errors come back as diagnostics, the policy empty */
	assert_int_equal(manifest_sandbox_policy(sub, "wbe", &e, &p, &w, &d), CAN_EXIT_USAGE);
	assert_null(w.path);
	assert_int_equal(p.fs.allow.n, 0);
	char *got = t_diags_text(&d);
	assert_non_null(strstr(got, "no sandbox 'wbe' in "));
	assert_non_null(strstr(got, "did you mean 'web'?"));
	free(got);
	diags_free(&d);
	/* the same refusals as can up */
	char *mpath = xasprintf("%s/seam/canister.toml", tmpdir);
	assert_int_equal(chmod(mpath, 0646), 0);
	assert_int_equal(manifest_sandbox_policy(sub, "web", &e, &p, &w, &d), CAN_EXIT_USAGE);
	got = t_diags_text(&d);
	assert_non_null(strstr(got, "anyone may write it"));
	free(got);
	diags_free(&d);
	free(mpath);
	free(want);
	free(sub);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_sandboxes),
		cmocka_unit_test(every_error),
		cmocka_unit_test(split_command),
		cmocka_unit_test(overrides_layer_on_recipes),
		cmocka_unit_test(overrides_come_last),
		cmocka_unit_test(cannot_weaken_baseline),
		cmocka_unit_test(unknown_recipe_at_its_position),
		cmocka_unit_test(choose),
		cmocka_unit_test(remember),
		cmocka_unit_test(find),
		cmocka_unit_test(sandbox_policy_seam),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
