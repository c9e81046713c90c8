/* See approvals.h. */
#include "shell/approvals.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool hex64(const char *p, size_t n)
{
	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}

/* Calls fn for each well-formed line: hex (64 bytes), dir and its length. */
static void each_line(const char *text, size_t len,
                      void (*fn)(const char *hex, const char *dir, size_t dlen, void *ctx), void *ctx)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		size_t n = (size_t)(nl - p);
		if (n > 66 && hex64(p, 64) && p[64] == ' ' && p[65] == '/' && !memchr(p, '\0', n))
			fn(p, p + 65, n - 65, ctx);
		p = nl + 1;
	}
}

struct has_ctx {
	const char *hex, *dir;
	bool found;
};

static void has_one(const char *hex, const char *dir, size_t dlen, void *ctx)
{
	struct has_ctx *c = ctx;
	if (memcmp(hex, c->hex, 64) == 0 && strlen(c->dir) == dlen && memcmp(dir, c->dir, dlen) == 0)
		c->found = true;
}

bool approvals_has(const char *text, size_t len, const char *hex, const char *dir)
{
	if (strlen(hex) != 64)
		return false;
	struct has_ctx c = { hex, dir, false };
	each_line(text, len, has_one, &c);
	return c.found;
}

struct set_ctx {
	const char *dir;
	FILE *out;
};

static void keep_one(const char *hex, const char *dir, size_t dlen, void *ctx)
{
	struct set_ctx *c = ctx;
	if (strlen(c->dir) == dlen && memcmp(dir, c->dir, dlen) == 0)
		return;
	fprintf(c->out, "%.64s %.*s\n", hex, (int)dlen, dir);
}

char *approvals_set(const char *text, size_t len, const char *hex, const char *dir)
{
	char *buf = NULL;
	size_t blen = 0;
	FILE *f = open_memstream(&buf, &blen);
	if (!f)
		return NULL;
	struct set_ctx c = { dir, f };
	each_line(text, len, keep_one, &c);
	if (hex)
		fprintf(f, "%s %s\n", hex, dir);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

struct dir_ctx {
	void (*fn)(const char *dir, void *ctx);
	void *ctx;
};

static void one_dir(const char *hex, const char *dir, size_t dlen, void *ctx)
{
	(void)hex;
	struct dir_ctx *c = ctx;
	char *d = xstrndup(dir, dlen);
	c->fn(d, c->ctx);
	free(d);
}

void approvals_each_dir(const char *text, size_t len, void (*fn)(const char *dir, void *ctx), void *ctx)
{
	struct dir_ctx c = { fn, ctx };
	each_line(text, len, one_dir, &c);
}

int approvals_dir(char *out, size_t size)
{
	const char *x = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	int n;
	if (x && x[0] == '/')
		n = snprintf(out, size, "%s/canister", x);
	else if (home && home[0] == '/')
		n = snprintf(out, size, "%s/.local/state/canister", home);
	else
		return -1;
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int approvals_file(char *out, size_t size)
{
	char d[4096];
	if (approvals_dir(d, sizeof(d)) < 0)
		return -1;
	int n = snprintf(out, size, "%s/approved", d);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}
