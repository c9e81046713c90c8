/* The mount plan: a pure function from the policy's [filesystem] lists and
 * the working directory to the ordered list of mount operations that build
 * the sandbox's root. No syscalls here (mount_exec.c performs the plan), so
 * every ordering and precedence rule is unit-tested without a kernel. */
#ifndef CAN_MOUNT_PLAN_H
#define CAN_MOUNT_PLAN_H

#include "lang/policy.h"

#include <stdbool.h>
#include <stddef.h>

enum mnt_kind {
	MNT_ROOT_TMPFS,   /* the new root: an empty tmpfs */
	MNT_TMPFS,        /* an empty writable tmpfs at dst (/tmp, /dev/shm) */
	MNT_DEV,          /* minimal /dev: tmpfs, device binds, devpts, shm, links */
	MNT_PROC,         /* fresh procfs, sensitive entries masked, /proc/sys ro */
	MNT_BIND_RO,      /* read-only bind of src at dst (nosuid, nodev) */
	MNT_BIND_RW,      /* writable bind of src at dst (nosuid, nodev) */
	MNT_HIDE,         /* deny: empty ro dir over a directory, empty ro file over a file */
	MNT_MASK,         /* mask: /dev/null (read-only) over dst */
};

/* Where a bind's source must exist. */
enum mnt_need {
	MNT_OPTIONAL,     /* missing source: skip silently (recipes list optional paths) */
	MNT_REQUIRED,     /* missing source: the run fails */
};

struct mnt_op {
	enum mnt_kind kind;
	enum mnt_need need;
	char *src;        /* host path (binds, hide, mask); NULL otherwise */
	char *dst;        /* path inside the sandbox */
	bool exec;        /* Landlock: execution allowed beneath dst */
	bool create;      /* a missing source folder is created: allow_write under $HOME
			   * (with its parents), or a protected cwd folder such as
			   * .git/hooks (read-only bind: only when its parent exists) */
	bool not_dir;     /* bound only when the source is not a directory: the
			   * `.git` file of a linked worktree or a submodule */
};

struct mount_plan {
	struct mnt_op *ops;
	size_t n, cap;
};

struct mount_fake {
	const char *src, *dst;
	bool exists;
};

/* Inputs beyond the policy. */
struct mount_plan_in {
	const struct policy *p;
	const char *cwd;  /* absolute, as getcwd() returns it; bound writable */
	const char *home; /* the user's home: missing allow_write folders beneath it
			   * are created (an empty cache folder a recipe asks for);
			   * NULL = never create */
	const char *ca_bundle; /* host file bound read-only over MOUNT_CA_BUNDLE_DST
				* (the egress proxy's CA bundle), or NULL */
	/* host files bound read-only over /etc/resolv.conf and /etc/hosts
	 * (the DNS stub's, resolv_overlay.h), or NULL */
	const char *resolv_conf, *hosts;
	/* Fake credentials (the DLP canaries, ADR 0148): host file or folder
	 * fakes[i].src bound read-only at fakes[i].dst, after deny and mask,
	 * so it stands where the real one is hidden. Planted where a mount
	 * point can be made without touching the host: dst exists on the host
	 * (fakes[i].exists, the real file the deny hides), or no host bind
	 * shows dst (it is made on the sandbox's own root). */
	const struct mount_fake *fakes;
	size_t nfakes;
};

/* Where the system trust store is, inside: the egress proxy's bundle
 * (system roots and the run's CA) is bound there. */
#define MOUNT_CA_BUNDLE_DST "/etc/ssl/certs/ca-certificates.crt"

/* Fills *out. Returns 0, or -1 with a one-line reason in err (a policy the
 * plan cannot honour: a relative path, "..", allow = ["/"], a denied cwd). */
int mount_plan_build(const struct mount_plan_in *in, struct mount_plan *out, char *err,
		     size_t errlen);
void mount_plan_free(struct mount_plan *pl);

/* Normalises an absolute path in place: collapses "//", drops "." and a
 * trailing "/". Returns false for a relative path or one with "..". */
bool mount_path_normalize(char *path);
/* True when `path` is `dir` or lies beneath it (component-wise). */
bool mount_path_under(const char *path, const char *dir);

/* The /proc entries masked with /dev/null (missing ones are skipped). */
extern const char *const mount_proc_masked[];
/* The /dev nodes bound from the host. */
extern const char *const mount_dev_nodes[];

#endif
