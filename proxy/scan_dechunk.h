/* The payload of a chunked body, for the DLP scan (scan.c): the proxy
 * forwards the chunked bytes as they are, but a token split by chunk
 * framing ("ghp_ab\r\n1e\r\ncd...") must be scanned joined. The proxy's
 * framer (chunked.c) has already refused malformed framing, so this one
 * only strips it. Pure. */
#ifndef CAN_PROXY_SCAN_DECHUNK_H
#define CAN_PROXY_SCAN_DECHUNK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dechunk {
	int state;
	uint64_t left;  /* data bytes left in the current chunk */
	bool done;      /* the last chunk and the trailer have passed */
};

/* Writes the payload bytes of in[0..n) to out (which holds n bytes),
 * with the chunk extensions and trailer fields (which can carry data too);
 * returns how many. */
size_t dechunk_feed(struct dechunk *d, const uint8_t *in, size_t n, uint8_t *out);

#endif
