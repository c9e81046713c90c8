/* Where one HTTP/1.1 response ends (RFC 9112 section 6.3), so that the
 * proxy knows, inside a kept-alive tunnel, which response the client is
 * reading: interim 1xx heads, then the final head, then a body framed by
 * Content-Length, chunked, none (HEAD, 204, 304) or the connection's end.
 * The bytes pass through unchanged; this only finds boundaries. Only the
 * first 256 bytes of a field line are kept (a long Content-Security-Policy
 * passes; a framing field that long is an error). A head over 64 KiB, a
 * bad status line, bare LF, obs-fold, two Content-Lengths or a
 * Content-Length with chunked are errors (the proxy then cuts the
 * tunnel). Pure. */
#ifndef CAN_PROXY_RESP_FRAME_H
#define CAN_PROXY_RESP_FRAME_H

#include "proxy/chunked.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum resp_body { RESP_BODY_NONE, RESP_BODY_LENGTH, RESP_BODY_CHUNKED, RESP_BODY_CLOSE };

struct resp_frame {
	int state;
	bool head_request;   /* the request was HEAD: no body whatever the fields say */
	bool final_started;  /* a final (non-1xx) status line has begun */
	int status;
	char line[256];      /* the start of the field line being read */
	size_t ll, head_bytes;
	bool long_line;      /* it went on past line[] */
	bool have_cl, chunked;
	uint64_t cl_left;
	enum resp_body body;
	struct chunked ch;
};

enum resp_rc { RESP_MORE, RESP_DONE, RESP_ERROR };

void resp_frame_init(struct resp_frame *f, bool head_request);
/* Reads buf[0..n): *used = how many of them belong to this response (all
 * of them unless DONE). */
enum resp_rc resp_frame_feed(struct resp_frame *f, const uint8_t *buf, size_t n, size_t *used);

#endif
