/* The exact-match set: canaries and the user's real secrets, searched in the
 * raw bytes and in every decoding. A 4096-bit Bloom filter over each value's
 * first 8 bytes lets the scan test each position with one load and one bit;
 * only a hit compares the values. And the collection of the real secrets
 * from the environment and the credential files the sandbox hides. */
#include "dlp_int.h"
#include "util/util.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t head8(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static unsigned bloom_bit(uint64_t h)
{
	return (unsigned)((h * 0x9e3779b97f4a7c15ull) >> 52); /* 12 bits */
}

int dlp_engine_add_secret(struct dlp_engine *e, enum dlp_secret_kind kind, const char *label,
			  const void *value, size_t len)
{
	struct dlp_exact *x = &e->exact;
	if (len < DLP_SECRET_MIN_LEN)
		return -1;
	for (size_t i = 0; i < x->n; i++)
		if (x->v[i].len == len && memcmp(x->v[i].value, value, len) == 0)
			return 0; /* already there */
	if (x->n == x->cap) {
		x->cap = x->cap ? 2 * x->cap : 16;
		x->v = xrealloc(x->v, x->cap * sizeof *x->v);
	}
	struct dlp_secret *s = &x->v[x->n++];
	memset(s, 0, sizeof *s);
	s->kind = kind;
	snprintf(s->label, sizeof s->label, "%s", label ? label : "");
	s->value = xmalloc(len);
	memcpy(s->value, value, len);
	s->len = len;
	s->head = head8(s->value);
	unsigned b = bloom_bit(s->head);
	x->bloom[b >> 6] |= 1ull << (b & 63);
	return 0;
}

size_t dlp_engine_nsecrets(const struct dlp_engine *e)
{
	return e->exact.n;
}

void dlp_exact_scan(const struct dlp_exact *x, const uint8_t *p, size_t n, dlp_exact_hit_fn *fn,
		    void *ctx)
{
	if (x->n == 0 || n < 8)
		return;
	for (size_t i = 0; i + 8 <= n; i++) {
		uint64_t h = head8(p + i);
		unsigned b = bloom_bit(h);
		if (!(x->bloom[b >> 6] >> (b & 63) & 1))
			continue;
		for (size_t k = 0; k < x->n; k++) {
			const struct dlp_secret *s = &x->v[k];
			if (s->head == h && s->len <= n - i && memcmp(p + i, s->value, s->len) == 0)
				fn(ctx, s, i);
		}
	}
}

void dlp_exact_free(struct dlp_exact *x)
{
	for (size_t i = 0; i < x->n; i++) {
		explicit_bzero(x->v[i].value, x->v[i].len);
		free(x->v[i].value);
	}
	free(x->v);
	memset(x, 0, sizeof *x);
}

/* ---- collection ---- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	struct dlp_buf b = { 0 };
	char tmp[4096];
	size_t k;
	while ((k = fread(tmp, 1, sizeof tmp, f)) > 0 && b.n < (1u << 20))
		dlp_buf_put(&b, tmp, k);
	fclose(f);
	dlp_buf_put(&b, "", 1);
	*len = b.n - 1;
	return (char *)b.p;
}

static size_t add_str(struct dlp_engine *e, const char *label, const char *v, size_t n)
{
	while (n && isspace((unsigned char)*v))
		v++, n--;
	while (n && isspace((unsigned char)v[n - 1]))
		n--;
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0])
		v++, n -= 2;
	return dlp_engine_add_secret(e, DLP_SECRET_REAL, label, v, n) == 0 && n >= DLP_SECRET_MIN_LEN;
}

/* Lines "key = value" / "key: value" / "key=value" whose key ends with one
 * of the given names. */
static size_t add_keyed(struct dlp_engine *e, const char *label, const char *text,
			const char *const *keys)
{
	size_t added = 0;
	for (const char *line = text; line && *line;) {
		const char *eol = strchr(line, '\n');
		size_t ll = eol ? (size_t)(eol - line) : strlen(line);
		/* '=' first: npm's "//registry.npmjs.org/:_authToken=v" has a
		 * colon before its key; then ':' for YAML's "oauth_token: v". */
		const char *seps[2] = { memchr(line, '=', ll), memchr(line, ':', ll) };
		bool done = false;
		for (int si = 0; si < 2 && !done; si++) {
			const char *sep = seps[si];
			if (!sep)
				continue;
			size_t kl = (size_t)(sep - line);
			while (kl && isspace((unsigned char)line[kl - 1]))
				kl--;
			for (const char *const *k = keys; *k; k++) {
				size_t l = strlen(*k);
				if (kl >= l && strncasecmp(line + kl - l, *k, l) == 0) {
					added += add_str(e, label, sep + 1, ll - (size_t)(sep + 1 - line));
					done = true;
					break;
				}
			}
		}
		line = eol ? eol + 1 : NULL;
	}
	return added;
}

/* "auth": "base64(user:password)" and "identitytoken" in docker's config:
 * the base64 value, the decoded pair, and the password alone. */
static size_t add_docker(struct dlp_engine *e, const char *text)
{
	size_t added = 0;
	static const char *const keys[] = { "\"auth\"", "\"identitytoken\"", "\"registrytoken\"" };
	for (size_t k = 0; k < 3; k++) {
		for (const char *p = strstr(text, keys[k]); p; p = strstr(p + 1, keys[k])) {
			const char *q = strchr(p + strlen(keys[k]), '"');
			const char *r = q ? strchr(q + 1, '"') : NULL;
			if (!r)
				break;
			size_t n = (size_t)(r - q - 1);
			added += add_str(e, "~/.docker/config.json", q + 1, n);
			if (k == 0 && n < 4096) {
				uint8_t dec[3072 + 4];
				size_t m = dlp_base64_decode((const uint8_t *)q + 1, n, 0, dec);
				added += add_str(e, "~/.docker/config.json", (char *)dec, m);
				uint8_t *c = memchr(dec, ':', m);
				if (c)
					added += add_str(e, "~/.docker/config.json", (char *)c + 1,
							 (size_t)(dec + m - c - 1));
			}
		}
	}
	return added;
}

/* .netrc: the word after each "password". */
static size_t add_netrc(struct dlp_engine *e, const char *text)
{
	size_t added = 0;
	const char *p = text;
	while ((p = strstr(p, "password"))) {
		p += 8;
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		size_t n = strcspn(p, " \t\r\n");
		added += add_str(e, "~/.netrc", p, n);
		p += n;
	}
	return added;
}

/* A private key's base64 body lines, past the first two (OpenSSH keys all
 * start alike): the key sent without its BEGIN line is still found. */
static size_t add_ssh_key(struct dlp_engine *e, const char *label, const char *text)
{
	if (!strstr(text, "PRIVATE KEY-----"))
		return 0;
	size_t added = 0, lineno = 0;
	for (const char *line = text; line && *line;) {
		const char *eol = strchr(line, '\n');
		size_t ll = eol ? (size_t)(eol - line) : strlen(line);
		if (ll >= 40 && line[0] != '-' && !memchr(line, ':', ll) && ++lineno > 2)
			added += add_str(e, label, line, ll);
		line = eol ? eol + 1 : NULL;
	}
	return added;
}

size_t dlp_secrets_collect(struct dlp_engine *e, const char *home, const char *const *env_names,
			   char *const *envp)
{
	size_t added = 0;
	for (const char *const *n = env_names; n && *n; n++) {
		size_t nl = strlen(*n);
		for (char *const *v = envp; v && *v; v++)
			if (strncmp(*v, *n, nl) == 0 && (*v)[nl] == '=') {
				char label[48];
				snprintf(label, sizeof label, "env %s", *n);
				added += add_str(e, label, *v + nl + 1, strlen(*v + nl + 1));
			}
	}
	if (!home)
		return added;
	static const char *const aws_keys[] = { "aws_access_key_id", "aws_secret_access_key",
						"aws_session_token", NULL };
	static const char *const npm_keys[] = { "_authToken", "_auth", "_password", NULL };
	static const char *const gh_keys[] = { "oauth_token", NULL };
	struct { const char *rel, *label; const char *const *keys; } files[] = {
		{ ".aws/credentials", "~/.aws/credentials", aws_keys },
		{ ".npmrc", "~/.npmrc", npm_keys },
		{ ".config/gh/hosts.yml", "~/.config/gh/hosts.yml", gh_keys },
	};
	for (size_t i = 0; i < ARRAY_LEN(files); i++) {
		char *path = xasprintf("%s/%s", home, files[i].rel);
		size_t len;
		char *text = slurp(path, &len);
		if (text) {
			added += add_keyed(e, files[i].label, text, files[i].keys);
			explicit_bzero(text, len);
			free(text);
		}
		free(path);
	}
	char *path = xasprintf("%s/.netrc", home);
	size_t len;
	char *text = slurp(path, &len);
	if (text) {
		added += add_netrc(e, text);
		explicit_bzero(text, len);
		free(text);
	}
	free(path);
	path = xasprintf("%s/.docker/config.json", home);
	if ((text = slurp(path, &len))) {
		added += add_docker(e, text);
		explicit_bzero(text, len);
		free(text);
	}
	free(path);
	path = xasprintf("%s/.ssh", home);
	DIR *d = opendir(path);
	if (d) {
		struct dirent *de;
		while ((de = readdir(d))) {
			size_t nl = strlen(de->d_name);
			if (strncmp(de->d_name, "id_", 3) != 0 || (nl > 4 && !strcmp(de->d_name + nl - 4, ".pub")))
				continue;
			char *kp = xasprintf("%s/%s", path, de->d_name);
			if ((text = slurp(kp, &len))) {
				char label[48];
				snprintf(label, sizeof label, "~/.ssh/%.40s", de->d_name);
				added += add_ssh_key(e, label, text);
				explicit_bzero(text, len);
				free(text);
			}
			free(kp);
		}
		closedir(d);
	}
	free(path);
	return added;
}

bool dlp_env_name_is_secret(const char *name, size_t len)
{
	static const char *const words[] = { "TOKEN", "SECRET", "PASSWORD", "PASSWD", "API_KEY",
					     "APIKEY", "ACCESS_KEY", "PRIVATE_KEY", "CREDENTIAL",
					     "SESSION_KEY", "CLIENT_KEY" };
	/* Only as the end of the name: "_PAT" starts "_PATH", "_AUTH" starts
	 * GIT_AUTHOR_NAME, whose value honest commits carry. */
	static const char *const ends[] = { "_PAT", "_AUTH" };
	char up[128];
	if (len >= sizeof up)
		len = sizeof up - 1;
	for (size_t i = 0; i < len; i++)
		up[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 'a' + 'A' : name[i]);
	up[len] = 0;
	for (size_t i = 0; i < ARRAY_LEN(words); i++)
		if (strstr(up, words[i]))
			return true;
	for (size_t i = 0; i < ARRAY_LEN(ends); i++) {
		size_t k = strlen(ends[i]);
		if (len >= k && strcmp(up + len - k, ends[i]) == 0)
			return true;
	}
	return false;
}
