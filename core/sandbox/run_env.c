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

/* The names clients read to find a proxy. Set over whatever a recipe
 * said: in proxy-only mode there is no other way out, and a stale value
 * would only make a client fail. */
static const char *const proxy_vars[] = {
	"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy",
	"npm_config_proxy", "npm_config_https_proxy",
	"YARN_HTTP_PROXY", "YARN_HTTPS_PROXY",
	"PIP_PROXY", "CARGO_HTTP_PROXY",
};

char **run_env_add_proxy(char **env, int port)
{
	struct envb e = { env, 0 };
	while (e.v[e.n])
		e.n++;
	char *url = xasprintf("http://127.0.0.1:%d", port);
	for (size_t i = 0; i < ARRAY_LEN(proxy_vars); i++)
		env_set(&e, proxy_vars[i], strlen(proxy_vars[i]), url);
	free(url);
	/* The sandbox's own servers stay direct. */
	env_set(&e, "NO_PROXY", 8, "localhost,127.0.0.1,::1");
	env_set(&e, "no_proxy", 8, "localhost,127.0.0.1,::1");
	env_set(&e, "NODE_USE_ENV_PROXY", 18, "1");
	return e.v;
}

/* The names clients read for a CA bundle. Most read the system store
 * already (the bundle is bound over it); these cover the clients that
 * carry roots of their own (node, requests' certifi, cargo, deno) or that
 * a recipe may have pointed elsewhere. */
static const char *const ca_vars[] = {
	"SSL_CERT_FILE", "NODE_EXTRA_CA_CERTS", "REQUESTS_CA_BUNDLE", "PIP_CERT",
	"CURL_CA_BUNDLE", "GIT_SSL_CAINFO", "CARGO_HTTP_CAINFO", "DENO_CERT",
	"npm_config_cafile",
};

char **run_env_add_ca(char **env, const char *bundle)
{
	struct envb e = { env, 0 };
	while (e.v[e.n])
		e.n++;
	for (size_t i = 0; i < ARRAY_LEN(ca_vars); i++)
		env_set(&e, ca_vars[i], strlen(ca_vars[i]), bundle);
	return e.v;
}

char **run_env_set(char **env, const char *name, const char *value)
{
	struct envb e = { env, 0 };
	while (e.v[e.n])
		e.n++;
	env_set(&e, name, strlen(name), value);
	return e.v;
}
