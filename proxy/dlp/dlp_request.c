/* One request checked part by part: the URL, each header, a whole body
 * (decoded as its Content-Encoding says, then the chain) or a streamed
 * body (pieces scanned with an overlap window, so a token split across
 * two pieces is still whole in one scan). The verdict and what was found,
 * and the texts the proxy shows: the refusal and the --events object. */
#include "dlp_int.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The work the chain may spend on a part: this many times its size, plus
 * a floor for small parts full of nested encodings. Measured: an honest
 * 1 MiB JSON body costs ~3x; base64 of base64 of text ~6x. */
#define WORK_FACTOR 64
#define WORK_FLOOR (4u << 20)

static void sink_init(struct dlp_sink *s, struct dlp_request *r, enum dlp_where w,
		      const char *header, size_t part_len)
{
	memset(s, 0, sizeof *s);
	s->e = r->e;
	s->r = r;
	s->where = w;
	s->header = header;
	s->canaries_only = r->response;
	s->work_limit = (uint64_t)part_len * WORK_FACTOR + WORK_FLOOR;
}

static void begin(struct dlp_request *r, const struct dlp_engine *e, const struct dlp_target *t,
		  bool response)
{
	memset(r, 0, sizeof *r);
	r->e = e;
	if (t)
		r->target = *t;
	r->response = response;
}

void dlp_request_begin(struct dlp_request *r, const struct dlp_engine *e,
		       const struct dlp_target *t)
{
	begin(r, e, t, false);
}

void dlp_response_begin(struct dlp_request *r, const struct dlp_engine *e,
			const struct dlp_target *t)
{
	begin(r, e, t, true);
}

static void scan_part(struct dlp_request *r, enum dlp_where w, const char *header, const void *p,
		      size_t n)
{
	struct dlp_sink s;
	sink_init(&s, r, r->response ? DLP_IN_RESPONSE : w, header, n);
	dlp_scan_layer(&s, p, n, r->e->cfg.max_decode_depth, "", 0, true);
	if (r->count_entropy)
		r->entropy_bytes += dlp_entropy_runs(p, n);
}

void dlp_request_url(struct dlp_request *r, const char *url, size_t len)
{
	scan_part(r, DLP_IN_URL, NULL, url, len);
}

/* Not scanned: what the proxy parses and checks itself (Host names the
 * destination, which the egress policy decided; the framing fields are
 * numbers and tokens the parser validated) and the hop-by-hop fields the
 * proxy removes before forwarding. docs/dlp.md lists them. */
static const char *const skipped[] = {
	"host", "content-length", "transfer-encoding", "connection", "proxy-connection",
	"keep-alive", "proxy-authorization",
};

bool dlp_header_skipped(const char *name)
{
	for (size_t i = 0; i < sizeof skipped / sizeof skipped[0]; i++)
		if (strcasecmp(name, skipped[i]) == 0)
			return true;
	return false;
}

void dlp_request_header(struct dlp_request *r, const char *name, const char *value, size_t len)
{
	if (dlp_header_skipped(name))
		return;
	scan_part(r, DLP_IN_HEADER, name, value, len);
}

/* The codings of a Content-Encoding list, in the order they were applied.
 * Returns how many (at most 4), or -1 with why for an unknown one. */
static int parse_codings(const char *ce, enum dlp_codec out[4], const char **why)
{
	int n = 0;
	if (!ce)
		return 0;
	for (const char *s = ce; *s;) {
		size_t k = strcspn(s, ",");
		int c = dlp_codec_parse(s, k);
		if (c == -2) {
			*why = "an unknown Content-Encoding";
			return -1;
		}
		if (c >= 0) {
			if (n == 4) {
				*why = "more than four stacked Content-Encodings";
				return -1;
			}
			out[n++] = (enum dlp_codec)c;
		}
		s += k;
		if (*s == ',')
			s++;
	}
	return n;
}

static void refuse_body(struct dlp_request *r, const char *chain, const char *why)
{
	struct dlp_sink s;
	sink_init(&s, r, DLP_IN_BODY, NULL, 0);
	char fp[20];
	dlp_fingerprint(r->e, "undecodable", why, strlen(why), fp);
	dlp_sink_report(&s, DLP_KIND_UNDECODABLE, DLP_BLOCK, NULL, chain, 0, fp, why);
}

void dlp_request_body(struct dlp_request *r, const void *body, size_t len,
		      const char *content_encoding)
{
	enum dlp_codec cs[4];
	const char *why = NULL;
	int nc = parse_codings(content_encoding, cs, &why);
	if (nc < 0) {
		refuse_body(r, "", why);
		return;
	}
	if (nc > 0 && !r->e->cfg.decompress) {
		refuse_body(r, "", "a compressed body while [network.dlp] decompress is false");
		return;
	}
	/* The raw bytes first, then each declared decoding, last applied
	 * first; each must succeed, or the body is not what it claims. */
	scan_part(r, DLP_IN_BODY, NULL, body, len);
	struct dlp_buf cur = { 0 };
	dlp_buf_put(&cur, body, len);
	char chain[96] = "";
	for (int i = nc - 1; i >= 0; i--) {
		struct dlp_buf out = { 0 };
		const struct dlp_config *cfg = &r->e->cfg;
		enum dlp_inflate_status st = dlp_inflate(cs[i], cur.p, cur.n, cfg->max_decompressed_bytes,
							 cfg->max_ratio, &out);
		size_t cl = strlen(chain);
		snprintf(chain + cl, sizeof chain - cl, "%s%s", cl ? " > " : "", dlp_codec_name(cs[i]));
		dlp_buf_free(&cur);
		cur = out;
		if (st != DLP_INFLATE_OK) {
			refuse_body(r, chain, st == DLP_INFLATE_BOMB
					      ? "decompression bomb (over the size or ratio cap)"
					      : "the body is not valid for its Content-Encoding");
			dlp_buf_free(&cur);
			return;
		}
	}
	if (nc > 0) {
		struct dlp_sink s;
		sink_init(&s, r, r->response ? DLP_IN_RESPONSE : DLP_IN_BODY, NULL, cur.n);
		dlp_scan_layer(&s, cur.p, cur.n, r->e->cfg.max_decode_depth, chain, 0, true);
	}
	dlp_buf_free(&cur);
}

/* ---- streamed bodies ---- */

/* One windowed scan: each piece is scanned after the last WINDOW bytes of
 * what came before, so whatever is at most WINDOW bytes long is whole in
 * one scan. Findings repeated in the overlap are dropped by fingerprint. */
struct window {
	uint8_t tail[DLP_STREAM_WINDOW];
	size_t ntail;
	uint64_t seen; /* bytes before the tail's end */
};

struct dlp_stream {
	struct dlp_sink sink;  /* shared by the pieces: dedupe across them */
	struct window raw, dec;
	struct dlp_inflater *z;
	char chain[16];
	bool failed;
};

static void window_feed(struct dlp_stream *st, struct window *w, const uint8_t *p, size_t n,
			const char *chain)
{
	if (n == 0)
		return;
	struct dlp_buf b = { 0 };
	dlp_buf_put(&b, w->tail, w->ntail);
	dlp_buf_put(&b, p, n);
	struct dlp_sink *s = &st->sink;
	s->part_offset = (size_t)(w->seen - w->ntail);
	s->work = 0;
	s->work_limit = (uint64_t)b.n * WORK_FACTOR + WORK_FLOOR;
	dlp_scan_layer(s, b.p, b.n, s->e->cfg.max_decode_depth, chain, 0, true);
	size_t keep = b.n < DLP_STREAM_WINDOW ? b.n : DLP_STREAM_WINDOW;
	memcpy(w->tail, b.p + b.n - keep, keep);
	w->ntail = keep;
	w->seen += n;
	dlp_buf_free(&b);
}

void dlp_request_stream_begin(struct dlp_request *r, const char *content_encoding)
{
	struct dlp_stream *st = xcalloc(1, sizeof *st);
	r->stream = st;
	sink_init(&st->sink, r, r->response ? DLP_IN_RESPONSE : DLP_IN_BODY, NULL, 0);
	enum dlp_codec cs[4];
	const char *why = NULL;
	int nc = parse_codings(content_encoding, cs, &why);
	if (nc > 1) {
		nc = -1;
		why = "stacked Content-Encodings in a streamed body";
	}
	if (nc == 1 && !r->e->cfg.decompress) {
		nc = -1;
		why = "a compressed body while [network.dlp] decompress is false";
	}
	if (nc == 1) {
		const struct dlp_config *cfg = &r->e->cfg;
		st->z = dlp_inflater_new(cs[0], cfg->max_decompressed_bytes, cfg->max_ratio);
		snprintf(st->chain, sizeof st->chain, "%s", dlp_codec_name(cs[0]));
		if (!st->z) {
			nc = -1;
			why = "the decompressor could not be made";
		}
	}
	if (nc < 0) {
		st->failed = true;
		refuse_body(r, "", why);
	}
}

void dlp_request_stream_feed(struct dlp_request *r, const void *piece, size_t len)
{
	struct dlp_stream *st = r->stream;
	if (!st || st->failed)
		return;
	window_feed(st, &st->raw, piece, len, "");
	if (r->count_entropy)
		r->entropy_bytes += dlp_entropy_runs(piece, len);
	if (!st->z)
		return;
	struct dlp_buf out = { 0 };
	enum dlp_inflate_status s = dlp_inflater_feed(st->z, piece, len, &out);
	if (s != DLP_INFLATE_OK) {
		st->failed = true;
		refuse_body(r, st->chain, s == DLP_INFLATE_BOMB
						  ? "decompression bomb (over the size or ratio cap)"
						  : "the body is not valid for its Content-Encoding");
	} else if (out.n) {
		window_feed(st, &st->dec, out.p, out.n, st->chain);
	}
	dlp_buf_free(&out);
}

void dlp_request_stream_end(struct dlp_request *r)
{
	struct dlp_stream *st = r->stream;
	if (!st)
		return;
	if (!st->failed && st->z && dlp_inflater_finish(st->z) != DLP_INFLATE_OK)
		refuse_body(r, st->chain, "the body ends before its compressed stream does");
	dlp_request_abort(r);
}

void dlp_request_abort(struct dlp_request *r)
{
	if (!r->stream)
		return;
	dlp_inflater_free(r->stream->z);
	free(r->stream);
	r->stream = NULL;
}

enum dlp_verdict dlp_request_end(struct dlp_request *r, struct dlp_budget *b)
{
	if (r->stream)
		dlp_request_stream_end(r);
	return dlp_budget_charge(b, r);
}

/* ---- texts ---- */

const char *dlp_where_name(enum dlp_where w)
{
	switch (w) {
	case DLP_IN_URL: return "url";
	case DLP_IN_HEADER: return "header";
	case DLP_IN_BODY: return "body";
	case DLP_IN_RESPONSE: return "response";
	}
	return "?";
}

/* What to change when a finding is a false positive. */
static const char *fix_for(const struct dlp_finding *f, bool session)
{
	switch (f->kind) {
	case DLP_KIND_CANARY:
		return "none: nothing honest holds a canary; find what read it";
	case DLP_KIND_SECRET:
		if (session)
			return "none from inside: the value is the user's own secret; only "
			       "[network.dlp] enabled = false in every layer of this process lets it "
			       "out";
		return "none from inside: the value is the user's own secret; pass it with "
		       "[process] env_passthrough if this host must get it";
	case DLP_KIND_UNDECODABLE:
		return "send the body uncompressed or as its Content-Encoding says";
	case DLP_KIND_ENTROPY:
		return f->verdict == DLP_BLOCK
			       ? "this is --strict; without it this only warns; if the host must get this "
				 "value, set allow_credentials = true in its [[host]]"
			       : "nothing: this only warns (--strict refuses it); if the host must get "
				 "this value, set allow_credentials = true in its [[host]]";
	case DLP_KIND_BUDGET:
		return "raise [network.dlp] session_entropy_budget if this session honestly sends "
		       "that much encoded data";
	default:
		break;
	}
	return f->homes && *f->homes ? "if this host is the token's home, set allow_credentials = "
				       "true in its [[host]]"
				     : "set allow_credentials = true in this host's [[host]] if it "
				       "must receive it";
}

char *dlp_refusal_text(const struct dlp_request *r)
{
	if (r->nfindings == 0)
		return xstrdup("");
	const struct dlp_finding *f = &r->findings[0];
	char where[96];
	if (f->where == DLP_IN_HEADER)
		snprintf(where, sizeof where, "header %s", f->header);
	else
		snprintf(where, sizeof where, "%s at byte %zu", dlp_where_name(f->where), f->offset);
	char *out = NULL;
	bool lab = f->label[0] && f->kind != DLP_KIND_UNDECODABLE;
	if (asprintf(&out, "dlp: %s%s%s%s in %s%s%s%s%s, %s; if this is a false positive: %s",
		     f->detector, lab ? " (" : "", lab ? f->label : "", lab ? ")" : "", where,
		     f->chain[0] ? " after " : "", f->chain,
		     f->kind == DLP_KIND_UNDECODABLE ? ": " : "",
		     f->kind == DLP_KIND_UNDECODABLE ? f->label : "", f->fingerprint, fix_for(f, r->e && r->e->cfg.session)) < 0)
		can_die(1, "dlp: the refusal text: out of memory");
	return out;
}

static void json_str(FILE *m, const char *s)
{
	fputc('"', m);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(m, "\\%c", c);
		else if (c < 0x20)
			fprintf(m, "\\u%04x", c);
		else
			fputc(c, m);
	}
	fputc('"', m);
}

char *dlp_finding_json(const struct dlp_finding *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		abort(); /* out of memory: as xmalloc does */
	fputs("{\"detector\":", m);
	json_str(m, f->detector);
	fputs(",\"where\":", m);
	json_str(m, dlp_where_name(f->where));
	if (f->where == DLP_IN_HEADER) {
		fputs(",\"header\":", m);
		json_str(m, f->header);
	}
	fprintf(m, ",\"offset\":%zu,\"chain\":", f->offset);
	json_str(m, f->chain);
	fputs(",\"fingerprint\":", m);
	json_str(m, f->fingerprint);
	if (f->label[0]) {
		fputs(",\"label\":", m);
		json_str(m, f->label);
	}
	fputs("}", m);
	fclose(m);
	return buf;
}
