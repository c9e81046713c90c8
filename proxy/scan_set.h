/* The DLP decisions a connection's policy set takes (ADR 0264): in a
 * session one proxy and one engine serve every layered client, and each
 * connection carries the policies of its client's layers (proxy.h's
 * policy_set). Pure: plain structs in, a bool out. */
#ifndef CAN_PROXY_SCAN_SET_H
#define CAN_PROXY_SCAN_SET_H

#include <stdbool.h>

struct policy_set;

/* True when the connection is not scanned: every policy of the set says
 * [network.dlp] enabled = false and none sets --strict's `strict` (as
 * MR_OR merges `enabled` within one run, one policy that leaves it on
 * keeps it on). An empty or NULL set is scanned. */
bool scan_set_dlp_off(const struct policy_set *set);

/* True when a credential may go to host: every policy of the set has a
 * [[host]] block for host with allow_credentials = true (a layer that
 * does not grant it refuses, as for any other decision of the set). An
 * empty or NULL set allows nothing. */
bool scan_set_allows_credentials(const struct policy_set *set, const char *host);

#endif
