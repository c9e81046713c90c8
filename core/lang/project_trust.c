/* What a project-local recipe (.canister/NAME.toml in the working directory)
 * may do. The project folder is untrusted: it came with the code the
 * sandbox is for, so a recipe found there is written by the same hand as
 * that code. It may confine the project's own tools and add paths inside
 * the project; it may not open anything the sandbox would otherwise keep
 * shut. A user who trusts it copies it into ~/.config/canister/recipes/.
 * Pure: checks a loaded, unexpanded recipe against the expansion values.
 * Decision and reasons: docs/adr/0162-project-local-recipes.md. */
#include "lang/recipe_int.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

#define WHY "a project's own recipe (.canister/) may not"
#define FIX "copy the file to ~/.config/canister/recipes/ to trust it"

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static void paths_inside(const struct plist *l, const char *key, const struct expand_env *env,
			 struct diags *d)
{
	for (size_t i = 0; i < l->n; i++) {
		char *err = NULL;
		char *x = expand_path(l->v[i].s, env, &err);
		if (!x) {
			free(err);
			continue; /* the expansion reports it */
		}
		if (!env->cwd || !under(x, env->cwd))
			diags_add(d, l->v[i].at, "'%s': %s name '%s', outside the project (%s); %s",
				  key, WHY, x, env->cwd ? env->cwd : "?", FIX);
		free(x);
	}
}

static void none(bool present, struct srcpos at, const char *what, struct diags *d)
{
	if (present)
		diags_add(d, at, "%s %s; %s", WHY, what, FIX);
}

void recipe_project_check(const struct policy *p, const struct expand_env *env, struct diags *d)
{
	paths_inside(&p->fs.allow, "allow", env, d);
	paths_inside(&p->fs.allow_write, "allow_write", env, d);
	paths_inside(&p->proc.allow_execve, "allow_execve", env, d);
	none(p->net.egress.set && strcmp(p->net.egress.v, "none") != 0, p->net.egress.at,
	     "open the network (egress)", d);
	none(p->nhosts > 0, p->nhosts ? p->hosts[0].at : (struct srcpos){ 0 },
	     "add [[host]] destinations", d);
	none(p->net.allow_ips.n > 0, p->net.allow_ips.n ? p->net.allow_ips.v[0].at
							: (struct srcpos){ 0 },
	     "allow IP addresses", d);
	none(p->net.allow_host_loopback.set && p->net.allow_host_loopback.v,
	     p->net.allow_host_loopback.at, "reach the host's loopback", d);
	none(p->net.nports > 0, p->net.nports ? p->net.ports[0].at : (struct srcpos){ 0 },
	     "forward ports", d);
	none(p->proc.env_passthrough.n > 0,
	     p->proc.env_passthrough.n ? p->proc.env_passthrough.v[0].at : (struct srcpos){ 0 },
	     "pass host environment variables in (env_passthrough)", d);
	none(p->sys.allow_extra.n > 0,
	     p->sys.allow_extra.n ? p->sys.allow_extra.v[0].at : (struct srcpos){ 0 },
	     "allow extra system calls", d);
}
