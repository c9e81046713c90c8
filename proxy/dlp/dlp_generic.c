/* The generic detector: a high-entropy value given to a name that says it
 * holds a credential ("api_key=...", "\"client_secret\": \"...\"",
 * "X-Api-Key: ..."), for the secrets no format of the table describes.
 * Entropy alone cannot tell a secret from an honest identifier at these
 * lengths (a sha256, a UUID, "node_modules_cache_key_v2" all score
 * 3.6-4 bits per character), so three things must hold (docs/dlp.md says
 * why each): a credential-like name before the value; the value looks
 * random, not wordy (under 40% of it in lower-case runs of 3+ letters,
 * a digit and a letter in it); and its Shannon entropy is at least
 * DLP_GENERIC_MIN_NORM of the most its length and alphabet allow. It warns;
 * under --strict it refuses (dlp_chain.c). Pure. */
#include "dlp_int.h"

#include <math.h>
#include <string.h>

const struct dlp_detector dlp_generic_detector = {
	.name = "generic-secret",
	.description = "a high-entropy value under a credential-like name (the generic detector)",
	.homes = "",
	.prefixes = "",
};

static bool key_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.';
}

static bool value_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '+' || c == '/' || c == '=' || c == '~';
}

static bool has(const char *k, const char *w)
{
	return strstr(k, w) != NULL;
}

static bool ends(const char *k, size_t n, const char *w)
{
	size_t m = strlen(w);
	return n >= m && memcmp(k + n - m, w, m) == 0;
}

bool dlp_generic_key(const char *key, size_t n)
{
	char k[65];
	if (n < 3 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		k[i] = (char)(key[i] >= 'A' && key[i] <= 'Z' ? key[i] + 32 : key[i]);
	k[n] = 0;
	/* Honest high-entropy values under credential-like names: anti-CSRF
	 * tokens, pagination cursors, nonces, integrity hashes, counts. */
	static const char *const honest[] = { "csrf", "xsrf", "authenticity", "nonce", "page",
					      "cursor", "continuation", "next", "state", "captcha",
					      "integrity", "hash", "sha", "checksum", "count",
					      "type", "max_tokens", "tokenizer", "public" };
	for (size_t i = 0; i < sizeof honest / sizeof honest[0]; i++)
		if (has(k, honest[i]))
			return false;
	static const char *const words[] = { "secret", "token", "passw", "pwd", "apikey",
					     "api_key", "api-key", "accesskey", "access_key",
					     "access-key", "privatekey", "private_key",
					     "private-key", "credential", "authorization",
					     "authtoken", "auth_token", "auth-token", "signing_key",
					     "signingkey", "session_key", "client_key", "dsn" };
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (has(k, words[i]))
			return true;
	return strcmp(k, "auth") == 0 || ends(k, n, "_auth") || ends(k, n, "-auth") ||
	       ends(k, n, ".auth") || strcmp(k, "pass") == 0 || ends(k, n, "_pass");
}

bool dlp_generic_value(const uint8_t *v, size_t n)
{
	if (n < DLP_GENERIC_MIN_LEN || n > DLP_GENERIC_MAX_LEN)
		return false;
	bool digit = false, letter = false, hex = true;
	size_t wordy = 0, run = 0;
	for (size_t i = 0; i <= n; i++) {
		uint8_t c = i < n ? v[i] : 0;
		bool lo = c >= 'a' && c <= 'z';
		if (lo) {
			run++;
			continue;
		}
		if (run >= 3)
			wordy += run;
		run = 0;
		if (i == n)
			break;
		digit |= c >= '0' && c <= '9';
		letter |= c >= 'A' && c <= 'Z';
	}
	for (size_t i = 0; i < n; i++) {
		letter |= v[i] >= 'a' && v[i] <= 'z';
		hex &= (v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f') ||
		       (v[i] >= 'A' && v[i] <= 'F');
	}
	if (!digit || !letter || wordy * 10 >= n * 4)
		return false;
	/* documentation's values ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") */
	static const char *const fake[] = { "example", "xxxx", "dummy", "placeholder", "redacted" };
	char low[DLP_GENERIC_MAX_LEN + 1];
	for (size_t i = 0; i < n; i++)
		low[i] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] + 32 : v[i]);
	low[n] = 0;
	for (size_t i = 0; i < sizeof fake / sizeof fake[0]; i++)
		if (strstr(low, fake[i]))
			return false;
	/* the most entropy a string of n characters over its alphabet can
	 * have: log2 of the smaller of the two */
	double alphabet = hex ? 16 : 64;
	double most = log2((double)n < alphabet ? (double)n : alphabet);
	return dlp_entropy_bits(v, n) >= DLP_GENERIC_MIN_NORM * most;
}

/* The next '=' and ':' at or after from. */
static void next(const uint8_t *p, size_t n, size_t from, const uint8_t **eq, const uint8_t **co)
{
	if (*eq && (size_t)(*eq - p) < from)
		*eq = from < n ? memchr(p + from, '=', n - from) : NULL;
	if (*co && (size_t)(*co - p) < from)
		*co = from < n ? memchr(p + from, ':', n - from) : NULL;
}

size_t dlp_generic_find(const uint8_t *p, size_t n, const char *header, struct dlp_span *out,
			size_t max)
{
	size_t k = 0;
	/* A header whose name says it holds a credential: its value (after
	 * a scheme word such as "Bearer") is the candidate. */
	if (header && dlp_generic_key(header, strlen(header))) {
		size_t i = 0;
		while (i < n && p[i] == ' ')
			i++;
		size_t w = i;
		while (w < n && ((p[w] | 0x20) >= 'a' && (p[w] | 0x20) <= 'z'))
			w++;
		if (w < n && p[w] == ' ' && w - i <= 8)
			i = w + 1;
		size_t e = i;
		while (e < n && value_char(p[e]))
			e++;
		if (k < max && (e == n || p[e] == ' ' || p[e] == ',' || p[e] == ';') &&
		    dlp_generic_value(p + i, e - i))
			out[k++] = (struct dlp_span){ i, e - i };
	}
	/* the separators, by memchr (vectorised): most bytes are neither */
	const uint8_t *eq = memchr(p, '=', n), *co = memchr(p, ':', n);
	while ((eq || co) && k < max) {
		size_t i = (size_t)((eq && (!co || eq < co) ? eq : co) - p);
		/* the name before: "name=", "name:", "\"name\": ", "'name' =" */
		size_t b = i;
		while (b > 0 && p[b - 1] == ' ')
			b--;
		if (b > 0 && (p[b - 1] == '"' || p[b - 1] == '\''))
			b--;
		size_t ke = b;
		while (b > 0 && ke - b < 64 && key_char(p[b - 1]))
			b--;
		if (!dlp_generic_key((const char *)p + b, ke - b)) {
			next(p, n, i + 1, &eq, &co);
			continue;
		}
		/* the value after: optional spaces and one quote */
		size_t s = i + 1;
		while (s < n && p[s] == ' ')
			s++;
		if (s < n && (p[s] == '"' || p[s] == '\''))
			s++;
		size_t e = s;
		while (e < n && value_char(p[e]))
			e++;
		if (dlp_generic_value(p + s, e - s) && (e == n || !value_char(p[e])))
			out[k++] = (struct dlp_span){ s, e - s };
		next(p, n, e > i + 1 ? e : i + 1, &eq, &co);
	}
	return k;
}
