/* Path generalisation (path_group.h, docs/adr/0205). Pure: strings in,
 * strings out. */
#include "lang/path_group.h"
#include "util/util.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MIN_DEFAULT 3

int path_group_under(const char *dir, const char *path)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return strncmp(dir, path, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Folders shared by many programs: never an entry by generalisation. */
static const char *const sys_containers[] = {
	"/",         "/bin",       "/sbin",           "/lib",          "/lib32",
	"/lib64",    "/usr",       "/usr/bin",        "/usr/sbin",     "/usr/lib",
	"/usr/lib32", "/usr/lib64", "/usr/libexec",   "/usr/share",    "/usr/include",
	"/usr/src",  "/usr/local", "/usr/local/bin",  "/usr/local/sbin", "/usr/local/lib",
	"/usr/local/share", "/usr/local/include", "/etc", "/var",      "/var/lib",
	"/var/cache", "/var/tmp",  "/opt",            "/home",         "/root",
	"/run",      "/run/user",  "/srv",            "/mnt",          "/media",
	"/nix",      "/nix/store", "/gnu",            "/gnu/store",    "/snap",
};

/* The same below the home ("" is the home itself). */
static const char *const home_containers[] = {
	"", "/.cache", "/.config", "/.local", "/.local/share", "/.local/state", "/.local/lib",
	"/.var", "/.var/app",
};

/* Caches named whole (below the home; "/.cache/" + one more component and
 * /var/cache/ + one are handled in cache_anchor). */
static const char *const home_caches[] = {
	"/.npm",           "/.node-gyp",        "/.cargo/registry",   "/.cargo/git",
	"/go/pkg/mod",     "/.m2/repository",   "/.gradle/caches",    "/.gradle/wrapper",
	"/.ivy2/cache",    "/.ccache",          "/.local/share/pnpm/store", "/.yarn/berry/cache",
	"/.bun/install/cache", "/.rustup/toolchains", "/.rustup/downloads", "/.pub-cache",
};

static bool eq_n(const char *a, size_t n, const char *b) { return strlen(b) == n && strncmp(a, b, n) == 0; }

/* Whether p[0..len) ends a component of p. */
static bool at_end(const char *p, size_t len) { return p[len] == '\0' || p[len] == '/'; }

/* The length of one more component after p[0..at) ('/' + name), or 0. */
static size_t next_component(const char *p, size_t at)
{
	if (p[at] != '/' || p[at + 1] == '\0')
		return 0;
	const char *s = strchr(p + at + 1, '/');
	return s ? (size_t)(s - p) : strlen(p);
}

/* The home's length when p is at or under it, else 0. */
static size_t home_len(const struct path_group_in *in, const char *p)
{
	if (!in->home || in->home[0] != '/' || !in->home[1])
		return 0;
	size_t h = strlen(in->home);
	return strncmp(p, in->home, h) == 0 && at_end(p, h) ? h : 0;
}

/* The length of the known cache p is in (its whole folder), or 0. */
static size_t cache_anchor(const struct path_group_in *in, const char *p)
{
	if (p[0] != '/')
		return 0;
	size_t h = home_len(in, p);
	if (h) {
		for (size_t i = 0; i < ARRAY_LEN(home_caches); i++) {
			size_t n = strlen(home_caches[i]);
			if (strncmp(p + h, home_caches[i], n) == 0 && at_end(p, h + n))
				return h + n;
		}
		if (strncmp(p + h, "/.cache/", 8) == 0) {
			size_t e = next_component(p, h + 7);
			/* A file directly in ~/.cache is not a cache folder. */
			return e && p[e] == '/' ? e : 0;
		}
	}
	if (strncmp(p, "/var/cache/", 11) == 0) {
		size_t e = next_component(p, 10);
		return e && p[e] == '/' ? e : 0;
	}
	return 0;
}

size_t path_group_cache(const char *home, const char *path)
{
	struct path_group_in in = { .home = home };
	return cache_anchor(&in, path);
}

/* Whether p[0..len) is a shared container. */
static bool container(const struct path_group_in *in, const char *p, size_t len)
{
	if (len == 0)
		return true; /* "/" */
	for (size_t i = 0; i < ARRAY_LEN(sys_containers); i++)
		if (eq_n(p, len, sys_containers[i]))
			return true;
	size_t h = home_len(in, p);
	if (h && len >= h)
		for (size_t i = 0; i < ARRAY_LEN(home_containers); i++)
			if (eq_n(p + h, len - h, home_containers[i]))
				return true;
	/* Anyone's home and runtime folder; a multiarch library folder. */
	const char *last = p + len;
	while (last > p && last[-1] != '/')
		last--;
	size_t parent = (size_t)(last - p) - 1;
	if (eq_n(p, parent, "/home") || eq_n(p, parent, "/run/user"))
		return true;
	if ((eq_n(p, parent, "/usr/lib") || eq_n(p, parent, "/lib") || eq_n(p, parent, "/usr/local/lib")) &&
	    strstr(last, "-linux-gnu") && (size_t)(strstr(last, "-linux-gnu") - p) < len)
		return true;
	return false;
}

/* The length of p's anchor: its shortest prefix (at a component end) that
 * is not a container, or all of p. *cache: the anchor is a known cache. */
static size_t anchor(const struct path_group_in *in, const char *p, bool *cache)
{
	size_t c = cache_anchor(in, p);
	*cache = c != 0;
	if (c)
		return c;
	size_t len = 0;
	while (container(in, p, len)) {
		size_t e = next_component(p, len);
		if (!e)
			return strlen(p);
		len = e;
	}
	return len;
}

/* strcmp with '/' ordered first, so that a folder's paths are together. */
static int cmp_path(const void *a, const void *b)
{
	const unsigned char *x = *(const unsigned char *const *)a, *y = *(const unsigned char *const *)b;
	for (; *x && *x == *y; x++, y++)
		;
	int cx = *x == '/' ? 1 : *x, cy = *y == '/' ? 1 : *y;
	return cx - cy;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct path_group_entry *)a)->path, ((const struct path_group_entry *)b)->path);
}

/* The longest folder (or path) common to v[0..n), n >= 1. */
static size_t common_len(const char *const *v, size_t n)
{
	size_t len = strlen(v[0]);
	for (size_t i = 1; i < n; i++) {
		size_t k = 0;
		while (k < len && v[i][k] == v[0][k])
			k++;
		if (k < len || !at_end(v[i], len)) {
			/* Back to the last component end both share. */
			while (k > 0 && !(at_end(v[0], k) && at_end(v[i], k)))
				k--;
			len = k;
		}
	}
	return len ? len : 1;
}

static bool is_normal(const char *p)
{
	if (p[0] != '/')
		return false;
	size_t n = strlen(p);
	if (n > 1 && p[n - 1] == '/')
		return false;
	return !strstr(p, "//") && !strstr(p, "/./") && !strstr(p, "/../") &&
	       !(n >= 2 && strcmp(p + n - 2, "/.") == 0) && !(n >= 3 && strcmp(p + n - 3, "/..") == 0);
}

static void emit(struct path_group_out *o, char *path, size_t covers)
{
	o->v = xrealloc(o->v, (o->n + 1) * sizeof(*o->v));
	o->v[o->n++] = (struct path_group_entry){ .path = path, .covers = covers };
}

/* Whether the whole path is a container (not a cache in one). */
static bool all_container(const struct path_group_in *in, const char *p)
{
	return !cache_anchor(in, p) && container(in, p, strlen(p));
}

int path_group_shared(const char *home, const char *path)
{
	struct path_group_in in = { .home = home };
	return path[0] == '/' && all_container(&in, path);
}

/* Whether the folder d[0..len) would cover a deny path. */
static bool covers_deny(const struct path_group_in *in, const char *d, size_t len)
{
	char *dir = xstrndup(d, len);
	bool hit = false;
	for (size_t i = 0; i < in->ndeny && !hit; i++)
		hit = path_group_under(dir, in->deny[i]) || path_group_under(in->deny[i], dir);
	free(dir);
	return hit;
}

/* Names v[0..n) (sorted by cmp_path, all under d = v[0][0..len)) as the
 * folder d, or split below it when d covers a deny path. force: widen
 * subgroups of any size (a cache). */
static void widen(const struct path_group_in *in, const char *const *v, size_t n, size_t len, bool force,
                  size_t min, struct path_group_out *o)
{
	if (!covers_deny(in, v[0], len)) {
		emit(o, xstrndup(v[0], len), n);
		return;
	}
	for (size_t i = 0; i < n;) {
		size_t e = next_component(v[i], len);
		if (!e) { /* d itself */
			emit(o, xstrdup(v[i]), 1);
			i++;
			continue;
		}
		size_t j = i + 1;
		while (j < n && strncmp(v[j], v[i], e) == 0 && at_end(v[j], e))
			j++;
		if (j - i == 1)
			emit(o, xstrdup(v[i]), 1);
		else if (force || j - i >= min)
			widen(in, v + i, j - i, common_len(v + i, j - i), force, min, o);
		else
			for (size_t k = i; k < j; k++)
				emit(o, xstrdup(v[k]), 1);
		i = j;
	}
}

void path_group(const struct path_group_in *in, const char *const *paths, size_t n,
                struct path_group_out *out)
{
	*out = (struct path_group_out){ 0 };
	size_t min = in->min ? in->min : MIN_DEFAULT;
	const char **v = xcalloc(n ? n : 1, sizeof(*v));
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (paths[i] && is_normal(paths[i]))
			v[m++] = paths[i];
	qsort(v, m, sizeof(*v), cmp_path);
	size_t u = 0;
	for (size_t i = 0; i < m; i++)
		if (u == 0 || strcmp(v[u - 1], v[i]) != 0)
			v[u++] = v[i];
	struct path_group_out raw = { 0 };
	for (size_t i = 0; i < u;) {
		bool cache;
		size_t a = anchor(in, v[i], &cache);
		size_t j = i + 1;
		while (j < u && strncmp(v[j], v[i], a) == 0 && at_end(v[j], a)) {
			bool c2;
			if (anchor(in, v[j], &c2) != a)
				break;
			j++;
		}
		if (cache)
			widen(in, v + i, j - i, a, true, min, &raw);
		else if (j - i >= min)
			widen(in, v + i, j - i, common_len(v + i, j - i), false, min, &raw);
		else
			for (size_t k = i; k < j; k++)
				emit(&raw, xstrdup(v[k]), 1);
		i = j;
	}
	free(v);
	/* Entries under another one (a path that is also a folder named) go;
	 * a container with entries under it goes (they bring it in). */
	if (raw.n)
		qsort(raw.v, raw.n, sizeof(*raw.v), cmp_entry);
	for (size_t i = 0; i < raw.n; i++) {
		bool below = false;
		size_t len = strlen(raw.v[i].path);
		for (size_t j = i + 1; j < raw.n && !below && strncmp(raw.v[j].path, raw.v[i].path, len) == 0; j++)
			below = path_group_under(raw.v[i].path, raw.v[j].path);
		if (below && all_container(in, raw.v[i].path)) {
			free(raw.v[i].path);
			continue;
		}
		struct path_group_entry *top = NULL;
		for (size_t k = 0; k < out->n && !top; k++)
			if (path_group_under(out->v[k].path, raw.v[i].path))
				top = &out->v[k];
		if (top) {
			top->covers += raw.v[i].covers;
			free(raw.v[i].path);
		} else {
			emit(out, raw.v[i].path, raw.v[i].covers);
			out->v[out->n - 1].cache = cache_anchor(in, raw.v[i].path) != 0;
		}
	}
	free(raw.v);
}

void path_group_out_free(struct path_group_out *o)
{
	for (size_t i = 0; i < o->n; i++)
		free(o->v[i].path);
	free(o->v);
	*o = (struct path_group_out){ 0 };
}
