/* libFuzzer target: the response framer (proxy/resp_frame.c) on arbitrary
 * bytes, fed whole and in pieces split where the input's first byte says.
 * Checks that it never claims more bytes than it was given, that the two
 * ways of feeding agree, and that a HEAD answer never has a body. */
#include "proxy/resp_frame.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static enum resp_rc run(const uint8_t *d, size_t n, size_t step, bool head, size_t *total)
{
	struct resp_frame *f = malloc(sizeof(*f));
	resp_frame_init(f, head);
	enum resp_rc rc = RESP_MORE;
	*total = 0;
	for (size_t i = 0; i < n && rc == RESP_MORE; i += step) {
		size_t k = n - i < step ? n - i : step, used = 0;
		rc = resp_frame_feed(f, d + i, k, &used);
		if (rc != RESP_ERROR && used > k)
			abort();
		if (rc != RESP_ERROR)
			*total += used;
	}
	if (rc == RESP_DONE && head && f->body != RESP_BODY_NONE)
		abort();
	free(f);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	if (n < 1)
		return 0;
	size_t step = (size_t)(data[0] & 0x3f) + 1;
	bool head = data[0] & 0x40;
	size_t a, b;
	enum resp_rc whole = run(data + 1, n - 1, n, head, &a);
	enum resp_rc parts = run(data + 1, n - 1, step, head, &b);
	if (whole != parts || (whole != RESP_ERROR && a != b))
		abort();
	return 0;
}
