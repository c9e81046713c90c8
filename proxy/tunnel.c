/* Terminated tunnels (ADR 0103, 0106): the two TLS sessions of a CONNECT,
 * the requests read inside it, each decided like plain HTTP, and the
 * answers followed so a refusal goes after the ones before it. The loop
 * (proxy_loop.c) calls in here; the decisions are egress.c's. */
#include "proxy/conn.h"
#include "util/util.h"

#include <errno.h>
#include <limits.h>
#include <openssl/err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>

bool px_terminated(const struct pconn *c)
{
	return c->st == ST_IHEAD || c->st == ST_IFWD || c->st == ST_IWAIT;
}

/* ---- following the responses ---- */

void px_inflight_push(struct pconn *c, bool head)
{
	if (!c->rf)
		c->rf = xmalloc(sizeof(*c->rf));
	if (!c->inflight)
		resp_frame_init(c->rf, head);
	c->inflight_head[(c->inflight_first + c->inflight) % MAX_INFLIGHT] = head;
	c->inflight++;
}

/* Follows upstream's bytes through the responses to the requests sent
 * up, so the proxy knows which one the client is reading (a refusal goes
 * after the last, never into one). False when upstream breaks HTTP's
 * framing or answers what nobody asked. */
bool px_follow_responses(struct pconn *c, const uint8_t *p, size_t n)
{
	while (n) {
		if (!c->inflight)
			return false;
		size_t used = 0;
		enum resp_rc rc = resp_frame_feed(c->rf, p, n, &used);
		if (rc == RESP_ERROR)
			return false;
		if (rc == RESP_MORE)
			break;
		p += used;
		n -= used;
		c->inflight_first = (c->inflight_first + 1) % MAX_INFLIGHT;
		c->inflight--;
		if (c->inflight)
			resp_frame_init(c->rf, c->inflight_head[c->inflight_first]);
	}
	c->response_started = c->inflight && c->rf->final_started;
	return true;
}

/* ---- the sessions ---- */

/* recv and send on one side, through TLS once that side has a session:
 * like recv/send, > 0 bytes, 0 at the end, -1 with errno (EAGAIN while
 * TLS waits for the socket). A TLS read error counts as the end: what
 * was cut short is the peer's framing to notice. */
ssize_t px_side_recv(struct pconn *c, int side, void *b, size_t n)
{
	SSL *s = side ? c->ussl : c->cssl;
	if (!s)
		return recv(side ? c->ufd : c->cfd, b, n, 0);
	int r = SSL_read(s, b, n > INT_MAX ? INT_MAX : (int)n);
	if (r > 0)
		return r;
	int e = SSL_get_error(s, r);
	ERR_clear_error();
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		errno = EAGAIN;
		return -1;
	}
	return 0;
}

ssize_t px_side_send(struct pconn *c, int side, const void *b, size_t n)
{
	SSL *s = side ? c->ussl : c->cssl;
	if (!s)
		return send(side ? c->ufd : c->cfd, b, n, MSG_NOSIGNAL);
	int w = SSL_write(s, b, n > INT_MAX ? INT_MAX : (int)n);
	if (w > 0)
		return w;
	int e = SSL_get_error(s, w);
	ERR_clear_error();
	errno = e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE ? EAGAIN : EPIPE;
	return -1;
}

/* Drives both handshakes of a px_terminated tunnel. When both are done, the
 * SNI must name the CONNECT authority (the leaf was minted for the SNI,
 * so the client reads the refusal), and a failed upstream handshake is
 * answered inside the client's session. False when c was freed. */
bool px_tls_step(struct proxy *px, struct pconn *c)
{
	if (!c->c_hs) {
		int r = SSL_do_handshake(c->cssl);
		int e = r == 1 ? SSL_ERROR_NONE : SSL_get_error(c->cssl, r);
		if (r == 1) {
			c->c_hs = true;
		} else if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			c->c_want = e == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT;
		} else {
			char eb[200] = "the connection closed";
			unsigned long q = ERR_peek_error();
			if (q)
				ERR_error_string_n(q, eb, sizeof(eb));
			ERR_clear_error();
			if (px->cfg.log) {
				fprintf(px->cfg.log, "can: proxy: the TLS session with the sandbox's client "
					"for %s:%d failed: %s (does the client trust the run's CA? see "
					"docs/proxy.md)\n", c->t.host, c->t.port, eb);
				fflush(px->cfg.log);
			}
			px_conn_free(px, c);
			return false;
		}
	}
	if (!c->u_hs && !c->u_fail) {
		int r = SSL_do_handshake(c->ussl);
		int e = r == 1 ? SSL_ERROR_NONE : SSL_get_error(c->ussl, r);
		if (r == 1) {
			c->u_hs = true;
		} else if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			c->u_want = e == SSL_ERROR_WANT_READ ? EPOLLIN : EPOLLOUT;
		} else {
			char why[600];
			tls_client_error(c->ussl, r, why, sizeof(why));
			c->u_fail = xstrdup(why);
		}
	}
	if (!c->c_hs || (!c->u_hs && !c->u_fail))
		return true;
	if (c->deferred && !c->ussl) {
		/* a refused transparent client (transparent.c): the refusal,
		 * recorded already, inside the session it can read */
		px_buf_put(&c->u2c, c->deferred, c->deferred_len);
		free(c->deferred);
		c->deferred = NULL;
		c->st = ST_REFUSE;
		return true;
	}
	const char *sni = SSL_get_servername(c->cssl, TLSEXT_NAMETYPE_host_name);
	char why[900];
	snprintf(c->method, sizeof(c->method), "TLS");
	if (sni && strcasecmp(sni, c->t.host) != 0) {
		snprintf(why, sizeof(why), "the TLS server name (SNI) %.253s is not the CONNECT "
			 "authority %s: inside a tunnel both, and Host, must name one host", sni,
			 c->t.host);
		px_refuse_simple(px, c, 421, "host-mismatch", why);
		return true;
	}
	if (c->u_fail) {
		snprintf(why, sizeof(why), "TLS to %s port %d: %s", c->t.host, c->t.port, c->u_fail);
		px_refuse_simple(px, c, 502, "upstream-failed", why);
		return true;
	}
	c->st = ST_IHEAD;
	c->deadline_ms = 0;
	c->method[0] = '\0';
	return true;
}

/* Starts terminating a CONNECT: the 200 goes out in clear, then both
 * sessions start. False when the tunnel could not be set up (refused). */
bool px_tls_begin(struct proxy *px, struct pconn *c)
{
	static const char ok[] = "HTTP/1.1 200 Connection established\r\n\r\n";
	if (c->hlen) {
		px_refuse_simple(px, c, 400, "bad-request", "bytes arrived after the CONNECT head "
			      "before its 200: a px_terminated tunnel starts with the client's TLS "
			      "handshake after the 200");
		return false;
	}
	/* 39 bytes on a fresh socket: the send buffer is empty. A transparent
	 * client (transparent.c) sent no CONNECT: its ClientHello waits. */
	if (!c->via && send(c->cfd, ok, sizeof(ok) - 1, MSG_NOSIGNAL) != (ssize_t)(sizeof(ok) - 1)) {
		px_conn_free(px, c);
		return false;
	}
	c->cssl = tls_server_new(px->cfg.tls, c->cfd, c->t.host);
	c->ussl = tls_client_new(px->cfg.tls, c->ufd, c->t.host, c->t.is_ip);
	if (!c->cssl || !c->ussl) {
		ERR_clear_error();
		px_conn_free(px, c);
		return false;
	}
	c->st = ST_TLS;
	c->c_want = EPOLLIN;
	c->u_want = EPOLLOUT;
	c->deadline_ms = px_now_ms() + px_policy_int(&px->cfg.policy->proxy.upstream_request_timeout_ms,
					      30000);
	return px_tls_step(px, c);
}

/* One request head inside a px_terminated tunnel: origin-form, a Host that
 * names the CONNECT authority, then the same contract and limits as
 * plain HTTP. The head goes up as the client sent it (the connection to
 * the origin is the client's own, kept alive). True when the request was
 * let through (ST_IFWD). */
static bool on_inner_head(struct proxy *px, struct pconn *c)
{
	struct http_head *h = xmalloc(sizeof(*h));
	char why[700];
	bool ok = false;
	c->cur_forwarded = false;
	c->head[c->hlen] = '\0';
	enum http_err e = http_lex_head(c->head, c->hlen, h);
	if (e == HTTP_INCOMPLETE) {
		if (c->hlen >= HEAD_MAX)
			px_refuse_simple(px, c, 431, "bad-request", "the request head is over 32 KiB");
		goto out;
	}
	if (e == HTTP_OK)
		e = http_head_check(h);
	snprintf(c->method, sizeof(c->method), "%.*s", (int)(h->method.n < 20 ? h->method.n : 20),
		 h->method.p);
	if (e != HTTP_OK) {
		px_refuse_simple(px, c, http_err_status(e), "bad-request", http_err_text(e));
		goto out;
	}
	if (!h->target.n || h->target.p[0] != '/' || h->target.n >= sizeof(c->t.path)) {
		px_refuse_simple(px, c, 400, "bad-request", "inside a TLS tunnel a request names a path "
			      "(origin-form, under 2 KiB); the host is the CONNECT authority");
		goto out;
	}
	memcpy(c->t.path, h->target.p, h->target.n);
	c->t.path[h->target.n] = '\0';
	if (!h->host.n || !egress_host_matches(&c->t, h->host.p, h->host.n, 443)) {
		snprintf(why, sizeof(why), "the Host field (%.*s) is not the CONNECT authority "
			 "%s:%d: inside a tunnel the authority, the SNI and Host must name one host",
			 (int)(h->host.n > 100 ? 100 : h->host.n), h->host.p, c->t.host, c->t.port);
		px_refuse_simple(px, c, 421, "host-mismatch", why);
		goto out;
	}
	if (!px_check_contract(px, c, h))
		goto out;
	if (px_check_upgrade(px, c, h, true) < 0)
		goto out;
	if (!px_scan_pass(px, c, NULL, 0))
		goto out;
	px_buf_put(&c->c2u, c->head, h->head_len);
	memmove(c->head, c->head + h->head_len, c->hlen - h->head_len);
	c->hlen -= h->head_len;
	c->cur_forwarded = true;
	px_inflight_push(c, strcmp(c->method, "HEAD") == 0);
	c->deadline_ms = px_now_ms() + px_policy_int(&px->cfg.policy->proxy.upstream_request_timeout_ms,
					      30000);
	c->st = ST_IFWD;
	ok = true;
out:
	free(h);
	return ok;
}

/* Works through what the client has sent inside the tunnel: heads, and
 * the start of their bodies, one request after another (keep-alive). */
void px_inner_feed(struct proxy *px, struct pconn *c)
{
	while (c->st == ST_IHEAD && c->hlen && c->inflight < MAX_INFLIGHT) {
		if (!on_inner_head(px, c))
			return;
		size_t used = px_take_body(px, c, (const uint8_t *)c->head, c->hlen);
		if (c->st == ST_REFUSE)
			return;
		memmove(c->head, c->head + used, c->hlen - used);
		c->hlen -= used;
		if (c->body_done && !c->ws_wait)
			c->st = ST_IHEAD;
	}
}

