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
	if (n && p) /* p NULL: only reserve (dlp_unescape.c) */
		memcpy(b->p + b->n, p, n);
	b->n += n;
}

void dlp_buf_free(struct dlp_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

/* Both alphabets at once, each value plus one ('+' and '-' are 62, '/' and
 * '_' are 63); 0: not base64. */
static const uint8_t b64v[256] = {
#define V(c, v) [c] = (v) + 1
	V('A', 0), V('B', 1), V('C', 2), V('D', 3), V('E', 4), V('F', 5), V('G', 6), V('H', 7),
	V('I', 8), V('J', 9), V('K', 10), V('L', 11), V('M', 12), V('N', 13), V('O', 14),
	V('P', 15), V('Q', 16), V('R', 17), V('S', 18), V('T', 19), V('U', 20), V('V', 21),
	V('W', 22), V('X', 23), V('Y', 24), V('Z', 25),
	V('a', 26), V('b', 27), V('c', 28), V('d', 29), V('e', 30), V('f', 31), V('g', 32),
	V('h', 33), V('i', 34), V('j', 35), V('k', 36), V('l', 37), V('m', 38), V('n', 39),
	V('o', 40), V('p', 41), V('q', 42), V('r', 43), V('s', 44), V('t', 45), V('u', 46),
	V('v', 47), V('w', 48), V('x', 49), V('y', 50), V('z', 51),
	V('0', 52), V('1', 53), V('2', 54), V('3', 55), V('4', 56), V('5', 57), V('6', 58),
	V('7', 59), V('8', 60), V('9', 61),
	V('+', 62), V('-', 62), V('/', 63), V('_', 63),
};

size_t dlp_base64_decode(const uint8_t *p, size_t n, size_t skip, uint8_t *out)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	for (size_t i = skip; i < n; i++) {
		int v = b64v[p[i]] - 1;
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
