/* Transparent routing (ADR 0110): clients that ignore the proxy variables
 * connect to the DNS stub's address (every allowed name resolves to it),
 * on 443 or 80, where the proxy listens too. A TLS client is routed by
 * the SNI of its ClientHello, read with MSG_PEEK so the TLS session reads
 * it again, as if it had sent CONNECT SNI:443; a refusal is answered
 * inside a TLS session with a leaf for that name, where the client reads
 * it. An HTTP client is routed by its Host field, as if it had sent the
 * request in absolute-form. From there on, the contracts, refusals and
 * limits are the forward path's (proxy_loop.c, tunnel.c). */
#include "proxy/conn.h"
#include "proxy/scan.h"
#include "proxy/tls_sni.h"
#include "util/util.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

void px_accept_transparent(struct proxy *px, int lfd, int via)
{
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		if (!px_conn_add(px, fd, via))
			close(fd);
	}
}

/* A refused transparent TLS client: recorded now, answered inside a TLS
 * session once its handshake is done (px_tls_step sends c->deferred).
 * Never frees c: the loop drives the handshake from here. */
void px_refuse_in_tls(struct proxy *px, struct pconn *c, const struct refusal *r)
{
	px_record(px, r);
	c->st = ST_REFUSE; /* nothing to send: closed at once, unless TLS works */
	c->deadline_ms = px_now_ms() + LINGER_MS;
	if (!px->cfg.tls)
		return;
	char resp[4096];
	size_t n = refusal_response(r, resp, sizeof(resp));
	free(c->deferred);
	c->deferred = xmalloc(n);
	memcpy(c->deferred, resp, n);
	c->deferred_len = n;
	c->cssl = tls_server_new(px->cfg.tls, c->cfd, c->t.host);
	if (!c->cssl) {
		ERR_clear_error();
		return;
	}
	free(c->u_fail);
	c->u_fail = xstrdup("refused"); /* no upstream handshake */
	c->st = ST_TLS;
	c->c_want = EPOLLIN;
}

/* The ClientHello is whole: decided like CONNECT SNI:443. */
static void route_by_sni(struct proxy *px, struct pconn *c, const char *sni)
{
	char auth[300], why[700];
	snprintf(auth, sizeof(auth), "%s:443", sni);
	snprintf(c->method, sizeof(c->method), "TLS");
	c->connect = true;
	if (!egress_parse_authority(auth, strlen(auth), &c->t, why, sizeof(why)) || c->t.is_ip) {
		snprintf(c->t.host, sizeof(c->t.host), "%s", sni);
		struct refusal r = { 400, "bad-request", "TLS to the DNS stub's address",
				     c->t.is_ip ? "the TLS server name is an address" : why, "" };
		px_refuse_in_tls(px, c, &r);
		return;
	}
	struct egress_decision d;
	egress_decide_dest(px->cfg.policy, &c->t, true, &d);
	if (d.verdict == EGRESS_REFUSE && !px_observe(px, &d)) {
		snprintf(d.what, sizeof(d.what), "TLS %s:443 (transparent, by SNI)", c->t.host);
		struct refusal r = { d.status, d.error, d.what, d.reason, d.patch };
		px_refuse_in_tls(px, c, &r);
		return;
	}
	if (!d.host_loopback) {
		struct proxy_scan_result s;
		proxy_scan_host(c->t.host, d.rule ? d.rule->domain.s : NULL, &s);
		if (s.verdict != PROXY_SCAN_PASS) {
			snprintf(d.what, sizeof(d.what), "TLS %s:443 (transparent, by SNI)", c->t.host);
			struct refusal r = { 403, "dlp-blocked", d.what, s.reason, "" };
			px_refuse_in_tls(px, c, &r);
			return;
		}
	}
	c->hlen = 0; /* the ClientHello stays in the socket for the session */
	px_dial(px, c);
}

void px_sni_peek(struct proxy *px, struct pconn *c)
{
	/* Edge-triggered while peeking (px_update): a partial ClientHello
	 * stays in the socket, so only new bytes wake us again. */
	ssize_t r = recv(c->cfd, c->head, HEAD_MAX, MSG_PEEK);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		px_conn_free(px, c);
		return;
	}
	char sni[254];
	enum sni_rc rc = tls_sni_parse((const uint8_t *)c->head, (size_t)r, sni);
	if (rc == SNI_MORE && r < HEAD_MAX)
		return;
	if (rc == SNI_OK) {
		route_by_sni(px, c, sni);
		px_update(px, c);
		return;
	}
	/* Nothing to name a leaf or a destination by: said, and closed. */
	struct refusal f = { 400, "bad-request", "a connection to the DNS stub's address port 443",
			     rc == SNI_NONE ? "its TLS ClientHello names no server (SNI): the "
					      "proxy routes by that name"
					    : "it does not start with a TLS ClientHello in one record",
			     "" };
	px_record(px, &f);
	px_conn_free(px, c);
}

bool px_transparent_target(struct proxy *px, struct pconn *c, const struct http_head *h)
{
	char why[700];
	if (c->connect) {
		px_refuse_simple(px, c, 400, "bad-request", "CONNECT goes to the proxy (127.0.0.1:3128), "
				 "not to the DNS stub's address");
		return false;
	}
	if (h->target.n && h->target.p[0] != '/')
		/* absolute-form: as to the proxy */
		return egress_parse_absolute(h->target.p, h->target.n, &c->t, why, sizeof(why)) ||
		       (px_refuse_simple(px, c, 400, "bad-request", why), false);
	if (!h->host.n || h->host.n > 255 || h->target.n > 2047) {
		px_refuse_simple(px, c, 400, "bad-request", "a request to the DNS stub's address names "
				 "its host in the Host field (the proxy routes by it)");
		return false;
	}
	char url[2400];
	int n = snprintf(url, sizeof(url), "http://%.*s%.*s", (int)h->host.n, h->host.p,
			 (int)h->target.n, h->target.p);
	if (!egress_parse_absolute(url, (size_t)n, &c->t, why, sizeof(why))) {
		px_refuse_simple(px, c, 400, "bad-request", why);
		return false;
	}
	if (c->t.port != 80) {
		snprintf(why, sizeof(why), "the Host field names port %d, but the request came to port "
			 "80 of the DNS stub's address", c->t.port);
		px_refuse_simple(px, c, 400, "bad-request", why);
		return false;
	}
	return true;
}
