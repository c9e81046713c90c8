/* bench/dlp: the DLP scanner's throughput, side by side with Hyperscan on
 * the same patterns (bench/dlp_hs_patterns.py writes them from
 * proxy/dlp/dlp_detect.re), in one run, as ratios; and the whole pipeline
 * (the decode chain to max_decode_depth, exact-match set with 16 secrets).
 * Two corpora of 16 MiB, made here deterministically: "clean" (prose,
 * JSON, source code, URLs) and "base64-heavy" (76-column base64 of random
 * bytes between JSON keys, as an upload of images or archives looks).
 * Best of 5 runs each. Hyperscan reports every match end of its loops, our
 * scanner the validated tokens: both find nothing in these corpora but a
 * few planted tokens, so the comparison is of the scanning itself. */
#include "config.h"
#include "proxy/dlp/dlp_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef HAVE_HYPERSCAN
#include <hs.h>
#include "dlp_hs_patterns.h"
#endif

#define CORPUS (16u << 20)
#define RUNS 5

static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static void put(uint8_t *buf, size_t *n, const char *s)
{
	size_t k = strlen(s);
	if (*n + k > CORPUS)
		k = CORPUS - *n;
	memcpy(buf + *n, s, k);
	*n += k;
}

static uint8_t *clean_corpus(void)
{
	static const char *const words[] = {
		"the", "build", "of", "package", "returns", "a", "value", "with", "configuration",
		"request", "response", "server", "client", "install", "dependency", "version",
		"function", "const", "let", "import", "from", "https://registry.npmjs.org/left-pad",
		"{\"name\":\"x\",\"version\":\"1.2.3\"}", "for (i = 0; i < n; i++)", "error:",
		"/usr/lib/x86_64-linux-gnu/libc.so.6", "2026-12-03T12:00:00Z", "sk-learn", "AKIA",
		"\"id\":\"6f1c2a4e-9d3b-4c55-8a77-2b1e0f9c3d42\"", "sha256:9f86d081884c7d659a2f",
	};
	uint8_t *b = malloc(CORPUS);
	size_t n = 0;
	while (n < CORPUS) {
		put(b, &n, words[next() % (sizeof words / sizeof words[0])]);
		put(b, &n, next() % 9 ? " " : "\n");
	}
	return b;
}

static uint8_t *b64_corpus(void)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint8_t *b = malloc(CORPUS);
	size_t n = 0;
	while (n < CORPUS) {
		put(b, &n, "{\"file\":\"img.png\",\"data\":\"");
		for (int line = 0; line < 40 && n < CORPUS; line++) {
			char l[78];
			for (int i = 0; i < 76; i++)
				l[i] = a[next() & 63];
			l[76] = '\n';
			l[77] = 0;
			put(b, &n, l);
		}
		put(b, &n, "\"}\n");
	}
	return b;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double ours_raw(const struct dlp_engine *e, const uint8_t *p, size_t n, size_t *hits)
{
	double best = 1e9;
	for (int r = 0; r < RUNS; r++) {
		double t = now();
		*hits = dlp_scan_tokens(e, p, n, NULL, NULL);
		t = now() - t;
		best = t < best ? t : best;
	}
	return (double)n / best / 1e6;
}

static double ours_pipeline(const struct dlp_engine *e, const uint8_t *p, size_t n, int *verdict)
{
	double best = 1e9;
	struct dlp_target t = { "api.example.test", false };
	for (int r = 0; r < RUNS; r++) {
		struct dlp_request q;
		double t0 = now();
		dlp_request_begin(&q, e, &t);
		dlp_request_body(&q, p, n, NULL);
		*verdict = dlp_request_end(&q, NULL);
		t0 = now() - t0;
		best = t0 < best ? t0 : best;
	}
	return (double)n / best / 1e6;
}

#ifdef HAVE_HYPERSCAN
static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
		    void *ctx)
{
	(void)id, (void)from, (void)to, (void)flags;
	++*(size_t *)ctx;
	return 0;
}

static double hs_raw(hs_database_t *db, hs_scratch_t *s, const uint8_t *p, size_t n, size_t *hits)
{
	double best = 1e9;
	for (int r = 0; r < RUNS; r++) {
		*hits = 0;
		double t = now();
		hs_scan(db, (const char *)p, (unsigned)n, 0, s, on_match, hits);
		t = now() - t;
		best = t < best ? t : best;
	}
	return (double)n / best / 1e6;
}
#endif

int main(void)
{
	struct dlp_engine *e = dlp_engine_new(NULL);
	for (int i = 0; i < 16; i++) {
		char v[40];
		snprintf(v, sizeof v, "bench-secret-value-%02d-%08x", i, next());
		dlp_engine_add_secret(e, DLP_SECRET_REAL, "bench", v, strlen(v));
	}
	const struct { const char *name; uint8_t *p; } corpora[] = {
		{ "clean", clean_corpus() }, { "base64-heavy", b64_corpus() },
	};
	/* a few real tokens, so both engines do find something */
	for (int c = 0; c < 2; c++)
		for (int k = 1; k <= 4; k++)
			memcpy(corpora[c].p + (size_t)k * (CORPUS / 5), " 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 ", 42);
#ifdef HAVE_HYPERSCAN
	size_t np = sizeof hs_patterns / sizeof hs_patterns[0];
	unsigned *ids = calloc(np, sizeof *ids), *flags = calloc(np, sizeof *flags);
	for (size_t i = 0; i < np; i++)
		ids[i] = (unsigned)i;
	hs_database_t *db;
	hs_compile_error_t *cerr;
	if (hs_compile_multi(hs_patterns, flags, ids, (unsigned)np, HS_MODE_BLOCK, NULL, &db, &cerr)) {
		fprintf(stderr, "hyperscan: pattern %d: %s\n", cerr->expression, cerr->message);
		return 1;
	}
	hs_scratch_t *scratch = NULL;
	hs_alloc_scratch(db, &scratch);
	printf("patterns: %zu rules (the re2c DFA's), Hyperscan %s\n", np, hs_version());
#else
	printf("Hyperscan not found at configure time (libhyperscan-dev): ours only\n");
#endif
	printf("%-13s %12s %12s %8s %14s\n", "corpus", "ours MB/s", "hs MB/s", "ours/hs",
	       "pipeline MB/s");
	for (int c = 0; c < 2; c++) {
		size_t ho, hh = 0;
		int v;
		double o = ours_raw(e, corpora[c].p, CORPUS, &ho);
		double pl = ours_pipeline(e, corpora[c].p, CORPUS, &v);
#ifdef HAVE_HYPERSCAN
		double h = hs_raw(db, scratch, corpora[c].p, CORPUS, &hh);
		printf("%-13s %12.0f %12.0f %8.2f %14.0f   (tokens: ours %zu, hs match ends %zu; "
		       "pipeline verdict %d)\n", corpora[c].name, o, h, o / h, pl, ho, hh, v);
#else
		printf("%-13s %12.0f %12s %8s %14.0f   (tokens %zu, verdict %d)\n", corpora[c].name, o,
		       "-", "-", pl, ho, v);
#endif
	}
	return 0;
}
