/* The scan hook (proxy/scan.c) as the proxy calls it: heads then body
 * pieces, keyed by the connection's head buffer. Attacks on its state: a
 * body piece it has no head for, a piece after the body ended, more
 * requests in flight than it tracks, a token split across chunks, a
 * declared gzip body that is not gzip; and with DLP off, everything
 * passes (so each block below is the scanner's doing). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/policy.h"
#include "proxy/scan.h"

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

static void test_off_passes_everything(void **state)
{
	proxy_scan_teardown();
	struct policy off;
	memset(&off, 0, sizeof off);
	char err[300];
	assert_int_equal(proxy_scan_setup(&off, no_env, NULL, err, sizeof err), 0);
	struct conn c;
	assert_int_equal(head(&c, POST("Authorization: token " TOKEN "\r\n")), PROXY_SCAN_PASS);
	assert_int_equal(body(&c, "anything " TOKEN), PROXY_SCAN_PASS);
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
		cmocka_unit_test(test_off_passes_everything),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
