/* can up [NAME]: runs a sandbox named in the nearest canister.toml.
 *
 * The options are turned into a `can run` command line and parsed by
 * run_opts_parse, so -m, -s, -p and their contradictions mean exactly what
 * they mean for `can run`; the policy comes from the manifest
 * (manifest_effective) and the run itself is cli_run_policy, the same code
 * `can run` ends in. The command runs in the project root (the manifest's
 * folder), where canister.toml and .canister/ are read-only like every
 * protected cwd entry (mount_plan.c). */
#include "cli/cli.h"
#include "lang/manifest.h"
#include "lang/recipe_int.h"
#include "sandbox/run.h"
#include "util/util.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cmd_up_usage(FILE *out)
{
	fputs("Usage: can up [OPTIONS] [NAME] [-- CMD [ARGS...]]\n"
	      "\n"
	      "Run sandbox NAME of the nearest canister.toml (this folder or a parent, up\n"
	      "to your home or the file system's edge) in the project root: its recipes,\n"
	      "then its own overrides, on top of the built-in baseline, running its\n"
	      "command (or CMD). Without NAME, the sandbox chosen last time in this\n"
	      "project, else the first one defined.\n"
	      "\n"
	      "Options:\n"
	      "      --dry-run            print the merged policy and the equivalent\n"
	      "                           'can run' line; run nothing\n"
	      "      --list               check the whole manifest and list its sandboxes\n"
	      "  -m, --monitor            as in 'can run'\n"
	      "  -s, --strict             as in 'can run'\n"
	      "  -p, --port SPEC          as in 'can run'\n"
	      "      --allow-degraded[=WALLS]\n"
	      "                           as in 'can run'\n"
	      "      --events FILE        as in 'can run'\n"
	      "  -h, --help               show this help\n"
	      "\n"
	      "Exit status as for 'can run'; 2 for a bad manifest (every error as\n"
	      "file:line:col). See docs/manifest.md.\n", out);
}

enum { OPT_DRY = 256, OPT_LIST, OPT_DEGRADED, OPT_EVENTS };

struct up_args {
	bool dry_run, list;
	const char *name;
	char **cmd;     /* after --, or NULL */
	size_t ncmd;
	char **run;     /* the forwarded `can run` options, in order */
	size_t nrun;
};

static int parse(int argc, char **argv, struct up_args *a, char *err, size_t n)
{
	static const struct option longs[] = {
		{ "dry-run", no_argument, NULL, OPT_DRY },
		{ "list", no_argument, NULL, OPT_LIST },
		{ "monitor", no_argument, NULL, 'm' },
		{ "strict", no_argument, NULL, 's' },
		{ "port", required_argument, NULL, 'p' },
		{ "allow-degraded", optional_argument, NULL, OPT_DEGRADED },
		{ "events", required_argument, NULL, OPT_EVENTS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	*a = (struct up_args){ 0 };
	/* Options may come before or after NAME; everything after -- is the
	 * command, never parsed as options. */
	int dd = 1;
	while (dd < argc && strcmp(argv[dd], "--") != 0)
		dd++;
	optind = 0;
	opterr = 0;
	int c;
	while ((c = getopt_long(dd, argv, ":msp:h", longs, NULL)) != -1) {
		switch (c) {
		case OPT_DRY: a->dry_run = true; break;
		case OPT_LIST: a->list = true; break;
		case 'm': strv_push(&a->run, &a->nrun, xstrdup("--monitor")); break;
		case 's': strv_push(&a->run, &a->nrun, xstrdup("--strict")); break;
		case 'p': strv_push(&a->run, &a->nrun, xasprintf("--port=%s", optarg)); break;
		case OPT_EVENTS: {
			/* The command runs in the project root: keep a relative
			 * file where the user meant it. */
			char here[4096];
			if (optarg[0] != '/' && optarg[0] && getcwd(here, sizeof(here)))
				strv_push(&a->run, &a->nrun, xasprintf("--events=%s/%s", here, optarg));
			else
				strv_push(&a->run, &a->nrun, xasprintf("--events=%s", optarg));
			break;
		}
		case OPT_DEGRADED:
			strv_push(&a->run, &a->nrun, optarg ? xasprintf("--allow-degraded=%s", optarg)
							    : xstrdup("--allow-degraded"));
			break;
		case 'h': return 1;
		case ':':
			snprintf(err, n, "option '%s' needs a value", argv[optind - 1]);
			return CAN_EXIT_USAGE;
		default:
			snprintf(err, n, "unknown option '%s'", argv[optind - 1]);
			return CAN_EXIT_USAGE;
		}
	}
	if (optind < dd)
		a->name = argv[optind++];
	if (optind < dd) {
		snprintf(err, n, "unexpected '%s' after the sandbox name (a command goes after --)",
			 argv[optind]);
		return CAN_EXIT_USAGE;
	}
	if (dd + 1 < argc) {
		a->cmd = &argv[dd + 1];
		a->ncmd = (size_t)(argc - dd - 1);
	} else if (dd < argc) {
		snprintf(err, n, "nothing after -- (can up [NAME] -- CMD [ARGS...])");
		return CAN_EXIT_USAGE;
	}
	if (a->list && (a->dry_run || a->name || a->cmd)) {
		snprintf(err, n, "--list takes no sandbox name, command or --dry-run");
		return CAN_EXIT_USAGE;
	}
	return 0;
}

static void print_dry_run(const struct manifest *m, const struct manifest_sandbox *s,
			  const struct up_args *a, char *const *cmd, const struct policy *p)
{
	printf("# can up %s: sandbox '%s' of %s%s%s\n", s->name, s->name, m->path,
	       s->description ? ": " : "", s->description ? s->description : "");
	printf("# The merged policy (baseline, auto-detected and named recipes, overrides):\n");
	policy_print(p, PRINT_TOML, stdout);
	bool layer = s->has_overrides || m->hosts.nhosts;
	printf("\n# The equivalent 'can run' line, from %s:\n", m->dir);
	if (layer)
		printf("# (with this sandbox's own layer, printed below, saved as canister-%s.toml)\n",
		       s->name);
	printf("cd ");
	manifest_put_word(stdout, m->dir);
	printf(" && can run");
	for (size_t i = 0; i < s->nrecipes; i++) {
		printf(" -r ");
		manifest_put_word(stdout, s->recipes[i].s);
	}
	if (layer)
		printf(" -r ./canister-%s.toml", s->name);
	for (size_t i = 0; i < a->nrun; i++) {
		putchar(' ');
		manifest_put_word(stdout, a->run[i]);
	}
	printf(" --");
	for (size_t i = 0; cmd[i]; i++) {
		putchar(' ');
		manifest_put_word(stdout, cmd[i]);
	}
	putchar('\n');
	if (layer) {
		struct policy l;
		policy_init(&l);
		policy_merge(&l, &m->hosts);
		policy_merge(&l, &s->overrides);
		printf("\n# canister-%s.toml:\n", s->name);
		policy_print(&l, PRINT_TOML, stdout);
		policy_free(&l);
	}
}

static int list_sandboxes(const struct manifest *m)
{
	char *last = manifest_recall(m->dir);
	int rc = 0;
	for (size_t i = 0; i < m->n; i++) {
		const struct manifest_sandbox *s = &m->sb[i];
		struct diags d = { 0 };
		struct policy p;
		if (manifest_effective(m, s, s->command ? s->command[0] : NULL, NULL, &p, &d) == 0)
			policy_free(&p);
		else
			rc = CAN_EXIT_USAGE;
		diags_print(&d, stderr);
		diags_free(&d);
		printf("%s %-16s %s\n", last && !strcmp(last, s->name) ? "*" : " ", s->name,
		       s->description ? s->description : "");
	}
	free(last);
	return rc;
}

static int up(const struct up_args *a)
{
	char cwd[4096];
	if (!getcwd(cwd, sizeof(cwd))) {
		can_warn_errno("up: the working directory");
		return CAN_EXIT_WALL;
	}
	char err[1024], *path;
	int f = manifest_find(cwd, getenv("HOME"), &path, err, sizeof(err));
	if (f != 0) {
		can_warn("up: %s", err);
		return CAN_EXIT_USAGE;
	}
	struct manifest m;
	struct diags d = { 0 };
	if (manifest_load_file(path, &m, &d) != 0) {
		free(path);
		diags_print(&d, stderr);
		diags_free(&d);
		return CAN_EXIT_USAGE;
	}
	free(path);
	/* A manifest that loads may still have warnings: say them now. */
	diags_print(&d, stderr);
	diags_free(&d);
	d = (struct diags){ 0 };
	if (a->list) {
		int rc = list_sandboxes(&m);
		manifest_free(&m);
		return rc;
	}
	char *last = a->name ? NULL : manifest_recall(m.dir);
	const struct manifest_sandbox *s = manifest_choose(&m, a->name, last, err, sizeof(err));
	free(last);
	if (!s) {
		manifest_free(&m);
		return cli_usage_error("up", "%s", err);
	}
	char *const *cmd = a->cmd ? a->cmd : s->command;
	if (!cmd) {
		can_warn("up: sandbox '%s' of %s has no command: add command = \"...\" to "
			 "[sandbox.%s], or give one after --", s->name, m.path, s->name);
		manifest_free(&m);
		return CAN_EXIT_USAGE;
	}
	/* `can run OPTIONS -- CMD...`, parsed as can run parses it. */
	size_t ncmd = 0;
	while (cmd[ncmd])
		ncmd++;
	char **argv = xcalloc(a->nrun + ncmd + 3, sizeof(char *));
	size_t n = 0;
	argv[n++] = "run";
	for (size_t i = 0; i < a->nrun; i++)
		argv[n++] = a->run[i];
	argv[n++] = "--";
	for (size_t i = 0; i < ncmd; i++)
		argv[n++] = cmd[i];
	struct run_opts o;
	int rc = run_opts_parse((int)n, argv, &o, err, sizeof(err));
	if (rc) {
		run_opts_free(&o);
		free(argv);
		manifest_free(&m);
		return cli_usage_error("up", "%s", err);
	}
	/* The policy is built from the project root, where the command runs:
	 * $CWD is the root, and relative recipe paths are the manifest's. */
	struct policy p;
	rc = CAN_EXIT_WALL;
	if (chdir(m.dir) < 0) {
		can_warn_errno("up: cannot enter the project root %s", m.dir);
	} else if (manifest_effective(&m, s, cmd[0], NULL, &p, &d) != 0) {
		diags_print(&d, stderr);
		rc = CAN_EXIT_USAGE;
	} else {
		diags_print(&d, stderr); /* the loader's warnings, on success too */
		if (a->dry_run) {
			print_dry_run(&m, s, a, cmd, &p);
			rc = 0;
		} else {
			if (manifest_remember(m.dir, s->name) < 0)
				can_warn_errno("up: cannot remember the choice of '%s'", s->name);
			rc = cli_run_policy(&o, &p, m.dir, NULL);
		}
		policy_free(&p);
	}
	diags_free(&d);
	run_opts_free(&o);
	free(argv);
	manifest_free(&m);
	return rc;
}

int cmd_up(int argc, char **argv)
{
	struct up_args a;
	char err[512];
	int rc = parse(argc, argv, &a, err, sizeof(err));
	if (rc == 1) {
		cmd_up_usage(stdout);
		rc = CAN_EXIT_OK;
	} else if (rc) {
		rc = cli_usage_error("up", "%s", err);
	} else {
		rc = up(&a);
	}
	strv_free(a.run, a.nrun);
	return rc;
}
