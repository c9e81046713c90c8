/* TOML tree -> struct policy, checked strictly against the field table.
 * Every problem becomes one diagnostic at the offending key or value, and
 * loading goes on so `can recipe validate` reports them all. Any error
 * leaves the output policy empty: never a partial policy. */
#include "lang/recipe_int.h"
#include "lang/schema.h"
#include "lang/toml.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct loader {
	struct policy *p;
	struct diags *d;
	unsigned flags;
	int errors;
	const struct toml_table *table; /* the table being loaded, for the older spellings */
};

#define ERR(L, at, ...) \
	do { \
		diags_add((L)->d, (at), __VA_ARGS__); \
		(L)->errors++; \
	} while (0)

/* "in [filesystem]", "at top level", "in [[host]]" */
static const char *where(const char *section, char *buf, size_t n)
{
	if (!section[0])
		snprintf(buf, n, "at top level");
	else if (strcmp(section, "host") == 0)
		snprintf(buf, n, "in [[host]]");
	else
		snprintf(buf, n, "in [%s]", section);
	return buf;
}

static const char *found(const struct toml_value *v)
{
	if (v->type == TOML_ARRAY && v->u.arr.of_tables)
		return "array of tables";
	if (v->type == TOML_TABLE && v->u.tab->is_inline)
		return "inline table";
	return toml_type_name(v->type);
}

/* --- values --- */

static bool too_many(struct loader *L, struct srcpos at, const char *key, const char *wh, size_t n)
{
	if (n <= RECIPE_MAX_ENTRIES)
		return false;
	ERR(L, at, "'%s' %s: %zu entries, more than the %d a recipe may have", key, wh, n,
	    RECIPE_MAX_ENTRIES);
	return true;
}

static bool string_ok(struct loader *L, const struct toml_value *v, const char *what,
		      const char *wh)
{
	if (strlen(v->u.str.s) != v->u.str.len) {
		ERR(L, v->at, "'%s' %s: string contains a NUL character", what, wh);
		return false;
	}
	return true;
}

static void load_list(struct loader *L, const struct field *f, const struct toml_value *v,
		      struct plist *out, const char *wh)
{
	if (v->type != TOML_ARRAY) {
		ERR(L, v->at, "'%s' %s: expected array of strings, found %s", f->key, wh, found(v));
		return;
	}
	if (too_many(L, v->at, f->key, wh, v->u.arr.n))
		return;
	/* Checked entries are collected, then de-duplicated in one pass. */
	struct plist checked = { 0 };
	for (size_t i = 0; i < v->u.arr.n; i++) {
		const struct toml_value *e = v->u.arr.v[i];
		if (e->type != TOML_STRING) {
			ERR(L, e->at, "'%s' %s: expected array of strings, found %s in the array",
			    f->key, wh, found(e));
			continue;
		}
		if (!string_ok(L, e, f->key, wh))
			continue;
		char buf[512];
		const char *why = recipe_check_elem(f, e->u.str.s, buf, sizeof(buf));
		if (why) {
			ERR(L, e->at, "'%s' %s: %s", f->key, wh, why);
			continue;
		}
		plist_add(&checked, e->u.str.s, e->at);
	}
	plist_union(out, &checked);
	plist_free(&checked);
}

static void load_env(struct loader *L, const struct field *f, const struct toml_value *v,
		     struct penv *out, const char *wh)
{
	if (v->type != TOML_TABLE) {
		ERR(L, v->at, "'%s' %s: expected table of strings, found %s", f->key, wh, found(v));
		return;
	}
	const struct toml_table *t = v->u.tab;
	if (too_many(L, v->at, f->key, wh, t->n))
		return;
	for (size_t i = 0; i < t->n; i++) {
		const struct toml_kv *kv = &t->kv[i];
		if (!recipe_env_name_ok(kv->key)) {
			ERR(L, kv->key_at, "'%s' %s: '%s' is not an environment variable name", f->key,
			    wh, kv->key);
			continue;
		}
		if (kv->val->type != TOML_STRING) {
			ERR(L, kv->val->at, "'%s' %s: %s: expected string, found %s", f->key, wh,
			    kv->key, found(kv->val));
			continue;
		}
		if (!string_ok(L, kv->val, kv->key, wh))
			continue;
		char *err = NULL;
		char *x = expand_string(kv->val->u.str.s, NULL, &err);
		if (!x) {
			ERR(L, kv->val->at, "'%s' %s: %s: %s", f->key, wh, kv->key, err);
			free(err);
			continue;
		}
		free(x);
		penv_set(out, kv->key, kv->val->u.str.s, kv->val->at);
	}
}

static bool port_num(struct loader *L, const struct toml_value *v, const char *key, int *out)
{
	if (v->type != TOML_INTEGER) {
		ERR(L, v->at, "'ports' in [network]: '%s' expected integer, found %s", key, found(v));
		return false;
	}
	if (v->u.i < 1 || v->u.i > 65535) {
		ERR(L, v->at, "'ports' in [network]: '%s' = %lld is not a port (1 to 65535)", key,
		    (long long)v->u.i);
		return false;
	}
	*out = (int)v->u.i;
	return true;
}

static void load_ports(struct loader *L, const struct toml_value *v)
{
	if (v->type != TOML_ARRAY) {
		ERR(L, v->at, "'ports' in [network]: expected array of inline tables, found %s",
		    found(v));
		return;
	}
	static const char *const keys[] = { "host", "sandbox", "protocol" };
	if (too_many(L, v->at, "ports", "in [network]", v->u.arr.n))
		return;
	for (size_t i = 0; i < v->u.arr.n; i++) {
		const struct toml_value *e = v->u.arr.v[i];
		if (e->type != TOML_TABLE) {
			ERR(L, e->at, "'ports' in [network]: expected array of inline tables, found "
				      "%s in the array", found(e));
			continue;
		}
		const struct toml_table *t = e->u.tab;
		int host = 0, sandbox = 0, ok = 1;
		const char *proto = "tcp";
		for (size_t j = 0; j < t->n; j++) {
			const struct toml_kv *kv = &t->kv[j];
			if (strcmp(kv->key, "host") == 0) {
				ok &= port_num(L, kv->val, "host", &host);
			} else if (strcmp(kv->key, "sandbox") == 0) {
				ok &= port_num(L, kv->val, "sandbox", &sandbox);
			} else if (strcmp(kv->key, "protocol") == 0) {
				const struct toml_value *pv = kv->val;
				if (pv->type != TOML_STRING) {
					ERR(L, pv->at, "'ports' in [network]: 'protocol' expected "
						       "string, found %s", found(pv));
					ok = 0;
				} else if (strcmp(pv->u.str.s, "tcp") && strcmp(pv->u.str.s, "udp")) {
					ERR(L, pv->at, "'ports' in [network]: unknown protocol '%s'; "
						       "expected one of \"tcp\", \"udp\"", pv->u.str.s);
					ok = 0;
				} else {
					proto = pv->u.str.s;
				}
			} else {
				const char *sug = did_you_mean(kv->key, keys, ARRAY_LEN(keys));
				if (sug)
					ERR(L, kv->key_at, "'ports' in [network]: unknown key '%s'; did "
							   "you mean '%s'?", kv->key, sug);
				else
					ERR(L, kv->key_at, "'ports' in [network]: unknown key '%s' "
							   "(expected host, sandbox, protocol)", kv->key);
				ok = 0;
			}
		}
		if (ok && (!host || !sandbox)) {
			ERR(L, e->at, "'ports' in [network]: a rule needs both 'host' and 'sandbox'");
			ok = 0;
		}
		if (!ok)
			continue;
		struct policy tmp;
		policy_init(&tmp);
		struct port_rule *r = policy_add_port(&tmp);
		r->host = host;
		r->sandbox = sandbox;
		r->protocol = xstrdup(proto);
		r->at = e->at;
		policy_merge(L->p, &tmp); /* the same host port twice: the later one wins */
		policy_free(&tmp);
	}
}

static void load_field(struct loader *L, const struct field *f, const struct toml_value *v,
		       void *base)
{
	char wb[64];
	const char *wh = where(f->section, wb, sizeof(wb));
	void *ptr = schema_ptr(f, base);
	switch (f->type) {
	case FT_BOOL:
		if (v->type != TOML_BOOL) {
			ERR(L, v->at, "'%s' %s: expected boolean, found %s", f->key, wh, found(v));
			return;
		}
		*(struct pbool *)ptr = (struct pbool){ .set = true, .v = v->u.b, .at = v->at };
		return;
	case FT_INT:
		if (v->type != TOML_INTEGER) {
			ERR(L, v->at, "'%s' %s: expected integer, found %s", f->key, wh, found(v));
			return;
		}
		if (v->u.i < f->lo || v->u.i > f->hi) {
			ERR(L, v->at, "'%s' %s: %lld is out of range (%lld to %lld)", f->key, wh,
			    (long long)v->u.i, (long long)f->lo, (long long)f->hi);
			return;
		}
		*(struct pint *)ptr = (struct pint){ .set = true, .v = v->u.i, .at = v->at };
		return;
	case FT_FLOAT: {
		double x;
		if (v->type == TOML_FLOAT)
			x = v->u.f;
		else if (v->type == TOML_INTEGER)
			x = (double)v->u.i;
		else {
			ERR(L, v->at, "'%s' %s: expected number, found %s", f->key, wh, found(v));
			return;
		}
		if (!(x >= f->flo && x <= f->fhi)) { /* also refuses nan */
			ERR(L, v->at, "'%s' %s: %g is out of range (%g to %g)", f->key, wh, x, f->flo,
			    f->fhi);
			return;
		}
		*(struct pdouble *)ptr = (struct pdouble){ .set = true, .v = x, .at = v->at };
		return;
	}
	case FT_STRING: case FT_ENUM: case FT_DOMAIN: {
		if (v->type != TOML_STRING) {
			ERR(L, v->at, "'%s' %s: expected string, found %s", f->key, wh, found(v));
			return;
		}
		if (!string_ok(L, v, f->key, wh))
			return;
		const char *s = v->u.str.s;
		if (f->type == FT_ENUM) {
			size_t nv = 0;
			while (f->values[nv])
				nv++;
			bool ok = false;
			for (size_t i = 0; i < nv && !ok; i++)
				ok = strcmp(s, f->values[i]) == 0;
			if (!ok) {
				char list[256] = "";
				for (size_t i = 0; i < nv; i++)
					snprintf(list + strlen(list), sizeof(list) - strlen(list),
						 "%s\"%s\"", i ? ", " : "", f->values[i]);
				const char *sug = did_you_mean(s, f->values, nv);
				if (sug)
					ERR(L, v->at, "'%s' %s: unknown value '%s'; did you mean "
						      "\"%s\"? (one of %s)", f->key, wh, s, sug, list);
				else
					ERR(L, v->at, "'%s' %s: unknown value '%s'; expected one of %s",
					    f->key, wh, s, list);
				return;
			}
		}
		if (f->type == FT_DOMAIN) {
			char buf[512];
			const char *why = recipe_check_domain(s, buf, sizeof(buf));
			if (why) {
				ERR(L, v->at, "'%s' %s: %s", f->key, wh, why);
				return;
			}
			struct pstr *ps = ptr;
			free(ps->s);
			*ps = (struct pstr){ .s = xstrdup(s), .at = v->at };
			return;
		}
		struct popt *o = ptr;
		free(o->v);
		*o = (struct popt){ .set = true, .v = xstrdup(s), .at = v->at };
		return;
	}
	case FT_PATHS: case FT_SYSCALLS: case FT_IPS: case FT_ENVNAMES: case FT_METHODS:
	case FT_GLOBS: case FT_MEDIATYPES:
		load_list(L, f, v, ptr, wh);
		return;
	case FT_ENV:
		load_env(L, f, v, ptr, wh);
		return;
	case FT_PORTS:
		load_ports(L, v);
		return;
	case FT_HOSTS:
		return; /* handled by load_hosts */
	}
}

/* --- tables --- */

static bool is_section(const char *name)
{
	for (size_t i = 0; i < schema_nsections; i++)
		if (strcmp(schema_sections[i].name, name) == 0 && name[0] &&
		    strcmp(name, "host") != 0)
			return true;
	return false;
}

/* Unknown KEY in SECTION: a legacy spelling, a near miss, or just unknown. */
static void unknown_key(struct loader *L, const char *section, const struct toml_kv *kv)
{
	bool as_table = kv->val->type == TOML_TABLE;
	char wb[64];
	const char *wh = where(section, wb, sizeof(wb));
	char shown[256];
	if (!section[0] && as_table)
		snprintf(shown, sizeof(shown), "unknown section [%s]", kv->key);
	else if (section[0] && as_table)
		snprintf(shown, sizeof(shown), "unknown section [%s.%s]", section, kv->key);
	else
		snprintf(shown, sizeof(shown), "unknown key '%s' %s", kv->key, wh);

	const struct legacy_name *lg = schema_legacy_find(section, kv->key, as_table);
	if (!lg)
		lg = schema_legacy_find(section, kv->key, !as_table);
	if (lg) {
		char *line = legacy_corrected(lg, kv, L->table);
		ERR(L, kv->key_at, "%s: an older spelling; today write %s", shown, line);
		free(line);
		return;
	}
	/* Candidates: the keys of this section, and its sub-sections. */
	const char *cands[64];
	char subs[16][64];
	size_t nc = 0, ns = 0;
	size_t slen = strlen(section);
	for (size_t i = 0; i < schema_nfields && nc < ARRAY_LEN(cands); i++)
		if (strcmp(schema_fields[i].section, section) == 0)
			cands[nc++] = schema_fields[i].key;
	for (size_t i = 0; i < schema_nsections && ns < ARRAY_LEN(subs); i++) {
		const char *s = schema_sections[i].name;
		if (!s[0] || strcmp(s, "host") == 0)
			continue;
		const char *rest = NULL;
		if (!slen && !strchr(s, '.'))
			rest = s;
		else if (slen && strncmp(s, section, slen) == 0 && s[slen] == '.')
			rest = s + slen + 1;
		if (rest && nc < ARRAY_LEN(cands)) {
			snprintf(subs[ns], sizeof(subs[ns]), "%s", rest);
			cands[nc++] = subs[ns++];
		}
	}
	const char *sug = did_you_mean(kv->key, cands, nc);
	if (!sug) {
		/* A real key written in the wrong section. */
		for (size_t i = 0; i < schema_nfields; i++) {
			const struct field *f = &schema_fields[i];
			if (strcmp(f->key, kv->key) != 0 || !strcmp(f->section, section))
				continue;
			char fw[64];
			ERR(L, kv->key_at, "%s; '%s' belongs %s", shown, kv->key,
			    f->section[0] ? where(f->section, fw, sizeof(fw)) : "at top level");
			return;
		}
		ERR(L, kv->key_at, "%s", shown);
		return;
	}
	bool sug_is_section = false;
	for (size_t i = 0; i < ns; i++)
		sug_is_section |= sug == subs[i];
	if (sug_is_section && slen)
		ERR(L, kv->key_at, "%s; did you mean [%s.%s]?", shown, section, sug);
	else if (sug_is_section)
		ERR(L, kv->key_at, "%s; did you mean [%s]?", shown, sug);
	else if (strcmp(sug, "host") == 0)
		ERR(L, kv->key_at, "%s; did you mean [[host]]?", shown);
	else
		ERR(L, kv->key_at, "%s; did you mean '%s'?", shown, sug);
}

static void load_section(struct loader *L, const char *section, const struct toml_table *t,
			 void *base);

static void load_hosts(struct loader *L, const struct toml_kv *kv)
{
	const struct toml_value *v = kv->val;
	if (v->type != TOML_ARRAY) {
		ERR(L, kv->key_at, "'host' must be written as [[host]] blocks (an array of tables), "
				   "found %s", found(v));
		return;
	}
	if (too_many(L, kv->key_at, "host", "at top level", v->u.arr.n))
		return;
	for (size_t i = 0; i < v->u.arr.n; i++) {
		const struct toml_value *e = v->u.arr.v[i];
		if (e->type != TOML_TABLE) {
			ERR(L, e->at, "'host' must be written as [[host]] blocks (an array of "
				      "tables), found %s in the array", found(e));
			continue;
		}
		struct policy tmp;
		policy_init(&tmp);
		struct host_rule *h = policy_add_host(&tmp);
		h->at = e->u.tab->at;
		int before = L->errors;
		load_section(L, "host", e->u.tab, h);
		if (!h->domain.s && L->errors == before)
			ERR(L, e->u.tab->at, "[[host]] block without 'domain'");
		if (L->errors == before)
			policy_merge(L->p, &tmp); /* same domain twice: one block */
		policy_free(&tmp);
	}
}

/* [network] allow_domains = [...], Canister's spelling: each entry becomes a
 * [[host]] block with the relaxed contract (a domain allow-list has no shape
 * gates), and one warning prints the replacement (ADR 0163). */
static void load_allow_domains(struct loader *L, const struct toml_kv *kv)
{
	const struct toml_value *v = kv->val;
	const char *wh = "in [network]";
	if (v->type != TOML_ARRAY) {
		ERR(L, v->at, "'allow_domains' %s: expected array of strings, found %s", wh, found(v));
		return;
	}
	if (too_many(L, v->at, "allow_domains", wh, v->u.arr.n))
		return;
	int before = L->errors;
	struct policy tmp;
	policy_init(&tmp);
	for (size_t i = 0; i < v->u.arr.n; i++) {
		const struct toml_value *e = v->u.arr.v[i];
		if (e->type != TOML_STRING) {
			ERR(L, e->at, "'allow_domains' %s: expected array of strings, found %s in the "
				      "array", wh, found(e));
			continue;
		}
		if (!string_ok(L, e, "allow_domains", wh))
			continue;
		char buf[512];
		const char *why = recipe_check_domain(e->u.str.s, buf, sizeof(buf));
		if (why) {
			ERR(L, e->at, "'allow_domains' %s: %s", wh, why);
			continue;
		}
		struct policy one;
		policy_init(&one);
		struct host_rule *h = policy_add_host(&one);
		h->at = e->at;
		h->domain = (struct pstr){ .s = xstrdup(e->u.str.s), .at = e->at };
		h->contract_mode = (struct popt){ .set = true, .v = xstrdup("relaxed"), .at = e->at };
		policy_merge(&tmp, &one); /* the same domain twice: one block */
		policy_free(&one);
	}
	if (L->errors == before) {
		policy_merge(L->p, &tmp);
		char *hosts = legacy_hosts_toml(v, 1);
		char *shown = legacy_corrected(&(struct legacy_name){ .kind = LG_LINE, .today = hosts },
					       kv, NULL);
		diags_warn(L->d, kv->key_at, "'allow_domains' in [network] is Canister's older "
					     "spelling; it is loaded as [[host]] blocks with the relaxed "
					     "contract. Write instead:\n    %s", shown);
		free(shown);
		free(hosts);
	}
	policy_free(&tmp);
}

static void load_section(struct loader *L, const char *section, const struct toml_table *t,
			 void *base)
{
	const struct toml_table *outer = L->table;
	L->table = t;
	for (size_t i = 0; i < t->n; i++) {
		const struct toml_kv *kv = &t->kv[i];
		const struct field *f = schema_find(section, kv->key);
		if (!f && strcmp(section, "network") == 0 && strcmp(kv->key, "allow_domains") == 0) {
			load_allow_domains(L, kv);
			continue;
		}
		if (f && f->type == FT_HOSTS) {
			load_hosts(L, kv);
			continue;
		}
		if (f) {
			if ((f->flags & F_DEFAULT_ONLY) && !(L->flags & RL_ALLOW_ABSOLUTE_SYSCALLS)) {
				ERR(L, kv->key_at, "'%s' in [%s] is only valid in the built-in "
						   "default.toml; use '%s_extra' to add to it",
				    f->key, f->section, f->key);
				continue;
			}
			load_field(L, f, kv->val, base);
			continue;
		}
		char sub[128];
		snprintf(sub, sizeof(sub), "%s%s%s", section, section[0] ? "." : "", kv->key);
		if (strcmp(section, "host") != 0 && is_section(sub)) {
			if (kv->val->type != TOML_TABLE)
				ERR(L, kv->key_at, "[%s] must be a table, found %s", sub,
				    found(kv->val));
			else
				load_section(L, sub, kv->val->u.tab, base);
			continue;
		}
		unknown_key(L, section, kv);
	}
	/* allow and allow_extra in one file: allow is the complete list, so an
	 * extra beside it says two different things at once. */
	/* (Elsewhere the absolute lists are already an error of their own.) */
	if (strcmp(section, "syscalls") == 0 && (L->flags & RL_ALLOW_ABSOLUTE_SYSCALLS) &&
	    !(L->flags & RL_EFFECTIVE))
		for (size_t i = 0; i < 2; i++) {
			const char *abs = i ? "deny" : "allow";
			char extra[16];
			snprintf(extra, sizeof(extra), "%s_extra", abs);
			const struct toml_value *a = toml_get(t, abs), *x = toml_get(t, extra);
			if (a && x) {
				struct srcpos at = x->at;
				for (size_t j = 0; j < t->n; j++)
					if (strcmp(t->kv[j].key, extra) == 0)
						at = t->kv[j].key_at;
				ERR(L, at, "'%s' in [syscalls] cannot be used with '%s' in the same "
					   "file ('%s' is already the complete list)", extra, abs, abs);
			}
		}
	L->table = outer;
}

static bool is_builtin_default(const char *buf, size_t len)
{
	const struct builtin_recipe *b = builtin_find("default");
	return b && b->len == len && memcmp(b->text, buf, len) == 0;
}

int recipe_load_buffer_flags(const char *name, const char *buf, size_t len, unsigned flags,
			     struct policy *out, struct diags *d)
{
	policy_init(out);
	const char *file = srcfile_intern(name ? name : "<input>");
	if (len > RECIPE_MAX_BYTES) {
		diags_add(d, (struct srcpos){ file, 0, 0 },
			  "recipe is %zu bytes, more than the %d a recipe may have", len,
			  RECIPE_MAX_BYTES);
		return CAN_EXIT_USAGE;
	}
	struct toml_table *root = toml_parse(file, buf, len, d);
	if (!root)
		return CAN_EXIT_USAGE;
	struct loader L = { .p = out, .d = d, .flags = flags };
	load_section(&L, "", root, out);
	toml_free(root);
	if (L.errors) {
		policy_free(out);
		return CAN_EXIT_USAGE;
	}
	return 0;
}

int recipe_load_buffer(const char *name, const char *buf, size_t len, struct policy *out,
		       struct diags *d)
{
	/* The built-in default's exact text may use the absolute lists, so
	 * `can recipe validate recipes/default.toml` passes; any change to it
	 * makes it a user file like any other. */
	unsigned flags = is_builtin_default(buf, len) ? RL_ALLOW_ABSOLUTE_SYSCALLS : 0;
	return recipe_load_buffer_flags(name, buf, len, flags, out, d);
}

int recipe_load_file(const char *path, struct policy *out, struct diags *d)
{
	policy_init(out);
	struct srcpos at = { srcfile_intern(path), 0, 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int e = errno;
		diags_add(d, at, "cannot read the recipe: %s: %s", errno_name(e), strerror(e));
		return CAN_EXIT_USAGE;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		diags_add(d, at, "not a regular file");
		close(fd);
		return CAN_EXIT_USAGE;
	}
	/* Read at most one byte past the limit: enough to know it is too big. */
	size_t cap = (size_t)st.st_size < RECIPE_MAX_BYTES ? (size_t)st.st_size + 1
							     : RECIPE_MAX_BYTES + 1;
	char *buf = xmalloc(cap);
	size_t len = 0;
	while (len < cap) {
		ssize_t r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			diags_add(d, at, "cannot read the recipe: %s: %s", errno_name(e), strerror(e));
			free(buf);
			close(fd);
			return CAN_EXIT_USAGE;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (len > RECIPE_MAX_BYTES) {
		diags_add(d, at, "recipe is larger than %d bytes; refusing to parse it",
			  RECIPE_MAX_BYTES);
		free(buf);
		return CAN_EXIT_USAGE;
	}
	int rc = recipe_load_buffer(path, buf, len, out, d);
	free(buf);
	return rc;
}

int recipe_load_table(const struct toml_table *t, unsigned flags, struct policy *out,
		      struct diags *d)
{
	policy_init(out);
	struct loader L = { .p = out, .d = d, .flags = flags };
	load_section(&L, "", t, out);
	if (L.errors) {
		policy_free(out);
		return CAN_EXIT_USAGE;
	}
	return 0;
}
