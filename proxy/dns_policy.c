/* The DNS stub's decision (proxy/dns_policy.h). The port does not matter
 * to the name check: the stub's address serves 443 and 80, and
 * egress_decide_dest is asked as for a CONNECT to 443. */
#include "dns_policy.h"

#include "proxy/dlp/dlp.h"

#include <stdio.h>
#include <string.h>

static void refuse(struct egress_decision *d, const char *name, const char *why)
{
	memset(d, 0, sizeof *d);
	d->verdict = EGRESS_REFUSE;
	d->status = 403;
	d->error = "policy-blocked";
	snprintf(d->what, sizeof d->what, "DNS %s", name);
	snprintf(d->reason, sizeof d->reason, "%s", why);
}

enum dns_verdict dns_decide(const struct policy *p, const struct dns_query *q,
			    double dlp_threshold, struct egress_decision *d)
{
	memset(d, 0, sizeof *d);
	if (q->qtype != DNS_T_A && q->qtype != DNS_T_AAAA) {
		refuse(d, q->name, "the DNS stub answers A and AAAA queries only");
		return DNS_REFUSED;
	}
	if (!q->name[0]) {
		refuse(d, ".", "the root is not a host");
		return DNS_REFUSED;
	}
	struct egress_target t;
	char auth[DNS_NAME_MAX + 8], why[256];
	snprintf(auth, sizeof auth, "%s:443", q->name);
	if (!egress_parse_authority(auth, strlen(auth), &t, why, sizeof why)) {
		refuse(d, q->name, why);
		return DNS_NXDOMAIN;
	}
	/* an address spelled as a name (1.2.3.4) is not looked up: a client
	 * that has the literal does not ask, and allow_ips is dialled by address */
	if (t.is_ip) {
		refuse(d, q->name, "an IP address is not a name the stub answers");
		return DNS_NXDOMAIN;
	}
	egress_decide_dest(p, &t, true, d);
	if (d->verdict != EGRESS_ALLOW) {
		/* the refusal line names the query, not the CONNECT it stands for */
		snprintf(d->what, sizeof d->what, "DNS %s", q->name);
		return DNS_NXDOMAIN;
	}
	if (dlp_threshold >= 0) {
		const char *dom = d->rule ? d->rule->domain.s : NULL;
		struct dlp_dns_result r;
		dlp_dns_check(q->name, dlp_threshold, dom && !strncmp(dom, "*.", 2) ? dom + 2 : NULL, &r);
		if (r.refuse) {
			refuse(d, q->name, r.reason);
			d->error = "dlp-dns";
			return DNS_NXDOMAIN;
		}
	}
	return q->qtype == DNS_T_A ? DNS_ANSWER_A : DNS_NODATA;
}
