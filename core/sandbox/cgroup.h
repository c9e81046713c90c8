/* cgroup v2 limits for `can run`: [resources] memory_mb and cpu_percent,
 * [process] max_pids, applied in a child cgroup of the user's own cgroup
 * when that one is delegated to the user (writable, controllers enabled). */
#ifndef CAN_CGROUP_H
#define CAN_CGROUP_H

#include "lang/policy.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct cgroup_run {
	char *dir; /* the sandbox's cgroup, NULL when none was made */
};

/* True when the policy asks for a limit only a cgroup enforces ([resources]). */
bool cgroup_wanted(const struct policy *p);
/* Makes the sandbox's cgroup and writes its limits. Returns 0, or -1 with
 * "<what failed>: <why>" in err (no delegated subtree, missing controller). */
int cgroup_prepare(const struct policy *p, struct cgroup_run *c, char *err, size_t errlen);
/* Moves pid (host pid) into it. */
int cgroup_attach(struct cgroup_run *c, pid_t pid, char *err, size_t errlen);
/* Removes the cgroup (after the sandbox ended). */
void cgroup_cleanup(struct cgroup_run *c);

#endif
