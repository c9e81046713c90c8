/* can run: placeholder until its issue lands (not listed in --help until ready). */
#include "cli.h"
#include "util.h"

void cmd_run_usage(FILE *out)
{
	fputs("Usage: can run\n", out);
}

int cmd_run(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	can_warn("run: not implemented yet");
	return CAN_EXIT_FAIL;
}
