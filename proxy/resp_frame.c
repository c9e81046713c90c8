/* The response framer (resp_frame.h). */
#include "proxy/resp_frame.h"

#include <string.h>
#include <strings.h>

enum { S_LINE, S_LF, S_BODY_LEN, S_BODY_CHUNKED, S_BODY_CLOSE };

#define HEAD_LIMIT (64 * 1024)

void resp_frame_init(struct resp_frame *f, bool head_request)
{
	memset(f, 0, sizeof(*f));
	f->head_request = head_request;
	f->status = -1;
}

/* The status line: "HTTP/1.x NNN ...". */
static bool status_line(struct resp_frame *f)
{
	const char *l = f->line;
	if (f->ll < 12 || strncmp(l, "HTTP/1.", 7) != 0 || (l[7] != '0' && l[7] != '1') ||
	    l[8] != ' ')
		return false;
	int s = 0;
	for (int i = 9; i < 12; i++) {
		if (l[i] < '0' || l[i] > '9')
			return false;
		s = s * 10 + (l[i] - '0');
	}
	if (s < 100 || (f->ll > 12 && l[12] != ' '))
		return false;
	f->status = s;
	if (s >= 200)
		f->final_started = true;
	return true;
}

static bool field_is(const char *l, size_t ll, const char *name, const char **val)
{
	size_t n = strlen(name);
	if (ll <= n || strncasecmp(l, name, n) != 0 || l[n] != ':')
		return false;
	const char *v = l + n + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	*val = v;
	return true;
}

static bool field_line(struct resp_frame *f)
{
	const char *v;
	if (field_is(f->line, f->ll, "content-length", &v)) {
		if (f->have_cl || !*v)
			return false;
		uint64_t n = 0;
		for (; *v >= '0' && *v <= '9'; v++) {
			if (n > (UINT64_MAX - 9) / 10)
				return false;
			n = n * 10 + (uint64_t)(*v - '0');
		}
		while (*v == ' ' || *v == '\t')
			v++;
		if (*v)
			return false;
		f->have_cl = true;
		f->cl_left = n;
	} else if (field_is(f->line, f->ll, "transfer-encoding", &v)) {
		/* chunked must be the last coding; anything else ends at close */
		size_t n = strlen(v);
		while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
			n--;
		f->chunked = n >= 7 && strncasecmp(v + n - 7, "chunked", 7) == 0;
		if (!f->chunked)
			f->body = RESP_BODY_CLOSE;
	}
	return true;
}

/* The blank line: where the body starts, or the next head after a 1xx.
 * Returns the next state, or -1 when the response is complete. */
static int head_done(struct resp_frame *f)
{
	if (f->status == 101) {
		/* Switching Protocols: what follows is not HTTP; it ends with the
		 * connection (the proxy refuses upgrades inside tunnels anyway). */
		f->final_started = true;
		f->body = RESP_BODY_CLOSE;
		return S_BODY_CLOSE;
	}
	if (f->status < 200) {
		/* interim (100 Continue, 103 Early Hints): another head follows */
		bool head = f->head_request;
		resp_frame_init(f, head);
		return S_LINE;
	}
	if (f->head_request || f->status == 204 || f->status == 304) {
		f->body = RESP_BODY_NONE;
		return -1;
	}
	if (f->chunked) {
		f->body = RESP_BODY_CHUNKED;
		chunked_init(&f->ch);
		return S_BODY_CHUNKED;
	}
	if (f->body == RESP_BODY_CLOSE)
		return S_BODY_CLOSE;
	if (f->have_cl) {
		f->body = RESP_BODY_LENGTH;
		return f->cl_left ? S_BODY_LEN : -1;
	}
	f->body = RESP_BODY_CLOSE;
	return S_BODY_CLOSE;
}

enum resp_rc resp_frame_feed(struct resp_frame *f, const uint8_t *buf, size_t n, size_t *used)
{
	size_t i = 0;
	while (i < n) {
		switch (f->state) {
		case S_LINE: {
			uint8_t ch = buf[i++];
			if (++f->head_bytes > HEAD_LIMIT)
				return RESP_ERROR;
			if (ch == '\r') {
				f->state = S_LF;
				break;
			}
			if (ch == '\n')
				return RESP_ERROR; /* bare LF */
			if (f->ll + 1 < sizeof(f->line))
				f->line[f->ll++] = (char)ch;
			else
				f->long_line = true;
			break;
		}
		case S_LF: {
			if (buf[i++] != '\n')
				return RESP_ERROR;
			f->line[f->ll] = '\0';
			if (f->long_line) {
				/* a status line or a framing field this long is not one */
				const char *v;
				if (f->status < 0 || field_is(f->line, f->ll, "content-length", &v) ||
				    field_is(f->line, f->ll, "transfer-encoding", &v))
					return RESP_ERROR;
				f->long_line = false;
			} else if (f->status < 0) {
				if (!status_line(f))
					return RESP_ERROR;
			} else if (f->ll == 0) {
				if (f->have_cl && f->chunked)
					return RESP_ERROR;
				int next = head_done(f);
				if (next < 0) {
					*used = i;
					return RESP_DONE;
				}
				f->state = next;
				f->ll = 0;
				break;
			} else if (f->line[0] == ' ' || f->line[0] == '\t' || !field_line(f)) {
				return RESP_ERROR; /* obs-fold, or a bad length */
			}
			f->ll = 0;
			f->state = S_LINE;
			break;
		}
		case S_BODY_LEN: {
			size_t k = n - i;
			if (k > f->cl_left)
				k = (size_t)f->cl_left;
			f->cl_left -= k;
			i += k;
			if (!f->cl_left) {
				*used = i;
				return RESP_DONE;
			}
			break;
		}
		case S_BODY_CHUNKED: {
			size_t u = 0;
			enum chunked_rc rc = chunked_feed(&f->ch, buf + i, n - i, &u);
			i += u;
			if (rc == CHUNKED_ERROR)
				return RESP_ERROR;
			if (rc == CHUNKED_DONE) {
				*used = i;
				return RESP_DONE;
			}
			break;
		}
		default: /* S_BODY_CLOSE: until the connection ends */
			i = n;
			break;
		}
	}
	*used = n;
	return RESP_MORE;
}
