/* can recipe suggest [RUN OPTIONS] -- CMD: `can run -m` with the recipe
 * on stdout and the report on stderr, so that
 *     can recipe suggest -- make > make.toml && can run -r ./make.toml -- make
 * writes a recipe in one step and uses it in the next (docs/adr/0200). */
#include "cli/cli.h"
#include "util/util.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cmd_recipe_suggest(int argc, char **argv)
{
	/* argv[0] is "suggest"; the rest are `can run` options and the command. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			cmd_recipe_usage(stdout);
			return CAN_EXIT_OK;
		}
		if (strcmp(argv[i], "-s") == 0 || strcmp(argv[i], "--strict") == 0)
			return cli_usage_error("recipe", "recipe suggest: --strict refuses what the run "
							 "needs; suggest runs it under --monitor");
	}
	char **v = xcalloc((size_t)argc + 2, sizeof(*v));
	v[0] = "run";
	v[1] = "--monitor";
	for (int i = 1; i < argc; i++)
		v[i + 1] = argv[i];
	/* The recipe is what stdout carries: the command's own output goes to
	 * stderr, so `> recipe.toml` holds the recipe alone. */
	fflush(stdout);
	int keep = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	FILE *recipe = keep >= 0 ? fdopen(keep, "w") : NULL;
	if (!recipe || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
		can_warn_errno("recipe suggest: set the command's output aside");
		if (recipe)
			fclose(recipe);
		else if (keep >= 0)
			close(keep);
		free(v);
		return CAN_EXIT_WALL;
	}
	int rc = cmd_run_to(argc + 1, v, recipe);
	if (fclose(recipe) != 0) {
		can_warn_errno("recipe suggest: write the recipe");
		rc = rc ? rc : CAN_EXIT_WALL;
	}
	free(v);
	return rc;
}
