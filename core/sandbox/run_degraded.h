/* `can run --allow-degraded=userns`: the command without any namespace
 * (docs/adr/0240). The filesystem view becomes Landlock rules over the real
 * root, derived from the same mount plan; what Landlock cannot express (a
 * deny inside an allowed tree, the project's own files kept read-only
 * inside the writable working directory) is enforced by the notification
 * supervisor, which then emulates every open and path change; seccomp also
 * refuses IP and unix sockets and SysV IPC (sc_options.host_shared).
 *
 * degraded_plan_* and degraded_losses_* are pure (test/test_run_degraded.c);
 * the rest performs syscalls. */
#ifndef CAN_RUN_DEGRADED_H
#define CAN_RUN_DEGRADED_H

#include "notify/notify_decide.h"
#include "sandbox/mount_plan.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct degraded_plan {
	/* Landlock rules over the real root: only MNT_BIND_RO and MNT_BIND_RW
	 * ops, dst = the host path (landlock_apply_exec reads these). */
	struct mount_plan ll;
	/* deny and mask paths inside a granted tree: the supervisor refuses them. */
	char **hide;
	size_t nhide;
	/* Read-only carve-outs inside writable trees (cwd/.git/hooks, .envrc...). */
	char **readonly;
	size_t nreadonly;
	/* Read-only only when, at the start, it is there and no folder: the
	 * `.git` file of a linked worktree (a .git folder stays writable). */
	char **readonly_file;
	size_t nreadonly_file;
};

/* From the full mode's plan: /tmp becomes tmpdir (writable, a private
 * folder on the host), /dev the device nodes of mount_dev_nodes (read and
 * write, no listing of /dev), /proc read-only (its masked entries go to
 * hide), binds keep their paths and rights, the tmpfs root grants nothing
 * (no listing of /). Returns 0, or -1 with the reason in err. */
int degraded_plan_build(const struct mount_plan *full, const char *tmpdir,
			struct degraded_plan *out, char *err, size_t errlen);
void degraded_plan_free(struct degraded_plan *dp);

/* What the run loses compared to the full sandbox. */
struct degraded_losses_in {
	const char *why;       /* why user namespaces fail ("clone: ENOSPC: ...") */
	int landlock_abi;
	const char *tmpdir;
	const char *egress;    /* the policy's egress mode ("none", "proxy-only") */
	bool cgroups;          /* [resources] limits are applied (delegated cgroup) */
	size_t nhide, nreadonly;
};
/* Prints "can: warning: userns: ..." and one "  - " line per loss. */
void degraded_losses_print(FILE *out, const struct degraded_losses_in *in);

/* The notification rules for the no-namespace mode, added to r: the same
 * allow-list as Landlock's, the plan's hide paths and /proc's masked
 * entries denied, its read-only carve-outs that exist (or whose folder
 * exists) read-only, abstract unix names refused. The mount plan is
 * rebuilt from p and cwd. Returns 0, or -1 with the reason in err. */
int degraded_notify_rules(struct notify_rules *r, const struct policy *p, const char *cwd,
			  const char *tmpdir, char *err, size_t errlen);

/* Makes the private TMPDIR (0700) under the host's $TMPDIR or /tmp.
 * Returns a new string, or NULL with the reason in err. */
char *degraded_tmpdir_make(char *err, size_t errlen);
/* Removes it and everything in it (no symlink is followed). */
void degraded_tmpdir_remove(const char *dir);
/* Checks what the plan needs on the host and creates the allow_write
 * folders it may create (as mount_exec does for the full mode). Returns 0,
 * or -1 with the reason in err. */
int degraded_prepare(const struct degraded_plan *dp, char *err, size_t errlen);
/* Puts the calling process (can, the supervisor; single-threaded) in a
 * Landlock domain of its own, so that what it opens for the sandbox cannot
 * be another process's /proc entries (docs/adr/0240). Returns 0, or -1 with
 * the reason in err. */
int degraded_confine_supervisor(char *err, size_t errlen);
/* Kills and reaps every child of the calling process (a subreaper) that
 * is left: what the command left running. Returns how many. */
int degraded_kill_leftovers(void);

#endif
