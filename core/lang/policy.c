/* struct policy: init, free and the list helpers. Freeing walks the field
 * table, so a new field in schema.c is freed without touching this file. */
#include "lang/policy.h"
#include "lang/schema.h"
#include "util/util.h"

#include <stdlib.h>
#include <stdint.h>
#include <string.h>

void policy_init(struct policy *p)
{
	memset(p, 0, sizeof(*p));
}

void plist_add(struct plist *l, const char *s, struct srcpos at)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = (struct pstr){ .s = xstrdup(s), .at = at };
}

bool plist_has(const struct plist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].s, s) == 0)
			return true;
	return false;
}

/* FNV-1a: the set below only needs a cheap, decent spread. */
static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* Inserts s into an open-addressing set of `cap` slots (a power of two);
 * true when it was not there yet. The set holds pointers to strings that
 * outlive it (the plists' own copies). */
static bool set_insert(const char **set, size_t cap, const char *s)
{
	for (size_t i = str_hash(s) & (cap - 1);; i = (i + 1) & (cap - 1)) {
		if (!set[i]) {
			set[i] = s;
			return true;
		}
		if (strcmp(set[i], s) == 0)
			return false;
	}
}

void plist_union(struct plist *dst, const struct plist *src)
{
	if (src->n == 0)
		return;
	/* Linear in both lists: the default syscall list alone has ~280
	 * entries, and a pairwise check made merging quadratic. */
	size_t cap = 16;
	while (cap < 2 * (dst->n + src->n))
		cap *= 2;
	const char **set = xcalloc(cap, sizeof(*set));
	for (size_t i = 0; i < dst->n; i++)
		set_insert(set, cap, dst->v[i].s);
	for (size_t i = 0; i < src->n; i++)
		if (set_insert(set, cap, src->v[i].s))
			plist_add(dst, src->v[i].s, src->v[i].at);
	free(set);
}

void plist_free(struct plist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].s);
	free(l->v);
	*l = (struct plist){ 0 };
}

static void penv_free(struct penv *e)
{
	for (size_t i = 0; i < e->n; i++) {
		free(e->v[i].name);
		free(e->v[i].value);
	}
	free(e->v);
	*e = (struct penv){ 0 };
}

void host_rule_free(struct host_rule *h)
{
	for (size_t i = 0; i < schema_nfields; i++) {
		const struct field *f = &schema_fields[i];
		if (strcmp(f->section, "host") != 0)
			continue;
		void *v = schema_ptr(f, h);
		switch (f->type) {
		case FT_DOMAIN:
			free(((struct pstr *)v)->s);
			break;
		case FT_ENUM: case FT_STRING:
			free(((struct popt *)v)->v);
			break;
		case FT_METHODS: case FT_GLOBS: case FT_MEDIATYPES:
			plist_free(v);
			break;
		default:
			break;
		}
	}
	memset(h, 0, sizeof(*h));
}

void policy_free(struct policy *p)
{
	for (size_t i = 0; i < schema_nfields; i++) {
		const struct field *f = &schema_fields[i];
		if (strcmp(f->section, "host") == 0)
			continue;
		void *v = schema_ptr(f, p);
		switch (f->type) {
		case FT_STRING: case FT_ENUM:
			free(((struct popt *)v)->v);
			break;
		case FT_PATHS: case FT_SYSCALLS: case FT_IPS: case FT_ENVNAMES:
			plist_free(v);
			break;
		case FT_ENV:
			penv_free(v);
			break;
		case FT_PORTS:
			for (size_t j = 0; j < p->net.nports; j++)
				free(p->net.ports[j].protocol);
			free(p->net.ports);
			break;
		case FT_HOSTS:
			for (size_t j = 0; j < p->nhosts; j++)
				host_rule_free(&p->hosts[j]);
			free(p->hosts);
			break;
		default:
			break;
		}
	}
	policy_init(p);
}

/* Adds or replaces NAME in an env table. */
void penv_set(struct penv *e, const char *name, const char *value, struct srcpos at)
{
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->v[i].name, name) == 0) {
			free(e->v[i].value);
			e->v[i].value = xstrdup(value);
			e->v[i].at = at;
			return;
		}
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 8;
		e->v = xrealloc(e->v, e->cap * sizeof(*e->v));
	}
	e->v[e->n].name = xstrdup(name);
	e->v[e->n].value = xstrdup(value);
	e->v[e->n].at = at;
	e->n++;
}

struct host_rule *policy_add_host(struct policy *p)
{
	p->hosts = xrealloc(p->hosts, (p->nhosts + 1) * sizeof(*p->hosts));
	struct host_rule *h = &p->hosts[p->nhosts++];
	memset(h, 0, sizeof(*h));
	return h;
}

struct port_rule *policy_add_port(struct policy *p)
{
	p->net.ports = xrealloc(p->net.ports, (p->net.nports + 1) * sizeof(*p->net.ports));
	struct port_rule *r = &p->net.ports[p->net.nports++];
	memset(r, 0, sizeof(*r));
	return r;
}

/* --- decisions on a merged policy: deny beats allow wherever either came from --- */

static bool under(const char *path, const char *entry)
{
	size_t n = strlen(entry);
	while (n > 1 && entry[n - 1] == '/')
		n--;
	if (n == 1 && entry[0] == '/')
		return path[0] == '/';
	return strncmp(path, entry, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static bool under_any(const char *path, const struct plist *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (under(path, l->v[i].s))
			return true;
	return false;
}

enum fs_access policy_fs_access(const struct policy *p, const char *path)
{
	if (under_any(path, &p->fs.deny) || under_any(path, &p->fs.mask))
		return FS_DENIED;
	if (under_any(path, &p->fs.allow_write))
		return FS_WRITE;
	if (under_any(path, &p->fs.allow))
		return FS_READ;
	return FS_NONE;
}

bool policy_syscall_allowed(const struct policy *p, const char *name)
{
	if (plist_has(&p->sys.deny, name) || plist_has(&p->sys.deny_extra, name))
		return false;
	return plist_has(&p->sys.allow, name) || plist_has(&p->sys.allow_extra, name);
}

const char *const policy_private_dirs[] = { "/tmp", "/var/tmp", "/dev/shm", NULL };

const char *policy_private_dir(const char *path)
{
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	for (size_t i = 0; policy_private_dirs[i]; i++)
		if (strlen(policy_private_dirs[i]) == len &&
		    strncmp(policy_private_dirs[i], path, len) == 0)
			return policy_private_dirs[i];
	return NULL;
}
