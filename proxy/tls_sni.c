/* The SNI of a ClientHello (tls_sni.h), RFC 8446 4.1.2 and RFC 6066 3:
 * every length is checked against what remains before it is used. */
#include "proxy/tls_sni.h"

#include <stdbool.h>
#include <string.h>

struct rd {
	const uint8_t *p;
	size_t n;
};

static bool take(struct rd *r, size_t k, const uint8_t **out)
{
	if (r->n < k)
		return false;
	if (out)
		*out = r->p;
	r->p += k;
	r->n -= k;
	return true;
}

static bool u8(struct rd *r, size_t *v)
{
	const uint8_t *b;
	if (!take(r, 1, &b))
		return false;
	*v = b[0];
	return true;
}

static bool u16(struct rd *r, size_t *v)
{
	const uint8_t *b;
	if (!take(r, 2, &b))
		return false;
	*v = (size_t)b[0] << 8 | b[1];
	return true;
}

/* A vector with a length prefix of w bytes, as a reader of its own. */
static bool vec(struct rd *r, int w, struct rd *out)
{
	size_t len;
	if (!(w == 1 ? u8(r, &len) : u16(r, &len)))
		return false;
	out->p = r->p;
	out->n = len;
	return take(r, len, NULL);
}

/* A host name as a leaf can be minted for: letters, digits, '-', '.'
 * (no empty label), lower-cased. */
static bool host_name(const uint8_t *s, size_t n, char out[254])
{
	if (n == 0 || n > 253 || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = (char)s[i];
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch + 32);
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
			  (ch == '.' && i + 1 < n && s[i + 1] != '.');
		if (!ok)
			return false;
		out[i] = ch;
	}
	out[n] = '\0';
	return true;
}

enum sni_rc tls_sni_parse(const uint8_t *p, size_t n, char name[254])
{
	name[0] = '\0';
	/* the record header: handshake (22), a 3.x version, a length */
	if (n >= 1 && p[0] != 22)
		return SNI_BAD;
	if (n >= 2 && p[1] != 3)
		return SNI_BAD;
	if (n < 5)
		return SNI_MORE;
	size_t rec = (size_t)p[3] << 8 | p[4];
	if (rec < 4 || rec > 16384)
		return SNI_BAD;
	if (n >= 6 && p[5] != 1) /* ClientHello */
		return SNI_BAD;
	if (n < 9)
		return SNI_MORE;
	size_t hs = (size_t)p[6] << 16 | (size_t)p[7] << 8 | p[8];
	if (hs > rec - 4)
		return SNI_BAD; /* spread over records: not served */
	if (n < 9 + hs)
		return SNI_MORE;
	struct rd r = { p + 9, hs }, v, exts;
	size_t ver;
	if (!u16(&r, &ver) || !take(&r, 32, NULL) || !vec(&r, 1, &v) || !vec(&r, 2, &v) ||
	    !vec(&r, 1, &v))
		return SNI_BAD;
	if (r.n == 0)
		return SNI_NONE; /* no extensions at all */
	if (!vec(&r, 2, &exts))
		return SNI_BAD;
	while (exts.n) {
		size_t type;
		struct rd e;
		if (!u16(&exts, &type) || !vec(&exts, 2, &e))
			return SNI_BAD;
		if (type != 0)
			continue;
		struct rd list;
		if (!vec(&e, 2, &list))
			return SNI_BAD;
		while (list.n) {
			size_t kind;
			struct rd hn;
			if (!u8(&list, &kind) || !vec(&list, 2, &hn))
				return SNI_BAD;
			if (kind == 0)
				return host_name(hn.p, hn.n, name) ? SNI_OK : SNI_NONE;
		}
		return SNI_NONE;
	}
	return SNI_NONE;
}
