/* The proxy's connection state, shared by the event loop (proxy_loop.c:
 * accept, heads, dialling, plain HTTP, byte tunnels, refusals) and the
 * terminated tunnels (tunnel.c: TLS, requests inside, responses followed).
 * Internal to proxy/; the states are described in proxy_loop.c. */
#ifndef CAN_PROXY_CONN_H
#define CAN_PROXY_CONN_H

#include "proxy/chunked.h"
#include "proxy/egress.h"
#include "proxy/http_head.h"
#include "proxy/proxy.h"
#include "proxy/refusal.h"
#include "proxy/resolve.h"
#include "proxy/resp_frame.h"
#include "proxy/tls.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define HEAD_MAX (32 * 1024)
#define BUF_CAP (64 * 1024)
#define MAX_CONNS 512
#define LINGER_MS 2000
/* Requests a tunnel may have sent up and not yet had answered. */
#define MAX_INFLIGHT 16

enum state { ST_HEAD, ST_RESOLVE, ST_DIAL, ST_TUNNEL, ST_FWD, ST_REFUSE, ST_LINGER, ST_TLS,
	      ST_IHEAD, ST_IFWD, ST_IWAIT };

struct buf {
	uint8_t *d;
	size_t off, len, cap;
};

struct pconn;
struct ep_ref {
	struct pconn *c;
	int side; /* 0 client, 1 upstream */
};

struct pconn {
	struct pconn *next, *prev;
	int cfd, ufd;
	uint32_t cmask, umask;   /* events registered */
	enum state st;
	char *head;              /* HEAD_MAX + 1 bytes */
	size_t hlen;
	struct buf c2u, u2c;
	bool c_eof, u_eof, response_started;
	struct ep_ref cref, uref;
	struct egress_target t;
	bool connect;
	char method[24];
	/* the request body (FWD) */
	enum http_framing framing;
	uint64_t cl_left, body_seen, body_max;
	struct chunked ch;
	bool body_done;
	/* body bytes the scan passed but holds back (ADR 0146): they go up
	 * when a later piece's scan lowers scan_hold, at the latest when the
	 * whole body passed; a refusal drops them */
	struct buf held;
	uint64_t scan_hold;
	int64_t deadline_ms;     /* 0 = none */
	uint64_t id;             /* names this connection to the lookup pool */
	/* a terminated tunnel (ST_TLS, ST_IHEAD, ST_IFWD) */
	SSL *cssl, *ussl;        /* towards the client; towards upstream */
	bool c_hs, u_hs;         /* handshake done */
	uint32_t c_want, u_want; /* what a handshake waits for (EPOLLIN/EPOLLOUT) */
	char *u_fail;            /* why upstream's handshake failed (malloc'd) */
	/* the responses being answered, oldest first (plain HTTP: one) */
	struct resp_frame *rf;   /* where the oldest one's response ends */
	bool inflight_head[MAX_INFLIGHT]; /* ring: was it a HEAD request */
	unsigned inflight, inflight_first;
	bool cur_forwarded;      /* the request being read has gone up */
	bool ws_wait;            /* a WebSocket upgrade is up: its answer is awaited
				  * (the client is not read until then) */
	char *deferred;          /* a refusal waiting for them (IWAIT), or for the
				  * client's handshake (a refused transparent TLS) */
	size_t deferred_len;
	int via;                 /* 0: the forward proxy; 443 or 80: the stub's
				  * address, routed by SNI or Host (transparent.c) */
	struct policy_set set;   /* what this client is held to (proxy.h) */
};

struct proxy {
	struct proxy_config cfg;
	int ep, lfd, wake;
	pthread_t thread;
	struct pconn *conns;
	size_t nconns;
	struct ep_ref lref, wref, rref;
	struct resolver *res;
	uint64_t next_id;
	/* refusals, for the exit report (touched by the loop thread only, read
	 * after it has been joined) */
	char **lines, **patches;
	size_t nlines, npatches;
	unsigned refused;
	unsigned observed; /* monitor mode: would-be refusals forwarded */
	char **observed_patches; /* their [[host]] patches, once each */
	size_t nobserved_patches;
	/* the DNS stub and transparent listeners (cfg.stub) */
	struct ep_ref dref, tref, href;
	char dns_last[320];      /* what the stub last refused, and when: logged once */
	int64_t dns_last_ms;
};

/* ---- proxy_loop.c ---- */
int64_t px_now_ms(void);
int64_t px_policy_int(const struct pint *v, int64_t def);
void px_buf_put(struct buf *b, const void *p, size_t n);
void px_conn_free(struct proxy *px, struct pconn *c);
void px_refuse_conn(struct proxy *px, struct pconn *c, const struct refusal *r);
void px_refuse_simple(struct proxy *px, struct pconn *c, int status, const char *error,
		      const char *reason);
bool px_scan_pass(struct proxy *px, struct pconn *c, const uint8_t *chunk, size_t n);
struct host_rule;
bool px_scan_host_pass(struct proxy *px, struct pconn *c, const struct host_rule *rule);
/* A request against its host's contract and the body limits; sets up the
 * body's framing. False when it was refused. */
bool px_check_contract(struct proxy *px, struct pconn *c, const struct http_head *h);
/* Body bytes from the client: framed, scanned, queued upstream. Returns
 * how many of data were body. */
size_t px_take_body(struct proxy *px, struct pconn *c, const uint8_t *data, size_t n);

/* A refusal recorded (stderr, --events, the exit report) without a
 * connection to answer (the DNS stub's). */
void px_record(struct proxy *px, const struct refusal *r);
/* Monitor mode: is d a [[host]] refusal to record as observed and let
 * through? (Recorded when true.) */
bool px_observe(struct proxy *px, const struct egress_decision *d);
/* A new client connection on fd, in ST_HEAD; via as in struct pconn.
 * NULL when there are MAX_CONNS already (the caller closes fd). */
struct pconn *px_conn_add(struct proxy *px, int fd, int via);
/* Looks c->t up (unless an address) and dials the vetted address. */
void px_dial(struct proxy *px, struct pconn *c);
/* The epoll interest for c's state. */
void px_update(struct proxy *px, struct pconn *c);

/* ---- dns_serve.c ---- */
/* Serves the queries waiting on the stub's socket (a bounded batch). */
void px_dns_serve(struct proxy *px);

/* ---- transparent.c ---- */
/* Accepts on a transparent listener (443: TLS by SNI, 80: HTTP by Host). */
void px_accept_transparent(struct proxy *px, int lfd, int via);
/* A transparent TLS client's bytes while its ClientHello is awaited
 * (peeked, never consumed: the TLS session reads it again). */
void px_sni_peek(struct proxy *px, struct pconn *c);
/* A refusal for a transparent TLS client (via 443) before its session:
 * recorded, then sent inside a TLS session with a leaf for c->t.host
 * (px_tls_step sends it). Never frees c. */
void px_refuse_in_tls(struct proxy *px, struct pconn *c, const struct refusal *r);
/* A transparent HTTP request's target: origin-form plus Host into c->t.
 * False when refused. */
bool px_transparent_target(struct proxy *px, struct pconn *c, const struct http_head *h);

/* ---- tunnel.c ---- */
/* Inside a terminated tunnel (IHEAD, IFWD, IWAIT)? */
bool px_terminated(const struct pconn *c);
/* recv/send on side 0 (client) or 1 (upstream), through TLS when it has
 * a session: > 0, 0 at the end, -1 with errno (EAGAIN: wait). */
ssize_t px_side_recv(struct pconn *c, int side, void *b, size_t n);
ssize_t px_side_send(struct pconn *c, int side, const void *b, size_t n);
/* Terminates a CONNECT whose dial completed / drives its handshakes.
 * False when c was freed or refused. */
bool px_tls_begin(struct proxy *px, struct pconn *c);
bool px_tls_step(struct proxy *px, struct pconn *c);
/* Works through the request heads (and body starts) the client sent. */
void px_inner_feed(struct proxy *px, struct pconn *c);
/* A request went up (plain HTTP or in a tunnel): its answer is awaited. */
void px_inflight_push(struct pconn *c, bool head);
/* Follows upstream's bytes through the awaited answers. False when they
 * break HTTP's framing or answer nothing. */
bool px_follow_responses(struct pconn *c, const uint8_t *p, size_t n);

/* ---- upgrade_conn.c ---- */
/* The request's Upgrade field against the contract (ADR 0111): 0 when
 * there is nothing to relay, 1 for a WebSocket upgrade the contract allows
 * (c->ws_wait is set), -1 when it was refused. tunnel: inside a
 * terminated TLS session (other upgrades are refused there). */
int px_check_upgrade(struct proxy *px, struct pconn *c, const struct http_head *h, bool tunnel);
/* After upstream's bytes were followed, with c->ws_wait: a 101 makes c a
 * byte relay (ST_TUNNEL); another complete answer ends the wait. */
void px_upgrade_follow(struct pconn *c);

#endif
