/* `-p [ip:]hostPort:sandboxPort[/tcp]`: the published-port spec (pure).
 * The host side listens on loopback unless the address is spelled out and
 * the caller allows any address (--publish-any, docs/adr/0120). */
#ifndef CAN_PORTS_SPEC_H
#define CAN_PORTS_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct port_spec {
	int family;          /* AF_INET or AF_INET6 */
	uint8_t addr[16];    /* the host address, network order (4 bytes used for AF_INET) */
	char addr_text[46];  /* as printed in errors: 127.0.0.1, ::1 */
	uint16_t host_port;  /* 1..65535 */
	uint16_t sandbox_port;
	bool loopback;       /* the host address is in 127.0.0.0/8 or ::1 */
};

/* Parses one spec. A non-loopback host address is refused unless any_addr.
 * Returns 0, or -1 with "-p SPEC: why" in err. */
int port_spec_parse(const char *spec, bool any_addr, struct port_spec *out, char *err,
		    size_t errlen);

/* The sandbox ports of n specs, each once, 0-terminated, in a new array
 * the caller frees: the only fixed ports a process inside may bind
 * (docs/adr/0123). NULL when out of memory (then no fixed port is). */
int *port_specs_sandbox_ports(const struct port_spec *specs, size_t n);

#endif
