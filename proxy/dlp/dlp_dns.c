/* DNS exfiltration checks and the session entropy budget: pure functions
 * for the DNS stub and the proxy's host check to call (neither is wired
 * yet: docs/dlp.md). A name that carries data in its labels looks random
 * (base32 or hex of the data); a wildcard contract lets the sandbox pick
 * any prefix, so a long one is data too. */
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
