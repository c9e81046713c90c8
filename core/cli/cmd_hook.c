/* can hook bash|zsh|fish: prints the shell hook an rc file evaluates
 * (hooks/can.SHELL, compiled in). The hook's rules, where it starts a
 * session and when it leaves the shell unsandboxed, are in the hook files
 * themselves and docs/adr/0220-hook-start-and-failure-rules.md. */
#include "cli/cli.h"
#include "cli/hook_text.h"
#include "util/util.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

void cmd_hook_usage(FILE *out)
{
	fputs("Usage: can hook bash|zsh|fish\n"
	      "\n"
	      "Print the hook that starts a session from your shell's rc file:\n"
	      "  ~/.bashrc                  eval \"$(can hook bash)\"\n"
	      "  ~/.zshrc                   eval \"$(can hook zsh)\"\n"
	      "  ~/.config/fish/config.fish can hook fish | source\n"
	      "In an interactive shell outside a session it runs 'can session --check'\n"
	      "and, when that succeeds, replaces the shell with 'can session -- SHELL'\n"
	      "(the terminal keeps its process). When it fails, when can is not in\n"
	      "PATH or when CANISTER_SESSION_OFF=1, it prints one line and the shell\n"
	      "goes on unsandboxed. Inside the session it only adds a prompt hook\n"
	      "(after direnv's) that tells the supervisor to refresh its state.\n"
	      "\n"
	      "Options:\n"
	      "  -h, --help   show this help\n"
	      "\n"
	      "Exit status: 0, or 2 for a shell can has no hook for. See docs/session.md.\n", out);
}

int cmd_hook(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			cmd_hook_usage(stdout);
			return CAN_EXIT_OK;
		default:
			return cli_usage_error("hook", "hook: unknown option");
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("hook", "hook: name one shell: bash, zsh or fish");
	const char *shell = argv[optind];
	const struct hook_text *h = hook_for_shell(shell);
	if (!h)
		return cli_usage_error("hook", "hook: no hook for '%s': bash, zsh or fish", shell);
	if (fwrite(h->text, 1, h->len, stdout) != h->len || fflush(stdout) != 0) {
		can_warn_errno("hook: writing the %s hook", shell);
		return CAN_EXIT_FAIL;
	}
	return CAN_EXIT_OK;
}
