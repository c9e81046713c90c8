/* The TOML 1.0 parser: a recursive-descent reader over the re2c lexer that
 * builds the toml.h tree and enforces TOML's rules about which tables may
 * be defined or extended where.
 *
 * Ownership: every value is attached to the tree before its children are
 * parsed, and key segments live in the parser state, so when toml_fail()
 * longjmps back to toml_parse() freeing the root and the state frees all. */
#include "lang/toml.h"
#include "lang/toml_internal.h"
#include "util/util.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct keyseg {
	char *s;
	size_t len;
	struct srcpos at;
	bool owned; /* false once the string has moved into the tree (s still
		     * points at it there, for messages) */
};

struct parser {
	struct toml_lexer lx;
	struct toml_table *root;
	struct toml_table *cur; /* target of key/values: root or the last [header] */
	struct keyseg *keys;    /* the key being parsed, one entry per segment */
	size_t nkeys, capkeys;
	char *scratch[2];       /* message fragments (key name, found token) built
				 * before failing: freed with the parser */
	int depth;              /* open arrays and inline tables */
};

void toml_fail(struct toml_lexer *lx, struct srcpos at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	diags_add(lx->diags, at, "%s", msg ? msg : "(out of memory)");
	free(msg);
	longjmp(lx->fail, 1);
}

void toml_check_cut(struct toml_lexer *lx)
{
	if (lx->bad_kind == TOML_BAD_NONE)
		return;
	struct srcpos at = toml_pos(lx, lx->lim);
	switch (lx->bad_kind) {
	case TOML_BAD_NUL:
		toml_fail(lx, at, "NUL byte in input");
	case TOML_BAD_OVERLONG:
		toml_fail(lx, at, "invalid UTF-8: overlong encoding (byte 0x%02x)", lx->bad_byte);
	case TOML_BAD_SURROGATE:
		toml_fail(lx, at, "invalid UTF-8: encoded UTF-16 surrogate (byte 0x%02x)", lx->bad_byte);
	case TOML_BAD_RANGE:
		toml_fail(lx, at, "invalid UTF-8: code point above U+10FFFF (byte 0x%02x)", lx->bad_byte);
	case TOML_BAD_TRUNCATED:
		toml_fail(lx, at, "invalid UTF-8: truncated sequence (byte 0x%02x)", lx->bad_byte);
	default:
		toml_fail(lx, at, "invalid UTF-8 byte 0x%02x", lx->bad_byte);
	}
}

/* What the lexer found, for "expected X, found Y". Uses the scratch slot so
 * the string is freed even though toml_fail never returns. */
static const char *found(struct parser *p, enum toml_tok t)
{
	struct toml_lexer *lx = &p->lx;
	const unsigned char *s = lx->tok;
	char **out = &p->scratch[1];
	free(*out);
	*out = NULL;
	switch (t) {
	case T_EOF: return "end of input";
	case T_NEWLINE: return "end of line";
	case T_STRING: return "a string";
	case T_MLSTRING: return "a multi-line string";
	case T_INTEGER: return "an integer";
	case T_FLOAT: return "a float";
	case T_BOOL: return "a boolean";
	case T_DATETIME: return "a date-time";
	case T_BARE:
		*out = xasprintf("'%.40s%s'", lx->str, lx->len > 40 ? "..." : "");
		return *out;
	case T_DLBRACKET: return "'[['";
	case T_DRBRACKET: return "']]'";
	default:
		break;
	}
	if (*s == '\r')
		return "a carriage return not followed by a newline";
	if (*s < 0x20 || *s == 0x7f)
		*out = xasprintf("control character U+%04X", *s);
	else
		*out = xasprintf("'%.*s'", (int)toml_utf8_len(*s), (const char *)s);
	return *out;
}

/* The key in p->keys as written, for messages ("a.\"b c\""). */
static const char *key_name(struct parser *p, size_t upto)
{
	size_t cap = 1, len = 0;
	char *out = xmalloc(cap);
	out[0] = '\0';
	for (size_t i = 0; i < upto; i++) {
		char *q = toml_quote_key(p->keys[i].s, p->keys[i].len);
		size_t ql = strlen(q);
		out = xrealloc(out, len + ql + 2);
		if (i)
			out[len++] = '.';
		memcpy(out + len, q, ql + 1);
		len += ql;
		free(q);
	}
	free(p->scratch[0]);
	p->scratch[0] = out;
	return out;
}

static void clear_keys(struct parser *p)
{
	for (size_t i = 0; i < p->nkeys; i++)
		if (p->keys[i].owned)
			free(p->keys[i].s);
	p->nkeys = 0;
}

/* Reads a (dotted) key starting at token t into p->keys; returns the token
 * after it. `where` completes "expected a key ...". */
static enum toml_tok parse_key(struct parser *p, enum toml_tok t, const char *where)
{
	struct toml_lexer *lx = &p->lx;
	clear_keys(p);
	for (;;) {
		if (t == T_MLSTRING)
			toml_fail(lx, lx->at, "a multi-line string cannot be a key");
		if (t != T_BARE && t != T_STRING)
			toml_fail(lx, lx->at, "expected a key %s, found %s", where, found(p, t));
		if (memchr(lx->str, '\0', lx->len))
			toml_fail(lx, lx->at, "keys cannot contain U+0000");
		if (p->nkeys == TOML_MAX_DEPTH)
			toml_fail(lx, lx->at, "key has more than %d parts", TOML_MAX_DEPTH);
		if (p->nkeys == p->capkeys) {
			p->capkeys = p->capkeys ? p->capkeys * 2 : 8;
			p->keys = xrealloc(p->keys, p->capkeys * sizeof(*p->keys));
		}
		p->keys[p->nkeys++] = (struct keyseg){
			.s = xstrndup(lx->str, lx->len), .len = lx->len, .at = lx->at, .owned = true };
		t = toml_lex_key(lx);
		if (t != T_DOT)
			return t;
		t = toml_lex_key(lx);
		where = "after '.'";
	}
}

static struct toml_value *new_value(enum toml_type type, struct srcpos at)
{
	struct toml_value *v = xcalloc(1, sizeof(*v));
	v->type = type;
	v->at = at;
	return v;
}

static struct toml_value *new_table(struct srcpos at)
{
	struct toml_value *v = new_value(TOML_TABLE, at);
	v->u.tab = xcalloc(1, sizeof(*v->u.tab));
	v->u.tab->at = at;
	return v;
}

/* Adds key segment i of p->keys to t (the key string moves into the tree). */
static struct toml_kv *add_key(struct parser *p, struct toml_table *t, size_t i, struct toml_value *v)
{
	p->keys[i].owned = false;
	return toml_table_add(t, p->keys[i].s, p->keys[i].at, v);
}

static const char *kind_of(const struct toml_value *v)
{
	if (v->type == TOML_ARRAY && v->u.arr.of_tables)
		return "an array of tables";
	switch (v->type) {
	case TOML_STRING: return "a string";
	case TOML_INTEGER: return "an integer";
	case TOML_FLOAT: return "a float";
	case TOML_BOOL: return "a boolean";
	case TOML_DATETIME: return "a date-time";
	case TOML_ARRAY: return "an array";
	default: return "a table";
	}
}

/* Resolves the dotted key in p->keys relative to t for `key = value`:
 * creates the intermediate tables, checks every rule, and returns the slot
 * where the value goes (a new kv whose val is still NULL). */
static struct toml_value **define_key(struct parser *p, struct toml_table *t)
{
	struct toml_lexer *lx = &p->lx;
	size_t last = p->nkeys - 1;
	for (size_t i = 0; i < last; i++) {
		struct toml_kv *kv = toml_table_find(t, p->keys[i].s);
		if (!kv) {
			struct toml_value *v = new_table(p->keys[i].at);
			v->u.tab->dotted = true;
			add_key(p, t, i, v);
			t = v->u.tab;
			continue;
		}
		struct toml_value *v = kv->val;
		struct srcpos at = p->keys[i].at;
		if (v->type != TOML_TABLE)
			toml_fail(lx, at, "key '%s' is already %s (defined at %d:%d), not a table",
				  key_name(p, i + 1), kind_of(v), kv->key_at.line, kv->key_at.col);
		struct toml_table *sub = v->u.tab;
		if (sub->is_inline)
			toml_fail(lx, at, "cannot add to inline table '%s' (defined at %d:%d)",
				  key_name(p, i + 1), sub->at.line, sub->at.col);
		if (sub->defined)
			toml_fail(lx, at, "cannot add to table '%s' with a dotted key: it has its own [header] at %d:%d",
				  key_name(p, i + 1), sub->at.line, sub->at.col);
		if (sub->implicit) {
			sub->implicit = false;
			sub->dotted = true;
		}
		t = sub;
	}
	struct toml_kv *kv = toml_table_find(t, p->keys[last].s);
	if (kv) {
		char *q = toml_quote_key(p->keys[last].s, p->keys[last].len);
		free(p->scratch[0]);
		p->scratch[0] = q;
		toml_fail(lx, p->keys[last].at, "duplicate key '%s' (first defined at %d:%d)", q,
			  kv->key_at.line, kv->key_at.col);
	}
	return &add_key(p, t, last, NULL)->val;
}

/* After a complete inline table: it and the tables its dotted keys made
 * are closed for good. */
static void seal(struct toml_table *t)
{
	t->is_inline = true;
	for (size_t i = 0; i < t->n; i++) {
		struct toml_value *v = t->kv[i].val;
		if (v && v->type == TOML_TABLE && !v->u.tab->is_inline)
			seal(v->u.tab);
	}
}

static void parse_value(struct parser *p, struct toml_value **slot, enum toml_tok t, const char *what);

static void enter(struct parser *p)
{
	if (++p->depth > TOML_MAX_DEPTH)
		toml_fail(&p->lx, p->lx.at, "nesting deeper than %d", TOML_MAX_DEPTH);
}

static enum toml_tok next_value_skip_nl(struct toml_lexer *lx)
{
	enum toml_tok t;
	while ((t = toml_lex_value(lx)) == T_NEWLINE)
		;
	return t;
}

static void parse_array(struct parser *p, struct toml_value **slot)
{
	struct toml_lexer *lx = &p->lx;
	struct toml_value *v = *slot = new_value(TOML_ARRAY, lx->at);
	struct srcpos open = lx->at;
	enter(p);
	size_t cap = 0;
	for (;;) {
		enum toml_tok t = next_value_skip_nl(lx);
		if (t == T_RBRACKET)
			break;
		if (v->u.arr.n == cap) {
			cap = cap ? cap * 2 : 4;
			v->u.arr.v = xrealloc(v->u.arr.v, cap * sizeof(*v->u.arr.v));
		}
		v->u.arr.v[v->u.arr.n] = NULL;
		struct toml_value **el = &v->u.arr.v[v->u.arr.n++];
		parse_value(p, el, t, "a value or ']' in array");
		t = next_value_skip_nl(lx);
		if (t == T_RBRACKET)
			break;
		if (t != T_COMMA)
			toml_fail(lx, lx->at, "expected ',' or ']' in array (opened at %d:%d), found %s",
				  open.line, open.col, found(p, t));
	}
	p->depth--;
}

static void parse_inline_table(struct parser *p, struct toml_value **slot)
{
	struct toml_lexer *lx = &p->lx;
	struct toml_value *v = *slot = new_table(lx->at);
	struct toml_table *tab = v->u.tab;
	struct srcpos open = lx->at;
	enter(p);
	enum toml_tok t = toml_lex_key(lx);
	if (t != T_RBRACE) {
		for (;;) {
			if (t == T_NEWLINE)
				toml_fail(lx, lx->at, "newline in inline table (opened at %d:%d): inline tables must be on one line",
					  open.line, open.col);
			t = parse_key(p, t, "in inline table");
			if (t != T_EQ)
				toml_fail(lx, lx->at, "expected '=' after key '%s', found %s", key_name(p, p->nkeys),
					  found(p, t));
			struct toml_value **vs = define_key(p, tab);
			parse_value(p, vs, toml_lex_value(lx), "a value after '='");
			t = toml_lex_key(lx);
			if (t == T_RBRACE)
				break;
			if (t == T_NEWLINE)
				toml_fail(lx, lx->at, "newline in inline table (opened at %d:%d): inline tables must be on one line",
					  open.line, open.col);
			if (t != T_COMMA)
				toml_fail(lx, lx->at, "expected ',' or '}' in inline table (opened at %d:%d), found %s",
					  open.line, open.col, found(p, t));
			t = toml_lex_key(lx);
			if (t == T_RBRACE)
				toml_fail(lx, lx->at, "trailing comma in inline table (opened at %d:%d)", open.line,
					  open.col);
		}
	}
	seal(tab);
	p->depth--;
}

/* t is the first token of the value, lexed in value mode. */
static void parse_value(struct parser *p, struct toml_value **slot, enum toml_tok t, const char *what)
{
	struct toml_lexer *lx = &p->lx;
	struct toml_value *v;
	switch (t) {
	case T_STRING:
	case T_MLSTRING:
		v = *slot = new_value(TOML_STRING, lx->at);
		v->u.str.s = xmalloc(lx->len + 1);
		memcpy(v->u.str.s, lx->str, lx->len + 1);
		v->u.str.len = lx->len;
		return;
	case T_INTEGER:
		v = *slot = new_value(TOML_INTEGER, lx->at);
		v->u.i = lx->ival;
		return;
	case T_FLOAT:
		v = *slot = new_value(TOML_FLOAT, lx->at);
		v->u.f = lx->fval;
		return;
	case T_BOOL:
		v = *slot = new_value(TOML_BOOL, lx->at);
		v->u.b = lx->bval;
		return;
	case T_DATETIME:
		v = *slot = new_value(TOML_DATETIME, lx->at);
		v->u.datetime = xstrndup(lx->str, lx->len);
		return;
	case T_LBRACKET:
		parse_array(p, slot);
		return;
	case T_LBRACE:
		parse_inline_table(p, slot);
		return;
	default:
		toml_fail(lx, lx->at, "expected %s, found %s", what, found(p, t));
	}
}

/* After a value or header: only a comment, then the end of the line. */
static void expect_eol(struct parser *p, const char *after)
{
	enum toml_tok t = toml_lex_key(&p->lx);
	if (t != T_NEWLINE && t != T_EOF)
		toml_fail(&p->lx, p->lx.at, "expected a newline after %s, found %s", after, found(p, t));
}

static void keyval(struct parser *p, enum toml_tok t)
{
	struct toml_lexer *lx = &p->lx;
	t = parse_key(p, t, "");
	if (t != T_EQ)
		toml_fail(lx, lx->at, "expected '=' after key '%s', found %s", key_name(p, p->nkeys), found(p, t));
	struct toml_value **slot = define_key(p, p->cur);
	parse_value(p, slot, toml_lex_value(lx), "a value after '='");
	expect_eol(p, "the value");
}

/* [a.b.c] or [[a.b.c]]: walk from the root, creating implicit tables. */
static void header(struct parser *p, bool array)
{
	struct toml_lexer *lx = &p->lx;
	struct srcpos at = lx->at;
	enum toml_tok t = parse_key(p, toml_lex_key(lx), array ? "after '[['" : "after '['");
	if (t != (array ? T_DRBRACKET : T_RBRACKET))
		toml_fail(lx, lx->at, array ? "expected ']]' after [[%s, found %s" : "expected ']' after [%s, found %s",
			  key_name(p, p->nkeys), found(p, t));

	struct toml_table *tab = p->root;
	size_t last = p->nkeys - 1;
	for (size_t i = 0; i < last; i++) {
		struct toml_kv *kv = toml_table_find(tab, p->keys[i].s);
		if (!kv) {
			struct toml_value *v = new_table(p->keys[i].at);
			v->u.tab->implicit = true;
			add_key(p, tab, i, v);
			tab = v->u.tab;
			continue;
		}
		struct toml_value *v = kv->val;
		if (v->type == TOML_ARRAY && v->u.arr.of_tables) {
			/* [[a]] then [a.b]: b goes into the last [[a]] element. */
			tab = v->u.arr.v[v->u.arr.n - 1]->u.tab;
			continue;
		}
		if (v->type != TOML_TABLE)
			toml_fail(lx, p->keys[i].at, "key '%s' is already %s (defined at %d:%d), not a table",
				  key_name(p, i + 1), kind_of(v), kv->key_at.line, kv->key_at.col);
		if (v->u.tab->is_inline)
			toml_fail(lx, p->keys[i].at, "cannot add to inline table '%s' (defined at %d:%d)",
				  key_name(p, i + 1), v->u.tab->at.line, v->u.tab->at.col);
		tab = v->u.tab;
	}

	struct toml_kv *kv = toml_table_find(tab, p->keys[last].s);
	struct srcpos kat = p->keys[last].at;
	if (!array) {
		if (!kv) {
			struct toml_value *v = new_table(at);
			v->u.tab->defined = true;
			add_key(p, tab, last, v);
			p->cur = v->u.tab;
		} else if (kv->val->type == TOML_TABLE) {
			struct toml_table *sub = kv->val->u.tab;
			const char *name = key_name(p, p->nkeys);
			if (sub->is_inline)
				toml_fail(lx, at, "table [%s] is already defined as an inline table at %d:%d", name,
					  sub->at.line, sub->at.col);
			if (sub->defined)
				toml_fail(lx, at, "table [%s] is defined twice (first at %d:%d)", name, sub->at.line,
					  sub->at.col);
			if (sub->dotted)
				toml_fail(lx, at, "table [%s] was already defined by dotted keys at %d:%d", name,
					  kv->key_at.line, kv->key_at.col);
			sub->implicit = false;
			sub->defined = true;
			sub->at = at;
			p->cur = sub;
		} else if (kv->val->type == TOML_ARRAY && kv->val->u.arr.of_tables) {
			const char *name = key_name(p, p->nkeys);
			toml_fail(lx, at, "table [%s] conflicts with array of tables [[%s]] at %d:%d", name, name,
				  kv->val->at.line, kv->val->at.col);
		} else {
			const char *name = key_name(p, p->nkeys);
			toml_fail(lx, kat, "table [%s] conflicts with key '%s' (defined at %d:%d)", name, name,
				  kv->key_at.line, kv->key_at.col);
		}
	} else {
		struct toml_value *arr;
		if (!kv) {
			arr = new_value(TOML_ARRAY, at);
			arr->u.arr.of_tables = true;
			add_key(p, tab, last, arr);
		} else {
			arr = kv->val;
			const char *name = key_name(p, p->nkeys);
			if (arr->type == TOML_ARRAY && !arr->u.arr.of_tables)
				toml_fail(lx, at, "cannot append to static array '%s' (defined at %d:%d) with [[%s]]", name,
					  kv->key_at.line, kv->key_at.col, name);
			if (arr->type == TOML_TABLE)
				toml_fail(lx, at, "array of tables [[%s]] conflicts with table [%s] at %d:%d", name, name,
					  arr->u.tab->at.line, arr->u.tab->at.col);
			if (arr->type != TOML_ARRAY)
				toml_fail(lx, kat, "array of tables [[%s]] conflicts with key '%s' (defined at %d:%d)", name,
					  name, kv->key_at.line, kv->key_at.col);
		}
		/* Grow by doubling: capacity is the next power of two >= n. */
		size_t n = arr->u.arr.n;
		if ((n & (n - 1)) == 0)
			arr->u.arr.v = xrealloc(arr->u.arr.v, (n ? n * 2 : 1) * sizeof(*arr->u.arr.v));
		struct toml_value *el = new_table(at);
		el->u.tab->defined = true;
		arr->u.arr.v[arr->u.arr.n++] = el;
		p->cur = el->u.tab;
	}
	expect_eol(p, array ? "the [[header]]" : "the [header]");
}

static void document(struct parser *p)
{
	struct toml_lexer *lx = &p->lx;
	for (;;) {
		enum toml_tok t = toml_lex_key(lx);
		switch (t) {
		case T_NEWLINE:
			break;
		case T_EOF:
			return;
		case T_LBRACKET:
			header(p, false);
			break;
		case T_DLBRACKET:
			header(p, true);
			break;
		case T_BARE:
		case T_STRING:
		case T_MLSTRING:
			keyval(p, t);
			break;
		default:
			toml_fail(lx, lx->at, "expected a key or a [table] header, found %s", found(p, t));
		}
	}
}

struct toml_table *toml_parse(const char *file, const char *buf, size_t len, struct diags *d)
{
	/* Lines and columns are ints; no recipe comes near this. */
	if (len > (size_t)INT_MAX) {
		diags_add(d, (struct srcpos){ .file = srcfile_intern(file), .line = 1, .col = 1 },
			  "input too large (%zu bytes; the limit is 2 GiB)", len);
		return NULL;
	}
	struct parser *p = xcalloc(1, sizeof(*p));
	struct toml_lexer *lx = &p->lx;
	int kind;
	unsigned char byte;
	size_t good = toml_utf8_scan((const unsigned char *)buf, len, &kind, &byte);
	unsigned char *copy = xmalloc(good + 1);
	if (good)
		memcpy(copy, buf, good);
	copy[good] = '\0';
	lx->buf = lx->cur = lx->tok = lx->line_start = copy;
	lx->lim = copy + good;
	/* A UTF-8 byte order mark at the very start is not content; columns
	 * count from the byte after it, as editors show them. */
	if (good >= 3 && memcmp(copy, "\xef\xbb\xbf", 3) == 0)
		lx->cur = lx->tok = lx->line_start = copy + 3;
	lx->line = 1;
	lx->file = srcfile_intern(file);
	lx->bad_kind = kind;
	lx->bad_byte = byte;
	lx->diags = d;
	p->root = xcalloc(1, sizeof(*p->root));
	p->root->at = (struct srcpos){ .file = lx->file, .line = 1, .col = 1 };
	p->cur = p->root;

	struct toml_table *volatile result = NULL;
	if (setjmp(lx->fail) == 0) {
		document(p);
		result = p->root;
	} else {
		toml_free(p->root);
	}
	clear_keys(p);
	free(p->keys);
	free(p->scratch[0]);
	free(p->scratch[1]);
	free(lx->str);
	free(copy);
	free(p);
	return result;
}
