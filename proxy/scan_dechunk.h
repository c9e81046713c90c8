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

#define DECHUNK_SIDE 1024

struct dechunk {
	int state;
	uint64_t left;  /* data bytes left in the current chunk */
	bool done;      /* the last chunk and the trailer have passed */
	/* Chunk extensions and trailer fields: not payload (an origin does not
	 * join them to the body, so they must not split a token in the scan),
	 * but data all the same, scanned apart. The caller empties it after
	 * each feed; more than DECHUNK_SIDE bytes in one feed sets overflow. */
	uint8_t side[DECHUNK_SIDE];
	size_t nside;
	bool overflow;
};

/* Writes the payload bytes of in[0..n) to out (which holds n bytes) and
 * the extensions and trailers to d->side; returns the payload's length. */
size_t dechunk_feed(struct dechunk *d, const uint8_t *in, size_t n, uint8_t *out);

#endif
