/* The DNS stub's wire format: parsing one query and building its answer,
 * pure functions over caller-owned buffers (no sockets, no allocation).
 * The stub (not wired yet, docs/proxy.md "DNS") answers allowed names with
 * an address that leads to the proxy and everything else with NXDOMAIN or
 * REFUSED; it never resolves on the sandbox's behalf (ADR 0108). */
#ifndef CAN_PROXY_DNS_MSG_H
#define CAN_PROXY_DNS_MSG_H

#include <stddef.h>
#include <stdint.h>

/* RFC 1035 limits: 253 characters in dotted text, 63 per label, 512 bytes
 * for a UDP message without EDNS. The stub takes nothing larger. */
#define DNS_NAME_MAX 253
#define DNS_LABEL_MAX 63
#define DNS_UDP_MAX 512

enum dns_type { DNS_T_A = 1, DNS_T_AAAA = 28 };

enum dns_parse {
	DNS_OK = 0,
	DNS_E_SHORT,     /* shorter than a header, or a field runs past the end */
	DNS_E_NOT_QUERY, /* QR set or OPCODE other than QUERY: ignore, answer nothing */
	DNS_E_COUNT,     /* QDCOUNT other than 1, or answer/authority records present */
	DNS_E_NAME,      /* a compression pointer, an over-long label or name, a bad byte */
	DNS_E_CLASS,     /* class other than IN */
};

struct dns_query {
	uint16_t id;
	uint16_t flags;              /* the request's flags (RD is echoed back) */
	uint16_t qtype, qclass;
	char name[DNS_NAME_MAX + 1]; /* lower-case, no trailing dot; "" is the root */
	size_t question_len;         /* header plus question, copied into the answer */
};

/* How the stub answers. */
enum dns_verdict {
	DNS_ANSWER_A,  /* an A record with the given address */
	DNS_NODATA,    /* the name exists, not with this type (AAAA of an allowed name) */
	DNS_NXDOMAIN,  /* the policy refuses the name */
	DNS_REFUSED,   /* a type the stub does not serve (MX, TXT, ANY, ...) */
	DNS_FORMERR,   /* the query could not be parsed but has a header */
};

/* Parses one query of n bytes. Names are checked letter by letter: only
 * letters, digits, '-' and '_' per label (a name that carries other bytes is
 * not one a policy can allow). Never reads past msg + n. */
enum dns_parse dns_parse_query(const uint8_t *msg, size_t n, struct dns_query *q);

/* Builds the answer to q (as parsed from msg) into out (cap bytes, at least
 * DNS_UDP_MAX is enough for every answer). addr4 is the A record's address in
 * network byte order (used only for DNS_ANSWER_A), ttl its TTL. Returns the
 * length, or 0 if it does not fit. For DNS_FORMERR only the header is used. */
size_t dns_build_answer(const uint8_t *msg, const struct dns_query *q, enum dns_verdict v,
			uint32_t addr4, uint32_t ttl, uint8_t *out, size_t cap);

#endif
