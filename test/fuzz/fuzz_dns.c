/* libFuzzer target: the DNS stub's query parser (proxy/dns_msg.c) on
 * arbitrary bytes. A parsed query must have a bounded, lower-case name and
 * a question that lies inside the input; every answer built from it must
 * fit its buffer and echo the question unchanged. */
#include "proxy/dns_msg.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct dns_query q;
	enum dns_parse e = dns_parse_query(data, n, &q);
	uint8_t out[DNS_UDP_MAX + 300];
	if (e != DNS_OK) {
		if (n >= 12 && dns_build_answer(data, &q, DNS_FORMERR, 0, 0, out, sizeof out) != 12)
			abort();
		return 0;
	}
	size_t len = strlen(q.name);
	if (len > DNS_NAME_MAX || q.question_len > n || q.question_len < 12 + len + 1 + 4)
		abort();
	for (size_t i = 0; i < len; i++)
		if (q.name[i] >= 'A' && q.name[i] <= 'Z')
			abort();
	static const enum dns_verdict vs[] = { DNS_ANSWER_A, DNS_NODATA, DNS_NXDOMAIN, DNS_REFUSED };
	for (size_t i = 0; i < sizeof vs / sizeof vs[0]; i++) {
		size_t k = dns_build_answer(data, &q, vs[i], 0x0100007f, 5, out, sizeof out);
		if (k < q.question_len || k > sizeof out ||
		    memcmp(out + 12, data + 12, q.question_len - 12) || (out[2] & 0x80) == 0)
			abort();
	}
	return 0;
}
