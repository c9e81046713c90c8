/* The toml.h tree: lookup, freeing, type names, and the key index that keeps
 * duplicate checks linear on huge tables (a 10 MB recipe with one table of
 * 500 000 keys must not take 500 000² comparisons). */
#include "lang/toml.h"
#include "lang/toml_internal.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* Tables stay a plain array until they hold this many keys; above it an
 * open-addressing hash of kv indexes is kept next to the array. */
#define INDEX_MIN 16

struct toml_index {
	size_t cap;    /* power of two */
	size_t count;  /* entries; equals the table's n while the index is current */
	size_t *slot;  /* kv index + 1; 0 = empty */
};

/* FNV-1a with a per-process random basis, so a hostile file cannot be
 * precomputed to collide (the tree's order never depends on the hash). */
static uint64_t hash_key(const char *s)
{
	static uint64_t basis;
	if (!basis) {
		uint64_t r = 0;
		if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
			r = (uint64_t)(uintptr_t)&r;
		basis = 1469598103934665603ULL ^ r;
		if (!basis)
			basis = 1;
	}
	uint64_t h = basis;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h ^ (h >> 29);
}

static void index_put(struct toml_index *ix, const struct toml_table *t, size_t i)
{
	size_t m = ix->cap - 1;
	for (size_t h = hash_key(t->kv[i].key) & m;; h = (h + 1) & m) {
		if (!ix->slot[h]) {
			ix->slot[h] = i + 1;
			ix->count++;
			return;
		}
	}
}

static void index_rebuild(struct toml_table *t)
{
	struct toml_index *ix = t->index;
	if (!ix)
		ix = t->index = xcalloc(1, sizeof(*ix));
	size_t cap = 64;
	while (cap < t->n * 2)
		cap *= 2;
	free(ix->slot);
	ix->slot = xcalloc(cap, sizeof(*ix->slot));
	ix->cap = cap;
	ix->count = 0;
	for (size_t i = 0; i < t->n; i++)
		index_put(ix, t, i);
}

struct toml_kv *toml_table_find(const struct toml_table *t, const char *key)
{
	const struct toml_index *ix = t->index;
	if (ix && ix->count == t->n) {
		size_t m = ix->cap - 1;
		for (size_t h = hash_key(key) & m; ix->slot[h]; h = (h + 1) & m) {
			struct toml_kv *kv = &t->kv[ix->slot[h] - 1];
			if (strcmp(kv->key, key) == 0)
				return kv;
		}
		return NULL;
	}
	/* Small table, or one changed outside the parser: plain scan. */
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->kv[i].key, key) == 0)
			return &t->kv[i];
	return NULL;
}

struct toml_kv *toml_table_add(struct toml_table *t, char *key, struct srcpos key_at, struct toml_value *val)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 2;
		t->kv = xrealloc(t->kv, t->cap * sizeof(*t->kv));
	}
	size_t i = t->n++;
	t->kv[i] = (struct toml_kv){ .key = key, .key_at = key_at, .val = val };
	if (t->n >= INDEX_MIN) {
		struct toml_index *ix = t->index;
		if (!ix || ix->count != t->n - 1 || (t->n) * 2 > ix->cap)
			index_rebuild(t);
		else
			index_put(ix, t, i);
	}
	return &t->kv[i];
}

const struct toml_value *toml_get(const struct toml_table *t, const char *key)
{
	if (!t || !key)
		return NULL;
	const struct toml_kv *kv = toml_table_find(t, key);
	return kv ? kv->val : NULL;
}

const struct toml_value *toml_get_path(const struct toml_table *t, const char *path)
{
	if (!t || !path)
		return NULL;
	const struct toml_value *v = NULL;
	for (;;) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		char *seg = xstrndup(path, n);
		v = toml_get(t, seg);
		free(seg);
		if (!v || !dot)
			return v;
		if (v->type != TOML_TABLE)
			return NULL;
		t = v->u.tab;
		path = dot + 1;
	}
}

const char *toml_type_name(enum toml_type t)
{
	switch (t) {
	case TOML_STRING: return "string";
	case TOML_INTEGER: return "integer";
	case TOML_FLOAT: return "float";
	case TOML_BOOL: return "boolean";
	case TOML_DATETIME: return "date-time";
	case TOML_ARRAY: return "array";
	case TOML_TABLE: return "table";
	}
	return "unknown";
}

void toml_value_free(struct toml_value *v)
{
	if (!v)
		return;
	switch (v->type) {
	case TOML_STRING:
		free(v->u.str.s);
		break;
	case TOML_DATETIME:
		free(v->u.datetime);
		break;
	case TOML_ARRAY:
		for (size_t i = 0; i < v->u.arr.n; i++)
			toml_value_free(v->u.arr.v[i]);
		free(v->u.arr.v);
		break;
	case TOML_TABLE:
		toml_free(v->u.tab);
		break;
	default:
		break;
	}
	free(v);
}

void toml_free(struct toml_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->kv[i].key);
		toml_value_free(t->kv[i].val);
	}
	free(t->kv);
	if (t->index)
		free(t->index->slot);
	free(t->index);
	free(t);
}
