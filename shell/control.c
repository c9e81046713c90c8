/* See control.h. */
#include "shell/control.h"

#include <string.h>

int ctl_normalize_dir(const char *in, size_t len, char *out, size_t size, const char **why)
{
	if (len == 0 || in[0] != '/') {
		*why = "the directory is not absolute";
		return -1;
	}
	size_t o = 0;
	size_t i = 0;
	while (i < len) {
		while (i < len && in[i] == '/')
			i++;
		if (i >= len)
			break;
		size_t start = i;
		while (i < len && in[i] != '/') {
			unsigned char c = (unsigned char)in[i];
			if (c < 0x20 || c == 0x7f) {
				*why = "the directory has a tab, newline or control character";
				return -1;
			}
			i++;
		}
		size_t n = i - start;
		if (n == 1 && in[start] == '.')
			continue;
		if (n == 2 && in[start] == '.' && in[start + 1] == '.') {
			*why = "the directory has a '..' component";
			return -1;
		}
		if (o + 1 + n + 1 > size) {
			*why = "the directory is too long";
			return -1;
		}
		out[o++] = '/';
		memcpy(out + o, in + start, n);
		o += n;
	}
	if (o == 0) {
		if (size < 2) {
			*why = "the directory is too long";
			return -1;
		}
		out[o++] = '/';
	}
	out[o] = '\0';
	return 0;
}

static const struct {
	const char *name;
	enum ctl_verb verb;
	enum ctl_channel ch;
	bool dir;
} verbs[] = {
	{ "declare", CTL_DECLARE, CTL_FIFO, true },
	{ "refresh", CTL_REFRESH, CTL_FIFO, false },
	{ "allow", CTL_ALLOW, CTL_SOCKET, true },
	{ "forget", CTL_FORGET, CTL_SOCKET, true },
	{ "layers", CTL_LAYERS, CTL_SOCKET, false },
	{ "ping", CTL_PING, CTL_SOCKET, false },
};

static int bad(struct ctl_msg *out, const char **why, const char *msg)
{
	out->verb = CTL_INVALID;
	out->dir[0] = '\0';
	*why = msg;
	return -1;
}

int ctl_parse(const char *line, size_t len, enum ctl_channel ch, struct ctl_msg *out,
              const char **why)
{
	static const char magic[] = "canister 1 ";
	const size_t mlen = sizeof(magic) - 1;
	if (len == 0 || len > CTL_MAX_LINE)
		return bad(out, why, "empty or longer than 4096 bytes");
	if (line[len - 1] != '\n' || memchr(line, '\n', len - 1) || memchr(line, '\0', len))
		return bad(out, why, "not one line ending in a newline");
	if (len < mlen || memcmp(line, magic, mlen) != 0)
		return bad(out, why, "not 'canister 1 ...' (unknown protocol or version)");
	const char *p = line + mlen, *end = line + len - 1;
	const char *sp = memchr(p, ' ', (size_t)(end - p));
	size_t vlen = sp ? (size_t)(sp - p) : (size_t)(end - p);
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strlen(verbs[i].name) != vlen || memcmp(verbs[i].name, p, vlen) != 0)
			continue;
		if (verbs[i].ch != ch)
			return bad(out, why, "a verb of the other channel");
		if (!verbs[i].dir) {
			if (sp)
				return bad(out, why, "this verb takes no argument");
			out->verb = verbs[i].verb;
			out->dir[0] = '\0';
			return 0;
		}
		if (!sp || sp + 1 >= end)
			return bad(out, why, "this verb needs an absolute directory");
		if (ctl_normalize_dir(sp + 1, (size_t)(end - sp - 1), out->dir, sizeof(out->dir), why) < 0) {
			out->verb = CTL_INVALID;
			out->dir[0] = '\0';
			return -1;
		}
		out->verb = verbs[i].verb;
		return 0;
	}
	return bad(out, why, "unknown verb");
}
