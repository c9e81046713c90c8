/* Every detector's vectors: each true positive is found by that detector
 * (and the prefilter admits its prefix), each near miss is not found at
 * all; the table has at least 40 token formats; canary-free checks of the
 * exact-match set, the scope rule and the fingerprint. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "proxy/dlp/dlp_int.h"

static struct dlp_engine *eng;

struct hits {
	int ids[16];
	size_t n;
};

static void on_hit(void *ctx, const struct dlp_detector *d, size_t off, size_t len)
{
	struct hits *h = ctx;
	if (h->n < 16)
		h->ids[h->n++] = d->id;
}

static void test_table(void **state)
{
	size_t with_prefix = 0;
	for (int id = D_NONE + 1; id < D_COUNT; id++) {
		const struct dlp_detector *d = dlp_detector(id);
		assert_non_null(d);
		assert_int_equal(d->id, id);
		assert_non_null(d->tp);
		assert_non_null(d->near);
		with_prefix += d->homes[0] != 0;
	}
	print_message("# %d detectors, %zu with home hosts\n", D_COUNT - 1, with_prefix);
	assert_true(D_COUNT - 1 >= 40);
}

static void test_true_positives(void **state)
{
	int bad = 0;
	for (int id = D_NONE + 1; id < D_COUNT; id++) {
		const struct dlp_detector *d = dlp_detector(id);
		for (const char *const *v = d->tp; *v; v++) {
			struct hits h = { .n = 0 };
			dlp_scan_tokens(eng, (const uint8_t *)*v, strlen(*v), on_hit, &h);
			bool ok = false;
			for (size_t i = 0; i < h.n; i++)
				ok |= h.ids[i] == id;
			if (!ok) {
				print_message("# %s: not found in true positive: %.60s\n", d->name, *v);
				bad++;
			}
		}
	}
	assert_int_equal(bad, 0);
}

static void test_near_misses(void **state)
{
	int bad = 0;
	for (int id = D_NONE + 1; id < D_COUNT; id++) {
		const struct dlp_detector *d = dlp_detector(id);
		for (const char *const *v = d->near; *v; v++) {
			struct hits h = { .n = 0 };
			dlp_scan_tokens(eng, (const uint8_t *)*v, strlen(*v), on_hit, &h);
			for (size_t i = 0; i < h.n; i++)
				if (h.ids[i] == id) {
					print_message("# %s: near miss was found: %.60s\n", d->name, *v);
					bad++;
				}
		}
	}
	assert_int_equal(bad, 0);
}

/* The prefilter loses nothing: at every position of a text holding all
 * vectors, the DFA with and without it agrees. */
static void test_prefilter_complete(void **state)
{
	for (int id = D_NONE + 1; id < D_COUNT; id++) {
		const struct dlp_detector *d = dlp_detector(id);
		for (const char *const *v = d->tp; *v; v++) {
			const uint8_t *p = (const uint8_t *)*v;
			size_t n = strlen(*v);
			for (size_t i = 0; i + 1 < n; i++) {
				size_t len;
				if (dlp_dfa_match(p + i, p + n, &len) != D_NONE)
					assert_true(dlp_prefilter_hit(&eng->pf, p[i], p[i + 1]));
			}
		}
	}
}

/* A token split by anything, or embedded in honest words, is not found. */
static void test_tokens_in_text(void **state)
{
	const char *honest = "The quick brown fox jumps over the lazy dog; npm install express; "
			     "git push origin main; sk-learn is a python package; AKIA is a prefix.";
	assert_int_equal(dlp_scan_tokens(eng, (const uint8_t *)honest, strlen(honest), NULL, NULL), 0);
	char buf[256];
	snprintf(buf, sizeof buf, "{\"token\": \"%s\"}", dlp_detectors[D_GH_PAT].tp[0]);
	assert_int_equal(dlp_scan_tokens(eng, (const uint8_t *)buf, strlen(buf), NULL, NULL), 1);
}

static void test_scope(void **state)
{
	const char *homes = dlp_detectors[D_GH_PAT].homes;
	struct dlp_target gh = { "api.github.com", true }, gh_no = { "api.github.com", false };
	struct dlp_target evil = { "github.com.evil.example", true };
	assert_true(dlp_scope_allows(homes, &gh));
	assert_false(dlp_scope_allows(homes, &gh_no));     /* the contract must allow credentials */
	assert_false(dlp_scope_allows(homes, &evil));      /* a suffix is not a home */
	struct dlp_target any = { "db.example.net", true };
	assert_true(dlp_scope_allows("", &any));           /* no home: allow_credentials alone */
	assert_false(dlp_host_matches("xgithub.com", "*.github.com"));
	assert_true(dlp_host_matches("a.github.com", "*.github.com"));
}

struct xhits {
	size_t n;
	enum dlp_secret_kind kind;
};

static void on_secret(void *ctx, const struct dlp_secret *s, size_t off)
{
	struct xhits *h = ctx;
	h->n++;
	h->kind = s->kind;
}

static void test_exact_set(void **state)
{
	struct dlp_engine *e = dlp_engine_new(NULL);
	assert_non_null(e);
	assert_int_equal(dlp_engine_add_secret(e, DLP_SECRET_REAL, "env X", "short", 5), -1);
	assert_int_equal(dlp_engine_add_secret(e, DLP_SECRET_REAL, "env X", "hunter2-but-longer", 18), 0);
	const char *text = "...password=hunter2-but-longer&x=1";
	struct xhits h = { 0 };
	dlp_exact_scan(&e->exact, (const uint8_t *)text, strlen(text), on_secret, &h);
	assert_int_equal(h.n, 1);
	const char *near = "...password=hunter2-but-longe";
	h.n = 0;
	dlp_exact_scan(&e->exact, (const uint8_t *)near, strlen(near), on_secret, &h);
	assert_int_equal(h.n, 0);
	char a[20], b[20];
	dlp_fingerprint(e, "secret", "hunter2-but-longer", 18, a);
	dlp_fingerprint(e, "secret", "hunter2-but-longer", 18, b);
	assert_string_equal(a, b);
	assert_null(strstr(a, "hunter"));
	dlp_engine_free(e);
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
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_true_positives),
		cmocka_unit_test(test_near_misses),
		cmocka_unit_test(test_prefilter_complete),
		cmocka_unit_test(test_tokens_in_text),
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_exact_set),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
