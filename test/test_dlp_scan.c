/* The pure pieces around the scan hook: the de-chunker (split anywhere, the
 * payload comes out joined), which environment names count as credentials,
 * and the canaries (each taken for a real credential by its detector, and
 * in the exact-match set as a canary). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/dlp/dlp_int.h"
#include "proxy/scan_dechunk.h"

static const char chunked[] = "19\r\nfirst part ghp_C3J27XDCG2\r\n"
			      "1B;name=val\r\nLmlZGEONYlgCtjfIZ4SO2Hjn6r \r\n"
			      "0\r\nX-Trailer: t1\r\n\r\n";

static void test_dechunk_split_anywhere(void **state)
{
	const char *want = "first part ghp_C3J27XDCG2" "LmlZGEONYlgCtjfIZ4SO2Hjn6r ";
	const char *want_side = ";name=val" "X-Trailer: t1\r\n";
	size_t n = strlen(chunked);
	for (size_t cut = 0; cut <= n; cut++) {
		struct dechunk d = { 0 };
		uint8_t out[sizeof chunked];
		size_t m = dechunk_feed(&d, (const uint8_t *)chunked, cut, out);
		assert_false(d.done && cut < n);
		m += dechunk_feed(&d, (const uint8_t *)chunked + cut, n - cut, out + m);
		assert_true(d.done);
		assert_int_equal(m, strlen(want));
		assert_memory_equal(out, want, m);
		assert_int_equal(d.nside, strlen(want_side));
		assert_memory_equal(d.side, want_side, d.nside);
	}
}

static void test_dechunk_byte_by_byte(void **state)
{
	struct dechunk d = { 0 };
	uint8_t out[sizeof chunked];
	size_t m = 0;
	for (size_t i = 0; i < strlen(chunked); i++)
		m += dechunk_feed(&d, (const uint8_t *)chunked + i, 1, out + m);
	assert_true(d.done);
	assert_non_null(memmem(out, m, "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", 40));
}

static void test_env_names(void **state)
{
	static const char *const yes[] = { "GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "DB_PASSWORD",
					   "openai_api_key", "NPM_AUTH", "GH_PAT", "X_CREDENTIALS" };
	static const char *const no[] = { "PATH", "HOME", "GIT_AUTHOR_NAME", "LD_LIBRARY_PATH",
					  "TERM", "KEYBOARD", "EDITOR" };
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		assert_true(dlp_env_name_is_secret(yes[i], strlen(yes[i])));
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		assert_false(dlp_env_name_is_secret(no[i], strlen(no[i])));
}

struct hit {
	int id;
};

static void on_tok(void *ctx, const struct dlp_detector *d, size_t off, size_t len)
{
	((struct hit *)ctx)->id = d->id;
}

static void test_canaries(void **state)
{
	struct dlp_engine *e = dlp_engine_new(NULL);
	struct dlp_canaries c;
	assert_int_equal(dlp_canaries_make(e, &c), 0);
	assert_int_equal(dlp_engine_nsecrets(e), 4);
	/* real-looking: the detectors take them */
	struct { const char *v; int id; } want[] = {
		{ c.aws_key_id, D_AWS_KEY_ID }, { c.gh_token, D_GH_PAT }, { c.npm_token, D_NPM },
	};
	for (size_t i = 0; i < 3; i++) {
		struct hit h = { D_NONE };
		dlp_scan_tokens(e, (const uint8_t *)want[i].v, strlen(want[i].v), on_tok, &h);
		assert_int_equal(h.id, want[i].id);
	}
	/* and any request carrying one is blocked as a canary */
	char *files[] = { dlp_canary_aws_credentials(&c), dlp_canary_npmrc(&c), dlp_canary_gh_hosts(&c) };
	for (size_t i = 0; i < 3; i++) {
		struct dlp_target t = { "registry.npmjs.org", true };
		struct dlp_request r;
		dlp_request_begin(&r, e, &t);
		dlp_request_body(&r, files[i], strlen(files[i]), NULL);
		assert_int_equal(dlp_request_end(&r, NULL), DLP_BLOCK);
		assert_int_equal(r.findings[0].kind, DLP_KIND_CANARY);
		free(files[i]);
	}
	char *env[8];
	size_t n = dlp_canary_env(&c, env);
	assert_int_equal(n, 4);
	assert_int_equal(strncmp(env[0], "AWS_ACCESS_KEY_ID=AKIA", 22), 0);
	for (size_t i = 0; i < n; i++)
		free(env[i]);
	/* fresh each time */
	struct dlp_canaries c2;
	assert_int_equal(dlp_canaries_make(e, &c2), 0);
	assert_string_not_equal(c.gh_token, c2.gh_token);
	dlp_engine_free(e);
}

/* DNS: names that carry data refused, the names honest tools resolve not. */
static void test_dns(void **state)
{
	assert_true(dlp_label_entropy("abcdefgh", 8) > 0.99);
	assert_true(dlp_label_entropy("aaaaaaaa", 8) < 0.01);
	static const char *const honest[] = {
		"registry.npmjs.org", "api.github.com", "objects.githubusercontent.com",
		"files.pythonhosted.org", "deb.debian.org", "fonts.googleapis.com",
		"github-production-release-asset-2e65be.s3.amazonaws.com", "proxy.golang.org",
		"index.crates.io", "static.crates.io", "codeload.github.com",
	};
	struct dlp_dns_result r;
	for (size_t i = 0; i < sizeof honest / sizeof honest[0]; i++) {
		dlp_dns_check(honest[i], DLP_DEFAULT_DNS_ENTROPY, NULL, &r);
		if (r.refuse)
			print_message("# refused %s: %s\n", honest[i], r.reason);
		assert_false(r.refuse);
	}
	dlp_dns_check("x7k2q9m4ab.p3v8n1z6w0.evil.example", DLP_DEFAULT_DNS_ENTROPY, NULL, &r);
	assert_true(r.refuse);
	assert_non_null(strstr(r.reason, "2 labels"));
	/* The seed's measure (H / log2(len)) is below 0.92 for 16-character
	 * base32 labels (collisions in a 32-letter alphabet): documented. */
	dlp_dns_check("mfrggzdfmztwq2lk.nbswy3dpeb3w64tm.evil.example", DLP_DEFAULT_DNS_ENTROPY, NULL, &r);
	assert_false(r.refuse);
	/* one random label (a CDN's hash) is not enough */
	dlp_dns_check("d1x2y3z4qwerty.cloudfront.net", DLP_DEFAULT_DNS_ENTROPY, NULL, &r);
	assert_false(r.refuse);
	char longname[128];
	snprintf(longname, sizeof longname, "%s.s3.amazonaws.com",
		 "aaaabbbbccccddddeeeeffffgggghhhhiiiijjjjkkkkllllmmmm");
	dlp_dns_check(longname, DLP_DEFAULT_DNS_ENTROPY, "amazonaws.com", &r);
	assert_true(r.refuse);
	dlp_dns_check("bucket.s3.amazonaws.com", DLP_DEFAULT_DNS_ENTROPY, "amazonaws.com", &r);
	assert_false(r.refuse);
}

/* The session budget: high-entropy bytes add up across requests; the one
 * that would pass the limit is refused and not charged. */
static void test_budget(void **state)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char blob[1001];
	uint32_t x = 12345;
	for (int i = 0; i < 1000; i++) {
		x = x * 1103515245 + 12345;
		blob[i] = b64[(x >> 16) & 63];
	}
	blob[1000] = 0;
	const char *prose = "The quick brown fox jumps over the lazy dog, then goes home to sleep.";
	assert_int_equal(dlp_entropy_runs((const uint8_t *)prose, strlen(prose)), 0);
	assert_int_equal(dlp_entropy_runs((const uint8_t *)blob, 1000), 1000);
	struct dlp_engine *e = dlp_engine_new(NULL);
	struct dlp_budget b;
	dlp_budget_init(&b, 2500);
	struct dlp_target t = { "api.example.test", false };
	struct dlp_request r;
	for (int i = 0; i < 2; i++) {
		dlp_request_begin(&r, e, &t);
		r.count_entropy = true;
		dlp_request_body(&r, blob, 1000, NULL);
		assert_int_equal(dlp_request_end(&r, &b), DLP_PASS);
	}
	assert_int_equal(b.used, 2000);
	dlp_request_begin(&r, e, &t);
	r.count_entropy = true;
	dlp_request_body(&r, blob, 1000, NULL);
	assert_int_equal(dlp_request_end(&r, &b), DLP_BLOCK);
	assert_int_equal(r.findings[0].kind, DLP_KIND_BUDGET);
	assert_int_equal(b.used, 2000);
	/* prose costs nothing */
	dlp_request_begin(&r, e, &t);
	r.count_entropy = true;
	dlp_request_body(&r, prose, strlen(prose), NULL);
	assert_int_equal(dlp_request_end(&r, &b), DLP_PASS);
	dlp_engine_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dechunk_split_anywhere),
		cmocka_unit_test(test_dechunk_byte_by_byte),
		cmocka_unit_test(test_env_names),
		cmocka_unit_test(test_canaries),
		cmocka_unit_test(test_dns),
		cmocka_unit_test(test_budget),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
