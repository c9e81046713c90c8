/* `-p`: the host side of published ports (syscalls; the spec is ports_spec.h). */
#ifndef CAN_PORTS_H
#define CAN_PORTS_H

#include "sandbox/ports_spec.h"

/* Binds and listens on each spec's host address and port, before anything
 * runs. Returns 0 with n listening fds in fds, or CAN_EXIT_WALL with
 * "can: -p PORT: bind ADDR:PORT: ERRNO" printed and nothing left open. */
int ports_listen_host(const struct port_spec *specs, size_t n, int *fds);

#endif
