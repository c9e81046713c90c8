/* can init: composes a canister.toml for the project in this folder.
 *
 * Detection and the plan are pure (lang/manifest_init.c); this file lists
 * the folder, asks the questions on the terminal, checks the result with
 * the manifest parser and the recipe lookup (a file `can up` would refuse
 * is never written), and writes it, asking before it replaces anything. */
#include "cli/cli.h"
#include "lang/manifest.h"
#include "lang/manifest_init.h"
#include "lang/recipe_int.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void cmd_init_usage(FILE *out)
{
	fputs("Usage: can init [--yes] [--envrc] [--json]\n"
	      "\n"
	      "Compose a canister.toml for the project in this folder: detect what it is\n"
	      "(package.json and its lockfile, pyproject.toml or requirements.txt and the\n"
	      "tool, go.mod, Cargo.toml, mix.exs, Gemfile, pom.xml or build.gradle,\n"
	      "CMakeLists.txt or meson.build, flake.nix), ask a few questions (where the\n"
	      "code lives, language, how the tool chain is installed, editor, network,\n"
	      "name, command), pre-select recipes with a reason each, show the result,\n"
	      "and write it. Nothing is replaced without asking.\n"
	      "\n"
	      "Options:\n"
	      "  -y, --yes     take the detected defaults without asking; an existing\n"
	      "                canister.toml is left alone (exit 1)\n"
	      "      --envrc   also write .envrc with 'use canister NAME' (with --yes;\n"
	      "                an existing .envrc is left alone)\n"
	      "      --json    print the plan as JSON; write nothing\n"
	      "  -h, --help    show this help\n"
	      "\n"
	      "See docs/manifest.md.\n", out);
}

static bool recipe_exists(const char *name, void *ctx)
{
	(void)ctx;
	struct recipe_ref r;
	if (recipe_find(name, &r) != 0)
		return false;
	recipe_ref_free(&r);
	return true;
}

static void list_dir(const char *dir, char ***names, size_t *n)
{
	*names = NULL;
	*n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) && *n < 4096)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			strv_push(names, n, xstrdup(e->d_name));
	closedir(d);
}

static void detect_in(const char *dir, struct init_detect *det)
{
	char **names;
	size_t n;
	list_dir(dir, &names, &n);
	init_detect((const char *const *)names, n, det);
	strv_free(names, n);
}

/* One answer from the terminal, trimmed; the default when empty. NULL at
 * end of input (the user gave up: nothing is written). */
static char *ask(const char *question, const char *dflt)
{
	printf("%s [%s]: ", question, dflt ? dflt : "");
	fflush(stdout);
	char *line = NULL;
	size_t cap = 0;
	ssize_t r = getline(&line, &cap, stdin);
	if (r < 0) {
		free(line);
		putchar('\n');
		return NULL;
	}
	char *s = line;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t l = strlen(s);
	while (l && (s[l - 1] == '\n' || s[l - 1] == ' ' || s[l - 1] == '\t' || s[l - 1] == '\r'))
		s[--l] = '\0';
	char *out = xstrdup(l ? s : dflt ? dflt : "");
	free(line);
	return out;
}

/* yes/no; -1 at end of input. */
static int ask_yn(const char *question, bool dflt)
{
	for (;;) {
		char *a = ask(question, dflt ? "Y/n" : "y/N");
		if (!a)
			return -1;
		int v = -2;
		if (!strcmp(a, "Y/n") || !strcmp(a, "y/N"))
			v = dflt;
		else if (!strcasecmp(a, "y") || !strcasecmp(a, "yes"))
			v = 1;
		else if (!strcasecmp(a, "n") || !strcasecmp(a, "no"))
			v = 0;
		free(a);
		if (v != -2)
			return v;
		printf("Please answer y or n.\n");
	}
}

static char *join(const char *const *list)
{
	char buf[256] = "";
	for (size_t i = 0; list[i]; i++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", i ? ", " : "", list[i]);
	return xstrdup(buf);
}

struct session {
	char *dir, *language, *toolchain, *editor, *network, *name, *command, *recipes;
};

static void session_free(struct session *s)
{
	free(s->dir);
	free(s->language);
	free(s->toolchain);
	free(s->editor);
	free(s->network);
	free(s->name);
	free(s->command);
	free(s->recipes);
}

static struct init_answers answers_of(const struct session *s)
{
	return (struct init_answers){ .name = s->name, .language = s->language,
				      .toolchain = s->toolchain, .editor = s->editor,
				      .network = s->network, .command = s->command,
				      .recipes = s->recipes };
}

/* Asks until the answer makes a plan; false at end of input. */
static bool ask_checked(const char *q, const char *dflt, char **slot, struct session *s,
			const struct init_detect *det)
{
	for (;;) {
		char *a = ask(q, dflt);
		if (!a)
			return false;
		free(*slot);
		*slot = a;
		struct init_answers an = answers_of(s);
		struct init_plan p;
		char err[256];
		if (init_plan_make(det, &an, recipe_exists, NULL, &p, err, sizeof(err)) == 0)
			return true;
		printf("%s\n", err);
	}
}

static bool interview(struct session *s, struct init_detect *det)
{
	char cwd[PATH_MAX];
	for (;;) {
		char *a = ask("Where does the code live?", s->dir);
		if (!a)
			return false;
		struct stat st;
		if (realpath(a, cwd) && stat(cwd, &st) == 0 && S_ISDIR(st.st_mode) &&
		    access(cwd, W_OK) == 0) {
			free(a);
			free(s->dir);
			s->dir = xstrdup(cwd);
			break;
		}
		printf("%s: not a folder you can write to\n", a);
		free(a);
	}
	detect_in(s->dir, det);
	if (det->language)
		printf("Detected: a %s project built with %s (%s).\n", det->language, det->tool,
		       det->why);
	else
		printf("Detected: nothing I know (no package.json, pyproject.toml, go.mod, ...).\n");
	char *langs = join(init_languages), *tcs = join(init_toolchains), *eds = join(init_editors);
	char q[512];
	snprintf(q, sizeof(q), "Language (%s)", langs);
	bool ok = ask_checked(q, det->language ? det->language : "", &s->language, s, det);
	snprintf(q, sizeof(q), "How is the tool chain installed (%s)", tcs);
	ok = ok && ask_checked(q, "system", &s->toolchain, s, det);
	snprintf(q, sizeof(q), "Editor used inside the sandbox (%s)", eds);
	ok = ok && ask_checked(q, "none", &s->editor, s, det);
	ok = ok && ask_checked("Network: none, or proxy (only through can's egress proxy)", "none",
			       &s->network, s, det);
	ok = ok && ask_checked("Sandbox name", "test", &s->name, s, det);
	free(langs);
	free(tcs);
	free(eds);
	if (!ok)
		return false;
	struct init_answers an = answers_of(s);
	struct init_plan p;
	char err[256];
	init_plan_make(det, &an, recipe_exists, NULL, &p, err, sizeof(err));
	if (!ask_checked("Command to run", p.command, &s->command, s, det))
		return false;
	an = answers_of(s);
	init_plan_make(det, &an, recipe_exists, NULL, &p, err, sizeof(err));
	printf("Recipes, pre-selected:\n");
	char sel[512] = "";
	for (size_t i = 0; i < p.nrecipes; i++) {
		printf("  %s %-10s %s\n", p.recipes[i].available ? "[x]" : "[ ]", p.recipes[i].name,
		       p.recipes[i].available ? p.recipes[i].reason : "(not installed here)");
		if (p.recipes[i].available)
			snprintf(sel + strlen(sel), sizeof(sel) - strlen(sel), "%s%s", sel[0] ? " " : "",
				 p.recipes[i].name);
	}
	return ask_checked("Recipes (space-separated)", sel, &s->recipes, s, det);
}

/* The text, checked as `can up` would check it. */
static bool validates(const char *path, const char *text, const char *name)
{
	struct manifest m;
	struct diags d = { 0 };
	bool ok = manifest_load_buffer(path, text, strlen(text), &m, &d) == 0;
	if (ok) {
		const struct manifest_sandbox *s = manifest_sandbox_find(&m, name);
		struct policy p;
		ok = s && manifest_effective(&m, s, s->command ? s->command[0] : NULL, NULL, &p,
					     &d) == 0;
		if (ok)
			policy_free(&p);
		manifest_free(&m);
	}
	if (!ok) {
		can_warn("init: the composed manifest does not validate; nothing written:");
		diags_print(&d, stderr);
	}
	diags_free(&d);
	return ok;
}

/* Writes text to path: a new file, or over an old one only when replace. */
static int write_file(const char *path, const char *text, bool replace, bool append)
{
	int fd;
	char *tmp = NULL;
	if (append)
		fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
	else if (replace) {
		tmp = xasprintf("%s.can-init.%d", path, (int)getpid());
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	} else
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		can_warn_errno("init: %s", tmp ? tmp : path);
		free(tmp);
		return -1;
	}
	size_t len = strlen(text);
	bool ok = write(fd, text, len) == (ssize_t)len;
	ok = close(fd) == 0 && ok;
	if (ok && tmp)
		ok = rename(tmp, path) == 0;
	if (!ok) {
		can_warn_errno("init: cannot write %s", path);
		if (tmp)
			unlink(tmp);
	}
	free(tmp);
	return ok ? 0 : -1;
}

int cmd_init(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "yes", no_argument, NULL, 'y' },
		{ "envrc", no_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool yes = false, envrc = false, json = false;
	optind = 0;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":yh", longs, NULL)) != -1) {
		switch (c) {
		case 'y': yes = true; break;
		case 'e': envrc = true; break;
		case 'j': json = true; break;
		case 'h': cmd_init_usage(stdout); return CAN_EXIT_OK;
		default: return cli_usage_error("init", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("init", "unexpected '%s'", argv[optind]);
	if (envrc && !yes)
		return cli_usage_error("init", "--envrc goes with --yes (the questions ask about "
				       ".envrc)");
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd))) {
		can_warn_errno("init: the working directory");
		return CAN_EXIT_FAIL;
	}
	struct session s = { .dir = xstrdup(cwd) };
	struct init_detect det;
	detect_in(s.dir, &det);
	int rc = CAN_EXIT_FAIL;
	bool interactive = !yes && !json;
	if (interactive && !isatty(STDIN_FILENO)) {
		session_free(&s);
		return cli_usage_error("init", "the questions need a terminal: run it in one, or "
				       "take the detected defaults with --yes (--json to see them)");
	}
	if (interactive && !interview(&s, &det)) {
		printf("Nothing written.\n");
		goto out;
	}
	struct init_answers an = answers_of(&s);
	struct init_plan p;
	char err[256];
	if (init_plan_make(&det, &an, recipe_exists, NULL, &p, err, sizeof(err)) != 0) {
		can_warn("init: %s", err);
		goto out;
	}
	if (json) {
		init_plan_json(&det, &p, stdout);
		rc = CAN_EXIT_OK;
		goto out;
	}
	char *text = init_plan_toml(&p);
	char *path = xasprintf("%s/" MANIFEST_FILE, s.dir);
	char *line = init_plan_run_line(&p);
	printf("\n--- %s ---\n%s---\n", path, text);
	if (!validates(path, text, p.name)) {
		rc = CAN_EXIT_USAGE;
		goto out_text;
	}
	struct stat st;
	bool exists = lstat(path, &st) == 0, replace = false;
	if (exists && yes) {
		can_warn("init: %s exists; left alone (remove it, or run can init without --yes)",
			 path);
		goto out_text;
	}
	if (interactive) {
		char q[PATH_MAX + 64];
		snprintf(q, sizeof(q), exists ? "%s exists: replace it?" : "Write %s?", path);
		int w = ask_yn(q, !exists);
		if (w != 1) {
			printf("Nothing written.\n");
			rc = w < 0 ? CAN_EXIT_FAIL : CAN_EXIT_OK;
			goto out_text;
		}
		replace = exists;
	}
	if (write_file(path, text, replace, false) < 0)
		goto out_text;
	printf("Wrote %s.\nRun it with:  can up %s\nThe same as:  %s\n", path, p.name, line);
	rc = CAN_EXIT_OK;
	/* .envrc: session mode's `use canister NAME`. */
	char *envrc_path = xasprintf("%s/.envrc", s.dir);
	char *envrc_line = xasprintf("use canister %s\n", p.name);
	bool e_exists = lstat(envrc_path, &st) == 0;
	int want = envrc;
	bool append = false;
	if (interactive) {
		char q[PATH_MAX + 64];
		snprintf(q, sizeof(q), e_exists ? "%s exists: add 'use canister %s' to it?"
						: "Also write %s with 'use canister %s'?",
			 envrc_path, p.name);
		want = ask_yn(q, false) == 1;
		append = e_exists;
	} else if (want && e_exists) {
		can_warn("init: %s exists; left alone (add 'use canister %s' yourself)", envrc_path,
			 p.name);
		want = 0;
	}
	if (want && write_file(envrc_path, envrc_line, false, append) == 0)
		printf("%s %s (direnv: run 'direnv allow' to use it).\n", append ? "Added to" : "Wrote",
		       envrc_path);
	else if (want)
		rc = CAN_EXIT_FAIL;
	free(envrc_path);
	free(envrc_line);
out_text:
	free(text);
	free(path);
	free(line);
out:
	session_free(&s);
	return rc;
}
