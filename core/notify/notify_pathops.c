/* Emulated path changes: unlink*, rmdir, mkdir*, rename*, symlink*, link*,
 * chmod/fchmodat/fchmodat2, truncate, chown/lchown/fchownat, utimensat,
 * mknod/mknodat, setxattr/lsetxattr/removexattr/lremovexattr.
 *
 * Each is performed by the supervisor on the resolved parent directory
 * (an fd resolved as the target sees it, notify_emulate.c), with the final
 * component copied once: the decision is taken on the parent's real path
 * plus that component, and the call acts on that same directory, so
 * swapping the string or renaming a symlink into the path afterwards has
 * no effect. Not emulated yet (answered ENOSYS if a filter traps them):
 * utime/utimes/futimesat (the old forms of utimensat), setxattrat and
 * removexattrat (6.13). */
#include "notify/notify_int.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

/* A resolved parent and the final component. */
struct target_name {
	int pfd;
	const char *last;
	char lastbuf[NAME_MAX + 2];
	char path[PATH_MAX]; /* the real path the decision is about */
};

static int copy_path(struct notify_req *q, uint64_t addr, char *out)
{
	ssize_t n = notify_mem_read_string(q->pid, addr, out, PATH_MAX);
	if (n < 0) {
		notify_req_error(q, (int)-n);
		return -1;
	}
	if (n == 0) {
		notify_req_error(q, ENOENT);
		return -1;
	}
	return 0;
}

/* Resolves the parent of path and decides on write access to parent/last.
 * Returns 0 when the call may go ahead (t->pfd open), -1 when answered. */
static int name_for_write(struct notify_req *q, int dirfd, const char *path, struct target_name *t,
                          char *event_path)
{
	t->pfd = notify_resolve_parent(q, dirfd, path, &t->last, t->lastbuf, sizeof(t->lastbuf));
	if (t->pfd < 0) {
		notify_req_error(q, -t->pfd);
		return -1;
	}
	char parent[PATH_MAX];
	if (notify_real_path(q, t->pfd, parent, sizeof(parent)) < 0) {
		close(t->pfd);
		notify_req_error(q, EACCES);
		return -1;
	}
	if (t->last[0] == '\0' || strcmp(t->last, ".") == 0 || strcmp(t->last, "..") == 0)
		snprintf(t->path, sizeof(t->path), "%s", parent);
	else if (notify_join_path(t->path, sizeof(t->path), parent, t->last) < 0) {
		close(t->pfd);
		notify_req_error(q, ENAMETOOLONG);
		return -1;
	}
	snprintf(event_path, PATH_MAX, "%s", t->path);
	if (!notify_req_permit(q, notify_decide_write(q->rules, t->path))) {
		close(t->pfd);
		return -1;
	}
	return 0;
}

/* Resolves the object itself (following symlinks unless nofollow) and
 * decides on write access to its real path. Returns an O_PATH fd or -1. */
static int object_for_write(struct notify_req *q, int dirfd, const char *path, bool nofollow,
                            bool empty_path)
{
	int fd;
	if (empty_path && path[0] == '\0') {
		char p[64];
		if (dirfd == AT_FDCWD)
			snprintf(p, sizeof(p), "/proc/%d/cwd", (int)q->pid);
		else
			snprintf(p, sizeof(p), "/proc/%d/fd/%d", (int)q->pid, dirfd);
		fd = open(p, O_PATH | O_CLOEXEC);
		if (fd < 0)
			fd = -(errno == ENOENT ? EBADF : errno);
	} else {
		fd = notify_resolve(q, dirfd, path, O_PATH | (nofollow ? O_NOFOLLOW : 0), 0);
	}
	if (fd < 0) {
		notify_req_error(q, -fd);
		return -1;
	}
	if (notify_real_path(q, fd, q->path, sizeof(q->path)) < 0) {
		close(fd);
		notify_req_error(q, EACCES);
		return -1;
	}
	if (!notify_req_permit(q, notify_decide_write(q->rules, q->path))) {
		close(fd);
		return -1;
	}
	return fd;
}

static void answer(struct notify_req *q, long r)
{
	if (r < 0)
		notify_req_error(q, errno);
	else
		notify_req_value(q, 0);
}

static void do_unlink(struct notify_req *q, int dirfd, uint64_t paddr, int flags)
{
	char path[PATH_MAX];
	struct target_name t;
	if (flags & ~AT_REMOVEDIR) {
		notify_req_error(q, EINVAL);
		return;
	}
	if (copy_path(q, paddr, path) < 0 || name_for_write(q, dirfd, path, &t, q->path) < 0)
		return;
	if (notify_req_valid(q))
		answer(q, unlinkat(t.pfd, t.last, flags));
	close(t.pfd);
}

static void do_mkdir(struct notify_req *q, int dirfd, uint64_t paddr, mode_t mode)
{
	char path[PATH_MAX];
	struct target_name t;
	if (copy_path(q, paddr, path) < 0 || name_for_write(q, dirfd, path, &t, q->path) < 0)
		return;
	if (notify_req_valid(q)) {
		mode_t old = umask(notify_target_umask(q->pid));
		long r = mkdirat(t.pfd, t.last, mode & 07777);
		int e = errno;
		umask(old);
		errno = e;
		answer(q, r);
	}
	close(t.pfd);
}

static void do_rename(struct notify_req *q, int odir, uint64_t oaddr, int ndir, uint64_t naddr,
                      unsigned flags)
{
	char opath[PATH_MAX], npath[PATH_MAX];
	struct target_name o, n;
	if (copy_path(q, oaddr, opath) < 0 || copy_path(q, naddr, npath) < 0)
		return;
	if (name_for_write(q, odir, opath, &o, q->path) < 0)
		return;
	if (name_for_write(q, ndir, npath, &n, q->path2) < 0) {
		close(o.pfd);
		return;
	}
	if (notify_req_valid(q))
		answer(q, syscall(SYS_renameat2, o.pfd, o.last, n.pfd, n.last, flags));
	close(o.pfd);
	close(n.pfd);
}

static void do_symlink(struct notify_req *q, uint64_t taddr, int ndir, uint64_t naddr)
{
	char target[PATH_MAX], npath[PATH_MAX];
	struct target_name n;
	if (copy_path(q, taddr, target) < 0 || copy_path(q, naddr, npath) < 0)
		return;
	/* The link's text is data, not a path resolved now: what it points
	 * to is decided when someone opens through it. */
	snprintf(q->path2, sizeof(q->path2), "%s", target);
	if (name_for_write(q, ndir, npath, &n, q->path) < 0)
		return;
	if (notify_req_valid(q))
		answer(q, symlinkat(target, n.pfd, n.last));
	close(n.pfd);
}

static void do_link(struct notify_req *q, int odir, uint64_t oaddr, int ndir, uint64_t naddr, int flags)
{
	char opath[PATH_MAX], npath[PATH_MAX];
	struct target_name n;
	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) {
		notify_req_error(q, EINVAL);
		return;
	}
	if (copy_path(q, naddr, npath) < 0)
		return;
	ssize_t len = notify_mem_read_string(q->pid, oaddr, opath, sizeof(opath));
	if (len < 0) {
		notify_req_error(q, (int)-len);
		return;
	}
	/* A second name for a file is a way to write it: the source needs
	 * the same right as the new name (a deny on it cannot be bypassed). */
	int ofd = object_for_write(q, odir, opath, !(flags & AT_SYMLINK_FOLLOW), flags & AT_EMPTY_PATH);
	if (ofd < 0)
		return;
	if (name_for_write(q, ndir, npath, &n, q->path2) < 0) {
		close(ofd);
		return;
	}
	if (notify_req_valid(q)) {
		char p[64];
		snprintf(p, sizeof(p), "/proc/self/fd/%d", ofd);
		answer(q, linkat(AT_FDCWD, p, n.pfd, n.last, AT_SYMLINK_FOLLOW));
	}
	close(ofd);
	close(n.pfd);
}

static void do_chmod(struct notify_req *q, int dirfd, uint64_t paddr, mode_t mode, int flags)
{
	char path[PATH_MAX];
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) {
		notify_req_error(q, EINVAL);
		return;
	}
	ssize_t len = notify_mem_read_string(q->pid, paddr, path, sizeof(path));
	if (len < 0) {
		notify_req_error(q, (int)-len);
		return;
	}
	if (len == 0 && !(flags & AT_EMPTY_PATH)) {
		notify_req_error(q, ENOENT);
		return;
	}
	int fd = object_for_write(q, dirfd, path, flags & AT_SYMLINK_NOFOLLOW, flags & AT_EMPTY_PATH);
	if (fd < 0)
		return;
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISLNK(st.st_mode)) {
		notify_req_error(q, EOPNOTSUPP);
	} else if (notify_req_valid(q)) {
		char p[64];
		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		answer(q, fchmodat(AT_FDCWD, p, mode & 07777, 0));
	}
	close(fd);
}

static void do_truncate(struct notify_req *q, uint64_t paddr, int64_t length)
{
	char path[PATH_MAX];
	if (copy_path(q, paddr, path) < 0)
		return;
	if (length < 0) {
		notify_req_error(q, EINVAL);
		return;
	}
	int fd = object_for_write(q, AT_FDCWD, path, false, false);
	if (fd < 0)
		return;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		notify_req_error(q, errno);
	} else if (S_ISDIR(st.st_mode)) {
		notify_req_error(q, EISDIR);
	} else if (!S_ISREG(st.st_mode)) {
		notify_req_error(q, EINVAL);
	} else if (notify_req_valid(q)) {
		char p[64];
		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		int w = open(p, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		if (w < 0) {
			notify_req_error(q, errno);
		} else {
			answer(q, ftruncate(w, length));
			close(w);
		}
	}
	close(fd);
}

static void do_chown(struct notify_req *q, int dirfd, uint64_t paddr, uid_t uid, gid_t gid, int flags)
{
	char path[PATH_MAX];
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) {
		notify_req_error(q, EINVAL);
		return;
	}
	ssize_t len = notify_mem_read_string(q->pid, paddr, path, sizeof(path));
	if (len < 0 || (len == 0 && !(flags & AT_EMPTY_PATH))) {
		notify_req_error(q, len < 0 ? (int)-len : ENOENT);
		return;
	}
	int fd = object_for_write(q, dirfd, path, flags & AT_SYMLINK_NOFOLLOW, flags & AT_EMPTY_PATH);
	if (fd < 0)
		return;
	/* On the O_PATH fd itself: a symlink (lchown) stays a symlink. */
	if (notify_req_valid(q))
		answer(q, fchownat(fd, "", uid, gid, AT_EMPTY_PATH));
	close(fd);
}

static void do_utimens(struct notify_req *q, int dirfd, uint64_t paddr, uint64_t taddr, int flags)
{
	char path[PATH_MAX];
	struct timespec ts[2];
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) {
		notify_req_error(q, EINVAL);
		return;
	}
	if (paddr == 0) {
		/* utimensat(fd, NULL, ...): the fd's own file, no path. */
		q->answer = ANSWER_CONTINUE;
		return;
	}
	ssize_t len = notify_mem_read_string(q->pid, paddr, path, sizeof(path));
	int r = len < 0 ? (int)len : taddr ? notify_mem_read(q->pid, taddr, ts, sizeof(ts)) : 0;
	if (r < 0) {
		notify_req_error(q, -r);
		return;
	}
	if (len == 0 && !(flags & AT_EMPTY_PATH)) {
		notify_req_error(q, ENOENT);
		return;
	}
	int fd = object_for_write(q, dirfd, path, flags & AT_SYMLINK_NOFOLLOW, flags & AT_EMPTY_PATH);
	if (fd < 0)
		return;
	if (notify_req_valid(q))
		answer(q, utimensat(fd, "", taddr ? ts : NULL, AT_EMPTY_PATH));
	close(fd);
}

static void do_mknod(struct notify_req *q, int dirfd, uint64_t paddr, mode_t mode, dev_t dev)
{
	char path[PATH_MAX];
	struct target_name t;
	if (copy_path(q, paddr, path) < 0 || name_for_write(q, dirfd, path, &t, q->path) < 0)
		return;
	if (notify_req_valid(q)) {
		mode_t old = umask(notify_target_umask(q->pid));
		long r = mknodat(t.pfd, t.last, mode, dev);
		int e = errno;
		umask(old);
		errno = e;
		answer(q, r);
	}
	close(t.pfd);
}

/* setxattr/lsetxattr (value != NULL or set) and removexattr/lremovexattr. */
static void do_xattr(struct notify_req *q, uint64_t paddr, uint64_t naddr, uint64_t vaddr, size_t size,
                     int xflags, bool nofollow, bool set)
{
	char path[PATH_MAX], name[256];
	if (copy_path(q, paddr, path) < 0)
		return;
	ssize_t nl = notify_mem_read_string(q->pid, naddr, name, sizeof(name));
	if (nl < 0 || nl == 0) {
		notify_req_error(q, nl == -ENAMETOOLONG ? ERANGE : nl < 0 ? (int)-nl : ERANGE);
		return;
	}
	if (set && size > 65536) {
		notify_req_error(q, E2BIG);
		return;
	}
	char *value = NULL;
	if (set && size) {
		value = xmalloc(size);
		int r = notify_mem_read(q->pid, vaddr, value, size);
		if (r < 0) {
			free(value);
			notify_req_error(q, -r);
			return;
		}
	}
	int fd = object_for_write(q, AT_FDCWD, path, nofollow, false);
	if (fd >= 0) {
		struct stat st;
		if (fstat(fd, &st) == 0 && S_ISLNK(st.st_mode)) {
			/* Only trusted.* and security.* may sit on a symlink, and
			 * they need privileges neither side has here. */
			notify_req_error(q, EPERM);
		} else if (notify_req_valid(q)) {
			char p[64];
			snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
			answer(q, set ? setxattr(p, name, value, size, xflags) : removexattr(p, name));
		}
		close(fd);
	}
	free(value);
}

void notify_handle_pathop(struct notify_req *q)
{
	const struct seccomp_data *d = &q->n->data;
	const __u64 *a = d->args;
	switch (d->nr) {
	case SYS_unlink: q->syscall = "unlink"; do_unlink(q, AT_FDCWD, a[0], 0); break;
	case SYS_rmdir: q->syscall = "rmdir"; do_unlink(q, AT_FDCWD, a[0], AT_REMOVEDIR); break;
	case SYS_unlinkat: q->syscall = "unlinkat"; do_unlink(q, (int)a[0], a[1], (int)a[2]); break;
	case SYS_mkdir: q->syscall = "mkdir"; do_mkdir(q, AT_FDCWD, a[0], (mode_t)a[1]); break;
	case SYS_mkdirat: q->syscall = "mkdirat"; do_mkdir(q, (int)a[0], a[1], (mode_t)a[2]); break;
	case SYS_rename: q->syscall = "rename"; do_rename(q, AT_FDCWD, a[0], AT_FDCWD, a[1], 0); break;
	case SYS_renameat:
		q->syscall = "renameat";
		do_rename(q, (int)a[0], a[1], (int)a[2], a[3], 0);
		break;
	case SYS_renameat2:
		q->syscall = "renameat2";
		do_rename(q, (int)a[0], a[1], (int)a[2], a[3], (unsigned)a[4]);
		break;
	case SYS_symlink: q->syscall = "symlink"; do_symlink(q, a[0], AT_FDCWD, a[1]); break;
	case SYS_symlinkat: q->syscall = "symlinkat"; do_symlink(q, a[0], (int)a[1], a[2]); break;
	case SYS_link: q->syscall = "link"; do_link(q, AT_FDCWD, a[0], AT_FDCWD, a[1], 0); break;
	case SYS_linkat:
		q->syscall = "linkat";
		do_link(q, (int)a[0], a[1], (int)a[2], a[3], (int)a[4]);
		break;
	case SYS_chmod: q->syscall = "chmod"; do_chmod(q, AT_FDCWD, a[0], (mode_t)a[1], 0); break;
	case SYS_fchmodat: q->syscall = "fchmodat"; do_chmod(q, (int)a[0], a[1], (mode_t)a[2], 0); break;
	case SYS_fchmodat2:
		q->syscall = "fchmodat2";
		do_chmod(q, (int)a[0], a[1], (mode_t)a[2], (int)a[3]);
		break;
	case SYS_truncate: q->syscall = "truncate"; do_truncate(q, a[0], (int64_t)a[1]); break;
	case SYS_chown: q->syscall = "chown"; do_chown(q, AT_FDCWD, a[0], (uid_t)a[1], (gid_t)a[2], 0); break;
	case SYS_lchown:
		q->syscall = "lchown";
		do_chown(q, AT_FDCWD, a[0], (uid_t)a[1], (gid_t)a[2], AT_SYMLINK_NOFOLLOW);
		break;
	case SYS_fchownat:
		q->syscall = "fchownat";
		do_chown(q, (int)a[0], a[1], (uid_t)a[2], (gid_t)a[3], (int)a[4]);
		break;
	case SYS_utimensat:
		q->syscall = "utimensat";
		do_utimens(q, (int)a[0], a[1], a[2], (int)a[3]);
		break;
	case SYS_mknod: q->syscall = "mknod"; do_mknod(q, AT_FDCWD, a[0], (mode_t)a[1], (dev_t)a[2]); break;
	case SYS_mknodat: q->syscall = "mknodat"; do_mknod(q, (int)a[0], a[1], (mode_t)a[2], (dev_t)a[3]); break;
	case SYS_setxattr:
		q->syscall = "setxattr";
		do_xattr(q, a[0], a[1], a[2], (size_t)a[3], (int)a[4], false, true);
		break;
	case SYS_lsetxattr:
		q->syscall = "lsetxattr";
		do_xattr(q, a[0], a[1], a[2], (size_t)a[3], (int)a[4], true, true);
		break;
	case SYS_removexattr: q->syscall = "removexattr"; do_xattr(q, a[0], a[1], 0, 0, 0, false, false); break;
	case SYS_lremovexattr: q->syscall = "lremovexattr"; do_xattr(q, a[0], a[1], 0, 0, 0, true, false); break;
	default:
		q->syscall = "unknown";
		notify_req_error(q, ENOSYS);
		break;
	}
}
