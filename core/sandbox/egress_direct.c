/* egress = "direct" (egress_direct.h): pure decisions. Nothing here runs a
 * process; egress_pasta.c does, with what these return. */
#include "sandbox/egress_direct.h"
#include "util/util.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

bool egress_direct_find(const char *path, const char *name, char *out, size_t outlen)
{
	const char *p = path;
	while (p && *p) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char full[PATH_MAX];
		if (n > 0 && n + strlen(name) + 2 <= sizeof full) {
			int w = snprintf(full, sizeof full, "%.*s/%s", (int)n, p, name);
			if (w > 0 && (size_t)w < sizeof full && (size_t)w < outlen &&
			    access(full, X_OK) == 0) {
				memcpy(out, full, (size_t)w + 1);
				return true;
			}
		}
		p = end ? end + 1 : NULL;
	}
	return false;
}

int egress_direct_tool(const char *path, char *out, size_t outlen)
{
	if (egress_direct_find(path, "pasta", out, outlen))
		return 0;
	char other[PATH_MAX];
	if (egress_direct_find(path, "slirp4netns", other, sizeof other))
		can_warn("network: egress = \"direct\" needs pasta for an unfiltered uplink (Debian: "
			 "apt-get install passt); %s is installed, but slirp4netns is not supported "
			 "(docs/adr/0122); nothing runs", other);
	else
		can_warn("network: egress = \"direct\" needs pasta for an unfiltered uplink, and it is "
			 "not installed (Debian: apt-get install passt); nothing runs");
	return CAN_EXIT_WALL;
}

/* Private /24s, most of them unusual on a LAN; 10.0.2.0/24 first because
 * it is what slirp4netns and QEMU users know. */
static const uint8_t candidates[][3] = {
	{ 10, 0, 2 }, { 10, 213, 77 }, { 172, 30, 213 }, { 192, 168, 213 },
};

int egress_direct_pick_net(const uint32_t *host, size_t n, struct direct_net *out)
{
	for (size_t c = 0; c < ARRAY_LEN(candidates); c++) {
		uint32_t net = (uint32_t)candidates[c][0] << 24 | (uint32_t)candidates[c][1] << 16 |
			       (uint32_t)candidates[c][2] << 8;
		bool clash = false;
		for (size_t i = 0; i < n && !clash; i++)
			clash = (ntohl(host[i]) & 0xffffff00u) == net;
		if (clash)
			continue;
		snprintf(out->addr, sizeof out->addr, "%u.%u.%u.100", candidates[c][0],
			 candidates[c][1], candidates[c][2]);
		snprintf(out->gw, sizeof out->gw, "%u.%u.%u.2", candidates[c][0], candidates[c][1],
			 candidates[c][2]);
		snprintf(out->dns, sizeof out->dns, "%u.%u.%u.3", candidates[c][0], candidates[c][1],
			 candidates[c][2]);
		out->prefix = 24;
		return 0;
	}
	return -1;
}

size_t egress_direct_pasta_argv(const char *pasta, const struct direct_net *net, pid_t target_pid,
				const char *ready_path, struct direct_argv_bufs *bufs,
				const char **argv, size_t cap)
{
	snprintf(bufs->pid, sizeof bufs->pid, "%d", (int)target_pid);
	snprintf(bufs->prefix, sizeof bufs->prefix, "%d", net->prefix);
	const char *const v[] = {
		pasta,
		"--foreground", /* our child: killed and reaped when the run ends */
		"--quiet", "--stderr",
		"--config-net", /* the interface, its address and routes, lo up */
		"--ipv4-only",
		"--address", net->addr, "--netmask", bufs->prefix, "--gateway", net->gw,
		/* DNS to this address goes to the host's first resolver, from
		 * the host: a loopback resolver works too (ADR 0124). */
		"--dns-forward", net->dns,
		/* Without this the gateway address is the host's loopback. */
		"--no-map-gw",
		/* Nothing forwarded from the host in, nor from the sandbox's
		 * loopback out to the host's (pasta's default is "auto"). */
		"--tcp-ports", "none", "--udp-ports", "none",
		"--tcp-ns", "none", "--udp-ns", "none",
		"--pid", ready_path,
		bufs->pid,
	};
	if (ARRAY_LEN(v) + 1 > cap)
		return 0;
	for (size_t i = 0; i < ARRAY_LEN(v); i++)
		argv[i] = v[i];
	argv[ARRAY_LEN(v)] = NULL;
	return ARRAY_LEN(v);
}
