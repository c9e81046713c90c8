/* A sandbox's effective policy, and the seam session mode calls
 * (manifest_sandbox_policy, see manifest.h). The recipes go through
 * recipe_load_effective exactly as `can run -r` names do, so the baseline
 * is loaded first and no layer can weaken it; the manifest's own layer is
 * expanded and merged on top by the same rules. */
#include "lang/manifest.h"
#include "lang/recipe_int.h"
#include "lang/schema.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Each recipe the sandbox names must exist: checked here, at its position
 * in the manifest, with a suggestion (the loader's own message has no
 * position to give). Names with a '/' are files relative to the manifest. */
static char **resolve_recipes(const struct manifest *m, const struct manifest_sandbox *s,
			      struct diags *d, size_t *bad)
{
	char **names = xcalloc(s->nrecipes + 1, sizeof(char *));
	struct recipe_ref *all = NULL;
	size_t nall = 0;
	*bad = 0;
	for (size_t i = 0; i < s->nrecipes; i++) {
		const char *r = s->recipes[i].s;
		if (strchr(r, '/')) {
			names[i] = r[0] == '/' || strcmp(m->dir, ".") == 0 ? xstrdup(r)
									 : xasprintf("%s/%s", m->dir, r);
			if (!is_regular_file(names[i])) {
				diags_add(d, s->recipes[i].at, "'recipes' in [sandbox.%s]: no recipe "
					  "file %s", s->name, names[i]);
				(*bad)++;
			}
			continue;
		}
		names[i] = xstrdup(r);
		struct recipe_ref ref;
		if (recipe_find(r, &ref) == 0) {
			recipe_ref_free(&ref);
			continue;
		}
		if (!all)
			nall = recipe_list_all(&all);
		const char *cands[256];
		size_t nc = 0;
		for (size_t j = 0; j < nall && nc < ARRAY_LEN(cands); j++)
			cands[nc++] = all[j].name;
		const char *sug = did_you_mean(r, cands, nc);
		if (sug)
			diags_add(d, s->recipes[i].at, "'recipes' in [sandbox.%s]: recipe '%s' not "
				  "found; did you mean '%s'? (see 'can recipe list')", s->name, r, sug);
		else
			diags_add(d, s->recipes[i].at, "'recipes' in [sandbox.%s]: recipe '%s' not "
				  "found (see 'can recipe list')", s->name, r);
		(*bad)++;
	}
	if (all)
		recipe_refs_free(all, nall);
	return names;
}

int manifest_effective(const struct manifest *m, const struct manifest_sandbox *s,
		       const char *cmd0, const struct expand_env *env, struct policy *out,
		       struct diags *d)
{
	struct expand_env proc;
	if (!env) {
		expand_env_from_process(&proc);
		env = &proc;
	}
	policy_init(out);
	size_t bad;
	char **names = resolve_recipes(m, s, d, &bad);
	int rc = CAN_EXIT_USAGE;
	struct policy acc;
	if (bad || recipe_load_effective((const char *const *)names, s->nrecipes, cmd0, env, &acc,
					 d) != 0)
		goto out;
	/* The manifest's layer: shared [[host]] blocks, then the sandbox's own.
	 * Expanding a layer alone gives what expanding after the merge would:
	 * expansion reads only env, never another layer. */
	struct policy layer;
	policy_init(&layer);
	policy_merge(&layer, &m->hosts);
	policy_merge(&layer, &s->overrides);
	if (policy_expand(&layer, env, d) != 0) {
		policy_free(&layer);
		policy_free(&acc);
		goto out;
	}
	policy_merge(&acc, &layer);
	policy_free(&layer);
	*out = acc;
	rc = 0;
out:
	strv_free(names, s->nrecipes);
	return rc;
}

void manifest_where_free(struct manifest_where *w)
{
	free(w->path);
	free(w->dir);
	free(w->name);
	*w = (struct manifest_where){ 0 };
}

int manifest_sandbox_policy(const char *start_dir, const char *name, const struct expand_env *env,
			    struct policy *out, struct manifest_where *where, struct diags *d)
{
	policy_init(out);
	if (where)
		*where = (struct manifest_where){ 0 };
	struct srcpos can = { srcfile_intern("can"), 0, 0 };
	char err[1024], *path;
	if (manifest_find(start_dir, getenv("HOME"), &path, err, sizeof(err)) != 0) {
		diags_add(d, can, "%s", err);
		return CAN_EXIT_USAGE;
	}
	struct manifest m;
	if (manifest_load_file(path, &m, d) != 0) {
		free(path);
		return CAN_EXIT_USAGE;
	}
	free(path);
	char *remembered = name ? NULL : manifest_recall(m.dir);
	const struct manifest_sandbox *s = manifest_choose(&m, name, remembered, err, sizeof(err));
	free(remembered);
	int rc = CAN_EXIT_USAGE;
	if (!s)
		diags_add(d, can, "%s", err);
	else
		rc = manifest_effective(&m, s, s->command ? s->command[0] : NULL, env, out, d);
	if (rc == 0 && where) {
		where->path = xstrdup(m.path);
		where->dir = xstrdup(m.dir);
		where->name = xstrdup(s->name);
	}
	manifest_free(&m);
	return rc;
}
