/* The raw scan of one buffer: the prefilter admits a position by its first
 * two bytes, the DFA finds the longest match there, the validator decides.
 * Also the engine's life cycle. */
#include "dlp_int.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* No token is longer than this (the DFA never reads further). */
#define DLP_MAX_TOKEN 2048

void dlp_config_default(struct dlp_config *c)
{
	memset(c, 0, sizeof *c);
	c->max_decode_depth = DLP_DEFAULT_MAX_DECODE_DEPTH;
	c->decompress = true;
	c->max_decompressed_bytes = DLP_DEFAULT_MAX_DECOMPRESSED;
	c->max_ratio = DLP_DEFAULT_MAX_RATIO;
	c->dns_entropy_threshold = DLP_DEFAULT_DNS_ENTROPY;
	c->session_entropy_budget = DLP_DEFAULT_ENTROPY_BUDGET;
}

struct dlp_engine *dlp_engine_new(const struct dlp_config *c)
{
	struct dlp_engine *e = xcalloc(1, sizeof *e);
	if (c)
		e->cfg = *c;
	else
		dlp_config_default(&e->cfg);
	dlp_prefilter_build(&e->pf);
	if (getrandom(e->fp_key, sizeof e->fp_key, 0) != (ssize_t)sizeof e->fp_key) {
		can_warn_errno("dlp: the fingerprint key: getrandom");
		free(e);
		return NULL; /* fail closed: no engine, no DLP, the caller refuses to run */
	}
	return e;
}

void dlp_engine_free(struct dlp_engine *e)
{
	if (!e)
		return;
	dlp_exact_free(&e->exact);
	explicit_bzero(e->fp_key, sizeof e->fp_key);
	free(e);
}

size_t dlp_scan_tokens(const struct dlp_engine *e, const uint8_t *p, size_t n,
		       dlp_token_hit_fn *fn, void *ctx)
{
	size_t found = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		if (!dlp_prefilter_hit(&e->pf, p[i], p[i + 1]))
			continue;
		const uint8_t *end = n - i > DLP_MAX_TOKEN ? p + i + DLP_MAX_TOKEN : p + n;
		size_t len = 0;
		enum dlp_det_id id = dlp_dfa_match(p + i, end, &len);
		if (id == D_NONE)
			continue;
		const struct dlp_detector *d = &dlp_detectors[id];
		if (!dlp_validate(d, p, p + i, len, p + n))
			continue;
		found++;
		if (fn)
			fn(ctx, d, i - d->back, len + d->back);
		i += len - 1; /* past the token */
	}
	return found;
}
