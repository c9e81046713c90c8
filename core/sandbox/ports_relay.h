/* `-p`'s relay (docs/adr/0120): one process outside the sandbox that keeps
 * the host listeners, joins the sandbox's user and network namespaces (so
 * the sockets it makes from then on are inside), and for each accepted
 * connection connects to 127.0.0.1:sandboxPort inside and copies both ways
 * through bounded buffers in one poll loop (no thread per connection). */
#ifndef CAN_PORTS_RELAY_H
#define CAN_PORTS_RELAY_H

#include "sandbox/ports_spec.h"

#include <sys/types.h>

/* Forks the relay for the sandbox whose init is init_pid; it takes the n
 * listening fds (closed in the caller on return). Returns the relay's pid,
 * or -1 with a message printed (nothing must run then). */
pid_t ports_relay_start(pid_t init_pid, const struct port_spec *specs, const int *fds, size_t n);

/* Ends the relay (SIGKILL, reaped). */
void ports_relay_stop(pid_t relay);

#endif
