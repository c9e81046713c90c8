/* `-p` spec parser (pure; see ports_spec.h). Accepted shapes:
 *   HOST:SANDBOX            127.0.0.1:HOST -> 127.0.0.1:SANDBOX inside
 *   IPV4:HOST:SANDBOX       e.g. 127.0.0.2:8080:80
 *   [IPV6]:HOST:SANDBOX     e.g. [::1]:8080:80
 * with an optional "/tcp". Ports are decimal 1..65535, no sign, no spaces. */
#include "sandbox/ports_spec.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static int port_of(const char *s, size_t n, uint16_t *out)
{
	if (n == 0 || n > 5)
		return -1;
	unsigned v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

static bool is_loopback(int family, const uint8_t *a)
{
	if (family == AF_INET)
		return a[0] == 127;
	static const uint8_t one[16] = { [15] = 1 };
	return memcmp(a, one, 16) == 0;
}

int port_spec_parse(const char *spec, bool any_addr, struct port_spec *out, char *err,
		    size_t errlen)
{
	*out = (struct port_spec){ .family = AF_INET, .addr = { 127, 0, 0, 1 } };
	char buf[128];
	size_t len = strlen(spec);
	if (len == 0 || len >= sizeof buf) {
		snprintf(err, errlen, "-p %.64s: expected [ip:]hostPort:sandboxPort[/tcp]", spec);
		return -1;
	}
	memcpy(buf, spec, len + 1);
	char *slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		if (strcmp(slash + 1, "udp") == 0) {
			snprintf(err, errlen, "-p %s: /udp is not supported (only TCP ports are "
				 "published)", spec);
			return -1;
		}
		if (strcmp(slash + 1, "tcp") != 0) {
			snprintf(err, errlen, "-p %s: unknown protocol '%s' (only /tcp)", spec,
				 slash + 1);
			return -1;
		}
	}
	char *ports = buf;
	bool addr_given = false;
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');
		if (!close || close[1] != ':') {
			snprintf(err, errlen, "-p %s: an IPv6 address is written [ADDR]:hostPort:"
				 "sandboxPort", spec);
			return -1;
		}
		*close = '\0';
		if (inet_pton(AF_INET6, buf + 1, out->addr) != 1) {
			snprintf(err, errlen, "-p %s: '%s' is not an IPv6 address", spec, buf + 1);
			return -1;
		}
		out->family = AF_INET6;
		addr_given = true;
		ports = close + 2;
	} else {
		char *first = strchr(buf, ':');
		char *last = strrchr(buf, ':');
		if (first && first != last) {
			*first = '\0';
			memset(out->addr, 0, sizeof out->addr);
			if (inet_pton(AF_INET, buf, out->addr) != 1) {
				snprintf(err, errlen, "-p %s: '%s' is not an IPv4 address (IPv6 goes in "
					 "brackets: [::1]:8080:80)", spec, buf);
				return -1;
			}
			addr_given = true;
			ports = first + 1;
		}
	}
	char *colon = strchr(ports, ':');
	if (!colon || strchr(colon + 1, ':')) {
		snprintf(err, errlen, "-p %s: expected [ip:]hostPort:sandboxPort[/tcp]", spec);
		return -1;
	}
	if (port_of(ports, (size_t)(colon - ports), &out->host_port) < 0 ||
	    port_of(colon + 1, strlen(colon + 1), &out->sandbox_port) < 0) {
		snprintf(err, errlen, "-p %s: a port is a number from 1 to 65535", spec);
		return -1;
	}
	inet_ntop(out->family, out->addr, out->addr_text, sizeof out->addr_text);
	out->loopback = is_loopback(out->family, out->addr);
	if (!out->loopback && !(addr_given && any_addr)) {
		snprintf(err, errlen, "-p %s: %s is not a loopback address; publishing a sandbox's "
			 "port beyond this machine needs --publish-any", spec, out->addr_text);
		return -1;
	}
	return 0;
}

int *port_specs_sandbox_ports(const struct port_spec *specs, size_t n)
{
	int *out = calloc(n + 1, sizeof *out);
	size_t k = 0;
	for (size_t i = 0; out && i < n; i++) {
		bool seen = false;
		for (size_t j = 0; j < k && !seen; j++)
			seen = out[j] == specs[i].sandbox_port;
		if (!seen)
			out[k++] = specs[i].sandbox_port;
	}
	return out;
}
