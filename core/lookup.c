/* Finding recipes and building the effective policy.
 *
 * -r NAME searches, in order:
 *   1. ${XDG_CONFIG_HOME:-~/.config}/canister/recipes/NAME.toml   (the user's)
 *   2. each folder of $CAN_RECIPE_PATH (colon-separated) when it is set,
 *      otherwise the installed folder CAN_RECIPEDIR ($(pkgdatadir)/recipes)
 *   3. the recipes compiled into can (builtin_recipes.c)
 * A name containing '/' is a file path. base and default are ALWAYS the
 * built-ins: a base.toml or default.toml in any folder is never loaded in
 * their place (see docs/adr/0020-builtin-recipes.md). */
#include "recipe_int.h"
#include "schema.h"
#include "util.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef CAN_RECIPEDIR
#define CAN_RECIPEDIR "/usr/local/share/can/recipes"
#endif

const struct builtin_recipe *builtin_find(const char *name)
{
	for (size_t i = 0; i < builtin_nrecipes; i++)
		if (strcmp(builtin_recipes[i].name, name) == 0)
			return &builtin_recipes[i];
	return NULL;
}

static bool is_baseline(const char *name)
{
	return strcmp(name, "base") == 0 || strcmp(name, "default") == 0;
}

const char *recipe_source_name(enum recipe_source s)
{
	switch (s) {
	case SRC_USER: return "user";
	case SRC_PATH: return "installed";
	case SRC_BUILTIN: return "built-in";
	}
	return "?";
}

static void push(char ***v, size_t *n, char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = s;
}

size_t recipe_search_dirs(char ***out)
{
	char **v = NULL;
	size_t n = 0;
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (xdg && xdg[0] == '/')
		push(&v, &n, xasprintf("%s/canister/recipes", xdg));
	else if (home && home[0] == '/')
		push(&v, &n, xasprintf("%s/.config/canister/recipes", home));
	const char *path = getenv("CAN_RECIPE_PATH");
	if (path) {
		char *copy = xstrdup(path), *save = NULL;
		for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save))
			push(&v, &n, xstrdup(d));
		free(copy);
	} else {
		push(&v, &n, xstrdup(CAN_RECIPEDIR));
	}
	*out = v;
	return n;
}

static void free_strs(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* A recipe name is a file stem: no '/', no leading '.', printable. */
static bool name_ok(const char *name)
{
	if (!name[0] || name[0] == '.' || strlen(name) > 200)
		return false;
	for (const char *c = name; *c; c++)
		if (*c == '/' || (unsigned char)*c <= ' ')
			return false;
	return true;
}

static bool regular_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int recipe_find(const char *name, struct recipe_ref *out)
{
	memset(out, 0, sizeof(*out));
	if (!name_ok(name))
		return -1;
	if (!is_baseline(name)) {
		char **dirs;
		size_t nd = recipe_search_dirs(&dirs);
		for (size_t i = 0; i < nd; i++) {
			char *p = xasprintf("%s/%s.toml", dirs[i], name);
			if (regular_file(p)) {
				out->name = xstrdup(name);
				out->source = i == 0 ? SRC_USER : SRC_PATH;
				out->path = p;
				free_strs(dirs, nd);
				return 0;
			}
			free(p);
		}
		free_strs(dirs, nd);
	}
	const struct builtin_recipe *b = builtin_find(name);
	if (!b)
		return -1;
	out->name = xstrdup(name);
	out->source = SRC_BUILTIN;
	out->builtin = b;
	return 0;
}

void recipe_ref_free(struct recipe_ref *r)
{
	free(r->name);
	free(r->path);
	memset(r, 0, sizeof(*r));
}

void recipe_refs_free(struct recipe_ref *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		recipe_ref_free(&v[i]);
	free(v);
}

int recipe_load_ref(const struct recipe_ref *r, struct policy *out, struct diags *d)
{
	if (r->builtin) {
		char *file = xasprintf("builtin:%s.toml", r->name);
		unsigned flags = strcmp(r->name, "default") == 0 ? RL_ALLOW_ABSOLUTE_SYSCALLS : 0;
		int rc = recipe_load_buffer_flags(file, r->builtin->text, r->builtin->len, flags, out,
						  d);
		free(file);
		return rc;
	}
	return recipe_load_file(r->path, out, d);
}

static int ref_cmp(const void *a, const void *b)
{
	return strcmp(((const struct recipe_ref *)a)->name, ((const struct recipe_ref *)b)->name);
}

size_t recipe_list_all(struct recipe_ref **out)
{
	struct recipe_ref *v = NULL;
	size_t n = 0;
	char **names = NULL;
	size_t nn = 0;
	char **dirs;
	size_t nd = recipe_search_dirs(&dirs);
	for (size_t i = 0; i < nd; i++) {
		DIR *dir = opendir(dirs[i]);
		if (!dir)
			continue;
		struct dirent *e;
		while ((e = readdir(dir)) != NULL) {
			size_t len = strlen(e->d_name);
			if (len < 6 || strcmp(e->d_name + len - 5, ".toml") != 0)
				continue;
			push(&names, &nn, xstrndup(e->d_name, len - 5));
		}
		closedir(dir);
	}
	free_strs(dirs, nd);
	for (size_t i = 0; i < builtin_nrecipes; i++)
		push(&names, &nn, xstrdup(builtin_recipes[i].name));
	for (size_t i = 0; i < nn; i++) {
		bool seen = false;
		for (size_t j = 0; j < n && !seen; j++)
			seen = strcmp(v[j].name, names[i]) == 0;
		struct recipe_ref r;
		if (seen || recipe_find(names[i], &r) != 0)
			continue;
		v = xrealloc(v, (n + 1) * sizeof(*v));
		v[n++] = r;
	}
	free_strs(names, nn);
	if (n)
		qsort(v, n, sizeof(*v), ref_cmp);
	*out = v;
	return n;
}

/* The command as can run would find it: a path, or searched in $PATH;
 * then every symlink resolved. NULL when it cannot be found. */
static char *resolve_command(const char *cmd)
{
	char buf[PATH_MAX];
	if (strchr(cmd, '/'))
		return realpath(cmd, buf) ? xstrdup(buf) : NULL;
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	char *copy = xstrdup(path), *save = NULL, *found = NULL;
	for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char *p = xasprintf("%s/%s", d, cmd);
		if (access(p, X_OK) == 0 && regular_file(p) && realpath(p, buf))
			found = xstrdup(buf);
		free(p);
	}
	free(copy);
	return found;
}

size_t recipe_autodetect(const char *cmd_path, const struct expand_env *env, char ***names,
			 struct diags *d)
{
	*names = NULL;
	size_t n = 0;
	char *resolved = resolve_command(cmd_path);
	if (!resolved)
		return 0;
	struct recipe_ref *refs;
	size_t nr = recipe_list_all(&refs);
	for (size_t i = 0; i < nr; i++) {
		if (is_baseline(refs[i].name))
			continue;
		struct policy p;
		if (recipe_load_ref(&refs[i], &p, d) != 0)
			continue; /* its errors are in *d: the caller fails closed */
		bool match = false;
		for (size_t j = 0; j < p.recipe.match_prefix.n && !match; j++) {
			char *err = NULL;
			char *prefix = expand_string(p.recipe.match_prefix.v[j].s, env, &err);
			if (!prefix) {
				diags_add(d, p.recipe.match_prefix.v[j].at, "'match_prefix' in [recipe]: %s",
					  err);
				free(err);
				continue;
			}
			match = prefix[0] == '/' && strncmp(resolved, prefix, strlen(prefix)) == 0;
			free(prefix);
		}
		if (match)
			push(names, &n, xstrdup(refs[i].name));
		policy_free(&p);
	}
	recipe_refs_free(refs, nr);
	free(resolved);
	return n;
}

static void not_found(const char *name, struct diags *d)
{
	struct srcpos at = { srcfile_intern("can"), 0, 0 };
	const char *cands[256];
	size_t nc = 0;
	struct recipe_ref *refs;
	size_t nr = recipe_list_all(&refs);
	for (size_t i = 0; i < nr && nc < ARRAY_LEN(cands); i++)
		cands[nc++] = refs[i].name;
	const char *sug = did_you_mean(name, cands, nc);
	if (sug)
		diags_add(d, at, "recipe '%s' not found; did you mean '%s'? (see 'can recipe list')",
			  name, sug);
	else
		diags_add(d, at, "recipe '%s' not found (see 'can recipe list'; a path needs a '/', "
				 "as in ./%s)", name, name);
	recipe_refs_free(refs, nr);
}

int recipe_load_effective(const char *const *names, size_t n, const char *cmd_path,
			  const struct expand_env *env, struct policy *out, struct diags *d)
{
	struct expand_env proc;
	if (!env) {
		expand_env_from_process(&proc);
		env = &proc;
	}
	policy_init(out);
	size_t errors0 = d->n;
	struct policy acc;
	policy_init(&acc);
	const char *const baseline[] = { "base", "default" };
	for (size_t i = 0; i < 2; i++) {
		struct recipe_ref r;
		struct policy p;
		if (recipe_find(baseline[i], &r) != 0) {
			diags_add(d, (struct srcpos){ srcfile_intern("can"), 0, 0 },
				  "built-in recipe '%s' is missing (a broken build)", baseline[i]);
			continue;
		}
		if (recipe_load_ref(&r, &p, d) == 0) {
			policy_merge(&acc, &p);
			policy_free(&p);
		}
		recipe_ref_free(&r);
	}

	char **auto_names = NULL;
	size_t nauto = cmd_path ? recipe_autodetect(cmd_path, env, &auto_names, d) : 0;
	char **loaded = NULL; /* each name once, even when named twice */
	size_t nloaded = 0;
	for (size_t i = 0; i < nauto + n; i++) {
		const char *name = i < nauto ? auto_names[i] : names[i - nauto];
		bool seen = is_baseline(name);
		for (size_t j = 0; j < nloaded && !seen; j++)
			seen = strcmp(loaded[j], name) == 0;
		if (seen)
			continue;
		push(&loaded, &nloaded, xstrdup(name));
		struct policy p;
		int rc;
		if (strchr(name, '/')) {
			rc = recipe_load_file(name, &p, d);
		} else {
			struct recipe_ref r;
			if (recipe_find(name, &r) != 0) {
				not_found(name, d);
				continue;
			}
			rc = recipe_load_ref(&r, &p, d);
			recipe_ref_free(&r);
		}
		if (rc == 0) {
			policy_merge(&acc, &p);
			policy_free(&p);
		}
	}
	free_strs(auto_names, nauto);
	free_strs(loaded, nloaded);

	if (d->n == errors0)
		policy_expand(&acc, env, d);
	if (d->n != errors0) {
		policy_free(&acc);
		return CAN_EXIT_USAGE;
	}
	*out = acc;
	return 0;
}
