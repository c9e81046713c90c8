/* Commands the product will have, registered now so their issues fill them
 * in rather than invent them. They stay out of --help until they work; run
 * by name, they say so plainly (exit 2) instead of "unknown command". */
#include "cli/cli.h"
#include "util/util.h"

#include <stdio.h>

void cmd_session_usage(FILE *out) { fputs("Usage: can session -- SHELL [ARGS...]\n", out); }
void cmd_status_usage(FILE *out) { fputs("Usage: can status [--json]\n", out); }
void cmd_allow_usage(FILE *out) { fputs("Usage: can allow [DIR]\n", out); }

int cmd_planned(int argc, char **argv)
{
	(void)argc;
	can_warn("'%s' is not available in this version yet; see the Status table in README.md",
		 argv[0]);
	return CAN_EXIT_USAGE;
}
