/* The effective policy for a run: the baseline, the auto-detected recipes
 * and the named ones, loaded (recipe_load.c), merged and expanded. Finding
 * a name is lookup.c's (what a -r argument means is names.c's); this file is
 * the only one that uses both.
 *
 * A recipe named with -r must load: its errors fail the run (exit 2). A
 * recipe only scanned for auto-detection that does not load is skipped with
 * one warning naming it and its first error: a broken file the user did not
 * ask for must not stop every run (issue 16). */
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
			 char ***why, struct diags *d)
{
	*names = NULL;
	*why = NULL;
	size_t n = 0, nw = 0;
	char *resolved = resolve_command(cmd_path);
	if (!resolved)
		return 0;
	struct recipe_ref *refs;
	size_t nr = recipe_list_all(&refs);
	for (size_t i = 0; i < nr; i++) {
		/* The project's own recipes are never added unasked (ADR 0162). */
		if (recipe_is_baseline(refs[i].name) || refs[i].source == SRC_PROJECT)
			continue;
		struct policy p;
		struct diags own = { 0 };
		if (recipe_load_ref(&refs[i], &p, &own) != 0) {
			const struct diag *first = own.n ? &own.v[0] : NULL;
			struct srcpos at = first ? first->at
						 : (struct srcpos){ srcfile_intern(refs[i].name), 0, 0 };
			diags_warn(d, at, "recipe '%s' skipped (not named with -r, so only scanned for "
					  "auto-detection): %s%s", refs[i].name,
				   first ? first->msg : "it does not load",
				   own.n > 1 ? " (and more: run 'can recipe validate')" : "");
			diags_free(&own);
			continue;
		}
		/* Its warnings (a deprecated key) are said only when it is used:
		 * a matching recipe is loaded again, and warns, when merged. */
		diags_free(&own);
		const char *hit = NULL;
		for (size_t j = 0; j < p.recipe.match_prefix.n && !hit; j++) {
			char *err = NULL;
			char *prefix = expand_path(p.recipe.match_prefix.v[j].s, env, &err);
			if (!prefix) {
				/* e.g. a variable this user has not set: no match. */
				free(err);
				continue;
			}
			if (prefix[0] == '/' && strncmp(resolved, prefix, strlen(prefix)) == 0) {
				strv_push(why, &nw, xasprintf("auto-detected: %s is under match_prefix "
							      "%s", resolved, prefix));
				hit = "yes";
			}
			free(prefix);
		}
		if (hit)
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
	for (size_t i = 0; i < recipe_alias_count() && nc < ARRAY_LEN(cands); i++)
		cands[nc++] = recipe_alias_name(i);
	const char *sug = did_you_mean(name, cands, nc);
	if (sug)
		diags_add(d, at, "recipe '%s' not found; did you mean '%s'? (see 'can recipe list')",
			  name, sug);
	else
		diags_add(d, at, "recipe '%s' not found (see 'can recipe list'; a file is named by a "
				 "path with a '/' or a name ending in .toml, as in ./%s.toml)",
			  name, name);
	recipe_refs_free(refs, nr);
}

static void info_add(struct effective_info *info, char *line)
{
	if (info)
		strv_push(&info->lines, &info->n, line);
	else
		free(line);
}

/* One loaded recipe, merged into acc. */
static void merge_loaded(struct policy *acc, struct policy *p, struct diags *own, struct diags *d)
{
	for (size_t w = 0; w < own->nw; w++)
		diags_warn(d, own->w[w].at, "%s", own->w[w].msg);
	for (size_t e = 0; e < own->n; e++)
		diags_add(d, own->v[e].at, "%s", own->v[e].msg);
	policy_merge(acc, p);
	policy_free(p);
}

/* Loads -r ARG (a path, a name, tool:NAME, or an alias) into acc. */
static void load_named(const char *arg, struct policy *acc, const struct expand_env *env,
		       struct diags *d, struct effective_info *info, char ***loaded,
		       size_t *nloaded, int depth)
{
	for (size_t j = 0; j < *nloaded; j++)
		if (strcmp((*loaded)[j], arg) == 0)
			return; /* each recipe once, even when named twice */
	strv_push(loaded, nloaded, xstrdup(arg));
	struct recipe_arg ra;
	char err[256];
	if (recipe_arg_parse(arg, &ra, err, sizeof(err)) < 0) {
		diags_add(d, (struct srcpos){ srcfile_intern("can"), 0, 0 }, "%s", err);
		return;
	}
	if (ra.kind == RARG_NAME && recipe_is_baseline(ra.name))
		return;
	struct policy p;
	struct diags own = { 0 };
	if (ra.kind == RARG_PATH) {
		if (recipe_load_file(ra.name, &p, &own) == 0) {
			info_add(info, xasprintf("%s (file, -r)", ra.name));
			merge_loaded(acc, &p, &own, d);
		} else {
			merge_loaded(acc, &p, &own, d);
		}
		diags_free(&own);
		return;
	}
	struct recipe_ref r;
	if (recipe_find_tool(ra.name, ra.tool, &r) != 0) {
		const char *const *targets = recipe_alias_targets(ra.name);
		if (!targets || depth > 0) {
			not_found(arg, d);
			return;
		}
		char list[256] = "";
		for (size_t i = 0; targets[i]; i++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s-r %s",
				 i ? " " : "", targets[i]);
		diags_warn(d, (struct srcpos){ srcfile_intern("can"), 0, 0 },
			   "recipe '%s' is the Canister name of what is '%s' here", ra.name, list);
		for (size_t i = 0; targets[i]; i++)
			load_named(targets[i], acc, env, d, info, loaded, nloaded, depth + 1);
		return;
	}
	int rc = recipe_load_ref(&r, &p, &own);
	if (rc == 0 && r.source == SRC_PROJECT)
		recipe_project_check(&p, env, &own);
	if (rc == 0 && own.n == 0) {
		info_add(info, xasprintf("%s (%s%s%s, -r)", r.name, recipe_source_name(r.source),
					 r.path ? ": " : "", r.path ? r.path : ""));
		if (r.source == SRC_PROJECT)
			diags_warn(d, (struct srcpos){ srcfile_intern(r.path), 0, 0 },
				   "recipe '%s' is the project's own (.canister/ in the working "
				   "directory): it may only add paths inside the project and narrow "
				   "the rest (docs/adr/0162)", r.name);
	}
	merge_loaded(acc, &p, &own, d);
	diags_free(&own);
	recipe_ref_free(&r);
}

/* /tmp, /var/tmp and /dev/shm named in allow or allow_write: the sandbox's
 * own private folder, said once per folder (ADR 0160). */
static void warn_private_dirs(const struct policy *p, struct diags *d)
{
	const struct plist *lists[] = { &p->fs.allow, &p->fs.allow_write };
	for (size_t k = 0; k < ARRAY_LEN(lists); k++)
		for (size_t i = 0; i < lists[k]->n; i++) {
			const char *dir = policy_private_dir(lists[k]->v[i].s);
			if (dir)
				diags_warn(d, lists[k]->v[i].at,
					   "[filesystem] '%s' is the sandbox's own private, writable %s, "
					   "emptied at exit; the host's %s is never shown inside (see "
					   "docs/recipes.md)", lists[k]->v[i].s, dir, dir);
		}
}

int recipe_load_effective_info(const char *const *names, size_t n, const char *cmd_path,
			       const struct expand_env *env, struct policy *out,
			       struct diags *d, struct effective_info *info)
{
	struct expand_env proc;
	if (!env) {
		expand_env_from_process(&proc);
		env = &proc;
	}
	if (info)
		*info = (struct effective_info){ 0 };
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
			info_add(info, xasprintf("%s (built-in baseline)", baseline[i]));
		}
		recipe_ref_free(&r);
	}

	char **auto_names = NULL, **auto_why = NULL;
	size_t nauto = cmd_path ? recipe_autodetect(cmd_path, env, &auto_names, &auto_why, d) : 0;
	char **loaded = NULL;
	size_t nloaded = 0;
	for (size_t i = 0; i < nauto; i++) {
		struct recipe_ref r;
		struct policy p;
		struct diags own = { 0 };
		strv_push(&loaded, &nloaded, xstrdup(auto_names[i]));
		if (recipe_find(auto_names[i], &r) != 0)
			continue;
		if (recipe_load_ref(&r, &p, &own) == 0) {
			info_add(info, xasprintf("%s (%s%s%s, %s)", r.name,
						 recipe_source_name(r.source), r.path ? ": " : "",
						 r.path ? r.path : "", auto_why[i]));
			merge_loaded(&acc, &p, &own, d);
		}
		diags_free(&own);
		recipe_ref_free(&r);
	}
	for (size_t i = 0; i < n; i++)
		load_named(names[i], &acc, env, d, info, &loaded, &nloaded, 0);
	if (info) {
		info->auto_names = auto_names;
		info->nauto = nauto;
	} else {
		strv_free(auto_names, nauto);
	}
	strv_free(auto_why, nauto);
	strv_free(loaded, nloaded);

	if (d->n == errors0)
		policy_expand(&acc, env, d);
	if (d->n != errors0) {
		policy_free(&acc);
		return CAN_EXIT_USAGE;
	}
	warn_private_dirs(&acc, d);
	*out = acc;
	return 0;
}

int recipe_load_effective(const char *const *names, size_t n, const char *cmd_path,
			  const struct expand_env *env, struct policy *out, struct diags *d)
{
	return recipe_load_effective_info(names, n, cmd_path, env, out, d, NULL);
}

void effective_info_free(struct effective_info *info)
{
	strv_free(info->lines, info->n);
	strv_free(info->auto_names, info->nauto);
	*info = (struct effective_info){ 0 };
}
