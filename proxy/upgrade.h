/* Protocol upgrades (Upgrade: websocket, h2c, ...) against the host's
 * contract (ADR 0111): which kind a request asks for, and whether its
 * [[host]] block lets a WebSocket through. A relayed upgrade becomes a
 * byte relay after the origin's 101; anything else is refused with the
 * TOML that would allow it. Pure: no syscalls (test/test_proxy.c). */
#ifndef CAN_PROXY_UPGRADE_H
#define CAN_PROXY_UPGRADE_H

#include "proxy/egress.h"

#include <stddef.h>

enum upgrade_kind {
	UPGRADE_NONE,      /* no Upgrade field */
	UPGRADE_WEBSOCKET, /* Upgrade names the token "websocket" */
	UPGRADE_OTHER,     /* h2c, or anything else: never relayed */
};

/* The kind an Upgrade field's value (value[0..n), NULL when absent) asks
 * for: a comma-separated list of protocol tokens, case-insensitive, a
 * "/version" after a token ignored. */
enum upgrade_kind upgrade_kind(const char *value, size_t n);

/* May a WebSocket upgrade of method to t go up under p? Allowed only when
 * the host's [[host]] block says websocket = true and the method is GET
 * (RFC 6455 4.1); the contract's methods and paths are checked apart, as
 * for any request. Fills d as egress_decide_request does: 403
 * contract-refused with the [[host]] patch, or 400 for another method. */
void upgrade_decide(const struct policy *p, const struct egress_target *t, const char *method,
		    struct egress_decision *d);

#endif
