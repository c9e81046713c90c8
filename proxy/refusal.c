/* Refusal texts (see refusal.h). */
#include "proxy/refusal.h"

#include <stdio.h>
#include <string.h>

const char *refusal_status_text(int status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 405: return "Method Not Allowed";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 431: return "Request Header Fields Too Large";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 504: return "Gateway Timeout";
	case 505: return "HTTP Version Not Supported";
	}
	return "Refused";
}

size_t refusal_response(const struct refusal *r, char *buf, size_t cap)
{
	char body[2048];
	int bn;
	if (r->patch && *r->patch)
		bn = snprintf(body, sizeof(body),
			      "can: the sandbox's proxy refused %s: %s\n\n"
			      "To allow it, add this to a recipe (save it as a .toml file and add -r FILE):\n\n"
			      "# can proxy patch\n%s",
			      r->what, r->reason, r->patch);
	else
		bn = snprintf(body, sizeof(body), "can: the sandbox's proxy refused %s: %s\n", r->what,
			      r->reason);
	if (bn < 0)
		bn = 0;
	if ((size_t)bn >= sizeof(body))
		bn = (int)sizeof(body) - 1;
	int n = snprintf(buf, cap,
			 "HTTP/1.1 %d %s\r\n"
			 "x-canister-error: %s\r\n"
			 "Content-Type: text/plain; charset=utf-8\r\n"
			 "Content-Length: %d\r\n"
			 "Connection: close\r\n"
			 "\r\n%s",
			 r->status, refusal_status_text(r->status), r->error, bn, body);
	if (n < 0)
		return 0;
	return (size_t)n < cap ? (size_t)n : cap - 1;
}

void refusal_line(const struct refusal *r, char *buf, size_t cap)
{
	snprintf(buf, cap, "can: proxy: refused %s (%s): %s", r->what, r->error, r->reason);
}
