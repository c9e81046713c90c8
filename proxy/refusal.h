/* A refusal a user can act on: the HTTP response the client gets (status,
 * an x-canister-error header, a plain-text body saying what was refused,
 * by which rule, and the TOML to paste) and the one line for stderr.
 * Pure: formats into caller buffers. */
#ifndef CAN_PROXY_REFUSAL_H
#define CAN_PROXY_REFUSAL_H

#include <stddef.h>

struct refusal {
	int status;             /* 400, 403, 405, 413, 415, 421, 502, 504 */
	const char *error;      /* "policy-blocked", "contract-refused", "body-too-large",
				   "upstream-timeout", "bad-request", "upstream-failed",
				   "dlp-blocked", "host-mismatch" */
	const char *what;       /* "CONNECT evil.example:443" */
	const char *reason;     /* why, with the rule's file:line */
	const char *patch;      /* TOML that allows it, or "" */
};

const char *refusal_status_text(int status);
/* The whole response (head and body, Connection: close). Returns its
 * length (truncated to cap - 1 at worst, always NUL-terminated). */
size_t refusal_response(const struct refusal *r, char *buf, size_t cap);
/* "can: proxy: refused WHAT (ERROR): REASON" without a newline. */
void refusal_line(const struct refusal *r, char *buf, size_t cap);

/* One recipe from several refusals' patches: single tables ([network],
 * [proxy]) merged, their list values united, scalars kept once; [[host]]
 * blocks kept as they are (blocks for one domain merge when loaded).
 * Returns a malloc'd string. */
char *refusal_merge_patches(char *const *patches, size_t n);
/* The [[host]] patches among patches (the rest are skipped) as one block
 * per domain, list values united ("methods", "paths", ...), the first
 * scalar kept. Monitor mode's suggested recipe (ADR 0204). Malloc'd. */
char *refusal_merge_hosts(char *const *patches, size_t n);

#endif
