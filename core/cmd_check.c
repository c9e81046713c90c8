/* can check: placeholder until its issue lands (not listed in --help until ready). */
#include "cli.h"
#include "util.h"

void cmd_check_usage(FILE *out)
{
	fputs("Usage: can check\n", out);
}

int cmd_check(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	can_warn("check: not implemented yet");
	return CAN_EXIT_FAIL;
}
