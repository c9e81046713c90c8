/* The DNS stub's wire format (proxy/dns_msg.h, ADR 0108). Hand-written and
 * bounds-checked: every read goes through need(), so a short or lying
 * message is an error, not a read past the buffer. */
#include "dns_msg.h"

#include <string.h>

#define HDR 12
#define F_QR 0x8000
#define F_OPCODE 0x7800
#define F_AA 0x0400
#define F_RD 0x0100
#define RC_FORMERR 1
#define RC_NXDOMAIN 3
#define RC_REFUSED 5

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static int label_byte(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

/* Reads the uncompressed name at msg[*at]; a query's only name comes first,
 * so a pointer has nothing earlier to point to and is refused. */
static enum dns_parse read_name(const uint8_t *msg, size_t n, size_t *at, char *out)
{
	size_t o = 0, i = *at;
	for (;;) {
		if (i >= n)
			return DNS_E_SHORT;
		uint8_t len = msg[i++];
		if (len == 0)
			break;
		if (len & 0xc0)
			return DNS_E_NAME;
		if (len > DNS_LABEL_MAX)
			return DNS_E_NAME;
		if (n - i < len)
			return DNS_E_SHORT;
		if (o + (o ? 1 : 0) + len > DNS_NAME_MAX)
			return DNS_E_NAME;
		if (o)
			out[o++] = '.';
		for (uint8_t k = 0; k < len; k++) {
			uint8_t c = msg[i + k];
			if (!label_byte(c))
				return DNS_E_NAME;
			out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
		i += len;
	}
	out[o] = 0;
	*at = i;
	return DNS_OK;
}

enum dns_parse dns_parse_query(const uint8_t *msg, size_t n, struct dns_query *q)
{
	memset(q, 0, sizeof *q);
	if (n < HDR)
		return DNS_E_SHORT;
	q->id = get16(msg);
	q->flags = get16(msg + 2);
	if ((q->flags & F_QR) || (q->flags & F_OPCODE))
		return DNS_E_NOT_QUERY;
	/* ARCOUNT may hold an EDNS OPT record, which the stub ignores */
	if (get16(msg + 4) != 1 || get16(msg + 6) || get16(msg + 8))
		return DNS_E_COUNT;
	size_t at = HDR;
	enum dns_parse e = read_name(msg, n, &at, q->name);
	if (e)
		return e;
	if (n - at < 4)
		return DNS_E_SHORT;
	q->qtype = get16(msg + at);
	q->qclass = get16(msg + at + 2);
	q->question_len = at + 4;
	if (q->qclass != 1)
		return DNS_E_CLASS;
	return DNS_OK;
}

size_t dns_build_answer(const uint8_t *msg, const struct dns_query *q, enum dns_verdict v,
			uint32_t addr4, uint32_t ttl, uint8_t *out, size_t cap)
{
	size_t qlen = v == DNS_FORMERR ? HDR : q->question_len;
	if (qlen < HDR || cap < qlen)
		return 0;
	memcpy(out, msg, qlen);
	uint16_t rcode = v == DNS_NXDOMAIN ? RC_NXDOMAIN : v == DNS_REFUSED ? RC_REFUSED
		       : v == DNS_FORMERR ? RC_FORMERR : 0;
	/* QR, authoritative for what the policy allows, RD echoed, RA clear:
	 * the stub recurses for nobody. */
	put16(out + 2, (uint16_t)(F_QR | F_AA | (q->flags & F_RD) | rcode));
	put16(out + 4, v == DNS_FORMERR ? 0 : 1);
	put16(out + 6, v == DNS_ANSWER_A ? 1 : 0);
	put16(out + 8, 0);
	put16(out + 10, 0); /* the request's OPT record is not echoed */
	size_t o = qlen;
	if (v == DNS_ANSWER_A) {
		if (cap - o < 16)
			return 0;
		put16(out + o, 0xc000 | HDR); /* the question's name */
		put16(out + o + 2, DNS_T_A);
		put16(out + o + 4, 1);
		put16(out + o + 6, (uint16_t)(ttl >> 16));
		put16(out + o + 8, (uint16_t)ttl);
		put16(out + o + 10, 4);
		memcpy(out + o + 12, &addr4, 4);
		o += 16;
	}
	return o;
}
