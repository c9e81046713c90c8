/* The fixed hardening: syscalls, and forms of syscalls, that no recipe can
 * allow (DESIGN section 5). They are compiled into their own small filter
 * whose default is ALLOW; seccomp_filter.c runs it before the policy's
 * allow-list, so these refusals win over the recipe and over notification.
 *
 * Every comparison against an `int`/`unsigned int` argument masks the low
 * 32 bits: the kernel truncates such arguments to 32 bits, so a caller could
 * otherwise set high bits the kernel ignores to slip past an exact
 * 64-bit compare (TIOCSTI | 1UL << 32 is still TIOCSTI to the tty driver). */
#include "seccomp/seccomp_rules.h"
#include "lang/syscall_refusals.h"
#include "seccomp/seccomp_filter.h"
#include "util/kernel_compat.h"
#include "util/util.h"

#include <errno.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#define LOW32 0xffffffffULL

/* The table itself is lang/syscall_refusals.c: the recipe loader checks it too. */
const char *sc_fixed_refusal(const char *name)
{
	return syscall_refusal_why(name);
}

/* Syscalls that act on another process given its pid in argument `arg`:
 * refused for the protected pid (the supervisor). */
static const struct {
	const char *name;
	unsigned arg;
} pid_args[] = {
	{ "kill", 0 },
	{ "tkill", 0 },
	{ "tgkill", 0 },
	{ "tgkill", 1 },
	{ "rt_sigqueueinfo", 0 },
	{ "rt_tgsigqueueinfo", 0 },
	{ "rt_tgsigqueueinfo", 1 },
	{ "pidfd_open", 0 },
	{ "prlimit64", 0 },
	{ "sched_setaffinity", 0 },
	{ "sched_setscheduler", 0 },
	{ "sched_setparam", 0 },
	{ "sched_setattr", 0 },
	{ "setpriority", 1 },
	{ "ioprio_set", 1 },
	{ "migrate_pages", 0 },
	{ "move_pages", 0 },
	{ "kcmp", 0 },
	{ "kcmp", 1 },
	{ "get_robust_list", 0 },
};

static int nr_of(const char *name)
{
	return sc_syscall_nr(name);
}

/* Refuses `name` when (arg & mask) == val. */
static int refuse_if(scmp_filter_ctx ctx, uint32_t act, const char *name,
		     unsigned arg, uint64_t mask, uint64_t val)
{
	int nr = nr_of(name);
	if (nr < 0)
		return -ENOENT;
	struct scmp_arg_cmp c = { .arg = arg, .op = SCMP_CMP_MASKED_EQ,
				  .datum_a = mask, .datum_b = val };
	return seccomp_rule_add_array(ctx, act, nr, 1, &c);
}

static int refuse_always(scmp_filter_ctx ctx, uint32_t act, const char *name)
{
	int nr = nr_of(name);
	if (nr < 0)
		return -ENOENT;
	return seccomp_rule_add(ctx, act, nr, 0);
}

static const uint64_t ns_flags[] = {
	CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
	CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWTIME,
};

static bool listed(const char *const *names, const char *name)
{
	for (; names && *names; names++)
		if (strcmp(*names, name) == 0)
			return true;
	return false;
}

int sc_rules_add(scmp_filter_ctx ctx, uint32_t refuse, pid_t protect_pid,
		 const char *const *notify_instead)
{
	int r = 0;
#define TRY(x) do { if ((r = (x)) < 0) return r; } while (0)
	for (size_t i = 0; i < syscall_nrefusals; i++)
		TRY(refuse_always(ctx,
				  listed(notify_instead, syscall_refusals[i].name) ? SCMP_ACT_NOTIFY : refuse,
				  syscall_refusals[i].name));

	/* Typing into the terminal's input queue (TIOCSTI) or poking the
	 * console (TIOCLINUX) reaches the shell outside the sandbox. The tty
	 * driver looks at the command's low 32 bits only. */
	TRY(refuse_if(ctx, refuse, "ioctl", 1, LOW32, TIOCSTI));
	TRY(refuse_if(ctx, refuse, "ioctl", 1, LOW32, TIOCLINUX));

	/* clone with any namespace flag. The kernel reads clone's flags as
	 * 32 bits (lower_32_bits), and every namespace flag lives there. One
	 * rule per flag: libseccomp has no "any of these bits" comparison. */
	for (size_t i = 0; i < ARRAY_LEN(ns_flags); i++)
		TRY(refuse_if(ctx, refuse, "clone", 0, ns_flags[i], ns_flags[i]));
	/* clone3 passes its flags in memory seccomp cannot read: answer
	 * ENOSYS so the C library falls back to clone, which we can check. */
	TRY(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr_of("clone3"), 0));

	/* seccomp(): a program may add its own filters (they can only
	 * restrict further) but not a listener (a notification supervisor
	 * inside the sandbox could answer for calls we refuse to see), and
	 * it has no use for the listener's structure sizes either. */
	{
		struct scmp_arg_cmp c[2] = {
			{ .arg = 0, .op = SCMP_CMP_MASKED_EQ, .datum_a = LOW32,
			  .datum_b = SECCOMP_SET_MODE_FILTER },
			{ .arg = 1, .op = SCMP_CMP_MASKED_EQ,
			  .datum_a = SECCOMP_FILTER_FLAG_NEW_LISTENER,
			  .datum_b = SECCOMP_FILTER_FLAG_NEW_LISTENER },
		};
		TRY(seccomp_rule_add_array(ctx, refuse, nr_of("seccomp"), 2, c));
		TRY(refuse_if(ctx, refuse, "seccomp", 0, LOW32, SECCOMP_GET_NOTIF_SIZES));
	}

	/* personality: only PER_LINUX (0) and the query 0xffffffff. Other
	 * values turn off ASLR (ADDR_NO_RANDOMIZE) or make data executable
	 * (READ_IMPLIES_EXEC) for what the process runs next. A 32-bit value
	 * is neither all zeros nor all ones exactly when, going round the 32
	 * bits, some bit i is 1 and bit i+1 is 0: one masked compare each. */
	for (unsigned i = 0; i < 32; i++) {
		uint64_t bi = 1ULL << i, bj = 1ULL << ((i + 1) % 32);
		TRY(refuse_if(ctx, refuse, "personality", 0, bi | bj, bi));
	}

	/* socket(): families and types that reach past the sandbox's network
	 * namespace or hand it raw frames. AF_VSOCK and AF_BLUETOOTH are not
	 * network-namespaced at all (vsock reaches the hypervisor host even
	 * from a netns holding only lo); AF_PACKET and raw sockets read and
	 * forge frames; AF_KEY talks to the host's IPsec state. Netlink is
	 * allowed for NETLINK_ROUTE only (getifaddrs, `ip addr`): the other
	 * protocols (audit, uevents, sock_diag, xfrm, ...) are kernel surface
	 * no build or install needs. The protocol is compared on all 64 bits,
	 * so high garbage bits are refused too (refusing more, never less). */
	{
		static const int families[] = { AF_PACKET, AF_VSOCK, AF_BLUETOOTH, AF_KEY };
		for (size_t i = 0; i < ARRAY_LEN(families); i++) {
			TRY(refuse_if(ctx, refuse, "socket", 0, LOW32, (uint32_t)families[i]));
			TRY(refuse_if(ctx, refuse, "socketpair", 0, LOW32, (uint32_t)families[i]));
		}
		/* Raw IP: the type's low 4 bits are the type, the rest flags.
		 * Only for AF_INET/AF_INET6: netlink itself uses SOCK_RAW
		 * (glibc's getifaddrs does). */
		static const int inet[] = { AF_INET, AF_INET6 };
		static const int raw[] = { SOCK_RAW, SOCK_PACKET };
		for (size_t i = 0; i < ARRAY_LEN(inet); i++)
			for (size_t j = 0; j < ARRAY_LEN(raw); j++) {
				struct scmp_arg_cmp c[2] = {
					{ .arg = 0, .op = SCMP_CMP_MASKED_EQ, .datum_a = LOW32,
					  .datum_b = (uint32_t)inet[i] },
					{ .arg = 1, .op = SCMP_CMP_MASKED_EQ, .datum_a = 0xf,
					  .datum_b = (uint32_t)raw[j] },
				};
				TRY(seccomp_rule_add_array(ctx, refuse, nr_of("socket"), 2, c));
			}
		struct scmp_arg_cmp nl[2] = {
			{ .arg = 0, .op = SCMP_CMP_MASKED_EQ, .datum_a = LOW32,
			  .datum_b = AF_NETLINK },
			{ .arg = 2, .op = SCMP_CMP_NE, .datum_a = NETLINK_ROUTE },
		};
		TRY(seccomp_rule_add_array(ctx, refuse, nr_of("socket"), 2, nl));
	}

	/* kill(-1, sig) signals every process this user may signal. pid_t is
	 * 32 bits: compare the low 32 bits so 0x00000000ffffffff is -1 too. */
	TRY(refuse_if(ctx, refuse, "kill", 0, LOW32, 0xffffffffU));

	if (protect_pid > 0)
		TRY(sc_rules_protect(ctx, refuse, protect_pid));
#undef TRY
	return r;
}

int sc_rules_protect(scmp_filter_ctx ctx, uint32_t refuse, pid_t protect_pid)
{
	int r = 0;
#define TRY(x) do { if ((r = (x)) < 0) return r; } while (0)
	uint32_t pid = (uint32_t)protect_pid;
	for (size_t i = 0; i < ARRAY_LEN(pid_args); i++)
		TRY(refuse_if(ctx, refuse, pid_args[i].name, pid_args[i].arg, LOW32, pid));
	/* kill(-pid): its process group, should it lead one. */
	TRY(refuse_if(ctx, refuse, "kill", 0, LOW32, (uint32_t)-pid));
#undef TRY
	return r;
}

/* Without a network namespace of its own (can run --allow-degraded=userns)
 * an IP socket reaches the host's network, loopback services included, and
 * an AF_UNIX socket can connect to any socket file the user may reach (the
 * D-Bus session bus, ssh-agent, docker.sock), which Landlock ABI 7 does not
 * check. Stream and seqpacket socketpair() stay: their ends reach only
 * each other. Without
 * an IPC namespace, SysV objects are the host's, and ids are small numbers
 * a process can guess (shmat needs no shmget); POSIX queues live in the
 * host's mqueue filesystem. */
int sc_rules_add_host_shared(scmp_filter_ctx ctx, uint32_t refuse)
{
	int r = 0;
#define TRY(x) do { if ((r = (x)) < 0) return r; } while (0)
	static const int families[] = { AF_INET, AF_INET6, AF_UNIX };
	for (size_t i = 0; i < ARRAY_LEN(families); i++)
		TRY(refuse_if(ctx, refuse, "socket", 0, LOW32, (uint32_t)families[i]));
	/* A datagram pair could still send to a host datagram socket by path
	 * (sendmsg with msg_name: /dev/log, journald), and sendmsg cannot be
	 * trapped in this mode (it carries the listener's handover). Stream
	 * and seqpacket pairs ignore or refuse a destination. The type's low
	 * 4 bits are the type, the rest flags. */
	{
		struct scmp_arg_cmp c[2] = {
			{ .arg = 0, .op = SCMP_CMP_MASKED_EQ, .datum_a = LOW32, .datum_b = AF_UNIX },
			{ .arg = 1, .op = SCMP_CMP_MASKED_EQ, .datum_a = 0xf, .datum_b = SOCK_DGRAM },
		};
		TRY(seccomp_rule_add_array(ctx, refuse, nr_of("socketpair"), 2, c));
	}
	static const char *const ipc[] = {
		"shmget", "shmat", "shmdt", "shmctl", "msgget", "msgsnd", "msgrcv", "msgctl",
		"semget", "semop", "semtimedop", "semctl", "mq_open", "mq_unlink",
		"mq_timedsend", "mq_timedreceive", "mq_notify", "mq_getsetattr",
	};
	for (size_t i = 0; i < ARRAY_LEN(ipc); i++)
		TRY(refuse_always(ctx, refuse, ipc[i]));
#undef TRY
	return r;
}
