/* The DNS stub served by the proxy's event loop (ADR 0108, 0109): one UDP
 * socket on 127.0.0.1:53 inside the sandbox, read without a thread per
 * query and without state between queries. */
#ifndef CAN_PROXY_DNS_SERVE_H
#define CAN_PROXY_DNS_SERVE_H

#include "proxy/dns_msg.h"
#include "proxy/egress.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What one datagram of n bytes gets (pure, over the policy): the answer's
 * length in out (0: none, the datagram is dropped), the verdict, and for a
 * refused name the egress decision d (what, reason, patch) the caller
 * records. addr4 is the stub's address (network order). monitor_ok is
 * asked, for a refusal whose patch is a [[host]] block, whether monitor
 * mode lets it through (then the name is answered); NULL = never. */
struct dns_stub_reply {
	size_t len;
	enum dns_verdict verdict;
	bool refused;   /* d is a refusal to record (NXDOMAIN by policy or DLP) */
	bool observed;  /* monitor mode answered a name a normal run refuses */
	struct dns_query q;
	struct egress_decision d;
};
void dns_stub_answer(const struct policy *p, const uint8_t *msg, size_t n, uint32_t addr4,
		     bool (*monitor_ok)(void *ctx, const struct egress_decision *d), void *ctx,
		     uint8_t *out, size_t cap, struct dns_stub_reply *r);

/* The TTL of every answer: the address is fixed, but a client caching a
 * refused name for long would not see a recipe change in a long run. */
#define DNS_STUB_TTL 60
/* Datagrams served per readiness event, so one flood cannot starve the
 * proxy's connections (the rest wait in the socket's receive buffer, which
 * bounds what is queued; the kernel drops beyond it). */
#define DNS_STUB_BATCH 64

#endif
