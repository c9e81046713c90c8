/* See run_glue.h: the effective policy from the recipe loader, and the
 * seccomp builder, with their diagnostics printed. */
#include "sandbox/run_glue.h"
#include "lang/recipe.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int run_glue_policy(const char *const *names, size_t n, const char *cmd_path, bool verbose,
		    struct policy *out)
{
	struct expand_env env;
	expand_env_from_process(&env);
	struct diags d = { 0 };
	struct effective_info info;
	int rc = recipe_load_effective_info(names, n, cmd_path, &env, out, &d, &info);
	diags_print(&d, stderr);
	diags_free(&d);
	if (rc) {
		effective_info_free(&info);
		return CAN_EXIT_USAGE;
	}
	for (size_t i = 0; verbose && i < info.n; i++)
		fprintf(stderr, "can: recipe: %s\n", info.lines[i]);
	effective_info_free(&info);
	return 0;
}

int run_glue_sc_build(const struct policy *p, const struct sc_options *o, struct sc_filter **out,
		      char *err, size_t errlen)
{
	struct diags d = { 0 };
	*out = sc_build(p, o, &d);
	if (!*out)
		snprintf(err, errlen, "%s", d.n ? d.v[0].msg : "cannot build the filter");
	diags_free(&d);
	return *out ? 1 : 0;
}

int run_glue_sc_install(struct sc_filter *f)
{
	return sc_install(f);
}

void run_glue_sc_free(struct sc_filter *f)
{
	sc_free(f);
}
