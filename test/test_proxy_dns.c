/* The DNS stub's pure parts (proxy/dns_msg.c, proxy/dns_policy.c): queries
 * parsed within their bounds, malformed and oversized ones refused without a
 * read past the buffer, answers built as resolvers expect, and the policy's
 * decision per name and type (ADR 0108). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "proxy/dns_msg.h"
#include "proxy/dns_policy.h"
#include "proxy/dns_serve.h"
#include "proxy/refusal.h"
#include "proxy/tls_sni.h"
#include "sandbox/mount_plan.h"
#include "sandbox/resolv_overlay.h"
#include "util/util.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A query as a resolver sends it: id 0x1234, RD, one question. */
static size_t query(uint8_t *buf, const char *name, uint16_t type)
{
	static const uint8_t hdr[12] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
	memcpy(buf, hdr, 12);
	size_t o = 12;
	while (*name) {
		size_t k = strcspn(name, ".");
		buf[o++] = (uint8_t)k;
		memcpy(buf + o, name, k);
		o += k;
		name += k;
		if (*name)
			name++;
	}
	buf[o++] = 0;
	buf[o++] = (uint8_t)(type >> 8);
	buf[o++] = (uint8_t)type;
	buf[o++] = 0;
	buf[o++] = 1;
	return o;
}

static void test_parse_ok(void **state)
{
	(void)state;
	uint8_t b[600];
	struct dns_query q;
	size_t n = query(b, "Registry.NPMjs.org", DNS_T_A);
	assert_int_equal(dns_parse_query(b, n, &q), DNS_OK);
	assert_string_equal(q.name, "registry.npmjs.org");
	assert_int_equal(q.id, 0x1234);
	assert_int_equal(q.qtype, DNS_T_A);
	assert_int_equal(q.question_len, n);
	/* an EDNS OPT record in ARCOUNT is tolerated */
	b[11] = 1;
	assert_int_equal(dns_parse_query(b, n, &q), DNS_OK);
}

static void test_parse_malformed(void **state)
{
	(void)state;
	uint8_t b[600];
	struct dns_query q;
	size_t n = query(b, "a.example.com", DNS_T_A);
	/* every truncation is short, none reads past its end (ASan build) */
	for (size_t k = 0; k < n; k++) {
		uint8_t *c = malloc(k ? k : 1);
		memcpy(c, b, k);
		assert_int_equal(dns_parse_query(c, k, &q), DNS_E_SHORT);
		free(c);
	}
	uint8_t m[600];
	memcpy(m, b, n);
	m[2] |= 0x80; /* a response */
	assert_int_equal(dns_parse_query(m, n, &q), DNS_E_NOT_QUERY);
	memcpy(m, b, n);
	m[5] = 2; /* two questions */
	assert_int_equal(dns_parse_query(m, n, &q), DNS_E_COUNT);
	memcpy(m, b, n);
	m[12] = 0xc0; /* a compression pointer */
	assert_int_equal(dns_parse_query(m, n, &q), DNS_E_NAME);
	memcpy(m, b, n);
	m[13] = '/'; /* a byte no host name has */
	assert_int_equal(dns_parse_query(m, n, &q), DNS_E_NAME);
	memcpy(m, b, n);
	m[n - 1] = 3; /* class CH */
	assert_int_equal(dns_parse_query(m, n, &q), DNS_E_CLASS);
	/* a label of 64 and a name of 254 characters */
	char big[300];
	memset(big, 'a', 64);
	big[64] = 0;
	memset(m, 0, sizeof m);
	n = query(m, big, DNS_T_A);
	assert_int_equal(dns_parse_query(m, n, &q), DNS_E_NAME);
	for (int i = 0; i < 254; i++)
		big[i] = i % 2 ? '.' : 'a';
	big[253] = 'a';
	big[254] = 0; /* 127 labels, 254 characters */
	n = query(m, big, DNS_T_A);
	assert_int_equal(dns_parse_query(m, n, &q), DNS_E_NAME);
	big[253] = 0; /* 253: the largest */
	n = query(m, big, DNS_T_A);
	assert_int_equal(dns_parse_query(m, n, &q), DNS_OK);
	assert_int_equal(strlen(q.name), 253);
}

static void test_answers(void **state)
{
	(void)state;
	uint8_t b[600], out[DNS_UDP_MAX];
	struct dns_query q;
	size_t n = query(b, "allowed.test", DNS_T_A);
	assert_int_equal(dns_parse_query(b, n, &q), DNS_OK);
	uint32_t a;
	inet_pton(AF_INET, "127.0.53.1", &a);
	size_t k = dns_build_answer(b, &q, DNS_ANSWER_A, a, 5, out, sizeof out);
	assert_int_equal(k, n + 16);
	assert_int_equal(out[0], 0x12);
	assert_int_equal(out[2], 0x85); /* QR, AA, RD */
	assert_int_equal(out[3], 0x00); /* NOERROR, RA clear */
	assert_int_equal(out[7], 1);    /* one answer */
	assert_memory_equal(out + 12, b + 12, n - 12);
	assert_int_equal(out[n], 0xc0);
	assert_int_equal(out[n + 1], 12);
	assert_memory_equal(out + n + 12, &a, 4);
	/* the answer never carries more than fits */
	assert_int_equal(dns_build_answer(b, &q, DNS_ANSWER_A, a, 5, out, n + 15), 0);
	k = dns_build_answer(b, &q, DNS_NXDOMAIN, 0, 0, out, sizeof out);
	assert_int_equal(k, n);
	assert_int_equal(out[3] & 0xf, 3);
	assert_int_equal(out[7], 0);
	k = dns_build_answer(b, &q, DNS_REFUSED, 0, 0, out, sizeof out);
	assert_int_equal(out[3] & 0xf, 5);
	k = dns_build_answer(b, &q, DNS_FORMERR, 0, 0, out, sizeof out);
	assert_int_equal(k, 12);
	assert_int_equal(out[3] & 0xf, 1);
}

static struct srcpos at(int line)
{
	return (struct srcpos){ "r.toml", line, 1 };
}

static enum dns_verdict decide(const struct policy *p, const char *name, uint16_t type,
			       struct egress_decision *d)
{
	uint8_t b[600];
	struct dns_query q;
	size_t n = query(b, name, type);
	assert_int_equal(dns_parse_query(b, n, &q), DNS_OK);
	return dns_decide(p, &q, 0.85, d);
}

static void test_decide(void **state)
{
	(void)state;
	struct policy p;
	policy_init(&p);
	struct host_rule *h = policy_add_host(&p);
	h->domain = (struct pstr){ xstrdup("allowed.test"), at(3) };
	h->at = at(2);
	h = policy_add_host(&p);
	h->domain = (struct pstr){ xstrdup("*.cdn.test"), at(5) };
	h->at = at(4);
	struct egress_decision d;
	assert_int_equal(decide(&p, "allowed.test", DNS_T_A, &d), DNS_ANSWER_A);
	assert_int_equal(decide(&p, "ALLOWED.test", DNS_T_AAAA, &d), DNS_NODATA);
	assert_int_equal(decide(&p, "a.cdn.test", DNS_T_A, &d), DNS_ANSWER_A);
	assert_int_equal(decide(&p, "allowed.test", 15 /* MX */, &d), DNS_REFUSED);
	assert_int_equal(decide(&p, "allowed.test", 16 /* TXT */, &d), DNS_REFUSED);
	assert_int_equal(decide(&p, "evil.test", DNS_T_A, &d), DNS_NXDOMAIN);
	assert_non_null(strstr(d.patch, "[[host]]"));
	assert_non_null(strstr(d.patch, "evil.test"));
	/* the supervisor's refusal line (proxy/refusal.c) names the query and the
	 * missing block; proxy_loop.c's record() prints d.patch after it */
	struct refusal r = { d.status, d.error, d.what, d.reason, d.patch };
	char line[2048];
	refusal_line(&r, line, sizeof line);
	assert_non_null(strstr(line, "DNS evil.test"));
	assert_non_null(strstr(line, "no [[host]] block names evil.test"));
	assert_int_equal(decide(&p, "127.0.0.1", DNS_T_A, &d), DNS_NXDOMAIN);
	/* data in the labels of a wildcard-allowed name: DLP's DNS check */
	assert_int_equal(decide(&p, "mzxw6ytboi2dsnzq.gezdgnbvgy3tqojq.cdn.test", DNS_T_A, &d),
			 DNS_NXDOMAIN);
	assert_string_equal(d.error, "dlp-dns");
	policy_free(&p);
}


/* ---- the served stub (proxy/dns_serve.c): one datagram's answer ---- */

static bool monitor_yes(void *ctx, const struct egress_decision *d)
{
	(void)d;
	(*(int *)ctx)++;
	return true;
}

static void test_stub_answer(void **state)
{
	(void)state;
	struct policy p;
	policy_init(&p);
	struct host_rule *h = policy_add_host(&p);
	h->domain = (struct pstr){ xstrdup("allowed.test"), at(3) };
	h->at = at(2);
	uint8_t b[700], out[DNS_UDP_MAX];
	struct dns_stub_reply r;
	uint32_t stub = htonl(0x7f000002);
	size_t n = query(b, "allowed.test", DNS_T_A);
	dns_stub_answer(&p, b, n, stub, NULL, NULL, out, sizeof out, &r);
	assert_int_equal(r.verdict, DNS_ANSWER_A);
	assert_false(r.refused);
	assert_int_equal(r.len, n + 16);
	assert_memory_equal(out + r.len - 4, &stub, 4); /* the stub's address, nothing else */
	assert_int_equal(out[3] & 0x0f, 0);

	n = query(b, "evil.test", DNS_T_A);
	dns_stub_answer(&p, b, n, stub, NULL, NULL, out, sizeof out, &r);
	assert_int_equal(r.verdict, DNS_NXDOMAIN);
	assert_true(r.refused);
	assert_int_equal(out[3] & 0x0f, 3);
	assert_non_null(strstr(r.d.patch, "domain = \"evil.test\""));
	assert_string_equal(r.d.what, "DNS evil.test");

	/* monitor mode: the [[host]] refusal is observed and the name answered */
	int asked = 0;
	dns_stub_answer(&p, b, n, stub, monitor_yes, &asked, out, sizeof out, &r);
	assert_int_equal(asked, 1);
	assert_int_equal(r.verdict, DNS_ANSWER_A);
	assert_true(r.observed);
	assert_false(r.refused);
	/* AAAA of an observed name: NODATA, like an allowed one */
	n = query(b, "evil.test", DNS_T_AAAA);
	dns_stub_answer(&p, b, n, stub, monitor_yes, &asked, out, sizeof out, &r);
	assert_int_equal(r.verdict, DNS_NODATA);

	/* oversized: FORMERR from the header alone, whatever follows */
	n = query(b, "allowed.test", DNS_T_A);
	memset(b + n, 'x', sizeof b - n);
	dns_stub_answer(&p, b, sizeof b, stub, NULL, NULL, out, sizeof out, &r);
	assert_int_equal(r.verdict, DNS_FORMERR);
	assert_int_equal(r.len, 12);
	assert_int_equal(out[3] & 0x0f, 1);
	/* truncated question: FORMERR; an answer (QR) or no header: silence */
	dns_stub_answer(&p, b, 15, stub, NULL, NULL, out, sizeof out, &r);
	assert_int_equal(r.verdict, DNS_FORMERR);
	b[2] |= 0x80;
	dns_stub_answer(&p, b, n, stub, NULL, NULL, out, sizeof out, &r);
	assert_int_equal(r.len, 0);
	dns_stub_answer(&p, b, 11, stub, NULL, NULL, out, sizeof out, &r);
	assert_int_equal(r.len, 0);
	policy_free(&p);
}

/* ---- transparent routing's SNI reader (proxy/tls_sni.c) ---- */

/* A ClientHello record as clients send it: version, random, a session id,
 * two suites, null compression, then extensions (a supported_versions one,
 * then server_name with host_name sni when sni is not NULL). */
static size_t hello(uint8_t *b, const char *sni)
{
	uint8_t body[600];
	size_t o = 0;
	body[o++] = 3, body[o++] = 3;
	memset(body + o, 0xab, 32), o += 32;
	body[o++] = 4, memset(body + o, 1, 4), o += 4;
	body[o++] = 0, body[o++] = 4, body[o++] = 0x13, body[o++] = 1, body[o++] = 0x13,
	body[o++] = 2;
	body[o++] = 1, body[o++] = 0;
	uint8_t ext[400];
	size_t e = 0;
	ext[e++] = 0, ext[e++] = 43, ext[e++] = 0, ext[e++] = 3, ext[e++] = 2, ext[e++] = 3,
	ext[e++] = 4;
	if (sni) {
		size_t l = strlen(sni);
		ext[e++] = 0, ext[e++] = 0;
		ext[e++] = 0, ext[e++] = (uint8_t)(l + 5);
		ext[e++] = 0, ext[e++] = (uint8_t)(l + 3);
		ext[e++] = 0, ext[e++] = 0, ext[e++] = (uint8_t)l;
		memcpy(ext + e, sni, l), e += l;
	}
	body[o++] = (uint8_t)(e >> 8), body[o++] = (uint8_t)e;
	memcpy(body + o, ext, e), o += e;
	size_t hs = o, rec = hs + 4;
	b[0] = 22, b[1] = 3, b[2] = 1, b[3] = (uint8_t)(rec >> 8), b[4] = (uint8_t)rec;
	b[5] = 1, b[6] = 0, b[7] = (uint8_t)(hs >> 8), b[8] = (uint8_t)hs;
	memcpy(b + 9, body, hs);
	return 9 + hs;
}

static void test_sni(void **state)
{
	(void)state;
	uint8_t b[700];
	char name[254];
	size_t n = hello(b, "Allowed.TEST");
	assert_int_equal(tls_sni_parse(b, n, name), SNI_OK);
	assert_string_equal(name, "allowed.test");
	/* every prefix is "more" (the loop waits), exactly n bytes on the heap */
	for (size_t k = 0; k < n; k++) {
		uint8_t *c = xmalloc(k ? k : 1);
		memcpy(c, b, k);
		assert_int_equal(tls_sni_parse(c, k, name), SNI_MORE);
		free(c);
	}
	assert_int_equal(tls_sni_parse(b, hello(b, NULL), name), SNI_NONE);
	assert_int_equal(tls_sni_parse(b, hello(b, "bad_name.test"), name), SNI_NONE);
	assert_int_equal(tls_sni_parse(b, hello(b, "a..b"), name), SNI_NONE);
	/* plain HTTP, a ServerHello, an alert: not a ClientHello */
	assert_int_equal(tls_sni_parse((const uint8_t *)"GET / HTTP/1.1\r\n", 16, name), SNI_BAD);
	n = hello(b, "allowed.test");
	b[5] = 2;
	assert_int_equal(tls_sni_parse(b, n, name), SNI_BAD);
	b[5] = 1;
	b[0] = 21;
	assert_int_equal(tls_sni_parse(b, n, name), SNI_BAD);
	b[0] = 22;
	/* a handshake longer than its record (spread over records): not served */
	b[7] = 0x40;
	assert_int_equal(tls_sni_parse(b, n, name), SNI_BAD);
	b[7] = 0;
	/* an extension length past the end of the hello */
	n = hello(b, "allowed.test");
	b[n - 16] = 0x7f;
	assert_int_equal(tls_sni_parse(b, n, name), SNI_BAD);
}

/* ---- the sandbox's resolv.conf and hosts (core/sandbox/resolv_overlay.c) ---- */

static void test_overlay(void **state)
{
	(void)state;
	const char *c = resolv_overlay_conf_text();
	assert_non_null(strstr(c, "\nnameserver 127.0.0.1\n"));
	assert_null(strstr(c, "search"));
	const char *h = resolv_overlay_hosts_text(false);
	assert_non_null(strstr(h, "127.0.0.1\tlocalhost\n"));
	assert_null(strstr(h, "host.canister.local"));
	h = resolv_overlay_hosts_text(true);
	assert_non_null(strstr(h, RUN_STUB_ADDR "\thost.canister.local\n"));
	/* written to a private folder, bound read-only over /etc's */
	char conf[512], hosts[512], err[300];
	assert_int_equal(resolv_overlay_write(true, conf, hosts, sizeof conf, err, sizeof err), 0);
	struct policy p;
	policy_init(&p);
	struct mount_plan pl;
	struct mount_plan_in in = { .p = &p, .cwd = "/tmp", .resolv_conf = conf, .hosts = hosts };
	assert_int_equal(mount_plan_build(&in, &pl, err, sizeof err), 0);
	int seen = 0;
	for (size_t i = 0; i < pl.n; i++)
		if (pl.ops[i].kind == MNT_BIND_RO && pl.ops[i].need == MNT_REQUIRED &&
		    ((strcmp(pl.ops[i].dst, "/etc/resolv.conf") == 0 && strcmp(pl.ops[i].src, conf) == 0) ||
		     (strcmp(pl.ops[i].dst, "/etc/hosts") == 0 && strcmp(pl.ops[i].src, hosts) == 0)))
			seen++;
	assert_int_equal(seen, 2);
	mount_plan_free(&pl);
	policy_free(&p);
	resolv_overlay_remove(conf, hosts);
	assert_int_equal(access(conf, F_OK), -1);
	*strrchr(conf, '/') = '\0';
	assert_int_equal(access(conf, F_OK), -1); /* the folder too */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_decide),
		cmocka_unit_test(test_stub_answer),
		cmocka_unit_test(test_sni),
		cmocka_unit_test(test_overlay),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
