/* Host-name lookups off the event loop: a small pool of threads runs
 * getaddrinfo (on the host, once per request) and posts each result back;
 * the loop learns of results through an eventfd in its epoll set, so a
 * slow resolver delays only the connections waiting for it. */
#ifndef CAN_PROXY_RESOLVE_H
#define CAN_PROXY_RESOLVE_H

#include "proxy/addr.h"

#include <stddef.h>
#include <stdint.h>

#define RESOLVE_MAX_ADDRS 16

struct resolve_result {
	uint64_t id;        /* what resolver_submit was given */
	int rc;             /* 0, or a getaddrinfo error (EAI_*) */
	size_t n;
	struct ip16 addrs[RESOLVE_MAX_ADDRS];
};

struct resolver;

/* NULL when the threads or the eventfd cannot be made (errno set). */
struct resolver *resolver_new(int threads);
/* Readable (in epoll) when results wait. */
int resolver_fd(const struct resolver *r);
void resolver_submit(struct resolver *r, uint64_t id, const char *host);
/* Pops one result; 0 when there is none. Clears the eventfd first. */
int resolver_take(struct resolver *r, struct resolve_result *out);
/* Stops the threads (lookups in progress finish first) and frees. */
void resolver_free(struct resolver *r);

#endif
