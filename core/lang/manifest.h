/* Project manifests: canister.toml at a project's root names sandboxes.
 *
 *   [sandbox.test]
 *   description = "the unit tests"
 *   recipes = ["node", "npm"]          # looked up like -r; a path is relative to the file
 *   command = "npm test"               # or ["npm", "test"]
 *   strict = true                      # any top-level recipe field
 *   [sandbox.test.filesystem]          # any recipe section: a recipe layer
 *   allow_write = ["$HOME/.npm"]
 *   [[sandbox.test.host]]              # this sandbox's egress contracts
 *   domain = "registry.npmjs.org"
 *
 *   [[host]]                           # contracts shared by every sandbox
 *   domain = "api.example.com"
 *
 * A sandbox's effective policy is the built-in baseline, the recipes
 * auto-detected from its command, its recipes left to right, the shared
 * [[host]] blocks, then its own overrides: one more recipe layer, checked by
 * the recipe loader against the same schema table (schema.c) and merged by
 * the same rules (docs/merge.md), so a manifest can add but never weaken the
 * compiled-in baseline. Format and rules: docs/manifest.md, ADR 0180. */
#ifndef CAN_MANIFEST_H
#define CAN_MANIFEST_H

#include "lang/policy.h"
#include "lang/recipe.h"
#include "util/diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define MANIFEST_FILE "canister.toml"

struct manifest_sandbox {
	char *name;
	struct srcpos at;        /* the [sandbox.NAME] header */
	char *description;       /* NULL when absent */
	struct pstr *recipes;    /* as written, with positions */
	size_t nrecipes;
	char **command;          /* argv, NULL-terminated; NULL when absent */
	size_t ncommand;
	struct srcpos command_at;
	struct policy overrides; /* the sandbox's own layer, not expanded */
	bool has_overrides;      /* any recipe field or section was written */
};

struct manifest {
	char *path;              /* the file as given */
	char *dir;               /* its folder: the project root */
	struct manifest_sandbox *sb; /* in document order */
	size_t n;
	struct policy hosts;     /* top-level [[host]] blocks: a layer for every sandbox */
};

/* Parses and checks a manifest: every problem one diagnostic with
 * file:line:col and, where one is close, a suggestion. 0, or CAN_EXIT_USAGE
 * with *m left empty. Recipe names are checked by manifest_effective (they
 * depend on the recipes installed), not here. */
int manifest_load_buffer(const char *file, const char *buf, size_t len, struct manifest *m,
			 struct diags *d);
int manifest_load_file(const char *path, struct manifest *m, struct diags *d);
void manifest_free(struct manifest *m);

/* The sandbox called NAME, or NULL. */
const struct manifest_sandbox *manifest_sandbox_find(const struct manifest *m, const char *name);
/* "unknown sandbox 'tets' in canister.toml; did you mean 'test'? (defined: a, b)"
 * in buf. */
void manifest_unknown_sandbox(const struct manifest *m, const char *name, char *buf, size_t n);

/* Splits a command string into words: blanks separate, '...' and "..."
 * quote (\" and \\ inside double quotes). Shell syntax that would need a
 * shell to mean anything ($, `, |, &, ;, <, >, (, ), *, ?, [, ~ at a word's
 * start, unquoted) is refused: NULL with why in err. */
char **manifest_split_command(const char *s, size_t *n, char *err, size_t errlen);
/* Writes w as one word a POSIX shell reads back unchanged ('...' quoting
 * when it needs any), for the `can run` lines can up and can init print. */
void manifest_put_word(FILE *out, const char *w);

/* The effective policy of sandbox s: baseline, auto-detected recipes (from
 * cmd0, the command that will run; NULL = none), s's recipes, the shared
 * [[host]] blocks, s's overrides; merged, then expanded with env (NULL =
 * this process's). Recipe paths are relative to m->dir. 0, or
 * CAN_EXIT_USAGE with every problem in *d and *out empty. */
int manifest_effective(const struct manifest *m, const struct manifest_sandbox *s,
		       const char *cmd0, const struct expand_env *env, struct policy *out,
		       struct diags *d);

/* --- discovery (manifest_find.c) --- */

/* Looks for canister.toml in start and each parent: stops after home (its
 * parents are never searched) and before crossing onto another file
 * system. A manifest that belongs to another user (not us, not root) or
 * that others may write is refused, not skipped: it may be a plant in a
 * shared folder such as /tmp. Returns 0 with *path (malloc'd) set, 1 when
 * there is none (why in err), -1 when one was refused (why in err). home
 * may be NULL. */
int manifest_find(const char *start, const char *home, char **path, char *err, size_t errlen);

/* --- the choice remembered per project (manifest_state.c) --- */

/* ${XDG_STATE_HOME:-$HOME/.local/state}/canister/up/<hash of the real path>,
 * holding the real path and the name: malloc'd, or NULL without a home. */
char *manifest_state_path(const char *project_dir);
/* The sandbox last chosen in project_dir (a real path), or NULL. */
char *manifest_recall(const char *project_dir);
/* Remembers name for project_dir. 0, or -1 with errno set. */
int manifest_remember(const char *project_dir, const char *name);

/* --- the seam for session mode (manifest_policy.c) ---
 *
 * What `use canister NAME` needs: the effective policy of sandbox NAME in
 * the nearest canister.toml above start_dir (found as manifest_find does),
 * expanded with env (NULL = this process's; $CWD is whatever env says, so
 * pass the directory the layer is bound to). name NULL = the one chosen last
 * time in that project, else the first defined.
 *
 * On success returns 0, fills *out, and, when where is not NULL, sets
 * where->path to the manifest (the file whose content an approval should
 * hash), where->dir to the project root and where->name to the sandbox
 * chosen (all malloc'd; free with manifest_where_free). On failure returns
 * CAN_EXIT_USAGE with every problem in *d (file:line:col), *out and *where
 * empty. Never prints, never remembers a choice. */
struct manifest_where {
	char *path, *dir, *name;
};
int manifest_sandbox_policy(const char *start_dir, const char *name, const struct expand_env *env,
			    struct policy *out, struct manifest_where *where, struct diags *d);
void manifest_where_free(struct manifest_where *w);

/* Chooses the sandbox: name when given (NULL with why in err when unknown),
 * else the remembered one if it still exists, else the first. */
const struct manifest_sandbox *manifest_choose(const struct manifest *m, const char *name,
					       const char *remembered, char *err, size_t errlen);

/* The [sandbox.NAME] keys that are not recipe fields, documented. */
struct manifest_key_doc {
	const char *key, *type, *doc;
};
extern const struct manifest_key_doc manifest_keys[];
extern const size_t manifest_nkeys;

#endif
