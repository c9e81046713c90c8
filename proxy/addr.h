/* IP addresses the proxy may dial: classification of the ranges that lead
 * back into the host or its networks (loopback, private, link-local,
 * CGNAT, metadata, multicast, and the IPv6 forms that embed an IPv4
 * address), and [network] allow_ips entries ("10.0.0.0/8", "::1",
 * "127.0.0.1:8080", "[::1]:53"). Pure: no syscalls. */
#ifndef CAN_PROXY_ADDR_H
#define CAN_PROXY_ADDR_H

#include <stdbool.h>
#include <stdint.h>

/* An address as 16 bytes; IPv4 is held as ::ffff:a.b.c.d. */
struct ip16 {
	uint8_t b[16];
};

struct ip_net {
	struct ip16 addr;
	int prefix;  /* in bits of the 16-byte form */
	int port;    /* 0 = any port */
};

/* Parses a canonical literal: dotted quad (four decimal parts, no leading
 * zeros) or an inet_pton IPv6 form. false for anything else, including
 * the spellings some resolvers accept (2130706433, 0x7f.1, 017.0.0.1). */
bool ip_parse(const char *s, struct ip16 *out);
bool ip_is_v4(const struct ip16 *a);
/* "127.0.0.1" or "::1" (IPv4-mapped addresses printed as IPv4). */
void ip_format(const struct ip16 *a, char *buf, unsigned len);

/* The name of the internal range a holds ("loopback", "private",
 * "link-local", "CGNAT", "unspecified", "multicast", "reserved"), looking
 * through IPv4-mapped, IPv4-compatible, NAT64 (64:ff9b::/96) and 6to4
 * (2002::/16) forms; NULL for a public address. */
const char *ip_internal_range(const struct ip16 *a);

/* Parses an allow_ips entry. */
bool ip_net_parse(const char *s, struct ip_net *out);
/* Does the entry cover a:port? An entry without a port covers every port. */
bool ip_net_covers(const struct ip_net *n, const struct ip16 *a, int port);

#endif
