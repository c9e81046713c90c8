/* Variables in recipes: $HOME, $USER, $CWD and ${XDG_*}, expanded AFTER
 * merging (so a recipe written for "any user" stays one policy until the
 * moment it is used). An unknown variable is an error, never "".
 *
 * In paths, any other variable set in the environment can runs in may
 * begin the path ($GOPATH/pkg/mod, $CARGO_HOME/registry, $NVM_DIR): its
 * value is the user's, never the sandboxed code's, and it must be one
 * absolute folder (docs/adr/0164). Never in [process] env values, where it
 * would copy a host variable into the sandbox past env_passthrough. */
#include "lang/recipe_int.h"
#include "lang/schema.h"
#include "util/util.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const expand_var_names[] = {
	"HOME", "USER", "CWD", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME",
	"XDG_STATE_HOME", "XDG_RUNTIME_DIR", NULL,
};

/* The value of NAME, with XDG defaults from $HOME when unset.
 * Sets *known = false for names we do not expand. */
static const char *var_value(const char *name, const struct expand_env *e, bool *known,
			     char **tmp)
{
	*known = true;
	if (strcmp(name, "HOME") == 0)
		return e->home;
	if (strcmp(name, "USER") == 0)
		return e->user;
	if (strcmp(name, "CWD") == 0)
		return e->cwd;
	static const struct {
		const char *name;
		size_t off;
		const char *dflt; /* under $HOME */
	} xdg[] = {
		{ "XDG_CONFIG_HOME", offsetof(struct expand_env, xdg_config_home), ".config" },
		{ "XDG_CACHE_HOME", offsetof(struct expand_env, xdg_cache_home), ".cache" },
		{ "XDG_DATA_HOME", offsetof(struct expand_env, xdg_data_home), ".local/share" },
		{ "XDG_STATE_HOME", offsetof(struct expand_env, xdg_state_home), ".local/state" },
		{ "XDG_RUNTIME_DIR", offsetof(struct expand_env, xdg_runtime_dir), NULL },
	};
	for (size_t i = 0; i < ARRAY_LEN(xdg); i++) {
		if (strcmp(name, xdg[i].name) != 0)
			continue;
		const char *v = *(const char *const *)((const char *)e + xdg[i].off);
		if (v && v[0] == '/')
			return v;
		if (xdg[i].dflt && e->home) {
			*tmp = xasprintf("%s/%s", e->home, xdg[i].dflt);
			return *tmp;
		}
		if (!xdg[i].dflt) {
			*tmp = xasprintf("/run/user/%u", (unsigned)getuid());
			return *tmp;
		}
		return NULL;
	}
	*known = false;
	return NULL;
}

static void buf_add(char **b, size_t *n, size_t *cap, const char *s, size_t len)
{
	if (*n + len + 1 > *cap) {
		*cap = (*n + len + 1) * 2;
		*b = xrealloc(*b, *cap);
	}
	memcpy(*b + *n, s, len);
	*n += len;
	(*b)[*n] = '\0';
}

static bool is_name_char(char c, bool first)
{
	return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (!first && c >= '0' && c <= '9');
}

/* The value of host variable NAME in env->host_vars, or NULL. */
static const char *host_var(const struct expand_env *e, const char *name)
{
	size_t len = strlen(name);
	for (const char *const *v = e->host_vars; v && *v; v++)
		if (strncmp(*v, name, len) == 0 && (*v)[len] == '=')
			return *v + len + 1;
	return NULL;
}

/* A host variable's value as the start of a path: one absolute folder.
 * The value is never quoted in the message (it may be anything, a token
 * included). NULL when fine, else why not. */
static char *host_value_problem(const char *name, const char *v)
{
	if (!v[0])
		return xasprintf("variable $%s is set but empty (an empty prefix would make the "
				 "path start at /); set it to a folder, or write the path out", name);
	if (v[0] != '/')
		return xasprintf("variable $%s does not hold an absolute path (its value is not "
				 "shown); set it to an absolute folder, or write the path out", name);
	for (const char *c = v; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return xasprintf("variable $%s holds a control character", name);
	if (strchr(v, ':'))
		return xasprintf("variable $%s holds a list separated by ':'; a path takes one "
				 "folder: write it out", name);
	if (path_problem(v))
		return xasprintf("variable $%s holds a '..' component; write the path out", name);
	if (strspn(v, "/") == strlen(v))
		return xasprintf("variable $%s is '/', the whole file system; write the path out",
				 name);
	return NULL;
}

static char *expand_any(const char *s, const struct expand_env *env, bool path, char **err);

char *expand_string(const char *s, const struct expand_env *env, char **err)
{
	return expand_any(s, env, false, err);
}

char *expand_path(const char *s, const struct expand_env *env, char **err)
{
	return expand_any(s, env, true, err);
}

static char *expand_any(const char *s, const struct expand_env *env, bool path, char **err)
{
	char *b = NULL;
	size_t n = 0, cap = 0;
	*err = NULL;
	buf_add(&b, &n, &cap, "", 0);
	const char *p = s;
	if (p[0] == '~' && (p[1] == '/' || p[1] == '\0')) {
		if (env && !env->home) {
			*err = xstrdup("~ needs $HOME, which is not set");
			goto fail;
		}
		buf_add(&b, &n, &cap, env ? env->home : "/", env ? strlen(env->home) : 1);
		p++;
	}
	while (*p) {
		if (*p != '$') {
			const char *q = strchr(p, '$');
			size_t len = q ? (size_t)(q - p) : strlen(p);
			buf_add(&b, &n, &cap, p, len);
			p += len;
			continue;
		}
		p++;
		if (*p == '$') {
			buf_add(&b, &n, &cap, "$", 1);
			p++;
			continue;
		}
		bool braced = *p == '{';
		if (braced)
			p++;
		const char *start = p;
		while (is_name_char(*p, p == start))
			p++;
		char *name = xstrndup(start, (size_t)(p - start));
		if (braced && *p != '}') {
			*err = xasprintf("unterminated ${...} after '%s' (write $$ for a literal $)",
					 name);
			free(name);
			goto fail;
		}
		if (braced)
			p++;
		if (!name[0]) {
			*err = xstrdup("'$' without a variable name (write $$ for a literal $)");
			free(name);
			goto fail;
		}
		bool known = false;
		char *tmp = NULL;
		struct expand_env none = { 0 };
		const char *v = var_value(name, env ? env : &none, &known, &tmp);
		if (!known && path) {
			/* A variable of the user's environment (ADR 0164). */
			if (start != s + 1 + braced) {
				*err = xasprintf("$%s may only begin a path (a variable other than $HOME, "
						 "$USER, $CWD and ${XDG_*} is a prefix: $%s/...)", name,
						 name);
				free(name);
				goto fail;
			}
			if (!env) {
				buf_add(&b, &n, &cap, "/x", 2); /* checking names only */
				free(name);
				continue;
			}
			const char *hv = host_var(env, name);
			if (!hv) {
				const char *sug = did_you_mean(name, expand_var_names,
							       ARRAY_LEN(expand_var_names) - 1);
				if (sug)
					*err = xasprintf("variable $%s is not set; did you mean $%s?", name,
							 sug);
				else
					*err = xasprintf("variable $%s is not set (it is taken from the "
							 "environment can runs in: set it, or write the path "
							 "out)", name);
				free(name);
				goto fail;
			}
			*err = host_value_problem(name, hv);
			if (*err) {
				free(name);
				goto fail;
			}
			size_t hl = strlen(hv);
			while (hl > 1 && hv[hl - 1] == '/')
				hl--; /* $GOPATH/ + /pkg: one slash */
			buf_add(&b, &n, &cap, hv, hl);
			free(name);
			continue;
		}
		if (!known) {
			const char *sug = did_you_mean(name, expand_var_names,
						       ARRAY_LEN(expand_var_names) - 1);
			if (sug)
				*err = xasprintf("unknown variable $%s; did you mean $%s?", name, sug);
			else
				*err = xasprintf("unknown variable $%s (known: $HOME, $USER, $CWD, "
						 "${XDG_CONFIG_HOME}, ${XDG_CACHE_HOME}, ${XDG_DATA_HOME}, "
						 "${XDG_STATE_HOME}, ${XDG_RUNTIME_DIR})", name);
			free(name);
			goto fail;
		}
		if (env && !v) {
			*err = xasprintf("variable $%s is not set", name);
			free(name);
			goto fail;
		}
		if (env)
			buf_add(&b, &n, &cap, v, strlen(v));
		else
			buf_add(&b, &n, &cap, "/x", 2); /* checking names only */
		free(tmp);
		free(name);
	}
	return b;
fail:
	free(b);
	return NULL;
}

const char *path_problem(const char *s)
{
	if (s[0] != '/')
		return "is a relative path; paths must be absolute (start with /, ~/ or a variable "
		       "such as $HOME)";
	for (const char *p = s; (p = strstr(p, "..")) != NULL; p += 2)
		if (p[-1] == '/' && (p[2] == '/' || p[2] == '\0'))
			return "contains a '..' component; write the path without it";
	return NULL;
}

static int expand_list(struct plist *l, const struct field *f, const struct expand_env *env,
		       struct diags *d)
{
	int bad = 0;
	for (size_t i = 0; i < l->n; i++) {
		char *err = NULL;
		char *x = expand_path(l->v[i].s, env, &err);
		if (!x) {
			diags_add(d, l->v[i].at, "'%s' in [%s]: %s", f->key, f->section, err);
			free(err);
			bad = 1;
			continue;
		}
		const char *why = (f->flags & F_ABSOLUTE) ? path_problem(x) : NULL;
		if (why) {
			diags_add(d, l->v[i].at, "'%s' in [%s]: '%s' %s", f->key, f->section, x, why);
			bad = 1;
		}
		free(l->v[i].s);
		l->v[i].s = x;
	}
	/* Two spellings of one path ($HOME/x and ~/x) are one entry now. */
	size_t w = 0;
	for (size_t i = 0; i < l->n; i++) {
		bool dup = false;
		for (size_t j = 0; j < w && !dup; j++)
			dup = strcmp(l->v[j].s, l->v[i].s) == 0;
		if (dup)
			free(l->v[i].s);
		else
			l->v[w++] = l->v[i];
	}
	l->n = w;
	return bad;
}

int policy_expand(struct policy *p, const struct expand_env *env, struct diags *d)
{
	int bad = 0;
	for (size_t i = 0; i < schema_nfields; i++) {
		const struct field *f = &schema_fields[i];
		if (!(f->flags & F_VARS) || strcmp(f->section, "host") == 0)
			continue;
		void *v = schema_ptr(f, p);
		if (f->type == FT_PATHS) {
			bad |= expand_list(v, f, env, d);
		} else if (f->type == FT_ENV) {
			struct penv *e = v;
			for (size_t j = 0; j < e->n; j++) {
				char *err = NULL;
				char *x = expand_string(e->v[j].value, env, &err);
				if (!x) {
					diags_add(d, e->v[j].at, "env %s in [process]: %s", e->v[j].name,
						  err);
					free(err);
					bad = 1;
					continue;
				}
				free(e->v[j].value);
				e->v[j].value = x;
			}
		}
	}
	return bad ? CAN_EXIT_USAGE : 0;
}

void expand_env_from_process(struct expand_env *e)
{
	static char cwd[4096], runtime[64];
	memset(e, 0, sizeof(*e));
	struct passwd *pw = getpwuid(getuid());
	const char *home = getenv("HOME");
	e->home = home && home[0] == '/' ? home : pw ? pw->pw_dir : NULL;
	const char *user = getenv("USER");
	e->user = user && user[0] ? user : pw ? pw->pw_name : NULL;
	e->cwd = getcwd(cwd, sizeof(cwd)) ? cwd : NULL;
	e->xdg_config_home = getenv("XDG_CONFIG_HOME");
	e->xdg_cache_home = getenv("XDG_CACHE_HOME");
	e->xdg_data_home = getenv("XDG_DATA_HOME");
	e->xdg_state_home = getenv("XDG_STATE_HOME");
	e->xdg_runtime_dir = getenv("XDG_RUNTIME_DIR");
	extern char **environ;
	e->host_vars = (const char *const *)environ;
	if (!e->xdg_runtime_dir || e->xdg_runtime_dir[0] != '/') {
		snprintf(runtime, sizeof(runtime), "/run/user/%u", (unsigned)getuid());
		e->xdg_runtime_dir = runtime;
	}
}
