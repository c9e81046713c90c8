/* Test helper: renders a toml.h tree as one compact line, so tests compare
 * a whole parse result with one string. Tables {k=v,...} in document order,
 * arrays [v,...], strings "..." with escapes, date-times as dt(text). */
#ifndef CAN_TEST_TOML_DUMP_H
#define CAN_TEST_TOML_DUMP_H

#include "lang/toml.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dumpbuf {
	char *s;
	size_t len, cap;
};

static void dump_put(struct dumpbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		while (b->len + n + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 256;
		b->s = realloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void dump_str(struct dumpbuf *b, const char *s, size_t n)
{
	dump_put(b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char e[8];
		if (c == '"' || c == '\\') {
			e[0] = '\\';
			e[1] = (char)c;
			dump_put(b, e, 2);
		} else if (c < 0x20 || c == 0x7f) {
			snprintf(e, sizeof(e), "\\u%04X", c);
			dump_put(b, e, 6);
		} else {
			dump_put(b, (const char *)&c, 1);
		}
	}
	dump_put(b, "\"", 1);
}

static void dump_table(struct dumpbuf *b, const struct toml_table *t);

static void dump_value(struct dumpbuf *b, const struct toml_value *v)
{
	char num[64];
	switch (v->type) {
	case TOML_STRING:
		dump_str(b, v->u.str.s, v->u.str.len);
		break;
	case TOML_INTEGER:
		snprintf(num, sizeof(num), "%lld", (long long)v->u.i);
		dump_put(b, num, strlen(num));
		break;
	case TOML_FLOAT:
		if (isnan(v->u.f))
			snprintf(num, sizeof(num), "%snan", signbit(v->u.f) ? "-" : "");
		else if (isinf(v->u.f))
			snprintf(num, sizeof(num), "%sinf", v->u.f < 0 ? "-" : "");
		else
			snprintf(num, sizeof(num), "%.17gf", v->u.f);
		dump_put(b, num, strlen(num));
		break;
	case TOML_BOOL:
		dump_put(b, v->u.b ? "true" : "false", v->u.b ? 4 : 5);
		break;
	case TOML_DATETIME:
		dump_put(b, "dt(", 3);
		dump_put(b, v->u.datetime, strlen(v->u.datetime));
		dump_put(b, ")", 1);
		break;
	case TOML_ARRAY:
		dump_put(b, "[", 1);
		for (size_t i = 0; i < v->u.arr.n; i++) {
			if (i)
				dump_put(b, ",", 1);
			dump_value(b, v->u.arr.v[i]);
		}
		dump_put(b, "]", 1);
		break;
	case TOML_TABLE:
		dump_table(b, v->u.tab);
		break;
	}
}

static void dump_table(struct dumpbuf *b, const struct toml_table *t)
{
	dump_put(b, "{", 1);
	for (size_t i = 0; i < t->n; i++) {
		if (i)
			dump_put(b, ",", 1);
		const char *k = t->kv[i].key;
		bool bare = *k != '\0';
		for (const char *p = k; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			      *p == '_' || *p == '-'))
				bare = false;
		if (bare)
			dump_put(b, k, strlen(k));
		else
			dump_str(b, k, strlen(k));
		dump_put(b, "=", 1);
		dump_value(b, t->kv[i].val);
	}
	dump_put(b, "}", 1);
}

/* Parses src and returns the dump (caller frees), or "ERR L:C: message". */
static char *toml_dump_parse(const char *src, size_t len)
{
	struct diags d = { 0 };
	struct toml_table *t = toml_parse("t.toml", src, len, &d);
	struct dumpbuf b = { 0 };
	if (t) {
		dump_table(&b, t);
		toml_free(t);
	} else {
		char *m = NULL;
		if (d.n != 1 || asprintf(&m, "ERR %d:%d: %s%s", d.v[0].at.line, d.v[0].at.col, d.v[0].msg,
					 d.n != 1 ? " (MORE THAN ONE DIAG)" : "") < 0)
			m = strdup("ERR (no diagnostic)");
		dump_put(&b, m, strlen(m));
		free(m);
	}
	diags_free(&d);
	return b.s;
}

#endif
