/* The scan hook (see scan.h): the proxy's requests through the DLP engine.
 *
 * The proxy gives each request's head, then its body in the pieces it
 * reads. The body is scanned as a stream (dlp_request_stream_*: an overlap
 * window carries the last 4 KiB of each piece into the next scan), and
 * each PASS says how much the proxy must hold back (ADR 0146): a body of
 * at most [proxy] max_buffered_body_bytes is held whole, kept here too and
 * given the whole pipeline (dlp_request_body) when its last piece arrives,
 * and only then released; a larger one is released up to the last window
 * of payload (scan_hold.c), so a token the next scan finds has not left,
 * and its end is held until the whole body's scan passed. Per
 * request state lives in a small table keyed by the connection's head
 * buffer (the only thing proxy_req holds that is stable across one
 * request's calls); a body piece whose state is gone is blocked.
 * Single-threaded: the proxy's event loop calls this, setup and teardown
 * run before and after that loop. */
#include "proxy/scan.h"
#include "proxy/dlp/dlp.h"
#include "proxy/egress.h"
#include "proxy/http_head.h"
#include "proxy/scan_dechunk.h"
#include "proxy/scan_hold.h"
#include "proxy/scan_set.h"
#include "proxy/proxy.h"
#include "lang/policy.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Requests in flight at once (the proxy's connections); the oldest slot is
 * reused when all are taken, and its request, if still sending, blocked. */
#define SLOTS 256

struct slot {
	const void *key;         /* the connection's head buffer; NULL: free */
	uint64_t stamp;          /* for reuse: the oldest goes first */
	struct dlp_request r;
	enum http_framing framing;
	uint64_t length;         /* Content-Length */
	struct dechunk dc;
	bool body_open;
	uint8_t *whole;          /* the payload so far, while within max_buffered */
	size_t nwhole, capwhole;
	bool whole_ok;
	char ce[128];            /* Content-Encoding, for the whole-body pass */
	bool has_ce;
	struct hold_map hm;      /* what the proxy may release (scan_hold.h) */
	uint64_t pay_total;      /* payload bytes scanned so far */
};

/* A connection's response stream, scanned for canaries. */
struct rslot {
	const void *key;
	uint64_t stamp;
	struct dlp_request r;
};

static struct {
	struct dlp_engine *e;
	bool canaries;           /* canary_tokens: responses are scanned */
	const struct policy *p;
	uint64_t max_buffered;
	double dns_threshold;
	/* The session's high-entropy byte budget, across all requests of
	 * this proxy (one sandbox): enforced only when a recipe sets
	 * session_entropy_budget (ADR 0145). */
	struct dlp_budget budget;
	bool budget_on;
	uint64_t clock;
	struct slot slots[SLOTS];
	struct rslot rslots[SLOTS];
	char *fake_dir;          /* the fake files' folder, or NULL */
	struct proxy_fake fakes[PROXY_FAKES];
	size_t nfakes;
} g;

static void finish(struct slot *s)
{
	dlp_request_abort(&s->r);
	free(s->whole);
	s->whole = NULL;
	s->nwhole = s->capwhole = 0;
	s->whole_ok = false;
	s->key = NULL;
	s->body_open = false;
}

static struct slot *find(const void *key)
{
	for (size_t i = 0; i < SLOTS; i++)
		if (g.slots[i].key == key)
			return &g.slots[i];
	return NULL;
}

static struct slot *take(const void *key)
{
	struct slot *s = find(key), *old = &g.slots[0];
	for (size_t i = 0; !s && i < SLOTS; i++) {
		if (!g.slots[i].key)
			s = &g.slots[i];
		else if (g.slots[i].stamp < old->stamp)
			old = &g.slots[i];
	}
	if (!s)
		s = old;
	finish(s);
	memset(s, 0, sizeof *s);
	s->key = key;
	s->stamp = ++g.clock;
	return s;
}

static void pass(struct proxy_scan_result *out)
{
	out->verdict = PROXY_SCAN_PASS;
	out->hold = 0;
	out->reason[0] = '\0';
}

static void block(struct proxy_scan_result *out, const char *why)
{
	out->verdict = PROXY_SCAN_BLOCK;
	out->hold = 0;
	snprintf(out->reason, sizeof out->reason, "%s", why);
}

/* A blocked request: the refusal's reason, and a loud line for a canary. */
static void block_with(const struct dlp_request *r, const struct proxy_req *req,
		       struct proxy_scan_result *out)
{
	char *text = dlp_refusal_text(r);
	block(out, text);
	for (size_t i = 0; i < r->nfindings; i++)
		if (r->findings[i].kind == DLP_KIND_CANARY)
			can_warn("dlp: A CANARY TOKEN (%s) was sent to %s: something in the sandbox "
				 "read a planted credential and tried to send it out (%s)",
				 r->findings[i].label, req->host, r->findings[i].fingerprint);
	free(text);
}

/* A request that passed with a warning (the generic detector without
 * --strict): said on stderr, once per request, never the value. */
static void warn_passed(const struct dlp_request *r, const struct proxy_req *req)
{
	if (r->verdict != DLP_WARN)
		return;
	char *text = dlp_refusal_text(r);
	can_warn("dlp: warning, passed (--strict refuses it): %s %s: %s", req->method, req->host,
		 text);
	free(text);
}

/* The budget a request's end is charged to, or NULL when none is enforced. */
static struct dlp_budget *budget(void)
{
	return g.budget_on ? &g.budget : NULL;
}

static void block_request(struct slot *s, const struct proxy_req *req,
			  struct proxy_scan_result *out)
{
	block_with(&s->r, req, out);
	finish(s);
}

/* The payload so far, while it fits max_buffered_body_bytes; past that the
 * body has the streaming scan only (docs/dlp.md). */
static void keep(struct slot *s, const uint8_t *p, size_t n)
{
	if (!s->whole_ok)
		return;
	if (s->nwhole + n > g.max_buffered) {
		free(s->whole);
		s->whole = NULL;
		s->nwhole = s->capwhole = 0;
		s->whole_ok = false;
		return;
	}
	if (s->nwhole + n > s->capwhole) {
		s->capwhole = (s->nwhole + n) * 2;
		s->whole = xrealloc(s->whole, s->capwhole);
	}
	if (n)
		memcpy(s->whole + s->nwhole, p, n);
	s->nwhole += n;
}

static void scan_head(const struct proxy_req *req, struct proxy_scan_result *out)
{
	struct slot *s = take(req->head);
	static struct http_head h; /* 100 fields: too large for the loop's stack */
	if (http_lex_head((const char *)req->head, req->head_len, &h) != HTTP_OK ||
	    http_head_check(&h) != HTTP_OK) {
		finish(s);
		block(out, "dlp: the request head could not be read for the scan");
		return;
	}
	struct policy_set one = { { g.p }, g.p ? 1 : 0 };
	struct dlp_target t = { req->host,
				scan_set_allows_credentials(req->set ? req->set : &one, req->host) };
	dlp_request_begin(&s->r, g.e, &t);
	s->r.count_entropy = g.budget_on;
	dlp_request_url(&s->r, h.target.p, h.target.n);
	char ce[128] = "";
	bool has_ce = false;
	for (size_t i = 0; i < h.nfields; i++) {
		const struct http_field *f = &h.fields[i];
		char name[64];
		size_t nl = f->name.n < sizeof name - 1 ? f->name.n : sizeof name - 1;
		for (size_t k = 0; k < nl; k++)
			name[k] = (char)(f->name.p[k] >= 'A' && f->name.p[k] <= 'Z' ? f->name.p[k] + 32
										 : f->name.p[k]);
		name[nl] = 0;
		dlp_request_header(&s->r, name, f->value.p, f->value.n);
		if (strcmp(name, "content-encoding") == 0) {
			/* two Content-Encoding fields are one list (RFC 9110 5.3) */
			size_t cl = strlen(ce);
			snprintf(ce + cl, sizeof ce - cl, "%s%.*s", cl ? "," : "", (int)f->value.n,
				 f->value.p);
			has_ce = true;
			if (strlen(ce) >= sizeof ce - 1) {
				finish(s);
				block(out, "dlp: the Content-Encoding list is too long to decode");
				return;
			}
		}
	}
	if (s->r.verdict == DLP_BLOCK) {
		block_request(s, req, out);
		return;
	}
	bool connect = strcmp(req->method, "CONNECT") == 0;
	s->framing = connect ? HTTP_BODY_NONE : h.framing;
	s->length = h.content_length;
	if (s->framing == HTTP_BODY_NONE || (s->framing == HTTP_BODY_LENGTH && s->length == 0)) {
		if (dlp_request_end(&s->r, budget()) == DLP_BLOCK) {
			block_request(s, req, out);
			return;
		}
		warn_passed(&s->r, req);
		finish(s);
		pass(out);
		return;
	}
	dlp_request_stream_begin(&s->r, has_ce ? ce : NULL);
	s->body_open = true;
	s->whole_ok = true;
	snprintf(s->ce, sizeof s->ce, "%s", ce);
	s->has_ce = has_ce;
	if (s->r.verdict == DLP_BLOCK) {
		block_request(s, req, out);
		return;
	}
	pass(out);
}

static void scan_body(const struct proxy_req *req, const uint8_t *chunk, size_t n,
		      struct proxy_scan_result *out)
{
	struct slot *s = find(req->head);
	if (!s || !s->body_open) {
		block(out, "dlp: the scanner has no state for this body piece (no head scanned, the "
			   "body already ended, or more requests in flight than it tracks): refused "
			   "rather than forwarded unscanned");
		return;
	}
	s->stamp = ++g.clock;
	bool end;
	if (s->framing == HTTP_BODY_CHUNKED) {
		uint8_t *payload = xmalloc(n ? n : 1);
		size_t m = dechunk_feed(&s->dc, chunk, n, payload);
		dlp_request_stream_feed(&s->r, payload, m);
		keep(s, payload, m);
		free(payload);
		if (s->dc.overflow) {
			block(out, "dlp: chunk extensions or trailers over 1 KiB in one piece: not scanned, "
				   "so refused");
			finish(s);
			return;
		}
		if (s->dc.nside)
			dlp_request_header(&s->r, "chunk-extension-or-trailer", (const char *)s->dc.side,
					   s->dc.nside);
		s->dc.nside = 0;
		end = s->dc.done;
		s->pay_total += m;
	} else {
		dlp_request_stream_feed(&s->r, chunk, n);
		keep(s, chunk, n);
		end = req->body_seen + n >= s->length;
		s->pay_total += n;
	}
	if (end)
		dlp_request_end(&s->r, budget());
	if (s->r.verdict == DLP_BLOCK) {
		block_request(s, req, out);
		return;
	}
	if (end && s->whole_ok) {
		/* The whole pipeline on the whole body, before its last piece
		 * goes: what the windowed scan cannot see (a token deep in a
		 * base64'd gzip blob that spans pieces, stacked encodings). */
		struct dlp_request w;
		dlp_request_begin(&w, g.e, &s->r.target);
		dlp_request_body(&w, s->whole ? s->whole : (const uint8_t *)"", s->nwhole,
				 s->has_ce ? s->ce : NULL);
		if (dlp_request_end(&w, NULL) == DLP_BLOCK) {
			block_with(&w, req, out);
			finish(s);
			return;
		}
		if (s->r.verdict != DLP_WARN)
			warn_passed(&w, req);
	}
	if (end) {
		warn_passed(&s->r, req);
		finish(s);
		pass(out); /* the whole body passed: release everything */
		return;
	}
	uint64_t raw = req->body_seen + n;
	uint64_t hold = hold_after_piece(&s->hm, raw, s->pay_total, DLP_STREAM_WINDOW,
					 s->framing != HTTP_BODY_CHUNKED);
	pass(out);
	/* within max_buffered_body_bytes: held whole for the full pipeline */
	out->hold = s->whole_ok ? raw : hold;
}

void proxy_scan_request(const struct proxy_req *req, const uint8_t *chunk, size_t n,
			struct proxy_scan_result *out)
{
	if (!g.e || scan_set_dlp_off(req->set)) {
		pass(out); /* [network.dlp] enabled is false (for every layer of the set) */
		return;
	}
	if (!chunk)
		scan_head(req, out);
	else
		scan_body(req, chunk, n, out);
}

static void rfinish(struct rslot *s)
{
	dlp_request_abort(&s->r);
	s->key = NULL;
}

/* The response stream of key, begun when new (the oldest reused). */
static struct rslot *rtake(const void *key, const char *host)
{
	struct rslot *s = NULL, *old = &g.rslots[0];
	for (size_t i = 0; !s && i < SLOTS; i++)
		if (g.rslots[i].key == key)
			s = &g.rslots[i];
	for (size_t i = 0; !s && i < SLOTS; i++) {
		if (!g.rslots[i].key)
			s = &g.rslots[i];
		else if (g.rslots[i].stamp < old->stamp)
			old = &g.rslots[i];
	}
	if (!s)
		s = old;
	if (s->key != key) {
		rfinish(s);
		struct dlp_target t = { host, false };
		dlp_response_begin(&s->r, g.e, &t);
		dlp_request_stream_begin(&s->r, NULL);
		s->key = key;
	}
	s->stamp = ++g.clock;
	return s;
}

void proxy_scan_response(const void *key, const char *host, const uint8_t *data, size_t n,
			 struct proxy_scan_result *out)
{
	pass(out);
	if (!g.e || !g.canaries || !n)
		return;
	struct rslot *s = rtake(key, host);
	dlp_request_stream_feed(&s->r, data, n);
	const struct dlp_finding *f = NULL;
	for (size_t i = 0; i < s->r.nfindings && !f; i++)
		if (s->r.findings[i].kind == DLP_KIND_CANARY)
			f = &s->r.findings[i];
	if (f) {
		can_warn("dlp: A CANARY TOKEN (%s) came back in a response from %s: it was sent "
			 "out before, or the origin plants it; the response is cut (%s)",
			 f->label, host, f->fingerprint);
		char why[256];
		snprintf(why, sizeof why, "dlp: canary (%s) in the response, %s: cut, not relayed; "
			 "a canary is a fake credential planted in the sandbox, so this shows an "
			 "exfiltration path", f->label, f->fingerprint);
		block(out, why);
		rfinish(s);
	} else if (s->r.verdict == DLP_BLOCK) {
		/* Only canaries count in a response: a part the chain could not
		 * decode (or its work cap) is no reason to cut a download. The
		 * stream starts over so later canaries are still found. */
		rfinish(s);
	}
}

void proxy_scan_forget(const void *key)
{
	for (size_t i = 0; i < SLOTS; i++) {
		if (g.slots[i].key == key)
			finish(&g.slots[i]);
		if (g.rslots[i].key == key)
			rfinish(&g.rslots[i]);
	}
}

/* The names in envp that look like credentials and that no recipe passes
 * into the sandbox (NULL-terminated, malloc'd); p NULL (a session): all. */
static char **hidden_env_names(const struct policy *p, char *const *envp)
{
	size_t n = 0, cap = 8;
	char **names = xmalloc(cap * sizeof *names);
	for (char *const *v = envp; v && *v; v++) {
		const char *eq = strchr(*v, '=');
		if (!eq || !dlp_env_name_is_secret(*v, (size_t)(eq - *v)))
			continue;
		bool passed = false;
		for (size_t i = 0; p && i < p->proc.env_passthrough.n; i++) {
			const char *pt = p->proc.env_passthrough.v[i].s;
			passed |= strlen(pt) == (size_t)(eq - *v) && strncmp(pt, *v, (size_t)(eq - *v)) == 0;
		}
		if (passed)
			continue;
		if (n + 2 > cap)
			names = xrealloc(names, (cap *= 2) * sizeof *names);
		names[n++] = xstrndup(*v, (size_t)(eq - *v));
	}
	names[n] = NULL;
	return names;
}

/* Canaries into the sandbox's environment, under the names real
 * credentials have, where no recipe sets or passes that name. */
static int plant_canaries(struct policy *p)
{
	struct dlp_canaries c;
	if (dlp_canaries_make(g.e, &c))
		return -1;
	char *env[8];
	size_t n = dlp_canary_env(&c, env);
	for (size_t i = 0; i < n; i++) {
		char *eq = strchr(env[i], '=');
		if (!eq) { /* dlp_canary_env makes NAME=value: cannot happen */
			free(env[i]);
			continue;
		}
		*eq = 0;
		bool taken = false;
		for (size_t k = 0; k < p->proc.env.n; k++)
			taken |= strcmp(p->proc.env.v[k].name, env[i]) == 0;
		for (size_t k = 0; k < p->proc.env_passthrough.n; k++)
			taken |= strcmp(p->proc.env_passthrough.v[k].s, env[i]) == 0;
		if (!taken)
			penv_set(&p->proc.env, env[i], eq + 1, (struct srcpos){ "[network.dlp] canary_tokens", 0, 0 });
		explicit_bzero(eq + 1, strlen(eq + 1));
		free(env[i]);
	}
	explicit_bzero(&c, sizeof c);
	return 0;
}

/* The values of envp that must not leave, into the engine. */
static void collect_secrets(const struct policy *p, char *const *envp, const char *home)
{
	char **names = hidden_env_names(p, envp);
	dlp_secrets_collect(g.e, home, (const char *const *)names, envp);
	for (char **n = names; *n; n++)
		free(*n);
	free(names);
}

int proxy_scan_setup(struct policy *p, char *const *envp, const char *home, char *err,
		     size_t errlen)
{
	proxy_scan_teardown();
	/* On by default behind the proxy (the only way out should be
	 * scanned); a layer's `enabled = false` turns it off, unless another
	 * layer says true (MR_OR), and --strict keeps it on. */
	bool strict = p->strict.set && p->strict.v;
	if (p->net.dlp.enabled.set && !p->net.dlp.enabled.v && !strict)
		return 0;
	struct dlp_config c;
	dlp_config_default(&c);
	if (p->net.dlp.max_decode_depth.set)
		c.max_decode_depth = (int)p->net.dlp.max_decode_depth.v;
	if (p->net.dlp.decompress.set)
		c.decompress = p->net.dlp.decompress.v;
	if (p->net.dlp.dns_entropy_threshold.set)
		c.dns_entropy_threshold = p->net.dlp.dns_entropy_threshold.v;
	if (p->net.dlp.session_entropy_budget.set)
		c.session_entropy_budget = (uint64_t)p->net.dlp.session_entropy_budget.v;
	c.strict = p->strict.set && p->strict.v;
	g.e = dlp_engine_new(&c);
	if (!g.e) {
		snprintf(err, errlen, "the DLP engine could not be built (no random key)");
		return -1;
	}
	g.p = p;
	g.dns_threshold = c.dns_entropy_threshold;
	g.budget_on = p->net.dlp.session_entropy_budget.set;
	dlp_budget_init(&g.budget, c.session_entropy_budget);
	g.max_buffered = p->proxy.max_buffered_body_bytes.set
				 ? (uint64_t)p->proxy.max_buffered_body_bytes.v
				 : UINT64_C(8388608); /* the schema's default */
	g.canaries = p->net.dlp.canary_tokens.set && p->net.dlp.canary_tokens.v;
	if (g.canaries && plant_canaries(p)) {
		snprintf(err, errlen, "the canary tokens could not be made (getrandom)");
		proxy_scan_teardown();
		return -1;
	}
	collect_secrets(p, envp, home);
	return 0;
}

int proxy_scan_setup_session(char *const *envp, const char *home, char *err, size_t errlen)
{
	proxy_scan_teardown();
	struct dlp_config c;
	dlp_config_default(&c);
	c.session = true;
	g.e = dlp_engine_new(&c);
	if (!g.e) {
		snprintf(err, errlen, "the DLP engine could not be built (no random key)");
		return -1;
	}
	g.p = NULL;
	g.dns_threshold = c.dns_entropy_threshold;
	g.budget_on = false;
	dlp_budget_init(&g.budget, c.session_entropy_budget);
	g.max_buffered = UINT64_C(8388608); /* the schema's default */
	g.canaries = false;
	collect_secrets(NULL, envp, home);
	return 0;
}

/* path = contents, 0644, a new file. */
static int write_new(const char *path, const char *text, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	size_t n = strlen(text);
	bool ok = fd >= 0 && write(fd, text, n) == (ssize_t)n;
	int e = errno;
	if (fd >= 0 && close(fd) < 0 && ok) {
		ok = false;
		e = errno;
	}
	if (!ok)
		snprintf(err, errlen, "write %s: %s: %s", path, errno_name(e), strerror(e));
	return ok ? 0 : -1;
}

static void remove_fakes(void)
{
	/* files first, then their folders */
	static const char *const files[] = { "aws/credentials", "gh/hosts.yml", "npmrc" };
	static const char *const dirs[] = { "aws", "gh", "" };
	for (size_t i = 0; g.fake_dir && i < ARRAY_LEN(files); i++) {
		char *f = xasprintf("%s/%s", g.fake_dir, files[i]);
		unlink(f);
		free(f);
	}
	for (size_t i = 0; g.fake_dir && i < ARRAY_LEN(dirs); i++) {
		char *d = xasprintf("%s/%s", g.fake_dir, dirs[i]);
		rmdir(d);
		free(d);
	}
	free(g.fake_dir);
	g.fake_dir = NULL;
	for (size_t i = 0; i < g.nfakes; i++) {
		free(g.fakes[i].src);
		free(g.fakes[i].dst);
	}
	g.nfakes = 0;
}

int proxy_scan_fake_files(const char *home, const struct proxy_fake **out, char *err,
			  size_t errlen)
{
	*out = g.fakes;
	if (!g.e || !g.canaries || !home || home[0] != '/' || g.fake_dir)
		return (int)g.nfakes;
	const char *tmp = getenv("TMPDIR");
	char *dir = xasprintf("%s/can-canary.XXXXXX", tmp && tmp[0] == '/' ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		snprintf(err, errlen, "mkdtemp %s: %s: %s", dir, errno_name(errno), strerror(errno));
		free(dir);
		return -1;
	}
	g.fake_dir = dir;
	struct dlp_canaries c;
	if (dlp_canaries_make_files(g.e, &c)) {
		snprintf(err, errlen, "the canary files' tokens could not be made (getrandom)");
		remove_fakes();
		return -1;
	}
	char *aws = dlp_canary_aws_credentials(&c), *gh = dlp_canary_gh_hosts(&c),
	     *npm = dlp_canary_npmrc(&c);
	explicit_bzero(&c, sizeof c);
	char *p[5] = { xasprintf("%s/aws", dir), xasprintf("%s/aws/credentials", dir),
		       xasprintf("%s/gh", dir), xasprintf("%s/gh/hosts.yml", dir),
		       xasprintf("%s/npmrc", dir) };
	int rc = 0;
	if (mkdir(p[0], 0755) < 0 || mkdir(p[2], 0755) < 0) {
		snprintf(err, errlen, "mkdir under %s: %s: %s", dir, errno_name(errno), strerror(errno));
		rc = -1;
	}
	if (!rc)
		rc = write_new(p[1], aws, err, errlen) || write_new(p[3], gh, err, errlen) ||
		     write_new(p[4], npm, err, errlen) ? -1 : 0;
	free(aws);
	free(gh);
	free(npm);
	const char *dsts[PROXY_FAKES] = { ".aws", ".config/gh", ".npmrc" };
	const char *srcs[PROXY_FAKES] = { p[0], p[2], p[4] };
	for (size_t i = 0; !rc && i < PROXY_FAKES; i++) {
		g.fakes[i].src = xstrdup(srcs[i]);
		g.fakes[i].dst = xasprintf("%s/%s", home, dsts[i]);
		g.nfakes++;
	}
	for (size_t i = 0; i < 5; i++)
		free(p[i]);
	if (rc) {
		remove_fakes();
		return -1;
	}
	return (int)g.nfakes;
}

void proxy_scan_host(const char *host, const char *rule_domain, struct proxy_scan_result *out)
{
	proxy_scan_host_set(host, rule_domain, NULL, out);
}

void proxy_scan_host_set(const char *host, const char *rule_domain, const struct policy_set *set,
			 struct proxy_scan_result *out)
{
	out->verdict = PROXY_SCAN_PASS;
	out->reason[0] = 0;
	if (!g.e || scan_set_dlp_off(set))
		return;
	/* A "*.suffix" rule lets the sandbox choose the prefix: judged on
	 * its length too. An exact rule names the whole host: still judged
	 * on its labels (a contract for "evil.example" does not make
	 * "<data>.<data>.evil.example" an exact match, so it is wildcard or
	 * no rule at all). */
	const char *suffix = rule_domain && strncmp(rule_domain, "*.", 2) == 0 ? rule_domain + 2 : NULL;
	struct dlp_dns_result r;
	dlp_dns_check(host, g.dns_threshold, suffix, &r);
	if (!r.refuse)
		return;
	out->verdict = PROXY_SCAN_BLOCK;
	snprintf(out->reason, sizeof out->reason, "the destination name %.60s%s: %.150s", host,
		 strlen(host) > 60 ? "..." : "", r.reason);
}

void proxy_scan_teardown(void)
{
	for (size_t i = 0; i < SLOTS; i++) {
		finish(&g.slots[i]);
		rfinish(&g.rslots[i]);
	}
	g.canaries = false;
	remove_fakes();
	dlp_engine_free(g.e);
	g.e = NULL;
	g.p = NULL;
}
