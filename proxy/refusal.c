/* Refusal texts (see refusal.h). */
#include "proxy/refusal.h"
#include "util/util.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *refusal_status_text(int status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 405: return "Method Not Allowed";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 421: return "Misdirected Request";
	case 431: return "Request Header Fields Too Large";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 504: return "Gateway Timeout";
	case 505: return "HTTP Version Not Supported";
	}
	return "Refused";
}

size_t refusal_response(const struct refusal *r, char *buf, size_t cap)
{
	char body[2048];
	int bn;
	if (r->patch && *r->patch)
		bn = snprintf(body, sizeof(body),
			      "can: the sandbox's proxy refused %s: %s\n\n"
			      "To allow it, add this to a recipe (save it as a .toml file and add -r FILE):\n\n"
			      "# can proxy patch\n%s",
			      r->what, r->reason, r->patch);
	else
		bn = snprintf(body, sizeof(body), "can: the sandbox's proxy refused %s: %s\n", r->what,
			      r->reason);
	if (bn < 0)
		bn = 0;
	if ((size_t)bn >= sizeof(body))
		bn = (int)sizeof(body) - 1;
	int n = snprintf(buf, cap,
			 "HTTP/1.1 %d %s\r\n"
			 "x-canister-error: %s\r\n"
			 "Content-Type: text/plain; charset=utf-8\r\n"
			 "Content-Length: %d\r\n"
			 "Connection: close\r\n"
			 "\r\n%s",
			 r->status, refusal_status_text(r->status), r->error, bn, body);
	if (n < 0)
		return 0;
	return (size_t)n < cap ? (size_t)n : cap - 1;
}

void refusal_line(const struct refusal *r, char *buf, size_t cap)
{
	snprintf(buf, cap, "can: proxy: refused %s (%s): %s", r->what, r->error, r->reason);
}

/* ---- merging patches ---- */

/* A growing output string: both mergers append to one. */
struct outbuf {
	char *s;
	size_t len, cap;
};

static void outbuf_init(struct outbuf *b)
{
	b->cap = 256;
	b->len = 0;
	b->s = xmalloc(b->cap);
	b->s[0] = '\0';
}

__attribute__((format(printf, 2, 3))) static void put(struct outbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int need = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (need < 0)
		return;
	while (b->len + (size_t)need + 1 > b->cap)
		b->s = xrealloc(b->s, b->cap *= 2);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)need;
}

struct pkey {
	char *table, *key;
	char **items; /* list values, or one scalar in items[0] with list = false */
	size_t n;
	bool list;
};

struct pkeys {
	struct pkey *v;
	size_t n;
};

static void add_item(struct pkey *k, const char *s, size_t len)
{
	for (size_t i = 0; i < k->n; i++)
		if (strlen(k->items[i]) == len && strncmp(k->items[i], s, len) == 0)
			return;
	strv_push(&k->items, &k->n, xstrndup(s, len));
}

/* "key = value" under table: a new key, or its list values united, or
 * the first scalar kept. */
static void add_line(struct pkeys *ks, const char *table, const char *line)
{
	const char *eq = strstr(line, " = ");
	if (!eq)
		return;
	char *key = xstrndup(line, (size_t)(eq - line));
	const char *v = eq + 3;
	struct pkey *k = NULL;
	for (size_t i = 0; i < ks->n; i++)
		if (strcmp(ks->v[i].table, table) == 0 && strcmp(ks->v[i].key, key) == 0)
			k = &ks->v[i];
	if (!k) {
		ks->v = xrealloc(ks->v, (ks->n + 1) * sizeof(*ks->v));
		k = &ks->v[ks->n++];
		*k = (struct pkey){ xstrdup(table), key, NULL, 0, v[0] == '[' };
	} else {
		free(key);
	}
	if (!k->list) {
		if (!k->n)
			add_item(k, v, strlen(v));
		return;
	}
	/* ["a", "b"]: the patches' lists hold plain strings without commas */
	const char *end = strrchr(v, ']');
	for (const char *q = v + 1; end && q < end;) {
		while (q < end && (*q == ' ' || *q == ','))
			q++;
		const char *e = q;
		while (e < end && *e != ',')
			e++;
		if (e > q)
			add_item(k, q, (size_t)(e - q));
		q = e;
	}
}

static void pkeys_free(struct pkeys *ks)
{
	for (size_t i = 0; i < ks->n; i++) {
		free(ks->v[i].table);
		free(ks->v[i].key);
		strv_free(ks->v[i].items, ks->v[i].n);
	}
	free(ks->v);
}

/* Calls fn with each line of text (a NUL-terminated copy, no newline). */
static void each_line(const char *text, void (*fn)(const char *line, void *ctx), void *ctx)
{
	for (const char *line = text; *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char *l = xstrndup(line, len);
		fn(l, ctx);
		free(l);
		line += len + (nl ? 1 : 0);
	}
}

/* Every key of table, in the order first seen: "key = scalar" or
 * "key = [a, b]". */
static void emit_keys(struct outbuf *b, const struct pkeys *ks, const char *table)
{
	for (size_t j = 0; j < ks->n; j++) {
		const struct pkey *k = &ks->v[j];
		if (strcmp(k->table, table) != 0)
			continue;
		if (!k->list) {
			put(b, "%s = %s\n", k->key, k->items[0]);
			continue;
		}
		put(b, "%s = [", k->key);
		for (size_t i = 0; i < k->n; i++)
			put(b, "%s%s", i ? ", " : "", k->items[i]);
		put(b, "]\n");
	}
}

/* The state of one patch's lines: the table (or domain line) they are under. */
struct splitter {
	struct pkeys *keys;
	char table[400];
	char ***doms; /* merge_hosts: the distinct domain lines, in order */
	size_t *nd;
};

static void table_line(const char *l, void *ctx)
{
	struct splitter *s = ctx;
	if (l[0] == '[')
		snprintf(s->table, 64, "%s", l); /* a table name is short */
	else if (s->table[0])
		add_line(s->keys, s->table, l);
}

char *refusal_merge_patches(char *const *patches, size_t n)
{
	struct pkeys keys = { 0 };
	char **hosts = NULL;
	size_t nh = 0;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(patches[i], "[[", 2) == 0) {
			strv_push(&hosts, &nh, xstrdup(patches[i]));
			continue;
		}
		struct splitter s = { .keys = &keys };
		each_line(patches[i], table_line, &s);
	}
	struct outbuf b;
	outbuf_init(&b);
	for (size_t i = 0; i < keys.n; i++) {
		/* each table once, where it first appears, with all its keys */
		bool earlier = false;
		for (size_t j = 0; j < i && !earlier; j++)
			earlier = strcmp(keys.v[j].table, keys.v[i].table) == 0;
		if (earlier)
			continue;
		put(&b, "%s%s\n", b.len ? "\n" : "", keys.v[i].table);
		emit_keys(&b, &keys, keys.v[i].table);
	}
	for (size_t i = 0; i < nh; i++)
		put(&b, "%s%s", b.len ? "\n" : "", hosts[i]);
	pkeys_free(&keys);
	strv_free(hosts, nh);
	return b.s;
}

/* ---- merging [[host]] blocks per domain ---- */

/* The pkey table is the domain's line, so keys group per domain. */
static void host_line(const char *l, void *ctx)
{
	struct splitter *s = ctx;
	if (strncmp(l, "domain = ", 9) == 0) {
		snprintf(s->table, sizeof(s->table), "%s", l);
		bool seen = false;
		for (size_t j = 0; j < *s->nd && !seen; j++)
			seen = strcmp((*s->doms)[j], s->table) == 0;
		if (!seen)
			strv_push(s->doms, s->nd, xstrdup(s->table));
	} else if (s->table[0]) {
		add_line(s->keys, s->table, l);
	}
}

char *refusal_merge_hosts(char *const *patches, size_t n)
{
	struct pkeys keys = { 0 };
	char **doms = NULL;
	size_t nd = 0;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(patches[i], "[[host]]\n", 9) != 0)
			continue;
		struct splitter s = { .keys = &keys, .doms = &doms, .nd = &nd };
		each_line(patches[i] + 9, host_line, &s);
	}
	struct outbuf b;
	outbuf_init(&b);
	for (size_t d = 0; d < nd; d++) {
		put(&b, "%s[[host]]\n%s\n", b.len ? "\n" : "", doms[d]);
		emit_keys(&b, &keys, doms[d]);
	}
	pkeys_free(&keys);
	strv_free(doms, nd);
	return b.s;
}
