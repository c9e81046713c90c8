/* Refusal texts (see refusal.h). */
#include "proxy/refusal.h"
#include "util/util.h"

#include <stdbool.h>
#include <stdlib.h>

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
	case 421: return "Misdirected Request";
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

/* ---- merging patches ---- */

struct pkey {
	char *table, *key;
	char **items; /* list values, or one scalar in items[0] with list = false */
	size_t n;
	bool list;
};

static void add_item(struct pkey *k, const char *s, size_t len)
{
	for (size_t i = 0; i < k->n; i++)
		if (strlen(k->items[i]) == len && strncmp(k->items[i], s, len) == 0)
			return;
	strv_push(&k->items, &k->n, xstrndup(s, len));
}

static void add_line(struct pkey **keys, size_t *nk, const char *table, const char *line)
{
	const char *eq = strstr(line, " = ");
	if (!eq)
		return;
	char *key = xstrndup(line, (size_t)(eq - line));
	const char *v = eq + 3;
	struct pkey *k = NULL;
	for (size_t i = 0; i < *nk; i++)
		if (strcmp((*keys)[i].table, table) == 0 && strcmp((*keys)[i].key, key) == 0)
			k = &(*keys)[i];
	if (!k) {
		*keys = xrealloc(*keys, (*nk + 1) * sizeof(**keys));
		k = &(*keys)[(*nk)++];
		*k = (struct pkey){ xstrdup(table), key, NULL, 0, v[0] == '[' };
	} else {
		free(key);
	}
	if (!k->list) {
		if (!k->n)
			add_item(k, v, strlen(v));
		return;
	}
	/* ["a", "b"]: the patches' lists hold plain strings without commas */
	const char *end = strrchr(v, ']');
	for (const char *q = v + 1; end && q < end;) {
		while (q < end && (*q == ' ' || *q == ','))
			q++;
		const char *e = q;
		while (e < end && *e != ',')
			e++;
		if (e > q)
			add_item(k, q, (size_t)(e - q));
		q = e;
	}
}

char *refusal_merge_patches(char *const *patches, size_t n)
{
	struct pkey *keys = NULL;
	size_t nk = 0;
	char **hosts = NULL;
	size_t nh = 0;
	for (size_t i = 0; i < n; i++) {
		const char *p = patches[i];
		if (strncmp(p, "[[", 2) == 0) {
			strv_push(&hosts, &nh, xstrdup(p));
			continue;
		}
		char table[64] = "";
		for (const char *line = p; *line;) {
			const char *nl = strchr(line, '\n');
			size_t len = nl ? (size_t)(nl - line) : strlen(line);
			char *l = xstrndup(line, len);
			if (l[0] == '[')
				snprintf(table, sizeof(table), "%s", l);
			else if (table[0])
				add_line(&keys, &nk, table, l);
			free(l);
			line += len + (nl ? 1 : 0);
		}
	}
	size_t cap = 256, len = 0;
	char *out = xmalloc(cap);
	out[0] = '\0';
#define PUT(...)                                                                     \
	do {                                                                         \
		int need_ = snprintf(NULL, 0, __VA_ARGS__);                          \
		while (len + (size_t)need_ + 1 > cap)                               \
			out = xrealloc(out, cap *= 2);                               \
		len += (size_t)snprintf(out + len, cap - len, __VA_ARGS__);         \
	} while (0)
	for (size_t i = 0; i < nk; i++) {
		/* each table once, where it first appears, with all its keys */
		for (size_t j = 0; j < i; j++)
			if (strcmp(keys[j].table, keys[i].table) == 0)
				goto body;
		PUT("%s%s\n", len ? "\n" : "", keys[i].table);
		for (size_t j = i; j < nk; j++) {
			if (strcmp(keys[j].table, keys[i].table) != 0)
				continue;
			if (!keys[j].list) {
				PUT("%s = %s\n", keys[j].key, keys[j].items[0]);
				continue;
			}
			PUT("%s = [", keys[j].key);
			for (size_t k = 0; k < keys[j].n; k++)
				PUT("%s%s", k ? ", " : "", keys[j].items[k]);
			PUT("]\n");
		}
body:;
	}
	for (size_t i = 0; i < nh; i++)
		PUT("%s%s", len ? "\n" : "", hosts[i]);
#undef PUT
	for (size_t i = 0; i < nk; i++) {
		free(keys[i].table);
		free(keys[i].key);
		strv_free(keys[i].items, keys[i].n);
	}
	free(keys);
	strv_free(hosts, nh);
	return out;
}

/* ---- merging [[host]] blocks per domain ---- */

char *refusal_merge_hosts(char *const *patches, size_t n)
{
	/* the pkey table is the domain's line, so keys group per domain */
	struct pkey *keys = NULL;
	size_t nk = 0;
	char **doms = NULL;
	size_t nd = 0;
	for (size_t i = 0; i < n; i++) {
		const char *p = patches[i];
		if (strncmp(p, "[[host]]\n", 9) != 0)
			continue;
		char dom[400] = "";
		for (const char *line = p + 9; *line;) {
			const char *nl = strchr(line, '\n');
			size_t len = nl ? (size_t)(nl - line) : strlen(line);
			char *l = xstrndup(line, len);
			if (strncmp(l, "domain = ", 9) == 0) {
				snprintf(dom, sizeof(dom), "%s", l);
				bool seen = false;
				for (size_t j = 0; j < nd && !seen; j++)
					seen = strcmp(doms[j], dom) == 0;
				if (!seen)
					strv_push(&doms, &nd, xstrdup(dom));
			} else if (dom[0]) {
				add_line(&keys, &nk, dom, l);
			}
			free(l);
			line += len + (nl ? 1 : 0);
		}
	}
	size_t cap = 256, len = 0;
	char *out = xmalloc(cap);
	out[0] = '\0';
#define PUT(...)                                                                     \
	do {                                                                         \
		int need_ = snprintf(NULL, 0, __VA_ARGS__);                          \
		while (len + (size_t)need_ + 1 > cap)                               \
			out = xrealloc(out, cap *= 2);                               \
		len += (size_t)snprintf(out + len, cap - len, __VA_ARGS__);         \
	} while (0)
	for (size_t d = 0; d < nd; d++) {
		PUT("%s[[host]]\n%s\n", len ? "\n" : "", doms[d]);
		for (size_t j = 0; j < nk; j++) {
			if (strcmp(keys[j].table, doms[d]) != 0)
				continue;
			if (!keys[j].list) {
				PUT("%s = %s\n", keys[j].key, keys[j].items[0]);
				continue;
			}
			PUT("%s = [", keys[j].key);
			for (size_t k = 0; k < keys[j].n; k++)
				PUT("%s%s", k ? ", " : "", keys[j].items[k]);
			PUT("]\n");
		}
	}
#undef PUT
	for (size_t i = 0; i < nk; i++) {
		free(keys[i].table);
		free(keys[i].key);
		strv_free(keys[i].items, keys[i].n);
	}
	free(keys);
	strv_free(doms, nd);
	return out;
}
