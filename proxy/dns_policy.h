/* The DNS stub's decision for one parsed query: pure, over the policy the
 * proxy already enforces (egress_decide_dest), plus DLP's DNS check. A name
 * the policy allows is answered with the stub's address, never with an
 * upstream one: the stub resolves nothing (ADR 0108). */
#ifndef CAN_PROXY_DNS_POLICY_H
#define CAN_PROXY_DNS_POLICY_H

#include "proxy/dns_msg.h"
#include "proxy/egress.h"

/* d receives the egress decision (what, reason, patch) for NXDOMAIN, so the
 * caller can print the refusal and emit the event through proxy/refusal.c.
 * dlp_threshold < 0 turns DLP's DNS check off ([network.dlp] enabled = false). */
enum dns_verdict dns_decide(const struct policy *p, const struct dns_query *q,
			    double dlp_threshold, struct egress_decision *d);

#endif
