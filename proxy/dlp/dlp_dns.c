/* DNS exfiltration checks and the session entropy budget: pure functions
 * for the DNS stub, the proxy's host check (proxy_scan_host) and the scan
 * hook to call (the budget is not wired yet: docs/dlp.md). A name that
 * carries data in its labels looks random (base32 or hex of the data); a
 * wildcard contract lets the sandbox pick any prefix, so a long one is
 * data too. */
#include "dlp_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

double dlp_label_entropy(const char *label, size_t len)
{
	if (len < 2)
		return 0;
	unsigned counts[256] = { 0 };
	for (size_t i = 0; i < len; i++)
		counts[(unsigned char)(label[i] >= 'A' && label[i] <= 'Z' ? label[i] + 32 : label[i])]++;
	double h = 0;
	for (int c = 0; c < 256; c++)
		if (counts[c]) {
			double p = (double)counts[c] / (double)len;
			h -= p * log2(p);
		}
	/* log2(len) is the most len characters can have (all different) */
	double r = h / log2((double)len);
	return r > 1 ? 1 : r;
}

void dlp_dns_check(const char *name, double threshold, const char *wildcard_suffix,
		   struct dlp_dns_result *out)
{
	out->refuse = false;
	out->reason[0] = 0;
	size_t n = strlen(name);
	if (wildcard_suffix) {
		size_t sl = strlen(wildcard_suffix);
		if (n > sl + 1 && name[n - sl - 1] == '.' && strcmp(name + n - sl, wildcard_suffix) == 0 &&
		    n - sl - 1 > DLP_DNS_MAX_WILDCARD_PREFIX) {
			out->refuse = true;
			snprintf(out->reason, sizeof out->reason,
				 "%zu characters before a wildcard's suffix (at most %d): data in a name",
				 n - sl - 1, DLP_DNS_MAX_WILDCARD_PREFIX);
			return;
		}
	}
	/* The last two labels (the registered domain, approximately) are
	 * not the client's choice: "cloudfront.net" scores 0.94 itself. */
	int labels = 1, random = 0, at = 0;
	for (const char *c = name; *c; c++)
		labels += *c == '.';
	for (const char *l = name; *l; at++) {
		size_t k = strcspn(l, ".");
		if (at < labels - 2 && k >= DLP_DNS_MIN_LABEL && dlp_label_entropy(l, k) > threshold)
			random++;
		l += k;
		if (*l == '.')
			l++;
	}
	if (random >= 2) {
		out->refuse = true;
		snprintf(out->reason, sizeof out->reason,
			 "%d labels look random (normalised entropy over %.2f, [network.dlp] "
			 "dns_entropy_threshold): data in a name", random, threshold);
	}
}

void dlp_budget_init(struct dlp_budget *b, uint64_t limit)
{
	b->used = 0;
	b->limit = limit;
}

/* Runs of 20+ token characters (base64 of either alphabet, which covers
 * hex) with 4+ bits of entropy per character: what encoded data looks
 * like. English words and paths score under 4 bits; random base64 ~5.5,
 * random hex ~3.9 (so hex counts only when mixed-case or long). */
#define RUN_MIN 20
#define RUN_BITS 4.0

static bool tokch(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/' || c == '-' || c == '_' || c == '=';
}

uint64_t dlp_entropy_runs(const uint8_t *p, size_t n)
{
	uint64_t bytes = 0;
	for (size_t i = 0; i < n;) {
		if (!tokch(p[i])) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && tokch(p[j]))
			j++;
		if (j - i >= RUN_MIN && dlp_entropy_bits(p + i, j - i) >= RUN_BITS)
			bytes += j - i;
		i = j;
	}
	return bytes;
}

/* Charges a request to the session's budget, or refuses it (uncharged)
 * when it would take the budget past its limit. */
enum dlp_verdict dlp_budget_charge(struct dlp_budget *b, struct dlp_request *r)
{
	if (!b || !r->entropy_bytes)
		return r->verdict;
	if (b->used + r->entropy_bytes > b->limit) {
		r->verdict = DLP_BLOCK;
		if (r->nfindings < DLP_MAX_FINDINGS) {
			struct dlp_finding *f = &r->findings[r->nfindings++];
			memset(f, 0, sizeof *f);
			f->kind = DLP_KIND_BUDGET;
			f->verdict = DLP_BLOCK;
			f->detector = "entropy-budget";
			f->description = "the session's budget of high-entropy bytes is spent";
			f->homes = "";
			f->where = DLP_IN_BODY;
			snprintf(f->label, sizeof f->label, "%llu + %llu over %llu bytes",
				 (unsigned long long)b->used, (unsigned long long)r->entropy_bytes,
				 (unsigned long long)b->limit);
			snprintf(f->fingerprint, sizeof f->fingerprint, "fp:budget");
		}
		r->nseen++;
		return r->verdict;
	}
	if (r->verdict != DLP_BLOCK)
		b->used += r->entropy_bytes;
	return r->verdict;
}
