/* SipHash-2-4 (Aumasson and Bernstein's keyed hash, written from the
 * paper): the fingerprints of findings are keyed with a per-engine random
 * key, so a log line can be matched against other findings of the same
 * sandbox but says nothing about the value itself. */
#include "dlp_int.h"

#include <string.h>

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                                                   \
	do {                                                                                       \
		v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);                          \
		v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                                             \
		v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                                             \
		v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);                          \
	} while (0)

static uint64_t load64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

uint64_t dlp_siphash(const uint8_t key[16], const void *data, size_t n)
{
	const uint8_t *p = data;
	uint64_t k0 = load64(key), k1 = load64(key + 8);
	uint64_t v0 = 0x736f6d6570736575ull ^ k0, v1 = 0x646f72616e646f6dull ^ k1;
	uint64_t v2 = 0x6c7967656e657261ull ^ k0, v3 = 0x7465646279746573ull ^ k1;
	size_t full = n & ~(size_t)7;
	for (size_t i = 0; i < full; i += 8) {
		uint64_t m = load64(p + i);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	uint64_t b = (uint64_t)n << 56;
	for (size_t i = 0; i < (n & 7); i++)
		b |= (uint64_t)p[full + i] << (8 * i);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/* "fp:" + 16 hex digits of the keyed hash of what ("github-pat-classic")
 * and the value: the same value under another detector has another print. */
void dlp_fingerprint(const struct dlp_engine *e, const char *what, const void *p, size_t n,
		     char out[20])
{
	uint8_t key[16];
	memcpy(key, e->fp_key, 16);
	size_t wl = strlen(what);
	for (size_t i = 0; i < wl; i++)
		key[i % 16] ^= (uint8_t)what[i];
	uint64_t h = dlp_siphash(key, p, n);
	static const char hx[] = "0123456789abcdef";
	memcpy(out, "fp:", 3);
	for (int i = 0; i < 16; i++)
		out[3 + i] = hx[(h >> (60 - 4 * i)) & 15];
	out[19] = 0;
}
