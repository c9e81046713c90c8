/* What a -r argument means (pure: no I/O). The rules, in order:
 *   - "tool:NAME"            NAME, looked up in the tools/ sub-folder of each
 *                            recipe folder first (the seeds' spelling)
 *   - contains '/'           a file path
 *   - ends in ".toml"        a file path: no recipe name ends so, and it is
 *                            what the seeds' `-r my-analysis.toml` means
 *   - anything else          a recipe name, never a file in the (untrusted)
 *                            working directory
 * and the one table of aliases: names of the seeds' recipe set that are
 * spelled differently here, each standing for the recipes that give the
 * same (see docs/adr/0161-recipe-names-users-type.md). */
#include "lang/recipe_int.h"
#include "util/util.h"

#include <stdio.h>
#include <string.h>

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

int recipe_arg_parse(const char *arg, struct recipe_arg *out, char *err, size_t errlen)
{
	*out = (struct recipe_arg){ .kind = RARG_NAME, .name = arg };
	if (strncmp(arg, "tool:", 5) == 0) {
		const char *t = arg + 5;
		if (!t[0]) {
			snprintf(err, errlen, "recipe '%s': 'tool:' needs a tool name, as in tool:npm",
				 arg);
			return -1;
		}
		if (strchr(t, '/') || strchr(t, ':')) {
			snprintf(err, errlen, "recipe '%s': a tool name has no '/' or ':' (for a file, "
				 "write its path)", arg);
			return -1;
		}
		out->name = t;
		out->tool = true;
		return 0;
	}
	if (strchr(arg, '/') || ends_with(arg, ".toml"))
		out->kind = RARG_PATH;
	return 0;
}

/* Seeds' name -> ours. Targets are recipes that exist today; the recipes
 * library adds more (a name that becomes a recipe of its own needs no
 * alias: a file of that name always wins over the alias). */
static const struct {
	const char *alias;
	const char *targets[4];
} aliases[] = {
	{ "python-pip", { "python", "pip", NULL } },
	{ "node-build", { "node", "npm", NULL } },
	{ "nodejs", { "node", NULL } },
	{ "python3", { "python", NULL } },
	{ "pip3", { "python", "pip", NULL } },
	{ "npx", { "node", "npm", NULL } },
};

const char *const *recipe_alias_targets(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(aliases); i++)
		if (strcmp(aliases[i].alias, name) == 0)
			return aliases[i].targets;
	return NULL;
}

size_t recipe_alias_count(void)
{
	return ARRAY_LEN(aliases);
}

const char *recipe_alias_name(size_t i)
{
	return i < ARRAY_LEN(aliases) ? aliases[i].alias : NULL;
}

bool recipe_name_is_not_a_recipe(const char *stem)
{
	/* Canister's recipe folder holds its update checksums beside the
	 * recipes: a data file, not a policy. */
	return strcmp(stem, "checksums") == 0;
}
