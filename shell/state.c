/* See state.h. */
#include "shell/state.h"
#include "util/util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = { "active", "pending", "invalid" };

const char *layer_state_name(enum layer_state s)
{
	return (unsigned)s < 3 ? state_names[s] : "invalid";
}

char *state_format(const struct session_state *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	fprintf(f, "canister-session 1\npid %d\nstarted %lld\nenforce %s\n", (int)s->pid, s->started,
	        s->enforce);
	for (size_t i = 0; i < s->n; i++) {
		fprintf(f, "layer %s %s\t%s\t", layer_state_name(s->v[i].state), s->v[i].dir,
		        s->v[i].recipes ? s->v[i].recipes : "");
		/* A reason is free text (a recipe's diagnostic): one field. */
		const char *r = s->v[i].reason && s->v[i].reason[0] ? s->v[i].reason : "-";
		for (; *r; r++)
			fputc((unsigned char)*r < 0x20 ? ' ' : *r, f);
		fputc('\n', f);
	}
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].proxied)
			fprintf(f, "proxied %s\n", s->v[i].dir);
	if (s->proxy[0])
		fprintf(f, "proxy %s\n", s->proxy);
	if (s->bundle[0])
		fprintf(f, "bundle %s\n", s->bundle);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

void state_free(struct session_state *st)
{
	for (size_t i = 0; i < st->n; i++) {
		free(st->v[i].dir);
		free(st->v[i].recipes);
		free(st->v[i].reason);
	}
	free(st->v);
	memset(st, 0, sizeof(*st));
}

static int parse_layer(struct session_state *st, const char *p, size_t n)
{
	const char *sp = memchr(p, ' ', n);
	if (!sp)
		return -1;
	size_t sl = (size_t)(sp - p);
	int state = -1;
	for (int i = 0; i < 3; i++)
		if (strlen(state_names[i]) == sl && memcmp(state_names[i], p, sl) == 0)
			state = i;
	const char *rest = sp + 1, *end = p + n;
	const char *t1 = memchr(rest, '\t', (size_t)(end - rest));
	const char *t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(end - t1 - 1)) : NULL;
	if (state < 0 || !t1 || !t2 || memchr(t2 + 1, '\t', (size_t)(end - t2 - 1)) || rest[0] != '/')
		return -1;
	st->v = xrealloc(st->v, (st->n + 1) * sizeof(*st->v));
	struct state_layer *l = &st->v[st->n++];
	l->state = (enum layer_state)state;
	l->proxied = false; /* a "proxied" line after it says so */
	l->dir = xstrndup(rest, (size_t)(t1 - rest));
	l->recipes = xstrndup(t1 + 1, (size_t)(t2 - t1 - 1));
	size_t rl = (size_t)(end - t2 - 1);
	l->reason = rl == 1 && t2[1] == '-' ? NULL : xstrndup(t2 + 1, rl);
	return 0;
}

int state_parse(const char *text, size_t len, struct session_state *st)
{
	memset(st, 0, sizeof(*st));
	const char *p = text, *end = text + len;
	int line = 0;
	bool have_pid = false;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break; /* a line without its newline: a torn write, ignored */
		size_t n = (size_t)(nl - p);
		line++;
		if (memchr(p, '\0', n))
			goto bad;
		if (line == 1) {
			if (n != 18 || memcmp(p, "canister-session 1", 18) != 0)
				goto bad;
		} else if (n > 4 && memcmp(p, "pid ", 4) == 0) {
			char *e;
			long v = strtol(p + 4, &e, 10);
			if (e != nl || v <= 0 || v > INT_MAX)
				goto bad;
			st->pid = (pid_t)v;
			have_pid = true;
		} else if (n > 8 && memcmp(p, "started ", 8) == 0) {
			char *e;
			st->started = strtoll(p + 8, &e, 10);
			if (e != nl)
				goto bad;
		} else if (n > 8 && memcmp(p, "enforce ", 8) == 0) {
			if (n - 8 >= sizeof(st->enforce))
				goto bad;
			memcpy(st->enforce, p + 8, n - 8);
			st->enforce[n - 8] = '\0';
		} else if (n > 6 && memcmp(p, "layer ", 6) == 0) {
			if (parse_layer(st, p + 6, n - 6) < 0)
				goto bad;
		} else if (n > 8 && memcmp(p, "proxied ", 8) == 0) {
			for (size_t i = 0; i < st->n; i++)
				if (strlen(st->v[i].dir) == n - 8 && memcmp(st->v[i].dir, p + 8, n - 8) == 0)
					st->v[i].proxied = true;
		} else if (n > 6 && memcmp(p, "proxy ", 6) == 0) {
			if (n - 6 >= sizeof(st->proxy))
				goto bad;
			memcpy(st->proxy, p + 6, n - 6);
			st->proxy[n - 6] = '\0';
		} else if (n > 7 && memcmp(p, "bundle ", 7) == 0) {
			if (n - 7 >= sizeof(st->bundle) || p[7] != '/')
				goto bad;
			memcpy(st->bundle, p + 7, n - 7);
			st->bundle[n - 7] = '\0';
		}
		p = nl + 1;
	}
	if (line == 0 || !have_pid)
		goto bad;
	return 0;
bad:
	state_free(st);
	return -1;
}

long state_layer_of(const struct session_state *st, const char *dir)
{
	long best = -1;
	size_t best_len = 0;
	for (size_t i = 0; i < st->n; i++) {
		const char *l = st->v[i].dir;
		size_t n = strlen(l);
		bool covers = strcmp(l, "/") == 0 ||
		              (strncmp(dir, l, n) == 0 && (dir[n] == '\0' || dir[n] == '/'));
		if (covers && (best < 0 || n > best_len)) {
			best = (long)i;
			best_len = n;
		}
	}
	return best;
}

static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

int status_render(const struct session_state *st, const char *cwd, bool json, FILE *out)
{
	long i = st && cwd ? state_layer_of(st, cwd) : -1;
	const struct state_layer *l = i >= 0 ? &st->v[i] : NULL;
	int rc = !st ? 4 : !l ? 1 : l->state == LAYER_ACTIVE ? 0 : 3;
	if (json) {
		fputs("{\"session\":", out);
		if (st)
			fprintf(out, "%d", (int)st->pid);
		else
			fputs("null", out);
		fputs(",\"layer\":", out);
		if (l)
			json_string(out, l->dir);
		else
			fputs("null", out);
		fputs(",\"state\":", out);
		if (l)
			json_string(out, layer_state_name(l->state));
		else
			fputs("null", out);
		fputs(",\"recipes\":[", out);
		const char *r = l && l->recipes ? l->recipes : "";
		bool first = true;
		while (*r) {
			const char *c = strchr(r, ',');
			size_t n = c ? (size_t)(c - r) : strlen(r);
			char *one = xstrndup(r, n);
			if (!first)
				fputc(',', out);
			json_string(out, one);
			free(one);
			first = false;
			r += n + (c ? 1 : 0);
		}
		fputc(']', out);
		if (st && st->proxy[0]) {
			fputs(",\"proxy\":", out);
			json_string(out, st->proxy);
		}
		fputs("}\n", out);
		return rc;
	}
	if (!st)
		return rc;
	if (!l) {
		fputs("can:session\n", out);
		return rc;
	}
	const char *base = strrchr(l->dir, '/');
	base = base && base[1] ? base + 1 : l->dir;
	fprintf(out, "can:%s%s\n", base, l->state == LAYER_ACTIVE ? "" : "?");
	return rc;
}

bool status_proxy_env(const struct session_state *st, const char *cwd, int *port,
                      const char **bundle)
{
	long i = st && cwd ? state_layer_of(st, cwd) : -1;
	if (i < 0 || !st->v[i].proxied || st->v[i].state != LAYER_ACTIVE || !st->bundle[0] ||
	    strncmp(st->proxy, "127.0.0.1:", 10) != 0)
		return false;
	char *e;
	long p = strtol(st->proxy + 10, &e, 10);
	if (*e || p <= 0 || p > 65535)
		return false;
	*port = (int)p;
	*bundle = st->bundle;
	return true;
}
