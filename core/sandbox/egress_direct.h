/* egress = "direct": the loud opt-out to an unfiltered uplink through pasta
 * (docs/adr/0121, 0122). The pure decisions: which tool, which address
 * block, which pasta command line. The process is egress_pasta.h. */
#ifndef CAN_EGRESS_DIRECT_H
#define CAN_EGRESS_DIRECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The full path of name found in the PATH value path (pure but for
 * access(2)), written to out; false when it is not there. */
bool egress_direct_find(const char *path, const char *name, char *out, size_t outlen);

/* Looks for pasta in path (out: its full path). Returns 0, or prints why
 * a run with egress = "direct" cannot go on (what to install; slirp4netns
 * is refused by name, ADR 0122) and returns CAN_EXIT_WALL. */
int egress_direct_tool(const char *path, char *out, size_t outlen);

/* The sandbox's side of the uplink: its address and gateway (dotted) in
 * a /24 that holds none of the host's IPv4 addresses, so the host's own
 * non-loopback addresses are reached through pasta like any other. */
struct direct_net {
	char addr[16], gw[16];
	char dns[16]; /* pasta forwards DNS sent here to the host's resolver */
	int prefix;
};

/* Picks the first candidate /24 that none of the n host addresses (network
 * byte order) is in. Returns 0, or -1 when every candidate collides. */
int egress_direct_pick_net(const uint32_t *host, size_t n, struct direct_net *out);

/* pasta's argument vector: attached to target_pid's user and network
 * namespaces, in the foreground, its pid written to ready_path once the
 * interface is configured, no port forwarded either way (-t/-u/-T/-U
 * none), the gateway NOT mapped to the host's loopback (--no-map-gw),
 * DNS to net->dns forwarded to the host's resolver, IPv4 only. Strings point into bufs (kept by the caller). Returns argc
 * (argv NULL-terminated), or 0 when cap is too small. */
struct direct_argv_bufs {
	char pid[16], prefix[8];
};
size_t egress_direct_pasta_argv(const char *pasta, const struct direct_net *net, pid_t target_pid,
				const char *ready_path, struct direct_argv_bufs *bufs,
				const char **argv, size_t cap);

#endif
