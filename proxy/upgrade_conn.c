/* WebSocket upgrades on a connection (ADR 0111): the request checked
 * against the contract (upgrade.c decides), then, while its answer is
 * awaited, the client is not read; a 101 turns the connection into a byte
 * relay both ways (inside the terminated TLS sessions for wss://), any
 * other answer is relayed as a response and the connection goes on as
 * HTTP. The loop (proxy_loop.c, tunnel.c) calls in here. */
#include "proxy/conn.h"
#include "proxy/upgrade.h"

#include <stdlib.h>

int px_check_upgrade(struct proxy *px, struct pconn *c, const struct http_head *h, bool tunnel)
{
	enum upgrade_kind kind = UPGRADE_NONE;
	for (size_t i = 0; i < h->nfields && kind != UPGRADE_WEBSOCKET; i++)
		if (http_span_eq(h->fields[i].name, "upgrade"))
			kind = upgrade_kind(h->fields[i].value.p, h->fields[i].value.n);
	if (kind == UPGRADE_NONE)
		return 0;
	if (kind == UPGRADE_OTHER) {
		if (!tunnel)
			return 0; /* plain HTTP: forwarded with Connection: close, never upgraded */
		/* After a 101 the tunnel would carry a protocol no contract
		 * describes: refused, not half-relayed. */
		px_refuse_simple(px, c, 501, "bad-request", "a protocol upgrade other than WebSocket "
				 "(Upgrade: h2c, ...) inside a TLS tunnel is not supported");
		return -1;
	}
	if (c->inflight) {
		/* the relay starts at the upgrade's answer: the ones before it
		 * would have to be followed through it */
		px_refuse_simple(px, c, 400, "bad-request", "a WebSocket upgrade sent before the "
				 "answers to the requests ahead of it on the connection");
		return -1;
	}
	/* Each policy of the set in turn: the first refusal answers. */
	for (int k = 0; k < c->set.n; k++) {
		struct egress_decision d;
		upgrade_decide(c->set.v[k], &c->t, c->method, &d);
		if (d.verdict == EGRESS_REFUSE) {
			struct refusal r = { d.status, d.error, d.what, d.reason, d.patch };
			px_refuse_conn(px, c, &r);
			return -1;
		}
	}
	c->ws_wait = true;
	return 1;
}

void px_upgrade_follow(struct pconn *c)
{
	if (!c->inflight) {
		/* answered, not upgraded: the connection goes on as HTTP */
		c->ws_wait = false;
		if (c->st == ST_IFWD)
			c->st = ST_IHEAD;
		return;
	}
	if (c->rf->status != 101 || c->rf->body != RESP_BODY_CLOSE)
		return; /* the head is still coming, or another answer streams */
	/* 101 Switching Protocols: bytes both ways, as a CONNECT tunnel; what
	 * the client sent early goes first */
	c->ws_wait = false;
	free(c->rf);
	c->rf = NULL;
	c->inflight = 0;
	c->st = ST_TUNNEL;
	c->body_done = false;
	c->deadline_ms = 0;
	if (c->hlen) {
		px_buf_put(&c->c2u, c->head, c->hlen);
		c->hlen = 0;
	}
}
