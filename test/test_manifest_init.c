/* can init's decisions (core/lang/manifest_init.c), over folder listings:
 * detection of every project kind and lockfile, the pre-selected recipes
 * and their reasons, answers that change the plan, and the rendered
 * canister.toml, which must load as a manifest. */
#include "recipe_test.h"
#include "lang/manifest.h"
#include "lang/manifest_init.h"

/* Recipes "installed" in these tests. */
static bool exists(const char *name, void *ctx)
{
	(void)ctx;
	static const char *const have[] = { "node", "npm", "pnpm", "python", "pip", "uv", "nvm",
					    NULL };
	for (size_t i = 0; have[i]; i++)
		if (strcmp(have[i], name) == 0)
			return true;
	return false;
}

struct dcase {
	const char *files[6];
	const char *language, *tool, *why;
};

static const struct dcase dcases[] = {
	{ { "package.json", "package-lock.json", "README.md" }, "node", "npm",
	  "package.json and package-lock.json" },
	{ { "package.json", "npm-shrinkwrap.json" }, "node", "npm",
	  "package.json and npm-shrinkwrap.json" },
	{ { "pnpm-lock.yaml", "package.json" }, "node", "pnpm", "package.json and pnpm-lock.yaml" },
	{ { "package.json", "yarn.lock" }, "node", "yarn", "package.json and yarn.lock" },
	{ { "package.json", "bun.lockb" }, "node", "bun", "package.json and bun.lockb" },
	{ { "package.json" }, "node", "npm", "package.json" },
	{ { "pyproject.toml", "uv.lock" }, "python", "uv", "pyproject.toml and uv.lock" },
	{ { "pyproject.toml", "poetry.lock" }, "python", "poetry", "pyproject.toml and poetry.lock" },
	{ { "pyproject.toml", "pdm.lock" }, "python", "pdm", "pyproject.toml and pdm.lock" },
	{ { "Pipfile", "Pipfile.lock" }, "python", "pipenv", "Pipfile and Pipfile.lock" },
	{ { "pyproject.toml" }, "python", "pip", "pyproject.toml" },
	{ { "requirements.txt" }, "python", "pip", "requirements.txt" },
	{ { "requirements-dev.txt" }, "python", "pip", "requirements*.txt" },
	{ { "go.mod", "go.sum" }, "go", "go", "go.mod" },
	{ { "Cargo.toml", "Cargo.lock" }, "rust", "cargo", "Cargo.toml" },
	{ { "mix.exs" }, "elixir", "mix", "mix.exs" },
	{ { "Gemfile", "Gemfile.lock" }, "ruby", "bundler", "Gemfile" },
	{ { "pom.xml" }, "java", "maven", "pom.xml" },
	{ { "build.gradle" }, "java", "gradle", "build.gradle" },
	{ { "build.gradle.kts" }, "java", "gradle", "build.gradle.kts" },
	{ { "CMakeLists.txt" }, "c", "cmake", "CMakeLists.txt" },
	{ { "meson.build" }, "c", "meson", "meson.build" },
	{ { "flake.nix", "flake.lock" }, "nix", "nix", "flake.nix" },
	{ { "README.md", "notes.txt" }, NULL, NULL, "" },
};

static size_t count(const char *const *f)
{
	size_t n = 0;
	while (n < 6 && f[n])
		n++;
	return n;
}

static void detects_every_kind(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(dcases); i++) {
		const struct dcase *c = &dcases[i];
		struct init_detect d;
		init_detect(c->files, count(c->files), &d);
		if ((c->language == NULL) != (d.language == NULL) ||
		    (c->language && (strcmp(c->language, d.language) || strcmp(c->tool, d.tool) ||
				     strcmp(c->why, d.why))))
			fail_msg("case %zu (%s): got %s/%s (%s)", i, c->files[0],
				 d.language ? d.language : "-", d.tool ? d.tool : "-", d.why);
	}
}

static void detects_others_too(void **state)
{
	(void)state;
	const char *files[] = { "package.json", "yarn.lock", "pyproject.toml", "go.mod" };
	struct init_detect d;
	init_detect(files, 4, &d);
	assert_string_equal(d.language, "node");
	assert_int_equal(d.nothers, 2);
	assert_string_equal(d.others[0], "python");
	assert_string_equal(d.others[1], "go");
}

static struct init_plan plan(const char *const *files, size_t n, struct init_answers a)
{
	struct init_detect d;
	init_detect(files, n, &d);
	struct init_plan p;
	char err[256];
	if (init_plan_make(&d, &a, exists, NULL, &p, err, sizeof(err)) != 0)
		fail_msg("no plan: %s", err);
	return p;
}

static void node_plan(void **state)
{
	(void)state;
	const char *files[] = { "package.json", "pnpm-lock.yaml" };
	struct init_plan p = plan(files, 2, (struct init_answers){ 0 });
	assert_string_equal(p.name, "test");
	assert_int_equal(p.nrecipes, 2);
	assert_string_equal(p.recipes[0].name, "node");
	assert_string_equal(p.recipes[0].reason, "package.json and pnpm-lock.yaml: a node project");
	assert_string_equal(p.recipes[1].name, "pnpm");
	assert_string_equal(p.recipes[1].reason, "pnpm-lock.yaml: the project is built with pnpm");
	assert_true(p.recipes[1].available);
	assert_string_equal(p.command, "pnpm test");
	assert_string_equal(p.egress, "none");
	char *line = init_plan_run_line(&p);
	assert_string_equal(line, "can run -r node -r pnpm -- pnpm test");
	free(line);
}

static void answers_change_the_plan(void **state)
{
	(void)state;
	const char *files[] = { "package.json" };
	struct init_plan p = plan(files, 1, (struct init_answers){
		.name = "dev", .toolchain = "nvm", .editor = "neovim", .network = "proxy",
		.command = "node app.js --port 3000" });
	assert_string_equal(p.name, "dev");
	assert_int_equal(p.nrecipes, 4);
	assert_string_equal(p.recipes[2].name, "nvm");
	assert_true(p.recipes[2].available);
	assert_string_equal(p.recipes[3].name, "neovim");
	assert_false(p.recipes[3].available); /* not installed: a note, not in the file */
	assert_int_equal(p.nnotes, 2);
	assert_non_null(strstr(p.notes[0], "no 'neovim' recipe is installed here"));
	assert_string_equal(p.egress, "proxy-only");
	char *line = init_plan_run_line(&p);
	assert_string_equal(line, "can run -r node -r npm -r nvm -- node app.js --port 3000");
	free(line);
	/* another language than detected; an explicit recipe list */
	p = plan(files, 1, (struct init_answers){ .language = "python", .recipes = "python uv" });
	assert_string_equal(p.language, "python");
	assert_string_equal(p.command, "python3 -m unittest");
	assert_int_equal(p.nrecipes, 2);
	assert_string_equal(p.recipes[1].name, "uv");
	assert_string_equal(p.recipes[1].reason, "you chose it");
	/* the pre-selection given back as the list (Enter at the question)
	 * keeps its reasons */
	p = plan(files, 1, (struct init_answers){ .recipes = "node npm" });
	assert_string_equal(p.recipes[0].reason, "package.json: a node project");
	assert_string_equal(p.recipes[1].reason, "no lockfile says otherwise: npm, the usual tool");
}

static void bad_answers(void **state)
{
	(void)state;
	struct init_detect d;
	init_detect(NULL, 0, &d);
	struct init_plan p;
	char err[256];
	assert_int_equal(init_plan_make(&d, &(struct init_answers){ .language = "pyton" }, exists,
					NULL, &p, err, sizeof(err)), -1);
	assert_string_equal(err, "unknown language 'pyton'; did you mean 'python'?");
	assert_int_equal(init_plan_make(&d, &(struct init_answers){ .name = "my app" }, exists, NULL,
					&p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'my app' cannot name a sandbox"));
	assert_int_equal(init_plan_make(&d, &(struct init_answers){ .network = "open" }, exists,
					NULL, &p, err, sizeof(err)), -1);
	assert_string_equal(err, "unknown network choice 'open'");
}

/* Every plan renders to a manifest that loads, with what the plan says. */
static void rendered_file_loads(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(dcases); i++) {
		const struct dcase *c = &dcases[i];
		struct init_plan p = plan(c->files, count(c->files), (struct init_answers){ 0 });
		char *text = init_plan_toml(&p);
		struct manifest m;
		struct diags d = { 0 };
		if (manifest_load_buffer("canister.toml", text, strlen(text), &m, &d) != 0) {
			diags_print(&d, stderr);
			fail_msg("case %zu: the file does not load:\n%s", i, text);
		}
		const struct manifest_sandbox *s = manifest_sandbox_find(&m, "test");
		assert_non_null(s);
		size_t want = 0;
		for (size_t j = 0; j < p.nrecipes; j++)
			want += p.recipes[j].available;
		assert_int_equal(s->nrecipes, want);
		assert_string_equal(s->overrides.net.egress.v, "none");
		if (c->language) {
			assert_non_null(s->command);
			if (p.command_shell) /* cmake's && chain: through sh -c */
				assert_string_equal(s->command[0], "sh");
		} else {
			assert_null(s->command);
		}
		if (c->language && strcmp(c->language, "go") == 0)
			assert_int_equal(s->overrides.proc.env.n, 3);
		manifest_free(&m);
		diags_free(&d);
		free(text);
	}
}

static void json_plan(void **state)
{
	(void)state;
	const char *files[] = { "go.mod" };
	struct init_detect d;
	init_detect(files, 1, &d);
	struct init_plan p;
	char err[256];
	assert_int_equal(init_plan_make(&d, &(struct init_answers){ 0 }, exists, NULL, &p, err,
					sizeof(err)), 0);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	init_plan_json(&d, &p, f);
	fclose(f);
	assert_non_null(strstr(buf, "\"detected\":{\"language\":\"go\",\"tool\":\"go\",\"why\":\"go.mod\""));
	assert_non_null(strstr(buf, "{\"name\":\"go\",\"reason\":\"go.mod: a go project\","
				    "\"available\":false}"));
	assert_non_null(strstr(buf, "\"run\":\"can run -- env GOCACHE=/tmp/go-build GOPATH=/tmp/go "
				    "GOTOOLCHAIN=local go test ./...\""));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(detects_every_kind),
		cmocka_unit_test(detects_others_too),
		cmocka_unit_test(node_plan),
		cmocka_unit_test(answers_change_the_plan),
		cmocka_unit_test(bad_answers),
		cmocka_unit_test(rendered_file_loads),
		cmocka_unit_test(json_plan),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
