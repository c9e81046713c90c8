/* Landlock, the second wall: rights that mirror the mount plan, TCP connect
 * limited to the proxy port, TCP bind limited on the host's network (ABI >= 4),
 * signal and abstract-unix-socket scoping (ABI >= 6). Raw syscalls: Debian
 * has no library for it. */
#ifndef CAN_LANDLOCK_H
#define CAN_LANDLOCK_H

#include "sandbox/mount_plan.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The ABI version the kernel offers, or -errno (ENOSYS, EOPNOTSUPP: off). */
int landlock_abi(void);

/* What landlock_apply() enforced. */
struct ll_result {
	bool fs, net, scope;
};

/* The access rights handled for an ABI, and the rights one plan entry gets
 * (pure; unit-tested). `dir` = the path is a directory. */
uint64_t ll_handled_fs(int abi);
uint64_t ll_rights_for(const struct mnt_op *op, const char *dst, bool dir, int abi);

/* Restricts the calling thread (needs no_new_privs or CAP_SYS_ADMIN in its
 * user namespace). proxy_port 0 = no TCP connect at all. Runs after
 * pivot_root: paths are those inside the sandbox. Returns 0, or -1 with
 * "<what failed>: <ERRNAME>: <why>" in err. */
int landlock_apply(const struct mount_plan *pl, int abi, int proxy_port, struct ll_result *res,
		   char *err, size_t errlen);
/* The TCP rules (ABI >= 4). A list is 0-terminated; NULL is none. `any`
 * leaves that right unhandled: every port (egress = "direct" for connect,
 * docs/adr/0122). Bind to port 0 (an ephemeral port) is allowed only when
 * bind_ephemeral is set (docs/adr/0123). */
struct ll_net {
	bool connect_any;
	const int *connect;
	bool bind_any;
	bool bind_ephemeral;
	const int *bind;
};

/* Same, but with the TCP rules of net (NULL: connect to no port, bind
 * unrestricted, as landlock_apply does), and when exec_paths is not NULL
 * the execute right is granted only on those paths (files or folders,
 * symlinks followed) and on the dynamic loaders found in the usual places,
 * not on everything readable ([process] allow_execve, docs/adr/0071). */
int landlock_apply_exec(const struct mount_plan *pl, int abi, const struct ll_net *net,
			const char *const *exec_paths, size_t n_exec, struct ll_result *res, char *err,
			size_t errlen);

/* The handled net rights for net at abi (pure; unit-tested). */
uint64_t ll_handled_net(const struct ll_net *net, int abi);

/* The TCP bind rule of can run (pure; docs/adr/0123). In the sandbox's own
 * network namespace (host_network false) bind is free: a listener there is
 * reachable only from inside (the -p relay connects to published ports
 * only, pasta forwards none), and test servers on fixed ports must work.
 * On the host's network (the no-namespace mode) only the ports of
 * published (0-terminated, may be NULL) and port 0 may be bound. */
void ll_net_set_bind(struct ll_net *net, bool host_network, const int *published);

/* The TCP connect rule of can run (pure; docs/adr/0125). In the sandbox's
 * own network namespace (host_network false) any port: its loopback is
 * its own, and under egress none and proxy-only lo is all there is, so a
 * connect reaches only a listener inside (the proxy, the DNS stub's
 * transparent listener, the sandbox's own servers). On the host's network
 * (the no-namespace mode) no port: loopback there is the host's. */
void ll_net_set_connect(struct ll_net *net, bool host_network);

#endif
