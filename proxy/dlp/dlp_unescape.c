/* The text decoders of the chain: percent-encoding, JSON string escapes,
 * HTML character references and quoted-printable. Each is a pure function
 * from bytes to bytes that returns how many escapes it undid (0: the output
 * equals the input, so the chain does not descend into it). They never
 * fail: what is not a valid escape is copied as it is, because a scanner
 * must see through sloppy encodings, not reject them. */
#include "dlp_int.h"

#include <string.h>

static int hexv(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Every decoder here writes at most as many bytes as it reads (each escape
 * is longer than what it stands for), so the output is reserved once and
 * written without a bounds check per byte. */
static void reserve(struct dlp_buf *b, size_t n)
{
	if (b->n + n > b->cap) {
		size_t had = b->n;
		dlp_buf_put(b, NULL, n);
		b->n = had;
	}
}

static inline void put1(struct dlp_buf *b, uint8_t c)
{
	b->p[b->n++] = c;
}

/* UTF-8 of a code point (what a JSON or HTML escape stands for). */
static void put_utf8(struct dlp_buf *b, uint32_t cp)
{
	uint8_t u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (uint8_t)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (uint8_t)(0xc0 | cp >> 6);
		u[1] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (uint8_t)(0xe0 | cp >> 12);
		u[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		if (cp > 0x10ffff)
			cp = 0xfffd;
		u[0] = (uint8_t)(0xf0 | cp >> 18);
		u[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 4;
	}
	memcpy(b->p + b->n, u, n);
	b->n += n;
}

size_t dlp_percent_decode(const uint8_t *p, size_t n, struct dlp_buf *out)
{
	size_t undone = 0;
	reserve(out, n);
	for (size_t i = 0; i < n; i++) {
		int a, c;
		if (p[i] == '%' && i + 2 < n && (a = hexv(p[i + 1])) >= 0 && (c = hexv(p[i + 2])) >= 0) {
			put1(out, (uint8_t)(a << 4 | c));
			i += 2;
			undone++;
		} else {
			put1(out, p[i]);
		}
	}
	return undone;
}

static int hex4(const uint8_t *p)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		int h = hexv(p[i]);
		if (h < 0)
			return -1;
		v = v << 4 | h;
	}
	return v;
}

size_t dlp_json_unescape(const uint8_t *p, size_t n, struct dlp_buf *out)
{
	size_t undone = 0;
	reserve(out, n);
	for (size_t i = 0; i < n; i++) {
		if (p[i] != '\\' || i + 1 >= n) {
			put1(out, p[i]);
			continue;
		}
		uint8_t c = p[i + 1];
		const char *simple = strchr("\"\\/bfnrt", c);
		if (c && simple) {
			static const uint8_t to[] = { '"', '\\', '/', '\b', '\f', '\n', '\r', '\t' };
			put1(out, to[simple - "\"\\/bfnrt"]);
			i++;
			undone++;
			continue;
		}
		int hi;
		if (c == 'u' && i + 5 < n && (hi = hex4(p + i + 2)) >= 0) {
			uint32_t cp = (uint32_t)hi;
			size_t used = 6;
			int lo;
			/* A surrogate pair is one code point in two escapes. */
			if (hi >= 0xd800 && hi < 0xdc00 && i + 11 < n && p[i + 6] == '\\' &&
			    p[i + 7] == 'u' && (lo = hex4(p + i + 8)) >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((uint32_t)(hi - 0xd800) << 10) + (uint32_t)(lo - 0xdc00);
				used = 12;
			}
			put_utf8(out, cp);
			i += used - 1;
			undone++;
			continue;
		}
		put1(out, p[i]);
	}
	return undone;
}

/* The named references a token or an encoded token can need; the rest of
 * HTML's 2,000 names stand for characters no token contains. */
static const struct {
	const char *name;
	uint8_t c;
} html_names[] = {
	{ "amp", '&' },    { "lt", '<' },      { "gt", '>' },     { "quot", '"' },
	{ "apos", '\'' },  { "sol", '/' },     { "colon", ':' },  { "plus", '+' },
	{ "equals", '=' }, { "lowbar", '_' },  { "period", '.' }, { "hyphen", '-' },
	{ "dash", '-' },   { "num", '#' },     { "percnt", '%' }, { "commat", '@' },
	{ "excl", '!' },   { "quest", '?' },   { "nbsp", ' ' },   { "semi", ';' },
	{ "comma", ',' },  { "dollar", '$' },  { "ast", '*' },    { "bsol", '\\' },
	{ "lpar", '(' },   { "rpar", ')' },    { "lsqb", '[' },   { "rsqb", ']' },
	{ "lcub", '{' },   { "rcub", '}' },    { "grave", '`' },  { "tilde", '~' },
	{ "verbar", '|' }, { "newline", '\n' }, { "Tab", '\t' },
};

/* One reference at p (after '&'): its length up to and with ';', or 0. */
static size_t html_ref(const uint8_t *p, size_t n, struct dlp_buf *out)
{
	size_t semi = 0;
	while (semi < n && semi < 12 && p[semi] != ';')
		semi++;
	if (semi == n || semi == 12 || p[semi] != ';' || semi == 0)
		return 0;
	if (p[0] == '#') {
		uint32_t cp = 0;
		size_t i = 1;
		bool hex = i < semi && (p[i] == 'x' || p[i] == 'X');
		if (hex)
			i++;
		if (i == semi)
			return 0;
		for (; i < semi; i++) {
			int v = hex ? hexv(p[i]) : (p[i] >= '0' && p[i] <= '9' ? p[i] - '0' : -1);
			if (v < 0 || cp > 0x10ffff)
				return 0;
			cp = cp * (hex ? 16 : 10) + (uint32_t)v;
		}
		put_utf8(out, cp);
		return semi + 1;
	}
	for (size_t k = 0; k < sizeof(html_names) / sizeof(html_names[0]); k++)
		if (strlen(html_names[k].name) == semi && memcmp(p, html_names[k].name, semi) == 0) {
			put1(out, html_names[k].c);
			return semi + 1;
		}
	return 0;
}

size_t dlp_html_unescape(const uint8_t *p, size_t n, struct dlp_buf *out)
{
	size_t undone = 0;
	reserve(out, n);
	for (size_t i = 0; i < n; i++) {
		size_t used;
		if (p[i] == '&' && (used = html_ref(p + i + 1, n - i - 1, out)) > 0) {
			i += used;
			undone++;
		} else {
			put1(out, p[i]);
		}
	}
	return undone;
}

size_t dlp_qp_decode(const uint8_t *p, size_t n, struct dlp_buf *out)
{
	size_t undone = 0;
	reserve(out, n);
	for (size_t i = 0; i < n; i++) {
		int a, c;
		if (p[i] != '=') {
			put1(out, p[i]);
		} else if (i + 2 < n && p[i + 1] == '\r' && p[i + 2] == '\n') {
			i += 2; /* a soft line break */
			undone++;
		} else if (i + 1 < n && p[i + 1] == '\n') {
			i += 1;
			undone++;
		} else if (i + 2 < n && (a = hexv(p[i + 1])) >= 0 && (c = hexv(p[i + 2])) >= 0) {
			/* "=41" in a query is decoded too: harmless, the raw
			 * bytes are scanned as well */
			put1(out, (uint8_t)(a << 4 | c));
			i += 2;
			undone++;
		} else {
			put1(out, p[i]);
		}
	}
	return undone;
}

static size_t text_bytes(const uint8_t *p, size_t n)
{
	size_t text = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		text += (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\r' || c == '\t' || c >= 0x80;
	}
	return text;
}

bool dlp_is_texty(const uint8_t *p, size_t n)
{
	if (n == 0)
		return false;
	/* UTF-8 lead bytes count as text: a wrong base64 alignment gives
	 * ~50% high bytes but also ~10% controls, which this threshold
	 * rejects (measured on random data: ~0.87 on average). The first
	 * 256 bytes decide most buffers (binary fails there at once). */
	size_t head = n < 256 ? n : 256;
	size_t text = text_bytes(p, head);
	if (text * 100 < head * 95)
		return false;
	text += text_bytes(p + head, n - head);
	return text * 100 >= n * 95;
}
