/* Decoders used by the validators and the secret collection: base64 (both
 * alphabets at once, whitespace skipped) and hex, and a growable buffer. */
#include "dlp_int.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

void dlp_buf_put(struct dlp_buf *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = b->cap * 2 > b->n + n ? b->cap * 2 : b->n + n + 64;
		b->p = xrealloc(b->p, b->cap);
	}
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
}

void dlp_buf_free(struct dlp_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

static int b64val(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

size_t dlp_base64_decode(const uint8_t *p, size_t n, size_t skip, uint8_t *out)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	for (size_t i = skip; i < n; i++) {
		int v = b64val(p[i]);
		if (v < 0) {
			if (p[i] == '\r' || p[i] == '\n' || p[i] == ' ')
				continue;
			break; /* '=' or anything else ends it */
		}
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	return o;
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t dlp_hex_decode(const uint8_t *p, size_t n, size_t skip, uint8_t *out)
{
	size_t o = 0;
	for (size_t i = skip; i + 1 < n; i += 2) {
		int a = hexval(p[i]), b = hexval(p[i + 1]);
		if (a < 0 || b < 0)
			break;
		out[o++] = (uint8_t)(a << 4 | b);
	}
	return o;
}
