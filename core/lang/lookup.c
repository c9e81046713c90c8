/* Finding recipes: names to files or built-ins. Nothing here loads a
 * recipe (effective.c does, on top of this and recipe_load.c).
 *
 * -r NAME searches, in order:
 *   1. ${XDG_CONFIG_HOME:-~/.config}/canister/recipes/NAME.toml   (the user's)
 *   2. each folder of $CAN_RECIPE_PATH (colon-separated) when it is set,
 *      otherwise the installed folder CAN_RECIPEDIR ($(pkgdatadir)/recipes)
 *   3. the recipes compiled into can (builtin_recipes.c)
 *   4. the working directory's .canister/NAME.toml (the project's own;
 *      last, so a project can add names but never replace one)
 * tool:NAME looks in each folder's tools/NAME.toml before NAME.toml.
 * What is a path and what a name is names.c's. base and default are ALWAYS the
 * built-ins: a base.toml or default.toml in any folder is never loaded in
 * their place (see docs/adr/0020-builtin-recipes.md). */
#include "lang/recipe_int.h"
#include "lang/schema.h"
#include "util/util.h"

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

bool recipe_is_baseline(const char *name)
{
	return strcmp(name, "base") == 0 || strcmp(name, "default") == 0;
}

const char *recipe_source_name(enum recipe_source s)
{
	switch (s) {
	case SRC_USER: return "user";
	case SRC_PATH: return "installed";
	case SRC_BUILTIN: return "built-in";
	case SRC_PROJECT: return "project";
	}
	return "?";
}

size_t recipe_search_dirs(char ***out)
{
	char **v = NULL;
	size_t n = 0;
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (xdg && xdg[0] == '/')
		strv_push(&v, &n, xasprintf("%s/canister/recipes", xdg));
	else if (home && home[0] == '/')
		strv_push(&v, &n, xasprintf("%s/.config/canister/recipes", home));
	const char *path = getenv("CAN_RECIPE_PATH");
	if (path) {
		char *copy = xstrdup(path), *save = NULL;
		for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save))
			strv_push(&v, &n, xstrdup(d));
		free(copy);
	} else {
		strv_push(&v, &n, xstrdup(CAN_RECIPEDIR));
	}
	*out = v;
	return n;
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

char *recipe_project_dir(void)
{
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd)) || strcmp(cwd, "/") == 0)
		return NULL;
	return xasprintf("%s/.canister", cwd);
}

static bool found_at(char *p, const char *name, enum recipe_source src, struct recipe_ref *out)
{
	if (!is_regular_file(p)) {
		free(p);
		return false;
	}
	out->name = xstrdup(name);
	out->source = src;
	out->path = p;
	return true;
}

int recipe_find_tool(const char *name, bool tool, struct recipe_ref *out)
{
	memset(out, 0, sizeof(*out));
	if (!name_ok(name) || recipe_name_is_not_a_recipe(name))
		return -1;
	if (!recipe_is_baseline(name)) {
		char **dirs;
		size_t nd = recipe_search_dirs(&dirs);
		bool hit = false;
		for (size_t i = 0; i < nd && !hit; i++) {
			enum recipe_source src = i == 0 ? SRC_USER : SRC_PATH;
			if (tool)
				hit = found_at(xasprintf("%s/tools/%s.toml", dirs[i], name), name, src,
					       out);
			if (!hit)
				hit = found_at(xasprintf("%s/%s.toml", dirs[i], name), name, src, out);
		}
		strv_free(dirs, nd);
		if (hit)
			return 0;
	}
	const struct builtin_recipe *b = builtin_find(name);
	if (b) {
		out->name = xstrdup(name);
		out->source = SRC_BUILTIN;
		out->builtin = b;
		return 0;
	}
	if (recipe_is_baseline(name))
		return -1;
	char *proj = recipe_project_dir();
	bool hit = false;
	if (proj) {
		if (tool)
			hit = found_at(xasprintf("%s/tools/%s.toml", proj, name), name, SRC_PROJECT,
				       out);
		if (!hit)
			hit = found_at(xasprintf("%s/%s.toml", proj, name), name, SRC_PROJECT, out);
		free(proj);
	}
	return hit ? 0 : -1;
}

int recipe_find(const char *name, struct recipe_ref *out)
{
	return recipe_find_tool(name, false, out);
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
	char *proj = recipe_project_dir();
	if (proj)
		strv_push(&dirs, &nd, proj);
	for (size_t i = 0; i < nd; i++) {
		DIR *dir = opendir(dirs[i]);
		if (!dir)
			continue;
		struct dirent *e;
		while ((e = readdir(dir)) != NULL) {
			size_t len = strlen(e->d_name);
			if (len < 6 || strcmp(e->d_name + len - 5, ".toml") != 0)
				continue;
			char *stem = xstrndup(e->d_name, len - 5);
			if (recipe_name_is_not_a_recipe(stem)) {
				free(stem);
				continue;
			}
			strv_push(&names, &nn, stem);
		}
		closedir(dir);
	}
	strv_free(dirs, nd);
	for (size_t i = 0; i < builtin_nrecipes; i++)
		strv_push(&names, &nn, xstrdup(builtin_recipes[i].name));
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
	strv_free(names, nn);
	if (n)
		qsort(v, n, sizeof(*v), ref_cmp);
	*out = v;
	return n;
}

