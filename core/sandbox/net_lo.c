/* lo up via rtnetlink (libnl-route-3): a fresh network namespace holds only
 * a down `lo`; bringing it up gives 127.0.0.1 and ::1 and nothing else. */
#include "sandbox/net_lo.h"

#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <stdio.h>

int net_lo_up(char *err, size_t errlen)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct rtnl_link *link = NULL, *change = NULL;
	int r;
	if (!sk) {
		snprintf(err, errlen, "netlink socket: out of memory");
		return -1;
	}
	if ((r = nl_connect(sk, NETLINK_ROUTE)) < 0) {
		snprintf(err, errlen, "netlink connect: %s", nl_geterror(r));
		goto out;
	}
	if ((r = rtnl_link_get_kernel(sk, 0, "lo", &link)) < 0) {
		snprintf(err, errlen, "find lo: %s", nl_geterror(r));
		goto out;
	}
	change = rtnl_link_alloc();
	if (!change) {
		r = -1;
		snprintf(err, errlen, "bring lo up: out of memory");
		goto out;
	}
	rtnl_link_set_flags(change, IFF_UP);
	if ((r = rtnl_link_change(sk, link, change, 0)) < 0)
		snprintf(err, errlen, "bring lo up: %s", nl_geterror(r));
out:
	if (change)
		rtnl_link_put(change);
	if (link)
		rtnl_link_put(link);
	nl_socket_free(sk);
	return r < 0 ? -1 : 0;
}
