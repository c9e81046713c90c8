/* The no-namespace mode's syscall side: the supervisor's rules, the
 * private TMPDIR, the host folders the plan needs, and the processes left
 * behind (see run_degraded.h, docs/adr/0240). */
#include "sandbox/run_degraded.h"
#include "util/kernel_compat.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <linux/landlock.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* A read-only carve-out is enforced when it exists or its folder does:
 * a missing .git/hooks of an existing .git would otherwise be the
 * sandbox's to create; a cwd without .git keeps `git init` working (the
 * full mode likewise protects only what is there). */
static bool worth_protecting(const char *path)
{
	struct stat st;
	if (lstat(path, &st) == 0)
		return true;
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	bool ok = false;
	if (slash && slash != dir) {
		*slash = '\0';
		ok = stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
	}
	free(dir);
	return ok;
}

int degraded_notify_rules(struct notify_rules *r, const struct policy *p, const char *cwd,
			  const char *tmpdir, char *err, size_t errlen)
{
	struct mount_plan full;
	struct mount_plan_in mi = { .p = p, .cwd = cwd, .home = getenv("HOME") };
	if (mount_plan_build(&mi, &full, err, errlen) < 0)
		return -1;
	struct degraded_plan dp;
	int rc = degraded_plan_build(&full, tmpdir, &dp, err, errlen);
	mount_plan_free(&full);
	if (rc < 0)
		return -1;
	const struct srcpos none = { 0 };
	/* The same allow-list as Landlock's, so that what Landlock does not
	 * check (a datagram sent to a pathname socket such as /dev/log, which
	 * needs write access to the socket file) is decided alike. */
	for (size_t i = 0; i < dp.ll.n; i++) {
		const struct mnt_op *op = &dp.ll.ops[i];
		bool rw = op->kind == MNT_BIND_RW;
		notify_rules_add_path(r, "allow", op->dst,
				      NOTIFY_READ | NOTIFY_EXEC | (rw ? NOTIFY_WRITE : 0),
				      rw ? "filesystem.allow_write" : "filesystem.allow", none);
	}
	for (size_t i = 0; i < dp.nhide; i++)
		notify_rules_add_path(r, "deny", dp.hide[i], 0, "filesystem.deny", none);
	for (size_t i = 0; i < dp.nreadonly; i++)
		if (worth_protecting(dp.readonly[i]))
			notify_rules_add_path(r, "readonly", dp.readonly[i], NOTIFY_READ | NOTIFY_EXEC,
					      "filesystem (the project's own files are read-only)",
					      none);
	for (size_t i = 0; i < dp.nreadonly_file; i++) {
		struct stat st;
		if (lstat(dp.readonly_file[i], &st) == 0 && !S_ISDIR(st.st_mode))
			notify_rules_add_path(r, "readonly", dp.readonly_file[i],
					      NOTIFY_READ | NOTIFY_EXEC,
					      "filesystem (the project's own files are read-only)",
					      none);
	}
	r->restrict_fs = true;
	/* What the view lacks is absent, as in the full sandbox. */
	r->hidden_errno = ENOENT;
	/* Abstract names are the host's here (D-Bus, X11). */
	r->allow_abstract_unix = false;
	/* So is loopback (ADR 0125). */
	r->own_loopback = notify_loopback_is_own(NOTIFY_NETNS_RUN_HOST);
	degraded_plan_free(&dp);
	return 0;
}

char *degraded_tmpdir_make(char *err, size_t errlen)
{
	const char *base = getenv("TMPDIR");
	if (!base || base[0] != '/')
		base = "/tmp";
	char *dir = xasprintf("%s/can-run.XXXXXX", base);
	if (!mkdtemp(dir)) {
		snprintf(err, errlen, "make the private TMPDIR %s: %s: %s", dir, errno_name(errno),
			 strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void degraded_tmpdir_remove(const char *dir)
{
	if (dir)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

/* mkdir -p without following symlinks on the way. */
static int make_dirs(const char *path)
{
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	char *copy = xstrdup(path), *save = NULL;
	for (char *c = strtok_r(copy, "/", &save); c && fd >= 0; c = strtok_r(NULL, "/", &save)) {
		int next = openat(fd, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT && mkdirat(fd, c, 0755) == 0)
			next = openat(fd, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int e = errno;
		close(fd);
		errno = e;
		fd = next;
	}
	free(copy);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

int degraded_prepare(const struct degraded_plan *dp, char *err, size_t errlen)
{
	for (size_t i = 0; i < dp->ll.n; i++) {
		const struct mnt_op *op = &dp->ll.ops[i];
		struct stat st;
		if (lstat(op->dst, &st) == 0)
			continue;
		if (errno == ENOENT && op->create && op->kind == MNT_BIND_RW) {
			if (make_dirs(op->dst) < 0) {
				snprintf(err, errlen, "create %s: %s: %s", op->dst, errno_name(errno),
					 strerror(errno));
				return -1;
			}
			continue;
		}
		if (op->need == MNT_REQUIRED) {
			snprintf(err, errlen, "%s: %s: %s", op->dst, errno_name(errno), strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Our children, from /proc: the pids whose parent is us. */
static size_t children(pid_t self, pid_t *out, size_t cap)
{
	size_t n = 0;
	DIR *d = opendir("/proc");
	if (!d)
		return 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < cap) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		char path[64], buf[512];
		snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t got = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (got <= 0)
			continue;
		buf[got] = '\0';
		/* "pid (comm) state ppid ...": comm may hold spaces and ')'. */
		char *rp = strrchr(buf, ')');
		char state;
		long ppid;
		if (rp && sscanf(rp + 1, " %c %ld", &state, &ppid) == 2 && ppid == self)
			out[n++] = (pid_t)pid;
	}
	closedir(d);
	return n;
}

int degraded_kill_leftovers(void)
{
	pid_t self = getpid(), v[256];
	int killed = 0;
	/* Killing one reparents its children to us: repeat until none. */
	for (int round = 0; round < 64; round++) {
		size_t n = children(self, v, ARRAY_LEN(v));
		if (n == 0)
			break;
		for (size_t i = 0; i < n; i++)
			if (kill(v[i], SIGKILL) == 0)
				killed++;
		for (size_t i = 0; i < n; i++)
			waitpid(v[i], NULL, __WALL);
	}
	return killed;
}

/* The supervisor opens files for the sandbox (emulation) with its own
 * rights. Without a user namespace between them, that would include
 * /proc/PID/environ, mem, fd/ and maps of the user's other processes: the
 * sandbox asks, the supervisor reads. A Landlock domain of its own closes
 * that: Landlock refuses ptrace-mode access to processes outside the
 * caller's domain, and the sandbox's processes are inside it (forked after
 * this, their own domains nested in it), so the supervisor still reads
 * their memory and takes their fds, and nothing else's. The domain
 * restricts one right no one needs (making block devices), so nothing the
 * supervisor does on files changes; it needs no_new_privs, which can keeps
 * to its end (it execs nothing). Only the calling thread is restricted:
 * called while can has one thread. */
int degraded_confine_supervisor(char *err, size_t errlen)
{
	char buf[4096];
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	const char *t = n > 0 ? (buf[n] = '\0', strstr(buf, "\nThreads:")) : NULL;
	if (!t || strtol(t + 10, NULL, 10) != 1) {
		snprintf(err, errlen, "confine the supervisor: can has more than one thread here");
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(err, errlen, "confine the supervisor: no_new_privs: %s: %s", errno_name(errno),
			 strerror(errno));
		return -1;
	}
	struct can_landlock_ruleset_attr attr = { .handled_access_fs = LANDLOCK_ACCESS_FS_MAKE_BLOCK };
	int rs = can_landlock_create_ruleset(&attr, can_landlock_attr_size(1), 0);
	if (rs < 0 || can_landlock_restrict_self(rs, 0) < 0) {
		snprintf(err, errlen, "confine the supervisor: Landlock: %s: %s", errno_name(errno),
			 strerror(errno));
		if (rs >= 0)
			close(rs);
		return -1;
	}
	close(rs);
	return 0;
}
