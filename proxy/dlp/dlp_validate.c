/* Validators: run only on a candidate the DFA matched, they turn a pattern
 * match into a finding. Length, boundaries, entropy of the random part, and
 * the format's own checks (GitHub's CRC32, a JWT's header, an AWS secret's
 * mix of classes, a database URI's password not being a placeholder). */
#include "dlp_int.h"

#include <math.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

double dlp_entropy_bits(const uint8_t *p, size_t n)
{
	if (n == 0)
		return 0;
	unsigned count[256] = { 0 };
	for (size_t i = 0; i < n; i++)
		count[p[i]]++;
	double h = 0;
	for (int c = 0; c < 256; c++) {
		if (!count[c])
			continue;
		double q = (double)count[c] / (double)n;
		h -= q * log2(q);
	}
	return h;
}

static const char base62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* GitHub's token format: the last six characters are the CRC32 of the
 * random part in base62, zero-padded on the left. */
void dlp_gh_checksum(const uint8_t *p, size_t n, char out[6])
{
	uint32_t v = (uint32_t)crc32(0L, p, (uInt)n);
	for (int i = 5; i >= 0; i--) {
		out[i] = base62[v % 62];
		v /= 62;
	}
}

static bool is_alnum(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_b64(uint8_t c)
{
	return is_alnum(c) || c == '+' || c == '/';
}

static bool has_digit(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] >= '0' && p[i] <= '9')
			return true;
	return false;
}

static bool contains(const uint8_t *p, size_t n, const char *what)
{
	return memmem(p, n, what, strlen(what)) != NULL;
}

static bool aws_secret_ok(const uint8_t *p, size_t n)
{
	/* the value: the run of base64 characters at the end, exactly 40 */
	size_t k = 0;
	while (k < n && is_b64(p[n - 1 - k]))
		k++;
	if (k != 40)
		return false;
	const uint8_t *v = p + n - 40;
	bool lower = false, upper = false, digit = false;
	for (int i = 0; i < 40; i++) {
		lower |= v[i] >= 'a' && v[i] <= 'z';
		upper |= v[i] >= 'A' && v[i] <= 'Z';
		digit |= (v[i] >= '0' && v[i] <= '9') || v[i] == '+' || v[i] == '/';
	}
	return lower && upper && digit && dlp_entropy_bits(v, 40) >= 4.0 &&
	       !contains(v, 40, "EXAMPLE");
}

/* "alg" in the JSON header, decoded from base64url. */
static bool jwt_ok(const uint8_t *p, size_t n)
{
	const uint8_t *dot = memchr(p, '.', n);
	if (!dot || dot - p > 512)
		return false;
	uint8_t hdr[400];
	size_t m = dlp_base64_decode(p, (size_t)(dot - p), 0, hdr);
	return m >= 8 && hdr[0] == '{' && memmem(hdr, m, "\"alg\"", 5) != NULL;
}

/* The password of scheme://user:password@ is a real value, not a
 * placeholder from documentation or a template. */
static bool db_uri_ok(const uint8_t *p, size_t n)
{
	const uint8_t *s = memmem(p, n, "://", 3);
	if (!s)
		return false;
	s += 3;
	const uint8_t *colon = memchr(s, ':', (size_t)(p + n - s));
	if (!colon)
		return false;
	const uint8_t *pw = colon + 1;
	size_t len = (size_t)(p + n - 1 - pw); /* up to the '@' */
	if (len < 3)
		return false;
	static const char *const marks[] = { "${", "$(", "<", "{{", "%s", "***", "...", "xxx" };
	for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
		if (memmem(pw, len, marks[i], strlen(marks[i])))
			return false;
	static const char *const words[] = { "password", "passwd", "pass", "secret", "changeme",
					     "example", "pwd", "root", "admin", "test", "user",
					     "postgres", "mysql", "redis", "guest" };
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strlen(words[i]) == len && strncasecmp((const char *)pw, words[i], len) == 0)
			return false;
	size_t same = 1;
	while (same < len && pw[same] == pw[0])
		same++;
	if (same == len)
		return false;
	return true;
}

bool dlp_validate(const struct dlp_detector *d, const uint8_t *base, const uint8_t *p, size_t n,
		  const uint8_t *end)
{
	if (n < d->min_len || n > d->max_len)
		return false;
	if ((size_t)(p - base) < d->back)
		return false;
	const uint8_t *start = p - d->back;
	for (unsigned i = 0; i < d->back; i++)
		if (!is_alnum(start[i]))
			return false;
	if (d->flags & F_BOUNDARY) {
		if (start > base && is_b64(start[-1]))
			return false;
		if (p + n < end && is_b64(p[n]))
			return false;
	}
	const uint8_t *body = p + d->plen;
	size_t blen = n - d->plen;
	if (d->min_entropy > 0 && dlp_entropy_bits(body, blen) < d->min_entropy)
		return false;
	if (contains(p, n, "EXAMPLE"))
		return false;
	if (d->flags & F_GH_CRC) {
		char sum[6];
		dlp_gh_checksum(body, blen - 6, sum);
		if (memcmp(sum, body + blen - 6, 6) != 0)
			return false;
	}
	if ((d->flags & F_OPENAI) && !contains(p, n, "T3BlbkFJ"))
		return false;
	if ((d->flags & F_DIGITS) && !has_digit(body, blen))
		return false;
	if ((d->flags & F_AWS_SECRET) && !aws_secret_ok(p, n))
		return false;
	if ((d->flags & F_JWT) && !jwt_ok(p, n))
		return false;
	if ((d->flags & F_DB_URI) && !db_uri_ok(p, n))
		return false;
	if ((d->flags & F_NPM_AUTH) && (body[0] == '$' || body[0] == '{'))
		return false;
	return true;
}

/* host equals pattern, or pattern is "*.suffix" and host is under suffix. */
bool dlp_host_matches(const char *host, const char *pattern)
{
	if (pattern[0] == '*' && pattern[1] == '.') {
		size_t hl = strlen(host), sl = strlen(pattern + 1); /* ".suffix" */
		return hl > sl && strcmp(host + hl - sl, pattern + 1) == 0;
	}
	return strcmp(host, pattern) == 0;
}

/* A token may go only to one of its homes, and only when that host's
 * contract allows credentials; a detector without homes (JWTs, private
 * keys, database URIs) needs the contract's allow_credentials alone. */
bool dlp_scope_allows(const char *homes, const struct dlp_target *t)
{
	if (!t || !t->allow_credentials || !t->host)
		return false;
	if (!homes || !*homes)
		return true;
	char one[128];
	const char *s = homes;
	while (*s) {
		while (*s == ' ')
			s++;
		size_t k = strcspn(s, " ");
		if (k && k < sizeof one) {
			memcpy(one, s, k);
			one[k] = 0;
			if (dlp_host_matches(t->host, one))
				return true;
		}
		s += k;
	}
	return false;
}
