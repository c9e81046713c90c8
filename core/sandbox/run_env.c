/* The sandbox's environment (pure): built from scratch so that host secrets
 * (tokens, keys in the environment) never reach the command unless a recipe
 * names them in env_passthrough. */
#include "sandbox/run.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

static const char *host_get(char *const *env, const char *name)
{
	size_t n = strlen(name);
	for (; env && *env; env++)
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

struct envb {
	char **v;
	size_t n;
};

static void env_set(struct envb *e, const char *name, size_t nlen, const char *value)
{
	char *entry = xasprintf("%.*s=%s", (int)nlen, name, value);
	for (size_t i = 0; i < e->n; i++) {
		if (strncmp(e->v[i], name, nlen) == 0 && e->v[i][nlen] == '=') {
			free(e->v[i]);
			e->v[i] = entry;
			return;
		}
	}
	e->v = xrealloc(e->v, (e->n + 2) * sizeof(char *));
	e->v[e->n++] = entry;
	e->v[e->n] = NULL;
}

char **run_env_build(const struct policy *p, char *const *host_env)
{
	struct envb e = { xcalloc(1, sizeof(char *)), 0 };
	const char *v;
	env_set(&e, "PATH", 4, "/usr/local/bin:/usr/bin:/bin");
	env_set(&e, "HOME", 4, (v = host_get(host_env, "HOME")) ? v : "/");
	if ((v = host_get(host_env, "TERM")))
		env_set(&e, "TERM", 4, v);
	env_set(&e, "LANG", 4, (v = host_get(host_env, "LANG")) ? v : "C.UTF-8");
	if ((v = host_get(host_env, "USER")))
		env_set(&e, "USER", 4, v);
	if ((v = host_get(host_env, "LOGNAME")))
		env_set(&e, "LOGNAME", 7, v);

	for (size_t i = 0; i < p->proc.env_passthrough.n; i++) {
		const char *want = p->proc.env_passthrough.v[i].s;
		size_t wl = strlen(want);
		bool prefix = wl > 0 && want[wl - 1] == '*';
		for (char *const *h = host_env; h && *h; h++) {
			const char *eq = strchr(*h, '=');
			if (!eq || eq == *h)
				continue;
			size_t nl = (size_t)(eq - *h);
			bool hit = prefix ? (nl >= wl - 1 && strncmp(*h, want, wl - 1) == 0)
					  : (nl == wl && strncmp(*h, want, wl) == 0);
			if (hit)
				env_set(&e, *h, nl, eq + 1);
		}
	}
	for (size_t i = 0; i < p->proc.env.n; i++)
		env_set(&e, p->proc.env.v[i].name, strlen(p->proc.env.v[i].name),
			p->proc.env.v[i].value);
	return e.v;
}

void run_env_free(char **env)
{
	if (!env)
		return;
	for (char **p = env; *p; p++)
		free(*p);
	free(env);
}
