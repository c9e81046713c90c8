/* The target of the notification engine's tests.
 *
 *   notify_target SOCKFD SCENARIO ARGS...
 *
 * With SOCKFD >= 0 it installs a filter (libseccomp, exported and loaded
 * with the raw seccomp() call so that SECCOMP_FILTER_FLAG_NEW_LISTENER and
 * WAIT_KILLABLE_RECV can be set) that answers SECCOMP_RET_USER_NOTIF for
 * every syscall the engine handles, sends the listener to its parent over
 * SOCKFD with SCM_RIGHTS (that sendmsg is not trapped: the rule excludes
 * SOCKFD), waits for one byte of ack, and runs the scenario. With
 * SOCKFD = -1 it runs the scenario bare, for the side-by-side comparisons.
 *
 * Scenarios print "key=value" lines the tests compare or parse. */
#include "util/fdpass.h"
#include "notify/notify.h"
#include "util/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <seccomp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static const char *ename(int e) { return e ? errno_name(e) : "0"; }

static void die(const char *what)
{
	fprintf(stderr, "notify_target: %s: %s\n", what, strerror(errno));
	exit(99);
}

static int install_filter(int sockfd)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		die("seccomp_init");
	size_t n;
	const int *nrs = notify_handled_syscalls(&n);
	for (size_t i = 0; i < n; i++) {
		int r;
		if (nrs[i] == SYS_sendmsg)
			r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nrs[i], 1, SCMP_A0(SCMP_CMP_NE, (scmp_datum_t)sockfd));
		else
			r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nrs[i], 0);
		if (r < 0) {
			errno = -r;
			die("seccomp_rule_add");
		}
	}
	/* A call the engine does not handle, to see what it does with one. */
	if (getenv("NOTIFY_TARGET_TRAP_GETPPID"))
		seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(getppid), 0);
	int mfd = memfd_create("bpf", MFD_CLOEXEC);
	if (mfd < 0 || seccomp_export_bpf(ctx, mfd) < 0)
		die("seccomp_export_bpf");
	off_t size = lseek(mfd, 0, SEEK_END);
	struct sock_filter *insns = malloc((size_t)size);
	if (pread(mfd, insns, (size_t)size, 0) != size)
		die("read bpf");
	close(mfd);
	seccomp_release(ctx);
	struct sock_fprog prog = { (unsigned short)(size / (off_t)sizeof(*insns)), insns };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("no_new_privs");
	long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
	                  SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, &prog);
	if (fd < 0 && errno == EINVAL)
		fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (fd < 0)
		die("seccomp(SECCOMP_SET_MODE_FILTER)");
	free(insns);
	return (int)fd;
}

static void hand_over(int sockfd, int listener)
{
	char byte = 'L';
	if (fdpass_send(sockfd, &byte, 1, listener) < 0)
		die("sendmsg listener");
	close(listener);
	if (read(sockfd, &byte, 1) != 1)
		die("read ack");
	close(sockfd);
}

static int parse_int(const char *s) { return (int)strtol(s, NULL, 0); }

/* open SYSCALL PATH FLAGS MODE UMASK */
static int sc_open(char **a)
{
	umask((mode_t)strtol(a[4], NULL, 8));
	int flags = parse_int(a[2]);
	mode_t mode = (mode_t)strtol(a[3], NULL, 8);
	long fd;
	if (strcmp(a[0], "open") == 0)
		fd = syscall(SYS_open, a[1], flags, mode);
	else if (strcmp(a[0], "creat") == 0)
		fd = syscall(SYS_creat, a[1], mode);
	else if (strcmp(a[0], "openat2") == 0) {
		struct open_how how = { .flags = (uint64_t)flags, .mode = (flags & O_CREAT) ? mode : 0 };
		fd = syscall(SYS_openat2, AT_FDCWD, a[1], &how, sizeof(how));
	} else if (strncmp(a[0], "dir:", 4) == 0) {
		/* openat relative to a real dirfd (opened first, trapped too) */
		int dfd = open(a[0] + 4, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0) {
			printf("dirfd=%s\n", ename(errno));
			return 0;
		}
		fd = syscall(SYS_openat, dfd, a[1], flags, mode);
		int e = errno;
		close(dfd);
		errno = e;
	} else
		fd = syscall(SYS_openat, AT_FDCWD, a[1], flags, mode);
	int e = fd < 0 ? errno : 0;
	printf("ret=%s errno=%s", fd < 0 ? "err" : "ok", ename(e));
	if (fd >= 0) {
		struct stat st;
		fstat((int)fd, &st);
		int fdfl = fcntl((int)fd, F_GETFD);
		int fl = fcntl((int)fd, F_GETFL);
		printf(" fd=%ld cloexec=%d acc=%d append=%d type=%o mode=%o size=%lld", fd, !!(fdfl & FD_CLOEXEC),
		       fl & O_ACCMODE, !!(fl & O_APPEND), st.st_mode & S_IFMT, st.st_mode & 07777,
		       (long long)st.st_size);
		if ((fl & O_ACCMODE) != O_RDONLY && !(fl & O_PATH)) {
			ssize_t w = write((int)fd, "x", 1);
			printf(" write=%zd", w);
		}
	}
	printf("\n");
	return 0;
}

/* pathop OP ARGS... */
static int sc_pathop(char **a)
{
	const char *op = a[0];
	long r;
	if (strcmp(op, "unlink") == 0)
		r = syscall(SYS_unlink, a[1]);
	else if (strcmp(op, "unlinkat") == 0)
		r = unlinkat(AT_FDCWD, a[1], 0);
	else if (strcmp(op, "rmdir") == 0)
		r = syscall(SYS_rmdir, a[1]);
	else if (strcmp(op, "rmdirat") == 0)
		r = unlinkat(AT_FDCWD, a[1], AT_REMOVEDIR);
	else if (strcmp(op, "mkdir") == 0) {
		umask((mode_t)strtol(a[3], NULL, 8));
		r = syscall(SYS_mkdir, a[1], (mode_t)strtol(a[2], NULL, 8));
	} else if (strcmp(op, "mkdirat") == 0) {
		umask((mode_t)strtol(a[3], NULL, 8));
		r = mkdirat(AT_FDCWD, a[1], (mode_t)strtol(a[2], NULL, 8));
	} else if (strcmp(op, "rename") == 0)
		r = syscall(SYS_rename, a[1], a[2]);
	else if (strcmp(op, "renameat2") == 0)
		r = syscall(SYS_renameat2, AT_FDCWD, a[1], AT_FDCWD, a[2], (unsigned)parse_int(a[3]));
	else if (strcmp(op, "symlink") == 0)
		r = syscall(SYS_symlink, a[1], a[2]);
	else if (strcmp(op, "symlinkat") == 0)
		r = symlinkat(a[1], AT_FDCWD, a[2]);
	else if (strcmp(op, "link") == 0)
		r = syscall(SYS_link, a[1], a[2]);
	else if (strcmp(op, "chmod") == 0)
		r = syscall(SYS_chmod, a[1], (mode_t)strtol(a[2], NULL, 8));
	else if (strcmp(op, "fchmodat") == 0)
		r = syscall(SYS_fchmodat, AT_FDCWD, a[1], (mode_t)strtol(a[2], NULL, 8));
	else if (strcmp(op, "truncate") == 0)
		r = syscall(SYS_truncate, a[1], (off_t)parse_int(a[2]));
	else if (strcmp(op, "chown") == 0)
		r = syscall(SYS_chown, a[1], (uid_t)parse_int(a[2]), (gid_t)parse_int(a[3]));
	else if (strcmp(op, "lchown") == 0)
		r = syscall(SYS_lchown, a[1], (uid_t)parse_int(a[2]), (gid_t)parse_int(a[3]));
	else if (strcmp(op, "fchownat") == 0)
		r = syscall(SYS_fchownat, AT_FDCWD, a[1], (uid_t)parse_int(a[2]), (gid_t)parse_int(a[3]), AT_SYMLINK_NOFOLLOW);
	else if (strcmp(op, "utimensat") == 0) {
		struct timespec ts[2] = { { parse_int(a[2]), 0 }, { parse_int(a[2]) + 1, 500 } };
		r = syscall(SYS_utimensat, AT_FDCWD, a[1], ts, a[3] ? AT_SYMLINK_NOFOLLOW : 0);
		struct stat st;
		if ((a[3] ? lstat(a[1], &st) : stat(a[1], &st)) == 0)
			printf("atime=%lld mtime=%lld.%ld ", (long long)st.st_atime, (long long)st.st_mtime, st.st_mtim.tv_nsec);
	} else if (strcmp(op, "mknod") == 0) {
		umask((mode_t)strtol(a[3], NULL, 8));
		r = syscall(SYS_mknod, a[1], (mode_t)strtol(a[2], NULL, 8), 0);
	} else if (strcmp(op, "setxattr") == 0 || strcmp(op, "lsetxattr") == 0) {
		r = syscall(strcmp(op, "setxattr") == 0 ? SYS_setxattr : SYS_lsetxattr, a[1], a[2], a[3], strlen(a[3]), 0);
		char v[64];
		ssize_t n = getxattr(a[1], a[2], v, sizeof(v));
		printf("xattr=%.*s ", n > 0 ? (int)n : 0, v);
	} else if (strcmp(op, "removexattr") == 0) {
		r = syscall(SYS_removexattr, a[1], a[2]);
	}
	else {
		fprintf(stderr, "unknown pathop %s\n", op);
		return 2;
	}
	printf("ret=%ld errno=%s\n", r, ename(r < 0 ? errno : 0));
	return 0;
}

static void inet_addr_port(struct sockaddr_in *sin, const char *host, int port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, host, &sin->sin_addr);
}

/* net OP ARGS... */
static int sc_net(char **a)
{
	const char *op = a[0];
	long r;
	if (strcmp(op, "connect") == 0 || strcmp(op, "sendto") == 0 || strcmp(op, "sendmsg") == 0) {
		struct sockaddr_in sin;
		inet_addr_port(&sin, a[1], parse_int(a[2]));
		int udp = strcmp(op, "connect") != 0 || (a[3] && strcmp(a[3], "udp") == 0);
		int s = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
		if (strcmp(op, "connect") == 0)
			r = connect(s, (struct sockaddr *)&sin, sizeof(sin));
		else if (strcmp(op, "sendto") == 0)
			r = sendto(s, "hello", 5, 0, (struct sockaddr *)&sin, sizeof(sin));
		else {
			struct iovec iov[2] = { { "hel", 3 }, { "lo", 2 } };
			struct msghdr m = { .msg_name = &sin, .msg_namelen = sizeof(sin), .msg_iov = iov, .msg_iovlen = 2 };
			r = sendmsg(s, &m, 0);
		}
		printf("ret=%ld errno=%s\n", r, ename(r < 0 ? errno : 0));
		return 0;
	}
	if (strcmp(op, "sendmmsg") == 0) {
		/* sendmmsg HOST PORT1 PORT2: "one" to PORT1, "two!" to PORT2 */
		struct sockaddr_in s1, s2;
		inet_addr_port(&s1, a[1], parse_int(a[2]));
		inet_addr_port(&s2, a[1], parse_int(a[3]));
		struct iovec i1 = { "one", 3 }, i2 = { "two!", 4 };
		struct mmsghdr v[2] = {
			{ .msg_hdr = { .msg_name = &s1, .msg_namelen = sizeof(s1), .msg_iov = &i1, .msg_iovlen = 1 } },
			{ .msg_hdr = { .msg_name = &s2, .msg_namelen = sizeof(s2), .msg_iov = &i2, .msg_iovlen = 1 } },
		};
		int s = socket(AF_INET, SOCK_DGRAM, 0);
		r = sendmmsg(s, v, 2, 0);
		printf("ret=%ld errno=%s len=%u,%u\n", r, ename(r < 0 ? errno : 0), v[0].msg_len, v[1].msg_len);
		return 0;
	}
	if (strcmp(op, "bind_unix") == 0 || strcmp(op, "connect_unix") == 0) {
		umask(022);
		struct sockaddr_un un = { .sun_family = AF_UNIX };
		snprintf(un.sun_path, sizeof(un.sun_path), "%s", a[1]);
		int s = socket(AF_UNIX, SOCK_STREAM, 0);
		socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(un.sun_path) + 1);
		if (strcmp(op, "bind_unix") == 0) {
			r = bind(s, (struct sockaddr *)&un, len);
			if (r == 0)
				r = listen(s, 1);
		} else {
			r = connect(s, (struct sockaddr *)&un, len);
		}
		printf("ret=%ld errno=%s\n", r, ename(r < 0 ? errno : 0));
		if (r == 0 && strcmp(op, "connect_unix") == 0) {
			r = send(s, "ping", 4, 0);
			printf("send=%ld\n", r);
		}
		return 0;
	}
	fprintf(stderr, "unknown net op %s\n", op);
	return 2;
}

/* A buffer another thread flips between two values, for the races. */
struct swap {
	char a[256], b[256];
	size_t len;
	void *target;
	atomic_bool stop;
};

static void *swapper(void *arg)
{
	struct swap *s = arg;
	while (!atomic_load_explicit(&s->stop, memory_order_relaxed)) {
		memcpy(s->target, s->a, s->len);
		memcpy(s->target, s->b, s->len);
	}
	return NULL;
}

/* race_open ALLOWED REFUSED N */
static int sc_race_open(char **a)
{
	static char buf[256];
	struct swap s = { .len = sizeof(buf), .target = buf };
	snprintf(s.a, sizeof(s.a), "%s", a[0]);
	snprintf(s.b, sizeof(s.b), "%s", a[1]);
	struct stat refused;
	if (stat(a[1], &refused) < 0)
		die("stat refused");
	int n = parse_int(a[2]), ok = 0, denied = 0, other = 0, leaked = 0;
	memcpy(buf, s.a, sizeof(buf));
	pthread_t t;
	pthread_create(&t, NULL, swapper, &s);
	for (int i = 0; i < n; i++) {
		int fd = open(buf, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			if (errno == EACCES)
				denied++;
			else
				other++;
			continue;
		}
		struct stat st;
		fstat(fd, &st);
		if (st.st_ino == refused.st_ino && st.st_dev == refused.st_dev)
			leaked++;
		else
			ok++;
		close(fd);
	}
	atomic_store(&s.stop, true);
	pthread_join(t, NULL);
	printf("tries=%d allowed=%d refused=%d other=%d leaked=%d\n", n, ok, denied, other, leaked);
	return 0;
}

/* race_connect ALLOWED_PORT REFUSED_PORT N (UDP on 127.0.0.1) */
static int sc_race_connect(char **a)
{
	static struct sockaddr_in addr;
	struct sockaddr_in good, bad;
	int gport = parse_int(a[0]), bport = parse_int(a[1]);
	inet_addr_port(&good, "127.0.0.1", gport);
	inet_addr_port(&bad, "127.0.0.1", bport);
	struct swap s = { .len = sizeof(addr), .target = &addr };
	memcpy(s.a, &good, sizeof(good));
	memcpy(s.b, &bad, sizeof(bad));
	memcpy(&addr, &good, sizeof(good));
	int n = parse_int(a[2]), ok = 0, denied = 0, other = 0, leaked = 0;
	pthread_t t;
	pthread_create(&t, NULL, swapper, &s);
	for (int i = 0; i < n; i++) {
		int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
			if (errno == EACCES)
				denied++;
			else
				other++;
		} else {
			struct sockaddr_in peer;
			socklen_t pl = sizeof(peer);
			getpeername(sock, (struct sockaddr *)&peer, &pl);
			if (ntohs(peer.sin_port) == bport)
				leaked++;
			else
				ok++;
		}
		close(sock);
	}
	atomic_store(&s.stop, true);
	pthread_join(t, NULL);
	printf("tries=%d allowed=%d refused=%d other=%d leaked=%d\n", n, ok, denied, other, leaked);
	return 0;
}

static double now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* payload: what a swapped execve runs. Reports its start on fd 3, then
 * makes no trapped call for up to a second. */
static int sc_payload(int ms)
{
	double t = now_mono();
	if (write(3, &t, sizeof(t)) != sizeof(t))
		return 3;
	for (int i = 0; i < ms; i++) {
		struct timespec ts = { 0, 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	return 42;
}

/* race_exec ALLOWED REFUSED N [PAYLOAD_MS] */
static int sc_race_exec(char **a)
{
	int n = parse_int(a[2]);
	int allowed = 0, denied = 0, other = 0, ran = 0, killed = 0, survived = 0, early = 0;
	double alive_max = 0, alive_sum = 0;
	for (int i = 0; i < n; i++) {
		int p[2];
		if (pipe2(p, O_CLOEXEC) < 0)
			die("pipe");
		pid_t pid = fork();
		if (pid == 0) {
			static char buf[256];
			static struct swap s;
			s.len = sizeof(buf);
			s.target = buf;
			snprintf(s.a, sizeof(s.a), "%s", a[0]);
			snprintf(s.b, sizeof(s.b), "%s", a[1]);
			memcpy(buf, s.a, sizeof(buf));
			if (p[1] == 3)
				fcntl(3, F_SETFD, 0);
			else
				dup2(p[1], 3);
			pthread_t t;
			pthread_create(&t, NULL, swapper, &s);
			char *argv[] = { "payload", "-1", "payload", (char *)(a[3] ? a[3] : "1000"), NULL };
			char *envp[] = { NULL };
			syscall(SYS_execve, buf, argv, envp);
			_exit(errno == EACCES ? 10 : 11);
		}
		close(p[1]);
		double start = 0;
		ssize_t got = read(p[0], &start, sizeof(start));
		int st;
		waitpid(pid, &st, 0);
		double end = now_mono();
		close(p[0]);
		if (got == sizeof(start)) {
			ran++;
			double alive = end - start;
			alive_sum += alive;
			if (alive > alive_max)
				alive_max = alive;
			if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
				killed++;
			else
				survived++;
		} else if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) {
			early++; /* killed before its main() */
		} else if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
			allowed++;
		} else if (WIFEXITED(st) && WEXITSTATUS(st) == 10) {
			denied++;
		} else {
			other++;
		}
	}
	printf("tries=%d allowed=%d refused=%d other=%d killed_before_main=%d refused_ran=%d killed=%d "
	       "survived=%d alive_max_us=%.0f alive_mean_us=%.0f\n",
	       n, allowed, denied, other, early, ran, killed, survived, alive_max * 1e6,
	       ran ? alive_sum / ran * 1e6 : 0);
	return 0;
}

static void *fifo_reader(void *arg)
{
	int fd = open((const char *)arg, O_RDONLY);
	if (fd >= 0)
		close(fd);
	return (void *)(intptr_t)(fd >= 0);
}

/* fifo FIFO FILE N [ALARM]: one thread blocks opening a FIFO, the other
 * keeps opening FILE; then it opens the FIFO for writing to release the
 * first. */
static int sc_fifo(char **a)
{
	alarm(a[3] ? (unsigned)atoi(a[3]) : 20);
	pthread_t t;
	pthread_create(&t, NULL, fifo_reader, a[0]);
	struct timespec ts = { 0, 200 * 1000 * 1000 };
	nanosleep(&ts, NULL);
	int n = parse_int(a[2]), served = 0;
	for (int i = 0; i < n; i++) {
		int fd = open(a[1], O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			served++;
			close(fd);
		}
	}
	printf("served=%d\n", served);
	fflush(stdout);
	int w = open(a[0], O_WRONLY | O_CLOEXEC);
	void *rr;
	pthread_join(t, &rr);
	printf("writer=%d reader=%d\n", w >= 0, (int)(intptr_t)rr);
	return 0;
}

/* block FIFO: open it for reading, which blocks until a writer comes. */
static int sc_block(char **a)
{
	printf("blocking\n");
	fflush(stdout);
	int fd = open(a[0], O_RDONLY | O_CLOEXEC);
	printf("opened=%d\n", fd >= 0);
	return 0;
}

/* opens N PATH: N openat of PATH (each closed when it opened). */
static int sc_opens(char **a)
{
	int n = atoi(a[0]), ok = 0;
	for (int i = 0; i < n; i++) {
		int fd = open(a[1], O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			ok++;
			close(fd);
		}
	}
	printf("opens=%d ok=%d\n", n, ok);
	return 0;
}

/* twice FILE: open, wait for a byte on stdin, open again. */
static int sc_twice(char **a)
{
	int fd = open(a[0], O_RDONLY | O_CLOEXEC);
	printf("first=%s\n", fd >= 0 ? "ok" : ename(errno));
	fflush(stdout);
	char c;
	if (read(0, &c, 1) != 1)
		return 3;
	fd = open(a[0], O_RDONLY | O_CLOEXEC);
	printf("second=%s\n", fd >= 0 ? "ok" : ename(errno));
	return 0;
}

/* selfprot SUPERVISOR_PID ADDRESS: what the target can do to its
 * supervisor (ADDRESS: something mapped in the supervisor). */
static int sc_selfprot(char **a)
{
	pid_t sup = (pid_t)parse_int(a[0]);
	void *addr = (void *)(uintptr_t)strtoull(a[1], NULL, 0);
	long r = ptrace(PTRACE_SEIZE, sup, 0, 0);
	printf("ptrace=%s\n", r < 0 ? ename(errno) : "ok");
	if (r == 0)
		ptrace(PTRACE_DETACH, sup, 0, 0);
	char buf[16];
	struct iovec l = { buf, sizeof(buf) }, rem = { addr, sizeof(buf) };
	r = process_vm_readv(sup, &l, 1, &rem, 1, 0);
	printf("process_vm_readv=%s\n", r < 0 ? ename(errno) : "ok");
	long pfd = syscall(SYS_pidfd_open, sup, 0);
	printf("pidfd_open=%s\n", pfd < 0 ? ename(errno) : "ok");
	if (pfd >= 0) {
		/* The supervisor's fds 0..63: the listener is among them. */
		int got = 0, last = 0;
		for (int fd = 0; fd < 64; fd++) {
			long f = syscall(SYS_pidfd_getfd, pfd, fd, 0);
			if (f >= 0) {
				got++;
				close((int)f);
			} else if (errno != EBADF) {
				last = errno;
			}
		}
		printf("pidfd_getfd=%s\n", got ? "ok" : ename(last ? last : EBADF));
	}
	printf("signal0=%s\n", kill(sup, 0) < 0 ? ename(errno) : "ok");
	/* A second listener. */
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { 1, &allow };
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	printf("second_listener=%s\n", r < 0 ? ename(errno) : "ok");
	return 0;
}

/* exec PATH: execve and report the failure (success never returns). */
static int sc_exec(char **a)
{
	char *argv[] = { a[0], NULL };
	char *envp[] = { NULL };
	syscall(SYS_execve, a[0], argv, envp);
	printf("ret=err errno=%s\n", ename(errno));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[2], "payload") == 0)
		return sc_payload(argc > 3 ? atoi(argv[3]) : 1000);
	if (argc < 3) {
		fprintf(stderr, "usage: notify_target SOCKFD SCENARIO ARGS...\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	int sockfd = atoi(argv[1]);
	if (sockfd >= 0)
		hand_over(sockfd, install_filter(sockfd));
	const char *sc = argv[2];
	char **a = argv + 3;
	int na = argc - 3;
	if (strcmp(sc, "open") == 0 && na >= 5)
		return sc_open(a);
	if (strcmp(sc, "pathop") == 0 && na >= 2)
		return sc_pathop(a);
	if (strcmp(sc, "net") == 0 && na >= 2)
		return sc_net(a);
	if (strcmp(sc, "race_open") == 0 && na >= 3)
		return sc_race_open(a);
	if (strcmp(sc, "race_connect") == 0 && na >= 3)
		return sc_race_connect(a);
	if (strcmp(sc, "race_exec") == 0 && na >= 3)
		return sc_race_exec(a);
	if (strcmp(sc, "fifo") == 0 && na >= 3)
		return sc_fifo(a);
	if (strcmp(sc, "block") == 0 && na >= 1)
		return sc_block(a);
	if (strcmp(sc, "opens") == 0 && na >= 2)
		return sc_opens(a);
	if (strcmp(sc, "twice") == 0 && na >= 1)
		return sc_twice(a);
	if (strcmp(sc, "getppid") == 0) {
		long r = syscall(SYS_getppid);
		printf("ret=%s errno=%s\n", r > 0 ? "pid" : "err", ename(r < 0 ? errno : 0));
		return 0;
	}
	if (strcmp(sc, "exec") == 0 && na >= 1)
		return sc_exec(a);
	if (strcmp(sc, "selfprot") == 0 && na >= 2)
		return sc_selfprot(a);
	fprintf(stderr, "notify_target: unknown scenario or missing arguments: %s\n", sc);
	return 2;
}
