/* The decode chain: one buffer is scanned (tokens, then the exact-match
 * set), then each decoding that changes it is scanned the same way, down
 * to max_decode_depth levels. The decodings, in the order tried:
 *   - "unescape": percent-encoding, JSON escapes and HTML references, in
 *     one layer (they never conflict, and one layer instead of three keeps
 *     the tree narrow);
 *   - "qp": quoted-printable, its own layer (its "=XX" would spoil a query
 *     string's "key=da..." if it were merged with the others);
 *   - "base64": every run of 16+ base64 characters (both alphabets, CR/LF
 *     inside a run skipped), at the four starting offsets a fragment can
 *     have; the first offset is always scanned, the other three only when
 *     they decode to text (a wrong offset gives binary noise);
 *   - "hex": every run of 32+ hex digits, at both offsets, when text;
 *   - "gzip", "deflate", "zstd": a buffer that starts with the codec's
 *     magic bytes, under the engine's caps (a bomb blocks).
 * Binary output is scanned but not decoded further except by its magic.
 * The whole tree shares a work budget (bytes scanned); a request that
 * would need more is blocked, never waved through unscanned. */
#include "dlp_int.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define B64_MIN_RUN 16
#define HEX_MIN_RUN 32
#define SAMPLE 256

/* How a compressed stream was found, and so what its failures mean:
 * DECLARED by Content-Encoding (corrupt or bomb: refused), by MAGIC bytes
 * (gzip, zstd: rare in honest binary, so a bomb is refused), or GUESSED
 * from a two-byte zlib header inside binary (PNG image data is zlib with a
 * high ratio for flat images: a cap stops the expansion, what came out
 * before it is scanned, and nothing is refused). */
enum found { DECLARED, MAGIC, GUESSED };

static uint64_t fp_key(const char *fp)
{
	return strtoull(fp + 3, NULL, 16);
}

static int rank(enum dlp_kind k)
{
	switch (k) {
	case DLP_KIND_CANARY: return 0;
	case DLP_KIND_SECRET: return 1;
	case DLP_KIND_UNDECODABLE: return 2;
	default: return 3;
	}
}

void dlp_sink_report(struct dlp_sink *s, enum dlp_kind kind, enum dlp_verdict v,
		     const struct dlp_detector *d, const char *chain, size_t off, const char *fp,
		     const char *label)
{
	uint64_t k = fp_key(fp);
	for (size_t i = 0; i < s->nseen && i < sizeof(s->seen) / sizeof(s->seen[0]); i++)
		if (s->seen[i] == k)
			return;
	if (s->nseen < sizeof(s->seen) / sizeof(s->seen[0]))
		s->seen[s->nseen] = k;
	s->nseen++;
	struct dlp_request *r = s->r;
	r->nseen++;
	if (v > r->verdict)
		r->verdict = v;
	/* Kept in order of what matters most, so the refusal names it: a
	 * canary (an attack in progress), a real secret, an undecodable body,
	 * then tokens; the least important is dropped when the list is full. */
	size_t at = r->nfindings;
	while (at > 0 && rank(r->findings[at - 1].kind) > rank(kind))
		at--;
	if (at >= DLP_MAX_FINDINGS)
		return;
	size_t move = r->nfindings - at - (r->nfindings == DLP_MAX_FINDINGS);
	memmove(&r->findings[at + 1], &r->findings[at], move * sizeof r->findings[0]);
	if (r->nfindings < DLP_MAX_FINDINGS)
		r->nfindings++;
	struct dlp_finding *f = &r->findings[at];
	memset(f, 0, sizeof *f);
	f->kind = kind;
	f->verdict = v;
	f->detector = d ? d->name : kind == DLP_KIND_CANARY ? "canary"
				 : kind == DLP_KIND_SECRET ? "user-secret"
							   : "undecodable";
	f->description = d ? d->description
			   : kind == DLP_KIND_CANARY ? "a canary token planted by can: an exfiltration attempt"
			   : kind == DLP_KIND_SECRET ? "one of the user's real secrets (hidden from the sandbox)"
						     : "the body does not decode as its headers claim, or is a bomb";
	f->homes = d ? d->homes : "";
	f->where = s->where;
	if (s->header)
		snprintf(f->header, sizeof f->header, "%s", s->header);
	f->offset = s->part_offset + off;
	snprintf(f->chain, sizeof f->chain, "%s", chain ? chain : "");
	snprintf(f->fingerprint, sizeof f->fingerprint, "%s", fp);
	if (label)
		snprintf(f->label, sizeof f->label, "%s", label);
}

struct layer_ctx {
	struct dlp_sink *s;
	const uint8_t *p;
	const char *chain;
	size_t raw_off;
	bool top;
};

static void on_token(void *ctx, const struct dlp_detector *d, size_t off, size_t len)
{
	struct layer_ctx *c = ctx;
	if (c->s->canaries_only || dlp_scope_allows(d->homes, &c->s->r->target))
		return;
	char fp[20];
	dlp_fingerprint(c->s->e, d->name, c->p + off, len, fp);
	dlp_sink_report(c->s, DLP_KIND_TOKEN, DLP_BLOCK, d, c->chain, c->top ? c->raw_off + off : c->raw_off,
			fp, NULL);
}

static void on_exact(void *ctx, const struct dlp_secret *x, size_t off)
{
	struct layer_ctx *c = ctx;
	char fp[20];
	dlp_fingerprint(c->s->e, "secret", x->value, x->len, fp);
	dlp_sink_report(c->s, x->kind == DLP_SECRET_CANARY ? DLP_KIND_CANARY : DLP_KIND_SECRET,
			DLP_BLOCK, NULL, c->chain, c->top ? c->raw_off + off : c->raw_off, fp, x->label);
}

/* The generic detector on one layer: warns, refuses under --strict; a
 * homeless credential, so a host whose contract allows credentials gets it. */
static void generic(struct layer_ctx *c, const uint8_t *p, size_t n)
{
	struct dlp_span hits[8];
	size_t k = dlp_generic_find(p, n, c->top ? c->s->header : NULL, hits, 8);
	if (!k || dlp_scope_allows("", &c->s->r->target))
		return;
	for (size_t i = 0; i < k; i++) {
		char fp[20];
		dlp_fingerprint(c->s->e, dlp_generic_detector.name, p + hits[i].off, hits[i].len, fp);
		dlp_sink_report(c->s, DLP_KIND_ENTROPY, c->s->e->cfg.strict ? DLP_BLOCK : DLP_WARN,
				&dlp_generic_detector, c->chain,
				c->top ? c->raw_off + hits[i].off : c->raw_off, fp, NULL);
	}
}

static void next_chain(char *out, size_t cap, const char *chain, const char *step)
{
	snprintf(out, cap, "%s%s%s", chain, *chain ? " > " : "", step);
}

/* Character classes by table: the run finders touch every byte of every
 * layer (measured: a third of the pipeline's time with comparisons). */
enum { C_B64 = 1, C_HEX = 2, C_UP = 4, C_LO = 8 };
static const uint8_t cls[256] = {
	['0' ... '9'] = C_B64 | C_HEX,
	['A' ... 'F'] = C_B64 | C_HEX | C_UP,
	['G' ... 'Z'] = C_B64 | C_UP,
	['a' ... 'f'] = C_B64 | C_HEX | C_LO,
	['g' ... 'z'] = C_B64 | C_LO,
	['+'] = C_B64, ['/'] = C_B64, ['-'] = C_B64, ['_'] = C_B64,
};

static inline bool is_b64c(uint8_t c)
{
	return cls[c] & C_B64;
}

static inline bool is_hexc(uint8_t c)
{
	return cls[c] & C_HEX;
}

static void undecodable(struct dlp_sink *s, const char *chain, size_t off, const char *why)
{
	char fp[20];
	dlp_fingerprint(s->e, "undecodable", why, strlen(why), fp);
	dlp_sink_report(s, DLP_KIND_UNDECODABLE, DLP_BLOCK, NULL, chain, off, fp, why);
}

/* Compressed data somewhere in binary: gzip's or zstd's magic. */
static bool has_magic(const uint8_t *p, size_t n)
{
	return memmem(p, n, "\x1f\x8b\x08", 3) || memmem(p, n, "\x28\xb5\x2f\xfd", 4);
}

static void try_base64(struct dlp_sink *s, const uint8_t *p, size_t n, int depth,
		       const char *chain, size_t raw_off, bool top)
{
	char next[96];
	next_chain(next, sizeof next, chain, "base64");
	uint8_t *out = NULL;
	size_t cap = 0;
	for (size_t i = 0; i < n;) {
		if (!is_b64c(p[i])) {
			i++;
			continue;
		}
		/* A line break continues a run only after a line of 40+
		 * characters (wrapped base64: MIME's 76, PEM's 64), so that
		 * "text/plain\r\n\r\n" does not shift the alignment of a
		 * body that follows. */
		size_t j = i, chars = 0, line = 0;
		bool upper = false, lower = false;
		while (j < n) {
			if (is_b64c(p[j])) {
				chars++;
				line++;
				upper |= cls[p[j]] & C_UP;
				lower |= cls[p[j]] & C_LO;
			} else if ((p[j] == '\r' || p[j] == '\n') && line >= 40) {
				if (p[j] == '\n')
					line = 0;
			} else {
				break;
			}
			j++;
		}
		/* Base64 of 12+ bytes of anything a token holds mixes upper
		 * and lower case; a path or a word of one case is not base64. */
		if (chars >= B64_MIN_RUN && upper && lower) {
			if (cap < (j - i) * 3 / 4 + 4) {
				cap = (j - i) * 3 / 4 + 4;
				free(out);
				out = xmalloc(cap);
			}
			for (size_t skip = 0; skip < 4 && !s->over_budget; skip++) {
				/* A shifted offset is decoded whole only when its first
				 * 256 characters decode to text or hold compressed data:
				 * at a wrong offset they are noise (measured: base64-heavy
				 * bodies scan ~2x faster). */
				size_t len = j - i;
				if (skip > 0 && len > SAMPLE) {
					size_t m = dlp_base64_decode(p + i, SAMPLE, skip, out);
					if (!dlp_is_texty(out, m) && !has_magic(out, m))
						continue;
				}
				size_t m = dlp_base64_decode(p + i, len, skip, out);
				if (skip == 0 || dlp_is_texty(out, m) || has_magic(out, m))
					dlp_scan_layer(s, out, m, depth - 1, next, top ? raw_off + i : raw_off,
						       false);
			}
		}
		i = j;
	}
	free(out);
}

static void try_hex(struct dlp_sink *s, const uint8_t *p, size_t n, int depth, const char *chain,
		    size_t raw_off, bool top)
{
	char next[96];
	next_chain(next, sizeof next, chain, "hex");
	for (size_t i = 0; i < n;) {
		if (!is_hexc(p[i])) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && is_hexc(p[j]))
			j++;
		if (j - i >= HEX_MIN_RUN) {
			uint8_t *out = xmalloc((j - i) / 2 + 1);
			for (size_t skip = 0; skip < 2 && !s->over_budget; skip++) {
				size_t m = dlp_hex_decode(p + i, j - i, skip, out);
				if (dlp_is_texty(out, m))
					dlp_scan_layer(s, out, m, depth - 1, next, top ? raw_off + i : raw_off,
						       false);
			}
			free(out);
		}
		i = j;
	}
}

/* Where a compressed stream starts in p: gzip's or zstd's magic anywhere
 * (a base64 run decoded at a shifted offset has noise before it), zlib's
 * two-byte header only at the start (anywhere, it would be noise). */
static int find_codec(const uint8_t *p, size_t n, size_t *at)
{
	const uint8_t *g = memmem(p, n, "\x1f\x8b\x08", 3);
	const uint8_t *z = memmem(p, n, "\x28\xb5\x2f\xfd", 4);
	if (g && (!z || g < z)) {
		*at = (size_t)(g - p);
		return DLP_CODEC_GZIP;
	}
	if (z) {
		*at = (size_t)(z - p);
		return DLP_CODEC_ZSTD;
	}
	*at = 0;
	if (n >= 2 && (p[0] & 0x0f) == 8 && (p[0] >> 4) <= 7 && ((unsigned)p[0] << 8 | p[1]) % 31 == 0)
		return DLP_CODEC_DEFLATE;
	return -1;
}

/* zlib streams inside binary data: a git pack holds one per object, after
 * a header of its own. Each position with a zlib header (0x78 and one of
 * the four level bytes) is tried, at most ZLIB_TRIES per layer; garbage
 * fails within a few bytes. */
#define ZLIB_TRIES 4096
static void scan_inflated(struct dlp_sink *s, enum dlp_codec c, const uint8_t *p, size_t n,
			  int depth, const char *chain, size_t raw_off, enum found how);
static void zlib_anywhere(struct dlp_sink *s, const uint8_t *p, size_t n, int depth,
			  const char *chain, size_t raw_off, bool top)
{
	unsigned tries = 0;
	for (size_t i = 1; i + 2 < n && tries < ZLIB_TRIES && !s->over_budget; i++) {
		const uint8_t *hit = memchr(p + i, 0x78, n - 2 - i);
		if (!hit)
			break;
		i = (size_t)(hit - p);
		if (p[i + 1] != 0x01 && p[i + 1] != 0x5e && p[i + 1] != 0x9c && p[i + 1] != 0xda)
			continue;
		tries++;
		scan_inflated(s, DLP_CODEC_DEFLATE, p + i, n - i, depth, chain,
			      top ? raw_off + i : raw_off, GUESSED);
	}
}


static void scan_inflated(struct dlp_sink *s, enum dlp_codec c, const uint8_t *p, size_t n,
			  int depth, const char *chain, size_t raw_off, enum found how)
{
	char next[96];
	next_chain(next, sizeof next, chain, dlp_codec_name(c));
	const struct dlp_config *cfg = &s->e->cfg;
	struct dlp_buf out = { 0 };
	enum dlp_inflate_status st =
		dlp_inflate(c, p, n, cfg->max_decompressed_bytes, cfg->max_ratio, &out);
	if (st == DLP_INFLATE_BOMB && how != GUESSED) {
		undecodable(s, next, raw_off, "decompression bomb (over the size or ratio cap)");
	} else if (st == DLP_INFLATE_CORRUPT && how == DECLARED) {
		undecodable(s, next, raw_off, "the body is not valid for its Content-Encoding");
	} else if (out.n) {
		/* A corrupt stream found by its magic is scanned as far as it
		 * decoded: the raw bytes were scanned anyway. */
		bool declared = how == DECLARED;
		dlp_scan_layer(s, out.p, out.n, declared ? depth : depth - 1, next, raw_off, declared);
	}
	dlp_buf_free(&out);
}

void dlp_scan_decompressed(struct dlp_sink *s, enum dlp_codec c, const uint8_t *p, size_t n,
			   int depth, const char *chain, size_t raw_off, bool declared)
{
	scan_inflated(s, c, p, n, depth, chain, raw_off, declared ? DECLARED : MAGIC);
}

void dlp_scan_layer(struct dlp_sink *s, const uint8_t *p, size_t n, int depth, const char *chain,
		    size_t raw_off, bool top)
{
	if (s->over_budget || n == 0)
		return;
	s->work += n;
	if (s->work > s->work_limit) {
		s->over_budget = true;
		undecodable(s, chain, raw_off, "the decode chain needs more work than its budget");
		return;
	}
	struct layer_ctx c = { s, p, chain, raw_off, top };
	if (!s->canaries_only) {
		dlp_scan_tokens(s->e, p, n, on_token, &c);
		generic(&c, p, n);
	}
	dlp_exact_scan(&s->e->exact, p, n, on_exact, &c);
	if (depth <= 0)
		return;
	bool texty = dlp_is_texty(p, n);
	/* Responses (canaries only): binary is matched raw, not decoded; a
	 * download is mostly binary, and decoding it (magic bytes, every zlib
	 * header) cost ten times the relay (docs/dlp.md). */
	if (s->canaries_only && !texty)
		return;
	size_t at;
	int codec = find_codec(p, n, &at);
	if (codec >= 0 && s->e->cfg.decompress)
		dlp_scan_decompressed(s, (enum dlp_codec)codec, p + at, n - at, depth, chain,
				      top ? raw_off + at : raw_off, false);
	if (!texty && s->e->cfg.decompress)
		zlib_anywhere(s, p, n, depth, chain, raw_off, top);
	if (!top && !texty)
		return;
	char next[96];
	struct dlp_buf u = { 0 };
	/* Each decoder only where its escape character occurs at all. */
	if ((memchr(p, '%', n) || memchr(p, '\\', n) || memchr(p, '&', n)) &&
	    (dlp_unescape(p, n, &u) & (DLP_UN_PERCENT | DLP_UN_JSON | DLP_UN_HTML))) {
		next_chain(next, sizeof next, chain, "unescape");
		dlp_scan_layer(s, u.p, u.n, depth - 1, next, raw_off, false);
	}
	u.n = 0;
	if (memchr(p, '=', n) && dlp_qp_decode(p, n, &u)) {
		next_chain(next, sizeof next, chain, "qp");
		dlp_scan_layer(s, u.p, u.n, depth - 1, next, raw_off, false);
	}
	dlp_buf_free(&u);
	try_base64(s, p, n, depth, chain, raw_off, top);
	try_hex(s, p, n, depth, chain, raw_off, top);
}

unsigned dlp_unescape(const uint8_t *p, size_t n, struct dlp_buf *out)
{
	unsigned mask = 0;
	struct dlp_buf a = { 0 }, b = { 0 };
	if (dlp_percent_decode(p, n, &a))
		mask |= DLP_UN_PERCENT;
	if (dlp_json_unescape(a.p ? a.p : p, a.p ? a.n : n, &b))
		mask |= DLP_UN_JSON;
	a.n = 0;
	if (dlp_html_unescape(b.p ? b.p : p, b.p ? b.n : n, &a))
		mask |= DLP_UN_HTML;
	dlp_buf_put(out, a.p, a.n);
	dlp_buf_free(&a);
	dlp_buf_free(&b);
	return mask;
}
