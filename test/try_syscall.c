/* try_syscall NAME: makes one attack syscall with arguments chosen to have
 * no side effect (bad pointers, invalid fds or flags, signal 0) and prints
 * what the kernel said: "ok", or the errno's name. That tells "reached the
 * kernel" (EFAULT, EBADF, EINVAL, ENOTTY...) apart from "refused by the
 * filter" (EPERM, or ENOSYS for clone3); a call the filter kills prints
 * nothing and dies of SIGSYS. Built without sanitizers and without libcan
 * so that it makes no syscalls of its own beyond the C library's start-up.
 * `try_syscall list` prints the names. */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/netlink.h>
#include <termios.h>
#include <unistd.h>

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#endif
#ifndef SYS_fsopen
#define SYS_fsopen 430
#endif
#define X32_BIT 0x40000000L
#define BAD ((void *)1) /* an address that is never mapped */

static int devnull(void)
{
	return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

/* getpid through the i386 entry point (int $0x80, number 20): the filter
 * sees AUDIT_ARCH_I386. */
static long i386_getpid(void)
{
	long ret = 20;
	__asm__ volatile("int $0x80" : "+a"(ret) : : "memory");
	return ret;
}

static long attack(const char *n)
{
	if (!strcmp(n, "getpid"))
		return syscall(SYS_getpid);
	if (!strcmp(n, "ioctl-tcgets"))
		return ioctl(devnull(), TCGETS, BAD);
	if (!strcmp(n, "ioctl-tiocsti"))
		return syscall(SYS_ioctl, devnull(), (unsigned long)TIOCSTI, "x");
	if (!strcmp(n, "ioctl-tiocsti-high"))
		return syscall(SYS_ioctl, devnull(), (unsigned long)TIOCSTI | (1UL << 32), "x");
	if (!strcmp(n, "ioctl-tioclinux"))
		return syscall(SYS_ioctl, devnull(), (unsigned long)TIOCLINUX, BAD);
	if (!strcmp(n, "io_uring_setup"))
		return syscall(SYS_io_uring_setup, 1, NULL);
	if (!strcmp(n, "x32-getpid"))
		return syscall(X32_BIT | SYS_getpid);
	if (!strcmp(n, "i386-getpid"))
		return i386_getpid();
	if (!strcmp(n, "unshare-user"))
		return unshare(CLONE_NEWUSER);
	if (!strcmp(n, "unshare-files"))
		return unshare(CLONE_FILES);
	/* The kernel rejects NEWUSER together with FS (EINVAL) after seccomp
	 * has let it through: no child is ever made. */
	if (!strcmp(n, "clone-newuser"))
		return syscall(SYS_clone, CLONE_NEWUSER | CLONE_FS | SIGCHLD, NULL, NULL, NULL, 0);
	if (!strcmp(n, "clone-newuser-high"))
		return syscall(SYS_clone, (1UL << 33) | CLONE_NEWUSER | CLONE_FS | SIGCHLD,
			       NULL, NULL, NULL, 0);
	/* Control: no namespace flag, invalid all the same (SIGHAND needs VM). */
	if (!strcmp(n, "clone-plain"))
		return syscall(SYS_clone, CLONE_SIGHAND | SIGCHLD, NULL, NULL, NULL, 0);
	if (!strcmp(n, "clone3"))
		return syscall(SYS_clone3, NULL, 0);
	if (!strcmp(n, "seccomp-listener"))
		return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			       SECCOMP_FILTER_FLAG_NEW_LISTENER, BAD);
	if (!strcmp(n, "seccomp-filter"))
		return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, BAD);
	if (!strcmp(n, "ptrace-peek-parent"))
		return syscall(SYS_ptrace, 2 /* PTRACE_PEEKDATA */, getppid(), BAD, NULL);
	if (!strcmp(n, "ptrace-traceme"))
		return syscall(SYS_ptrace, 0 /* PTRACE_TRACEME */, 0, NULL, NULL);
	if (!strcmp(n, "process_vm_readv"))
		return syscall(SYS_process_vm_readv, getppid(), BAD, 1, BAD, 1, 0);
	if (!strcmp(n, "process_vm_writev"))
		return syscall(SYS_process_vm_writev, getppid(), BAD, 1, BAD, 1, 0);
	if (!strcmp(n, "pidfd_getfd"))
		return syscall(SYS_pidfd_getfd, -1, 0, 0);
	if (!strcmp(n, "keyctl"))
		return syscall(SYS_keyctl, -1, 0, 0, 0, 0);
	if (!strcmp(n, "add_key"))
		return syscall(SYS_add_key, NULL, NULL, NULL, 0, 0);
	if (!strcmp(n, "request_key"))
		return syscall(SYS_request_key, NULL, NULL, NULL, 0);
	if (!strcmp(n, "bpf"))
		return syscall(SYS_bpf, 9999, NULL, 0);
	/* UFFD_USER_MODE_ONLY plus an unknown flag: EINVAL for anyone. */
	if (!strcmp(n, "userfaultfd"))
		return syscall(SYS_userfaultfd, 1 | 2);
	if (!strcmp(n, "perf_event_open"))
		return syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0);
	if (!strcmp(n, "open_by_handle_at"))
		return syscall(SYS_open_by_handle_at, -1, BAD, 0);
	if (!strcmp(n, "name_to_handle_at"))
		return syscall(SYS_name_to_handle_at, -1, BAD, BAD, BAD, 0);
	if (!strcmp(n, "mount"))
		return syscall(SYS_mount, NULL, NULL, NULL, 0, NULL);
	if (!strcmp(n, "umount2"))
		return syscall(SYS_umount2, NULL, 0xffff);
	if (!strcmp(n, "fsopen"))
		return syscall(SYS_fsopen, NULL, 0);
	if (!strcmp(n, "chroot"))
		return syscall(SYS_chroot, NULL);
	if (!strcmp(n, "setns"))
		return syscall(SYS_setns, -1, 0);
	if (!strcmp(n, "kill-all"))
		return syscall(SYS_kill, -1, 0);
	if (!strcmp(n, "kill-all-high"))
		return syscall(SYS_kill, 0xffffffffL, 0);
	if (!strcmp(n, "kill-parent"))
		return syscall(SYS_kill, getppid(), 0);
	if (!strcmp(n, "tgkill-parent"))
		return syscall(SYS_tgkill, getppid(), getppid(), 0);
	if (!strcmp(n, "pidfd_open-parent"))
		return syscall(SYS_pidfd_open, getppid(), 0);
	if (!strcmp(n, "kill-self"))
		return syscall(SYS_kill, getpid(), 0);
	if (!strcmp(n, "socket-packet"))
		return syscall(SYS_socket, AF_PACKET, SOCK_DGRAM, 0);
	if (!strcmp(n, "socket-vsock"))
		return syscall(SYS_socket, AF_VSOCK, SOCK_STREAM, 0);
	if (!strcmp(n, "socket-raw"))
		return syscall(SYS_socket, AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (!strcmp(n, "socket-netlink-audit"))
		return syscall(SYS_socket, AF_NETLINK, SOCK_RAW, NETLINK_AUDIT);
	if (!strcmp(n, "socket-netlink-route"))
		return syscall(SYS_socket, AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (!strcmp(n, "socket-inet-stream"))
		return syscall(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (!strcmp(n, "personality-query"))
		return syscall(SYS_personality, 0xffffffffUL);
	if (!strcmp(n, "personality-norandom"))
		return syscall(SYS_personality, ADDR_NO_RANDOMIZE);
	/* Harmless (counts filesystem types), outside the default allow-list
	 * and not in the fixed hardening: what --monitor reports. */
	if (!strcmp(n, "sysfs"))
		return syscall(SYS_sysfs, 3);
	errno = 0;
	return -2;
}

static const char *names[] = {
	"getpid", "ioctl-tcgets", "ioctl-tiocsti", "ioctl-tiocsti-high", "ioctl-tioclinux",
	"io_uring_setup", "x32-getpid", "i386-getpid", "unshare-user", "unshare-files",
	"clone-newuser", "clone-newuser-high", "clone-plain", "clone3", "seccomp-listener",
	"seccomp-filter", "ptrace-peek-parent", "ptrace-traceme", "process_vm_readv",
	"process_vm_writev", "pidfd_getfd", "keyctl", "add_key", "request_key", "bpf",
	"userfaultfd", "perf_event_open", "open_by_handle_at", "name_to_handle_at", "mount",
	"umount2", "fsopen", "chroot", "setns", "kill-all", "kill-all-high", "kill-parent",
	"tgkill-parent", "pidfd_open-parent", "kill-self", "personality-query",
	"personality-norandom", "sysfs", "socket-packet", "socket-vsock", "socket-raw",
	"socket-netlink-audit", "socket-netlink-route", "socket-inet-stream",
};

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: try_syscall NAME (try_syscall list)\n");
		return 2;
	}
	if (!strcmp(argv[1], "list")) {
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			puts(names[i]);
		return 0;
	}
	errno = 0;
	long r = attack(argv[1]);
	if (r == -2 && errno == 0) {
		fprintf(stderr, "try_syscall: unknown attack '%s'\n", argv[1]);
		return 2;
	}
	if (r >= 0)
		puts("ok");
	else
		puts(strerrorname_np(errno) ? strerrorname_np(errno) : "E?");
	return 0;
}
