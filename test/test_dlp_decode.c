/* The decoders of the DLP chain, each a pure function: percent, JSON, HTML,
 * quoted-printable, base64 at every offset, hex, and the decompressors with
 * their caps (real zlib, brotli and zstd streams made here, a real bomb). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <brotli/encode.h>
#include <zlib.h>
#include <zstd.h>

#include "proxy/dlp/dlp_int.h"

typedef size_t decoder_fn(const uint8_t *p, size_t n, struct dlp_buf *out);

static void check(decoder_fn *fn, const char *in, const char *want, size_t want_undone)
{
	struct dlp_buf b = { 0 };
	size_t undone = fn((const uint8_t *)in, strlen(in), &b);
	dlp_buf_put(&b, "", 1);
	if (strcmp((char *)b.p, want) != 0 || undone != want_undone)
		print_message("# in %s: got '%s' (%zu undone), want '%s' (%zu)\n", in, b.p, undone, want,
			      want_undone);
	assert_string_equal((char *)b.p, want);
	assert_int_equal(undone, want_undone);
	dlp_buf_free(&b);
}

static void test_percent(void **state)
{
	check(dlp_percent_decode, "a%41%4a%zz%4", "aAJ%zz%4", 2);
	check(dlp_percent_decode, "%67hp_%2F", "ghp_/", 2);
	check(dlp_percent_decode, "plain+text", "plain+text", 0); /* '+' stays: base64 needs it */
	check(dlp_percent_decode, "%", "%", 0);
}

static void test_json(void **state)
{
	check(dlp_json_unescape, "\\u0067hp\\/x\\\"", "ghp/x\"", 3);
	check(dlp_json_unescape, "\\ud83d\\ude00", "\xf0\x9f\x98\x80", 1); /* a surrogate pair */
	check(dlp_json_unescape, "\\u00e9\\n", "\xc3\xa9\n", 2);
	check(dlp_json_unescape, "\\uZZZZ\\q\\", "\\uZZZZ\\q\\", 0);
	check(dlp_json_unescape, "\\u006", "\\u006", 0); /* truncated */
}

static void test_html(void **state)
{
	check(dlp_html_unescape, "&#103;&#x68;p&amp;&lt;&lowbar;", "ghp&<_", 5);
	check(dlp_html_unescape, "&bogus; &#; &#x; &amp", "&bogus; &#; &#x; &amp", 0);
	check(dlp_html_unescape, "&#X2F;&#99999999999;", "/&#99999999999;", 1);
}

static void test_qp(void **state)
{
	check(dlp_qp_decode, "a=3Db=\r\nc=4", "a=bc=4", 2);
	check(dlp_qp_decode, "x=\ny=67", "xyg", 2);
	check(dlp_qp_decode, "=zz==", "=zz==", 0);
}

static void test_unescape_combined(void **state)
{
	struct dlp_buf b = { 0 };
	const char *in = "%5Cu0067&#x68;p";
	unsigned m = dlp_unescape((const uint8_t *)in, strlen(in), &b);
	assert_int_equal(m, DLP_UN_PERCENT | DLP_UN_JSON | DLP_UN_HTML);
	assert_int_equal(b.n, 3);
	assert_memory_equal(b.p, "ghp", 3);
	dlp_buf_free(&b);
}

static size_t b64enc(const uint8_t *p, size_t n, char *out, bool url)
{
	const char *a = url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
			    : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
			     (i + 2 < n ? p[i + 2] : 0);
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		out[o++] = i + 1 < n ? a[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? a[v & 63] : '=';
	}
	out[o] = 0;
	return o;
}

/* A fragment cut anywhere from a base64 text decodes right at one of the
 * four starting offsets. */
static void test_base64_offsets(void **state)
{
	const char *plain = "the secret is 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, keep it";
	char enc[200];
	size_t n = b64enc((const uint8_t *)plain, strlen(plain), enc, true);
	for (size_t cut = 0; cut < 8; cut++) {
		bool found = false;
		for (size_t skip = 0; skip < 4; skip++) {
			uint8_t out[200];
			size_t m = dlp_base64_decode((const uint8_t *)enc + cut, n - cut, skip, out);
			found |= memmem(out, m, "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", 40) != NULL;
		}
		assert_true(found);
	}
}

static void test_hex(void **state)
{
	uint8_t out[8];
	assert_int_equal(dlp_hex_decode((const uint8_t *)"x6768", 5, 1, out), 2);
	assert_memory_equal(out, "gh", 2);
	assert_int_equal(dlp_hex_decode((const uint8_t *)"67zz", 4, 0, out), 1);
}

/* ---- compression ---- */

static uint8_t *zlib_make(const uint8_t *p, size_t n, int wbits, size_t *outn)
{
	z_stream z = { 0 };
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, wbits, 9, Z_DEFAULT_STRATEGY), Z_OK);
	size_t cap = deflateBound(&z, n) + 64;
	uint8_t *o = malloc(cap);
	z.next_in = (Bytef *)(uintptr_t)p;
	z.avail_in = (uInt)n;
	z.next_out = o;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*outn = cap - z.avail_out;
	deflateEnd(&z);
	return o;
}

static uint8_t *compress_as(enum dlp_codec c, const uint8_t *p, size_t n, size_t *outn)
{
	if (c == DLP_CODEC_GZIP)
		return zlib_make(p, n, 16 + 15, outn);
	if (c == DLP_CODEC_DEFLATE)
		return zlib_make(p, n, 15, outn);
	if (c == DLP_CODEC_BR) {
		size_t cap = BrotliEncoderMaxCompressedSize(n) + 64;
		uint8_t *o = malloc(cap);
		*outn = cap;
		assert_true(BrotliEncoderCompress(9, 22, BROTLI_MODE_GENERIC, n, p, outn, o));
		return o;
	}
	size_t cap = ZSTD_compressBound(n);
	uint8_t *o = malloc(cap);
	*outn = ZSTD_compress(o, cap, p, n, 19);
	assert_false(ZSTD_isError(*outn));
	return o;
}

static void test_inflate_roundtrip(void **state)
{
	static const char text[] = "POST body with a token 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 inside";
	for (int c = DLP_CODEC_GZIP; c <= DLP_CODEC_ZSTD; c++) {
		size_t zn;
		uint8_t *z = compress_as(c, (const uint8_t *)text, sizeof text, &zn);
		struct dlp_buf out = { 0 };
		assert_int_equal(dlp_inflate(c, z, zn, 1 << 20, 200, &out), DLP_INFLATE_OK);
		assert_int_equal(out.n, sizeof text);
		assert_memory_equal(out.p, text, sizeof text);
		dlp_buf_free(&out);
		/* the same, streamed a byte at a time */
		struct dlp_inflater *s = dlp_inflater_new(c, 1 << 20, 200);
		for (size_t i = 0; i < zn; i++)
			assert_int_equal(dlp_inflater_feed(s, z + i, 1, &out), DLP_INFLATE_OK);
		assert_int_equal(dlp_inflater_finish(s), DLP_INFLATE_OK);
		assert_int_equal(out.n, sizeof text);
		dlp_inflater_free(s);
		dlp_buf_free(&out);
		/* truncated: not what it claims */
		assert_int_equal(dlp_inflate(c, z, zn - 3, 1 << 20, 200, &out), DLP_INFLATE_CORRUPT);
		dlp_buf_free(&out);
		free(z);
	}
	/* raw deflate, as some clients send it */
	size_t zn;
	uint8_t *z = zlib_make((const uint8_t *)text, sizeof text, -15, &zn);
	struct dlp_buf out = { 0 };
	assert_int_equal(dlp_inflate(DLP_CODEC_DEFLATE, z, zn, 1 << 20, 200, &out), DLP_INFLATE_OK);
	assert_int_equal(out.n, sizeof text);
	dlp_buf_free(&out);
	free(z);
}

static void test_inflate_corrupt(void **state)
{
	static const uint8_t junk[] = "this is not compressed at all, just text";
	for (int c = DLP_CODEC_GZIP; c <= DLP_CODEC_ZSTD; c++) {
		struct dlp_buf out = { 0 };
		assert_int_equal(dlp_inflate(c, junk, sizeof junk, 1 << 20, 200, &out), DLP_INFLATE_CORRUPT);
		dlp_buf_free(&out);
	}
}

/* 64 MiB of zeros compress to ~64 KiB (gzip) or less: each codec stops at
 * the size cap, and at the ratio cap when the size cap is out of reach,
 * and never holds much more than the cap. */
static void test_bombs(void **state)
{
	size_t n = 64u << 20;
	uint8_t *zeros = calloc(1, n);
	for (int c = DLP_CODEC_GZIP; c <= DLP_CODEC_ZSTD; c++) {
		size_t zn;
		uint8_t *z = compress_as(c, zeros, n, &zn);
		print_message("# %s: 64 MiB of zeros in %zu bytes\n", dlp_codec_name(c), zn);
		struct dlp_buf out = { 0 };
		assert_int_equal(dlp_inflate(c, z, zn, 1 << 20, 1u << 30, &out), DLP_INFLATE_BOMB);
		assert_true(out.n <= (1 << 20));
		dlp_buf_free(&out);
		assert_int_equal(dlp_inflate(c, z, zn, 1u << 30, 200, &out), DLP_INFLATE_BOMB);
		assert_true(out.n <= 200 * zn + 65536 + 16384);
		dlp_buf_free(&out);
		free(z);
	}
	free(zeros);
}

static void test_codec_parse(void **state)
{
	assert_int_equal(dlp_codec_parse(" GZip ", 6), DLP_CODEC_GZIP);
	assert_int_equal(dlp_codec_parse("br", 2), DLP_CODEC_BR);
	assert_int_equal(dlp_codec_parse("identity", 8), -1);
	assert_int_equal(dlp_codec_parse("compress", 8), -2);
}

static void test_texty(void **state)
{
	assert_true(dlp_is_texty((const uint8_t *)"hello, world\n", 13));
	uint8_t noise[256];
	for (int i = 0; i < 256; i++)
		noise[i] = (uint8_t)(i * 37 + 11);
	assert_false(dlp_is_texty(noise, sizeof noise));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_percent),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_qp),
		cmocka_unit_test(test_unescape_combined),
		cmocka_unit_test(test_base64_offsets),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_inflate_roundtrip),
		cmocka_unit_test(test_inflate_corrupt),
		cmocka_unit_test(test_bombs),
		cmocka_unit_test(test_codec_parse),
		cmocka_unit_test(test_texty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
