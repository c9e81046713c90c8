/* UTF-8 for the TOML reader: one validating pass over the whole input before
 * lexing (so the re2c rules can treat every byte >= 0x80 as text), plus the
 * encoder used by \u and \U escapes. Well-formedness follows Unicode table
 * 3-7: no overlong forms, no surrogates, nothing above U+10FFFF. */
#include "lang/toml_internal.h"
#include "util/util.h"

#include <stdio.h>
#include <string.h>

size_t toml_utf8_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c < 0xe0)
		return 2;
	if (c < 0xf0)
		return 3;
	return 4;
}

static bool is_cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

size_t toml_utf8_scan(const unsigned char *s, size_t len, int *kind, unsigned char *byte)
{
	size_t i = 0;
	while (i < len) {
		unsigned char c = s[i];
		if (c >= 0x01 && c < 0x80) {
			i++;
			continue;
		}
		*byte = c;
		if (c == 0) {
			*kind = TOML_BAD_NUL;
			return i;
		}
		if (c < 0xc2 || c > 0xf4) {
			*kind = c == 0xc0 || c == 0xc1 ? TOML_BAD_OVERLONG : TOML_BAD_BYTE;
			return i;
		}
		size_t n = toml_utf8_len(c);
		/* Every byte of the sequence must be a continuation byte... */
		for (size_t k = 1; k < n; k++) {
			if (i + k >= len || !is_cont(s[i + k])) {
				*kind = TOML_BAD_TRUNCATED;
				return i;
			}
		}
		/* ...and the second byte's range rules out the bad forms. */
		unsigned char c1 = s[i + 1];
		if (c == 0xe0 && c1 < 0xa0) {
			*kind = TOML_BAD_OVERLONG;
			return i;
		}
		if (c == 0xed && c1 > 0x9f) {
			*kind = TOML_BAD_SURROGATE;
			return i;
		}
		if (c == 0xf0 && c1 < 0x90) {
			*kind = TOML_BAD_OVERLONG;
			return i;
		}
		if (c == 0xf4 && c1 > 0x8f) {
			*kind = TOML_BAD_RANGE;
			return i;
		}
		i += n;
	}
	*kind = TOML_BAD_NONE;
	*byte = 0;
	return len;
}

size_t toml_utf8_put(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static bool is_bare(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

char *toml_quote_key(const char *s, size_t len)
{
	bool bare = len > 0;
	for (size_t i = 0; i < len && bare; i++)
		bare = is_bare((unsigned char)s[i]);
	if (bare)
		return xstrndup(s, len);
	/* Worst case: every byte becomes \u00XX (6 bytes), plus quotes. */
	char *out = xmalloc(len * 6 + 3), *o = out;
	*o++ = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': *o++ = '\\'; *o++ = '"'; break;
		case '\\': *o++ = '\\'; *o++ = '\\'; break;
		case '\n': *o++ = '\\'; *o++ = 'n'; break;
		case '\t': *o++ = '\\'; *o++ = 't'; break;
		case '\r': *o++ = '\\'; *o++ = 'r'; break;
		default:
			if (c < 0x20 || c == 0x7f)
				o += sprintf(o, "\\u%04X", c);
			else
				*o++ = (char)c;
		}
	}
	*o++ = '"';
	*o = '\0';
	return out;
}
