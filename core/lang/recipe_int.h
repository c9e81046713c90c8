/* Internals shared by the recipe files (schema, load, merge, expand, lookup,
 * print, cmd_recipe). Not an API for other parts of can: use recipe.h. */
#ifndef CAN_RECIPE_INT_H
#define CAN_RECIPE_INT_H

#include "lang/recipe.h"

#include <stdbool.h>
#include <stdio.h>

/* Recipes larger than this are refused before parsing: a recipe is a page
 * of TOML, and a bound keeps hostile input cheap. */
#define RECIPE_MAX_BYTES (1024 * 1024)
/* Entries in one list, env table, ports array or [[host]] array of one
 * file: far above any real recipe, and it keeps merging (linear lookups)
 * cheap on hostile input. */
#define RECIPE_MAX_ENTRIES 4096

/* Loader flags. */
enum {
	/* [syscalls] allow/deny (absolute lists) are accepted: only the
	 * built-in default.toml and the round trip of `show` output. */
	RL_ALLOW_ABSOLUTE_SYSCALLS = 1 << 0,
	/* The text is an effective (merged) policy, as printed by `show`: the
	 * absolute lists and their _extra lists may appear together. */
	RL_EFFECTIVE = 1 << 1,
};
int recipe_load_buffer_flags(const char *name, const char *buf, size_t len, unsigned flags,
			     struct policy *out, struct diags *d);
/* A recipe that is a table of a document parsed already (a [sandbox.NAME]
 * table of canister.toml, lang/manifest.c): checked exactly as a file's
 * top level is. 0, or CAN_EXIT_USAGE with *out left empty. */
struct toml_table;
int recipe_load_table(const struct toml_table *t, unsigned flags, struct policy *out,
		      struct diags *d);

/* Variables: "$NAME", "${NAME}", "~" at the start, "$$" for a dollar.
 * expand_string returns the expansion (malloc'd) or NULL with an error
 * message (malloc'd) in *err. env may be NULL to check names only. */
char *expand_string(const char *s, const struct expand_env *env, char **err);
/* The same for a path: a variable other than the fixed ones may begin it
 * and is taken from env->host_vars, refused when unset, empty, relative,
 * "/", a ':' list or holding '..' (docs/adr/0164). With env NULL any name
 * is accepted (checking syntax at load time). */
char *expand_path(const char *s, const struct expand_env *env, char **err);
/* Names known to the expander, NULL-terminated (for did-you-mean). */
extern const char *const expand_var_names[];
/* "relative path" and ".." checks on an expanded path: NULL when fine,
 * else why not (static string). */
const char *path_problem(const char *s);

/* Value checks (recipe_check.c): NULL when fine, else why not (in buf). */
struct field;
const char *recipe_check_elem(const struct field *f, const char *s, char *buf, size_t n);
const char *recipe_check_domain(const char *s, char *buf, size_t n);
bool recipe_env_name_ok(const char *s);

/* Built-in recipes compiled from recipes/ (builtin_recipes.c, generated). */
struct builtin_recipe {
	const char *name; /* "base" */
	const char *text;
	size_t len;
};
extern const struct builtin_recipe builtin_recipes[];
extern const size_t builtin_nrecipes;
const struct builtin_recipe *builtin_find(const char *name);

/* What a -r argument means (names.c): a file path, or a recipe name
 * (tool:NAME is NAME, looked up in tools/ first). -1 with a message when
 * it is neither. */
enum recipe_arg_kind { RARG_NAME, RARG_PATH };
struct recipe_arg {
	enum recipe_arg_kind kind;
	const char *name; /* the path, or the name (into the argument) */
	bool tool;        /* written tool:NAME */
};
int recipe_arg_parse(const char *arg, struct recipe_arg *out, char *err, size_t errlen);
/* The recipes an alias stands for (NULL-terminated), or NULL when NAME is
 * not an alias. A recipe file or built-in of that name wins over it. */
const char *const *recipe_alias_targets(const char *name);
size_t recipe_alias_count(void);
const char *recipe_alias_name(size_t i);
/* A file stem in a recipe folder that is data, not a recipe (checksums). */
bool recipe_name_is_not_a_recipe(const char *stem);

/* Where recipe NAME comes from (lookup.c). SRC_PROJECT: the working
 * directory's .canister/ folder, searched last (it never shadows a name
 * found elsewhere) and never auto-detected (docs/adr/0162). */
enum recipe_source { SRC_USER, SRC_PATH, SRC_BUILTIN, SRC_PROJECT };
struct recipe_ref {
	char *name;
	enum recipe_source source;
	char *path;                    /* file, or NULL for a built-in */
	const struct builtin_recipe *builtin;
};
/* base and default: always the built-ins, never looked up in folders. */
bool recipe_is_baseline(const char *name);
/* Finds NAME in the search path; 0, or -1 when absent (lookup.c).
 * recipe_find_tool also looks in each folder's tools/ first. */
int recipe_find(const char *name, struct recipe_ref *out);
int recipe_find_tool(const char *name, bool tool, struct recipe_ref *out);
/* The project-local recipe folder: $CWD/.canister (malloc'd), or NULL. */
char *recipe_project_dir(void);
/* Loads a reference (a built-in or a file) (effective.c). */
int recipe_load_ref(const struct recipe_ref *r, struct policy *out, struct diags *d);
void recipe_ref_free(struct recipe_ref *r);
/* Every recipe visible to -r, first of each name wins; base and default are
 * always the built-ins. Caller frees with recipe_refs_free. */
size_t recipe_list_all(struct recipe_ref **out);
void recipe_refs_free(struct recipe_ref *v, size_t n);
/* The folders searched, in order (user folder, then CAN_RECIPE_PATH's or
 * the installed folder). Caller frees each string and the array. */
size_t recipe_search_dirs(char ***out);
const char *recipe_source_name(enum recipe_source s);
/* Names of recipes whose match_prefix matches the command (resolved), and
 * for each the reason. A scanned recipe that does not load is skipped with
 * a warning in *d. */
size_t recipe_autodetect(const char *cmd_path, const struct expand_env *env, char ***names,
			 char ***why, struct diags *d);
/* What a project-local recipe (.canister/) may not do, as errors in *d
 * (project_trust.c, docs/adr/0162). */
void recipe_project_check(const struct policy *p, const struct expand_env *env, struct diags *d);

/* One line of what a recipe grants ("writes $HOME/.npm; egress proxy-only
 * to registry.npmjs.org; runs /usr/bin/node, /usr/bin/npm +2 more"), and
 * the number of syscalls a policy allows (the always-refused ones never
 * count) and of always-refused ones (policy_summary.c). */
char *policy_grants_line(const struct policy *p);
void policy_syscall_counts(const struct policy *p, size_t *allowed, size_t *always_refused);

/* Printing (recipe_print.c). */
enum print_mode { PRINT_TOML, PRINT_EXPLAIN, PRINT_JSON };
void policy_print(const struct policy *p, enum print_mode mode, FILE *out);
/* The generated reference pages. */
void schema_print_reference(FILE *out);
void schema_print_merge_table(FILE *out);
/* The man page can-recipe(5) (page "recipe") or canister.toml(5)
 * ("manifest"), as roff; -1 for another name (schema_man.c). */
int schema_print_man(FILE *out, const char *page);

#endif
