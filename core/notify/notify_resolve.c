/* Resolving a path as the target sees it (its root, cwd and dirfds),
 * from the supervisor, which lives in another mount namespace with its
 * own root and cwd (docs/notify.md, "Resolution"; ADR 0060):
 *   - absolute paths: openat2(root, path, RESOLVE_IN_ROOT), the root being
 *     /proc/PID/root or the shared root given in the config;
 *   - relative paths: openat2(/proc/PID/cwd or /proc/PID/fd/N, path,
 *     RESOLVE_BENEATH); when that refuses (EXDEV: ".." above the folder,
 *     an absolute symlink) the folder's own path is verified inside the
 *     root and the joined path is resolved IN_ROOT;
 *   - RESOLVE_NO_MAGICLINKS always: a /proc/<pid>/fd link followed by the
 *     supervisor would be the supervisor's. */
#include "notify/notify_int.h"
#include "util/procfs.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int notify_openat2(int dirfd, const char *path, struct open_how *how)
{
	/* With RESOLVE_IN_ROOT/BENEATH and "..", the kernel answers EAGAIN when
	 * a rename or mount happened anywhere during the walk (openat2(2));
	 * that is never the target's answer: walk again (seen under load in
	 * test_notify_emulate, "openat from a dirfd, ../file"). */
	long r;
	int tries = 0;
	do
		r = syscall(SYS_openat2, dirfd, path, how, sizeof(*how));
	while (r < 0 && errno == EAGAIN && !(how->resolve & RESOLVE_CACHED) && ++tries < 64);
	return r < 0 ? -errno : (int)r;
}

bool notify_names_supervisor(const char *path)
{
	if (strncmp(path, "/proc/", 6) != 0)
		return false;
	const char *p = path + 6;
	if (strncmp(p, "self", 4) == 0 || strncmp(p, "thread-self", 11) == 0)
		return true;
	char *end;
	long n = strtol(p, &end, 10);
	if (end == p || (*end && *end != '/'))
		return false;
	if (n == (long)getpid())
		return true;
	/* a worker thread's /proc/<tid>, reachable though not listed */
	char t[64];
	struct stat st;
	snprintf(t, sizeof(t), "/proc/self/task/%ld", n);
	return stat(t, &st) == 0;
}

int notify_real_path(struct notify_req *q, int fd, char *out, size_t size)
{
	int r = 0;
	if (fd >= 0 && fd == q->canon_fd) {
		if (strlen(q->canon) >= size)
			return -ENAMETOOLONG;
		strcpy(out, q->canon);
	} else {
		r = notify_fd_path(fd, out, size);
	}
	if (r == 0 && notify_names_supervisor(out)) {
		/* "self" followed by the supervisor is the supervisor: its
		 * files opened by itself would pass checks the target's own
		 * open of them fails (non-dumpable). */
		q->detail = "the path leads into the supervisor's own /proc entries";
		return -EACCES;
	}
	return r;
}

int notify_fd_path(int fd, char *out, size_t size)
{
	char link[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, out, size - 1);
	if (n < 0)
		return -errno;
	if ((size_t)n >= size - 1)
		return -ENAMETOOLONG;
	out[n] = '\0';
	return 0;
}

int notify_join_path(char *out, size_t size, const char *parent, const char *last)
{
	size_t a = strlen(parent), b = strlen(last);
	bool slash = !(a == 1 && parent[0] == '/');
	if (a + slash + b + 1 > size)
		return -ENAMETOOLONG;
	memcpy(out, parent, a);
	if (slash)
		out[a++] = '/';
	memcpy(out + a, last, b + 1);
	return 0;
}

mode_t notify_target_umask(pid_t pid)
{
	unsigned long long v;
	if (procfs_status_field(pid, "Umask:", 8, &v) < 0)
		return 022;
	return (mode_t)v & 0777;
}

/* Our O_PATH fd for the target's directory (AT_FDCWD = its cwd) or root. */
int notify_target_dir(pid_t pid, int dirfd)
{
	char p[64];
	if (dirfd == AT_FDCWD)
		snprintf(p, sizeof(p), "/proc/%d/cwd", (int)pid);
	else if (dirfd >= 0)
		snprintf(p, sizeof(p), "/proc/%d/fd/%d", (int)pid, dirfd);
	else
		return -EBADF;
	int fd = open(p, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT && dirfd != AT_FDCWD ? -EBADF : -errno;
	return fd;
}

int notify_root_get(struct notify_req *q)
{
	const struct notify_config *c = notify_req_config(q);
	if (c->use_shared_root)
		return c->shared_root_fd;
	char p[64];
	snprintf(p, sizeof(p), "/proc/%d/root", (int)q->pid);
	int fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

void notify_root_put(struct notify_req *q, int fd)
{
	if (fd >= 0 && !notify_req_config(q)->use_shared_root)
		close(fd);
}

/* A relative path that leaves its directory: resolve the directory's own
 * path inside the target's root, check it is the same directory, and
 * resolve the joined path IN_ROOT. */
static int resolve_via_root(struct notify_req *q, int dfd, const char *path, struct open_how *how)
{
	char dpath[PATH_MAX];
	int root = notify_root_get(q);
	if (root < 0)
		return root;
	int r = notify_fd_path(dfd, dpath, sizeof(dpath));
	if (r < 0 || dpath[0] != '/')
		goto unresolvable;
	struct open_how dh = { .flags = O_PATH | O_CLOEXEC,
	                       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	int check = notify_openat2(root, dpath, &dh);
	if (check < 0)
		goto unresolvable;
	struct stat a, b;
	bool same = fstat(check, &a) == 0 && fstat(dfd, &b) == 0 && a.st_dev == b.st_dev &&
	            a.st_ino == b.st_ino;
	close(check);
	if (!same)
		goto unresolvable;
	char *full = xasprintf("%s/%s", dpath, path);
	if (strlen(full) >= PATH_MAX) {
		free(full);
		notify_root_put(q, root);
		return -ENAMETOOLONG;
	}
	struct open_how h = *how;
	h.resolve = (h.resolve & ~(uint64_t)RESOLVE_BENEATH) | RESOLVE_IN_ROOT;
	r = notify_openat2(root, full, &h);
	free(full);
	notify_root_put(q, root);
	return r;
unresolvable:
	notify_root_put(q, root);
	q->detail = "the directory of a relative path is not reachable from the target's root";
	return -EACCES;
}

int notify_resolve(struct notify_req *q, int dirfd, const char *path, int oflags, uint64_t resolve)
{
	/* openat2 refuses O_NOCTTY with O_PATH (EINVAL). */
	struct open_how how = {
		.flags = (uint64_t)(oflags | O_CLOEXEC | ((oflags & O_PATH) ? 0 : O_NOCTTY)),
		.resolve = resolve | RESOLVE_NO_MAGICLINKS,
	};
	bool own_scope = resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT);
	q->canon_fd = -1;
	if (path[0] == '\0')
		return -ENOENT;
	if (path[0] == '/' && !own_scope) {
		int root = notify_root_get(q);
		if (root < 0)
			return root;
		how.resolve |= RESOLVE_IN_ROOT;
		int r = -ELOOP;
		if (!(resolve & RESOLVE_NO_SYMLINKS) &&
		    notify_lexical_path(path, q->canon, sizeof(q->canon)) == 0) {
			/* Without a symlink on the way the real path is the
			 * lexical one: no readlink needed. A symlink (ELOOP)
			 * takes the ordinary walk below. */
			struct open_how h = how;
			h.resolve |= RESOLVE_NO_SYMLINKS;
			r = notify_openat2(root, path, &h);
			q->canon_fd = r;
		}
		if (r == -ELOOP) {
			q->canon_fd = -1;
			r = notify_openat2(root, path, &how);
		}
		notify_root_put(q, root);
		return r;
	}
	int dfd = notify_target_dir(q->pid, dirfd);
	if (dfd < 0)
		return dfd;
	if (own_scope) {
		/* The target asked for openat2's scoping itself: it is
		 * relative to its dirfd, exactly as the kernel would do it. */
		int r = notify_openat2(dfd, path, &how);
		close(dfd);
		return r;
	}
	how.resolve |= RESOLVE_BENEATH;
	int r = notify_openat2(dfd, path, &how);
	if (r == -EXDEV)
		r = resolve_via_root(q, dfd, path, &how);
	close(dfd);
	return r;
}

int notify_resolve_parent(struct notify_req *q, int dirfd, const char *path, const char **last,
                          char *lastbuf, size_t lastsize)
{
	size_t len = strlen(path);
	while (len > 1 && path[len - 1] == '/')
		len--;
	const char *slash = memrchr(path, '/', len);
	const char *name = slash ? slash + 1 : path;
	size_t nlen = len - (size_t)(name - path);
	if (nlen + 1 > lastsize)
		return -ENAMETOOLONG;
	memcpy(lastbuf, name, nlen);
	lastbuf[nlen] = '\0';
	*last = lastbuf;
	char parent[PATH_MAX];
	if (!slash) {
		strcpy(parent, ".");
	} else if (slash == path) {
		strcpy(parent, "/");
	} else {
		memcpy(parent, path, (size_t)(slash - path));
		parent[slash - path] = '\0';
	}
	if (parent[0] == '.' && parent[1] == '\0') {
		/* The directory itself: no resolution at all. */
		int dfd = notify_target_dir(q->pid, dirfd);
		if (dfd < 0)
			return dfd;
		struct stat st;
		if (fstat(dfd, &st) < 0 || !S_ISDIR(st.st_mode)) {
			close(dfd);
			return -ENOTDIR;
		}
		return dfd;
	}
	return notify_resolve(q, dirfd, parent, O_PATH | O_DIRECTORY, 0);
}
