/* The DLP engine: finds credentials, canaries and the user's real secrets in
 * what a sandbox sends out, through decode chains, and decides by the
 * destination's scope. The egress proxy calls it for every part of a request
 * (proxy/dlp/README.md says exactly how). Nothing here does I/O on the
 * network; only dlp_secrets_collect() reads files.
 *
 * STATE: everything here is implemented; the DNS check and the session
 * entropy budget have no caller yet (the scan hook passes no budget):
 * see proxy/dlp/README.md.
 *
 * Secrets never leave this library in clear: a finding carries a
 * fingerprint (a keyed hash, truncated), never the value. */
#ifndef CAN_DLP_H
#define CAN_DLP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The header a refusal carries: "x-canister-error: dlp-blocked". */
#define DLP_ERROR_HEADER "x-canister-error"
#define DLP_ERROR_VALUE "dlp-blocked"

/* Defaults (seed 003's [network.dlp] and [proxy]). */
#define DLP_DEFAULT_MAX_DECODE_DEPTH 32
#define DLP_DEFAULT_DNS_ENTROPY 0.92
#define DLP_DEFAULT_ENTROPY_BUDGET 8192
#define DLP_DEFAULT_MAX_DECOMPRESSED (64u << 20) /* bytes, per body */
#define DLP_DEFAULT_MAX_RATIO 200                 /* decompressed / compressed */
/* The streaming overlap window: longer than any token the detectors take. */
#define DLP_STREAM_WINDOW 4096

struct dlp_config {
	int max_decode_depth;          /* decoding levels below the raw bytes */
	bool strict;                   /* the generic high-entropy detector blocks */
	bool decompress;               /* false: a compressed body is refused */
	size_t max_decompressed_bytes; /* a body that inflates past this is a bomb */
	unsigned max_ratio;            /* or that inflates more than this many times */
	double dns_entropy_threshold;
	uint64_t session_entropy_budget;
	/* The engine serves `can session`'s proxy (ADR 0264): a refusal of
	 * the user's secret names the session's way out, not env_passthrough
	 * (which exempts nothing there). Default false. */
	bool session;
};
/* Fills the defaults above. */
void dlp_config_default(struct dlp_config *c);

/* The engine: configuration, detectors, the exact-match set of canaries and
 * real secrets, and the fingerprint key. Built once per sandbox, read-only
 * afterwards (so any number of requests may use it). */
struct dlp_engine;
struct dlp_engine *dlp_engine_new(const struct dlp_config *c);
void dlp_engine_free(struct dlp_engine *e);

/* What a value in the exact-match set is. */
enum dlp_secret_kind { DLP_SECRET_REAL, DLP_SECRET_CANARY };
/* Adds one value (copied; at least DLP_SECRET_MIN_LEN bytes, shorter ones are
 * refused with -1: they would match honest text). `label` says where it came
 * from ("env AWS_SECRET_ACCESS_KEY", "~/.npmrc") and is safe to print. */
#define DLP_SECRET_MIN_LEN 8
int dlp_engine_add_secret(struct dlp_engine *e, enum dlp_secret_kind kind, const char *label,
			  const void *value, size_t len);
size_t dlp_engine_nsecrets(const struct dlp_engine *e);

/* Reads the user's real secrets into the engine: the values of the named
 * environment variables (from `envp`, NULL-terminated "NAME=value"), and the
 * credential files under `home` (~/.aws/credentials, ~/.npmrc, ~/.netrc,
 * ~/.config/gh/hosts.yml, ~/.docker/config.json, ~/.ssh/id_* private keys).
 * A missing file is not an error. Returns how many values were added. */
size_t dlp_secrets_collect(struct dlp_engine *e, const char *home, const char *const *env_names,
			   char *const *envp);
/* Pure: does an environment variable's name say it holds a credential
 * (TOKEN, SECRET, PASSWORD, API_KEY, ...; case-insensitive)? */
bool dlp_env_name_is_secret(const char *name, size_t len);

/* Canaries: fake credentials that look real to any scanner (a canary GitHub
 * token passes GitHub's checksum), put where real ones are hidden. */
struct dlp_canaries {
	char aws_key_id[21];     /* AKIA + 16 */
	char aws_secret[41];
	char npm_token[41];      /* npm_ + 36 */
	char gh_token[41];       /* ghp_ + 30 + CRC32 in base62 */
};
/* Makes fresh random canaries (getrandom) and adds them to the engine,
 * labelled by their environment variable ("canary GITHUB_TOKEN"). */
int dlp_canaries_make(struct dlp_engine *e, struct dlp_canaries *c);
/* The same for the fake files, labelled by the file they go in ("canary
 * file ~/.npmrc"): other values than the environment's, so a refusal says
 * which one was read. */
int dlp_canaries_make_files(struct dlp_engine *e, struct dlp_canaries *c);
/* Contents for the fake files, malloc'd. */
char *dlp_canary_aws_credentials(const struct dlp_canaries *c); /* ~/.aws/credentials */
char *dlp_canary_npmrc(const struct dlp_canaries *c);           /* ~/.npmrc */
char *dlp_canary_gh_hosts(const struct dlp_canaries *c);        /* ~/.config/gh/hosts.yml */
/* The environment entries ("NAME=value", malloc'd) into `out`, returns how
 * many (at most 8). */
size_t dlp_canary_env(const struct dlp_canaries *c, char *out[8]);

/* ---- Checking one request ---- */

enum dlp_where { DLP_IN_URL, DLP_IN_HEADER, DLP_IN_BODY, DLP_IN_RESPONSE };
enum dlp_verdict { DLP_PASS = 0, DLP_WARN = 1, DLP_BLOCK = 2 };
/* What kind of thing a finding is. */
enum dlp_kind {
	DLP_KIND_TOKEN,    /* a detector of the table */
	DLP_KIND_ENTROPY,  /* the generic high-entropy detector */
	DLP_KIND_CANARY,   /* one of our canaries: an exfiltration attempt */
	DLP_KIND_SECRET,   /* one of the user's real secrets */
	DLP_KIND_UNDECODABLE, /* the body is not what its headers claim, or a bomb */
	DLP_KIND_BUDGET,   /* the session's entropy budget is spent */
};

#define DLP_MAX_FINDINGS 8
struct dlp_finding {
	enum dlp_kind kind;
	enum dlp_verdict verdict;
	const char *detector;     /* "github-pat-classic", "canary", "aws-secret", ... */
	const char *description;  /* human words for the detector */
	const char *homes;        /* "api.github.com github.com ...", or "" (no home) */
	enum dlp_where where;
	char header[64];          /* the header's name when where == DLP_IN_HEADER */
	size_t offset;            /* offset of the raw bytes that held it, in the part */
	char chain[96];           /* the decodings that revealed it: "base64 > gzip", or "" */
	char fingerprint[20];     /* "fp:" + 16 hex digits, keyed: never the value */
	char label[48];           /* for real secrets and canaries: where it came from */
};

/* The destination of a request and what its contract grants. */
struct dlp_target {
	const char *host;          /* lower case, no port, no trailing dot */
	bool allow_credentials;    /* [[host]] allow_credentials (proposed field) */
};

/* One request (or response) being checked: the parts are added in order,
 * then dlp_request_end() gives the verdict. Plain state, no allocation that
 * outlives dlp_request_end(). */
struct dlp_stream;
struct dlp_request {
	const struct dlp_engine *e;
	struct dlp_target target;
	enum dlp_verdict verdict;
	size_t nfindings;            /* kept: the first DLP_MAX_FINDINGS, blocks first */
	size_t nseen;                /* all findings, also those not kept */
	struct dlp_finding findings[DLP_MAX_FINDINGS];
	uint64_t entropy_bytes;      /* high-entropy bytes this request carries */
	struct dlp_stream *stream;   /* an open streamed body, or NULL */
	bool response;               /* dlp_response_begin: canaries and secrets only */
	bool count_entropy;          /* set after begin to count entropy_bytes for a
				      * budget (it costs ~30% of the pipeline) */
};

void dlp_request_begin(struct dlp_request *r, const struct dlp_engine *e,
		       const struct dlp_target *t);
/* The request target (path and query; absolute form is fine). */
void dlp_request_url(struct dlp_request *r, const char *url, size_t len);
/* One header; the few in dlp_header_skipped() are ignored. */
void dlp_request_header(struct dlp_request *r, const char *name, const char *value, size_t len);
bool dlp_header_skipped(const char *name);
/* A whole body (up to max_buffered_body_bytes), with its Content-Encoding
 * ("gzip", "deflate", "br", "zstd", "identity", a comma list, or NULL):
 * decoded and decompressed as declared; a body that cannot be is blocked. */
void dlp_request_body(struct dlp_request *r, const void *body, size_t len,
		      const char *content_encoding);
/* A body too large to buffer, in pieces of any size: every token the raw and
 * decoded scanners take is found even when split across pieces. A declared
 * Content-Encoding is decompressed on the fly with the same caps. */
void dlp_request_stream_begin(struct dlp_request *r, const char *content_encoding);
void dlp_request_stream_feed(struct dlp_request *r, const void *piece, size_t len);
void dlp_request_stream_end(struct dlp_request *r);
/* Responses: only canaries and real secrets are looked for (a response that
 * carries one shows a planted exfiltration path). Use begin/stream_* with a
 * request whose parts are added with where = DLP_IN_RESPONSE: */
void dlp_response_begin(struct dlp_request *r, const struct dlp_engine *e,
			const struct dlp_target *t);

/* The per-sandbox entropy budget (not per host). Single-threaded, like the
 * proxy's event loop. */
struct dlp_budget {
	uint64_t used, limit;
};
void dlp_budget_init(struct dlp_budget *b, uint64_t limit);
/* Ends the request: charges its high-entropy bytes to `b` (may be NULL) and
 * returns the verdict. A request that would take the budget past its limit
 * is blocked (and not charged). */
enum dlp_verdict dlp_request_end(struct dlp_request *r, struct dlp_budget *b);
/* Frees what an unfinished request holds (a stream), when the proxy drops it. */
void dlp_request_abort(struct dlp_request *r);

/* The refusal's body (malloc'd): which detector, where in the request, and
 * what to change if it is a false positive. The proxy sends it with status
 * 403 and DLP_ERROR_HEADER: DLP_ERROR_VALUE, inside the TLS session. */
char *dlp_refusal_text(const struct dlp_request *r);
/* One finding as a JSON object for --events (fingerprint, never the value). */
char *dlp_finding_json(const struct dlp_finding *f);
const char *dlp_where_name(enum dlp_where w);

/* ---- DNS ---- */

/* Normalised Shannon entropy of a label: H / log2(len), in [0, 1]. */
double dlp_label_entropy(const char *label, size_t len);
/* Labels shorter than this are not judged (any short word scores high). */
#define DLP_DNS_MIN_LABEL 8
/* Under a wildcard contract, the part left of the suffix may not be longer. */
#define DLP_DNS_MAX_WILDCARD_PREFIX 48
struct dlp_dns_result {
	bool refuse;
	char reason[160];
};
/* Pure: `name` (no trailing dot), the threshold, and the `*.suffix` it was
 * allowed under (the suffix without "*.", or NULL when it matched an exact
 * name). Refuses when two or more labels of at least DLP_DNS_MIN_LABEL
 * characters, not counting the last two, score above the threshold, or when a wildcard-allowed name's
 * prefix is longer than DLP_DNS_MAX_WILDCARD_PREFIX. */
void dlp_dns_check(const char *name, double threshold, const char *wildcard_suffix,
		   struct dlp_dns_result *out);

#endif
