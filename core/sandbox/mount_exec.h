/* Performs a mount plan in the sandbox's fresh mount namespace and pivots
 * into the new root. Runs in the sandbox's init before anything else. */
#ifndef CAN_MOUNT_EXEC_H
#define CAN_MOUNT_EXEC_H

#include "sandbox/mount_plan.h"

#include <stddef.h>

/* Returns 0 (now inside the new root, cwd "/"), or -1 with
 * "<what failed>: <ERRNAME>: <why>" in err. */
int mount_exec(const struct mount_plan *pl, char *err, size_t errlen);

#endif
