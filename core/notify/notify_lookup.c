/* Lookups observed under monitor mode (can run -m, ADR 0072): the stat
 * family, access and readlink. A program that looks up a path the
 * sandbox's view does not show gets ENOENT from the kernel; `can run -m`
 * reports such paths (when the host has them) so the recipe can allow them.
 *
 * Nothing is decided here: every call is answered CONTINUE, so the kernel
 * performs it on the target's own arguments. That is sound only because
 * monitor mode enforces nothing through the engine (the mount view and
 * Landlock still apply, race-free); in enforce mode these calls are never
 * trapped. A target that swaps the path between our look and the kernel's
 * can only make the report wrong, never widen what it may do. */
#include "notify/notify_int.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_faccessat2
#define SYS_faccessat2 439
#endif

static const int lookups[] = {
	SYS_stat, SYS_lstat, SYS_newfstatat, SYS_statx, SYS_access, SYS_faccessat,
	SYS_faccessat2, SYS_readlink, SYS_readlinkat,
};

const int *notify_lookup_syscalls(size_t *n)
{
	*n = ARRAY_LEN(lookups);
	return lookups;
}

bool notify_is_lookup(int nr)
{
	for (size_t i = 0; i < ARRAY_LEN(lookups); i++)
		if (lookups[i] == nr)
			return true;
	return false;
}

void notify_handle_lookup(struct notify_req *q)
{
	q->answer = ANSWER_CONTINUE;
	const struct notify_config *c = notify_req_config(q);
	if (notify_req_mode(q) != NOTIFY_MONITOR || !c->on_missing)
		return;
	const __u64 *a = q->n->data.args;
	__u64 paddr;
	switch (q->n->data.nr) {
	case SYS_stat:
	case SYS_lstat:
	case SYS_access:
	case SYS_readlink:
		paddr = a[0];
		break;
	default: /* the *at forms: (dirfd, path, ...) */
		paddr = a[1];
		break;
	}
	char path[PATH_MAX];
	if (notify_mem_read_string(q->pid, paddr, path, sizeof(path)) < 0 || path[0] != '/')
		return; /* relative lookups are left out: their base is the target's state */
	/* Does the name exist in the target's view? O_NOFOLLOW: a symlink
	 * that is there counts as there, as for lstat and readlink. */
	int fd = notify_resolve(q, AT_FDCWD, path, O_PATH | O_NOFOLLOW, 0);
	q->canon_fd = -1;
	if (fd >= 0) {
		close(fd);
		return;
	}
	if (fd == -ENOENT && notify_req_valid(q))
		c->on_missing(q->pid, path, c->ctx);
}
