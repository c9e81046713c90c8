/* The DNS stub served by the proxy loop (dns_serve.h): the pure answer to
 * one datagram, and the socket side that reads a bounded batch per event. */
#include "proxy/conn.h"
#include "proxy/dns_policy.h"
#include "proxy/dns_serve.h"
#include "proxy/scan.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

void dns_stub_answer(const struct policy *p, const uint8_t *msg, size_t n, uint32_t addr4,
		     bool (*monitor_ok)(void *ctx, const struct egress_decision *d), void *ctx,
		     uint8_t *out, size_t cap, struct dns_stub_reply *r)
{
	memset(r, 0, sizeof *r);
	/* an oversized datagram: only its header is read (FORMERR) */
	enum dns_parse e = dns_parse_query(msg, n > DNS_UDP_MAX ? 12 : n, &r->q);
	if (n < 12 || e == DNS_E_NOT_QUERY)
		return; /* no header to answer, or an answer sent to us: silence */
	if (n > DNS_UDP_MAX || e != DNS_OK) {
		r->verdict = DNS_FORMERR;
		r->len = dns_build_answer(msg, &r->q, DNS_FORMERR, 0, 0, out, cap);
		return;
	}
	/* DLP's DNS check is the proxy's own (proxy_scan_host, below), which
	 * follows [network.dlp] enabled like every other destination name. */
	r->verdict = dns_decide(p, &r->q, -1, &r->d);
	if (r->verdict == DNS_NXDOMAIN) {
		r->refused = true;
		if (monitor_ok && monitor_ok(ctx, &r->d)) {
			r->refused = false;
			r->observed = true;
			r->verdict = r->q.qtype == DNS_T_A ? DNS_ANSWER_A : DNS_NODATA;
		}
	}
	r->len = dns_build_answer(msg, &r->q, r->verdict, addr4, DNS_STUB_TTL, out, cap);
}

/* A name refused (or observed) just now is not recorded again: a
 * resolver asks A and AAAA, and may retry. */
static bool seen_just_now(struct proxy *px, const char *what)
{
	int64_t now = px_now_ms();
	if (strcmp(px->dns_last, what) == 0 && now - px->dns_last_ms < 1000)
		return true;
	snprintf(px->dns_last, sizeof px->dns_last, "%s", what);
	px->dns_last_ms = now;
	return false;
}

static bool observe(void *ctx, const struct egress_decision *d)
{
	struct proxy *px = ctx;
	if (strncmp(d->patch, "[[host]]\n", 9) == 0 && seen_just_now(px, d->what))
		return true; /* observed a moment ago: answered, not recorded twice */
	return px_observe(px, d);
}

/* One datagram: answered, and a refused name recorded once per burst
 * (a resolver asks A and AAAA, and retries: one line says it). */
static void serve_one(struct proxy *px, const uint8_t *msg, size_t n, uint8_t *out, size_t cap,
		      struct dns_stub_reply *r)
{
	dns_stub_answer(px->cfg.policy, msg, n, px->cfg.stub_addr, px->cfg.monitor ? observe : NULL,
			px, out, cap, r);
	if (r->verdict == DNS_ANSWER_A || r->verdict == DNS_NODATA) {
		/* DLP on the name the sandbox asks for, as for a CONNECT to it */
		struct proxy_scan_result s;
		const char *dom = r->d.rule ? r->d.rule->domain.s : NULL;
		proxy_scan_host(r->q.name, r->d.host_loopback ? NULL : dom, &s);
		if (s.verdict != PROXY_SCAN_PASS && !r->d.host_loopback) {
			r->verdict = DNS_NXDOMAIN;
			r->refused = true;
			r->d.status = 403;
			r->d.error = "dlp-dns";
			snprintf(r->d.what, sizeof r->d.what, "DNS %s", r->q.name);
			snprintf(r->d.reason, sizeof r->d.reason, "%s", s.reason);
			r->d.patch[0] = '\0';
			r->len = dns_build_answer(msg, &r->q, DNS_NXDOMAIN, 0, 0, out, cap);
		}
	}
	if (!r->refused)
		return;
	if (seen_just_now(px, r->d.what))
		return;
	struct refusal f = { r->d.status, r->d.error, r->d.what, r->d.reason, r->d.patch };
	px_record(px, &f);
}

void px_dns_serve(struct proxy *px)
{
	uint8_t in[DNS_UDP_MAX + 1], out[DNS_UDP_MAX];
	struct dns_stub_reply r;
	for (int i = 0; i < DNS_STUB_BATCH; i++) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof from;
		/* MSG_TRUNC: the datagram's real length, so an oversized one is
		 * known as such (FORMERR), not parsed cut short */
		ssize_t n = recvfrom(px->cfg.dns_fd, in, sizeof in, MSG_DONTWAIT | MSG_TRUNC,
				     (struct sockaddr *)&from, &fl);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return; /* EAGAIN: all served */
		}
		serve_one(px, in, (size_t)n, out, sizeof out, &r);
		if (r.len)
			sendto(px->cfg.dns_fd, out, r.len, MSG_DONTWAIT, (struct sockaddr *)&from, fl);
	}
}
