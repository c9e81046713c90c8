/* Landlock, the second wall: rights that mirror the mount plan, TCP connect
 * limited to the proxy port (ABI >= 4), signal and abstract-unix-socket
 * scoping (ABI >= 6). Raw syscalls: Debian has no library for it. */
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
/* Same, but TCP connect is allowed to the ports of the 0-terminated list
 * (NULL: none), and when exec_paths is not NULL the execute right is
 * granted only on those paths (files or folders, symlinks followed) and on
 * the dynamic loaders found in the usual places, not on everything
 * readable ([process] allow_execve, docs/adr/0071). */
int landlock_apply_exec(const struct mount_plan *pl, int abi, const int *ports,
			const char *const *exec_paths, size_t n_exec, struct ll_result *res, char *err,
			size_t errlen);

#endif
