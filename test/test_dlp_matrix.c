/* The matrix: every detector's first true positive, in every encoding of
 * the chain and nested three deep, in each part of a request (URL, header,
 * JSON body, multipart body, gzip and brotli bodies, a streamed body split
 * at every offset of the token): all blocked, by that detector. Each near
 * miss in the same encodings and an honest corpus: nothing found. Then the
 * exact-match set (canaries, real secrets) through encodings, responses,
 * scopes, the fail-closed bodies and the refusal and event texts. */
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

#include "proxy/dlp/dlp_int.h"

static struct dlp_engine *eng;
static const struct dlp_target nowhere = { "api.example.test", false };

/* ---- encoders (written here, independent of the decoders) ---- */

typedef char *encoder_fn(const char *in, size_t n, size_t *outn);

static char *b64_alpha(const char *in, size_t n, size_t *outn, const char *a)
{
	const uint8_t *p = (const uint8_t *)in;
	char *out = malloc(n * 4 / 3 + 8);
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
	*outn = o;
	return out;
}

static char *enc_b64(const char *in, size_t n, size_t *outn)
{
	return b64_alpha(in, n, outn, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
}

static char *enc_b64url(const char *in, size_t n, size_t *outn)
{
	return b64_alpha(in, n, outn, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
}

/* The token at the second and third byte of a 3-byte group. */
static char *enc_b64_off1(const char *in, size_t n, size_t *outn)
{
	char *t = malloc(n + 2);
	t[0] = ' ';
	memcpy(t + 1, in, n);
	char *o = enc_b64(t, n + 1, outn);
	free(t);
	return o;
}

static char *enc_b64_off2(const char *in, size_t n, size_t *outn)
{
	char *t = malloc(n + 3);
	memcpy(t, "x=", 2);
	memcpy(t + 2, in, n);
	char *o = enc_b64(t, n + 2, outn);
	free(t);
	return o;
}

/* A fragment: the base64 of a longer text, with its first 5 chars cut off
 * (the fragment starts in the middle of a group). */
static char *enc_b64_fragment(const char *in, size_t n, size_t *outn)
{
	char *t = malloc(n + 32);
	memcpy(t, "some text before: ", 18);
	memcpy(t + 18, in, n);
	char *o = enc_b64(t, n + 18, outn);
	memmove(o, o + 5, *outn - 4);
	*outn -= 5;
	free(t);
	return o;
}

static char *enc_hex(const char *in, size_t n, size_t *outn)
{
	char *o = malloc(n * 2 + 1);
	for (size_t i = 0; i < n; i++)
		sprintf(o + 2 * i, "%02x", (uint8_t)in[i]);
	*outn = n * 2;
	return o;
}

/* Every byte escaped: kind 0 percent (%XX), 1 JSON (\\u00XX), 2 HTML
 * (&#xXX;), 3 quoted-printable (=XX). */
static char *enc_each(const char *in, size_t n, size_t *outn, int kind)
{
	char *o = malloc(n * 8 + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)in[i];
		switch (kind) {
		case 0: k += (size_t)sprintf(o + k, "%%%02X", c); break;
		case 1: k += (size_t)sprintf(o + k, "\\u%04x", c); break;
		case 2: k += (size_t)sprintf(o + k, "&#x%x;", c); break;
		default: k += (size_t)sprintf(o + k, "=%02X", c); break;
		}
	}
	*outn = k;
	return o;
}

static char *enc_percent(const char *in, size_t n, size_t *outn)
{
	return enc_each(in, n, outn, 0);
}

static char *enc_json(const char *in, size_t n, size_t *outn)
{
	return enc_each(in, n, outn, 1);
}

static char *enc_html(const char *in, size_t n, size_t *outn)
{
	return enc_each(in, n, outn, 2);
}

static char *enc_qp(const char *in, size_t n, size_t *outn)
{
	return enc_each(in, n, outn, 3);
}

/* A gzip stream inside base64: the chain finds the magic. */
static char *enc_gzip_b64(const char *in, size_t n, size_t *outn)
{
	z_stream z = { 0 };
	deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
	uint8_t buf[8192];
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = buf;
	z.avail_out = sizeof buf;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	size_t zn = sizeof buf - z.avail_out;
	deflateEnd(&z);
	return enc_b64((const char *)buf, zn, outn);
}

static const struct {
	const char *name;
	encoder_fn *fn;
} encoders[] = {
	{ "base64", enc_b64 },           { "base64url", enc_b64url },
	{ "base64+1", enc_b64_off1 },    { "base64+2", enc_b64_off2 },
	{ "base64-fragment", enc_b64_fragment },
	{ "hex", enc_hex },              { "percent", enc_percent },
	{ "json", enc_json },            { "html", enc_html },
	{ "qp", enc_qp },                { "gzip+base64", enc_gzip_b64 },
};
#define NENC (sizeof encoders / sizeof encoders[0])

/* ---- the parts of a request ---- */

enum place { IN_URL, IN_HEADER, IN_JSON, IN_MULTIPART, IN_GZIP, IN_BR, IN_STREAM, NPLACE };
static const char *const place_names[] = { "url", "header", "json", "multipart", "gzip-body",
					   "br-body", "stream" };

static uint8_t *gzip_of(const char *p, size_t n, size_t *zn)
{
	z_stream z = { 0 };
	deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
	size_t cap = deflateBound(&z, n) + 32;
	uint8_t *o = malloc(cap);
	z.next_in = (Bytef *)(uintptr_t)p;
	z.avail_in = (uInt)n;
	z.next_out = o;
	z.avail_out = (uInt)cap;
	deflate(&z, Z_FINISH);
	*zn = cap - z.avail_out;
	deflateEnd(&z);
	return o;
}

static uint8_t *br_of(const char *p, size_t n, size_t *zn)
{
	size_t cap = BrotliEncoderMaxCompressedSize(n) + 32;
	uint8_t *o = malloc(cap);
	*zn = cap;
	BrotliEncoderCompress(5, 22, BROTLI_MODE_TEXT, n, (const uint8_t *)p, zn, o);
	return o;
}

/* Checks `payload` placed in `pl`; returns the request's verdict, and
 * whether a finding named `want` was among them. */
static enum dlp_verdict check_in(enum place pl, const char *payload, size_t n,
				 const struct dlp_target *t, const char *want, bool *found)
{
	struct dlp_request r;
	dlp_request_begin(&r, eng, t);
	char *buf = malloc(n + 512);
	size_t bn;
	switch (pl) {
	case IN_URL:
		bn = (size_t)sprintf(buf, "/v1/items?q=%.*s&page=2", (int)n, payload);
		dlp_request_url(&r, buf, bn);
		break;
	case IN_HEADER:
		dlp_request_header(&r, "x-trace", payload, n);
		break;
	case IN_JSON:
		bn = (size_t)sprintf(buf, "{\"name\":\"build\",\"note\":\"%.*s\",\"n\":3}", (int)n, payload);
		dlp_request_body(&r, buf, bn, NULL);
		break;
	case IN_MULTIPART:
		bn = (size_t)sprintf(buf, "--xyzBOUNDARY\r\nContent-Disposition: form-data; name=\"f\"; "
				     "filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\n%.*s\r\n"
				     "--xyzBOUNDARY--\r\n", (int)n, payload);
		dlp_request_body(&r, buf, bn, NULL);
		break;
	case IN_GZIP:
	case IN_BR: {
		bn = (size_t)sprintf(buf, "{\"note\":\"%.*s\"}", (int)n, payload);
		size_t zn;
		uint8_t *z = pl == IN_GZIP ? gzip_of(buf, bn, &zn) : br_of(buf, bn, &zn);
		dlp_request_body(&r, z, zn, pl == IN_GZIP ? "gzip" : "br");
		free(z);
		break;
	}
	case IN_STREAM: {
		/* 5 KiB of honest text, then the payload split in its middle. */
		char *big = malloc(n + 6000);
		memset(big, 'a', 5000);
		for (int i = 0; i < 5000; i += 50)
			big[i] = ' ';
		big[4999] = ' ';
		memcpy(big + 5000, payload, n);
		memcpy(big + 5000 + n, " end", 4);
		size_t total = 5000 + n + 4, cut = 5000 + n / 2;
		dlp_request_stream_begin(&r, NULL);
		dlp_request_stream_feed(&r, big, cut);
		dlp_request_stream_feed(&r, big + cut, total - cut);
		free(big);
		break;
	}
	default:
		break;
	}
	free(buf);
	enum dlp_verdict v = dlp_request_end(&r, NULL);
	*found = false;
	for (size_t i = 0; i < r.nfindings; i++)
		*found |= want && strcmp(r.findings[i].detector, want) == 0;
	if (!want && r.nfindings)
		print_message("#   found %s (chain '%s')\n", r.findings[0].detector, r.findings[0].chain);
	return v;
}

/* What one detector's sample looks like in one encoding, or nested. */
static char *encode(const char *tp, int e1, int e2, int e3, size_t *n)
{
	size_t len = strlen(tp);
	char *cur = strdup(tp);
	int es[3] = { e1, e2, e3 };
	for (int i = 0; i < 3; i++) {
		if (es[i] < 0)
			continue;
		char *next = encoders[es[i]].fn(cur, len, &len);
		free(cur);
		cur = next;
	}
	*n = len;
	return cur;
}

static void test_matrix(void **state)
{
	int bad = 0, cases = 0;
	for (int id = D_NONE + 1; id < D_COUNT; id++) {
		const struct dlp_detector *d = dlp_detector(id);
		const char *tp = d->tp[0];
		for (int e = -1; e < (int)NENC; e++) {
			size_t n;
			char *enc = encode(tp, e, -1, -1, &n);
			for (int pl = 0; pl < NPLACE; pl++) {
				/* a URL or a header holds no raw newline or quote; the JSON
				 * encodings go where JSON goes */
				bool found;
				enum dlp_verdict v = check_in(pl, enc, n, &nowhere, d->name, &found);
				cases++;
				if (v != DLP_BLOCK || !found) {
					print_message("# %s in %s via %s: verdict %d, found %d\n", d->name,
						      place_names[pl], e < 0 ? "raw" : encoders[e].name, v,
						      found);
					bad++;
				}
			}
			free(enc);
		}
	}
	print_message("# %d cases\n", cases);
	assert_int_equal(bad, 0);
}

/* Three levels: a few combinations of the chain, for every detector. */
static void test_nested_depth3(void **state)
{
	static const int combos[][3] = {
		{ 0, 0, 0 },   /* base64 of base64 of base64 */
		{ 5, 0, 6 },   /* percent of base64 of hex */
		{ 7, 1, 8 },   /* html of base64url of json */
		{ 9, 6, 0 },   /* base64 of percent of qp */
		{ 10, 6, 7 },  /* json of percent of base64(gzip) */
	};
	int bad = 0;
	for (int id = D_NONE + 1; id < D_COUNT; id++) {
		const struct dlp_detector *d = dlp_detector(id);
		for (size_t c = 0; c < sizeof combos / sizeof combos[0]; c++) {
			size_t n;
			char *enc = encode(d->tp[0], combos[c][0], combos[c][1], combos[c][2], &n);
			bool found;
			if (check_in(IN_JSON, enc, n, &nowhere, d->name, &found) != DLP_BLOCK || !found) {
				print_message("# %s nested %s > %s > %s: missed\n", d->name,
					      encoders[combos[c][0]].name, encoders[combos[c][1]].name,
					      encoders[combos[c][2]].name);
				bad++;
			}
			free(enc);
		}
	}
	assert_int_equal(bad, 0);
}

/* A streamed body split at every offset of an encoded token. */
static void test_split_everywhere(void **state)
{
	const char *tp = dlp_detectors[D_GH_PAT].tp[0];
	size_t n;
	char *enc = encode(tp, 0, -1, -1, &n);
	for (size_t cut = 0; cut <= n; cut++) {
		struct dlp_request r;
		dlp_request_begin(&r, eng, &nowhere);
		dlp_request_stream_begin(&r, NULL);
		dlp_request_stream_feed(&r, enc, cut);
		dlp_request_stream_feed(&r, enc + cut, n - cut);
		assert_int_equal(dlp_request_end(&r, NULL), DLP_BLOCK);
	}
	free(enc);
}

static void test_near_misses_encoded(void **state)
{
	int bad = 0;
	for (int id = D_NONE + 1; id < D_COUNT; id++) {
		const struct dlp_detector *d = dlp_detector(id);
		for (const char *const *v = d->near; *v; v++)
			for (int e = -1; e < (int)NENC; e++) {
				size_t n;
				char *enc = encode(*v, e, -1, -1, &n);
				bool found;
				if (check_in(IN_JSON, enc, n, &nowhere, NULL, &found) != DLP_PASS) {
					print_message("# near miss of %s via %s blocked: %.50s\n", d->name,
						      e < 0 ? "raw" : encoders[e].name, *v);
					bad++;
				}
				free(enc);
			}
	}
	assert_int_equal(bad, 0);
}

/* What honest clients send: nothing found. */
static void test_honest(void **state)
{
	static const char *const honest[] = {
		"{\"name\":\"left-pad\",\"version\":\"1.3.0\",\"dist\":{\"integrity\":\"sha512-"
		"lNNYgaBRNvsc6pmg6P3AgOa6b2YbVL1F4aNEXxIF9eUyxjBf6w1GoBKTz+gRAq0Dw6NoKk+NH7thqz"
		"dqnc9mwHQ==\",\"shasum\":\"3f3c2ee8fbe0b6f8e0ec3cd3b0e0f1b0f2a1a9f0\"}}",
		"{\"id\":\"6f1c2a4e-9d3b-4c55-8a77-2b1e0f9c3d42\",\"created\":\"2026-12-03T12:00:00Z\","
		"\"tags\":[\"build\",\"ci\"],\"sha256\":\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b"
		"822cd15d6c15b0f00a08\"}",
		"GET /repos/octo/hello/commits?per_page=100&sha=7fd1a60b01f91b314f59955a4e4d4e80d8edf11d",
		"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
		"YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
		"The quick brown fox: sk-learn, AKIA is a prefix, ghp_ is GitHub's, %20 and &amp; and "
		"=3D are escapes, \\u0041 too.",
		"-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUEXAMPLE\n-----END CERTIFICATE-----",
		"eyJhbGciOiJub25lIn0 is only half a JWT",
	};
	for (size_t i = 0; i < sizeof honest / sizeof honest[0]; i++) {
		bool found;
		for (int pl = 0; pl < NPLACE; pl++) {
			enum dlp_verdict v = check_in(pl, honest[i], strlen(honest[i]), &nowhere, NULL, &found);
			if (v != DLP_PASS)
				print_message("# honest %zu in %s blocked\n", i, place_names[pl]);
			assert_int_equal(v, DLP_PASS);
		}
	}
}

/* A token goes to its home only when the contract allows credentials. */
static void test_scopes(void **state)
{
	const char *tp = dlp_detectors[D_GH_PAT].tp[0];
	const struct dlp_target home = { "api.github.com", true }, home_no = { "api.github.com", false };
	const struct dlp_target other = { "uploads.example.test", true };
	bool found;
	assert_int_equal(check_in(IN_HEADER, tp, strlen(tp), &home, NULL, &found), DLP_PASS);
	assert_int_equal(check_in(IN_HEADER, tp, strlen(tp), &home_no, "github-pat-classic", &found),
			 DLP_BLOCK);
	assert_int_equal(check_in(IN_HEADER, tp, strlen(tp), &other, "github-pat-classic", &found),
			 DLP_BLOCK);
}

static void test_secrets_and_canaries(void **state)
{
	struct dlp_engine *e = dlp_engine_new(NULL);
	const char *real = "correct-horse-battery-staple-42", *canary = "AKIAQWERTYUIOPASDFGH";
	assert_int_equal(dlp_engine_add_secret(e, DLP_SECRET_REAL, "env DEPLOY_PASSWORD", real,
					       strlen(real)), 0);
	assert_int_equal(dlp_engine_add_secret(e, DLP_SECRET_CANARY, "canary env AWS_ACCESS_KEY_ID",
					       canary, strlen(canary)), 0);
	struct dlp_engine *saved = eng;
	eng = e;
	for (int en = -1; en < (int)NENC; en++) {
		size_t n;
		char *enc = encode(real, en, -1, -1, &n);
		bool found;
		assert_int_equal(check_in(IN_JSON, enc, n, &nowhere, "user-secret", &found), DLP_BLOCK);
		assert_true(found);
		free(enc);
	}
	/* a response carrying the canary is refused; a response with a token
	 * (an honest API may return one) is not */
	struct dlp_request r;
	dlp_response_begin(&r, e, &nowhere);
	char body[128];
	snprintf(body, sizeof body, "{\"key\":\"%s\"}", canary);
	dlp_request_body(&r, body, strlen(body), NULL);
	assert_int_equal(dlp_request_end(&r, NULL), DLP_BLOCK);
	assert_int_equal(r.findings[0].kind, DLP_KIND_CANARY);
	assert_int_equal(r.findings[0].where, DLP_IN_RESPONSE);
	dlp_response_begin(&r, e, &nowhere);
	const char *tok = dlp_detectors[D_GH_PAT].tp[0];
	dlp_request_body(&r, tok, strlen(tok), NULL);
	assert_int_equal(dlp_request_end(&r, NULL), DLP_PASS);
	/* the refusal and the event name the label and the fingerprint, never the value */
	dlp_request_begin(&r, e, &nowhere);
	dlp_request_header(&r, "authorization", real, strlen(real));
	assert_int_equal(dlp_request_end(&r, NULL), DLP_BLOCK);
	char *text = dlp_refusal_text(&r), *json = dlp_finding_json(&r.findings[0]);
	print_message("# %s\n# %s\n", text, json);
	assert_null(strstr(text, "horse"));
	assert_null(strstr(json, "horse"));
	assert_non_null(strstr(text, "header authorization"));
	assert_non_null(strstr(text, "env DEPLOY_PASSWORD"));
	assert_non_null(strstr(json, "\"fingerprint\":\"fp:"));
	free(text);
	free(json);
	eng = saved;
	dlp_engine_free(e);
}

/* Bodies that are not what they claim, bombs, unknown codings: blocked. */
static void test_fail_closed_bodies(void **state)
{
	struct dlp_request r;
	const char *plain = "{\"a\":1}";
	dlp_request_begin(&r, eng, &nowhere);
	dlp_request_body(&r, plain, strlen(plain), "gzip");
	assert_int_equal(dlp_request_end(&r, NULL), DLP_BLOCK);
	assert_int_equal(r.findings[0].kind, DLP_KIND_UNDECODABLE);
	dlp_request_begin(&r, eng, &nowhere);
	dlp_request_body(&r, plain, strlen(plain), "compress");
	assert_int_equal(dlp_request_end(&r, NULL), DLP_BLOCK);
	dlp_request_begin(&r, eng, &nowhere);
	dlp_request_body(&r, plain, strlen(plain), "identity");
	assert_int_equal(dlp_request_end(&r, NULL), DLP_PASS);

	size_t n = 96u << 20, zn;
	char *zeros = calloc(1, n);
	uint8_t *z = gzip_of(zeros, n, &zn);
	dlp_request_begin(&r, eng, &nowhere);
	dlp_request_body(&r, z, zn, "gzip");
	assert_int_equal(dlp_request_end(&r, NULL), DLP_BLOCK);
	assert_non_null(strstr(r.findings[0].label, "bomb"));
	/* streamed: stopped at the cap too */
	dlp_request_begin(&r, eng, &nowhere);
	dlp_request_stream_begin(&r, "gzip");
	for (size_t i = 0; i < zn; i += 16384)
		dlp_request_stream_feed(&r, z + i, zn - i < 16384 ? zn - i : 16384);
	assert_int_equal(dlp_request_end(&r, NULL), DLP_BLOCK);
	/* a gzip body cut short */
	size_t hn;
	uint8_t *h = gzip_of("{\"hello\":\"world\"}", 17, &hn);
	dlp_request_begin(&r, eng, &nowhere);
	dlp_request_stream_begin(&r, "gzip");
	dlp_request_stream_feed(&r, h, hn - 4);
	assert_int_equal(dlp_request_end(&r, NULL), DLP_BLOCK);
	dlp_request_begin(&r, eng, &nowhere);
	dlp_request_stream_begin(&r, "gzip");
	dlp_request_stream_feed(&r, h, hn);
	assert_int_equal(dlp_request_end(&r, NULL), DLP_PASS);
	free(h);
	free(z);
	free(zeros);
}

static int setup(void **state)
{
	eng = dlp_engine_new(NULL);
	return eng ? 0 : -1;
}

static int teardown(void **state)
{
	dlp_engine_free(eng);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix),
		cmocka_unit_test(test_nested_depth3),
		cmocka_unit_test(test_split_everywhere),
		cmocka_unit_test(test_near_misses_encoded),
		cmocka_unit_test(test_honest),
		cmocka_unit_test(test_scopes),
		cmocka_unit_test(test_secrets_and_canaries),
		cmocka_unit_test(test_fail_closed_bodies),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
