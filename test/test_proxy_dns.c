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
#include "proxy/refusal.h"
#include "util/util.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_decide),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
