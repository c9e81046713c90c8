/* Framing of a chunked request body (RFC 9112 section 7.1), so that the
 * proxy forwards exactly one message and knows where it ends: bytes after
 * the last chunk are never sent upstream as part of this request. The
 * bytes pass through unchanged; this only finds the end and counts the
 * payload (for max_request_bytes and max_streamed_body_bytes). Bare LF and
 * chunk sizes over 2^60 are errors. Pure. */
#ifndef CAN_PROXY_CHUNKED_H
#define CAN_PROXY_CHUNKED_H

#include <stddef.h>
#include <stdint.h>

struct chunked {
	int state;
	uint64_t left;      /* bytes left in the current chunk */
	uint64_t payload;   /* data bytes so far */
	int digits;
};

enum chunked_rc { CHUNKED_MORE, CHUNKED_DONE, CHUNKED_ERROR };

void chunked_init(struct chunked *c);
/* Reads buf[0..n): *used = how many of them belong to the body (all of
 * them unless DONE). */
enum chunked_rc chunked_feed(struct chunked *c, const uint8_t *buf, size_t n, size_t *used);

#endif
