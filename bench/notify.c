/* bench/notify: the round-trip cost of the notification engine.
 *
 * For each setting (synchronous wake-up on/off; supervisor and target on
 * the same CPU, on different CPUs, or left to the scheduler) a target
 * process times N calls of each kind and reports the median:
 *   bare       openat with no filter at all (measured first, unfiltered)
 *   untrapped  openat the filter lets through (dirfd != AT_FDCWD)
 *   continue   trapped, answered CONTINUE (no rules for the process): the
 *              kernel's floor for a notification round trip
 *   emulated   trapped, resolved, decided, opened by the supervisor and
 *              injected with ADDFD (rules restrict the filesystem)
 *   refused    trapped, decided, answered EACCES
 *   relative   emulated, a path relative to the cwd
 *   symlink    emulated, a path through a symlink (the general route)
 * Printed in microseconds and as ratios to "continue". Nothing here is
 * asserted: run `make -C bench notify`.
 *
 *   notify_bench [N]        (default 20000 calls per kind) */
#include "util/fdpass.h"
#include "util/kernel_compat.h"
#include "notify/notify.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>


enum kind { K_UNTRAPPED, K_CONTINUE, K_EMULATED, K_REFUSED, K_RELATIVE, K_SYMLINK, K_N };

static const struct notify_rules *phase_rules;
static int shared_root = -1;
static struct notify_rules fs_rules;

static const struct notify_rules *rules_for(pid_t pid, void *ctx)
{
	(void)pid, (void)ctx;
	return __atomic_load_n(&phase_rules, __ATOMIC_ACQUIRE);
}

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Median of n timed openat calls. */
static double time_opens(int n, int dirfd, const char *path)
{
	double *t = xmalloc((size_t)n * sizeof(*t));
	for (int i = 0; i < n; i++) {
		double a = now_us();
		long fd = syscall(SYS_openat, dirfd, path, O_RDONLY | O_CLOEXEC, 0);
		double b = now_us();
		if (fd >= 0)
			close((int)fd);
		t[i] = b - a;
	}
	qsort(t, (size_t)n, sizeof(*t), cmp_double);
	double m = t[n / 2];
	free(t);
	return m;
}

static void pin(int cpu)
{
	if (cpu < 0)
		return;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void unpin(void)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	for (int i = 0; i < CPU_SETSIZE; i++)
		CPU_SET(i, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static int install_filter(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	/* Only openat(AT_FDCWD, ...) is trapped: openat from a real dirfd
	 * measures the filter's cost without a notification. */
	seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(openat), 1, SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)(uint32_t)AT_FDCWD));
	int mfd = memfd_create("bpf", MFD_CLOEXEC);
	seccomp_export_bpf(ctx, mfd);
	seccomp_release(ctx);
	off_t size = lseek(mfd, 0, SEEK_END);
	struct sock_filter *insns = xmalloc((size_t)size);
	if (pread(mfd, insns, (size_t)size, 0) != size)
		exit(99);
	close(mfd);
	struct sock_fprog prog = { (unsigned short)(size / (off_t)sizeof(*insns)), insns };
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
	                  SECCOMP_FILTER_FLAG_NEW_LISTENER | (1UL << 5) /* WAIT_KILLABLE_RECV */, &prog);
	if (fd < 0)
		fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	free(insns);
	return (int)fd;
}

/* The target: filter, hand over, then for each phase byte time n opens
 * and write the median back. */
static void target(int sock, int cpu, int n, const char *allowed, const char *denied)
{
	pin(cpu);
	int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC); /* before the filter: not trapped */
	int l = install_filter();
	if (l < 0)
		exit(97);
	if (fdpass_send(sock, "L", 1, l) < 0)
		exit(98);
	close(l);
	char k;
	while (read(sock, &k, 1) == 1) {
		double m;
		switch (k) {
		case K_UNTRAPPED: m = time_opens(n, root, allowed + 1); break;
		case K_REFUSED: m = time_opens(n, AT_FDCWD, denied); break;
		case K_RELATIVE: m = time_opens(n, AT_FDCWD, "allowed"); break;      /* cwd is the folder */
		case K_SYMLINK: m = time_opens(n, AT_FDCWD, "link/allowed"); break;  /* link -> . */
		default: m = time_opens(n, AT_FDCWD, allowed); break;
		}
		if (write(sock, &m, sizeof(m)) != sizeof(m))
			exit(96);
	}
	exit(0);
}

/* The floor of emulation by ADDFD, without the engine: RECV, open a fixed
 * file, ADDFD|SEND. No copy, no resolution, no decision. */
static double addfd_floor(int cpu, int n, const char *allowed)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		can_die_errno(1, "socketpair");
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		target(sv[1], cpu, n, allowed, allowed);
	}
	close(sv[1]);
	pin(cpu);
	int l = fdpass_recv(sv[0], &(char){ 0 }, 1);
	ioctl(l, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
	char c = K_EMULATED;
	if (write(sv[0], &c, 1) != 1)
		can_die(1, "bench target died");
	struct seccomp_notif req;
	for (int i = 0; i < n; i++) {
		memset(&req, 0, sizeof(req));
		if (ioctl(l, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
			break;
		int fd = open(allowed, O_RDONLY | O_CLOEXEC);
		struct seccomp_notif_addfd a = { .id = req.id, .flags = SECCOMP_ADDFD_FLAG_SEND, .srcfd = (uint32_t)fd };
		ioctl(l, SECCOMP_IOCTL_NOTIF_ADDFD, &a);
		close(fd);
	}
	double m = 0;
	if (read(sv[0], &m, sizeof(m)) != sizeof(m))
		m = -1;
	close(sv[0]);
	close(l);
	int st;
	waitpid(pid, &st, 0);
	unpin();
	return m;
}

struct setting {
	const char *name;
	int sup_cpu, target_cpu;
	bool per_pid_root; /* open /proc/PID/root per call (can run without a shared root) */
	bool follow_cpu;   /* notify_config.follow_cpu */
};

static void run(const struct setting *s, bool sync, int n, const char *allowed, const char *denied,
                double out[K_N], bool *sync_set)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		can_die_errno(1, "socketpair");
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		target(sv[1], s->target_cpu, n, allowed, denied);
	}
	close(sv[1]);
	if (s->sup_cpu >= 0)
		pin(s->sup_cpu);
	else
		unpin();
	int l = fdpass_recv(sv[0], &(char){ 0 }, 1);
	struct notify_config cfg = { .rules_for = rules_for, .workers = 1, .max_workers = 1, .no_sync_wakeup = !sync,
	                             .use_shared_root = !s->per_pid_root, .shared_root_fd = shared_root,
	                             .follow_cpu = s->follow_cpu };
	struct notify_engine *e = notify_engine_start(l, &cfg);
	if (!e)
		can_die_errno(1, "notify_engine_start");
	*sync_set = notify_engine_sync_wakeup(e);
	for (int k = 0; k < K_N; k++) {
		__atomic_store_n(&phase_rules, k == K_CONTINUE ? NULL : &fs_rules, __ATOMIC_RELEASE);
		char c = (char)k;
		if (write(sv[0], &c, 1) != 1 || read(sv[0], &out[k], sizeof(out[k])) != sizeof(out[k]))
			can_die(1, "bench target died");
	}
	close(sv[0]);
	int st;
	waitpid(pid, &st, 0);
	notify_engine_stop(e);
	unpin();
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 20000;
	if (n < 100)
		n = 100;
	char dir[] = "/tmp/can-notify-bench.XXXXXX";
	if (!mkdtemp(dir))
		can_die_errno(1, "mkdtemp");
	char *allowed = xasprintf("%s/allowed", dir), *denied = xasprintf("%s/denied", dir);
	close(open(allowed, O_WRONLY | O_CREAT, 0644));
	close(open(denied, O_WRONLY | O_CREAT, 0644));
	char *link = xasprintf("%s/link", dir);
	if (symlink(".", link) < 0 || chdir(dir) < 0)
		can_die_errno(1, "bench folder");
	struct srcpos at = { "bench", 1, 1 };
	notify_rules_init(&fs_rules);
	notify_rules_add_path(&fs_rules, "allow", dir, NOTIFY_READ, "filesystem.allow", at);
	notify_rules_add_path(&fs_rules, "deny", denied, 0, "filesystem.deny", at);
	int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	shared_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	double bare = time_opens(n, AT_FDCWD, allowed);
	printf("notify bench: %d calls per kind, median; %d CPUs; openat with no filter: %.2f us\n\n", n, ncpu, bare);
	const struct setting settings[] = {
		{ "same CPU", 0, 0, false, false },
		{ "two CPUs", 0, 1, false, false },
		{ "unpinned", -1, -1, false, false },
		{ "same, pid root", 0, 0, true, false },
		{ "unpinned, follow", -1, -1, false, true },
	};
	printf("%-16s %-5s %10s %10s %10s %10s %10s %10s   %9s %9s\n", "placement", "sync", "untrapped", "continue",
	       "emulated", "refused", "relative", "symlink", "emu/cont", "ref/cont");
	for (size_t i = 0; i < ARRAY_LEN(settings); i++) {
		if (settings[i].target_cpu >= ncpu)
			continue;
		for (int sync = 1; sync >= 0; sync--) {
			double t[K_N];
			bool set;
			run(&settings[i], sync, n, allowed, denied, t, &set);
			printf("%-16s %-5s %8.2fus %8.2fus %8.2fus %8.2fus %8.2fus %8.2fus   %8.2fx %8.2fx\n",
			       settings[i].name, sync ? (set ? "on" : "n/a") : "off", t[K_UNTRAPPED], t[K_CONTINUE],
			       t[K_EMULATED], t[K_REFUSED], t[K_RELATIVE], t[K_SYMLINK], t[K_EMULATED] / t[K_CONTINUE],
			       t[K_REFUSED] / t[K_CONTINUE]);
			fflush(stdout);
		}
	}
	double floor = addfd_floor(0, n, allowed);
	printf("\n\"same, pid root\": same CPU, resolving through /proc/PID/root on every call instead of a shared root fd\n");
	printf("same CPU, sync on: a bare RECV + open + ADDFD|SEND loop (no engine): %.2f us\n", floor);
	printf("ratios: emulated openat / CONTINUE floor (goal: within 2x); see docs/notify.md\n");
	unlink(allowed), unlink(denied), unlink(link), rmdir(dir);
	free(link);
	free(allowed), free(denied);
	notify_rules_free(&fs_rules);
	return 0;
}
