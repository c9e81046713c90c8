/* The effective policy for a run: the baseline, the auto-detected recipes
 * and the named ones, loaded (recipe_load.c), merged and expanded. Finding
 * a name is lookup.c's; this file is the only one that uses both. */
#include "lang/recipe_int.h"
#include "lang/schema.h"
#include "util/util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
		if (access(p, X_OK) == 0 && is_regular_file(p) && realpath(p, buf))
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
		if (recipe_is_baseline(refs[i].name))
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
			strv_push(names, &n, xstrdup(refs[i].name));
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
		bool seen = recipe_is_baseline(name);
		for (size_t j = 0; j < nloaded && !seen; j++)
			seen = strcmp(loaded[j], name) == 0;
		if (seen)
			continue;
		strv_push(&loaded, &nloaded, xstrdup(name));
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
	strv_free(auto_names, nauto);
	strv_free(loaded, nloaded);

	if (d->n == errors0)
		policy_expand(&acc, env, d);
	if (d->n != errors0) {
		policy_free(&acc);
		return CAN_EXIT_USAGE;
	}
	*out = acc;
	return 0;
}
