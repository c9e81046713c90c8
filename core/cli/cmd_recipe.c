/* can recipe: list, show, explain and validate recipes. */
#include "cli/cli.h"
#include "lang/manifest.h"
#include "lang/recipe_int.h"
#include "util/util.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void cmd_recipe_usage(FILE *out)
{
	fputs("Usage: can recipe list\n"
	      "       can recipe show [-r|--recipe R]... [-c|--command CMD] [--json] [[--] CMD [ARGS...]]\n"
	      "       can recipe explain [-r|--recipe R]... [-c|--command CMD] [[--] CMD [ARGS...]]\n"
	      "       can recipe validate FILE...\n"
	      "       can recipe suggest [-r|--recipe R]... [RUN OPTIONS] -- CMD [ARGS...]\n"
	      "\n"
	      "Recipes are TOML files that describe what a sandbox may do. They compose:\n"
	      "the built-in base and default always come first, then each -r in order.\n"
	      "\n"
	      "Subcommands:\n"
	      "  list      the baseline's syscall counts, then every recipe -r can name:\n"
	      "            name, where it comes from, whether it is auto-detected (auto),\n"
	      "            its description and, on a second line, what it grants\n"
	      "  show      the merged effective policy as TOML (or JSON with --json); with\n"
	      "            a command, the policy 'can run -- CMD' would get, auto-detected\n"
	      "            recipes included, and the recipes loaded as comments\n"
	      "  explain   the same, with the file:line:col every value came from\n"
	      "  validate  check recipe files (a canister.toml as a manifest); reports\n"
	      "            every error, exit 2 if any\n"
	      "  suggest   run CMD as 'can run -m' does and print, on stdout, a recipe that\n"
	      "            lets the same run go through with nothing refused (the report\n"
	      "            goes to stderr; exit status: CMD's)\n"
	      "\n"
	      "Options:\n"
	      "  -r, --recipe R    a recipe name, or a file when R contains '/'\n"
	      "  -c, --command CMD also add the recipes whose [recipe] match_prefix matches\n"
	      "                    CMD's resolved path, as 'can run' does (the same as\n"
	      "                    giving CMD after the options)\n"
	      "      --json        print JSON instead of TOML (show)\n"
	      "  -h, --help        show this help\n"
	      "\n"
	      "-r NAME searches ${XDG_CONFIG_HOME:-~/.config}/canister/recipes, then the\n"
	      "folders of $CAN_RECIPE_PATH (colon-separated) or, when it is unset, the\n"
	      "installed recipes folder, then the recipes built into can. base and default\n"
	      "are always the built-in ones. Reference: docs/recipes.md, docs/merge.md.\n",
	      out);
}

/* Parses -r/-c/--json for show and explain. */
static int parse_recipe_opts(int argc, char **argv, const char *sub, bool allow_json,
			     char ***names, size_t *n, const char **cmd, bool *json)
{
	static const struct option opts[] = {
		{ "recipe", required_argument, NULL, 'r' },
		{ "command", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	optind = 0;
	opterr = 0;
	int c;
	/* '+': options end at the command, whose own options stay its own. */
	while ((c = getopt_long(argc, argv, "+:r:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			*names = xrealloc(*names, (*n + 1) * sizeof(**names));
			(*names)[(*n)++] = optarg;
			break;
		case 'c':
			*cmd = optarg;
			break;
		case 'j':
			if (!allow_json)
				return cli_usage_error("recipe", "recipe %s: --json is only for 'show'",
						       sub);
			*json = true;
			break;
		case 'h':
			cmd_recipe_usage(stdout);
			return -1;
		case ':':
			return cli_usage_error("recipe", "recipe %s: option '%s' needs a value", sub,
					       argv[optind - 1]);
		default:
			return cli_usage_error("recipe", "recipe %s: unknown option '%s'", sub,
					       argv[optind - 1]);
		}
	}
	if (optind < argc) {
		/* `can recipe show npm install`: the command, as `can run -- CMD` */
		if (*cmd)
			return cli_usage_error("recipe", "recipe %s: a command both with -c and after "
							 "the options ('%s'); give it once", sub,
					       argv[optind]);
		*cmd = argv[optind];
	}
	return 0;
}

static int show_or_explain(int argc, char **argv, bool explain)
{
	const char *sub = explain ? "explain" : "show";
	char **names = NULL;
	size_t n = 0;
	const char *cmd = NULL;
	bool json = false;
	int rc = parse_recipe_opts(argc, argv, sub, !explain, &names, &n, &cmd, &json);
	if (rc) {
		free(names);
		return rc < 0 ? CAN_EXIT_OK : rc;
	}
	struct policy p;
	struct diags d = { 0 };
	struct effective_info info;
	/* The same call `can run` makes (sandbox/run_glue.c), so what is shown
	 * is what a run applies. */
	rc = recipe_load_effective_info((const char *const *)names, n, cmd, NULL, &p, &d, &info);
	free(names);
	diags_print(&d, stderr); /* the warnings too, when it loads */
	diags_free(&d);
	if (rc) {
		effective_info_free(&info);
		return CAN_EXIT_USAGE;
	}
	if (!json) {
		if (cmd) {
			printf("# the policy of 'can run%s --", n ? " -r ..." : "");
			/* the command as given after the options (or -c's) */
			bool operand = optind < argc && argv[optind] == cmd;
			for (int i = operand ? optind : 0; operand ? i < argc : i < 1; i++)
				printf(" %s", operand ? argv[i] : cmd);
			printf("'; the recipes, in merge order:\n");
		}
		else
			printf("# the recipes, in merge order:\n");
		for (size_t i = 0; i < info.n; i++)
			printf("# recipe: %s\n", info.lines[i]);
		printf("\n");
	}
	effective_info_free(&info);
	policy_print(&p, explain ? PRINT_EXPLAIN : json ? PRINT_JSON : PRINT_TOML, stdout);
	policy_free(&p);
	return CAN_EXIT_OK;
}

static int no_opts(int argc, char **argv, const char *sub, bool operands)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "merge", no_argument, NULL, 'm' },
		{ 0 },
	};
	optind = 0;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			cmd_recipe_usage(stdout);
			return -1;
		}
		if (c == 'm' && strcmp(sub, "reference") == 0)
			return -2;
		return cli_usage_error("recipe", "recipe %s: unknown option '%s'", sub,
				       argv[optind - 1]);
	}
	if (!operands && optind < argc)
		return cli_usage_error("recipe", "recipe %s: unexpected argument '%s'", sub,
				       argv[optind]);
	return 0;
}

static int list(int argc, char **argv)
{
	int rc = no_opts(argc, argv, "list", false);
	if (rc)
		return rc < 0 ? CAN_EXIT_OK : rc;
	/* Say so when a folder holds a file that looks like it replaces the
	 * baseline: it never does. */
	char **dirs;
	size_t nd = recipe_search_dirs(&dirs);
	for (size_t i = 0; i < nd; i++) {
		for (int b = 0; b < 2; b++) {
			char *path = xasprintf("%s/%s.toml", dirs[i], b ? "default" : "base");
			struct stat st;
			if (stat(path, &st) == 0)
				can_warn("note: %s is ignored: base and default are built into can and "
					 "cannot be replaced", path);
			free(path);
		}
		free(dirs[i]);
	}
	free(dirs);

	/* The baseline every run starts from (issue 16). */
	struct policy base;
	struct diags bd = { 0 };
	if (recipe_load_effective(NULL, 0, NULL, NULL, &base, &bd) == 0) {
		size_t allowed, refused;
		policy_syscall_counts(&base, &allowed, &refused);
		printf("default: %zu syscalls allowed, %zu always refused (base and default are "
		       "built in; 'can recipe show' prints them)\n", allowed, refused);
		policy_free(&base);
	} else {
		diags_print(&bd, stderr);
	}
	diags_free(&bd);

	struct recipe_ref *refs;
	size_t n = recipe_list_all(&refs);
	printf("%-14s %-10s %-4s %s\n", "NAME", "SOURCE", "AUTO", "DESCRIPTION");
	for (size_t i = 0; i < n; i++) {
		struct policy p;
		struct diags d = { 0 };
		char *desc, *grants = NULL;
		bool autodetected = false;
		if (recipe_load_ref(&refs[i], &p, &d) == 0) {
			desc = xstrdup(p.recipe.description.set ? p.recipe.description.v : "");
			/* As recipe_autodetect: never the baseline or a project's own. */
			autodetected = p.recipe.match_prefix.n > 0 && !recipe_is_baseline(refs[i].name) &&
				       refs[i].source != SRC_PROJECT;
			if (!recipe_is_baseline(refs[i].name))
				grants = policy_grants_line(&p);
			policy_free(&p);
		} else {
			desc = xasprintf("(invalid: %zu error%s; run 'can recipe validate %s')", d.n,
					 d.n == 1 ? "" : "s", refs[i].path ? refs[i].path : refs[i].name);
		}
		diags_free(&d);
		printf("%-14s %-10s %-4s %s\n", refs[i].name, recipe_source_name(refs[i].source),
		       autodetected ? "auto" : "", desc);
		if (grants)
			printf("%-14s %-10s %-4s grants: %s\n", "", "", "", grants);
		if (refs[i].path)
			printf("%-14s %-10s %-4s %s\n", "", "", "", refs[i].path);
		free(grants);
		free(desc);
	}
	recipe_refs_free(refs, n);
	return CAN_EXIT_OK;
}

static int validate(int argc, char **argv)
{
	int rc = no_opts(argc, argv, "validate", true);
	if (rc)
		return rc < 0 ? CAN_EXIT_OK : rc;
	if (optind >= argc)
		return cli_usage_error("recipe", "recipe validate: no FILE given");
	int bad = 0;
	for (int i = optind; i < argc; i++) {
		struct policy p;
		struct diags d = { 0 };
		/* A project's canister.toml is a manifest, not a recipe. */
		const char *slash = strrchr(argv[i], '/');
		if (strcmp(slash ? slash + 1 : argv[i], "canister.toml") == 0) {
			struct manifest m;
			if (manifest_load_file(argv[i], &m, &d) == 0) {
				printf("%s: ok (a manifest)\n", argv[i]);
				manifest_free(&m);
			} else {
				bad = 1;
			}
			diags_print(&d, stderr);
			diags_free(&d);
			continue;
		}
		if (recipe_load_file(argv[i], &p, &d) == 0) {
			diags_print(&d, stderr); /* its warnings (a deprecated key) */
			printf("%s: ok\n", argv[i]);
			policy_free(&p);
		} else {
			diags_print(&d, stderr);
			bad = 1;
		}
		diags_free(&d);
	}
	return bad ? CAN_EXIT_USAGE : CAN_EXIT_OK;
}

/* Hidden: prints docs/recipes.md (or docs/merge.md with --merge, or a man
 * page with --man=recipe|manifest) from the field table; test/recipe_docs.sh
 * and test/lang_man.sh compare them with the committed files. */
static int reference(int argc, char **argv)
{
	/* --man=recipe|manifest: docs/man/can-recipe.5, docs/man/canister.toml.5 */
	if (argc == 2 && strncmp(argv[1], "--man=", 6) == 0) {
		if (schema_print_man(stdout, argv[1] + 6) != 0)
			return cli_usage_error("recipe", "recipe reference: --man=recipe or "
							 "--man=manifest");
		return CAN_EXIT_OK;
	}
	int rc = no_opts(argc, argv, "reference", false);
	if (rc == -1)
		return CAN_EXIT_OK;
	if (rc == -2)
		schema_print_merge_table(stdout);
	else if (rc)
		return rc;
	else
		schema_print_reference(stdout);
	return CAN_EXIT_OK;
}

int cmd_recipe(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	optind = 0;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h') {
			cmd_recipe_usage(stdout);
			return CAN_EXIT_OK;
		}
		return cli_usage_error("recipe", "recipe: unknown option '%s'", argv[optind - 1]);
	}
	if (optind >= argc)
		return cli_usage_error("recipe", "recipe: which subcommand? (list, show, explain, "
						 "validate)");
	const char *sub = argv[optind];
	int sargc = argc - optind;
	char **sargv = argv + optind;
	if (strcmp(sub, "suggest") == 0)
		return cmd_recipe_suggest(sargc, sargv);
	if (strcmp(sub, "list") == 0)
		return list(sargc, sargv);
	if (strcmp(sub, "show") == 0)
		return show_or_explain(sargc, sargv, false);
	if (strcmp(sub, "explain") == 0)
		return show_or_explain(sargc, sargv, true);
	if (strcmp(sub, "validate") == 0)
		return validate(sargc, sargv);
	if (strcmp(sub, "reference") == 0)
		return reference(sargc, sargv);
	return cli_usage_error("recipe", "recipe: unknown subcommand '%s' (list, show, explain, "
					 "validate, suggest)", sub);
}
