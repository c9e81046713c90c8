/* Internal to proxy/dlp/: the detector table, the scanner's layers and the
 * decoders. The proxy uses dlp.h only; tests, fuzz targets and the bench may
 * use this too. */
#ifndef CAN_DLP_INT_H
#define CAN_DLP_INT_H

#include "dlp.h"

#include <stdint.h>

/* ---- Detectors (dlp_detectors.c; their patterns in dlp_detect.re) ---- */

enum dlp_det_id {
	D_NONE = 0,
	D_GH_PAT, D_GH_OAUTH, D_GH_U2S, D_GH_S2S, D_GH_REFRESH, D_GH_FINE,
	D_GL_PAT, D_GL_RUNNER, D_GL_DEPLOY, D_GL_TRIGGER,
	D_AWS_KEY_ID, D_AWS_SECRET,
	D_GOOGLE_API, D_GOOGLE_OAUTH,
	D_SLACK_TOKEN, D_SLACK_APP, D_SLACK_WEBHOOK,
	D_STRIPE_SECRET, D_STRIPE_RESTRICTED,
	D_ANTHROPIC_API, D_ANTHROPIC_ADMIN, D_OPENAI,
	D_NPM, D_NPM_AUTH, D_PYPI, D_PYPI_TEST,
	D_HF, D_HF_ORG,
	D_DIGITALOCEAN, D_SHOPIFY, D_SENDGRID, D_DATABRICKS, D_DOPPLER, D_VAULT, D_TERRAFORM,
	D_AGE, D_GRAFANA_CLOUD, D_GRAFANA_SA, D_LINEAR, D_POSTMAN, D_PULUMI, D_RUBYGEMS,
	D_SENTRY_ORG, D_SENTRY_USER, D_1PASSWORD, D_HEROKU, D_NOTION, D_ARTIFACTORY,
	D_AZURE_SECRET, D_FLYIO, D_PLANETSCALE, D_ALIBABA, D_FACEBOOK, D_SQUARE, D_ATLASSIAN,
	D_MAILGUN, D_TWILIO, D_DISCORD_WEBHOOK,
	D_PRIVATE_KEY, D_JWT, D_DB_URI,
	D_COUNT
};

/* Validator flags, run only on a candidate the DFA matched. */
enum {
	F_BOUNDARY = 1 << 0,  /* no [A-Za-z0-9+/] right before or right after */
	F_GH_CRC = 1 << 1,    /* last 6 chars: base62 CRC32 of the 30 before */
	F_OPENAI = 1 << 2,    /* must hold "T3BlbkFJ" */
	F_JWT = 1 << 3,       /* the header is base64url JSON with "alg" */
	F_DB_URI = 1 << 4,    /* the password is not a placeholder */
	F_AWS_SECRET = 1 << 5,/* the last 40 chars are a secret key (mixed classes) */
	F_DIGITS = 1 << 6,    /* the body holds a digit */
	F_NPM_AUTH = 1 << 7,  /* the value is not a ${VARIABLE} */
};

struct dlp_detector {
	enum dlp_det_id id;
	const char *name;         /* short, stable: refusals and events use it */
	const char *description;
	const char *homes;        /* space-separated hosts, "*.suffix" for a zone; "" none */
	const char *prefixes;     /* space-separated literal starts (the prefilter's pairs);
				   * "~" before one: case-insensitive */
	unsigned plen;            /* bytes of fixed prefix, not counted for entropy */
	unsigned back;            /* chars before the match that belong to the token */
	unsigned min_len, max_len;/* of the match */
	double min_entropy;       /* bits per char of the body after plen; 0: no check */
	unsigned flags;
	const char *const *tp;    /* true positives, NULL-terminated */
	const char *const *near;  /* near misses that must pass, NULL-terminated */
};

extern const struct dlp_detector dlp_detectors[D_COUNT];
const struct dlp_detector *dlp_detector(enum dlp_det_id id);

/* The DFA (dlp_detect.re): the longest detector match anchored at p, or
 * D_NONE. *len is its length. */
enum dlp_det_id dlp_dfa_match(const uint8_t *p, const uint8_t *end, size_t *len);

/* The prefilter: a bit per pair of first bytes that can start a match. */
struct dlp_prefilter {
	uint64_t pair[65536 / 64];
};
void dlp_prefilter_build(struct dlp_prefilter *pf);
static inline bool dlp_prefilter_hit(const struct dlp_prefilter *pf, uint8_t a, uint8_t b)
{
	unsigned i = (unsigned)a << 8 | b;
	return pf->pair[i >> 6] >> (i & 63) & 1;
}

/* Validators (dlp_validate.c). Whole candidate, with `back` chars before it
 * available from `base` (the start of the buffer). */
bool dlp_validate(const struct dlp_detector *d, const uint8_t *base, const uint8_t *p, size_t n,
		  const uint8_t *end);
double dlp_entropy_bits(const uint8_t *p, size_t n); /* Shannon, bits per byte */
/* The GitHub/npm-style checksum: 6 chars of base62(CRC32(p[0..n))). */
void dlp_gh_checksum(const uint8_t *p, size_t n, char out[6]);
bool dlp_host_matches(const char *host, const char *pattern);
/* A detector's homes admit host (and the contract allows credentials). */
bool dlp_scope_allows(const char *homes, const struct dlp_target *t);

/* The raw scan (dlp_scan.c): calls fn for each validated token, with its
 * offset and length (including `back`). Returns how many. */
typedef void dlp_token_hit_fn(void *ctx, const struct dlp_detector *d, size_t off, size_t len);
size_t dlp_scan_tokens(const struct dlp_engine *e, const uint8_t *p, size_t n,
		       dlp_token_hit_fn *fn, void *ctx);

/* ---- The exact-match set (dlp_secrets.c) ---- */

struct dlp_secret {
	enum dlp_secret_kind kind;
	char label[48];
	uint8_t *value;
	size_t len;
	uint64_t head;            /* first 8 bytes, as loaded */
};
struct dlp_exact {
	struct dlp_secret *v;
	size_t n, cap;
	uint64_t bloom[4096 / 64];/* hash of the first 8 bytes */
};
typedef void dlp_exact_hit_fn(void *ctx, const struct dlp_secret *s, size_t off);
void dlp_exact_scan(const struct dlp_exact *x, const uint8_t *p, size_t n, dlp_exact_hit_fn *fn,
		    void *ctx);
void dlp_exact_free(struct dlp_exact *x);

/* ---- Hashing (dlp_hash.c) ---- */

uint64_t dlp_siphash(const uint8_t key[16], const void *p, size_t n);

/* ---- The engine ---- */

struct dlp_engine {
	struct dlp_config cfg;
	struct dlp_prefilter pf;
	struct dlp_exact exact;
	uint8_t fp_key[16];
};
void dlp_fingerprint(const struct dlp_engine *e, const char *what, const void *p, size_t n,
		     char out[20]);

/* ---- Decoders (dlp_decode.c, dlp_unescape.c, dlp_inflate.c) ---- */

/* A growable output buffer. */
struct dlp_buf {
	uint8_t *p;
	size_t n, cap;
};
void dlp_buf_put(struct dlp_buf *b, const void *p, size_t n);
void dlp_buf_free(struct dlp_buf *b);

/* base64 (standard and URL-safe alphabets at once, padding, whitespace
 * skipped) from char offset `skip`; returns bytes written to out (which
 * holds at least n*3/4+3). */
size_t dlp_base64_decode(const uint8_t *p, size_t n, size_t skip, uint8_t *out);
/* hex pairs from offset skip; out holds n/2+1. */
size_t dlp_hex_decode(const uint8_t *p, size_t n, size_t skip, uint8_t *out);
/* One pass of percent-encoding, JSON escapes (\uXXXX, \/ ...), HTML
 * entities and quoted-printable. Returns a mask of what it undid
 * (DLP_UN_*); 0 means the output equals the input. */
enum { DLP_UN_PERCENT = 1, DLP_UN_JSON = 2, DLP_UN_HTML = 4, DLP_UN_QP = 8 };
unsigned dlp_unescape(const uint8_t *p, size_t n, struct dlp_buf *out);
/* The single decoders (dlp_unescape.c): each appends its output to out and
 * returns how many escapes it undid (0: output == input). */
size_t dlp_percent_decode(const uint8_t *p, size_t n, struct dlp_buf *out);
size_t dlp_json_unescape(const uint8_t *p, size_t n, struct dlp_buf *out);  /* \uXXXX, \/ ... */
size_t dlp_html_unescape(const uint8_t *p, size_t n, struct dlp_buf *out);  /* &#..; &name; */
size_t dlp_qp_decode(const uint8_t *p, size_t n, struct dlp_buf *out);      /* =XX, soft breaks */
/* The share of bytes that are printable text (ASCII or UTF-8), in [0, 1]. */
bool dlp_is_texty(const uint8_t *p, size_t n);

enum dlp_codec { DLP_CODEC_GZIP, DLP_CODEC_DEFLATE, DLP_CODEC_BR, DLP_CODEC_ZSTD };
const char *dlp_codec_name(enum dlp_codec c);
/* Parses one Content-Encoding token; -1 for identity, -2 for unknown. */
int dlp_codec_parse(const char *token, size_t n);
enum dlp_inflate_status {
	DLP_INFLATE_OK,
	DLP_INFLATE_CORRUPT,   /* not a valid stream of that codec */
	DLP_INFLATE_BOMB,      /* would pass max_decompressed_bytes or max_ratio */
};
/* Decompresses all of p into out under the caps. `deflate` accepts both
 * zlib-wrapped and raw streams, as clients send both. */
enum dlp_inflate_status dlp_inflate(enum dlp_codec c, const uint8_t *p, size_t n, size_t max_out,
				    unsigned max_ratio, struct dlp_buf *out);

/* A streaming decompressor with the same caps. */
struct dlp_inflater;
struct dlp_inflater *dlp_inflater_new(enum dlp_codec c, size_t max_out, unsigned max_ratio);
/* Feeds input; output goes to out (appended). */
enum dlp_inflate_status dlp_inflater_feed(struct dlp_inflater *z, const uint8_t *p, size_t n,
					  struct dlp_buf *out);
/* The stream must be complete. */
enum dlp_inflate_status dlp_inflater_finish(struct dlp_inflater *z);
void dlp_inflater_free(struct dlp_inflater *z);

/* ---- The scan of one part (dlp_scan.c, dlp_chain.c) ---- */

/* Where a finding goes while a part is scanned. */
struct dlp_sink {
	const struct dlp_engine *e;
	struct dlp_request *r;
	enum dlp_where where;
	const char *header;
	bool canaries_only;          /* responses */
	size_t part_offset;          /* added to raw offsets (streams) */
	/* dedupe within a stream: fingerprints already reported */
	uint64_t seen[32];
	size_t nseen;
	uint64_t work;               /* bytes scanned in all layers */
	uint64_t work_limit;
	bool over_budget;
};
/* Scans one buffer and its decodings, depth levels deep. `chain` names the
 * decodings that led here ("" at the top); `raw_off` is the offset in the
 * part of the raw bytes this buffer came from. */
void dlp_scan_layer(struct dlp_sink *s, const uint8_t *p, size_t n, int depth, const char *chain,
		    size_t raw_off, bool top);
/* Decompresses p as codec c under the engine's caps and scans the output;
 * `declared`: the headers said so, and a corrupt stream blocks. */
void dlp_scan_decompressed(struct dlp_sink *s, enum dlp_codec c, const uint8_t *p, size_t n,
			   int depth, const char *chain, size_t raw_off, bool declared);
/* Records a finding in the sink's request (deduplicated by fingerprint). */
void dlp_sink_report(struct dlp_sink *s, enum dlp_kind kind, enum dlp_verdict v,
		     const struct dlp_detector *d, const char *chain, size_t off, const char *fp,
		     const char *label);
/* The generic detector (dlp_generic.c): a high-entropy value under a
 * credential-like name. Thresholds, and why, in docs/dlp.md. */
#define DLP_GENERIC_MIN_LEN 16
#define DLP_GENERIC_MAX_LEN 256
#define DLP_GENERIC_MIN_NORM 0.8 /* of log2(min(len, alphabet)) */
struct dlp_span {
	size_t off, len;
};
/* Does a field's name say it holds a credential ("api_key", "X-Auth-Token",
 * "client_secret"; not "csrf_token", "page_token", "author")? */
bool dlp_generic_key(const char *key, size_t n);
/* Does a value look like a random secret (length, classes, not wordy,
 * entropy)? */
bool dlp_generic_value(const uint8_t *v, size_t n);
/* The candidate values in p: after "name=" / "name:" / "\"name\": " with a
 * credential-like name, or the whole value of a header so named (header:
 * its lower-case name, or NULL). Returns how many went to out. */
size_t dlp_generic_find(const uint8_t *p, size_t n, const char *header, struct dlp_span *out,
			size_t max);
extern const struct dlp_detector dlp_generic_detector;

/* Counts high-entropy bytes in token-like runs (the budget's measure). */
uint64_t dlp_entropy_runs(const uint8_t *p, size_t n);
/* dlp_request_end's charge (dlp_dns.c). */
enum dlp_verdict dlp_budget_charge(struct dlp_budget *b, struct dlp_request *r);

#endif
