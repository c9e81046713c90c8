/* Kernel interfaces newer than Debian 12's headers (linux-libc-dev 6.1,
 * glibc 2.36). can runs on newer kernels than it is built against, so the
 * constants and structs it needs are defined here, each guarded so a newer
 * header wins. Values are the kernel's ABI (they never change once released).
 *
 * Where a newer header would define a name as an enum constant or a struct
 * (which #ifndef cannot detect), this file uses a can_/CAN_ prefix instead of
 * the kernel's name, so it never collides. */
#ifndef CAN_KERNEL_COMPAT_H
#define CAN_KERNEL_COMPAT_H

#include <stdint.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/types.h>
#include <linux/seccomp.h>
#include <linux/landlock.h>

/* ---- syscall numbers (unified across architectures since 424) ---- */
#ifndef __NR_pidfd_send_signal
#define __NR_pidfd_send_signal 424
#endif
#ifndef __NR_open_tree
#define __NR_open_tree 428
#endif
#ifndef __NR_move_mount
#define __NR_move_mount 429
#endif
#ifndef __NR_fsopen
#define __NR_fsopen 430
#endif
#ifndef __NR_fsconfig
#define __NR_fsconfig 431
#endif
#ifndef __NR_fsmount
#define __NR_fsmount 432
#endif
#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif
#ifndef __NR_clone3
#define __NR_clone3 435
#endif
#ifndef __NR_close_range
#define __NR_close_range 436
#endif
#ifndef __NR_openat2
#define __NR_openat2 437
#endif
#ifndef __NR_pidfd_getfd
#define __NR_pidfd_getfd 438
#endif
#ifndef __NR_mount_setattr
#define __NR_mount_setattr 442
#endif
#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#endif
#ifndef __NR_landlock_add_rule
#define __NR_landlock_add_rule 445
#endif
#ifndef __NR_landlock_restrict_self
#define __NR_landlock_restrict_self 446
#endif

/* ---- namespaces ---- */
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK 04000 /* O_NONBLOCK */
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* ---- seccomp ---- */
#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
/* 5.19: a notified task waits killably once the supervisor has received it. */
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#ifndef SECCOMP_RET_USER_NOTIF
#define SECCOMP_RET_USER_NOTIF 0x7fc00000U
#endif
#ifndef SECCOMP_USER_NOTIF_FLAG_CONTINUE
#define SECCOMP_USER_NOTIF_FLAG_CONTINUE (1UL << 0)
#endif
#ifndef SECCOMP_ADDFD_FLAG_SETFD
#define SECCOMP_ADDFD_FLAG_SETFD (1UL << 0)
#endif
/* 5.14: install the fd and answer the notification with it, atomically. */
#ifndef SECCOMP_ADDFD_FLAG_SEND
#define SECCOMP_ADDFD_FLAG_SEND (1UL << 1)
#endif
#ifndef SECCOMP_IOC_MAGIC
#define SECCOMP_IOC_MAGIC '!'
#endif
#ifndef SECCOMP_IOW
#define SECCOMP_IOW(nr, type) _IOW(SECCOMP_IOC_MAGIC, nr, type)
#endif
#ifndef SECCOMP_IOCTL_NOTIF_ADDFD
#define SECCOMP_IOCTL_NOTIF_ADDFD SECCOMP_IOW(3, struct seccomp_notif_addfd)
#endif
/* 6.6: the supervisor asks the kernel to wake it synchronously (on the same
 * CPU as the notifying task), which cuts notification round-trip latency. */
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

/* ---- Landlock ---- */
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif
#ifndef LANDLOCK_CREATE_RULESET_ERRATA
#define LANDLOCK_CREATE_RULESET_ERRATA (1U << 1)
#endif
/* Filesystem rights, with the ABI version that introduced them. */
#ifndef LANDLOCK_ACCESS_FS_EXECUTE
#define LANDLOCK_ACCESS_FS_EXECUTE (1ULL << 0)       /* ABI 1 */
#define LANDLOCK_ACCESS_FS_WRITE_FILE (1ULL << 1)    /* ABI 1 */
#define LANDLOCK_ACCESS_FS_READ_FILE (1ULL << 2)     /* ABI 1 */
#define LANDLOCK_ACCESS_FS_READ_DIR (1ULL << 3)      /* ABI 1 */
#define LANDLOCK_ACCESS_FS_REMOVE_DIR (1ULL << 4)    /* ABI 1 */
#define LANDLOCK_ACCESS_FS_REMOVE_FILE (1ULL << 5)   /* ABI 1 */
#define LANDLOCK_ACCESS_FS_MAKE_CHAR (1ULL << 6)     /* ABI 1 */
#define LANDLOCK_ACCESS_FS_MAKE_DIR (1ULL << 7)      /* ABI 1 */
#define LANDLOCK_ACCESS_FS_MAKE_REG (1ULL << 8)      /* ABI 1 */
#define LANDLOCK_ACCESS_FS_MAKE_SOCK (1ULL << 9)     /* ABI 1 */
#define LANDLOCK_ACCESS_FS_MAKE_FIFO (1ULL << 10)    /* ABI 1 */
#define LANDLOCK_ACCESS_FS_MAKE_BLOCK (1ULL << 11)   /* ABI 1 */
#define LANDLOCK_ACCESS_FS_MAKE_SYM (1ULL << 12)     /* ABI 1 */
#endif
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)        /* ABI 2 */
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)     /* ABI 3 */
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)    /* ABI 5 */
#endif
/* Network rights (ABI 4). */
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)
#endif
#ifndef LANDLOCK_ACCESS_NET_CONNECT_TCP
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#endif
/* IPC scoping (ABI 6). */
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#endif
#ifndef LANDLOCK_SCOPE_SIGNAL
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif
/* landlock_restrict_self() flags (ABI 7): audit logging control. */
#ifndef LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF
#define LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF (1U << 0)
#endif
#ifndef LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON
#define LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON (1U << 1)
#endif
#ifndef LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF
#define LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF (1U << 2)
#endif

/* Rule type LANDLOCK_RULE_NET_PORT is an enum in newer headers, so it gets
 * a prefixed name here. */
#define CAN_LANDLOCK_RULE_PATH_BENEATH 1
#define CAN_LANDLOCK_RULE_NET_PORT 2

/* The full ruleset attribute (ABI 6 layout). The kernel accepts a shorter
 * size for older ABIs: pass can_landlock_attr_size(abi). */
struct can_landlock_ruleset_attr {
	__u64 handled_access_fs;
	__u64 handled_access_net; /* ABI 4 */
	__u64 scoped;             /* ABI 6 */
};

struct can_landlock_path_beneath_attr {
	__u64 allowed_access;
	__s32 parent_fd;
} __attribute__((packed));

struct can_landlock_net_port_attr {
	__u64 allowed_access;
	__u64 port;
};

/* sizeof the ruleset attr an ABI version understands: a kernel rejects
 * non-zero fields it does not know, and a size bigger than it knows only
 * when those extra bytes are non-zero, so this is only a convenience. */
static inline size_t can_landlock_attr_size(int abi)
{
	if (abi >= 6)
		return sizeof(struct can_landlock_ruleset_attr);
	if (abi >= 4)
		return 2 * sizeof(__u64);
	return sizeof(__u64);
}

/* Every filesystem right an ABI version knows (handle them all: anything not
 * handled is allowed). */
static inline __u64 can_landlock_fs_rights(int abi)
{
	__u64 r = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1; /* ABI 1: bits 0-12 */
	if (abi >= 2)
		r |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		r |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		r |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return r;
}

/* ---- raw syscall wrappers glibc 2.36 lacks ---- */
static inline int can_landlock_create_ruleset(const void *attr, size_t size, __u32 flags)
{
	return (int)syscall(__NR_landlock_create_ruleset, attr, size, flags);
}

static inline int can_landlock_add_rule(int ruleset_fd, int rule_type, const void *attr, __u32 flags)
{
	return (int)syscall(__NR_landlock_add_rule, ruleset_fd, rule_type, attr, flags);
}

static inline int can_landlock_restrict_self(int ruleset_fd, __u32 flags)
{
	return (int)syscall(__NR_landlock_restrict_self, ruleset_fd, flags);
}

static inline int can_pidfd_open(pid_t pid, unsigned int flags)
{
	return (int)syscall(__NR_pidfd_open, pid, flags);
}

static inline int can_pidfd_getfd(int pidfd, int targetfd, unsigned int flags)
{
	return (int)syscall(__NR_pidfd_getfd, pidfd, targetfd, flags);
}

static inline int can_pidfd_send_signal(int pidfd, int sig, void *info, unsigned int flags)
{
	return (int)syscall(__NR_pidfd_send_signal, pidfd, sig, info, flags);
}

static inline int can_seccomp(unsigned int op, unsigned int flags, void *args)
{
	return (int)syscall(__NR_seccomp, op, flags, args);
}

#endif
