/* The scan hook (proxy/scan.c) as the proxy calls it: heads then body
 * pieces, keyed by the connection's head buffer. Attacks on its state: a
 * body piece it has no head for, a piece after the body ended, more
 * requests in flight than it tracks, a token split across chunks, a
 * declared gzip body that is not gzip; a token only the whole-body pass
 * can see; and with DLP off, everything passes (so each block below is
 * the scanner's doing). The session's engine (ADR 0264): its
 * supervisor's variables refused, each connection judged under its set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "lang/policy.h"
#include "proxy/proxy.h"
#include "proxy/scan.h"
#include "proxy/scan_set.h"

static struct policy pol;
static char *const no_env[] = { NULL };

static int setup(void **state)
{
	memset(&pol, 0, sizeof pol);
	pol.net.dlp.enabled.set = pol.net.dlp.enabled.v = true;
	char err[300];
	return proxy_scan_setup(&pol, no_env, NULL, err, sizeof err);
}

static int teardown(void **state)
{
	proxy_scan_teardown();
	return 0;
}

/* A connection: its head buffer is the key the hook tracks it by. */
struct conn {
	char head[1024];
	struct proxy_req q;
};

static enum proxy_scan_verdict head(struct conn *c, const char *text)
{
	snprintf(c->head, sizeof c->head, "%s", text);
	c->q = (struct proxy_req){ .method = "POST", .host = "api.example.test", .port = 80,
				   .path = "/x", .head = (const uint8_t *)c->head,
				   .head_len = strlen(c->head) };
	struct proxy_scan_result r;
	proxy_scan_request(&c->q, NULL, 0, &r);
	return r.verdict;
}

static enum proxy_scan_verdict body(struct conn *c, const char *piece)
{
	struct proxy_scan_result r;
	size_t n = strlen(piece);
	proxy_scan_request(&c->q, (const uint8_t *)piece, n, &r);
	c->q.body_seen += n;
	if (r.verdict == PROXY_SCAN_BLOCK)
		print_message("# blocked: %s\n", r.reason);
	return r.verdict;
}

#define TOKEN "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"
#define POST(extra) "POST http://api.example.test/x HTTP/1.1\r\nHost: api.example.test\r\n" extra "\r\n"

static void test_head_token(void **state)
{
	struct conn c;
	assert_int_equal(head(&c, POST("Authorization: token " TOKEN "\r\n")), PROXY_SCAN_BLOCK);
	assert_int_equal(head(&c, POST("X-Id: 42\r\n")), PROXY_SCAN_PASS);
	assert_int_equal(head(&c, "GET http://api.example.test/x?t=" TOKEN " HTTP/1.1\r\n"
				   "Host: api.example.test\r\n\r\n"), PROXY_SCAN_BLOCK);
}

static void test_body_split_across_chunks(void **state)
{
	struct conn c;
	assert_int_equal(head(&c, POST("Transfer-Encoding: chunked\r\n")), PROXY_SCAN_PASS);
	assert_int_equal(body(&c, "f\r\nleak: ghp_C3J27\r\n"), PROXY_SCAN_PASS);
	assert_int_equal(body(&c, "1f\r\nXDCG2LmlZGEONYlgCtjfIZ4SO2Hjn6r \r\n0\r\n\r\n"), PROXY_SCAN_BLOCK);
}

static void test_piece_without_state(void **state)
{
	struct conn c;
	memset(&c, 0, sizeof c);
	c.q = (struct proxy_req){ .method = "POST", .host = "api.example.test", .head = (const uint8_t *)c.head };
	assert_int_equal(body(&c, "no head was scanned for this"), PROXY_SCAN_BLOCK);
	/* after a body ended, its state is gone: a further piece is refused */
	assert_int_equal(head(&c, POST("Content-Length: 5\r\n")), PROXY_SCAN_PASS);
	assert_int_equal(body(&c, "hello"), PROXY_SCAN_PASS);
	assert_int_equal(body(&c, "more"), PROXY_SCAN_BLOCK);
}

static void test_too_many_in_flight(void **state)
{
	static struct conn cs[300];
	for (int i = 0; i < 300; i++)
		assert_int_equal(head(&cs[i], POST("Content-Length: 10\r\n")), PROXY_SCAN_PASS);
	/* the oldest were dropped from the table: refused, not waved through */
	assert_int_equal(body(&cs[0], "0123456789"), PROXY_SCAN_BLOCK);
	assert_int_equal(body(&cs[299], "0123456789"), PROXY_SCAN_PASS);
}

static void test_declared_gzip_not_gzip(void **state)
{
	struct conn c;
	assert_int_equal(head(&c, POST("Content-Encoding: gzip\r\nContent-Length: 11\r\n")),
			 PROXY_SCAN_PASS);
	assert_int_equal(body(&c, "plain text!"), PROXY_SCAN_BLOCK);
	assert_int_equal(head(&c, POST("Content-Encoding: compress\r\nContent-Length: 4\r\n")),
			 PROXY_SCAN_BLOCK);
}

/* base64 of a gzip of 40 KB of noisy text with a token at its end: the
 * windowed scan cannot inflate from the middle of the run, so only the
 * whole-body pass (the body is within max_buffered_body_bytes) finds it,
 * and it refuses the last piece. */
static char *b64_gzip_blob(size_t *outn)
{
	size_t n = 40000;
	char *plain = malloc(n + 64);
	uint32_t x = 7;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245 + 12345;
		plain[i] = "abcdefghijklmnopqrstuvwxyz0123456789 "[(x >> 16) % 37];
	}
	memcpy(plain + n, " " TOKEN " ", 42);
	n += 42;
	z_stream z = { 0 };
	deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
	size_t cap = deflateBound(&z, n);
	uint8_t *gz = malloc(cap);
	z.next_in = (Bytef *)plain;
	z.avail_in = (uInt)n;
	z.next_out = gz;
	z.avail_out = (uInt)cap;
	deflate(&z, Z_FINISH);
	size_t gn = cap - z.avail_out;
	deflateEnd(&z);
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = malloc(gn * 4 / 3 + 16);
	size_t o = 0;
	memcpy(out, "{\"blob\":\"", 9);
	o = 9;
	for (size_t i = 0; i < gn; i += 3) {
		uint32_t v = (uint32_t)gz[i] << 16 | (i + 1 < gn ? (uint32_t)gz[i + 1] << 8 : 0) |
			     (i + 2 < gn ? gz[i + 2] : 0);
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		out[o++] = i + 1 < gn ? a[v >> 6 & 63] : '=';
		out[o++] = i + 2 < gn ? a[v & 63] : '=';
	}
	memcpy(out + o, "\"}", 3);
	o += 2;
	free(plain);
	free(gz);
	*outn = o;
	return out;
}

static enum proxy_scan_verdict send_blob(void)
{
	size_t n;
	char *blob = b64_gzip_blob(&n);
	struct conn c;
	char h[128];
	snprintf(h, sizeof h, POST("Content-Length: %zu\r\n"), n);
	assert_int_equal(head(&c, h), PROXY_SCAN_PASS);
	enum proxy_scan_verdict v = PROXY_SCAN_PASS;
	for (size_t off = 0; off < n && v == PROXY_SCAN_PASS; off += 8192) {
		size_t k = n - off < 8192 ? n - off : 8192;
		char *piece = strndup(blob + off, k);
		v = body(&c, piece);
		free(piece);
		if (v == PROXY_SCAN_BLOCK)
			assert_true(off + k == n); /* the last piece, not before */
	}
	free(blob);
	return v;
}

static void test_whole_body_pass(void **state)
{
	assert_int_equal(send_blob(), PROXY_SCAN_BLOCK);
	/* with max_buffered_body_bytes below the body's size, only the
	 * windowed scan runs, and it cannot see this token (the test can fail) */
	proxy_scan_teardown();
	pol.proxy.max_buffered_body_bytes.set = true;
	pol.proxy.max_buffered_body_bytes.v = 1000;
	char err[300];
	assert_int_equal(proxy_scan_setup(&pol, no_env, NULL, err, sizeof err), 0);
	assert_int_equal(send_blob(), PROXY_SCAN_PASS);
	proxy_scan_teardown();
	pol.proxy.max_buffered_body_bytes.set = false;
	setup(state);
}

/* One piece, with the hold the scan answers (scan.h). */
static enum proxy_scan_verdict body_n(struct conn *c, const char *piece, size_t n, uint64_t *hold)
{
	struct proxy_scan_result r;
	proxy_scan_request(&c->q, (const uint8_t *)piece, n, &r);
	c->q.body_seen += n;
	*hold = r.hold;
	return r.verdict;
}

static void set_max_buffered(void **state, int64_t v)
{
	proxy_scan_teardown();
	pol.proxy.max_buffered_body_bytes.set = v >= 0;
	pol.proxy.max_buffered_body_bytes.v = v;
	char err[300];
	assert_int_equal(proxy_scan_setup(&pol, no_env, NULL, err, sizeof err), 0);
}

/* The hold verdict (ADR 0146): a body within max_buffered_body_bytes is
 * held whole until its last piece passed; a larger one is released only up
 * to a window before what was scanned, so the first part of a token split
 * across pieces has not left when the next piece's scan refuses. */
static void test_hold(void **state)
{
	static char filler[8192];
	memset(filler, 'x', sizeof filler);
	struct conn c;
	uint64_t hold;
	assert_int_equal(head(&c, POST("Content-Length: 24576\r\n")), PROXY_SCAN_PASS);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(body_n(&c, filler, 8192, &hold), PROXY_SCAN_PASS);
		assert_int_equal(hold, c.q.body_seen); /* all of it, the body is small */
	}
	assert_int_equal(body_n(&c, filler, 8192, &hold), PROXY_SCAN_PASS);
	assert_int_equal(hold, 0); /* the end: the whole pipeline passed */

	set_max_buffered(state, 1000);
	/* Content-Length: exact, the last window is held */
	static char piece[8192];
	memset(piece, 'x', sizeof piece);
	memcpy(piece + sizeof piece - 11, " " TOKEN, 11);
	assert_int_equal(head(&c, POST("Content-Length: 24576\r\n")), PROXY_SCAN_PASS);
	assert_int_equal(body_n(&c, filler, 8192, &hold), PROXY_SCAN_PASS);
	assert_int_equal(hold, 4096);
	assert_int_equal(body_n(&c, piece, 8192, &hold), PROXY_SCAN_PASS);
	/* released so far: up to before the token's first byte */
	assert_true(c.q.body_seen - hold <= c.q.body_seen - 10);
	assert_int_equal(hold, 4096);
	static char rest[8192];
	memset(rest, 'x', sizeof rest);
	memcpy(rest, TOKEN + 10, strlen(TOKEN) - 10);
	rest[strlen(TOKEN) - 10] = ' ';
	assert_int_equal(body_n(&c, rest, 8192, &hold), PROXY_SCAN_BLOCK);

	/* chunked, in small chunks: what is released holds a window of
	 * payload behind it whatever the framing */
	assert_int_equal(head(&c, POST("Transfer-Encoding: chunked\r\n")), PROXY_SCAN_PASS);
	uint64_t raw = 0, released = 0, ends[400];
	for (int i = 0; i < 400; i++) {
		char ch[64];
		int n = snprintf(ch, sizeof ch, "10;e=%d\r\n0123456789abcdef\r\n", i);
		assert_int_equal(body_n(&c, ch, (size_t)n, &hold), PROXY_SCAN_PASS);
		ends[i] = raw += (uint64_t)n;
		assert_true(raw - hold >= released); /* never taken back */
		released = raw - hold;
		/* the payload released (16 bytes per chunk before that point)
		 * is at least 4096 bytes behind what was scanned */
		uint64_t pay_released = 0;
		for (int k = 0; k <= i && ends[k] <= released; k++)
			pay_released += 16;
		assert_true(released == 0 || ends[pay_released / 16 - 1] == released);
		assert_true(released == 0 || pay_released + 4096 <= (uint64_t)(i + 1) * 16);
	}
	assert_true(released > 0); /* it does release: the held part stays bounded */
	assert_int_equal(body_n(&c, "0\r\n\r\n", 5, &hold), PROXY_SCAN_PASS);
	assert_int_equal(hold, 0);
	set_max_buffered(state, -1);
}

/* Responses: with canaries planted, one that carries a canary is
 * blocked, even split across two reads; honest bytes and a real token pass
 * (responses are searched for canaries only); without canaries nothing is
 * looked at. */
static void test_response_canary(void **state)
{
	proxy_scan_teardown();
	struct policy p;
	memset(&p, 0, sizeof p);
	p.net.dlp.canary_tokens.set = p.net.dlp.canary_tokens.v = true;
	char err[300];
	assert_int_equal(proxy_scan_setup(&p, no_env, NULL, err, sizeof err), 0);
	const char *gh = NULL;
	for (size_t i = 0; i < p.proc.env.n; i++)
		if (strcmp(p.proc.env.v[i].name, "GITHUB_TOKEN") == 0)
			gh = p.proc.env.v[i].value;
	assert_non_null(gh);
	static char key1, key2, key3;
	struct proxy_scan_result r;
	char a[64], b[64];
	snprintf(a, sizeof a, "HTTP/1.1 200 OK\r\n\r\n{\"t\":\"%.12s", gh);
	snprintf(b, sizeof b, "%s\"}", gh + 12);
	proxy_scan_response(&key1, "api.example.test", (const uint8_t *)a, strlen(a), &r);
	assert_int_equal(r.verdict, PROXY_SCAN_PASS);
	proxy_scan_response(&key1, "api.example.test", (const uint8_t *)b, strlen(b), &r);
	assert_int_equal(r.verdict, PROXY_SCAN_BLOCK);
	assert_non_null(strstr(r.reason, "canary (canary GITHUB_TOKEN) in the response"));
	assert_null(strstr(r.reason, gh));
	const char *honest = "HTTP/1.1 200 OK\r\n\r\n{\"token\":\"" TOKEN "\"}";
	proxy_scan_response(&key2, "api.example.test", (const uint8_t *)honest, strlen(honest), &r);
	assert_int_equal(r.verdict, PROXY_SCAN_PASS);
	/* a connection forgotten starts over: the second half alone is no canary */
	proxy_scan_response(&key3, "api.example.test", (const uint8_t *)a, strlen(a), &r);
	proxy_scan_forget(&key3);
	proxy_scan_response(&key3, "api.example.test", (const uint8_t *)b, strlen(b), &r);
	assert_int_equal(r.verdict, PROXY_SCAN_PASS);
	char whole[128];
	snprintf(whole, sizeof whole, "%s%s", a, b);
	proxy_scan_teardown();
	assert_int_equal(setup(state), 0); /* no canaries: responses are not scanned */
	proxy_scan_response(&key1, "api.example.test", (const uint8_t *)whole, strlen(whole), &r);
	assert_int_equal(r.verdict, PROXY_SCAN_PASS);
	for (size_t i = 0; i < p.proc.env.n; i++) {
		free(p.proc.env.v[i].name);
		free(p.proc.env.v[i].value);
	}
	free(p.proc.env.v);
}

static void test_off_passes_everything(void **state)
{
	proxy_scan_teardown();
	struct policy off;
	memset(&off, 0, sizeof off);
	off.net.dlp.enabled.set = true; /* enabled = false: the opt-out */
	off.net.dlp.enabled.v = false;
	char err[300];
	assert_int_equal(proxy_scan_setup(&off, no_env, NULL, err, sizeof err), 0);
	struct conn c;
	assert_int_equal(head(&c, POST("Authorization: token " TOKEN "\r\n")), PROXY_SCAN_PASS);
	assert_int_equal(body(&c, "anything " TOKEN), PROXY_SCAN_PASS);
	proxy_scan_teardown();
	setup(state);
}

/* Behind the proxy DLP is on unless a layer says false (docs/dlp.md). */
static void test_unset_is_on(void **state)
{
	proxy_scan_teardown();
	struct policy p;
	memset(&p, 0, sizeof p);
	char err[300];
	assert_int_equal(proxy_scan_setup(&p, no_env, NULL, err, sizeof err), 0);
	struct conn c;
	assert_int_equal(head(&c, POST("Authorization: token " TOKEN "\r\n")), PROXY_SCAN_BLOCK);
	proxy_scan_teardown();
	setup(state);
}

/* A session's engine: the supervisor's credential-named variable is
 * refused; a set is off only when every policy is; a JWT (no home) goes
 * to a host only when every policy of the set allows credentials there. */
#define JWT "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
static void test_session_sets(void **state)
{
	proxy_scan_teardown();
	char *const env[] = { "MY_SERVICE_TOKEN=quartz-Velvet-harbor-7731-Pinecone", "PLAIN=x", NULL };
	char err[300];
	assert_int_equal(proxy_scan_setup_session(env, NULL, err, sizeof err), 0);
	struct policy on, off, cred;
	memset(&on, 0, sizeof on);
	memset(&off, 0, sizeof off);
	memset(&cred, 0, sizeof cred);
	off.net.dlp.enabled.set = true;
	struct host_rule *h = policy_add_host(&cred);
	static char dom[] = "api.example.test";
	h->domain.s = dom;
	h->allow_credentials.set = h->allow_credentials.v = true;
	struct policy_set s_on = { { &on }, 1 }, s_off = { { &off }, 1 },
			  s_mixed = { { &off, &on }, 2 }, s_offs = { { &off, &off }, 2 },
			  s_cred = { { &cred }, 1 }, s_credmixed = { { &cred, &on }, 2 };
	assert_false(scan_set_dlp_off(NULL));
	assert_false(scan_set_dlp_off(&s_on));
	assert_true(scan_set_dlp_off(&s_off));
	assert_true(scan_set_dlp_off(&s_offs));
	assert_false(scan_set_dlp_off(&s_mixed));
	assert_true(scan_set_allows_credentials(&s_cred, "api.example.test"));
	assert_false(scan_set_allows_credentials(&s_cred, "other.example.test"));
	assert_false(scan_set_allows_credentials(&s_credmixed, "api.example.test"));
	assert_false(scan_set_allows_credentials(NULL, "api.example.test"));

	struct conn c;
	const char *secret = POST("X-Data: quartz-Velvet-harbor-7731-Pinecone\r\n");
	const char *jwt = POST("Authorization: Bearer " JWT "\r\n");
	const struct { const struct policy_set *set; const char *head; enum proxy_scan_verdict v; } cases[] = {
		{ &s_on, POST("X-Hello: world\r\n"), PROXY_SCAN_PASS },
		{ &s_on, secret, PROXY_SCAN_BLOCK },
		{ &s_mixed, secret, PROXY_SCAN_BLOCK },
		{ &s_offs, secret, PROXY_SCAN_PASS },
		{ &s_on, jwt, PROXY_SCAN_BLOCK },
		{ &s_cred, jwt, PROXY_SCAN_PASS },
		{ &s_cred, secret, PROXY_SCAN_BLOCK }, /* the user's secret has no home */
		{ &s_credmixed, jwt, PROXY_SCAN_BLOCK },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(c.head, sizeof c.head, "%s", cases[i].head);
		c.q = (struct proxy_req){ .method = "POST", .host = "api.example.test", .port = 80,
					  .path = "/x", .head = (const uint8_t *)c.head,
					  .head_len = strlen(c.head), .set = cases[i].set };
		struct proxy_scan_result r;
		proxy_scan_request(&c.q, NULL, 0, &r);
		print_message("# case %zu: %s\n", i, r.reason);
		assert_int_equal(r.verdict, cases[i].v);
		proxy_scan_forget(c.head);
	}
	struct proxy_scan_result r;
	proxy_scan_host_set("x7k2q9m4ab.p3v8n1z6w0.evil.example", NULL, &s_on, &r);
	assert_int_equal(r.verdict, PROXY_SCAN_BLOCK);
	proxy_scan_host_set("x7k2q9m4ab.p3v8n1z6w0.evil.example", NULL, &s_off, &r);
	assert_int_equal(r.verdict, PROXY_SCAN_PASS);
	h->domain.s = NULL; /* not ours to free */
	free(cred.hosts);
	proxy_scan_teardown();
	setup(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_head_token),
		cmocka_unit_test(test_body_split_across_chunks),
		cmocka_unit_test(test_piece_without_state),
		cmocka_unit_test(test_too_many_in_flight),
		cmocka_unit_test(test_declared_gzip_not_gzip),
		cmocka_unit_test(test_whole_body_pass),
		cmocka_unit_test(test_hold),
		cmocka_unit_test(test_response_canary),
		cmocka_unit_test(test_off_passes_everything),
		cmocka_unit_test(test_unset_is_on),
		cmocka_unit_test(test_session_sets),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
