/* Framing checks on a lexed request head (see http_head.h). */
#include "proxy/http_head.h"

#include <strings.h>

bool http_span_eq(struct http_span s, const char *lit)
{
	size_t n = 0;
	while (lit[n])
		n++;
	return s.n == n && strncasecmp(s.p, lit, n) == 0;
}

/* Does a comma-separated field value list the token tok? */
static bool list_has(struct http_span v, const char *tok)
{
	size_t i = 0;
	while (i < v.n) {
		while (i < v.n && (v.p[i] == ' ' || v.p[i] == '\t' || v.p[i] == ','))
			i++;
		size_t s = i;
		while (i < v.n && v.p[i] != ',')
			i++;
		size_t e = i;
		while (e > s && (v.p[e - 1] == ' ' || v.p[e - 1] == '\t'))
			e--;
		if (e > s && http_span_eq((struct http_span){ v.p + s, e - s }, tok))
			return true;
	}
	return false;
}

static bool parse_length(struct http_span v, uint64_t *out)
{
	if (v.n == 0 || v.n > 15) /* 10^15 bytes is more than any limit */
		return false;
	uint64_t n = 0;
	for (size_t i = 0; i < v.n; i++) {
		if (v.p[i] < '0' || v.p[i] > '9')
			return false;
		n = n * 10 + (uint64_t)(v.p[i] - '0');
	}
	*out = n;
	return true;
}

enum http_err http_head_check(struct http_head *h)
{
	bool have_cl = false, have_te = false, have_host = false;
	h->framing = HTTP_BODY_NONE;
	for (size_t i = 0; i < h->nfields; i++) {
		struct http_field *f = &h->fields[i];
		if (http_span_eq(f->name, "content-length")) {
			if (have_cl)
				return HTTP_DUP_CL;
			have_cl = true;
			if (!parse_length(f->value, &h->content_length))
				return HTTP_BAD_CL;
		} else if (http_span_eq(f->name, "transfer-encoding")) {
			/* Only one field, exactly "chunked": anything else ("chunked,
			 * identity", "xchunked", a second field) is read differently
			 * by different servers. */
			if (have_te || !http_span_eq(f->value, "chunked"))
				return HTTP_BAD_TE;
			have_te = true;
		} else if (http_span_eq(f->name, "host")) {
			if (have_host)
				return HTTP_DUP_HOST;
			have_host = true;
			h->host = f->value;
		} else if (http_span_eq(f->name, "content-type")) {
			h->content_type = f->value;
		} else if (http_span_eq(f->name, "expect")) {
			h->expect_continue = http_span_eq(f->value, "100-continue");
		} else if (http_span_eq(f->name, "connection")) {
			if (list_has(f->value, "close"))
				h->connection_close = true;
		}
	}
	if (have_cl && have_te)
		return HTTP_CL_AND_TE;
	if (have_te)
		h->framing = HTTP_BODY_CHUNKED;
	else if (have_cl && h->content_length > 0)
		h->framing = HTTP_BODY_LENGTH;
	if (h->minor == 1 && !have_host)
		return HTTP_NO_HOST;
	if (h->minor == 0)
		h->connection_close = true;
	return HTTP_OK;
}

const char *http_err_text(enum http_err err)
{
	switch (err) {
	case HTTP_OK: return "no error";
	case HTTP_INCOMPLETE: return "the request head is incomplete";
	case HTTP_BARE_LF: return "a line ends in LF without CR (bare LF)";
	case HTTP_OBS_FOLD: return "a header line starts with a space or tab (obs-fold)";
	case HTTP_BAD_REQUEST_LINE: return "the request line is not METHOD SP TARGET SP HTTP/1.x";
	case HTTP_BAD_VERSION: return "only HTTP/1.0 and HTTP/1.1 are spoken here";
	case HTTP_BAD_FIELD: return "a header line is not NAME: VALUE (or holds a control character)";
	case HTTP_TOO_MANY_FIELDS: return "too many header fields";
	case HTTP_CL_AND_TE: return "Content-Length together with Transfer-Encoding";
	case HTTP_DUP_CL: return "two Content-Length fields";
	case HTTP_DUP_HOST: return "two Host fields";
	case HTTP_BAD_CL: return "Content-Length is not a decimal number";
	case HTTP_BAD_TE: return "Transfer-Encoding other than one \"chunked\"";
	case HTTP_NO_HOST: return "an HTTP/1.1 request without Host";
	}
	return "malformed request";
}

int http_err_status(enum http_err err)
{
	switch (err) {
	case HTTP_BAD_VERSION: return 505;
	case HTTP_TOO_MANY_FIELDS: return 431;
	case HTTP_BAD_TE: return 501;
	default: return 400;
	}
}
