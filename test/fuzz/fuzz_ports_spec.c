/* libFuzzer target for the -p spec parser (core/sandbox/ports_spec.c): any
 * bytes, with and without --publish-any. Accepted specs must be in range,
 * loopback unless allowed, and parse again to the same result from the
 * text the parser prints; refused ones must leave an "-p " error. */
#include "sandbox/ports_spec.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 200)
		return 0;
	char spec[201];
	memcpy(spec, data, size);
	spec[size] = '\0';
	for (int any = 0; any < 2; any++) {
		struct port_spec s;
		char err[256] = "";
		if (port_spec_parse(spec, any, &s, err, sizeof err) < 0) {
			if (strncmp(err, "-p ", 3) != 0)
				abort();
			continue;
		}
		if (s.host_port == 0 || s.sandbox_port == 0)
			abort();
		if (!any && !s.loopback)
			abort();
		if (s.family != AF_INET && s.family != AF_INET6)
			abort();
		char again[128];
		snprintf(again, sizeof again, s.family == AF_INET6 ? "[%s]:%u:%u" : "%s:%u:%u",
			 s.addr_text, s.host_port, s.sandbox_port);
		struct port_spec t;
		if (port_spec_parse(again, any, &t, err, sizeof err) < 0 ||
		    memcmp(s.addr, t.addr, sizeof s.addr) != 0 || s.host_port != t.host_port ||
		    s.sandbox_port != t.sandbox_port)
			abort();
	}
	return 0;
}
