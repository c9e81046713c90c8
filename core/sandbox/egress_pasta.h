/* The pasta process of egress = "direct" (docs/adr/0122): started by the
 * supervisor after the clone, while init is held, attached to init's user
 * and network namespaces; killed and reaped when the run ends. */
#ifndef CAN_EGRESS_PASTA_H
#define CAN_EGRESS_PASTA_H

#include <sys/types.h>

struct pasta_run {
	pid_t pid;  /* -1: none */
	char dir[64]; /* the private folder of its readiness FIFO and log */
};

#include "sandbox/egress_direct.h"

/* The sandbox's address block, around this host's IPv4 addresses
 * (getifaddrs). Returns 0, or -1 with one line printed. */
int egress_pasta_pick_net(struct direct_net *net);

/* Starts pasta (its full path) for the sandbox whose init is init_pid and
 * waits until it has configured the interface. Returns 0, or -1 with one
 * line printed (pasta exited, or never said it was ready): nothing may run
 * then. */
int egress_pasta_start(const char *pasta, const struct direct_net *net, pid_t init_pid,
		       struct pasta_run *pr);

/* Kills (SIGKILL) and reaps pasta; removes its folder. Safe on a
 * pasta_run that never started. */
void egress_pasta_stop(struct pasta_run *pr);

#endif
