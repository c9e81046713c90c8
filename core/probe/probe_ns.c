/* Probes: an unprivileged user namespace with our own uid/gid mapped, each
 * namespace `can run` creates inside it (each one used once, so a policy
 * that lets unshare() succeed but denies the capabilities, such as Ubuntu
 * 24.04's AppArmor restriction, is caught), and overlayfs inside it. */
#include "util/kernel_compat.h"
#include "probe/probe_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Scratch mount point: a private tmpfs is mounted over it inside the new
 * mount namespace, so the host's /tmp is never touched. */
#define SCRATCH "/tmp"

/* uid and gid as they were before unshare(): inside, unmapped ids read as
 * the overflow id (65534). */
static bool map_ids(struct probe_res *r, uid_t uid, gid_t gid)
{
	char map[64];
	int err = probe_write_file("/proc/self/setgroups", "deny");
	/* ENOENT: a kernel older than 3.19 has no setgroups file. */
	if (err && err != ENOENT) {
		probe_fail(r, "write /proc/self/setgroups", err);
		return false;
	}
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	if ((err = probe_write_file("/proc/self/uid_map", map))) {
		probe_fail(r, "write /proc/self/uid_map", err);
		return false;
	}
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	if ((err = probe_write_file("/proc/self/gid_map", map))) {
		probe_fail(r, "write /proc/self/gid_map", err);
		return false;
	}
	return true;
}

static void try_uts(struct probe_res *r)
{
	if (unshare(CLONE_NEWUTS) < 0)
		probe_fail(r, "unshare(CLONE_NEWUTS)", errno);
	else if (sethostname("can-check", 9) < 0)
		probe_fail(r, "sethostname", errno);
	else
		probe_pass(r, "sethostname works");
}

static void try_ipc(struct probe_res *r)
{
	if (unshare(CLONE_NEWIPC) < 0) {
		probe_fail(r, "unshare(CLONE_NEWIPC)", errno);
		return;
	}
	/* A SysV queue in the fresh namespace, removed at once. */
	int q = msgget(IPC_PRIVATE, 0600);
	if (q < 0) {
		probe_fail(r, "msgget", errno);
		return;
	}
	msgctl(q, IPC_RMID, NULL);
	probe_pass(r, "private SysV IPC");
}

static void try_net(struct probe_res *r)
{
	if (unshare(CLONE_NEWNET) < 0) {
		probe_fail(r, "unshare(CLONE_NEWNET)", errno);
		return;
	}
	/* Bringing lo up needs CAP_NET_ADMIN in the new namespace. */
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		probe_fail(r, "socket(AF_INET)", errno);
		return;
	}
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	probe_strlcpy(ifr.ifr_name, "lo", sizeof(ifr.ifr_name));
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
		probe_fail(r, "SIOCGIFFLAGS lo", errno);
	} else {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
			probe_fail(r, "bring lo up", errno);
		else
			probe_pass(r, "lo up");
	}
	close(s);
}

static void try_cgroupns(struct probe_res *r)
{
	if (unshare(CLONE_NEWCGROUP) < 0)
		probe_fail(r, "unshare(CLONE_NEWCGROUP)", errno);
	else
		probe_pass(r, "unshare works");
}

static bool try_mount(struct probe_res *r)
{
	if (unshare(CLONE_NEWNS) < 0) {
		probe_fail(r, "unshare(CLONE_NEWNS)", errno);
		return false;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		probe_fail(r, "make / private", errno);
		return false;
	}
	if (mount("tmpfs", SCRATCH, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700") < 0) {
		probe_fail(r, "mount tmpfs on " SCRATCH, errno);
		return false;
	}
	probe_pass(r, "private tmpfs mounted");
	return true;
}

static void try_overlay(struct probe_namespaces *out)
{
	static const char *const dirs[] = {
		SCRATCH "/ov", SCRATCH "/ov/l", SCRATCH "/ov/u", SCRATCH "/ov/w", SCRATCH "/ov/m",
	};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (mkdir(dirs[i], 0700) < 0) {
			probe_fail(&out->overlay, "mkdir in tmpfs", errno);
			return;
		}
	}
	const char *opts = "lowerdir=" SCRATCH "/ov/l,upperdir=" SCRATCH "/ov/u,workdir=" SCRATCH "/ov/w";
	int rc = mount("overlay", SCRATCH "/ov/m", "overlay", 0, opts);
	if (rc < 0 && errno == EINVAL) {
		/* Older kernels need user.* xattrs spelled out inside a user namespace. */
		char o2[200];
		snprintf(o2, sizeof(o2), "%s,userxattr", opts);
		rc = mount("overlay", SCRATCH "/ov/m", "overlay", 0, o2);
		out->overlay_userxattr = rc == 0;
	}
	if (rc < 0) {
		probe_fail(&out->overlay, "mount -t overlay", errno);
		return;
	}
	/* A write through the merged view must land in the upper dir. */
	int fd = open(SCRATCH "/ov/m/f", O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0) {
		probe_fail(&out->overlay, "create a file in the overlay", errno);
		return;
	}
	close(fd);
	struct stat st;
	if (stat(SCRATCH "/ov/u/f", &st) < 0) {
		probe_fail(&out->overlay, "write did not reach upperdir", errno);
		return;
	}
	probe_pass(&out->overlay, out->overlay_userxattr ? "mounted and written (userxattr)" : "mounted over tmpfs and written");
}

/* PID namespace: the next child must be pid 1 and, when the mount namespace
 * works, able to mount a fresh /proc (refused when the host's /proc has
 * locked overmounts, as in some containers). */
static void try_pid(struct probe_res *r, bool have_mount)
{
	if (unshare(CLONE_NEWPID) < 0) {
		probe_fail(r, "unshare(CLONE_NEWPID)", errno);
		return;
	}
	int *shared = mmap(NULL, sizeof(int) * 2, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED) {
		probe_fail(r, "mmap", errno);
		return;
	}
	shared[0] = -1;
	shared[1] = 0;
	pid_t pid = fork();
	if (pid < 0) {
		probe_fail(r, "fork into the pid namespace", errno);
		return;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		shared[0] = (int)getpid();
		if (have_mount) {
			if (mkdir(SCRATCH "/proc", 0700) < 0 ||
			    mount("proc", SCRATCH "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
				shared[1] = errno;
		}
		_exit(0);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (shared[0] != 1)
		probe_fail(r, "first child is not pid 1", 0);
	else if (shared[1])
		probe_fail(r, "mount a fresh /proc", shared[1]);
	else
		probe_pass(r, have_mount ? "pid 1, fresh /proc" : "pid 1");
	munmap(shared, sizeof(int) * 2);
}

static int run_namespaces(void *p, const void *arg)
{
	(void)arg;
	struct probe_namespaces *out = p;
	for (int i = 0; i < PROBE_NS_COUNT; i++)
		probe_skip(&out->ns[i], "needs a user namespace");
	probe_skip(&out->overlay, "needs a user namespace");
	uid_t uid = geteuid();
	gid_t gid = getegid();
	if (unshare(CLONE_NEWUSER) < 0) {
		probe_fail(&out->userns, "unshare(CLONE_NEWUSER)", errno);
		return 1;
	}
	if (!map_ids(&out->userns, uid, gid))
		return 1;
	probe_pass(&out->userns, "own uid/gid mapped");
	try_uts(&out->ns[PROBE_NS_UTS]);
	try_ipc(&out->ns[PROBE_NS_IPC]);
	try_net(&out->ns[PROBE_NS_NET]);
	try_cgroupns(&out->ns[PROBE_NS_CGROUP]);
	bool have_mount = try_mount(&out->ns[PROBE_NS_MOUNT]);
	if (have_mount)
		try_overlay(out);
	else
		probe_skip(&out->overlay, "needs a mount namespace");
	try_pid(&out->ns[PROBE_NS_PID], have_mount);
	int bad = !out->overlay.ok;
	for (int i = 0; i < PROBE_NS_COUNT; i++)
		bad |= !out->ns[i].ok;
	return bad;
}

static void fail_namespaces(void *p, const char *why, int err)
{
	struct probe_namespaces *out = p;
	probe_fail(&out->userns, why, err);
	for (int i = 0; i < PROBE_NS_COUNT; i++)
		probe_skip(&out->ns[i], why);
	probe_skip(&out->overlay, why);
}

struct probe_job probe_job_namespaces(struct probe_namespaces *out)
{
	return (struct probe_job){
		.name = "namespaces", .out = out, .size = sizeof(*out),
		.run = run_namespaces, .fail = fail_namespaces,
	};
}

struct probe_namespaces probe_namespaces(void)
{
	struct probe_namespaces r;
	memset(&r, 0, sizeof(r));
	struct probe_job j = probe_job_namespaces(&r);
	probe_run_jobs(&j, 1, PROBE_TIMEOUT_MS);
	return r;
}

bool probe_userns(struct probe_res *out)
{
	struct probe_namespaces r = probe_namespaces();
	if (out)
		*out = r.userns;
	return r.userns.ok;
}
