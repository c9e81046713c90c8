/* libFuzzer target: the proxy's request-head lexer and framing checks
 * (proxy/http_lex.re, http_head.c) and the chunked framer, on arbitrary
 * bytes. Checks that every span a successful lex returns lies inside the
 * head, and that the framer never claims more bytes than it was given. */
#include "proxy/chunked.h"
#include "proxy/http_head.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void inside(struct http_span s, const char *buf, size_t len)
{
	if (s.n && (s.p < buf || s.p + s.n > buf + len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	char *buf = malloc(n + 1);
	memcpy(buf, data, n);
	buf[n] = '\0';
	struct http_head *h = malloc(sizeof(*h));
	enum http_err e = http_lex_head(buf, n, h);
	if (e == HTTP_OK) {
		if (h->head_len > n)
			abort();
		inside(h->method, buf, h->head_len);
		inside(h->target, buf, h->head_len);
		for (size_t i = 0; i < h->nfields; i++) {
			inside(h->fields[i].name, buf, h->head_len);
			inside(h->fields[i].value, buf, h->head_len);
		}
		http_head_check(h);
		(void)http_err_text(e);
		struct chunked c;
		chunked_init(&c);
		size_t used = 0, rest = n - h->head_len;
		if (chunked_feed(&c, data + h->head_len, rest, &used) != CHUNKED_ERROR && used > rest)
			abort();
	}
	free(h);
	free(buf);
	return 0;
}
