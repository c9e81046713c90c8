/* See layers.h. What a declaration's hash covers (docs/adr/0212): the
 * .envrc bytes, then for each recipe in order its name and its file's
 * bytes (a built-in's compiled text). The baseline recipes (base,
 * default) are part of can itself and not hashed. The bytes are read again
 * after the policy is loaded; a declaration that changed meanwhile is
 * invalid until declared again, so the rules compiled are the ones hashed. */
#include "shell/layers.h"
#include "shell/ll_ruleset.h"
#include "shell/approvals.h"
#include "shell/envrc.h"
#include "lang/recipe.h"
#include "lang/manifest.h"
#include "lang/recipe_int.h" /* resolving names to the files that get hashed */
#include "notify/notify.h"
#include "util/sha256.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define ENVRC_MAX (1 << 20)

struct layer {
	char *dir;
	enum layer_state state;
	char *recipes;                /* declared, comma-separated */
	char *reason;                 /* why pending or invalid, or NULL */
	char hex[65];                 /* current declaration's hash ("" when invalid) */
	struct notify_rules *cand;    /* compiled from the current declaration */
	struct notify_rules *rules;   /* in force for the layer's processes (last approved) */
	bool in_force;                /* new processes enter it */
	/* Landlock-at-exec (docs/adr/0250): the candidate's ruleset (-1 when
	 * Landlock cannot say what the layer says, why in *_why), and the one
	 * in force. Never closed while the supervisor runs (workers arm with
	 * them): replaced ones are kept in old_fds. */
	int cand_ll, ll;
	char cand_ll_why[300], ll_why[300];
};

struct chain {
	layer_mask mask;
	unsigned gen;
	bool kernel;                  /* reads_in_kernel set on every node */
	struct notify_rules *nodes;   /* shallow copies, linked by also */
};

struct layers {
	pthread_mutex_t lock;         /* everything below, for the workers */
	struct layer v[LAYERS_MAX];
	size_t n;
	_Atomic layer_mask in_force;
	unsigned gen;                 /* bumped whenever a layer's rules change */
	struct chain *chains;
	size_t nchains, capchains;
	/* Chains and rules replaced while workers may still use them: kept
	 * until layers_free (after the engine has stopped). */
	void **old;
	size_t nold;
	int *old_fds;
	size_t nold_fds;
	int ll_abi;                   /* Landlock ABI for the rulesets; < 0: build none */
	/* Test only (CANISTER_TEST_LL_NO_EMULATION, test/session_ll.sh): a
	 * landlocked process's chain restricts no filesystem access at all,
	 * so what is still refused is refused by its Landlock domain. */
	bool test_no_emulation;
	struct notify_rules **oldrules;
	size_t noldrules;
	char rundir[PATH_MAX], apdir[PATH_MAX], apfile[PATH_MAX];
	void (*on_proxy)(void *ctx);  /* layers_set_on_proxy */
	void *on_proxy_ctx;
};

void layers_set_on_proxy(struct layers *L, void (*fn)(void *ctx), void *ctx)
{
	L->on_proxy = fn;
	L->on_proxy_ctx = ctx;
}

static void keep_old(struct layers *L, void *p)
{
	if (!p)
		return;
	L->old = xrealloc(L->old, (L->nold + 1) * sizeof(*L->old));
	L->old[L->nold++] = p;
}

static void rules_keep_old(struct layers *L, struct notify_rules *r)
{
	if (!r)
		return;
	L->oldrules = xrealloc(L->oldrules, (L->noldrules + 1) * sizeof(*L->oldrules));
	L->oldrules[L->noldrules++] = r;
}

struct layers *layers_new(const char *rundir)
{
	struct layers *L = xcalloc(1, sizeof(*L));
	pthread_mutex_init(&L->lock, NULL);
	L->ll_abi = -1;
	snprintf(L->rundir, sizeof(L->rundir), "%s", rundir);
	if (approvals_dir(L->apdir, sizeof(L->apdir)) < 0 ||
	    approvals_file(L->apfile, sizeof(L->apfile)) < 0) {
		L->apdir[0] = L->apfile[0] = '\0';
	}
	return L;
}

static void free_rules(struct notify_rules *r)
{
	if (!r)
		return;
	if (r->egress_policy) {
		struct policy *p = (struct policy *)r->egress_policy;
		policy_free(p);
		free(p);
	}
	notify_rules_free(r);
	free(r);
}

static bool proxy_only(const struct policy *p)
{
	return p->net.egress.set && p->net.egress.v && strcmp(p->net.egress.v, "proxy-only") == 0;
}

/* The policy of a proxy-only layer stays with its rules (the session
 * proxy holds the layer's clients to it, docs/adr/0261): moved there, so
 * it lives as long as they do (until layers_free). Others are freed. */
static void keep_policy(struct notify_rules *r, struct policy *p)
{
	if (r && r->session_proxy) {
		struct policy *keep = xmalloc(sizeof(*keep));
		*keep = *p;
		r->egress_policy = keep;
		return;
	}
	policy_free(p);
}

void layers_free(struct layers *L)
{
	if (!L)
		return;
	for (size_t i = 0; i < L->n; i++) {
		struct layer *l = &L->v[i];
		free(l->dir);
		free(l->recipes);
		free(l->reason);
		if (l->cand != l->rules)
			free_rules(l->cand);
		free_rules(l->rules);
		if (l->cand_ll >= 0 && l->cand_ll != l->ll)
			close(l->cand_ll);
		if (l->ll >= 0)
			close(l->ll);
	}
	for (size_t i = 0; i < L->nold_fds; i++)
		close(L->old_fds[i]);
	free(L->old_fds);
	for (size_t i = 0; i < L->nchains; i++)
		free(L->chains[i].nodes);
	free(L->chains);
	for (size_t i = 0; i < L->nold; i++)
		free(L->old[i]);
	free(L->old);
	for (size_t i = 0; i < L->noldrules; i++)
		free_rules(L->oldrules[i]);
	free(L->oldrules);
	pthread_mutex_destroy(&L->lock);
	free(L);
}

int layers_find(struct layers *L, const char *dir)
{
	for (size_t i = 0; i < L->n; i++)
		if (strcmp(L->v[i].dir, dir) == 0)
			return (int)i;
	return -1;
}

/* Reads a whole file (at most ENVRC_MAX). NULL with errno. */
static char *slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return NULL;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	size_t cap = 4096, n = 0;
	char *buf = xmalloc(cap + 1);
	for (;;) {
		if (n == cap) {
			if (cap >= ENVRC_MAX) {
				free(buf);
				close(fd);
				errno = EFBIG;
				return NULL;
			}
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(buf);
			close(fd);
			errno = e;
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Hashes one recipe argument (run with the layer's dir as cwd). */
static void hash_recipe(struct sha256 *h, const char *arg)
{
	sha256_update(h, arg, strlen(arg) + 1);
	struct recipe_arg ra;
	char err[256];
	if (recipe_arg_parse(arg, &ra, err, sizeof(err)) < 0)
		return;
	if (ra.kind == RARG_PATH) {
		size_t n;
		char *b = slurp(ra.name, &n);
		if (b)
			sha256_update(h, b, n);
		free(b);
		return;
	}
	struct recipe_ref ref;
	const char *const *targets = NULL;
	if (recipe_find_tool(ra.name, ra.tool, &ref) < 0) {
		targets = recipe_alias_targets(ra.name);
		for (size_t i = 0; targets && targets[i]; i++)
			hash_recipe(h, targets[i]);
		return;
	}
	if (ref.builtin) {
		sha256_update(h, ref.builtin->text, ref.builtin->len);
	} else if (ref.path) {
		size_t n;
		char *b = slurp(ref.path, &n);
		if (b)
			sha256_update(h, b, n);
		free(b);
	}
	recipe_ref_free(&ref);
}

static void declaration_hash(const char *envrc, size_t len, char *const *names, size_t n, char hex[65])
{
	struct sha256 h;
	sha256_init(&h);
	sha256_update(&h, envrc, len);
	for (size_t i = 0; i < n; i++)
		hash_recipe(&h, names[i]);
	unsigned char out[32];
	sha256_final(&h, out);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", out[i]);
}

/* A diagnostic as `file:line:col: msg` (the position when known). */
static void diag_text(const struct diags *d, const char *fallback, char *out, size_t outlen)
{
	if (!d->n) {
		snprintf(out, outlen, "%s", fallback);
		return;
	}
	const struct diag *g = &d->v[0];
	if (g->at.file && g->at.line > 0)
		snprintf(out, outlen, "%s:%d:%d: %s", g->at.file, g->at.line, g->at.col, g->msg);
	else
		snprintf(out, outlen, "%s", g->msg);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The hash of a `use canister NAME` declaration (docs/adr/0184): the
 * .envrc bytes, the nearest canister.toml's path and bytes, every
 * project recipe file (the .toml files of .canister, by name), then each recipe the
 * sandbox names as hash_recipe hashes it (paths relative to the
 * manifest's folder). Run with the layer's dir as cwd. Returns false
 * when no manifest is found (hex still covers the .envrc). */
static bool manifest_hash(const char *envrc, size_t len, const char *name, char hex[65])
{
	struct sha256 h;
	sha256_init(&h);
	sha256_update(&h, envrc, len);
	sha256_update(&h, "manifest", 9);
	sha256_update(&h, name, strlen(name) + 1);
	char *path = NULL, err[512];
	bool found = manifest_find(".", getenv("HOME"), &path, err, sizeof(err)) == 0;
	if (found) {
		sha256_update(&h, path, strlen(path) + 1);
		size_t n = 0;
		char *b = slurp(path, &n);
		if (b)
			sha256_update(&h, b, n);
		free(b);
		char *dir = xstrdup(path);
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		else
			snprintf(dir, strlen(dir) + 1, ".");
		char *cdir = xasprintf("%s/.canister", dir);
		DIR *dp = opendir(cdir);
		char **names = NULL;
		size_t nn = 0;
		for (struct dirent *e; dp && (e = readdir(dp));) {
			size_t l = strlen(e->d_name);
			if (l > 5 && strcmp(e->d_name + l - 5, ".toml") == 0)
				strv_push(&names, &nn, xstrdup(e->d_name));
		}
		if (dp)
			closedir(dp);
		if (nn)
			qsort(names, nn, sizeof(*names), cmp_str);
		for (size_t i = 0; i < nn; i++) {
			char *f = xasprintf("%s/%s", cdir, names[i]);
			sha256_update(&h, names[i], strlen(names[i]) + 1);
			b = slurp(f, &n);
			if (b)
				sha256_update(&h, b, n);
			free(b);
			free(f);
		}
		strv_free(names, nn);
		free(cdir);
		struct manifest m;
		struct diags d = { 0 };
		if (manifest_load_file(path, &m, &d) == 0) {
			const struct manifest_sandbox *s = NULL;
			for (size_t i = 0; i < m.n; i++)
				if (strcmp(m.sb[i].name, name) == 0)
					s = &m.sb[i];
			for (size_t i = 0; s && i < s->nrecipes; i++) {
				const char *r = s->recipes[i].s;
				char *arg = strchr(r, '/') && r[0] != '/' ? xasprintf("%s/%s", dir, r)
				                                          : xstrdup(r);
				hash_recipe(&h, arg);
				free(arg);
			}
			manifest_free(&m);
		}
		diags_free(&d);
		free(dir);
		free(path);
	}
	unsigned char out[32];
	sha256_final(&h, out);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", out[i]);
	return found;
}

/* direnv's library folder and its allow list's folder (both NULL when
 * HOME is not absolute). */
static bool direnv_dirs(char **cfg, char **data)
{
	const char *home = getenv("HOME"), *xc = getenv("XDG_CONFIG_HOME"),
		   *xd = getenv("XDG_DATA_HOME");
	*cfg = *data = NULL;
	if (!home || home[0] != '/')
		return false;
	*cfg = xc && xc[0] == '/' ? xasprintf("%s/direnv", xc) : xasprintf("%s/.config/direnv", home);
	*data = xd && xd[0] == '/' ? xasprintf("%s/direnv", xd)
				   : xasprintf("%s/.local/share/direnv", home);
	return true;
}

/* The rules of a layer: its merged policy, compiled, plus what every layer
 * gets: its own dir writable, /tmp and /dev writable, /proc readable, and
 * the session's own files refused (rundir, approvals), the network
 * restricted (egress "none" until the session proxy exists). */
static struct notify_rules *compile_layer(struct layers *L, const struct policy *p, const char *dir,
                                          char *err, size_t errlen)
{
	struct notify_rules *r = xcalloc(1, sizeof(*r));
	struct diags d = { 0 };
	if (notify_rules_compile(r, p, &d) < 0) {
		snprintf(err, errlen, "%s", d.n ? d.v[0].msg : "the policy does not compile");
		diags_free(&d);
		free_rules(r);
		return NULL;
	}
	diags_free(&d);
	/* A recipe's allow_write of /tmp (right for can run, where /tmp is
	 * the sandbox's own) or of a folder above it would here reach the
	 * user's tmux, X11 and ssh-agent sockets in the machine's /tmp: such
	 * a rule grants files, not connects. A socket named deeper (an
	 * agent's path) stays reachable. */
	for (size_t i = 0; i < r->nallow; i++)
		if (notify_path_covers(r->allow[i].path, "/tmp"))
			r->allow[i].access |= NOTIFY_NO_CONNECT;
	struct srcpos none = { 0 };
	unsigned rw = NOTIFY_READ | NOTIFY_WRITE | NOTIFY_EXEC;
	notify_rules_add_path(r, "allow", dir, rw, "session layer (its directory)", none);
	/* Files of the project that make code run later outside the layer
	 * (git runs hooks and core.fsmonitor for whoever runs git; can up
	 * reads canister.toml): never written from inside, as in can run
	 * (mount_plan.c binds them read-only). .envrc stays writable: direnv
	 * blocks a changed one until `direnv allow`, and this layer keeps its
	 * approved policy until `can allow`. */
	static const char *const later[] = { "canister.toml", ".canister", ".git/config",
	                                     ".git/hooks", ".git/modules" };
	for (size_t i = 0; i < ARRAY_LEN(later); i++) {
		char *lp = xasprintf("%s/%s", dir, later[i]);
		notify_rules_add_path(r, "deny", lp, NOTIFY_WRITE | NOTIFY_EXEC,
		                      "session layer (runs code outside the layer later)", none);
		free(lp);
	}
	/* A linked worktree's .git is a file naming the git folder: pointed
	 * elsewhere, it would give the user's next git a planted config. */
	char *gp = xasprintf("%s/.git", dir);
	struct stat gst;
	if (lstat(gp, &gst) == 0 && !S_ISDIR(gst.st_mode))
		notify_rules_add_path(r, "deny", gp, NOTIFY_WRITE | NOTIFY_EXEC,
		                      "session layer (runs code outside the layer later)", none);
	free(gp);
	/* direnv runs at every prompt, inside a layer too: its library
	 * (use_canister) and its allow list are read, never written. */
	char *cfg, *data;
	if (direnv_dirs(&cfg, &data)) {
		notify_rules_add_path(r, "allow", cfg, NOTIFY_READ, "session layer (direnv)", none);
		notify_rules_add_path(r, "allow", data, NOTIFY_READ, "session layer (direnv)", none);
		/* Its library runs in every shell, its allow list says which
		 * .envrc may: neither is written from a layer, whatever the
		 * layer's recipes grant. */
		notify_rules_add_path(r, "deny", cfg, NOTIFY_WRITE | NOTIFY_EXEC,
		                      "session layer (direnv's library runs outside layers)", none);
		notify_rules_add_path(r, "deny", data, NOTIFY_WRITE | NOTIFY_EXEC,
		                      "session layer (direnv's allow list)", none);
		free(cfg);
		free(data);
	}
	/* /tmp is the machine's: files yes, but not the user's tmux, X11
	 * or ssh-agent sockets there (a tmux send-keys would be an escape). */
	notify_rules_add_path(r, "allow", "/tmp", rw | NOTIFY_NO_CONNECT,
	                      "session layer (/tmp is shared)", none);
	notify_rules_add_path(r, "allow", "/dev", NOTIFY_READ | NOTIFY_WRITE | NOTIFY_NO_CONNECT,
	                      "session layer", none);
	notify_rules_add_path(r, "allow", "/proc", NOTIFY_READ, "session layer", none);
	/* The state file stays readable (can status in a prompt run inside
	 * a layer); nothing in the folder is writable: no hint, no request
	 * on the control socket (connect needs write), no planted file. */
	notify_rules_add_path(r, "allow", L->rundir, NOTIFY_READ, "session (its state file)", none);
	notify_rules_add_path(r, "deny", L->rundir, NOTIFY_WRITE | NOTIFY_EXEC,
	                      "session (its runtime directory)", none);
	if (L->apdir[0])
		notify_rules_add_path(r, "deny", L->apdir, 0, "session (approvals)", none);
	r->restrict_fs = true;
	r->proc_own_only = true; /* /proc/<shell>/mem would be the shell's memory */
	r->open_dirs = true;      /* a shell opens the folder it cd's to (fish) */
	/* egress = "proxy-only": the session proxy (docs/adr/0261) and the
	 * allow_ips destinations; anything else ("direct" too: no network
	 * namespace here to give one) is "none": allow_ips only. */
	r->restrict_net = true;
	r->session_proxy = proxy_only(p);
	r->allow_abstract_unix = false;
	/* Loopback here is the host's: its services stay unreachable unless
	 * allow_ips names them (ADR 0125). */
	r->own_loopback = notify_loopback_is_own(NOTIFY_NETNS_SESSION);
	return r;
}

/* The layer's Landlock ruleset for Landlock-at-exec (docs/adr/0250), or
 * -1 with why. What Landlock decides for a landlocked process is only
 * reading (writes, path changes, exec and the network stay emulated:
 * notify_rules.reads_in_kernel), so what must be expressible is what
 * compile_layer makes of reading: the policy, the layer's dir and /tmp
 * readable, and the approvals folder unreadable. The session's write-only
 * denies inside the dir (.git/hooks, ...) and in rundir stay the engine's. */
static int layer_ruleset(struct layers *L, struct policy *p, const char *dir, char *why, size_t size)
{
	if (L->ll_abi < 0) {
		snprintf(why, size, "Landlock-at-exec is off");
		return -1;
	}
	const char *const writable[] = { dir, "/tmp", L->rundir };
	if (L->apdir[0])
		plist_add(&p->fs.deny, L->apdir, (struct srcpos){ 0 });
	/* direnv, exec'd in the project, reads its library and allow list
	 * (compile_layer allows them; its writes stay the engine's). */
	char *cfg, *data;
	if (direnv_dirs(&cfg, &data)) {
		plist_add(&p->fs.allow, cfg, (struct srcpos){ 0 });
		plist_add(&p->fs.allow, data, (struct srcpos){ 0 });
		free(cfg);
		free(data);
	}
	const char *w = NULL;
	if (!ll_layer_expressible(p, writable, ARRAY_LEN(writable), &w)) {
		snprintf(why, size, "%s", w ? w : "Landlock cannot express the layer");
		return -1;
	}
	int fd = ll_ruleset_build(p, writable, ARRAY_LEN(writable), L->ll_abi, why, size);
	if (fd >= 0)
		why[0] = '\0';
	return fd;
}

static void set_reason(struct layer *l, enum layer_state st, const char *why)
{
	l->state = st;
	free(l->reason);
	l->reason = why ? xstrdup(why) : NULL;
}

static void bump(struct layers *L)
{
	L->gen++;
	for (size_t i = 0; i < L->nchains; i++)
		keep_old(L, L->chains[i].nodes);
	L->nchains = 0;
}

static void update_in_force(struct layers *L)
{
	layer_mask m = 0;
	for (size_t i = 0; i < L->n; i++)
		if (L->v[i].in_force && L->v[i].rules)
			m |= (layer_mask)1 << i;
	atomic_store(&L->in_force, m);
}

static bool approved(struct layers *L, const char *hex, const char *dir)
{
	if (!L->apfile[0] || !hex[0])
		return false;
	size_t n;
	char *t = slurp(L->apfile, &n);
	bool ok = t && approvals_has(t, n, hex, dir);
	free(t);
	return ok;
}

/* Puts the layer's current candidate in force (lock held). */
static void enforce(struct layers *L, struct layer *l)
{
	if (l->rules != l->cand) {
		rules_keep_old(L, l->rules);
		l->rules = l->cand;
	}
	if (l->ll != l->cand_ll) {
		if (l->ll >= 0) {
			L->old_fds = xrealloc(L->old_fds, (L->nold_fds + 1) * sizeof(*L->old_fds));
			L->old_fds[L->nold_fds++] = l->ll;
		}
		l->ll = l->cand_ll;
	}
	snprintf(l->ll_why, sizeof(l->ll_why), "%s", l->cand_ll_why);
	/* The session proxy runs before the first proxy-only layer's first
	 * process can connect to it. */
	if (l->rules && l->rules->session_proxy && L->on_proxy)
		L->on_proxy(L->on_proxy_ctx);
	l->in_force = true;
	set_reason(l, LAYER_ACTIVE, NULL);
	bump(L);
	update_in_force(L);
}

/* How a declaration's policy is hashed and loaded: the sandbox NAME of the
 * nearest canister.toml, or a list of recipes. Both run in the layer's
 * directory (names, paths and project recipes are relative to it). */
struct decl_kind {
	void (*hash)(const char *envrc, size_t len, const struct envrc_decl *decl, char hex[65]);
	/* 0 with *p loaded, else why (p untouched). */
	int (*load)(const char *dir, const struct envrc_decl *decl, struct policy *p, char *why, size_t size);
};

static void sandbox_hash(const char *envrc, size_t len, const struct envrc_decl *decl, char hex[65])
{
	manifest_hash(envrc, len, decl->sandbox, hex);
}

static int sandbox_load(const char *dir, const struct envrc_decl *decl, struct policy *p, char *why,
                        size_t size)
{
	struct expand_env env;
	expand_env_from_process(&env);
	env.cwd = dir;
	struct diags d = { 0 };
	struct manifest_where where;
	int rc = manifest_sandbox_policy(dir, decl->sandbox, &env, p, &where, &d);
	if (rc != 0) {
		char m[360];
		diag_text(&d, "the manifest does not load", m, sizeof(m));
		snprintf(why, size, "use canister %s: %s", decl->sandbox, m);
	} else {
		manifest_where_free(&where);
	}
	diags_free(&d);
	return rc != 0 ? -1 : 0;
}

static void recipes_hash(const char *envrc, size_t len, const struct envrc_decl *decl, char hex[65])
{
	declaration_hash(envrc, len, decl->recipes, decl->nrecipes, hex);
}

static int recipes_load(const char *dir, const struct envrc_decl *decl, struct policy *p, char *why,
                        size_t size)
{
	(void)dir;
	struct expand_env env;
	expand_env_from_process(&env);
	struct diags d = { 0 };
	int rc = recipe_load_effective((const char *const *)decl->recipes, decl->nrecipes, NULL, &env, p, &d);
	if (rc != 0)
		snprintf(why, size, "%s", d.n ? d.v[0].msg : "the recipes do not load");
	diags_free(&d);
	return rc != 0 ? -1 : 0;
}

static const struct decl_kind sandbox_kind = { sandbox_hash, sandbox_load };
static const struct decl_kind recipes_kind = { recipes_hash, recipes_load };

/* The candidate rules of a declaration (text, len: the .envrc as read):
 * in dir, hash and load it the kind's way, compile the rules and the
 * Landlock ruleset, then read .envrc again: if it changed meanwhile the
 * candidate is dropped (its hash would not name what was compiled). */
static void build_candidate(struct layers *L, const char *dir, const char *text, size_t len,
                            const struct envrc_decl *decl, const struct decl_kind *k,
                            struct notify_rules **cand, int *cand_ll, char hex[65], char *why,
                            size_t whylen, char *ll_why, size_t ll_whylen)
{
	int here = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (here < 0 || chdir(dir) < 0) {
		snprintf(why, whylen, "cannot enter %s: %s", dir, strerror(errno));
	} else {
		k->hash(text, len, decl, hex);
		struct policy p;
		if (k->load(dir, decl, &p, why, whylen) == 0) {
			*cand = compile_layer(L, &p, dir, why, whylen);
			if (*cand)
				*cand_ll = layer_ruleset(L, &p, dir, ll_why, ll_whylen);
			keep_policy(*cand, &p);
		}
		size_t len2 = 0;
		char *again = slurp(".envrc", &len2);
		char hex2[65] = "";
		if (again)
			k->hash(again, len2, decl, hex2);
		if (*cand && (!again || len2 != len || memcmp(again, text, len) != 0 || strcmp(hex, hex2) != 0)) {
			snprintf(why, whylen, "the declaration changed while it was read; declare it again");
			free_rules(*cand);
			*cand = NULL;
			if (*cand_ll >= 0)
				close(*cand_ll);
			*cand_ll = -1;
		}
		free(again);
	}
	if (here >= 0) {
		if (fchdir(here) < 0)
			can_warn_errno("session: return to the supervisor's directory");
		close(here);
	}
}

int layers_declare(struct layers *L, const char *dir, char *err, size_t errlen)
{
	char envrc[PATH_MAX + 8];
	snprintf(envrc, sizeof(envrc), "%s/.envrc", dir);
	size_t len = 0;
	char *text = slurp(envrc, &len);
	struct envrc_decl decl = { 0 };
	if (text)
		envrc_parse(text, len, &decl);
	int idx = layers_find(L, dir);
	if (!text || !decl.declared) {
		const char *why = !text ? "no readable .envrc" : "no `use canister` line in .envrc";
		if (idx >= 0) {
			pthread_mutex_lock(&L->lock);
			struct layer *l = &L->v[idx];
			l->hex[0] = '\0';
			set_reason(l, l->rules && l->in_force ? LAYER_PENDING : LAYER_INVALID, why);
			pthread_mutex_unlock(&L->lock);
		}
		free(text);
		envrc_decl_free(&decl);
		if (idx < 0) {
			snprintf(err, errlen, "%s: %s", dir, why);
			return -1;
		}
		return 0;
	}
	if (idx < 0) {
		if (L->n >= LAYERS_MAX) {
			snprintf(err, errlen, "a session holds at most %d layers", LAYERS_MAX);
			free(text);
			envrc_decl_free(&decl);
			return -1;
		}
		pthread_mutex_lock(&L->lock);
		idx = (int)L->n;
		L->v[idx] = (struct layer){ .dir = xstrdup(dir), .state = LAYER_PENDING, .cand_ll = -1,
		                            .ll = -1 };
		snprintf(L->v[idx].ll_why, sizeof(L->v[idx].ll_why), "not approved");
		L->n++;
		pthread_mutex_unlock(&L->lock);
	}
	struct layer *l = &L->v[idx];
	/* The recipes as declared, for the state file. */
	char *list = decl.sandbox ? xasprintf("canister.toml:%s", decl.sandbox) : xstrdup("");
	for (size_t i = 0; i < decl.nrecipes; i++) {
		char *t = xasprintf("%s%s%s", list, i ? "," : "", decl.recipes[i]);
		free(list);
		list = t;
	}
	char why[400] = "";
	struct notify_rules *cand = NULL;
	char hex[65] = "";
	int cand_ll = -1;
	char ll_why[300] = "Landlock-at-exec is off";
	if (decl.invalid) {
		snprintf(why, sizeof(why), "%s", decl.reason);
	} else if (decl.sandbox && decl.nrecipes) {
		snprintf(why, sizeof(why), ".envrc: use canister %s with -r: a layer is either a "
		         "sandbox of canister.toml or a list of recipes; add the recipes to the "
		         "sandbox's 'recipes' instead", decl.sandbox);
	} else {
		build_candidate(L, dir, text, len, &decl, decl.sandbox ? &sandbox_kind : &recipes_kind,
		                &cand, &cand_ll, hex, why, sizeof(why), ll_why, sizeof(ll_why));
	}
	pthread_mutex_lock(&L->lock);
	free(l->recipes);
	l->recipes = list;
	if (l->cand && l->cand != l->rules)
		free_rules(l->cand);
	l->cand = cand;
	if (l->cand_ll >= 0 && l->cand_ll != l->ll)
		close(l->cand_ll);
	l->cand_ll = cand_ll;
	snprintf(l->cand_ll_why, sizeof(l->cand_ll_why), "%s", ll_why);
	snprintf(l->hex, sizeof(l->hex), "%s", cand ? hex : "");
	if (!cand)
		set_reason(l, LAYER_INVALID, why);
	else if (approved(L, l->hex, l->dir))
		enforce(L, l);
	else
		set_reason(l, LAYER_PENDING, l->rules && l->in_force
		                                     ? "changed since it was approved: run `can allow` "
		                                       "from outside the project"
		                                     : "not approved: run `can allow DIR` from outside "
		                                       "the project");
	pthread_mutex_unlock(&L->lock);
	free(text);
	envrc_decl_free(&decl);
	return 0;
}

static void declare_approved(const char *dir, void *ctx)
{
	struct layers *L = ctx;
	char err[PATH_MAX + 100];
	if (layers_find(L, dir) < 0)
		layers_declare(L, dir, err, sizeof(err));
}

void layers_load_approved(struct layers *L)
{
	/* An approved project is a layer from the start of a session, so
	 * `cd proj && cmd` on the first line is confined before any hint
	 * (direnv declares only at the next prompt). */
	size_t n = 0;
	char *t = L->apfile[0] ? slurp(L->apfile, &n) : NULL;
	if (t)
		approvals_each_dir(t, n, declare_approved, L);
	free(t);
}

void layers_redeclare_all(struct layers *L)
{
	char err[PATH_MAX + 100];
	for (size_t i = 0; i < L->n; i++) {
		char *dir = xstrdup(L->v[i].dir);
		layers_declare(L, dir, err, sizeof(err));
		free(dir);
	}
	/* ... and what another terminal approved meanwhile. */
	layers_load_approved(L);
}

static int write_approvals(struct layers *L, const char *hex, const char *dir, char *err, size_t errlen)
{
	if (!L->apfile[0]) {
		snprintf(err, errlen, "no place for approvals (HOME and XDG_STATE_HOME are unset)");
		return -1;
	}
	char parent[PATH_MAX];
	snprintf(parent, sizeof(parent), "%s", L->apdir);
	/* $HOME/.local/state/canister: make the missing folders, 0700. */
	for (char *p = parent + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(parent, 0700);
			*p = '/';
		}
	if (mkdir(parent, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "create %s: %s", parent, strerror(errno));
		return -1;
	}
	/* Two sessions (two terminals) may approve at once: the read, change
	 * and rename happen under a lock, or one approval would be lost. */
	char lockpath[PATH_MAX + 8];
	snprintf(lockpath, sizeof(lockpath), "%s/.lock", L->apdir);
	int lk = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (lk < 0 || flock(lk, LOCK_EX) < 0) {
		snprintf(err, errlen, "lock %s: %s", lockpath, strerror(errno));
		if (lk >= 0)
			close(lk);
		return -1;
	}
	size_t n = 0;
	char *t = slurp(L->apfile, &n);
	char *out = approvals_set(t ? t : "", t ? n : 0, hex, dir);
	free(t);
	int rc = 0;
	if (!out || write_file_atomic(L->apfile, out, strlen(out), 0600) < 0) {
		snprintf(err, errlen, "write %s: %s", L->apfile, strerror(errno));
		rc = -1;
	}
	free(out);
	close(lk);
	return rc;
}

int layers_allow(struct layers *L, const char *dir, char *err, size_t errlen)
{
	if (layers_declare(L, dir, err, errlen) < 0)
		return -1;
	int idx = layers_find(L, dir);
	if (idx < 0) {
		snprintf(err, errlen, "%s: no layer declared there", dir);
		return -1;
	}
	struct layer *l = &L->v[idx];
	if (!l->cand) {
		snprintf(err, errlen, "%s: the declaration is invalid: %s", dir,
		         l->reason ? l->reason : "unknown reason");
		return -1;
	}
	if (write_approvals(L, l->hex, l->dir, err, errlen) < 0)
		return -1;
	pthread_mutex_lock(&L->lock);
	enforce(L, l);
	pthread_mutex_unlock(&L->lock);
	return 0;
}

int layers_forget(struct layers *L, const char *dir, char *err, size_t errlen)
{
	if (write_approvals(L, NULL, dir, err, errlen) < 0)
		return -1;
	int idx = layers_find(L, dir);
	if (idx < 0)
		return 0;
	pthread_mutex_lock(&L->lock);
	struct layer *l = &L->v[idx];
	l->in_force = false;
	set_reason(l, l->cand ? LAYER_PENDING : LAYER_INVALID,
	           "approval dropped (`can forget`); processes already in it keep its rules");
	update_in_force(L);
	pthread_mutex_unlock(&L->lock);
	return 0;
}

layer_mask layers_in_force(struct layers *L)
{
	return atomic_load(&L->in_force);
}

layer_mask layers_of_path(struct layers *L, const char *path)
{
	layer_mask f = atomic_load(&L->in_force);
	if (!f)
		return 0;
	const char *dirs[LAYERS_MAX];
	pthread_mutex_lock(&L->lock);
	size_t n = L->n;
	for (size_t i = 0; i < n; i++)
		dirs[i] = L->v[i].dir;
	layer_mask m = layerset_of_path(dirs, n, f, path);
	pthread_mutex_unlock(&L->lock);
	return m;
}

static const struct notify_rules *chain_of(struct layers *L, layer_mask m, bool kernel)
{
	if (!m)
		return NULL;
	pthread_mutex_lock(&L->lock);
	const struct notify_rules *head = NULL;
	for (size_t i = 0; i < L->nchains; i++)
		if (L->chains[i].mask == m && L->chains[i].gen == L->gen && L->chains[i].kernel == kernel) {
			head = L->chains[i].nodes;
			goto out;
		}
	size_t k = 0;
	struct notify_rules *nodes = xcalloc(LAYERS_MAX, sizeof(*nodes));
	for (size_t i = 0; i < L->n; i++)
		if ((m & ((layer_mask)1 << i)) && L->v[i].rules) {
			nodes[k] = *L->v[i].rules; /* shallow: the lists stay the layer's */
			nodes[k].also = NULL;
			nodes[k].reads_in_kernel = kernel;
			if (kernel && L->test_no_emulation)
				nodes[k].restrict_fs = nodes[k].restrict_exec = false;
			if (k > 0)
				nodes[k - 1].also = &nodes[k];
			k++;
		}
	if (k == 0) {
		free(nodes);
		goto out;
	}
	if (L->nchains == L->capchains) {
		L->capchains = L->capchains ? 2 * L->capchains : 8;
		L->chains = xrealloc(L->chains, L->capchains * sizeof(*L->chains));
	}
	L->chains[L->nchains++] = (struct chain){ m, L->gen, kernel, nodes };
	head = nodes;
out:
	pthread_mutex_unlock(&L->lock);
	return head;
}

const struct notify_rules *layers_chain(struct layers *L, layer_mask m)
{
	return chain_of(L, m, false);
}

const struct notify_rules *layers_chain_kernel(struct layers *L, layer_mask m)
{
	return chain_of(L, m, true);
}

void layers_set_landlock_abi(struct layers *L, int abi)
{
	L->ll_abi = abi;
	const char *t = getenv("CANISTER_TEST_LL_NO_EMULATION");
	L->test_no_emulation = abi >= 0 && t && strcmp(t, "1") == 0;
}

unsigned layers_gen(struct layers *L)
{
	pthread_mutex_lock(&L->lock);
	unsigned g = L->gen;
	pthread_mutex_unlock(&L->lock);
	return g;
}

int layers_rulesets(struct layers *L, layer_mask m, int *fds, size_t max, char *why, size_t size)
{
	size_t n = 0;
	int rc = 0;
	pthread_mutex_lock(&L->lock);
	for (size_t i = 0; i < L->n && rc == 0; i++) {
		if (!(m & ((layer_mask)1 << i)))
			continue;
		if (L->v[i].ll < 0) {
			snprintf(why, size, "%s: %s", L->v[i].dir, L->v[i].ll_why);
			rc = -1;
		} else if (n == max) {
			snprintf(why, size, "more than %zu layers gained at one exec", max);
			rc = -1;
		} else {
			fds[n++] = L->v[i].ll;
		}
	}
	pthread_mutex_unlock(&L->lock);
	if (rc == 0 && n == 0) {
		snprintf(why, size, "no layer to apply");
		rc = -1;
	}
	return rc < 0 ? -1 : (int)n;
}

void layers_fill_state(struct layers *L, struct session_state *st)
{
	pthread_mutex_lock(&L->lock);
	for (size_t i = 0; i < L->n; i++) {
		const struct layer *l = &L->v[i];
		st->v = xrealloc(st->v, (st->n + 1) * sizeof(*st->v));
		st->v[st->n++] = (struct state_layer){
			.state = l->state,
			.dir = xstrdup(l->dir),
			.recipes = xstrdup(l->recipes ? l->recipes : ""),
			.reason = l->reason ? xstrdup(l->reason) : NULL,
			.proxied = l->in_force && l->rules && l->rules->session_proxy,
		};
	}
	pthread_mutex_unlock(&L->lock);
}
