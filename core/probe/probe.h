/* Probes: what this machine and this user can really do, found by trying it.
 *
 * Every probe runs in a forked child (so a refused or half-applied setting
 * such as a seccomp filter, a Landlock domain or a namespace never touches
 * the caller), reports a small struct back through a pipe, and _exit()s with
 * a code. A probe that hangs is killed after a timeout and reported as failed,
 * so callers can rely on an answer. `can check` runs them all in parallel;
 * `can run` calls the single probes below to decide fail-closed behaviour.
 *
 * Results are plain structs so the report (check_report.c) is a pure
 * function of them and can be unit-tested with hand-made values. */
#ifndef CAN_PROBE_H
#define CAN_PROBE_H

#include <stdbool.h>
#include <sys/types.h>

/* One tried fact. */
struct probe_res {
	bool ok;        /* it worked, end to end */
	bool tried;     /* false: not attempted (a prerequisite failed, timed out) */
	int err;        /* errno of the step that failed; 0 when ok or not tried */
	char step[48];  /* the failing step ("write uid_map"), or a short note */
};

/* The namespaces `can run` creates inside its user namespace. */
enum probe_ns {
	PROBE_NS_MOUNT,
	PROBE_NS_PID,
	PROBE_NS_NET,
	PROBE_NS_IPC,
	PROBE_NS_UTS,
	PROBE_NS_CGROUP,
	PROBE_NS_COUNT
};

struct probe_namespaces {
	struct probe_res userns;           /* unshare(CLONE_NEWUSER) + setgroups deny + uid/gid maps */
	struct probe_res ns[PROBE_NS_COUNT]; /* each unshared inside it and used once */
	struct probe_res overlay;          /* mount -t overlay on tmpfs dirs, inside it */
	bool overlay_userxattr;            /* overlay needed the userxattr option */
};

/* Seccomp and each user-notification feature the supervisor uses. */
struct probe_seccomp {
	struct probe_res filter;           /* no_new_privs + a filter that changes a result */
	struct probe_res listener;         /* SECCOMP_FILTER_FLAG_NEW_LISTENER */
	struct probe_res cont;             /* SECCOMP_USER_NOTIF_FLAG_CONTINUE (5.5) */
	struct probe_res addfd;            /* SECCOMP_IOCTL_NOTIF_ADDFD (5.9) */
	struct probe_res addfd_send;       /* SECCOMP_ADDFD_FLAG_SEND (5.14) */
	struct probe_res wait_killable;    /* SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (5.19) */
	struct probe_res sync_wakeup;      /* SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (6.6) */
};

struct probe_landlock {
	int abi;                 /* >0: ABI version; 0: unavailable (see err) */
	int err;                 /* errno of landlock_create_ruleset(VERSION) */
	int errata;              /* LANDLOCK_CREATE_RULESET_ERRATA bitmask, -1 when unknown */
	struct probe_res fs;     /* restrict_self, then a read of / is refused */
	struct probe_res net;    /* ABI >= 4: a TCP connect is refused */
	struct probe_res scope;  /* ABI >= 6: a signal to a process outside is refused */
};

struct cgroup_delegation {
	bool v2_mounted;         /* a cgroup2 filesystem is mounted */
	bool v1_mounted;         /* some v1 hierarchy is mounted (hybrid or legacy) */
	char mount[256];         /* where cgroup2 is mounted ("/sys/fs/cgroup") */
	char v1_controllers[128];/* controllers bound to v1 hierarchies ("cpu,memory,pids") */
	char cgroup[512];        /* this process's v2 cgroup ("/user.slice/...") */
	char dir[800];           /* mount + cgroup */
	char controllers[128];   /* cgroup.controllers of dir (what children may get) */
	bool owned;              /* dir belongs to this uid */
	bool procs_writable;     /* cgroup.procs writable */
	bool subtree_writable;   /* cgroup.subtree_control writable */
	struct probe_res mkdir;  /* a child cgroup could be created (and was removed) */
	bool has_memory, has_cpu, has_pids;
	bool delegated;          /* mkdir worked and memory, cpu and pids are available */
};

struct probe_tool {
	bool found;
	char path[256];
	char version[80];        /* first line of `--version`, trimmed */
	int err;                 /* why it could not run, when found but failing */
};

/* sysctls that decide unprivileged user namespaces and ptrace; -1 = absent. */
struct probe_sysctls {
	int unprivileged_userns_clone;       /* Debian: kernel.unprivileged_userns_clone */
	int max_user_namespaces;             /* user.max_user_namespaces */
	int apparmor_restrict_userns;        /* kernel.apparmor_restrict_unprivileged_userns */
	int ptrace_scope;                    /* kernel.yama.ptrace_scope */
};

struct probe_results {
	char kernel[65];          /* uname -r */
	char machine[65];         /* uname -m */
	uid_t uid;
	struct probe_namespaces ns;
	struct probe_seccomp seccomp;
	struct probe_landlock landlock;
	struct cgroup_delegation cgroup;
	struct probe_sysctls sysctl;
	struct probe_res ptrace;  /* process_vm_readv of a child's memory */
	struct probe_res pidfd_open;
	struct probe_res pidfd_getfd;
	struct probe_res openat2; /* openat2 with RESOLVE_NO_MAGICLINKS */
	struct probe_tool pasta;
	struct probe_tool slirp4netns;
};

/* Runs every probe, in parallel, each in its own child with a timeout. */
void probe_all(struct probe_results *out);

/* ---- single probes for `can run` (each forks; each is bounded in time) ---- */

/* Landlock ABI version (>0), or -errno (-ENOSYS: not built in, -EOPNOTSUPP:
 * disabled at boot). */
int probe_landlock_abi(void);
/* The ABI plus real enforcement checks. */
struct probe_landlock probe_landlock(void);
/* An unprivileged user namespace with our own uid/gid mapped; *out (may be
 * NULL) gets the failing step. */
bool probe_userns(struct probe_res *out);
/* User namespace, every namespace inside it, and overlayfs. */
struct probe_namespaces probe_namespaces(void);
struct probe_seccomp probe_seccomp(void);
bool probe_seccomp_sync_wakeup(void);
bool probe_seccomp_wait_killable(void);
/* Reads /proc and cgroupfs; mkdir+rmdir of a child cgroup in a child process. */
struct cgroup_delegation probe_cgroup_delegation(void);
struct probe_sysctls probe_sysctls(void);

/* ---- pure helpers (unit-tested) ---- */

/* The v2 cgroup path from /proc/self/cgroup text ("0::/a/b"); false when
 * there is none. */
bool cgroup_parse_self(const char *text, char *path, size_t size);
/* From /proc/self/mountinfo text: the cgroup2 mount point and its root, and
 * the controllers of v1 hierarchies (comma-joined). */
void cgroup_parse_mountinfo(const char *text, struct cgroup_delegation *cg, char *root, size_t root_size);
/* Fills has_memory/has_cpu/has_pids from a cgroup.controllers line. */
void cgroup_parse_controllers(struct cgroup_delegation *cg, const char *line);

/* Fills a probe_res as failed at STEP with ERR (tried = true). */
void probe_fail(struct probe_res *r, const char *step, int err);
/* Fills a probe_res as working, with an optional note. */
void probe_pass(struct probe_res *r, const char *note);
/* Marks as not tried, with a reason. */
void probe_skip(struct probe_res *r, const char *why);

#endif
