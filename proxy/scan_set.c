/* The set-wide DLP decisions (scan_set.h). */
#include "proxy/scan_set.h"
#include "proxy/egress.h"
#include "proxy/proxy.h"
#include "lang/policy.h"

bool scan_set_dlp_off(const struct policy_set *set)
{
	if (!set || set->n < 1)
		return false;
	for (int i = 0; i < set->n; i++) {
		const struct policy *p = set->v[i];
		bool off = p->net.dlp.enabled.set && !p->net.dlp.enabled.v;
		if (!off || (p->strict.set && p->strict.v))
			return false;
	}
	return true;
}

bool scan_set_allows_credentials(const struct policy_set *set, const char *host)
{
	if (!set || set->n < 1 || !host)
		return false;
	for (int i = 0; i < set->n; i++) {
		const struct host_rule *hr = egress_find_host(set->v[i], host);
		if (!hr || !hr->allow_credentials.set || !hr->allow_credentials.v)
			return false;
	}
	return true;
}
