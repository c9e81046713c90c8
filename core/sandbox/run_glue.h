/* Glue between `can run` and parts other branches provide (recipes,
 * seccomp). TEMPORARY pieces live in run_glue.c only, so replacing them
 * when those branches land touches one file. */
#ifndef CAN_RUN_GLUE_H
#define CAN_RUN_GLUE_H

#include "lang/policy.h"
#include "seccomp/seccomp_filter.h"

#include <stddef.h>

/* The effective policy for the run (recipe_load_effective). Returns 0 or
 * CAN_EXIT_USAGE after printing the diagnostics; warnings are printed
 * either way, and with verbose the recipes loaded and why. */
int run_glue_policy(const char *const *names, size_t n, const char *cmd_path, bool verbose,
		    struct policy *out);

/* Builds the filter. Returns 1 with *out set, or 0 with the first
 * diagnostic in err (nothing printed). */
int run_glue_sc_build(const struct policy *p, const struct sc_options *o, struct sc_filter **out,
		      char *err, size_t errlen);

/* sc_install / sc_free through the same weak references. */
int run_glue_sc_install(struct sc_filter *f);
void run_glue_sc_free(struct sc_filter *f);

#endif
