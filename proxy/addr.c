/* IP classification and allow_ips entries (see addr.h). */
#include "proxy/addr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void v4_into(struct ip16 *a, const uint8_t v4[4])
{
	memset(a, 0, sizeof(*a));
	a->b[10] = a->b[11] = 0xff;
	memcpy(a->b + 12, v4, 4);
}

/* Four decimal parts 0-255 without leading zeros: the only IPv4 spelling
 * accepted anywhere in the proxy. */
static bool parse_quad(const char *s, uint8_t out[4])
{
	for (int i = 0; i < 4; i++) {
		if (*s < '0' || *s > '9')
			return false;
		int v = 0, digits = 0;
		const char *start = s;
		while (*s >= '0' && *s <= '9') {
			v = v * 10 + (*s++ - '0');
			if (++digits > 3)
				return false;
		}
		if (v > 255 || (digits > 1 && *start == '0'))
			return false;
		out[i] = (uint8_t)v;
		if (i < 3 && *s++ != '.')
			return false;
	}
	return *s == '\0';
}

bool ip_parse(const char *s, struct ip16 *out)
{
	uint8_t v4[4];
	if (parse_quad(s, v4)) {
		v4_into(out, v4);
		return true;
	}
	if (!strchr(s, ':'))
		return false;
	struct in6_addr a6;
	if (inet_pton(AF_INET6, s, &a6) != 1)
		return false;
	memcpy(out->b, &a6, 16);
	return true;
}

bool ip_is_v4(const struct ip16 *a)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	return memcmp(a->b, mapped, 12) == 0;
}

void ip_format(const struct ip16 *a, char *buf, unsigned len)
{
	if (ip_is_v4(a))
		inet_ntop(AF_INET, a->b + 12, buf, len);
	else
		inet_ntop(AF_INET6, a->b, buf, len);
}

static const char *v4_range(const uint8_t *q)
{
	if (q[0] == 127)
		return "loopback";
	if (q[0] == 0)
		return "unspecified";
	if (q[0] == 10 || (q[0] == 172 && (q[1] & 0xf0) == 16) || (q[0] == 192 && q[1] == 168))
		return "private";
	if (q[0] == 169 && q[1] == 254)
		return "link-local"; /* and the cloud metadata address 169.254.169.254 */
	if (q[0] == 100 && (q[1] & 0xc0) == 64)
		return "CGNAT";
	if (q[0] >= 224)
		return q[0] < 240 ? "multicast" : "reserved";
	if ((q[0] == 192 && q[1] == 0 && q[2] == 0) || (q[0] == 198 && (q[1] & 0xfe) == 18))
		return "reserved";
	return NULL;
}

const char *ip_internal_range(const struct ip16 *a)
{
	const uint8_t *b = a->b;
	static const uint8_t zero[16];
	if (ip_is_v4(a))
		return v4_range(b + 12);
	if (memcmp(b, zero, 15) == 0)
		return b[15] == 1 ? "loopback" : b[15] == 0 ? "unspecified" : "reserved";
	if (memcmp(b, zero, 12) == 0)
		return v4_range(b + 12) ? v4_range(b + 12) : "reserved"; /* ::a.b.c.d, deprecated */
	static const uint8_t nat64[12] = { 0x00, 0x64, 0xff, 0x9b };
	if (memcmp(b, nat64, 12) == 0)
		return v4_range(b + 12);
	if (b[0] == 0x20 && b[1] == 0x02)
		return v4_range(b + 2); /* 6to4 embeds the IPv4 address in bits 16-47 */
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return "link-local";
	if ((b[0] & 0xfe) == 0xfc)
		return "private"; /* unique local, with AWS's metadata fd00:ec2::254 */
	if (b[0] == 0xff)
		return "multicast";
	return NULL;
}

bool ip_net_parse(const char *s, struct ip_net *out)
{
	char buf[80];
	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	memset(out, 0, sizeof(*out));
	char *addr = buf, *port = NULL, *slash;
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');
		if (!close)
			return false;
		*close = '\0';
		addr = buf + 1;
		if (close[1] == ':')
			port = close + 2;
		else if (close[1])
			return false;
	} else if (strchr(buf, '.') && strchr(buf, ':')) {
		port = strrchr(buf, ':');
		*port++ = '\0';
	}
	if (port) {
		char *end;
		long p = strtol(port, &end, 10);
		if (*port == '\0' || *end || p < 1 || p > 65535)
			return false;
		out->port = (int)p;
	}
	int prefix = -1;
	if ((slash = strchr(addr, '/'))) {
		*slash = '\0';
		char *end;
		long p = strtol(slash + 1, &end, 10);
		if (slash[1] == '\0' || *end || p < 0)
			return false;
		prefix = (int)p;
	}
	if (!ip_parse(addr, &out->addr))
		return false;
	int max = ip_is_v4(&out->addr) ? 32 : 128;
	if (prefix > max)
		return false;
	if (prefix < 0)
		prefix = max;
	out->prefix = ip_is_v4(&out->addr) ? prefix + 96 : prefix;
	return true;
}

bool ip_net_covers(const struct ip_net *n, const struct ip16 *a, int port)
{
	if (n->port && n->port != port)
		return false;
	int bits = n->prefix;
	for (int i = 0; bits > 0; i++, bits -= 8) {
		uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));
		if ((n->addr.b[i] & mask) != (a->b[i] & mask))
			return false;
	}
	return true;
}
