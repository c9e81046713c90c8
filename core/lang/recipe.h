/* Recipes: finding, loading, merging and expanding them into the effective
 * policy. This is the API the commands (`can run`, `can recipe`, `can up`)
 * use; the pieces live in schema.c, recipe_load.c, merge.c, expand.c and
 * lookup.c. */
#ifndef CAN_RECIPE_H
#define CAN_RECIPE_H

#include "util/diag.h"
#include "lang/policy.h"

#include <stddef.h>

/* Values the variables $HOME, $USER, $CWD and ${XDG_*} expand to, and the
 * environment other variables in paths ($GOPATH, $CARGO_HOME, $NVM_DIR)
 * are looked up in ("NAME=value" strings, NULL-terminated; NULL: none; see
 * docs/adr/0164). Filled from the process by expand_env_from_process();
 * tests fill it by hand. */
struct expand_env {
	const char *home, *user, *cwd;
	const char *xdg_config_home, *xdg_cache_home, *xdg_data_home, *xdg_state_home,
		*xdg_runtime_dir;
	const char *const *host_vars;
};
void expand_env_from_process(struct expand_env *e);

/* The effective policy for a run:
 *   base + default (compiled in) first, then recipes auto-detected from
 *   `cmd_path` by [recipe] match_prefix (NULL = none), then each of
 *   `names` in order (a name, or a path when it contains '/');
 *   merged left to right, then variables expanded.
 * Returns 0, or CAN_EXIT_USAGE with every error found appended to *d;
 * on error *out is left empty (never a partial policy). */
int recipe_load_effective(const char *const *names, size_t n, const char *cmd_path,
			  const struct expand_env *env, struct policy *out, struct diags *d);

/* The same, and what was loaded and why, for `can run -v` and `can recipe
 * show`: one line per recipe, in merge order ("node (built-in)",
 * "node (auto-detected: /usr/bin/node is under match_prefix /usr/bin/node)").
 * info may be NULL; free with effective_info_free. Warnings (a scanned
 * recipe skipped, an alias used, /tmp made private, a deprecated key) are
 * in d's warnings, never errors. */
struct effective_info {
	char **lines;
	size_t n;
	char **auto_names; /* the auto-detected recipes, for `recipe list` */
	size_t nauto;
};
int recipe_load_effective_info(const char *const *names, size_t n, const char *cmd_path,
			       const struct expand_env *env, struct policy *out,
			       struct diags *d, struct effective_info *info);
void effective_info_free(struct effective_info *info);

/* One file, schema-checked, not merged, not expanded. */
int recipe_load_file(const char *path, struct policy *out, struct diags *d);
/* Same from memory (tests, fuzzing, built-ins). */
int recipe_load_buffer(const char *name, const char *buf, size_t len, struct policy *out,
		       struct diags *d);

/* dst = dst merged with src (DESIGN section 4; table in docs/merge.md). */
void policy_merge(struct policy *dst, const struct policy *src);
/* Expands variables in every path-like value; errors (unknown variable,
 * relative path after expansion) go to *d. Returns 0 or CAN_EXIT_USAGE. */
int policy_expand(struct policy *p, const struct expand_env *env, struct diags *d);

#endif
