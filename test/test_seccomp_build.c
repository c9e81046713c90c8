/* The seccomp builder, checked on the exported BPF without loading it: a
 * small interpreter (bpf_eval.c) answers what the kernel would answer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "bpf_eval.h"
#include "util/kernel_compat.h"
#include "seccomp/seccomp_filter.h"
#include "seccomp_policy.h"

#include <errno.h>
#include <linux/audit.h>
#include <sched.h>
#include <signal.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <netinet/in.h>
#include <linux/netlink.h>
#include <termios.h>

#define ALLOW SECCOMP_RET_ALLOW
#define EPERM_ (SECCOMP_RET_ERRNO | EPERM)
#define ENOSYS_ (SECCOMP_RET_ERRNO | ENOSYS)
#define KILL SECCOMP_RET_KILL_PROCESS
#define LOG SECCOMP_RET_LOG
#define NOTIF SECCOMP_RET_USER_NOTIF

/* What a program that needs these calls lists; the calls with fixed
 * conditional rules are in it so the conditions matter. */
static const char *base_allow =
	"read write openat close exit_group getpid getppid execve ioctl clone "
	"clone3 kill tgkill tkill pidfd_open seccomp personality mmap munmap";

struct fx {
	struct policy p;
	struct sc_options o;
	struct sc_filter *f;
	struct sock_filter *prog;
	size_t n;
};

static void fx_init(struct fx *x)
{
	memset(x, 0, sizeof(*x));
	tp_add_words(&x->p.sys.allow, base_allow);
}

static void fx_build(struct fx *x)
{
	struct diags d = { 0 };
	x->f = sc_build(&x->p, &x->o, &d);
	if (!x->f)
		diags_print(&d, stderr);
	assert_non_null(x->f);
	assert_int_equal(d.n, 0);
	diags_free(&d);
	void *v;
	assert_int_equal(sc_export(x->f, &v, &x->n), 0);
	x->prog = v;
	assert_true(x->n > 6);
}

static void fx_free(struct fx *x)
{
	free(x->prog);
	sc_free(x->f);
	tp_free(&x->p);
}

static uint32_t run_arch(struct fx *x, uint32_t arch, int nr, uint64_t a0, uint64_t a1)
{
	struct seccomp_data d = bpf_data(nr, a0, a1, 0);
	d.arch = arch;
	const char *why;
	uint32_t v = bpf_eval(x->prog, x->n, &d, &why);
	if (why)
		fail_msg("bpf_eval: %s (nr %d)", why, nr);
	return v;
}

static uint32_t run(struct fx *x, int nr, uint64_t a0, uint64_t a1)
{
	return run_arch(x, AUDIT_ARCH_X86_64, nr, a0, a1);
}

/* ---- modes ---- */

static void test_allowed_and_unlisted_enforce(void **state)
{
	struct fx x;
	fx_init(&x);
	fx_build(&x);
	assert_int_equal(run(&x, __NR_read, 0, 0), ALLOW);
	assert_int_equal(run(&x, __NR_getpid, 0, 0), ALLOW);
	assert_int_equal(run(&x, __NR_socket, 2, 1), EPERM_);
	assert_int_equal(run(&x, __NR_chdir, 0, 0), EPERM_);
	/* a number no syscall has yet */
	assert_int_equal(run(&x, 1000, 0, 0), EPERM_);
	assert_false(sc_has_listener(x.f));
	fx_free(&x);
}

static void test_unlisted_strict_kills(void **state)
{
	struct fx x;
	fx_init(&x);
	x.o.mode = SC_MODE_STRICT;
	fx_build(&x);
	assert_int_equal(run(&x, __NR_read, 0, 0), ALLOW);
	assert_int_equal(run(&x, __NR_socket, 2, 1), KILL);
	/* the fixed rules kill too under --strict ... */
	assert_int_equal(run(&x, __NR_ptrace, 0, 0), KILL);
	assert_int_equal(run(&x, __NR_clone, CLONE_NEWUSER, 0), KILL);
	/* ... except clone3, which must stay ENOSYS for the libc fallback */
	assert_int_equal(run(&x, __NR_clone3, 0, 0), ENOSYS_);
	fx_free(&x);
}

static void test_unlisted_monitor_logs(void **state)
{
	struct fx x;
	fx_init(&x);
	x.o.mode = SC_MODE_MONITOR;
	fx_build(&x);
	assert_int_equal(run(&x, __NR_read, 0, 0), ALLOW);
	assert_int_equal(run(&x, __NR_socket, 2, 1), LOG);
	/* the fixed hardening is not relaxed by monitor mode */
	assert_int_equal(run(&x, __NR_ptrace, 0, 0), EPERM_);
	assert_int_equal(run(&x, __NR_io_uring_setup, 0, 0), EPERM_);
	assert_int_equal(run(&x, __NR_ioctl, 0, TIOCSTI), EPERM_);
	assert_int_equal(run(&x, __NR_clone, CLONE_NEWUSER | SIGCHLD, 0), EPERM_);
	assert_int_equal(run(&x, __NR_seccomp, SECCOMP_SET_MODE_FILTER,
			     SECCOMP_FILTER_FLAG_NEW_LISTENER), EPERM_);
	assert_false(sc_has_listener(x.f));
	fx_free(&x);
}

static void test_monitor_via_notify(void **state)
{
	struct fx x;
	fx_init(&x);
	x.o.mode = SC_MODE_MONITOR;
	x.o.monitor_via_notify = true;
	int nrs[] = { __NR_openat };
	x.o.notify_nrs = nrs;
	x.o.n_notify = 1;
	fx_build(&x);
	assert_true(sc_has_listener(x.f));
	assert_int_equal(run(&x, __NR_read, 0, 0), ALLOW);
	assert_int_equal(run(&x, __NR_openat, 0, 0), NOTIF);
	assert_int_equal(run(&x, __NR_socket, 2, 1), NOTIF);
	assert_int_equal(run(&x, __NR_ptrace, 0, 0), EPERM_);
	fx_free(&x);
}

/* sendto is notified only with an address (args[4]): without one it is a
 * send() on a connected socket, let through with no round trip; sendmsg
 * carries its address in memory and is always notified (docs/adr/0107). */
static void test_notify_sendto_only_with_address(void **state)
{
	struct fx x;
	fx_init(&x);
	tp_add_words(&x.p.sys.allow, "sendto sendmsg");
	int nrs[] = { __NR_sendto, __NR_sendmsg };
	x.o.notify_nrs = nrs;
	x.o.n_notify = 2;
	fx_build(&x);
	struct seccomp_data d = bpf_data(__NR_sendto, 3, 0x1000, 5);
	const char *why = NULL;
	assert_int_equal(bpf_eval(x.prog, x.n, &d, &why), ALLOW);
	d.args[4] = 0x2000;
	assert_int_equal(bpf_eval(x.prog, x.n, &d, &why), NOTIF);
	assert_null(why);
	assert_int_equal(run(&x, __NR_sendmsg, 3, 0x1000), NOTIF);
	fx_free(&x);
}

static void test_monitor_via_notify_ignored_outside_monitor(void **state)
{
	struct fx x;
	fx_init(&x);
	x.o.monitor_via_notify = true; /* mode stays ENFORCE */
	fx_build(&x);
	assert_false(sc_has_listener(x.f));
	assert_int_equal(run(&x, __NR_socket, 2, 1), EPERM_);
	fx_free(&x);
}

/* ---- architecture ---- */

static void test_foreign_arch_killed(void **state)
{
	struct fx x;
	fx_init(&x);
	x.o.mode = SC_MODE_MONITOR; /* even where refusals are only logged */
	fx_build(&x);
	/* 3 is close on i386 and aarch64's io_destroy... whatever it is, killed */
	assert_int_equal(run_arch(&x, AUDIT_ARCH_I386, 3, 0, 0), KILL);
	assert_int_equal(run_arch(&x, AUDIT_ARCH_I386, 20, 0, 0), KILL);
	assert_int_equal(run_arch(&x, AUDIT_ARCH_AARCH64, 63, 0, 0), KILL);
	assert_int_equal(run_arch(&x, AUDIT_ARCH_X86_64 ^ 1, __NR_read, 0, 0), KILL);
	/* control: the same number natively */
	assert_int_equal(run(&x, 3, 0, 0), ALLOW);
	fx_free(&x);
}

static void test_x32_killed(void **state)
{
	struct fx x;
	fx_init(&x);
	x.o.mode = SC_MODE_MONITOR;
	fx_build(&x);
	assert_int_equal(run(&x, 0x40000000 | __NR_getpid, 0, 0), KILL);
	assert_int_equal(run(&x, 0x40000000 | __NR_read, 0, 0), KILL);
	assert_int_equal(run(&x, 0x40000000, 0, 0), KILL);
	assert_int_equal(run(&x, 0x7fffffff, 0, 0), KILL);
	assert_int_equal(run(&x, -1, 0, 0), KILL);
	/* control */
	assert_int_equal(run(&x, __NR_getpid, 0, 0), ALLOW);
	assert_int_equal(run(&x, 0x3fffffff, 0, 0), LOG);
	fx_free(&x);
}

/* ---- ioctl ---- */

static void test_ioctl_tty_injection(void **state)
{
	struct fx x;
	fx_init(&x);
	fx_build(&x);
	assert_int_equal(run(&x, __NR_ioctl, 0, TIOCSTI), EPERM_);
	assert_int_equal(run(&x, __NR_ioctl, 0, TIOCSTI | (1ULL << 32)), EPERM_);
	assert_int_equal(run(&x, __NR_ioctl, 0, TIOCSTI | 0xffffffff00000000ULL), EPERM_);
	assert_int_equal(run(&x, __NR_ioctl, 0, TIOCLINUX), EPERM_);
	assert_int_equal(run(&x, __NR_ioctl, 0, TIOCLINUX | (1ULL << 40)), EPERM_);
	/* harmless ioctls still work */
	assert_int_equal(run(&x, __NR_ioctl, 0, TCGETS), ALLOW);
	assert_int_equal(run(&x, __NR_ioctl, 0, TIOCGWINSZ), ALLOW);
	assert_int_equal(run(&x, __NR_ioctl, 0, FIONREAD), ALLOW);
	assert_int_equal(run(&x, __NR_ioctl, 0, TIOCSTI + 1), ALLOW);
	fx_free(&x);
}

/* ---- sockets ---- */

static uint32_t run3(struct fx *x, int nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct seccomp_data d = bpf_data(nr, a0, a1, a2);
	const char *why;
	uint32_t v = bpf_eval(x->prog, x->n, &d, &why);
	if (why)
		fail_msg("bpf_eval: %s (nr %d)", why, nr);
	return v;
}

static void test_socket_families_and_types(void **state)
{
	struct fx x;
	fx_init(&x);
	tp_add_words(&x.p.sys.allow, "socket socketpair");
	fx_build(&x);
	/* families that are not network-namespaced or carry raw frames */
	assert_int_equal(run3(&x, __NR_socket, AF_PACKET, SOCK_DGRAM, 0), EPERM_);
	assert_int_equal(run3(&x, __NR_socket, AF_PACKET | (1ULL << 32), SOCK_DGRAM, 0), EPERM_);
	assert_int_equal(run3(&x, __NR_socket, AF_VSOCK, SOCK_STREAM, 0), EPERM_);
	assert_int_equal(run3(&x, __NR_socket, AF_BLUETOOTH, SOCK_STREAM, 0), EPERM_);
	assert_int_equal(run3(&x, __NR_socket, AF_KEY, SOCK_RAW, 2), EPERM_);
	assert_int_equal(run3(&x, __NR_socketpair, AF_VSOCK, SOCK_STREAM, 0), EPERM_);
	/* raw and packet types in any family, whatever flags ride along */
	assert_int_equal(run3(&x, __NR_socket, AF_INET, SOCK_RAW, IPPROTO_ICMP), EPERM_);
	assert_int_equal(run3(&x, __NR_socket, AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 58), EPERM_);
	assert_int_equal(run3(&x, __NR_socket, AF_INET, SOCK_PACKET, 0), EPERM_);
	assert_int_equal(run3(&x, __NR_socket, AF_INET | (1ULL << 40), SOCK_RAW, 1), EPERM_);
	/* netlink: route only */
	assert_int_equal(run3(&x, __NR_socket, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE), ALLOW);
	assert_int_equal(run3(&x, __NR_socket, AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_ROUTE), ALLOW);
	assert_int_equal(run3(&x, __NR_socket, AF_NETLINK, SOCK_RAW, NETLINK_AUDIT), EPERM_);
	assert_int_equal(run3(&x, __NR_socket, AF_NETLINK, SOCK_RAW, NETLINK_KOBJECT_UEVENT), EPERM_);
	assert_int_equal(run3(&x, __NR_socket, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE | (1ULL << 32)), EPERM_);
	/* ordinary sockets still work */
	assert_int_equal(run3(&x, __NR_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), ALLOW);
	assert_int_equal(run3(&x, __NR_socket, AF_INET6, SOCK_DGRAM, 0), ALLOW);
	assert_int_equal(run3(&x, __NR_socket, AF_UNIX, SOCK_STREAM, 0), ALLOW);
	assert_int_equal(run3(&x, __NR_socketpair, AF_UNIX, SOCK_STREAM, 0), ALLOW);
	fx_free(&x);
}

/* Without namespaces of its own (can run --allow-degraded=userns, ADR 0240):
 * IP and unix sockets, datagram pairs and SysV IPC are refused too. */
static void test_host_shared(void **state)
{
	(void)state;
	struct fx x;
	fx_init(&x);
	tp_add_words(&x.p.sys.allow, "socket socketpair shmget shmat msgget semget mq_open");
	x.o.host_shared = true;
	fx_build(&x);
	assert_int_equal(run3(&x, __NR_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), EPERM_);
	assert_int_equal(run3(&x, __NR_socket, AF_INET6, SOCK_DGRAM, 0), EPERM_);
	assert_int_equal(run3(&x, __NR_socket, AF_UNIX, SOCK_STREAM, 0), EPERM_);
	assert_int_equal(run3(&x, __NR_socket, AF_UNIX | (1ULL << 32), SOCK_STREAM, 0), EPERM_);
	assert_int_equal(run3(&x, __NR_socketpair, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), EPERM_);
	assert_int_equal(run3(&x, __NR_socketpair, AF_UNIX, SOCK_STREAM, 0), ALLOW);
	assert_int_equal(run3(&x, __NR_socketpair, AF_UNIX, SOCK_SEQPACKET, 0), ALLOW);
	assert_int_equal(run3(&x, __NR_socket, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE), ALLOW);
	assert_int_equal(run(&x, __NR_shmget, 0, 4096), EPERM_);
	assert_int_equal(run(&x, __NR_shmat, 1, 0), EPERM_);
	assert_int_equal(run(&x, __NR_msgget, 0, 0), EPERM_);
	assert_int_equal(run(&x, __NR_semget, 0, 1), EPERM_);
	assert_int_equal(run(&x, __NR_mq_open, 0, 0), EPERM_);
	fx_free(&x);
	/* The control: the same policy without the option allows them. */
	fx_init(&x);
	tp_add_words(&x.p.sys.allow, "socket socketpair shmget shmat msgget semget mq_open");
	fx_build(&x);
	assert_int_equal(run3(&x, __NR_socket, AF_INET, SOCK_STREAM, 0), ALLOW);
	assert_int_equal(run3(&x, __NR_socketpair, AF_UNIX, SOCK_DGRAM, 0), ALLOW);
	assert_int_equal(run(&x, __NR_shmget, 0, 4096), ALLOW);
	fx_free(&x);
}

/* ---- clone and namespaces ---- */

static void test_clone_namespace_flags(void **state)
{
	struct fx x;
	fx_init(&x);
	fx_build(&x);
	const uint64_t ns[] = { CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET,
				CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWCGROUP, CLONE_NEWTIME };
	for (size_t i = 0; i < ARRAY_LEN(ns); i++) {
		assert_int_equal(run(&x, __NR_clone, ns[i] | SIGCHLD, 0), EPERM_);
		assert_int_equal(run(&x, __NR_clone, ns[i] | (1ULL << 33), 0), EPERM_);
	}
	assert_int_equal(run(&x, __NR_clone, CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID, 0), EPERM_);
	/* fork() and pthread_create() */
	assert_int_equal(run(&x, __NR_clone,
			     CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD, 0), ALLOW);
	assert_int_equal(run(&x, __NR_clone,
			     CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
			     CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |
			     CLONE_CHILD_CLEARTID, 0), ALLOW);
	/* vfork() as posix_spawn does it */
	assert_int_equal(run(&x, __NR_clone, CLONE_VM | CLONE_VFORK | SIGCHLD, 0), ALLOW);
	assert_int_equal(run(&x, __NR_clone3, 0, 0), ENOSYS_);
	assert_int_equal(run(&x, __NR_unshare, CLONE_NEWUSER, 0), EPERM_);
	assert_int_equal(run(&x, __NR_unshare, CLONE_FILES, 0), EPERM_);
	assert_int_equal(run(&x, __NR_setns, 3, 0), EPERM_);
	fx_free(&x);
}

static void test_clone3_enosys_when_unlisted(void **state)
{
	struct fx x;
	memset(&x, 0, sizeof(x));
	tp_add_words(&x.p.sys.allow, "read write clone");
	fx_build(&x);
	assert_int_equal(run(&x, __NR_clone3, 0, 0), ENOSYS_);
	fx_free(&x);
}

/* ---- seccomp() ---- */

static void test_seccomp_listener_refused(void **state)
{
	struct fx x;
	fx_init(&x);
	fx_build(&x);
	assert_int_equal(run(&x, __NR_seccomp, SECCOMP_SET_MODE_FILTER,
			     SECCOMP_FILTER_FLAG_NEW_LISTENER), EPERM_);
	assert_int_equal(run(&x, __NR_seccomp, SECCOMP_SET_MODE_FILTER,
			     SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC_ESRCH |
			     SECCOMP_FILTER_FLAG_TSYNC), EPERM_);
	assert_int_equal(run(&x, __NR_seccomp, SECCOMP_SET_MODE_FILTER | (1ULL << 32),
			     SECCOMP_FILTER_FLAG_NEW_LISTENER | (1ULL << 32)), EPERM_);
	assert_int_equal(run(&x, __NR_seccomp, SECCOMP_GET_NOTIF_SIZES, 0), EPERM_);
	/* programs that sandbox themselves (Chrome, OpenSSH) */
	assert_int_equal(run(&x, __NR_seccomp, SECCOMP_SET_MODE_FILTER, 0), ALLOW);
	assert_int_equal(run(&x, __NR_seccomp, SECCOMP_SET_MODE_FILTER,
			     SECCOMP_FILTER_FLAG_TSYNC), ALLOW);
	assert_int_equal(run(&x, __NR_seccomp, SECCOMP_GET_ACTION_AVAIL, 0), ALLOW);
	fx_free(&x);
}

/* ---- personality ---- */

static void test_personality(void **state)
{
	struct fx x;
	fx_init(&x);
	fx_build(&x);
	assert_int_equal(run(&x, __NR_personality, PER_LINUX, 0), ALLOW);
	assert_int_equal(run(&x, __NR_personality, 0xffffffff, 0), ALLOW);
	assert_int_equal(run(&x, __NR_personality, 0xffffffffffffffffULL, 0), ALLOW);
	assert_int_equal(run(&x, __NR_personality, ADDR_NO_RANDOMIZE, 0), EPERM_);
	assert_int_equal(run(&x, __NR_personality, READ_IMPLIES_EXEC, 0), EPERM_);
	assert_int_equal(run(&x, __NR_personality, MMAP_PAGE_ZERO, 0), EPERM_);
	assert_int_equal(run(&x, __NR_personality, PER_LINUX32, 0), EPERM_);
	assert_int_equal(run(&x, __NR_personality, 0x80000000, 0), EPERM_);
	assert_int_equal(run(&x, __NR_personality, 0xfffffffe, 0), EPERM_);
	assert_int_equal(run(&x, __NR_personality, 1, 0), EPERM_);
	/* every single bit, and every value but one bit */
	for (unsigned i = 0; i < 32; i++) {
		assert_int_equal(run(&x, __NR_personality, 1ULL << i, 0), EPERM_);
		assert_int_equal(run(&x, __NR_personality, 0xffffffffULL & ~(1ULL << i), 0), EPERM_);
	}
	fx_free(&x);
}

/* ---- signals and the protected pid ---- */

static void test_kill_protected(void **state)
{
	struct fx x;
	fx_init(&x);
	x.o.protect_pid = 4242;
	fx_build(&x);
	assert_int_equal(run(&x, __NR_kill, (uint32_t)-1, SIGKILL), EPERM_);
	assert_int_equal(run(&x, __NR_kill, (uint64_t)-1, SIGKILL), EPERM_);
	assert_int_equal(run(&x, __NR_kill, 4242, SIGTERM), EPERM_);
	assert_int_equal(run(&x, __NR_kill, 4242 | (1ULL << 32), SIGTERM), EPERM_);
	assert_int_equal(run(&x, __NR_kill, (uint64_t)-4242, SIGTERM), EPERM_);
	assert_int_equal(run(&x, __NR_kill, (uint32_t)-4242, SIGTERM), EPERM_);
	assert_int_equal(run(&x, __NR_tgkill, 4242, 4242), EPERM_);
	assert_int_equal(run(&x, __NR_tgkill, 17, 4242), EPERM_);
	assert_int_equal(run(&x, __NR_tkill, 4242, SIGKILL), EPERM_);
	assert_int_equal(run(&x, __NR_pidfd_open, 4242, 0), EPERM_);
	/* others may be signalled */
	assert_int_equal(run(&x, __NR_kill, 4243, SIGTERM), ALLOW);
	assert_int_equal(run(&x, __NR_kill, 0, SIGTERM), ALLOW);
	assert_int_equal(run(&x, __NR_kill, (uint64_t)-17, SIGTERM), ALLOW);
	assert_int_equal(run(&x, __NR_tgkill, 17, 17), ALLOW);
	assert_int_equal(run(&x, __NR_pidfd_open, 17, 0), ALLOW);
	fx_free(&x);
}

static void test_kill_minus_one_without_protect(void **state)
{
	struct fx x;
	fx_init(&x);
	fx_build(&x);
	assert_int_equal(run(&x, __NR_kill, (uint64_t)-1, SIGKILL), EPERM_);
	assert_int_equal(run(&x, __NR_kill, 0xffffffffULL, 0), EPERM_);
	assert_int_equal(run(&x, __NR_kill, 1, 0), ALLOW);
	fx_free(&x);
}

/* ---- notification ---- */

static void test_notify(void **state)
{
	struct fx x;
	fx_init(&x);
	int nrs[] = { __NR_openat, __NR_execve, __NR_clone, __NR_ioctl, __NR_ptrace,
		      __NR_socket };
	x.o.notify_nrs = nrs;
	x.o.n_notify = ARRAY_LEN(nrs);
	fx_build(&x);
	assert_true(sc_has_listener(x.f));
	assert_int_equal(run(&x, __NR_openat, 0, 0), NOTIF);
	assert_int_equal(run(&x, __NR_execve, 0, 0), NOTIF);
	assert_int_equal(run(&x, __NR_clone, SIGCHLD, 0), NOTIF);
	assert_int_equal(run(&x, __NR_ioctl, 0, TCGETS), NOTIF);
	assert_int_equal(run(&x, __NR_read, 0, 0), ALLOW);
	/* the fixed refusals win over notification */
	assert_int_equal(run(&x, __NR_clone, CLONE_NEWUSER | SIGCHLD, 0), EPERM_);
	assert_int_equal(run(&x, __NR_ioctl, 0, TIOCSTI), EPERM_);
	assert_int_equal(run(&x, __NR_ptrace, 0, 0), EPERM_);
	/* and so does the policy: socket is not allowed */
	assert_int_equal(run(&x, __NR_socket, 2, 1), EPERM_);
	fx_free(&x);
}

/* ---- the lists ---- */

static void test_extra_and_deny(void **state)
{
	struct fx x;
	fx_init(&x);
	/* read is in allow already: a name twice is fine */
	tp_add_words(&x.p.sys.allow_extra, "socket connect mseal read");
	tp_add_words(&x.p.sys.deny_extra, "getppid connect");
	tp_add_words(&x.p.sys.deny, "mmap");
	fx_build(&x);
	assert_int_equal(run(&x, __NR_socket, 2, 1), ALLOW);
	assert_int_equal(run(&x, 462 /* mseal, newer than libseccomp */, 0, 0), ALLOW);
	assert_int_equal(run(&x, __NR_connect, 3, 0), EPERM_);
	assert_int_equal(run(&x, __NR_getppid, 0, 0), EPERM_);
	assert_int_equal(run(&x, __NR_mmap, 0, 0), EPERM_);
	assert_int_equal(run(&x, __NR_getpid, 0, 0), ALLOW);
	fx_free(&x);
}

static void test_deny_list_mode(void **state)
{
	struct fx x;
	memset(&x, 0, sizeof(x));
	x.p.sys.seccomp_mode = (struct popt){ .set = true, .v = xstrdup("deny-list") };
	tp_add_words(&x.p.sys.deny, "socket");
	tp_add_words(&x.p.sys.deny_extra, "chdir");
	int nrs[] = { __NR_openat, __NR_socket };
	x.o.notify_nrs = nrs;
	x.o.n_notify = ARRAY_LEN(nrs);
	fx_build(&x);
	assert_int_equal(run(&x, __NR_read, 0, 0), ALLOW);
	assert_int_equal(run(&x, __NR_getcwd, 0, 0), ALLOW);
	assert_int_equal(run(&x, __NR_socket, 2, 1), EPERM_);
	assert_int_equal(run(&x, __NR_chdir, 0, 0), EPERM_);
	assert_int_equal(run(&x, __NR_openat, 0, 0), NOTIF);
	assert_int_equal(run(&x, __NR_ptrace, 0, 0), EPERM_);
	assert_int_equal(run(&x, __NR_mount, 0, 0), EPERM_);
	assert_int_equal(run(&x, __NR_ioctl, 0, TIOCSTI), EPERM_);
	assert_int_equal(run(&x, 0x40000000 | __NR_read, 0, 0), KILL);
	fx_free(&x);
}

/* Every fixed refusal holds even when the policy would let the call
 * through: in monitor mode an unlisted call is only logged. */
static void test_fixed_refusals_hold(void **state)
{
	static const char *names[] = {
		"ptrace", "process_vm_readv", "process_vm_writev", "keyctl", "add_key",
		"request_key", "bpf", "userfaultfd", "perf_event_open",
		"open_by_handle_at", "name_to_handle_at", "mount", "umount2",
		"pivot_root", "move_mount", "open_tree", "fsopen", "fsmount", "fsconfig",
		"fspick", "mount_setattr", "chroot", "kexec_load", "kexec_file_load",
		"init_module", "finit_module", "delete_module", "iopl", "ioperm",
		"swapon", "swapoff", "reboot", "acct", "quotactl", "lookup_dcookie",
		"uselib", "vhangup", "nfsservctl", "syslog", "unshare", "setns",
		"io_uring_setup", "io_uring_enter", "io_uring_register", "pidfd_getfd",
		"open_tree_attr",
	};
	struct fx x;
	fx_init(&x);
	x.o.mode = SC_MODE_MONITOR;
	fx_build(&x);
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		int nr = sc_syscall_nr(names[i]);
		if (nr < 0)
			fail_msg("%s has no number", names[i]);
		if (run(&x, nr, 0, 0) != EPERM_)
			fail_msg("%s is not refused", names[i]);
		assert_non_null(sc_fixed_refusal(names[i]));
	}
	assert_null(sc_fixed_refusal("read"));
	assert_null(sc_fixed_refusal("ioctl"));
	fx_free(&x);
}

/* The program is well formed for every syscall number: no jump out of it,
 * no fall-through, no unknown instruction. */
static void test_program_well_formed(void **state)
{
	struct fx x;
	fx_init(&x);
	x.o.protect_pid = 77;
	fx_build(&x);
	for (int nr = 0; nr < 600; nr++)
		for (uint64_t a = 0; a < 3; a++)
			(void)run(&x, nr, a == 2 ? (uint64_t)-1 : a, a);
	assert_true(x.n <= 4096);
	fx_free(&x);
}

/* ---- errors ---- */

static void test_unknown_name(void **state)
{
	struct policy p;
	memset(&p, 0, sizeof(p));
	tp_add_words(&p.sys.allow, "read write");
	tp_add(&p.sys.allow_extra, "reed", 7);
	tp_add(&p.sys.deny_extra, "frobnicate", 9);
	struct sc_options o = { 0 };
	struct diags d = { 0 };
	assert_null(sc_build(&p, &o, &d));
	assert_int_equal(d.n, 2);
	assert_string_equal(d.v[0].msg, "[syscalls] allow_extra: unknown syscall 'reed'");
	assert_int_equal(d.v[0].at.line, 7);
	assert_string_equal(d.v[1].msg, "[syscalls] deny_extra: unknown syscall 'frobnicate'");
	assert_int_equal(d.v[1].at.line, 9);
	diags_free(&d);
	tp_free(&p);
}

static void test_fixed_refusal_cannot_be_allowed(void **state)
{
	struct policy p;
	memset(&p, 0, sizeof(p));
	tp_add_words(&p.sys.allow, "read write");
	tp_add(&p.sys.allow_extra, "ptrace", 3);
	tp_add(&p.sys.allow_extra, "io_uring_setup", 4);
	/* denying them is fine, and so is allowing the conditional ones */
	tp_add_words(&p.sys.deny_extra, "bpf ioctl");
	tp_add_words(&p.sys.allow_extra, "clone clone3 seccomp personality");
	struct sc_options o = { 0 };
	struct diags d = { 0 };
	assert_null(sc_build(&p, &o, &d));
	assert_int_equal(d.n, 2);
	assert_string_equal(d.v[0].msg,
			    "[syscalls] allow_extra: syscall 'ptrace' cannot be allowed: it reads "
			    "and writes other processes' memory and registers (can always "
			    "refuses it; see docs/seccomp.md)");
	assert_int_equal(d.v[0].at.line, 3);
	assert_non_null(strstr(d.v[1].msg, "'io_uring_setup' cannot be allowed: io_uring"));
	diags_free(&d);
	tp_free(&p);
}

static void test_empty_allow_list_is_an_error(void **state)
{
	struct policy p;
	memset(&p, 0, sizeof(p));
	struct sc_options o = { 0 };
	struct diags d = { 0 };
	assert_null(sc_build(&p, &o, &d));
	assert_int_equal(d.n, 1);
	assert_non_null(strstr(d.v[0].msg, "allow-list is empty"));
	diags_free(&d);
}

static void test_bad_seccomp_mode(void **state)
{
	struct policy p;
	memset(&p, 0, sizeof(p));
	tp_add_words(&p.sys.allow, "read");
	p.sys.seccomp_mode = (struct popt){ .set = true, .v = xstrdup("allowlist"),
					    .at = { "t.toml", 5, 16 } };
	struct sc_options o = { 0 };
	struct diags d = { 0 };
	assert_null(sc_build(&p, &o, &d));
	assert_int_equal(d.n, 1);
	assert_string_equal(d.v[0].msg,
			    "[syscalls] seccomp_mode: 'allowlist' is not 'allow-list' or 'deny-list'");
	assert_int_equal(d.v[0].at.line, 5);
	diags_free(&d);
	tp_free(&p);
}

static void test_null_options_mean_enforce(void **state)
{
	struct policy p;
	memset(&p, 0, sizeof(p));
	tp_add_words(&p.sys.allow, "read");
	struct diags d = { 0 };
	struct sc_filter *f = sc_build(&p, NULL, &d);
	assert_non_null(f);
	struct sock_filter *prog;
	size_t n;
	assert_int_equal(sc_export(f, (void **)&prog, &n), 0);
	struct seccomp_data sd = bpf_data(__NR_getpid, 0, 0, 0);
	assert_int_equal(bpf_eval(prog, n, &sd, NULL), EPERM_);
	sd = bpf_data(__NR_read, 0, 0, 0);
	assert_int_equal(bpf_eval(prog, n, &sd, NULL), ALLOW);
	free(prog);
	sc_free(f);
	tp_free(&p);
}

static void test_names(void **state)
{
	assert_int_equal(sc_syscall_nr("read"), 0);
	assert_int_equal(sc_syscall_nr("clone3"), 435);
	assert_int_equal(sc_syscall_nr("mseal"), 462);
	assert_int_equal(sc_syscall_nr("socketcall"), SC_NR_OTHER_ARCH);
	assert_int_equal(sc_syscall_nr("nope"), SC_NR_UNKNOWN);
	char *s = sc_syscall_name(__NR_openat);
	assert_string_equal(s, "openat");
	free(s);
	s = sc_syscall_name(468);
	assert_string_equal(s, "file_getattr");
	free(s);
	assert_null(sc_syscall_name(100000));
	/* a syscall of another architecture in a list is accepted and ignored */
	struct fx x;
	fx_init(&x);
	tp_add_words(&x.p.sys.allow_extra, "socketcall mmap2");
	fx_build(&x);
	assert_int_equal(run(&x, __NR_read, 0, 0), ALLOW);
	fx_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allowed_and_unlisted_enforce),
		cmocka_unit_test(test_unlisted_strict_kills),
		cmocka_unit_test(test_unlisted_monitor_logs),
		cmocka_unit_test(test_monitor_via_notify),
		cmocka_unit_test(test_notify_sendto_only_with_address),
		cmocka_unit_test(test_monitor_via_notify_ignored_outside_monitor),
		cmocka_unit_test(test_foreign_arch_killed),
		cmocka_unit_test(test_x32_killed),
		cmocka_unit_test(test_ioctl_tty_injection),
		cmocka_unit_test(test_socket_families_and_types),
		cmocka_unit_test(test_host_shared),
		cmocka_unit_test(test_clone_namespace_flags),
		cmocka_unit_test(test_clone3_enosys_when_unlisted),
		cmocka_unit_test(test_seccomp_listener_refused),
		cmocka_unit_test(test_personality),
		cmocka_unit_test(test_kill_protected),
		cmocka_unit_test(test_kill_minus_one_without_protect),
		cmocka_unit_test(test_notify),
		cmocka_unit_test(test_extra_and_deny),
		cmocka_unit_test(test_deny_list_mode),
		cmocka_unit_test(test_fixed_refusals_hold),
		cmocka_unit_test(test_program_well_formed),
		cmocka_unit_test(test_unknown_name),
		cmocka_unit_test(test_fixed_refusal_cannot_be_allowed),
		cmocka_unit_test(test_empty_allow_list_is_an_error),
		cmocka_unit_test(test_bad_seccomp_mode),
		cmocka_unit_test(test_null_options_mean_enforce),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests_name("seccomp_build", tests, NULL, NULL);
}
