/* The session proxy's registry of clients (docs/adr/0261), pure: which
 * policies a connection from 127.0.0.1:PORT is held to. The engine's
 * emulated connect of a layered process records its socket's bound port
 * before it connects; the proxy's accept takes the record (consumed: a
 * later socket on the same port gets nothing). No locking here: the
 * supervisor holds its lock around each call (session_proxy.c). */
#ifndef CAN_SHELL_PROXY_TAGS_H
#define CAN_SHELL_PROXY_TAGS_H

#include "proxy/proxy.h"

#include <stdbool.h>
#include <stdint.h>

/* Records waiting for their accept. A tagged connect that fails leaves
 * one behind: when the table is full, the oldest record goes. */
#define PROXY_TAGS_MAX 256

struct proxy_tag {
	uint16_t port;           /* 0: a free slot */
	uint64_t seq;            /* when recorded (order only) */
	struct policy_set set;
};

struct proxy_tags {
	struct proxy_tag v[PROXY_TAGS_MAX];
	uint64_t seq;
	uint64_t evicted;        /* records dropped unaccepted to make room */
};

void proxy_tags_init(struct proxy_tags *t);
/* Records port -> set (a copy; the policies are not owned). A record of
 * the same port is replaced: the port's previous socket is closed, or the
 * bind that gave it out again would have failed. False for port 0 or an
 * empty set (nothing recorded). */
bool proxy_tags_record(struct proxy_tags *t, uint16_t port, const struct policy_set *set);
/* Takes the record of port into *out and removes it. False when there is
 * none. */
bool proxy_tags_take(struct proxy_tags *t, uint16_t port, struct policy_set *out);
/* Records waiting. */
unsigned proxy_tags_count(const struct proxy_tags *t);

#endif
