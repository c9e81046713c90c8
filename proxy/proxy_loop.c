/* The proxy's event loop (see proxy.h): one thread, one epoll set, level
 * triggered. Each client connection moves through
 *
 *   HEAD    reading the request head (at most HEAD_MAX bytes)
 *   RESOLVE the host name is being looked up (resolve.c, off this thread)
 *   DIAL    a non-blocking connect to the vetted address is in progress
 *   TUNNEL  CONNECT: bytes copied both ways
 *   FWD     plain HTTP: the rewritten head and exactly one framed body go
 *           up, the response comes back verbatim until upstream closes
 *   REFUSE  a refusal is being written, then the connection closes
 *   LINGER  the refusal is out and our side shut: what the client still
 *           sends (the rest of a refused body) is read and dropped until
 *           it closes or LINGER_MS pass, so no reset destroys the refusal
 *           before the client has read it
 *
 * A CONNECT to a name (or to any address on port 443) is px_terminated
 * (tls.c, ADR 0103): after the 200 both TLS handshakes run side by side
 *
 *   TLS     the client's handshake (a leaf from the run's CA) and
 *           upstream's (verified against the host's trust store)
 *   IHEAD   reading one request head inside the tunnel; the SNI, the
 *           CONNECT authority and Host must agree; decided like plain HTTP
 *   IFWD    that request's framed body goes up; then IHEAD again
 *           (keep-alive), while the responses stream back verbatim
 *   IWAIT   a request was refused behind others still being answered:
 *           their responses finish (resp_frame.c finds where), then the
 *           refusal follows them
 *
 * Each direction has one bounded buffer; a side is read only while its
 * buffer has room, so nothing is ever held whole (streaming both ways).
 * The decisions are egress.c's; this file only performs them. */
#include "proxy/conn.h"
#include "proxy/scan.h"
#include "util/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int64_t px_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t px_policy_int(const struct pint *v, int64_t def)
{
	return v->set ? v->v : def;
}

static void buf_init(struct buf *b)
{
	b->d = xmalloc(BUF_CAP);
	b->off = b->len = 0;
	b->cap = BUF_CAP;
}

static size_t buf_room(const struct buf *b)
{
	return b->cap - b->off - b->len;
}

void px_buf_put(struct buf *b, const void *p, size_t n)
{
	if (buf_room(b) < n && b->off) {
		memmove(b->d, b->d + b->off, b->len);
		b->off = 0;
	}
	if (buf_room(b) < n) {
		b->cap = b->off + b->len + n;
		b->d = xrealloc(b->d, b->cap);
	}
	memcpy(b->d + b->off + b->len, p, n);
	b->len += n;
}

/* ---- epoll interest ---- */

static void set_mask(struct proxy *px, int fd, uint32_t *cur, uint32_t want, struct ep_ref *ref)
{
	if (fd < 0 || *cur == want)
		return;
	struct epoll_event ev = { .events = want, .data.ptr = ref };
	epoll_ctl(px->ep, EPOLL_CTL_MOD, fd, &ev);
	*cur = want;
}

static void update(struct proxy *px, struct pconn *c)
{
	uint32_t cw = 0, uw = 0;
	switch (c->st) {
	case ST_HEAD:
		/* a transparent TLS client's ClientHello is peeked (transparent.c) */
		cw = c->via == 443 ? EPOLLIN | EPOLLET : EPOLLIN;
		break;
	case ST_RESOLVE:
		break;
	case ST_DIAL:
		uw = EPOLLOUT;
		break;
	case ST_TLS:
		cw = c->c_hs ? 0 : c->c_want;
		uw = c->u_hs || c->u_fail ? 0 : c->u_want;
		break;
	case ST_IHEAD:
	case ST_IWAIT:
		if (c->st == ST_IHEAD && !c->c_eof && c->c2u.len == 0 && c->inflight < MAX_INFLIGHT)
			cw |= EPOLLIN;
		if (c->u2c.len)
			cw |= EPOLLOUT;
		if (!c->u_eof && c->u2c.len == 0)
			uw |= EPOLLIN;
		if (c->c2u.len)
			uw |= EPOLLOUT;
		break;
	case ST_TUNNEL:
	case ST_FWD:
	case ST_IFWD:
		if (!c->c_eof && !c->body_done && c->c2u.len == 0)
			cw |= EPOLLIN;
		if (c->u2c.len)
			cw |= EPOLLOUT;
		if (!c->u_eof && c->u2c.len == 0)
			uw |= EPOLLIN;
		if (c->c2u.len)
			uw |= EPOLLOUT;
		break;
	case ST_REFUSE:
		cw = EPOLLOUT;
		break;
	case ST_LINGER:
		cw = EPOLLIN;
		break;
	}
	set_mask(px, c->cfd, &c->cmask, cw, &c->cref);
	set_mask(px, c->ufd, &c->umask, uw, &c->uref);
}

void px_update(struct proxy *px, struct pconn *c) { update(px, c); }

/* Upstream is dropped (a refusal, the end): its TLS session first, then
 * the socket. */
static void drop_upstream(struct pconn *c)
{
	if (c->ussl) {
		SSL_free(c->ussl);
		c->ussl = NULL;
	}
	if (c->ufd >= 0) {
		close(c->ufd);
		c->ufd = -1;
		c->umask = 0;
	}
}

void px_conn_free(struct proxy *px, struct pconn *c)
{
	if (c->cssl) {
		if (c->c_hs)
			SSL_shutdown(c->cssl); /* close_notify, best effort */
		SSL_free(c->cssl);
		ERR_clear_error();
	}
	if (c->cfd >= 0)
		close(c->cfd);
	drop_upstream(c);
	free(c->u_fail);
	free(c->rf);
	free(c->deferred);
	if (c->prev)
		c->prev->next = c->next;
	else
		px->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	px->nconns--;
	proxy_scan_forget(c->head);
	free(c->head);
	free(c->c2u.d);
	free(c->u2c.d);
	free(c->held.d);
	free(c);
}

/* ---- refusals ---- */

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* observed: monitor mode let it through (ADR 0204). */
static void record(struct proxy *px, const struct refusal *r, bool observed)
{
	char line[1200];
	if (observed)
		snprintf(line, sizeof(line), "can: proxy: monitor: would refuse %s (%s): %s", r->what,
			 r->error, r->reason);
	else
		refusal_line(r, line, sizeof(line));
	if (observed)
		px->observed++;
	else
		px->refused++;
	if (px->cfg.log) {
		fprintf(px->cfg.log, "%s\n", line);
		fflush(px->cfg.log);
	}
	if (px->cfg.events) {
		fprintf(px->cfg.events, "{\"time\":%lld,\"source\":\"proxy\",\"what\":",
			(long long)time(NULL));
		json_str(px->cfg.events, r->what);
		fprintf(px->cfg.events, ",\"status\":%d,\"error\":", r->status);
		json_str(px->cfg.events, r->error);
		fprintf(px->cfg.events, ",\"reason\":");
		json_str(px->cfg.events, r->reason);
		fprintf(px->cfg.events, ",\"patch\":");
		json_str(px->cfg.events, r->patch ? r->patch : "");
		fprintf(px->cfg.events, "%s}\n", observed ? ",\"monitor\":true" : "");
		fflush(px->cfg.events);
	}
	for (size_t i = 0; i < px->nlines; i++)
		if (strcmp(px->lines[i], line) == 0)
			goto patch;
	if (px->nlines < 64)
		strv_push(&px->lines, &px->nlines, xstrdup(line));
patch:
	if (!r->patch || !*r->patch)
		return;
	for (size_t i = 0; i < px->npatches; i++)
		if (strcmp(px->patches[i], r->patch) == 0)
			return;
	if (px->npatches < 64)
		strv_push(&px->patches, &px->npatches, xstrdup(r->patch));
}

/* Answers the client with a refusal and closes after it; upstream, if
 * any, is dropped at once. */
void px_refuse_conn(struct proxy *px, struct pconn *c, const struct refusal *r)
{
	if (c->via == 443 && !c->cssl) {
		/* a transparent TLS client reads a refusal only inside TLS */
		drop_upstream(c);
		px_refuse_in_tls(px, c, r);
		return;
	}
	record(px, r, false);
	char resp[4096];
	if (px_terminated(c) && !c->cur_forwarded && c->inflight) {
		/* Earlier requests of the tunnel are still being answered: the
		 * refusal is the answer after theirs. */
		size_t n = refusal_response(r, resp, sizeof(resp));
		free(c->deferred);
		c->deferred = xmalloc(n);
		memcpy(c->deferred, resp, n);
		c->deferred_len = n;
		c->st = ST_IWAIT;
		return;
	}
	if (c->response_started || (px_terminated(c) && c->inflight > 1)) {
		/* The client already has part of a response: all that is left is
		 * to cut the connection. */
		c->c_eof = c->u_eof = true;
		c->u2c.len = 0;
	} else {
		/* After what the client has not read yet: the end of an answered
		 * request, or an interim 100 Continue. */
		size_t n = refusal_response(r, resp, sizeof(resp));
		px_buf_put(&c->u2c, resp, n);
	}
	drop_upstream(c);
	c->st = ST_REFUSE;
}

/* Monitor mode (ADR 0204) relaxes exactly what a [[host]] block decides
 * (a name without a block, a contract's methods, paths, content types,
 * max_request_bytes): the refusals whose patch is a [[host]] block. The
 * rest (allow_ips, allow_host_loopback, other ports, DLP, bad requests)
 * refuses as in a normal run. True when d was recorded and may go on. */
static bool observe_decision(struct proxy *px, const struct egress_decision *d)
{
	if (!px->cfg.monitor || strncmp(d->patch, "[[host]]\n", 9) != 0)
		return false;
	struct refusal r = { d->status, d->error, d->what, d->reason, d->patch };
	record(px, &r, true);
	for (size_t i = 0; i < px->nobserved_patches; i++)
		if (strcmp(px->observed_patches[i], d->patch) == 0)
			return true;
	if (px->nobserved_patches < 256)
		strv_push(&px->observed_patches, &px->nobserved_patches, xstrdup(d->patch));
	return true;
}

void px_record(struct proxy *px, const struct refusal *r) { record(px, r, false); }

bool px_observe(struct proxy *px, const struct egress_decision *d)
{
	return observe_decision(px, d);
}

static void refuse_decision(struct proxy *px, struct pconn *c, const struct egress_decision *d)
{
	struct refusal r = { d->status, d->error, d->what, d->reason, d->patch };
	px_refuse_conn(px, c, &r);
}

void px_refuse_simple(struct proxy *px, struct pconn *c, int status, const char *error,
			  const char *reason)
{
	char what[320];
	if (c->t.host[0])
		snprintf(what, sizeof(what), "%s %s:%d", c->method[0] ? c->method : "request",
			 c->t.host, c->t.port);
	else
		snprintf(what, sizeof(what), "a request");
	struct refusal r = { status, error, what, reason, "" };
	px_refuse_conn(px, c, &r);
}

/* ---- dialling ---- */

/* Dials the first of the looked-up addresses that passes the vetting.
 * The socket that connects is the one the vetted address was given to:
 * no second lookup can change where it goes. */
static void dial_addrs(struct proxy *px, struct pconn *c, const struct ip16 *addrs, size_t na)
{
	const struct policy *p = px->cfg.policy; /* the [proxy] limits (ADR 0263) */
	struct egress_decision d;
	struct egress_decision first = { 0 };
	bool have_first = false;
	for (size_t i = 0; i < na; i++) {
		if (strcmp(c->t.host, EGRESS_HOST_LOOPBACK) == 0)
			memset(&d, 0, sizeof(d)); /* allow_host_loopback said yes */
		else /* each policy of the set: the first refusal answers */
			for (int k = 0; k < c->set.n; k++) {
				egress_vet_addr(c->set.v[k], &c->t, c->connect, &addrs[i], &d);
				if (d.verdict == EGRESS_REFUSE)
					break;
			}
		if (d.verdict == EGRESS_REFUSE) {
			if (!have_first) {
				first = d;
				have_first = true;
			}
			continue;
		}
		struct sockaddr_storage ss;
		socklen_t sl;
		memset(&ss, 0, sizeof(ss));
		if (ip_is_v4(&addrs[i])) {
			struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
			s4->sin_family = AF_INET;
			s4->sin_port = htons((uint16_t)c->t.port);
			memcpy(&s4->sin_addr, addrs[i].b + 12, 4);
			sl = sizeof(*s4);
		} else {
			struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
			s6->sin6_family = AF_INET6;
			s6->sin6_port = htons((uint16_t)c->t.port);
			memcpy(&s6->sin6_addr, addrs[i].b, 16);
			sl = sizeof(*s6);
		}
		int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (connect(fd, (struct sockaddr *)&ss, sl) < 0 && errno != EINPROGRESS) {
			close(fd);
			continue;
		}
		c->ufd = fd;
		c->umask = EPOLLOUT;
		struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = &c->uref };
		epoll_ctl(px->ep, EPOLL_CTL_ADD, fd, &ev);
		c->st = ST_DIAL;
		c->deadline_ms = px_now_ms() + px_policy_int(&p->proxy.upstream_request_timeout_ms, 30000);
		return;
	}
	if (have_first) {
		refuse_decision(px, c, &first);
		return;
	}
	char why[700];
	snprintf(why, sizeof(why), "no address of %s could be dialled", c->t.host);
	px_refuse_simple(px, c, 502, "upstream-failed", why);
}

/* Resolves once, on the host (the lookup pool, resolve.c), unless the
 * target is an address already. */
static void dial(struct proxy *px, struct pconn *c)
{
	struct ip16 a;
	if (c->t.is_ip) {
		dial_addrs(px, c, &c->t.ip, 1);
	} else if (strcmp(c->t.host, EGRESS_HOST_LOOPBACK) == 0) {
		ip_parse("127.0.0.1", &a);
		dial_addrs(px, c, &a, 1);
	} else {
		c->id = ++px->next_id;
		c->st = ST_RESOLVE;
		c->deadline_ms = px_now_ms() +
				 px_policy_int(&px->cfg.policy->proxy.upstream_request_timeout_ms, 30000);
		resolver_submit(px->res, c->id, c->t.host);
	}
}

void px_dial(struct proxy *px, struct pconn *c) { dial(px, c); }

static void on_resolved(struct proxy *px)
{
	struct resolve_result r;
	while (resolver_take(px->res, &r)) {
		struct pconn *c = px->conns;
		while (c && c->id != r.id)
			c = c->next;
		if (!c || c->st != ST_RESOLVE)
			continue; /* gone, or timed out meanwhile */
		if (r.rc) {
			char why[700];
			snprintf(why, sizeof(why), "the host's resolver has no address for %s: %s",
				 c->t.host, gai_strerror(r.rc));
			px_refuse_simple(px, c, 502, "upstream-failed", why);
		} else {
			dial_addrs(px, c, r.addrs, r.n);
		}
		update(px, c);
	}
}

/* ---- the request head ---- */

/* A refused body: the upstream socket closes with a reset, not a FIN, so
 * what the kernel still holds of the body is dropped and the origin sees
 * the request broken off. */
static void reset_upstream(struct pconn *c)
{
	struct linger lg = { 1, 0 };
	if (c->ufd >= 0)
		setsockopt(c->ufd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
}

bool px_scan_pass(struct proxy *px, struct pconn *c, const uint8_t *chunk, size_t n)
{
	struct proxy_req q = { .method = c->method, .host = c->t.host, .port = c->t.port,
			       .path = c->connect ? "" : c->t.path, .head = (const uint8_t *)c->head,
			       .head_len = c->hlen, .body_seen = c->body_seen, .set = &c->set };
	struct proxy_scan_result r;
	proxy_scan_request(&q, chunk, n, &r);
	c->scan_hold = r.hold;
	if (r.verdict == PROXY_SCAN_PASS)
		return true;
	if (chunk)
		reset_upstream(c);
	px_refuse_simple(px, c, 403, "dlp-blocked", r.reason[0] ? r.reason : "the DLP scanner");
	return false;
}

/* The destination name through DLP's DNS check before any lookup of it
 * (proxy_scan_host): refused like a body, 403 dlp-blocked. */
bool px_scan_host_pass(struct proxy *px, struct pconn *c, const struct host_rule *rule)
{
	struct proxy_scan_result r;
	proxy_scan_host_set(c->t.host, rule ? rule->domain.s : NULL, &c->set, &r);
	if (r.verdict == PROXY_SCAN_PASS)
		return true;
	px_refuse_simple(px, c, 403, "dlp-blocked", r.reason);
	return false;
}

/* What upstream answered, through DLP's canary check before the client
 * gets any of it: a canary coming back is cut (a 502 refusal when the
 * client has nothing of the answer yet on plain HTTP). False when c was
 * refused or freed. */
static bool response_pass(struct proxy *px, struct pconn *c, const uint8_t *d, size_t n)
{
	struct proxy_scan_result r;
	proxy_scan_response(c->head, c->t.host, d, n, &r);
	if (r.verdict == PROXY_SCAN_PASS)
		return true;
	c->u2c.len = c->u2c.off = 0;
	if (!c->response_started && !px_terminated(c) && c->via != 443) {
		px_refuse_simple(px, c, 502, "dlp-blocked", r.reason);
		update(px, c);
		return false;
	}
	char what[320];
	snprintf(what, sizeof(what), "the response of %s:%d", c->t.host, c->t.port);
	struct refusal rf = { 502, "dlp-blocked", what, r.reason, "" };
	record(px, &rf, false);
	px_conn_free(px, c);
	return false;
}

/* Hop-by-hop fields that are the proxy's, not the origin's. */
static bool hop_field(struct http_span name)
{
	return http_span_eq(name, "proxy-connection") || http_span_eq(name, "proxy-authorization") ||
	       http_span_eq(name, "connection") || http_span_eq(name, "keep-alive");
}

/* A request (plain HTTP, or one inside a px_terminated tunnel) against its
 * host's contract and the body limits; sets up the body's framing. False
 * when it was refused. */
bool px_check_contract(struct proxy *px, struct pconn *c, const struct http_head *h)
{
	struct egress_decision d;
	char why[700];
	char ct[128] = "";
	if (h->content_type.n)
		snprintf(ct, sizeof(ct), "%.*s", (int)(h->content_type.n < 127 ? h->content_type.n : 127),
			 h->content_type.p);
	struct egress_request rq = { c->method, c->t.path, h->content_type.n ? ct : NULL,
				     h->framing == HTTP_BODY_LENGTH ? h->content_length : 0, 0 };
	bool observed = false;
	/* Each policy of the set in turn: the first refusal answers. */
	for (int k = 0; k < c->set.n; k++, rq.skip = 0)
	for (;;) {
		egress_decide_request(c->set.v[k], &c->t, &rq, &d);
		if (d.verdict != EGRESS_REFUSE)
			break;
		if (!observe_decision(px, &d)) {
			refuse_decision(px, c, &d);
			return false;
		}
		/* monitor: name the next rule it breaks too (each status is one
		 * check of egress_decide_request) */
		observed = true;
		unsigned bit = d.status == 405 ? EGRESS_SKIP_METHOD : d.status == 403 ? EGRESS_SKIP_PATH
			     : d.status == 415 ? EGRESS_SKIP_TYPE : EGRESS_SKIP_SIZE;
		if (rq.skip & bit)
			break;
		rq.skip |= bit;
	}
	/* the smallest limit of the set */
	uint64_t max = UINT64_MAX;
	for (int k = 0; k < c->set.n; k++) {
		const struct policy *p = c->set.v[k];
		uint64_t m = (uint64_t)px_policy_int(&p->proxy.max_streamed_body_bytes, 67108864);
		const struct host_rule *hr = egress_find_host(p, c->t.host);
		/* a monitored request's block limit was recorded, not enforced */
		if (hr && !observed && hr->max_request_bytes.set && (uint64_t)hr->max_request_bytes.v < m)
			m = (uint64_t)hr->max_request_bytes.v;
		if (m < max)
			max = m;
	}
	c->body_max = max;
	if (h->framing == HTTP_BODY_LENGTH && h->content_length > max) {
		snprintf(why, sizeof(why), "the body is %llu bytes, over [proxy] "
			 "max_streamed_body_bytes (%llu)", (unsigned long long)h->content_length,
			 (unsigned long long)max);
		struct refusal r = { 413, "body-too-large", d.what, why,
				     "[proxy]\nmax_streamed_body_bytes = 1073741824  # or what "
				     "the body needs\n" };
		px_refuse_conn(px, c, &r);
		return false;
	}
	c->framing = h->framing;
	c->cl_left = h->framing == HTTP_BODY_LENGTH ? h->content_length : 0;
	c->body_seen = 0;
	c->held.off = c->held.len = 0;
	chunked_init(&c->ch);
	c->body_done = h->framing == HTTP_BODY_NONE;
	return true;
}

static void on_head(struct proxy *px, struct pconn *c)
{
	struct http_head *h = xmalloc(sizeof(*h));
	c->head[c->hlen] = '\0';
	enum http_err e = http_lex_head(c->head, c->hlen, h);
	if (e == HTTP_INCOMPLETE) {
		if (c->hlen >= HEAD_MAX)
			px_refuse_simple(px, c, 431, "bad-request", "the request head is over 32 KiB");
		free(h);
		return;
	}
	if (e == HTTP_OK)
		e = http_head_check(h);
	if (e != HTTP_OK) {
		px_refuse_simple(px, c, http_err_status(e), "bad-request", http_err_text(e));
		free(h);
		return;
	}
	snprintf(c->method, sizeof(c->method), "%.*s", (int)(h->method.n < 20 ? h->method.n : 20),
		 h->method.p);
	c->connect = strcmp(c->method, "CONNECT") == 0;
	char why[700];
	if (c->via == 80 && !px_transparent_target(px, c, h)) {
		free(h); /* refused */
		return;
	}
	bool ok = c->via == 80 ||
		  (c->connect ? egress_parse_authority(h->target.p, h->target.n, &c->t, why, sizeof(why))
			      : egress_parse_absolute(h->target.p, h->target.n, &c->t, why, sizeof(why)));
	if (!ok) {
		px_refuse_simple(px, c, 400, "bad-request", why);
		free(h);
		return;
	}
	if (h->host.n && !egress_host_matches(&c->t, h->host.p, h->host.n, c->connect ? 0 : 80) &&
	    !(c->connect && egress_host_matches(&c->t, h->host.p, h->host.n, c->t.port))) {
		snprintf(why, sizeof(why), "the Host field (%.*s) names another destination than the "
			 "request target", (int)(h->host.n > 100 ? 100 : h->host.n), h->host.p);
		px_refuse_simple(px, c, 400, "bad-request", why);
		free(h);
		return;
	}
	/* The destination, then DLP's look at its name, for each policy of
	 * the set in turn: the first refusal answers. */
	for (int k = 0; k < c->set.n; k++) {
		struct egress_decision d;
		egress_decide_dest(c->set.v[k], &c->t, c->connect, &d);
		if (d.verdict == EGRESS_REFUSE && !observe_decision(px, &d)) {
			refuse_decision(px, c, &d);
			free(h);
			return;
		}
		if (!c->t.is_ip && !d.host_loopback && !px_scan_host_pass(px, c, d.rule)) {
			free(h);
			return;
		}
	}
	if (!c->connect && !px_check_contract(px, c, h)) {
		free(h);
		return;
	}
	int upgrade = c->connect ? 0 : px_check_upgrade(px, c, h, false);
	if (upgrade < 0) {
		free(h);
		return;
	}
	size_t head_len = h->head_len;
	if (!px_scan_pass(px, c, NULL, 0)) {
		free(h);
		return;
	}
	/* What goes upstream: for plain HTTP, the head in origin-form without
	 * the proxy's hop-by-hop fields, and Connection: close (one request
	 * per upstream connection). The bytes after the head wait in head[]
	 * until the dial completes. */
	if (!c->connect) {
		char line[2200];
		int n = snprintf(line, sizeof(line), "%s %s HTTP/1.1\r\n", c->method, c->t.path);
		px_buf_put(&c->c2u, line, (size_t)n);
		for (size_t i = 0; i < h->nfields; i++) {
			const struct http_field *f = &h->fields[i];
			if (hop_field(f->name))
				continue;
			px_buf_put(&c->c2u, f->name.p, f->name.n);
			px_buf_put(&c->c2u, ": ", 2);
			px_buf_put(&c->c2u, f->value.p, f->value.n);
			px_buf_put(&c->c2u, "\r\n", 2);
		}
		if (upgrade > 0) /* a WebSocket the contract allows (ADR 0111) */
			px_buf_put(&c->c2u, "Connection: Upgrade, close\r\n\r\n", 30);
		else
			px_buf_put(&c->c2u, "Connection: close\r\n\r\n", 21);
	}
	free(h);
	memmove(c->head, c->head + head_len, c->hlen - head_len);
	c->hlen -= head_len;
	if (!c->connect)
		px_inflight_push(c, strcmp(c->method, "HEAD") == 0);
	dial(px, c);
}

/* Body bytes from the client (FWD): frames, scans and queues them.
 * Returns how many of data were body. */
size_t px_take_body(struct proxy *px, struct pconn *c, const uint8_t *data, size_t n)
{
	if (c->body_done || n == 0)
		return 0;
	size_t used = n;
	if (c->framing == HTTP_BODY_LENGTH) {
		if (used > c->cl_left)
			used = (size_t)c->cl_left;
		c->cl_left -= used;
		if (!c->cl_left)
			c->body_done = true;
	} else if (c->framing == HTTP_BODY_CHUNKED) {
		enum chunked_rc rc = chunked_feed(&c->ch, data, n, &used);
		if (rc == CHUNKED_ERROR) {
			px_refuse_simple(px, c, 400, "bad-request", "the chunked body is malformed");
			return 0;
		}
		if (rc == CHUNKED_DONE)
			c->body_done = true;
		if (c->ch.payload > c->body_max) {
			char why[700];
			snprintf(why, sizeof(why), "the chunked body grew over %llu bytes "
				 "(max_request_bytes or [proxy] max_streamed_body_bytes)",
				 (unsigned long long)c->body_max);
			px_refuse_simple(px, c, 413, "body-too-large", why);
			return 0;
		}
	}
	if (!px_scan_pass(px, c, data, used))
		return 0;
	c->body_seen += used;
	/* what the scan holds back stays in held (ADR 0146), grown by
	 * doubling: a body held whole arrives in many pieces */
	if (c->held.off + c->held.len + used > c->held.cap && !c->held.off) {
		size_t cap = c->held.cap ? c->held.cap : BUF_CAP;
		while (cap < c->held.len + used)
			cap *= 2;
		c->held.d = xrealloc(c->held.d, cap);
		c->held.cap = cap;
	}
	px_buf_put(&c->held, data, used);
	if (c->held.len > c->scan_hold) {
		size_t go = c->held.len - (size_t)c->scan_hold;
		px_buf_put(&c->c2u, c->held.d + c->held.off, go);
		c->held.off += go;
		c->held.len -= go;
		if (!c->held.len)
			c->held.off = 0;
	}
	if (c->body_done && c->held.len) {
		/* the scan did not see the body end where the framer did: its
		 * end checks never ran, so the held end does not go */
		reset_upstream(c);
		px_refuse_simple(px, c, 403, "dlp-blocked", "dlp: the scanner and the proxy disagree "
				 "where the body ends: its end was not scanned, so it is not forwarded");
		return 0;
	}
	return used;
}

/* ---- I/O ---- */

static void dial_done(struct proxy *px, struct pconn *c)
{
	int err = 0;
	socklen_t el = sizeof(err);
	getsockopt(c->ufd, SOL_SOCKET, SO_ERROR, &err, &el);
	if (err) {
		char why[700];
		snprintf(why, sizeof(why), "connect to %s port %d: %s: %s", c->t.host, c->t.port,
			 errno_name(err), strerror(err));
		px_refuse_simple(px, c, 502, "upstream-failed", why);
		return;
	}
	if (c->connect && px->cfg.tls && (!c->t.is_ip || c->t.port == 443)) {
		px_tls_begin(px, c);
		return;
	}
	if (c->connect) {
		/* An address allow_ips opened, on a port other than 443: what it
		 * speaks is not known, so it is tunnelled untouched. */
		static const char ok[] = "HTTP/1.1 200 Connection established\r\n\r\n";
		px_buf_put(&c->u2c, ok, sizeof(ok) - 1);
		px_buf_put(&c->c2u, c->head, c->hlen); /* a ClientHello sent early */
		c->st = ST_TUNNEL;
		c->deadline_ms = 0;
	} else {
		size_t used = px_take_body(px, c, (const uint8_t *)c->head, c->hlen);
		(void)used; /* anything after the body is not this request's */
		if (c->st == ST_REFUSE)
			return;
		c->st = ST_FWD;
	}
	c->hlen = 0;
}

/* The client's bytes while a request streams or the next is awaited. */
static bool client_read(struct proxy *px, struct pconn *c)
{
	if (c->st == ST_IHEAD) {
		ssize_t r = px_side_recv(c, 0, c->head + c->hlen, HEAD_MAX - c->hlen);
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
			px_conn_free(px, c); /* the client is done with the tunnel */
			return false;
		}
		if (r > 0) {
			c->hlen += (size_t)r;
			px_inner_feed(px, c);
		}
		return true;
	}
	/* Inside a tunnel at most HEAD_MAX at once: what follows a body is the
	 * next head, and it must fit where heads are read. */
	uint8_t tmp[BUF_CAP];
	size_t cap = px_terminated(c) ? HEAD_MAX : sizeof(tmp);
	ssize_t r = px_side_recv(c, 0, tmp, cap);
	if (r == 0) {
		c->c_eof = true;
		if (c->st == ST_TUNNEL && c->ufd >= 0)
			shutdown(c->ufd, SHUT_WR);
		if (c->st != ST_TUNNEL && !c->body_done) {
			px_conn_free(px, c); /* a body cut short is not forwarded as whole */
			return false;
		}
	} else if (r < 0) {
		if (errno != EAGAIN && errno != EINTR) {
			px_conn_free(px, c);
			return false;
		}
	} else if (c->st == ST_TUNNEL) {
		px_buf_put(&c->c2u, tmp, (size_t)r);
	} else {
		size_t used = px_take_body(px, c, tmp, (size_t)r);
		if (c->st == ST_IFWD && c->body_done) {
			memcpy(c->head, tmp + used, (size_t)r - used);
			c->hlen = (size_t)r - used;
			c->st = ST_IHEAD;
			px_inner_feed(px, c);
		}
	}
	return true;
}

/* The refusal is out: close our side (TLS first) and wait for the
 * client's end, dropping what it still sends. */
static void linger(struct pconn *c)
{
	if (c->cssl) {
		SSL_shutdown(c->cssl);
		SSL_free(c->cssl);
		c->cssl = NULL;
		ERR_clear_error();
	}
	shutdown(c->cfd, SHUT_WR);
	c->st = ST_LINGER;
	c->deadline_ms = px_now_ms() + LINGER_MS;
}

static void on_client(struct proxy *px, struct pconn *c, uint32_t ev)
{
	if (c->st == ST_TLS) {
		if (px_tls_step(px, c))
			update(px, c);
		return;
	}
	if (ev & EPOLLOUT && c->u2c.len) {
		ssize_t w = px_side_send(c, 0, c->u2c.d + c->u2c.off, c->u2c.len);
		if (w < 0 && errno != EAGAIN && errno != EINTR) {
			px_conn_free(px, c);
			return;
		}
		if (w > 0) {
			c->u2c.off += (size_t)w;
			c->u2c.len -= (size_t)w;
			if (!c->u2c.len)
				c->u2c.off = 0;
		}
	}
	if (c->st == ST_REFUSE && !c->u2c.len) {
		linger(c);
		update(px, c);
		return;
	}
	if (c->st == ST_LINGER) {
		uint8_t tmp[BUF_CAP];
		ssize_t r = recv(c->cfd, tmp, sizeof(tmp), 0);
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
			px_conn_free(px, c);
		return;
	}
	if ((c->st == ST_TUNNEL || c->st == ST_FWD || px_terminated(c)) && c->u_eof) {
		if (!c->u2c.len) {
			px_conn_free(px, c);
			return;
		}
	}
	if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		if (c->st == ST_HEAD && c->via == 443) {
			px_sni_peek(px, c);
			return; /* it updates or frees c */
		} else if (c->st == ST_HEAD) {
			ssize_t r = recv(c->cfd, c->head + c->hlen, HEAD_MAX - c->hlen, 0);
			if (r <= 0) {
				if (r < 0 && (errno == EAGAIN || errno == EINTR))
					return;
				px_conn_free(px, c);
				return;
			}
			c->hlen += (size_t)r;
			on_head(px, c);
		} else if ((c->st == ST_TUNNEL || c->st == ST_FWD || px_terminated(c)) && !c->c2u.len &&
			   (c->st == ST_IHEAD || !c->body_done)) {
			if (!client_read(px, c))
				return;
		}
	}
	if (c->c_eof && c->u_eof && !c->u2c.len && !c->c2u.len) {
		px_conn_free(px, c);
		return;
	}
	update(px, c);
}

static void on_upstream(struct proxy *px, struct pconn *c, uint32_t ev)
{
	if (c->st == ST_DIAL) {
		if (ev & (EPOLLOUT | EPOLLERR | EPOLLHUP))
			dial_done(px, c);
		/* px_tls_begin may have freed c */
		for (struct pconn *k = px->conns; k; k = k->next)
			if (k == c) {
				update(px, c);
				break;
			}
		return;
	}
	if (c->st == ST_TLS) {
		if (px_tls_step(px, c))
			update(px, c);
		return;
	}
	if (ev & EPOLLOUT && c->c2u.len) {
		ssize_t w = px_side_send(c, 1, c->c2u.d + c->c2u.off, c->c2u.len);
		if (w < 0 && errno != EAGAIN && errno != EINTR) {
			c->u_eof = true;
			c->c2u.len = 0;
		} else if (w > 0) {
			c->c2u.off += (size_t)w;
			c->c2u.len -= (size_t)w;
			if (!c->c2u.len)
				c->c2u.off = 0;
		}
	}
	if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR) && !c->u2c.len && !c->u_eof) {
		/* straight into the (empty) buffer towards the client: no copy */
		c->u2c.off = 0;
		uint8_t *tmp = c->u2c.d;
		ssize_t r = px_side_recv(c, 1, tmp, c->u2c.cap);
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
			c->u_eof = true;
			if (c->st == ST_TUNNEL)
				shutdown(c->cfd, SHUT_WR);
		} else if (r > 0) {
			if (!response_pass(px, c, tmp, (size_t)r))
				return;
			c->u2c.len = (size_t)r;
			c->deadline_ms = 0;
			if (!c->rf) {
				c->response_started = true;
			} else if (!px_follow_responses(c, tmp, (size_t)r)) {
				if (px_terminated(c)) {
					/* where the next answer starts is lost: cut */
					px_conn_free(px, c);
					return;
				}
				free(c->rf); /* plain HTTP: one answer, relayed as it comes */
				c->rf = NULL;
				c->response_started = true;
				c->ws_wait = false;
			}
			if (c->ws_wait)
				px_upgrade_follow(c);
		}
	}
	if (c->st == ST_IWAIT && (!c->inflight || c->u_eof)) {
		/* the answers before it are complete: now the refusal */
		px_buf_put(&c->u2c, c->deferred, c->deferred_len);
		drop_upstream(c);
		c->st = ST_REFUSE;
		update(px, c);
		return;
	}
	if (c->st == ST_IHEAD && c->hlen && c->inflight < MAX_INFLIGHT)
		px_inner_feed(px, c);
	if (c->u_eof && !c->u2c.len && (c->st == ST_FWD || px_terminated(c) || c->c_eof)) {
		px_conn_free(px, c);
		return;
	}
	update(px, c);
}

/* TLS may hold decrypted bytes that no epoll event announces (a record
 * bigger than the room it was read into): serve those sides directly.
 * Returns whether any was served (then the loop polls without waiting). */
static bool serve_pending(struct proxy *px)
{
	bool any = false;
	for (struct pconn *c = px->conns, *next; c; c = next) {
		next = c->next;
		/* a WebSocket relayed inside the terminated sessions too */
		bool tls_relay = c->st == ST_TUNNEL && c->cssl;
		if (!px_terminated(c) && !tls_relay)
			continue;
		if (c->ussl && c->ufd >= 0 && !c->u_eof && !c->u2c.len && SSL_pending(c->ussl) > 0) {
			any = true;
			on_upstream(px, c, EPOLLIN);
			bool live = false;
			for (struct pconn *k = px->conns; k && !live; k = k->next)
				live = k == c;
			if (!live || (!px_terminated(c) && !(c->st == ST_TUNNEL && c->cssl)))
				continue;
		}
		if (c->cssl && !c->c_eof && !c->c2u.len && SSL_pending(c->cssl) > 0 &&
		    (c->st == ST_IHEAD || !c->body_done)) {
			any = true;
			on_client(px, c, EPOLLIN);
		}
	}
	return any;
}

struct pconn *px_conn_add(struct proxy *px, int fd, int via)
{
	if (px->nconns >= MAX_CONNS)
		return NULL;
	/* Answers go out as they come, in pieces (head, then body; TLS
	 * records): without this, Nagle holds each piece until the
	 * client's delayed ACK, 40 ms per kept-alive request. */
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	struct pconn *c = xcalloc(1, sizeof(*c));
	c->cfd = fd;
	c->ufd = -1;
	c->via = via;
	c->set.v[0] = px->cfg.policy;
	c->set.n = 1;
	c->head = xmalloc(HEAD_MAX + 1);
	buf_init(&c->c2u);
	buf_init(&c->u2c);
	c->cref = (struct ep_ref){ c, 0 };
	c->uref = (struct ep_ref){ c, 1 };
	c->cmask = via == 443 ? EPOLLIN | EPOLLET : EPOLLIN;
	c->st = ST_HEAD;
	/* A client that never finishes its head is dropped. */
	c->deadline_ms = px_now_ms() + px_policy_int(&px->cfg.policy->proxy.upstream_request_timeout_ms,
					      30000);
	struct epoll_event ev = { .events = c->cmask, .data.ptr = &c->cref };
	epoll_ctl(px->ep, EPOLL_CTL_ADD, fd, &ev);
	c->next = px->conns;
	if (px->conns)
		px->conns->prev = c;
	px->conns = c;
	px->nconns++;
	return c;
}

/* With cfg.policy_for (a session, ADR 0261), a client the hook does not
 * know is closed before anything of it is read. */
static void on_accept(struct proxy *px)
{
	for (;;) {
		struct sockaddr_storage peer;
		socklen_t pl = sizeof(peer);
		int fd = accept4(px->lfd, (struct sockaddr *)&peer, &pl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		struct policy_set set = { { px->cfg.policy }, 1 };
		if (px->cfg.policy_for &&
		    (!px->cfg.policy_for((struct sockaddr *)&peer, pl, px->cfg.policy_ctx, &set) ||
		     set.n < 1)) {
			if (px->cfg.log) {
				char who[64] = "?";
				if (peer.ss_family == AF_INET) {
					const struct sockaddr_in *in = (const struct sockaddr_in *)&peer;
					char a[INET_ADDRSTRLEN];
					inet_ntop(AF_INET, &in->sin_addr, a, sizeof(a));
					snprintf(who, sizeof(who), "%s:%u", a, ntohs(in->sin_port));
				}
				fprintf(px->cfg.log, "can: proxy: connection from %s closed unread: not "
					"registered (not the connect of a process in a proxy-only layer)\n",
					who);
				fflush(px->cfg.log);
			}
			close(fd);
			continue;
		}
		struct pconn *c = px_conn_add(px, fd, 0);
		if (!c)
			close(fd);
		else
			c->set = set;
	}
}

static void check_deadlines(struct proxy *px)
{
	int64_t now = px_now_ms();
	for (struct pconn *c = px->conns, *next; c; c = next) {
		next = c->next;
		if (!c->deadline_ms || now < c->deadline_ms)
			continue;
		c->deadline_ms = 0;
		if (c->st == ST_HEAD || c->st == ST_LINGER || c->st == ST_IWAIT) {
			px_conn_free(px, c);
			continue;
		}
		if (c->st == ST_TLS) {
			/* No session to answer in yet. */
			if (px->cfg.log) {
				fprintf(px->cfg.log, "can: proxy: the TLS handshakes for %s:%d did not "
					"finish within [proxy] upstream_request_timeout_ms\n", c->t.host,
					c->t.port);
				fflush(px->cfg.log);
			}
			px_conn_free(px, c);
			continue;
		}
		char why[700];
		snprintf(why, sizeof(why), "%s port %d gave no answer within [proxy] "
			 "upstream_request_timeout_ms (%lld ms)", c->t.host, c->t.port,
			 (long long)px_policy_int(&px->cfg.policy->proxy.upstream_request_timeout_ms, 30000));
		px_refuse_simple(px, c, 504, "upstream-timeout", why);
		update(px, c);
	}
}

static void *loop(void *arg)
{
	struct proxy *px = arg;
	/* TLS writes to a socket the peer closed: EPIPE for this thread, not
	 * a SIGPIPE that would end can. */
	sigset_t pipe_set;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, NULL);
	struct epoll_event evs[64];
	bool pending = false;
	for (;;) {
		int n = epoll_wait(px->ep, evs, ARRAY_LEN(evs), pending ? 0 : 200);
		if (n < 0 && errno != EINTR)
			break;
		for (int i = 0; i < n; i++) {
			struct ep_ref *r = evs[i].data.ptr;
			if (r == &px->wref)
				return NULL;
			if (r == &px->lref) {
				on_accept(px);
				continue;
			}
			if (r == &px->rref) {
				on_resolved(px);
				continue;
			}
			if (r == &px->dref) {
				px_dns_serve(px);
				continue;
			}
			if (r == &px->tref || r == &px->href) {
				px_accept_transparent(px, r == &px->tref ? px->cfg.tls_fd : px->cfg.http_fd,
						      r == &px->tref ? 443 : 80);
				continue;
			}
			/* A connection freed earlier in this batch may still have an
			 * event here: look it up before touching it. */
			bool live = false;
			for (struct pconn *c = px->conns; c && !live; c = c->next)
				live = c == r->c;
			if (!live)
				continue;
			if (r->side == 0)
				on_client(px, r->c, evs[i].events);
			else
				on_upstream(px, r->c, evs[i].events);
		}
		check_deadlines(px);
		pending = serve_pending(px);
	}
	return NULL;
}

/* The DNS stub's socket and the transparent listeners (ADR 0109, 0110). */
static int stub_register(struct proxy *px, char *err, size_t errlen)
{
	const struct {
		int fd;
		struct ep_ref *ref;
	} s[] = { { px->cfg.dns_fd, &px->dref }, { px->cfg.tls_fd, &px->tref },
		  { px->cfg.http_fd, &px->href } };
	for (size_t i = 0; i < ARRAY_LEN(s); i++) {
		*s[i].ref = (struct ep_ref){ NULL, (int)(5 + i) };
		fcntl(s[i].fd, F_SETFL, fcntl(s[i].fd, F_GETFL) | O_NONBLOCK);
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = s[i].ref };
		if (epoll_ctl(px->ep, EPOLL_CTL_ADD, s[i].fd, &ev) < 0) {
			snprintf(err, errlen, "epoll_ctl (the DNS stub): %s: %s", errno_name(errno),
				 strerror(errno));
			return -1;
		}
	}
	return 0;
}

static void stub_close(struct proxy *px)
{
	if (!px->cfg.stub)
		return;
	close(px->cfg.dns_fd);
	close(px->cfg.tls_fd);
	close(px->cfg.http_fd);
}

struct proxy *proxy_start(const struct proxy_config *cfg, char *err, size_t errlen)
{
	struct proxy *px = xcalloc(1, sizeof(*px));
	px->cfg = *cfg;
	px->lfd = cfg->listen_fd;
	px->ep = epoll_create1(EPOLL_CLOEXEC);
	px->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (px->ep < 0 || px->wake < 0) {
		snprintf(err, errlen, "epoll/eventfd: %s: %s", errno_name(errno), strerror(errno));
		goto fail;
	}
	fcntl(px->lfd, F_SETFL, fcntl(px->lfd, F_GETFL) | O_NONBLOCK);
	px->lref = (struct ep_ref){ NULL, 2 };
	px->wref = (struct ep_ref){ NULL, 3 };
	px->rref = (struct ep_ref){ NULL, 4 };
	if (cfg->tls && tls_ca_arm(cfg->tls, err, errlen) < 0)
		goto fail;
	px->res = resolver_new(2);
	if (!px->res) {
		snprintf(err, errlen, "start the lookup threads: %s: %s", errno_name(errno),
			 strerror(errno));
		goto fail;
	}
	struct epoll_event rev = { .events = EPOLLIN, .data.ptr = &px->rref };
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &px->lref };
	struct epoll_event wev = { .events = EPOLLIN, .data.ptr = &px->wref };
	if (epoll_ctl(px->ep, EPOLL_CTL_ADD, px->lfd, &ev) < 0 ||
	    epoll_ctl(px->ep, EPOLL_CTL_ADD, px->wake, &wev) < 0 ||
	    epoll_ctl(px->ep, EPOLL_CTL_ADD, resolver_fd(px->res), &rev) < 0) {
		snprintf(err, errlen, "epoll_ctl: %s: %s", errno_name(errno), strerror(errno));
		goto fail;
	}
	if (cfg->stub && stub_register(px, err, errlen) < 0)
		goto fail;
	int rc = pthread_create(&px->thread, NULL, loop, px);
	if (rc) {
		snprintf(err, errlen, "start the proxy thread: %s: %s", errno_name(rc), strerror(rc));
		goto fail;
	}
	return px;
fail:
	resolver_free(px->res);
	if (px->ep >= 0)
		close(px->ep);
	if (px->wake >= 0)
		close(px->wake);
	close(px->lfd);
	stub_close(px);
	free(px);
	return NULL;
}

void proxy_stop(struct proxy *px, FILE *report) { proxy_stop_monitor(px, report, NULL); }

void proxy_stop_monitor(struct proxy *px, FILE *report, char **hosts)
{
	if (hosts)
		*hosts = NULL;
	if (!px)
		return;
	uint64_t one = 1;
	if (write(px->wake, &one, sizeof(one)) != sizeof(one)) {
		/* the loop still ends when its thread is cancelled below */
	}
	pthread_join(px->thread, NULL);
	resolver_free(px->res);
	while (px->conns)
		px_conn_free(px, px->conns);
	if (report && px->nlines) {
		if (px->observed)
			fprintf(report, "can: monitor: the proxy let through %u request%s a normal run "
				"refuses\n", px->observed, px->observed == 1 ? "" : "s");
		fprintf(report, "can: refused: the proxy refused%s these (%u request%s):\n",
			px->observed ? " or would refuse" : "", px->refused + px->observed,
			px->refused + px->observed == 1 ? "" : "s");
		for (size_t i = 0; i < px->nlines; i++) {
			const char *l = px->lines[i];
			const char *pre = "can: proxy: refused ";
			fprintf(report, "  %s\n", strncmp(l, pre, strlen(pre)) == 0
							 ? l + strlen(pre) : l + strlen("can: proxy: "));
		}
		if (px->npatches) {
			fprintf(report, "can: refused: a recipe patch that allows them (save it as a "
				".toml file and add -r FILE):\n# can proxy patch\n");
			char *merged = refusal_merge_patches(px->patches, px->npatches);
			fputs(merged, report);
			free(merged);
		}
	}
	if (hosts && px->nobserved_patches)
		*hosts = refusal_merge_hosts(px->observed_patches, px->nobserved_patches);
	strv_free(px->observed_patches, px->nobserved_patches);
	strv_free(px->lines, px->nlines);
	strv_free(px->patches, px->npatches);
	close(px->lfd);
	stub_close(px);
	close(px->ep);
	close(px->wake);
	free(px);
}
