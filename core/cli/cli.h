/* The `can` command line: a thin layer that parses flags and calls core/.
 * Each command lives in its own cmd_*.c file. */
#ifndef CAN_CLI_H
#define CAN_CLI_H

#include <stdbool.h>
#include <stdio.h>

struct can_command {
	const char *name;
	const char *summary;                 /* one line for `can --help` */
	void (*usage)(FILE *out);            /* full `can help NAME` text, starts with "Usage:" */
	int (*main)(int argc, char **argv);  /* argv[0] is the command name */
	bool ready;                          /* listed in --help only when it works */
};

/* Every command; main.c owns the table. */
const struct can_command *cli_find(const char *name);

/* Prints "can: MSG\nTry 'can help CMD'.\n" and returns CAN_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int cmd_check(int argc, char **argv);
void cmd_check_usage(FILE *out);
int cmd_recipe(int argc, char **argv);
void cmd_recipe_usage(FILE *out);
int cmd_run(int argc, char **argv);
/* cmd_run with the --monitor recipe printed to recipe_out (NULL: with
 * the report on stderr). */
int cmd_run_to(int argc, char **argv, FILE *recipe_out);
/* can recipe suggest (cmd_suggest.c): argv[0] is "suggest". */
int cmd_recipe_suggest(int argc, char **argv);
void cmd_run_usage(FILE *out);
int cmd_setup(int argc, char **argv);
void cmd_setup_usage(FILE *out);
/* The part of `can run` after the policy is built: checks that depend on
 * the policy, the notification engine, run_sandbox. `can up` runs through
 * it too, so both commands build the same sandbox from the same policy.
 * Returns can's exit status; the caller keeps ownership of o and p. */
struct run_opts;
struct policy;
int cli_run_policy(const struct run_opts *o, struct policy *p, const char *cwd, FILE *recipe_out);
int cmd_up(int argc, char **argv);
void cmd_up_usage(FILE *out);
int cmd_init(int argc, char **argv);
void cmd_init_usage(FILE *out);
int cmd_update(int argc, char **argv);
void cmd_update_usage(FILE *out);

/* Session mode (cmd_session.c). */
int cmd_session(int argc, char **argv);
void cmd_session_usage(FILE *out);
int cmd_status(int argc, char **argv);
void cmd_status_usage(FILE *out);
int cmd_allow(int argc, char **argv);
void cmd_allow_usage(FILE *out);
int cmd_layers(int argc, char **argv);
void cmd_layers_usage(FILE *out);

/* Session mode, what users type (cmd_hook.c, cmd_direnv.c). */
int cmd_hook(int argc, char **argv);
void cmd_hook_usage(FILE *out);
int cmd_direnv(int argc, char **argv);
void cmd_direnv_usage(FILE *out);

#endif
