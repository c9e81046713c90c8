/* can: entry point. Parses the global options and dispatches to a command. */
#include "config.h"
#include "cli/cli.h"
#include "util/util.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct can_command commands[] = {
	{ "run", "run a command in a fresh sandbox", cmd_run_usage, cmd_run, true },
	{ "check", "report what this machine supports", cmd_check_usage, cmd_check, true },
	{ "recipe", "list, show, explain and validate recipes", cmd_recipe_usage, cmd_recipe, true },
	{ "setup", "install the AppArmor profile user namespaces need (root)", cmd_setup_usage, cmd_setup, true },
	{ "up", "run a sandbox named in canister.toml", cmd_up_usage, cmd_up, true },
	{ "init", "compose a canister.toml for this project", cmd_init_usage, cmd_init, true },
	{ "update", "refresh your recipes from a git source", cmd_update_usage, cmd_update, true },
	{ "session", "supervise an interactive shell session", cmd_session_usage, cmd_session, true },
	{ "status", "show the session layer of this directory", cmd_status_usage, cmd_status, true },
	{ "allow", "approve a project's session layer", cmd_allow_usage, cmd_allow, true },
	{ "layers", "list the session's layers", cmd_layers_usage, cmd_layers, true },
	{ "hook", "print the shell hook that starts a session", cmd_hook_usage, cmd_hook, true },
	{ "direnv", "print or install direnv's 'use canister'", cmd_direnv_usage, cmd_direnv, true },
};

const struct can_command *cli_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "can: %s\n", buf);
	if (cmd)
		fprintf(stderr, "Try 'can help %s'.\n", cmd);
	else
		fprintf(stderr, "Try 'can --help'.\n");
	return CAN_EXIT_USAGE;
}

static void usage(FILE *out)
{
	fputs("Usage: can [--help] [--version] COMMAND [ARGS...]\n"
	      "\n"
	      "Run code you did not write with only the rights it needs.\n"
	      "\n"
	      "Commands:\n", out);
	for (size_t i = 0; i < ARRAY_LEN(commands); i++)
		if (commands[i].ready)
			fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fputs("  help     show help for a command\n"
	      "\n"
	      "Options:\n"
	      "  -h, --help     show this help\n"
	      "  -V, --version  print the version\n"
	      "\n"
	      "'can help COMMAND' shows a command's options. See can(1).\n", out);
}

static int help(int argc, char **argv)
{
	if (argc < 2) {
		usage(stdout);
		return CAN_EXIT_OK;
	}
	const struct can_command *c = cli_find(argv[1]);
	if (!c)
		return cli_usage_error(NULL, "unknown command '%s'", argv[1]);
	if (!c->ready)
		return c->main(1, argv + 1);
	c->usage(stdout);
	return CAN_EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	opterr = 0;
	int c;
	/* '+': stop at the first non-option, which is the command. */
	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return CAN_EXIT_OK;
		case 'V':
			printf("can %s\n", PACKAGE_VERSION);
			return CAN_EXIT_OK;
		default:
			return cli_usage_error(NULL, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CAN_EXIT_USAGE;
	}
	const char *name = argv[optind];
	if (strcmp(name, "help") == 0)
		return help(argc - optind, argv + optind);
	const struct can_command *cmd = cli_find(name);
	if (!cmd)
		return cli_usage_error(NULL, "unknown command '%s'", name);
	/* Each command parses its own options from a fresh getopt state. */
	int first = optind;
	optind = 0;
	opterr = 1;
	return cmd->main(argc - first, argv + first);
}
