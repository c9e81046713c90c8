/* The egress proxy of `can run` (DESIGN section 7, docs/proxy.md).
 *
 * The sandbox's PID 1 makes the listening socket inside the sandbox's
 * network namespace (127.0.0.1:PROXY_PORT) and passes it out; the
 * supervisor serves it here, from the host's namespaces, with one epoll
 * event loop on one thread: HTTP/1.1 absolute-form requests and CONNECT
 * tunnels, each decided by the merged policy before any DNS lookup,
 * resolved once on the host, and dialled at the vetted address. */
#ifndef CAN_PROXY_H
#define CAN_PROXY_H

#include "lang/policy.h"

struct tls_ca;

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Where the proxy listens inside every sandbox (the namespace is the
 * sandbox's own, so a fixed port cannot clash with the host's). */
#define PROXY_PORT 3128
#define PROXY_ADDR "127.0.0.1"
/* The DNS stub's answer for every allowed name, where the proxy also
 * listens on 443 and 80 (sandbox/resolv_overlay.h's RUN_STUB_ADDR). */
#define PROXY_STUB_ADDR "127.0.0.2"
#define PROXY_STUB_ADDR_HL 0x7f000002u

/* The policies a connection is held to: every decision (the destination,
 * each address, each request's contract, DLP's host check) is taken with
 * each in turn and the first refusal answers. `can run`: the run's one
 * policy; a session (docs/adr/0261): the layers of the client's process. */
#define POLICY_SET_MAX 64
struct policy_set {
	const struct policy *v[POLICY_SET_MAX];
	int n;
};

struct sockaddr;

struct proxy_config {
	const struct policy *policy; /* must outlive the proxy */
	/* Optional (session mode, docs/adr/0261): who the client behind an
	 * accepted connection is, from its address (peer, len). Fills *out
	 * (at least one policy, each outliving the proxy) and returns true,
	 * or false: the connection is closed unread and logged. Called on
	 * the loop's thread. Without it every connection gets {policy}.
	 * policy alone gives the [proxy] timeouts; the body limit is the
	 * smallest of the set's (ADR 0263). */
	bool (*policy_for)(const struct sockaddr *peer, unsigned len, void *ctx,
			   struct policy_set *out);
	void *policy_ctx;
	int listen_fd;               /* taken over */
	FILE *log;                   /* one line per refusal (stderr), or NULL */
	FILE *events;                /* one JSON line per refusal (--events), or NULL */
	/* The run's CA (proxy/tls.h): CONNECT tunnels are terminated with it.
	 * NULL tunnels them untouched (unit tests only: can run always
	 * passes one, and runs nothing when it cannot be made). */
	struct tls_ca *tls;
	/* Monitor mode (can run -m, ADR 0204): what a [[host]] block would
	 * allow is recorded as a would-be refusal and forwarded; address
	 * checks, allow_host_loopback, DLP and malformed requests still
	 * refuse. */
	bool monitor;
	/* The DNS stub and transparent routing (ADR 0109, 0110), when stub:
	 * a UDP socket for queries (127.0.0.1:53 inside), and listeners on
	 * the stub's address for TLS on 443 (routed by SNI) and HTTP on 80
	 * (routed by Host); all taken over. stub_addr (network order) is
	 * what allowed names resolve to. */
	bool stub;
	int dns_fd, tls_fd, http_fd;
	uint32_t stub_addr;
};

struct proxy;

/* Starts the event loop thread. NULL with a message in err. */
struct proxy *proxy_start(const struct proxy_config *cfg, char *err, size_t errlen);
/* Stops the loop, closes every connection, and prints what was refused
 * with the recipe patch that allows it to report (nothing when nothing
 * was refused). */
void proxy_stop(struct proxy *px, FILE *report);
/* The same, and in monitor mode the [[host]] blocks (one per domain) that
 * allow what was observed, malloc'd into *hosts (NULL when none). */
void proxy_stop_monitor(struct proxy *px, FILE *report, char **hosts);

#endif
