/* Private to the TOML reader: the lexer state shared by toml_lex.re (the
 * re2c scanner) and toml_parse.c (the parser that builds the toml.h tree).
 *
 * Errors do not travel back up as return codes: toml_fail() appends the one
 * diagnostic and longjmps to toml_parse(), which frees everything reachable
 * from the parser state. Every allocation is attached to that state (or to
 * the tree) before anything that could fail runs, so nothing leaks. */
#ifndef CAN_TOML_INTERNAL_H
#define CAN_TOML_INTERNAL_H

#include "lang/toml.h"

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum toml_tok {
	T_EOF,
	T_NEWLINE,
	T_EQ,       /* = */
	T_DOT,      /* . */
	T_COMMA,    /* , */
	T_LBRACKET, /* [ */
	T_RBRACKET, /* ] */
	T_DLBRACKET, /* [[ (key mode only) */
	T_DRBRACKET, /* ]] (key mode only) */
	T_LBRACE,   /* { */
	T_RBRACE,   /* } */
	T_BARE,     /* bare key: [A-Za-z0-9_-]+ (key mode); text in str */
	T_STRING,   /* basic or literal string, decoded into str */
	T_MLSTRING, /* multi-line string, decoded into str */
	T_INTEGER,  /* ival */
	T_FLOAT,    /* fval */
	T_BOOL,     /* bval */
	T_DATETIME, /* validated text in str */
	T_OTHER,    /* a character no rule of this mode accepts */
};

/* The lexer scans a private copy of the input that ends in a NUL sentinel.
 * The copy stops at the first NUL byte or invalid UTF-8 sequence (found by
 * toml_utf8_scan before lexing): reaching the sentinel early means "the
 * encoding error comes next", so that error is reported in document order. */
struct toml_lexer {
	const unsigned char *buf;  /* copy of the input, NUL at buf[lim - buf] */
	const unsigned char *lim;  /* the sentinel */
	const unsigned char *cur;  /* scan position */
	const unsigned char *tok;  /* start of the current token */
	const unsigned char *mark; /* re2c backtracking */
	const unsigned char *line_start;
	int line;
	const char *file; /* interned */

	/* Why the input was cut at lim (0 when lim is the real end of input). */
	int bad_kind;
	unsigned char bad_byte;

	struct srcpos at; /* position of the current token */
	char *str;        /* token text / decoded string, NUL-terminated */
	size_t len, cap;
	int64_t ival;
	double fval;
	bool bval;

	struct diags *diags;
	jmp_buf fail;
};

enum toml_tok toml_lex_key(struct toml_lexer *lx);
enum toml_tok toml_lex_value(struct toml_lexer *lx);

/* Position of pointer p (on the current line or later lines already counted). */
struct srcpos toml_pos(const struct toml_lexer *lx, const unsigned char *p);

/* Appends one diagnostic and unwinds to toml_parse(). */
_Noreturn void toml_fail(struct toml_lexer *lx, struct srcpos at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The sentinel was reached: either the real end of input (returns) or the
 * encoding error found at lim (reports it and does not return). */
void toml_check_cut(struct toml_lexer *lx);

/* UTF-8 validation of the whole input (toml_utf8.c). Returns the offset of
 * the first NUL byte or ill-formed sequence, or len when there is none;
 * *kind and *byte say what was found there. */
enum { TOML_BAD_NONE, TOML_BAD_NUL, TOML_BAD_BYTE, TOML_BAD_OVERLONG,
       TOML_BAD_SURROGATE, TOML_BAD_RANGE, TOML_BAD_TRUNCATED };
size_t toml_utf8_scan(const unsigned char *s, size_t len, int *kind, unsigned char *byte);
/* Encodes code point cp (valid scalar value) into out; returns the byte count. */
size_t toml_utf8_put(uint32_t cp, char out[4]);
/* Length of the UTF-8 sequence starting at s (already validated), 1..4. */
size_t toml_utf8_len(unsigned char c);

/* A key or short text rendered for a message: bare-key characters as they
 * are, anything else as a TOML basic string with escapes. Caller frees. */
char *toml_quote_key(const char *s, size_t len);

/* Table internals (toml_value.c): find a direct child's kv, or append one
 * (the key must be absent; `key` is taken over). */
struct toml_kv *toml_table_find(const struct toml_table *t, const char *key);
struct toml_kv *toml_table_add(struct toml_table *t, char *key, struct srcpos key_at, struct toml_value *val);

#endif
