/* The generic detector (proxy/dlp/dlp_generic.c): true positives, each a
 * random-looking value under a credential-like name in the places clients
 * put them (query, JSON, assignments, headers), and near misses that must
 * pass: honest names with high-entropy values (CSRF tokens, page tokens,
 * hashes, UUIDs, integrity strings), placeholders, wordy values. Then the
 * verdicts through the engine: a warning, a refusal under --strict, and
 * nothing to a host whose contract allows credentials. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxy/dlp/dlp_int.h"

struct vec {
	const char *header; /* a header's name, or NULL: a URL or body */
	const char *text;
};

static const struct vec tp[] = {
	{ NULL, "/v1/items?api_key=Zk3Qp9LmX2vB7nR4tY8w&page=2" },
	{ NULL, "{\"client_secret\": \"8fJ2kLq9ZxP4mN7vB3cR6tY1wQ5e\"}" },
	{ NULL, "SECRET_KEY = 'q7Xz2Lp9Kd4Mv8Nb3Rt6Yw1'" },
	{ NULL, "password=Tr0ub4dor3xQ9zL2mK7&user=jane" },
	{ NULL, "{\"webhook_secret\":\"3f9a1c7e5b2d8f4a6c0e9b1d7f3a5c8e\"}" },
	{ NULL, "db:\n  auth_token: Qm9Xc2Vy7Lp4Kd8Zn1Vb6" },
	{ "x-api-key", "4fG7hJ2kL9mN3pQ6rS8tV1wX" },
	{ "authorization", "Bearer 9sD3fG7hJ2kL4mN8pQ1rT6vW" },
	{ "private-token", "aB3dE5fG7hJ9kL1mN3pQ" },
	{ "x-auth-token", "Zk3Qp9LmX2vB7nR4tY8wQ5e1" },
};

static const struct vec near[] = {
	{ NULL, "{\"csrf_token\": \"Zk3Qp9LmX2vB7nR4tY8wQ5e1\"}" },
	{ NULL, "/v1/list?pageToken=Zk3Qp9LmX2vB7nR4tY8w" },
	{ NULL, "authenticity_token=Zk3Qp9LmX2vB7nR4tY8wQ5e1&commit=Save" },
	{ NULL, "{\"token\": \"your_api_token_here_123\"}" },
	{ NULL, "{\"api_key\": \"${API_KEY}\"}" },
	{ NULL, "{\"secret\": \"changeme\"}" },
	{ NULL, "{\"password\": \"correct-horse-battery-staple\"}" },
	{ NULL, "{\"sha256\": \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"}" },
	{ NULL, "{\"id\": \"6f1c2a4e-9d3b-4c55-8a77-2b1e0f9c3d42\"}" },
	{ NULL, "{\"author\": \"Jane Doe <jane@example.com>\", \"token_type\": \"Bearer\"}" },
	{ NULL, "{\"max_tokens\": 4096, \"access_token_expires_in\": 3600}" },
	{ NULL, "{\"integrity\": \"sha512-lNNYgaBRNvsc6pmg6P3AgOa6b2YbVL1F4aNEXxIF9eUyxjBf6w1GoBKTz\"}" },
	{ NULL, "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
	{ NULL, "{\"cache_key\": \"node_modules_cache_key_v2\"}" },
	{ NULL, "{\"session_key\": \"build-cache-production-2024\"}" },
	{ NULL, "{\"secret_name\": \"ServiceAccountName2\"}" },
	{ NULL, "{\"nonce\": \"Zk3Qp9LmX2vB7nR4tY8wQ5e1\", \"state\": \"Qm9Xc2Vy7Lp4Kd8Zn1Vb6\"}" },
	{ NULL, "{\"next_cursor\": \"Zk3Qp9LmX2vB7nR4tY8wQ5e1\"}" },
	{ NULL, "{\"token\": \"aaaaaaaaaaaaaaaaaaaaaaaa1\"}" },
	{ NULL, "{\"commit\": \"7fd1a60b01f91b314f59955a4e4d4e80d8edf11d\"}" },
	{ "authorization", "Basic dXNlcjpwYXNz" },
	{ "x-request-id", "6f1c2a4e9d3b4c558a772b1e0f9c3d42" },
	{ "x-csrf-token", "Zk3Qp9LmX2vB7nR4tY8wQ5e1" },
};

static size_t find(const struct vec *v)
{
	struct dlp_span s[8];
	return dlp_generic_find((const uint8_t *)v->text, strlen(v->text), v->header, s, 8);
}

static void test_vectors(void **state)
{
	int bad = 0;
	for (size_t i = 0; i < sizeof tp / sizeof tp[0]; i++)
		if (find(&tp[i]) != 1) {
			print_message("# missed: %s %s\n", tp[i].header ? tp[i].header : "", tp[i].text);
			bad++;
		}
	for (size_t i = 0; i < sizeof near / sizeof near[0]; i++)
		if (find(&near[i]) != 0) {
			print_message("# found in honest: %s %s\n", near[i].header ? near[i].header : "",
				      near[i].text);
			bad++;
		}
	assert_int_equal(bad, 0);
}

static void test_key_names(void **state)
{
	static const char *const yes[] = { "api_key", "X-Api-Key", "client_secret", "DB_PASSWORD",
					   "auth", "npm_auth", "GITLAB_PRIVATE_TOKEN", "sentry_dsn" };
	static const char *const no[] = { "author", "authors", "csrf_token", "page_token", "path",
					  "keyboard", "monkey", "public_key", "tokenizer" };
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		assert_true(dlp_generic_key(yes[i], strlen(yes[i])));
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		assert_false(dlp_generic_key(no[i], strlen(no[i])));
}

static enum dlp_verdict check(bool strict, bool allow, const char *body, const char **det)
{
	struct dlp_config c;
	dlp_config_default(&c);
	c.strict = strict;
	struct dlp_engine *e = dlp_engine_new(&c);
	struct dlp_target t = { "api.example.test", allow };
	struct dlp_request r;
	dlp_request_begin(&r, e, &t);
	dlp_request_body(&r, body, strlen(body), NULL);
	enum dlp_verdict v = dlp_request_end(&r, NULL);
	*det = r.nfindings ? r.findings[0].detector : "";
	dlp_engine_free(e);
	return v;
}

static void test_verdicts(void **state)
{
	const char *det;
	const char *body = tp[1].text;
	assert_int_equal(check(false, false, body, &det), DLP_WARN);
	assert_string_equal(det, "generic-secret");
	assert_int_equal(check(true, false, body, &det), DLP_BLOCK);
	assert_string_equal(det, "generic-secret");
	assert_int_equal(check(true, true, body, &det), DLP_PASS);
	/* found after decoding too: the same JSON, percent-encoded in a form */
	assert_int_equal(check(true, false, "data=%7B%22client_secret%22%3A%20%228fJ2kLq9ZxP4mN7vB3cR6tY1wQ5e%22%7D",
			       &det), DLP_BLOCK);
	assert_int_equal(check(true, false, near[0].text, &det), DLP_PASS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_key_names),
		cmocka_unit_test(test_verdicts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
