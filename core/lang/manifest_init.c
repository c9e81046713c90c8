/* `can init`'s detection and plan (see manifest_init.h): tables of marker
 * files, lockfiles and companion recipes, and the text they render to. */
#include "lang/manifest_init.h"
#include "lang/manifest.h"
#include "lang/schema.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

const char *const init_languages[] = { "node", "python", "go", "rust", "elixir", "ruby",
				       "java", "c", "nix", NULL };
const char *const init_toolchains[] = { "system", "nvm", "pyenv", "asdf", "nix", "homebrew",
					"rustup", NULL };
const char *const init_editors[] = { "none", "neovim", "vscode", "helix", "emacs", NULL };

static bool has(const char *const *names, size_t n, const char *want)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], want) == 0)
			return true;
	return false;
}

static bool has_prefix(const char *const *names, size_t n, const char *pre, const char *suf)
{
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(names[i]), ls = strlen(suf);
		if (strncmp(names[i], pre, strlen(pre)) == 0 && l >= ls &&
		    strcmp(names[i] + l - ls, suf) == 0)
			return true;
	}
	return false;
}

/* One ecosystem: the marker that says which, and the lockfiles that say
 * which tool; the first lockfile found decides, else the default tool. */
struct lock { const char *file, *tool; };
struct eco {
	const char *language;
	const char *markers[4];
	struct lock locks[6];
	const char *default_tool;
};

static const struct eco ecos[] = {
	{ "node", { "package.json" },
	  { { "pnpm-lock.yaml", "pnpm" }, { "yarn.lock", "yarn" }, { "bun.lockb", "bun" },
	    { "bun.lock", "bun" }, { "package-lock.json", "npm" }, { "npm-shrinkwrap.json", "npm" } },
	  "npm" },
	{ "python", { "pyproject.toml", "requirements.txt", "setup.py", "Pipfile" },
	  { { "uv.lock", "uv" }, { "poetry.lock", "poetry" }, { "pdm.lock", "pdm" },
	    { "Pipfile.lock", "pipenv" }, { "Pipfile", "pipenv" } },
	  "pip" },
	{ "go", { "go.mod" }, { { NULL, NULL } }, "go" },
	{ "rust", { "Cargo.toml" }, { { NULL, NULL } }, "cargo" },
	{ "elixir", { "mix.exs" }, { { NULL, NULL } }, "mix" },
	{ "ruby", { "Gemfile" }, { { NULL, NULL } }, "bundler" },
	{ "java", { "pom.xml", "build.gradle", "build.gradle.kts" },
	  { { "build.gradle", "gradle" }, { "build.gradle.kts", "gradle" }, { "pom.xml", "maven" } },
	  "maven" },
	{ "c", { "CMakeLists.txt", "meson.build" }, { { "meson.build", "meson" } }, "cmake" },
	{ "nix", { "flake.nix" }, { { NULL, NULL } }, "nix" },
};

static const struct eco *eco_find(const char *language)
{
	for (size_t i = 0; i < ARRAY_LEN(ecos); i++)
		if (strcmp(ecos[i].language, language) == 0)
			return &ecos[i];
	return NULL;
}

static const char *tool_of(const struct eco *e, const char *const *names, size_t n,
			   const char **lockfile)
{
	*lockfile = NULL;
	for (size_t j = 0; j < ARRAY_LEN(e->locks) && e->locks[j].file; j++)
		if (has(names, n, e->locks[j].file)) {
			*lockfile = e->locks[j].file;
			return e->locks[j].tool;
		}
	return e->default_tool;
}

void init_detect(const char *const *names, size_t n, struct init_detect *out)
{
	*out = (struct init_detect){ 0 };
	for (size_t i = 0; i < ARRAY_LEN(ecos); i++) {
		const struct eco *e = &ecos[i];
		const char *marker = NULL;
		for (size_t j = 0; j < ARRAY_LEN(e->markers) && e->markers[j] && !marker; j++)
			if (has(names, n, e->markers[j]))
				marker = e->markers[j];
		/* requirements-dev.txt and friends count as requirements. */
		if (!marker && strcmp(e->language, "python") == 0 &&
		    has_prefix(names, n, "requirements", ".txt"))
			marker = "requirements*.txt";
		if (!marker)
			continue;
		if (out->language) {
			if (out->nothers < ARRAY_LEN(out->others))
				out->others[out->nothers++] = e->language;
			continue;
		}
		const char *lock;
		out->language = e->language;
		out->tool = tool_of(e, names, n, &lock);
		if (lock && strcmp(lock, marker) != 0)
			snprintf(out->why, sizeof(out->why), "%s and %s", marker, lock);
		else
			snprintf(out->why, sizeof(out->why), "%s", marker);
	}
}

/* --- the plan --- */

static bool in_list(const char *const *list, const char *s)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

static void add_recipe(struct init_plan *p, const char *name, const char *reason,
		       init_recipe_exists exists, void *ctx)
{
	for (size_t i = 0; i < p->nrecipes; i++)
		if (strcmp(p->recipes[i].name, name) == 0)
			return;
	if (p->nrecipes == INIT_MAX_RECIPES)
		return;
	struct init_recipe *r = &p->recipes[p->nrecipes++];
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(r->reason, sizeof(r->reason), "%.150s", reason);
	r->available = exists(name, ctx);
	if (!r->available && p->nnotes < INIT_MAX_NOTES) {
		char sb[sizeof(p->name)];
		memcpy(sb, p->name, sizeof(sb));
		/* A long reason is cut: a note is a hint, not data. */
		if (snprintf(p->notes[p->nnotes++], sizeof(p->notes[0]),
			     "no '%s' recipe is installed here: left out (%s); add it to "
			     "recipes when there is one, or allow what it needs in [sandbox.%s]",
			     name, reason, sb) >= (int)sizeof(p->notes[0]))
			p->notes[p->nnotes - 1][sizeof(p->notes[0]) - 1] = '\0';
	}
}

static const char *default_command(const char *tool)
{
	static const struct { const char *tool, *cmd; } t[] = {
		{ "npm", "npm test" }, { "pnpm", "pnpm test" }, { "yarn", "yarn test" },
		{ "bun", "bun test" }, { "pip", "python3 -m unittest" },
		{ "uv", "uv run python -m unittest" }, { "poetry", "poetry run python -m unittest" },
		{ "pdm", "pdm run python -m unittest" }, { "pipenv", "pipenv run python -m unittest" },
		{ "go", "go test ./..." }, { "cargo", "cargo test" }, { "mix", "mix test" },
		{ "bundler", "bundle exec rake test" }, { "maven", "mvn -o test" },
		{ "gradle", "gradle test --offline" },
		{ "cmake", "cmake -B build && cmake --build build && ctest --test-dir build" },
		{ "meson", "meson setup build && meson test -C build" }, { "nix", "nix flake check" },
	};
	for (size_t i = 0; i < ARRAY_LEN(t); i++)
		if (strcmp(t[i].tool, tool) == 0)
			return t[i].cmd;
	return NULL;
}

static void add_env(struct init_plan *p, const char *name, const char *value, const char *why)
{
	if (p->nenv < INIT_MAX_ENV) {
		p->env[p->nenv].name = name;
		p->env[p->nenv].value = value;
		p->env[p->nenv++].why = why;
	}
}

static int choice(const char *what, const char *given, const char *const *list, const char **out,
		  char *err, size_t errlen)
{
	if (!given || !given[0])
		return 0;
	if (!in_list(list, given)) {
		size_t n = 0;
		while (list[n])
			n++;
		const char *sug = did_you_mean(given, list, n);
		snprintf(err, errlen, "unknown %s '%s'%s%s%s", what, given, sug ? "; did you mean '" : "",
			 sug ? sug : "", sug ? "'?" : "");
		return -1;
	}
	*out = given;
	return 0;
}

int init_plan_make(const struct init_detect *d, const struct init_answers *a,
		   init_recipe_exists exists, void *ctx, struct init_plan *p, char *err,
		   size_t errlen)
{
	*p = (struct init_plan){ .egress = "none" };
	const char *name = a->name && a->name[0] ? a->name : "test";
	size_t nl = strlen(name);
	bool ok = nl > 0 && nl <= 64;
	for (size_t i = 0; i < nl && ok; i++) {
		char c = name[i];
		ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		     (i > 0 && (c == '-' || c == '_'));
	}
	if (!ok) {
		snprintf(err, errlen, "'%s' cannot name a sandbox: 1 to 64 letters, digits, '-' and "
			 "'_', starting with a letter or digit", name);
		return -1;
	}
	snprintf(p->name, sizeof(p->name), "%s", name);

	const char *language = d->language, *tool = d->tool;
	const char *toolchain = "system", *editor = "none", *network = "none";
	if (a->language && a->language[0] && (!language || strcmp(a->language, language) != 0)) {
		if (choice("language", a->language, init_languages, &language, err, errlen) < 0)
			return -1;
		const struct eco *e = eco_find(language);
		tool = e ? e->default_tool : NULL;
	}
	static const char *const networks[] = { "none", "proxy", NULL };
	if (choice("tool chain", a->toolchain, init_toolchains, &toolchain, err, errlen) < 0 ||
	    choice("editor", a->editor, init_editors, &editor, err, errlen) < 0 ||
	    choice("network choice", a->network, networks, &network, err, errlen) < 0)
		return -1;
	p->language = language;
	p->tool = tool;

	char reason[400];
	if (language) {
		snprintf(p->description, sizeof(p->description), "%s project (%s): %s", language, tool,
			 a->command && a->command[0] ? "its command" : "the tests");
		snprintf(reason, sizeof(reason), "%.150s: a %s project", d->language &&
			 !strcmp(d->language, language) ? d->why : "you said so", language);
		/* c's recipe is its build tool's; the others have a language recipe. */
		if (strcmp(language, "c") != 0)
			add_recipe(p, strcmp(language, "java") == 0 ? "java" : language, reason,
				   exists, ctx);
		if (strcmp(tool, language) != 0 && strcmp(tool, "mix") != 0) {
			const char *lock = d->tool && !strcmp(d->tool, tool) && strstr(d->why, " and ")
						   ? strstr(d->why, " and ") + 5 : NULL;
			char r2[400];
			if (lock)
				snprintf(r2, sizeof(r2), "%.100s: the project is built with %s", lock, tool);
			else
				snprintf(r2, sizeof(r2), "no lockfile says otherwise: %s, the usual tool",
					 tool);
			add_recipe(p, tool, r2, exists, ctx);
		}
	} else {
		snprintf(p->description, sizeof(p->description), "this project");
	}
	if (strcmp(toolchain, "system") != 0) {
		snprintf(reason, sizeof(reason), "the tool chain comes from %s: its folders must be "
			 "visible", toolchain);
		add_recipe(p, toolchain, reason, exists, ctx);
	}
	if (strcmp(editor, "none") != 0) {
		snprintf(reason, sizeof(reason), "you edit with %s inside the sandbox", editor);
		add_recipe(p, editor, reason, exists, ctx);
	}
	if (a->recipes && a->recipes[0]) {
		/* An explicit list replaces the pre-selection; a recipe that was
		 * pre-selected keeps its reason. */
		struct init_recipe pre[INIT_MAX_RECIPES];
		size_t npre = p->nrecipes;
		memcpy(pre, p->recipes, sizeof(pre));
		p->nrecipes = 0;
		p->nnotes = 0;
		char *copy = xstrdup(a->recipes), *save = NULL;
		for (char *w = strtok_r(copy, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save)) {
			const char *why = "you chose it";
			for (size_t i = 0; i < npre; i++)
				if (strcmp(pre[i].name, w) == 0)
					why = pre[i].reason;
			add_recipe(p, w, why, exists, ctx);
		}
		free(copy);
	}
	if (language && strcmp(language, "go") == 0) {
		/* go writes its build cache and module cache under $HOME. */
		add_env(p, "GOCACHE", "/tmp/go-build", "the build cache, in the sandbox's own /tmp");
		add_env(p, "GOPATH", "/tmp/go", "modules, in the sandbox's own /tmp");
		add_env(p, "GOTOOLCHAIN", "local", "never download another Go tool chain");
	}
	const char *cmd = a->command && a->command[0] ? a->command
			  : tool ? default_command(tool) : NULL;
	if (cmd) {
		snprintf(p->command, sizeof(p->command), "%s", cmd);
		size_t nw;
		char e2[128];
		char **v = manifest_split_command(cmd, &nw, e2, sizeof(e2));
		p->command_shell = v == NULL;
		strv_free(v, nw);
	}
	if (strcmp(network, "proxy") == 0) {
		p->egress = "proxy-only";
		if (p->nnotes < INIT_MAX_NOTES)
			snprintf(p->notes[p->nnotes++], sizeof(p->notes[0]),
				 "egress = \"proxy-only\": until the egress proxy lands, this runs "
				 "with no network and says so");
	}
	return 0;
}

/* --- rendering --- */

static void put_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void put_command_array(FILE *f, const struct init_plan *p)
{
	size_t n;
	char e[128];
	char **v = p->command_shell ? NULL : manifest_split_command(p->command, &n, e, sizeof(e));
	fputc('[', f);
	if (v) {
		for (size_t i = 0; i < n; i++) {
			fputs(i ? ", " : "", f);
			put_str(f, v[i]);
		}
		strv_free(v, n);
	} else {
		fputs("\"sh\", \"-c\", ", f);
		put_str(f, p->command);
	}
	fputc(']', f);
}

char *init_plan_toml(const struct init_plan *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort(); /* out of memory: as xmalloc does */
	char *line = init_plan_run_line(p);
	fprintf(f, "# canister.toml, written by 'can init' (see docs/manifest.md).\n"
		   "# Run it with: can up %s\n# The same as: %s\n# (plus the [sandbox.%s.network] "
		   "table below: 'can up --dry-run %s' prints it as a recipe)\n", p->name, line,
		p->name, p->name);
	free(line);
	for (size_t i = 0; i < p->nnotes; i++)
		fprintf(f, "# Note: %s.\n", p->notes[i]);
	fprintf(f, "\n[sandbox.%s]\ndescription = ", p->name);
	put_str(f, p->description);
	fputc('\n', f);
	for (size_t i = 0; i < p->nrecipes; i++)
		if (p->recipes[i].available)
			fprintf(f, "# %s: %s\n", p->recipes[i].name, p->recipes[i].reason);
	fputs("recipes = [", f);
	for (size_t i = 0, k = 0; i < p->nrecipes; i++)
		if (p->recipes[i].available) {
			fputs(k++ ? ", " : "", f);
			put_str(f, p->recipes[i].name);
		}
	fputs("]\n", f);
	if (p->command[0]) {
		fputs("command = ", f);
		put_command_array(f, p);
		fputc('\n', f);
	} else {
		fputs("# command = [\"...\"]   # nothing detected: add the command to run\n", f);
	}
	fprintf(f, "\n[sandbox.%s.network]\n# \"none\": no network; \"proxy-only\": only through "
		   "can's egress proxy\negress = \"%s\"\n", p->name, p->egress);
	if (p->nenv) {
		fprintf(f, "\n[sandbox.%s.process]\n", p->name);
		for (size_t i = 0; i < p->nenv; i++)
			fprintf(f, "# %s: %s\n", p->env[i].name, p->env[i].why);
		fputs("env = { ", f);
		for (size_t i = 0; i < p->nenv; i++) {
			fprintf(f, "%s%s = ", i ? ", " : "", p->env[i].name);
			put_str(f, p->env[i].value);
		}
		fputs(" }\n", f);
	}
	fclose(f);
	return buf;
}

char *init_plan_run_line(const struct init_plan *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort(); /* out of memory: as xmalloc does */
	fputs("can run", f);
	for (size_t i = 0; i < p->nrecipes; i++)
		if (p->recipes[i].available)
			fprintf(f, " -r %s", p->recipes[i].name);
	/* The sandbox's own layer (egress, env) has no can run flag: the env
	 * goes through env(1); egress "none" is what no recipe saying
	 * otherwise gives, and the file is the place for anything more. */
	fputs(" --", f);
	if (p->nenv)
		fputs(" env", f);
	for (size_t i = 0; i < p->nenv; i++)
		fprintf(f, " %s=%s", p->env[i].name, p->env[i].value);
	if (!p->command[0]) {
		fputs(" CMD", f);
	} else if (p->command_shell) {
		fputs(" sh -c ", f);
		manifest_put_word(f, p->command);
	} else {
		size_t n;
		char e[128];
		char **v = manifest_split_command(p->command, &n, e, sizeof(e));
		for (size_t i = 0; v && i < n; i++) {
			fputc(' ', f);
			manifest_put_word(f, v[i]);
		}
		strv_free(v, n);
	}
	fclose(f);
	return buf;
}

static void json_str(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	put_str(f, s);
}

void init_plan_json(const struct init_detect *d, const struct init_plan *p, FILE *out)
{
	fputs("{\"detected\":{\"language\":", out);
	json_str(out, d->language);
	fputs(",\"tool\":", out);
	json_str(out, d->tool);
	fputs(",\"why\":", out);
	json_str(out, d->language ? d->why : NULL);
	fputs(",\"others\":[", out);
	for (size_t i = 0; i < d->nothers; i++) {
		fputs(i ? "," : "", out);
		json_str(out, d->others[i]);
	}
	fputs("]},\"sandbox\":", out);
	json_str(out, p->name);
	fputs(",\"description\":", out);
	json_str(out, p->description);
	fputs(",\"recipes\":[", out);
	for (size_t i = 0; i < p->nrecipes; i++) {
		fprintf(out, "%s{\"name\":", i ? "," : "");
		json_str(out, p->recipes[i].name);
		fputs(",\"reason\":", out);
		json_str(out, p->recipes[i].reason);
		fprintf(out, ",\"available\":%s}", p->recipes[i].available ? "true" : "false");
	}
	fputs("],\"command\":", out);
	json_str(out, p->command[0] ? p->command : NULL);
	fprintf(out, ",\"egress\":\"%s\",\"env\":{", p->egress);
	for (size_t i = 0; i < p->nenv; i++) {
		fputs(i ? "," : "", out);
		json_str(out, p->env[i].name);
		fputc(':', out);
		json_str(out, p->env[i].value);
	}
	fputs("},\"run\":", out);
	char *line = init_plan_run_line(p);
	json_str(out, line);
	free(line);
	fputs(",\"notes\":[", out);
	for (size_t i = 0; i < p->nnotes; i++) {
		fputs(i ? "," : "", out);
		json_str(out, p->notes[i]);
	}
	fputs("]}\n", out);
}
