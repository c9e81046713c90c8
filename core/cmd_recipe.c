/* can recipe: placeholder until its issue lands (not listed in --help until ready). */
#include "cli.h"
#include "util.h"

void cmd_recipe_usage(FILE *out)
{
	fputs("Usage: can recipe\n", out);
}

int cmd_recipe(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	can_warn("recipe: not implemented yet");
	return CAN_EXIT_FAIL;
}
