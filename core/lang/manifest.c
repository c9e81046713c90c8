/* canister.toml -> struct manifest, checked as strictly as a recipe.
 *
 * The manifest's own keys (sandbox names, description, recipes, command)
 * are checked here; everything else in a [sandbox.NAME] table is a recipe
 * layer and goes to the recipe loader (recipe_load_table), so there is one
 * schema table (schema.c) and one set of messages. The loader's messages
 * name sections as a recipe file has them ("in [filesystem]"); they are
 * rewritten to the manifest's ("in [sandbox.test.filesystem]") so the text
 * matches the file:line:col it comes with. */
#include "lang/manifest.h"
#include "lang/recipe_int.h"
#include "lang/schema.h"
#include "lang/toml.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Far above any real project; keeps hostile input cheap. */
#define MANIFEST_MAX_SANDBOXES 256
#define MANIFEST_MAX_RECIPES 256
#define MANIFEST_MAX_NAME 64

/* The keys of a [sandbox.NAME] table that are not recipe fields, with their
 * documentation (canister.toml(5) is generated from it, schema_man.c). */
const struct manifest_key_doc manifest_keys[] = {
	{ "description", "string", "One line, shown by `can up --list`." },
	{ "recipes", "array of strings",
	  "Recipe names (found as `-r NAME` is) or files (a `/` in it; relative to the "
	  "manifest's folder), merged left to right." },
	{ "command", "string or array of strings",
	  "What `can up NAME` runs (`can up NAME -- CMD` replaces it). A string is split into "
	  "words at blanks, with '...' and \"...\" quoting; anything that needs a shell to mean "
	  "something is an error that says to write [\"sh\", \"-c\", \"...\"]." },
};
const size_t manifest_nkeys = sizeof(manifest_keys) / sizeof(manifest_keys[0]);

struct mloader {
	struct manifest *m;
	struct diags *d;
	int errors;
};

#define ERR(L, at, ...) \
	do { \
		diags_add((L)->d, (at), __VA_ARGS__); \
		(L)->errors++; \
	} while (0)

static const char *found(const struct toml_value *v)
{
	if (v->type == TOML_ARRAY && v->u.arr.of_tables)
		return "array of tables";
	if (v->type == TOML_TABLE && v->u.tab->is_inline)
		return "inline table";
	return toml_type_name(v->type);
}

/* --- the loader's messages in the manifest's terms --- */

static void sb_append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*buf = xrealloc(*buf, *cap);
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
}

static bool section_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.';
}

/* "at top level" -> "in [sandbox.N]", "[[host]]" -> "[[sandbox.N.host]]",
 * "[filesystem]" -> "[sandbox.N.filesystem]"; text inside '...' (a user's
 * key or value) is left alone. */
static char *in_sandbox_terms(const char *msg, const char *name)
{
	char *out = NULL;
	size_t len = 0, cap = 0;
	char pre[MANIFEST_MAX_NAME + 32];
	bool quoted = false;
	sb_append(&out, &len, &cap, "", 0);
	for (const char *p = msg; *p;) {
		if (*p == '\'') {
			quoted = !quoted;
		} else if (!quoted && strncmp(p, "at top level", 12) == 0) {
			snprintf(pre, sizeof(pre), "in [sandbox.%s]", name);
			sb_append(&out, &len, &cap, pre, strlen(pre));
			p += 12;
			continue;
		} else if (!quoted && strncmp(p, "[[host]]", 8) == 0) {
			snprintf(pre, sizeof(pre), "[[sandbox.%s.host]]", name);
			sb_append(&out, &len, &cap, pre, strlen(pre));
			p += 8;
			continue;
		} else if (!quoted && p[0] == '[' && section_char(p[1])) {
			const char *q = p + 1;
			while (section_char(*q))
				q++;
			if (*q == ']') {
				snprintf(pre, sizeof(pre), "[sandbox.%s.", name);
				sb_append(&out, &len, &cap, pre, strlen(pre));
				p++;
				continue;
			}
		}
		sb_append(&out, &len, &cap, p, 1);
		p++;
	}
	return out;
}

static void rewrite_since(struct diags *d, size_t from, const char *name)
{
	for (size_t i = from; i < d->n; i++) {
		char *x = in_sandbox_terms(d->v[i].msg, name);
		free(d->v[i].msg);
		d->v[i].msg = x;
	}
}

/* --- command strings --- */

char **manifest_split_command(const char *s, size_t *n, char *err, size_t errlen)
{
	char **v = NULL;
	*n = 0;
	const char *p = s;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		char *w = xmalloc(strlen(p) + 1);
		size_t wl = 0;
		bool start = true;
		while (*p && *p != ' ' && *p != '\t') {
			char c = *p;
			if (c == '\'' || c == '"') {
				const char *q = p + 1;
				while (*q && *q != c) {
					if (c == '"' && *q == '\\' && (q[1] == '"' || q[1] == '\\'))
						q++;
					else if (c == '"' && (*q == '$' || *q == '`')) {
						snprintf(err, errlen, "'%c' inside \"...\" needs a shell to "
							 "mean anything", *q);
						goto fail;
					}
					w[wl++] = *q++;
				}
				if (!*q) {
					snprintf(err, errlen, "unterminated %c quote", c);
					goto fail;
				}
				p = q + 1;
				start = false;
				continue;
			}
			if (strchr("$`|&;<>()*?[\\", c) || (c == '~' && start) || c == '\n' ||
			    c == '#') {
				snprintf(err, errlen, "'%c' needs a shell to mean anything", c);
				goto fail;
			}
			w[wl++] = c;
			p++;
			start = false;
		}
		w[wl] = '\0';
		strv_push(&v, n, w);
		continue;
fail:
		free(w);
		strv_free(v, *n);
		*n = 0;
		return NULL;
	}
	if (!*n) {
		snprintf(err, errlen, "empty command");
		return NULL;
	}
	v = xrealloc(v, (*n + 1) * sizeof(char *));
	v[*n] = NULL;
	return v;
}

void manifest_put_word(FILE *out, const char *w)
{
	bool plain = w[0] != '\0';
	for (const char *c = w; *c && plain; c++)
		plain = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			       "-_./=:,+@%", *c) != NULL;
	if (plain) {
		fputs(w, out);
		return;
	}
	fputc('\'', out);
	for (const char *c = w; *c; c++)
		if (*c == '\'')
			fputs("'\\''", out);
		else
			fputc(*c, out);
	fputc('\'', out);
}

/* --- [sandbox.NAME] --- */

static bool name_ok(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > MANIFEST_MAX_NAME)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '-' && c != '_')))
			return false;
	}
	return true;
}

/* A key a recipe has at its top level: a field (strict, host), a section
 * (filesystem, network, ...) or an older spelling of one the loader knows
 * how to explain. [recipe] is a recipe file's metadata: not here. */
static bool recipe_top_key(const char *key)
{
	if (strcmp(key, "recipe") == 0)
		return false;
	if (schema_find("", key))
		return true;
	for (size_t i = 0; i < schema_nsections; i++)
		if (strcmp(schema_sections[i].name, key) == 0)
			return key[0] != '\0';
	return schema_legacy_find("", key, 1) || schema_legacy_find("", key, 0);
}

static void load_recipes(struct mloader *L, struct manifest_sandbox *s, const struct toml_value *v)
{
	if (v->type != TOML_ARRAY) {
		ERR(L, v->at, "'recipes' in [sandbox.%s]: expected array of strings, found %s",
		    s->name, found(v));
		return;
	}
	if (v->u.arr.n > MANIFEST_MAX_RECIPES) {
		ERR(L, v->at, "'recipes' in [sandbox.%s]: %zu entries, more than the %d a sandbox "
			      "may have", s->name, v->u.arr.n, MANIFEST_MAX_RECIPES);
		return;
	}
	s->recipes = xcalloc(v->u.arr.n + 1, sizeof(*s->recipes));
	for (size_t i = 0; i < v->u.arr.n; i++) {
		const struct toml_value *e = v->u.arr.v[i];
		if (e->type != TOML_STRING) {
			ERR(L, e->at, "'recipes' in [sandbox.%s]: expected array of strings, found %s "
				      "in the array", s->name, found(e));
			continue;
		}
		const char *r = e->u.str.s;
		if (strlen(r) != e->u.str.len || !r[0]) {
			ERR(L, e->at, "'recipes' in [sandbox.%s]: %s recipe name", s->name,
			    r[0] ? "a NUL character in a" : "an empty");
			continue;
		}
		bool dup = false;
		for (size_t j = 0; j < s->nrecipes && !dup; j++)
			if (strcmp(s->recipes[j].s, r) == 0) {
				ERR(L, e->at, "'recipes' in [sandbox.%s]: '%s' is listed twice (first "
					      "at line %d)", s->name, r, s->recipes[j].at.line);
				dup = true;
			}
		if (!dup)
			s->recipes[s->nrecipes++] = (struct pstr){ .s = xstrdup(r), .at = e->at };
	}
}

static void load_command(struct mloader *L, struct manifest_sandbox *s, const struct toml_value *v)
{
	s->command_at = v->at;
	if (v->type == TOML_STRING) {
		char err[128];
		if (strlen(v->u.str.s) != v->u.str.len) {
			ERR(L, v->at, "'command' in [sandbox.%s]: a NUL character", s->name);
			return;
		}
		s->command = manifest_split_command(v->u.str.s, &s->ncommand, err, sizeof(err));
		if (!s->command)
			ERR(L, v->at, "'command' in [sandbox.%s]: %s; to run it through a shell, "
				      "write command = [\"sh\", \"-c\", \"...\"]", s->name, err);
		return;
	}
	if (v->type != TOML_ARRAY) {
		ERR(L, v->at, "'command' in [sandbox.%s]: expected string or array of strings, found "
			      "%s", s->name, found(v));
		return;
	}
	if (v->u.arr.n == 0 || v->u.arr.n > RECIPE_MAX_ENTRIES) {
		ERR(L, v->at, "'command' in [sandbox.%s]: %s", s->name,
		    v->u.arr.n ? "too many words" : "an empty array (a command needs a program)");
		return;
	}
	char **argv = xcalloc(v->u.arr.n + 1, sizeof(char *));
	size_t n = 0;
	bool ok = true;
	for (size_t i = 0; i < v->u.arr.n; i++) {
		const struct toml_value *e = v->u.arr.v[i];
		if (e->type != TOML_STRING || strlen(e->u.str.s) != e->u.str.len ||
		    (i == 0 && !e->u.str.s[0])) {
			ERR(L, e->at, "'command' in [sandbox.%s]: %s", s->name,
			    e->type != TOML_STRING ? "expected array of strings"
			    : i == 0 ? "an empty program name" : "a NUL character");
			ok = false;
			continue;
		}
		argv[n++] = xstrdup(e->u.str.s);
	}
	if (!ok) {
		strv_free(argv, n);
		return;
	}
	s->command = argv;
	s->ncommand = n;
}

static void unknown_sandbox_key(struct mloader *L, const struct manifest_sandbox *s,
				const struct toml_kv *kv)
{
	if (strcmp(kv->key, "recipe") == 0 && kv->val->type == TOML_TABLE) {
		ERR(L, kv->key_at, "[sandbox.%s.recipe]: a recipe file's metadata has no place in "
				   "a sandbox; its description is 'description' in [sandbox.%s]",
		    s->name, s->name);
		return;
	}
	const char *cands[64];
	size_t nc = 0;
	for (size_t i = 0; i < manifest_nkeys; i++)
		cands[nc++] = manifest_keys[i].key;
	for (size_t i = 0; i < schema_nfields && nc < ARRAY_LEN(cands); i++)
		if (!schema_fields[i].section[0])
			cands[nc++] = schema_fields[i].key;
	for (size_t i = 0; i < schema_nsections && nc < ARRAY_LEN(cands); i++) {
		const char *sn = schema_sections[i].name;
		if (sn[0] && !strchr(sn, '.') && strcmp(sn, "recipe") && strcmp(sn, "host"))
			cands[nc++] = sn;
	}
	const char *sug = did_you_mean(kv->key, cands, nc);
	bool table = kv->val->type == TOML_TABLE;
	if (sug && table && strcmp(sug, "strict") && strcmp(sug, "description") &&
	    strcmp(sug, "recipes") && strcmp(sug, "command"))
		ERR(L, kv->key_at, "unknown section [sandbox.%s.%s]; did you mean "
				   "[sandbox.%s.%s]?", s->name, kv->key, s->name, sug);
	else if (sug)
		ERR(L, kv->key_at, "unknown key '%s' in [sandbox.%s]; did you mean '%s'?", kv->key,
		    s->name, sug);
	else
		ERR(L, kv->key_at, "unknown key '%s' in [sandbox.%s] (a sandbox has description, "
				   "recipes, command, and the fields and sections of a recipe)",
		    kv->key, s->name);
}

static void load_sandbox(struct mloader *L, const struct toml_kv *kv)
{
	struct manifest *m = L->m;
	if (!name_ok(kv->key)) {
		ERR(L, kv->key_at, "[sandbox.%s]: a sandbox name is 1 to %d letters, digits, '-' "
				   "and '_', starting with a letter or digit", kv->key,
		    MANIFEST_MAX_NAME);
		return;
	}
	if (kv->val->type != TOML_TABLE) {
		ERR(L, kv->key_at, "[sandbox.%s] must be a table, found %s", kv->key,
		    found(kv->val));
		return;
	}
	const struct toml_table *t = kv->val->u.tab;
	struct manifest_sandbox *s = &m->sb[m->n++];
	*s = (struct manifest_sandbox){ .name = xstrdup(kv->key), .at = t->at };
	policy_init(&s->overrides);
	/* The recipe layer: this table without the manifest's own keys. The
	 * entries are borrowed, not copied; the copy owns only its array. */
	struct toml_table layer = { .at = t->at };
	layer.kv = xcalloc(t->n + 1, sizeof(*layer.kv));
	for (size_t i = 0; i < t->n; i++) {
		const struct toml_kv *e = &t->kv[i];
		if (strcmp(e->key, "description") == 0) {
			if (e->val->type != TOML_STRING || strlen(e->val->u.str.s) != e->val->u.str.len)
				ERR(L, e->val->at, "'description' in [sandbox.%s]: expected string, "
						   "found %s", s->name, found(e->val));
			else
				s->description = xstrdup(e->val->u.str.s);
		} else if (strcmp(e->key, "recipes") == 0) {
			load_recipes(L, s, e->val);
		} else if (strcmp(e->key, "command") == 0) {
			load_command(L, s, e->val);
		} else if (recipe_top_key(e->key)) {
			layer.kv[layer.n++] = *e;
		} else {
			unknown_sandbox_key(L, s, e);
		}
	}
	s->has_overrides = layer.n > 0;
	size_t before = L->d->n;
	if (layer.n && recipe_load_table(&layer, 0, &s->overrides, L->d) != 0) {
		rewrite_since(L->d, before, s->name);
		L->errors++;
	}
	free(layer.kv);
}

static void load_top(struct mloader *L, const struct toml_table *root)
{
	struct manifest *m = L->m;
	const struct toml_value *sbv = NULL;
	struct toml_table hosts = { .at = root->at };
	hosts.kv = xcalloc(root->n + 1, sizeof(*hosts.kv));
	for (size_t i = 0; i < root->n; i++) {
		const struct toml_kv *kv = &root->kv[i];
		if (strcmp(kv->key, "sandbox") == 0) {
			if (kv->val->type != TOML_TABLE || kv->val->u.tab->is_inline)
				ERR(L, kv->key_at, "'sandbox' must be [sandbox.NAME] tables, found %s",
				    found(kv->val));
			else
				sbv = kv->val;
		} else if (strcmp(kv->key, "host") == 0) {
			hosts.kv[hosts.n++] = *kv;
		} else if (recipe_top_key(kv->key) || strcmp(kv->key, "recipe") == 0 ||
			   strcmp(kv->key, "description") == 0 || strcmp(kv->key, "recipes") == 0 ||
			   strcmp(kv->key, "command") == 0) {
			ERR(L, kv->key_at, "%s%s%s at the top of a manifest belongs to no sandbox; "
					   "write it in [sandbox.NAME]",
			    kv->val->type == TOML_TABLE ? "[" : "'", kv->key,
			    kv->val->type == TOML_TABLE ? "]" : "'");
		} else {
			static const char *const tops[] = { "sandbox", "host" };
			const char *sug = did_you_mean(kv->key, tops, ARRAY_LEN(tops));
			if (sug && strcmp(sug, "host") == 0)
				ERR(L, kv->key_at, "unknown key '%s' in a manifest; did you mean "
						   "[[host]]?", kv->key);
			else if (sug)
				ERR(L, kv->key_at, "unknown key '%s' in a manifest; did you mean "
						   "[sandbox.NAME]?", kv->key);
			else
				ERR(L, kv->key_at, "unknown key '%s' in a manifest (it has [sandbox.NAME] "
						   "tables and [[host]] blocks)", kv->key);
		}
	}
	if (hosts.n && recipe_load_table(&hosts, 0, &m->hosts, L->d) != 0)
		L->errors++;
	free(hosts.kv);
	if (!sbv) {
		if (!L->errors)
			ERR(L, root->at, "the manifest defines no sandbox; add a [sandbox.NAME] table "
					 "(see docs/manifest.md)");
		return;
	}
	const struct toml_table *st = sbv->u.tab;
	if (st->n > MANIFEST_MAX_SANDBOXES) {
		ERR(L, st->at, "%zu sandboxes, more than the %d a manifest may have", st->n,
		    MANIFEST_MAX_SANDBOXES);
		return;
	}
	m->sb = xcalloc(st->n + 1, sizeof(*m->sb));
	for (size_t i = 0; i < st->n; i++)
		load_sandbox(L, &st->kv[i]);
	if (!st->n && !L->errors)
		ERR(L, st->at, "the manifest defines no sandbox; add a [sandbox.NAME] table "
				 "(see docs/manifest.md)");
}

static void sandbox_free(struct manifest_sandbox *s)
{
	free(s->name);
	free(s->description);
	for (size_t i = 0; i < s->nrecipes; i++)
		free(s->recipes[i].s);
	free(s->recipes);
	strv_free(s->command, s->ncommand);
	policy_free(&s->overrides);
}

void manifest_free(struct manifest *m)
{
	for (size_t i = 0; i < m->n; i++)
		sandbox_free(&m->sb[i]);
	free(m->sb);
	free(m->path);
	free(m->dir);
	policy_free(&m->hosts);
	*m = (struct manifest){ 0 };
	policy_init(&m->hosts);
}

static char *dir_of(const char *file)
{
	const char *slash = strrchr(file, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == file)
		return xstrdup("/");
	return xstrndup(file, (size_t)(slash - file));
}

int manifest_load_buffer(const char *file, const char *buf, size_t len, struct manifest *m,
			 struct diags *d)
{
	*m = (struct manifest){ 0 };
	policy_init(&m->hosts);
	const char *f = srcfile_intern(file ? file : "<input>");
	if (len > RECIPE_MAX_BYTES) {
		diags_add(d, (struct srcpos){ f, 0, 0 }, "manifest is %zu bytes, more than the %d "
			  "a manifest may have", len, RECIPE_MAX_BYTES);
		return CAN_EXIT_USAGE;
	}
	struct toml_table *root = toml_parse(f, buf, len, d);
	if (!root)
		return CAN_EXIT_USAGE;
	m->path = xstrdup(f);
	m->dir = dir_of(f);
	struct mloader L = { .m = m, .d = d };
	load_top(&L, root);
	toml_free(root);
	if (L.errors) {
		manifest_free(m);
		return CAN_EXIT_USAGE;
	}
	return 0;
}

int manifest_load_file(const char *path, struct manifest *m, struct diags *d)
{
	*m = (struct manifest){ 0 };
	policy_init(&m->hosts);
	struct srcpos at = { srcfile_intern(path), 0, 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int e = fd < 0 ? errno : EINVAL;
		diags_add(d, at, "cannot read the manifest: %s", fd < 0 ? strerror(e)
							  : "not a regular file");
		if (fd >= 0)
			close(fd);
		return CAN_EXIT_USAGE;
	}
	size_t cap = RECIPE_MAX_BYTES + 1, len = 0;
	char *buf = xmalloc(cap);
	for (;;) {
		ssize_t r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || (len += (size_t)r) == cap)
			break;
	}
	close(fd);
	int rc = manifest_load_buffer(path, buf, len, m, d);
	free(buf);
	if (rc == 0) {
		char real[PATH_MAX];
		free(m->dir);
		m->dir = realpath(path, real) ? dir_of(real) : dir_of(path);
	}
	return rc;
}

const struct manifest_sandbox *manifest_sandbox_find(const struct manifest *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->sb[i].name, name) == 0)
			return &m->sb[i];
	return NULL;
}

void manifest_unknown_sandbox(const struct manifest *m, const char *name, char *buf, size_t n)
{
	const char *cands[MANIFEST_MAX_SANDBOXES];
	char list[512] = "";
	for (size_t i = 0; i < m->n; i++) {
		cands[i] = m->sb[i].name;
		size_t l = strlen(list);
		if (l + strlen(m->sb[i].name) + 8 < sizeof(list))
			snprintf(list + l, sizeof(list) - l, "%s%s", i ? ", " : "", m->sb[i].name);
	}
	const char *sug = did_you_mean(name, cands, m->n);
	if (sug)
		snprintf(buf, n, "no sandbox '%s' in %s; did you mean '%s'? (defined: %s)", name,
			 m->path, sug, list);
	else
		snprintf(buf, n, "no sandbox '%s' in %s (defined: %s)", name, m->path, list);
}

const struct manifest_sandbox *manifest_choose(const struct manifest *m, const char *name,
					       const char *remembered, char *err, size_t errlen)
{
	if (name) {
		const struct manifest_sandbox *s = manifest_sandbox_find(m, name);
		if (!s)
			manifest_unknown_sandbox(m, name, err, errlen);
		return s;
	}
	const struct manifest_sandbox *s = remembered ? manifest_sandbox_find(m, remembered) : NULL;
	if (!s && m->n)
		s = &m->sb[0];
	if (!s)
		snprintf(err, errlen, "%s defines no sandbox", m->path);
	return s;
}
