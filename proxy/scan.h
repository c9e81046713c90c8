/* The request scan hook: the seam where the DLP scanner (proxy/dlp/,
 * issue 11) plugs in. The proxy calls proxy_scan_request for a request's
 * head before it dials upstream, and for every piece of the body before
 * that piece is queued for upstream: nothing of a request leaves the
 * sandbox that this function has not passed. Today it allows everything.
 * See proxy/README.md for how to wire a scanner in. */
#ifndef CAN_PROXY_SCAN_H
#define CAN_PROXY_SCAN_H

#include <stddef.h>
#include <stdint.h>

/* What the hook sees of a request. */
struct proxy_req {
	const char *method;   /* "GET", "CONNECT", ... */
	const char *host;     /* the normalised destination host */
	int port;
	const char *path;     /* "/x?y"; "" for CONNECT */
	const uint8_t *head;  /* the head as the client sent it */
	size_t head_len;
	uint64_t body_seen;   /* body bytes passed before this piece */
	void *scan_state;     /* the scanner's own per-request state (NULL today) */
};

enum proxy_scan_verdict { PROXY_SCAN_PASS, PROXY_SCAN_BLOCK };

struct proxy_scan_result {
	enum proxy_scan_verdict verdict;
	char reason[256];     /* for a block: what matched (no secret in it) */
};

/* chunk = NULL, n = 0 for the head; a body piece otherwise. A BLOCK makes
 * the proxy answer 403 with x-canister-error: dlp-blocked and forward
 * nothing more of the request. */
void proxy_scan_request(const struct proxy_req *req, const uint8_t *chunk, size_t n,
			struct proxy_scan_result *out);

#endif
