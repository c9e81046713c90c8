/* Performs the mount plan with the new mount API (open_tree, fsopen,
 * fsmount, mount_setattr, move_mount).
 *
 * Two phases, so that no host path is looked up after anything was mounted:
 *  1. every host source is opened with openat2(RESOLVE_NO_SYMLINKS) and
 *     cloned into a detached mount (open_tree OPEN_TREE_CLONE); the flags
 *     (read-only, nosuid, nodev) are set on the detached tree with
 *     mount_setattr, which only adds flags and so keeps the flags the host
 *     locked on us. A source whose last component is a symlink is not bound:
 *     the symlink is recreated inside, where it can only reach what the plan
 *     shows. A symlink earlier on the way skips an optional entry and fails a
 *     required one: nothing is followed out of place.
 *  2. the new root is mounted and every mountpoint is created or opened
 *     component by component beneath it without following symlinks; the
 *     detached trees are attached by fd (move_mount), then pivot_root. */
#include "sandbox/mount_exec.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int fail_msg(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail_msg(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}
#define ERR(...) fail_msg(err, errlen, __VA_ARGS__)
#define ERRNO(what, path) ERR("%s %s: %s: %s", what, path, errno_name(errno), strerror(errno))

static int openat2_path(int dirfd, const char *path, int flags, unsigned long long resolve)
{
	struct open_how how = { .flags = (unsigned long long)flags | O_CLOEXEC, .resolve = resolve };
	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

/* One host source, looked up in phase 1. */
struct src {
	int tree;        /* detached clone, or -1 */
	char *link;      /* symlink target to recreate, or NULL */
	bool is_dir;
};

static int set_attr(int fd, unsigned long long set, bool recursive)
{
	struct mount_attr a = { .attr_set = set };
	return mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a, sizeof(a));
}

static int mkpath(int root, const char *path, bool dir, char *err, size_t errlen);

/* mkdir of the last component of an absolute path, in its parent opened
 * without following symlinks. -1 with errno (ENOENT: no parent). */
static int make_last_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path || slash[1] == '\0') {
		errno = EINVAL;
		return -1;
	}
	char *parent = xstrndup(path, (size_t)(slash - path));
	int dfd = openat2_path(AT_FDCWD, parent, O_PATH | O_DIRECTORY,
			       RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
	int e = errno;
	free(parent);
	if (dfd < 0) {
		errno = e == ENOTDIR ? ENOENT : e;
		return -1;
	}
	int r = mkdirat(dfd, slash + 1, 0755);
	e = errno;
	close(dfd);
	errno = e;
	return r;
}

/* Phase 1 for one bind. Returns 0 (src filled, or tree -1 and link NULL
 * when an optional source is missing), -1 on error. */
static int open_source(const struct mnt_op *op, struct src *s, char *err, size_t errlen)
{
	*s = (struct src){ .tree = -1 };
	int fd = openat2_path(AT_FDCWD, op->src, O_PATH | O_NOFOLLOW,
			      RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
	if (fd < 0 && errno == ENOENT && op->create && op->kind == MNT_BIND_RO) {
		/* A protected folder of the cwd (.git/hooks, .git/modules) that
		 * does not exist yet: left missing, the writable cwd would let
		 * the sandbox create it and plant code that git runs later. It
		 * is made empty on the host, but only when its parent (.git)
		 * exists: a cwd that is no repository does not get one. */
		if (make_last_dir(op->src) < 0 && errno != ENOENT && errno != EEXIST)
			return ERRNO("create", op->src);
		fd = openat2_path(AT_FDCWD, op->src, O_PATH | O_NOFOLLOW,
				  RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
	} else if (fd < 0 && errno == ENOENT && op->create) {
		/* An allow_write folder under $HOME that does not exist yet (a
		 * cache a recipe names): made empty, without following symlinks. */
		int host_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		int made = host_root < 0 ? -1 : mkpath(host_root, op->src, true, err, errlen);
		if (host_root >= 0)
			close(host_root);
		if (made < 0)
			return -1;
		close(made);
		fd = openat2_path(AT_FDCWD, op->src, O_PATH | O_NOFOLLOW,
				  RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
	}
	if (fd < 0) {
		/* ENOTDIR: a folder on the way is a file (.git/config where
		 * .git is a worktree's file), so the path does not exist. */
		if (op->need == MNT_OPTIONAL && (errno == ENOENT || errno == ENOTDIR))
			return 0;
		if (op->need == MNT_OPTIONAL && errno == ELOOP) {
			can_warn("filesystem: allow '%s' skipped: a folder on the way is a symlink "
				 "(list the real path instead)", op->src);
			return 0;
		}
		if (errno == ELOOP)
			return ERR("open %s: ELOOP: a folder on the way is a symlink, which is not "
				   "followed (use the real path)", op->src);
		return ERRNO("open", op->src);
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return ERRNO("stat", op->src);
	}
	if (S_ISLNK(st.st_mode)) {
		char buf[PATH_MAX];
		ssize_t n = readlinkat(fd, "", buf, sizeof(buf) - 1);
		close(fd);
		if (n < 0)
			return ERRNO("readlink", op->src);
		buf[n] = '\0';
		s->link = xstrdup(buf);
		return 0;
	}
	if (op->not_dir && S_ISDIR(st.st_mode)) {
		close(fd);
		return 0;
	}
	s->is_dir = S_ISDIR(st.st_mode);
	s->tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	close(fd);
	if (s->tree < 0)
		return ERRNO("bind", op->src);
	unsigned long long attr = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
	if (op->kind == MNT_BIND_RO)
		attr |= MOUNT_ATTR_RDONLY;
	if (set_attr(s->tree, attr, true) < 0) {
		close(s->tree);
		s->tree = -1;
		return ERRNO("make read-only", op->src);
	}
	return 0;
}

/* Opens (creating when missing) `path` beneath root without following any
 * symlink; the last component is a directory or an empty file. */
static int mkpath(int root, const char *path, bool dir, char *err, size_t errlen)
{
	int cur = fcntl(root, F_DUPFD_CLOEXEC, 3);
	char *copy = xstrdup(path), *save = NULL;
	char *comp = strtok_r(copy, "/", &save);
	while (comp && cur >= 0) {
		char *next = strtok_r(NULL, "/", &save);
		bool last = next == NULL;
		int fd = openat2_path(cur, comp, O_PATH | O_NOFOLLOW,
				      RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH);
		if (fd < 0 && errno == ENOENT) {
			if (!last || dir) {
				if (mkdirat(cur, comp, 0755) < 0 && errno != EEXIST)
					goto fail;
			} else {
				int f = openat(cur, comp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
				if (f < 0 && errno != EEXIST)
					goto fail;
				if (f >= 0)
					close(f);
			}
			fd = openat2_path(cur, comp, O_PATH | O_NOFOLLOW,
					  RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH);
		}
		if (fd < 0)
			goto fail;
		close(cur);
		cur = fd;
		comp = next;
	}
	free(copy);
	return cur;
fail:
	ERRNO("create mountpoint", path);
	close(cur);
	free(copy);
	return -1;
}

static int attach(int tree, int root, const char *dst, bool dir, char *err, size_t errlen)
{
	int mp = mkpath(root, dst, dir, err, errlen);
	if (mp < 0)
		return -1;
	int r = move_mount(tree, "", mp, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
	int e = errno;
	close(mp);
	errno = e;
	if (r < 0)
		return ERRNO("mount at", dst);
	return 0;
}

/* A new filesystem instance as a detached mount. */
static int new_fs(const char *type, const char *const *opts, unsigned attr)
{
	int fs = fsopen(type, FSOPEN_CLOEXEC);
	if (fs < 0)
		return -1;
	for (; opts && opts[0]; opts += 2) {
		int r = opts[1] ? fsconfig(fs, FSCONFIG_SET_STRING, opts[0], opts[1], 0)
				: fsconfig(fs, FSCONFIG_SET_FLAG, opts[0], NULL, 0);
		if (r < 0)
			goto fail;
	}
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		goto fail;
	int m = fsmount(fs, FSMOUNT_CLOEXEC, attr);
	int e = errno;
	close(fs);
	errno = e;
	return m;
fail:
	e = errno;
	close(fs);
	errno = e;
	return -1;
}

static int mount_new_fs(int root, const char *type, const char *const *opts, unsigned attr,
			const char *dst, char *err, size_t errlen)
{
	int m = new_fs(type, opts, attr);
	if (m < 0)
		return ERR("mount %s at %s: %s: %s", type, dst, errno_name(errno), strerror(errno));
	int r = attach(m, root, dst, true, err, errlen);
	close(m);
	return r;
}

static int bind_null(int root, int null_fd, const char *dst, char *err, size_t errlen)
{
	if (null_fd < 0)
		return ERR("mask %s: /dev/null is not available", dst);
	int t = open_tree(null_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (t < 0)
		return ERRNO("bind /dev/null over", dst);
	if (set_attr(t, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, false) < 0) {
		close(t);
		return ERRNO("make read-only", dst);
	}
	int r = attach(t, root, dst, false, err, errlen);
	close(t);
	return r;
}

/* The empty file deny binds over files: it lives in the new root until the
 * covers are made, then is unlinked (the binds keep it). */
#define EMPTY_FILE ".can-empty"

static int bind_empty(int root, const char *dst, char *err, size_t errlen)
{
	int t = open_tree(root, EMPTY_FILE, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (t < 0)
		return ERRNO("bind an empty file over", dst);
	if (set_attr(t, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
		     false) < 0) {
		close(t);
		return ERRNO("make read-only", dst);
	}
	int r = attach(t, root, dst, false, err, errlen);
	close(t);
	return r;
}

/* deny: an empty read-only directory over a directory, an empty read-only
 * file over anything else (writes fail with EROFS). mask: /dev/null over a
 * file (reads are empty, writes vanish). Nothing when the path is absent
 * inside or is a symlink (which can only lead to what the plan shows). */
static int cover(int root, int null_fd, const char *dst, bool mask, char *err, size_t errlen)
{
	int fd = openat2_path(root, dst + 1, O_PATH | O_NOFOLLOW, RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH);
	if (fd < 0)
		return (errno == ENOENT || errno == ELOOP || errno == ENOTDIR) ? 0 : ERRNO("look up", dst);
	struct stat st;
	int r = fstat(fd, &st);
	close(fd);
	if (r < 0)
		return ERRNO("stat", dst);
	if (S_ISLNK(st.st_mode))
		return 0;
	if (S_ISDIR(st.st_mode)) {
		static const char *const o[] = { "mode", "0755", "size", "4k", NULL };
		return mount_new_fs(root, "tmpfs", o,
				    MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
					    MOUNT_ATTR_NOEXEC,
				    dst, err, errlen);
	}
	return mask ? bind_null(root, null_fd, dst, err, errlen) : bind_empty(root, dst, err, errlen);
}

static int setup_dev(int root, const int *nodes, char *err, size_t errlen)
{
	static const char *const o[] = { "mode", "0755", NULL };
	if (mount_new_fs(root, "tmpfs", o, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, "/dev", err,
			 errlen) < 0)
		return -1;
	for (size_t i = 0; mount_dev_nodes[i]; i++)
		if (nodes[i] >= 0 && attach(nodes[i], root, mount_dev_nodes[i], false, err, errlen) < 0)
			return -1;
	static const char *const pts[] = { "newinstance", NULL, "ptmxmode", "0666", "mode", "0620", NULL };
	if (mount_new_fs(root, "devpts", pts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, "/dev/pts", err,
			 errlen) < 0)
		return -1;
	static const char *const shm[] = { "mode", "1777", NULL };
	if (mount_new_fs(root, "tmpfs", shm, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, "/dev/shm", err,
			 errlen) < 0)
		return -1;
	static const char *const links[][2] = {
		{ "pts/ptmx", "dev/ptmx" },        { "/proc/self/fd", "dev/fd" },
		{ "/proc/self/fd/0", "dev/stdin" }, { "/proc/self/fd/1", "dev/stdout" },
		{ "/proc/self/fd/2", "dev/stderr" },
	};
	for (size_t i = 0; i < ARRAY_LEN(links); i++)
		if (symlinkat(links[i][0], root, links[i][1]) < 0)
			return ERRNO("symlink", links[i][1]);
	return 0;
}

static int setup_proc(int root, int null_fd, char *err, size_t errlen)
{
	if (mount_new_fs(root, "proc", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
			 "/proc", err, errlen) < 0)
		return -1;
	for (size_t i = 0; mount_proc_masked[i]; i++)
		if (cover(root, null_fd, mount_proc_masked[i], true, err, errlen) < 0)
			return -1;
	int t = open_tree(root, "proc/sys", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (t < 0)
		return ERRNO("bind", "/proc/sys");
	int r = set_attr(t, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
			 true);
	if (r < 0)
		r = ERRNO("make read-only", "/proc/sys");
	else
		r = attach(t, root, "/proc/sys", true, err, errlen);
	close(t);
	return r;
}

int mount_exec(const struct mount_plan *pl, char *err, size_t errlen)
{
	int rc = -1, root = -1, null_fd = -1;
	int nodes[16];
	struct src *srcs = xcalloc(pl->n, sizeof(*srcs));
	char **extra_hide = xcalloc(pl->n + 1, sizeof(char *));
	size_t n_extra = 0;
	for (size_t i = 0; i < ARRAY_LEN(nodes); i++)
		nodes[i] = -1;
	for (size_t i = 0; i < pl->n; i++)
		srcs[i].tree = -1;

	/* Nothing we do may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		ERRNO("make mounts private", "/");
		goto out;
	}

	/* Phase 1: host lookups. */
	null_fd = openat2_path(AT_FDCWD, "/dev/null", O_PATH | O_NOFOLLOW, RESOLVE_NO_SYMLINKS);
	for (size_t i = 0; i < ARRAY_LEN(nodes) && mount_dev_nodes[i]; i++) {
		int fd = openat2_path(AT_FDCWD, mount_dev_nodes[i], O_PATH | O_NOFOLLOW,
				      RESOLVE_NO_SYMLINKS);
		if (fd < 0)
			continue;
		nodes[i] = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
		close(fd);
		if (nodes[i] >= 0 && set_attr(nodes[i], MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, false) < 0) {
			ERRNO("bind", mount_dev_nodes[i]);
			goto out;
		}
	}
	for (size_t i = 0; i < pl->n; i++) {
		const struct mnt_op *op = &pl->ops[i];
		if (op->kind == MNT_BIND_RO || op->kind == MNT_BIND_RW) {
			if (open_source(op, &srcs[i], err, errlen) < 0)
				goto out;
		} else if (op->kind == MNT_HIDE) {
			/* A denied symlink: hide where it leads too, if the plan shows it. */
			char *real = realpath(op->src, NULL);
			if (real && strcmp(real, op->src) != 0)
				extra_hide[n_extra++] = real;
			else
				free(real);
		}
	}

	/* Phase 2: build the new root. It is attached over /tmp of this (private)
	 * mount namespace only long enough to pivot into it. */
	static const char *const ro[] = { "mode", "0755", NULL };
	int m = new_fs("tmpfs", ro, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	if (m < 0) {
		ERRNO("mount tmpfs", "root");
		goto out;
	}
	if (move_mount(m, "", AT_FDCWD, "/tmp", MOVE_MOUNT_F_EMPTY_PATH) < 0) {
		ERRNO("mount new root at", "/tmp");
		close(m);
		goto out;
	}
	close(m);
	root = open("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		ERRNO("open", "new root");
		goto out;
	}
	int ef = openat(root, EMPTY_FILE, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0444);
	if (ef < 0) {
		ERRNO("create", "an empty file");
		goto out;
	}
	close(ef);

	for (size_t i = 0; i < pl->n; i++) {
		const struct mnt_op *op = &pl->ops[i];
		struct src *s = &srcs[i];
		static const char *const tmp[] = { "mode", "1777", NULL };
		switch (op->kind) {
		case MNT_ROOT_TMPFS:
			break;
		case MNT_TMPFS:
			if (mount_new_fs(root, "tmpfs", tmp, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, op->dst,
					 err, errlen) < 0)
				goto out;
			break;
		case MNT_DEV:
			if (setup_dev(root, nodes, err, errlen) < 0)
				goto out;
			break;
		case MNT_PROC:
			if (setup_proc(root, null_fd, err, errlen) < 0)
				goto out;
			break;
		case MNT_BIND_RO:
		case MNT_BIND_RW:
			if (s->link) {
				char *slash = strrchr(op->dst, '/');
				char *parent = xstrndup(op->dst, (size_t)(slash - op->dst));
				int pfd = mkpath(root, parent, true, err, errlen);
				free(parent);
				if (pfd < 0)
					goto out;
				int r = symlinkat(s->link, pfd, slash + 1);
				close(pfd);
				if (r < 0 && errno != EEXIST) {
					ERRNO("symlink", op->dst);
					goto out;
				}
			} else if (s->tree >= 0) {
				if (attach(s->tree, root, op->dst, s->is_dir, err, errlen) < 0)
					goto out;
			}
			break;
		case MNT_HIDE:
		case MNT_MASK:
			if (cover(root, null_fd, op->dst, op->kind == MNT_MASK, err, errlen) < 0)
				goto out;
			break;
		}
	}
	for (size_t i = 0; i < n_extra; i++)
		if (cover(root, null_fd, extra_hide[i], false, err, errlen) < 0)
			goto out;

	if (unlinkat(root, EMPTY_FILE, 0) < 0) {
		ERRNO("unlink", "the empty file");
		goto out;
	}

	/* /dev is complete: make its tmpfs read-only (pts and shm stay as they are). */
	int dev = openat2_path(root, "dev", O_PATH | O_DIRECTORY, RESOLVE_NO_SYMLINKS);
	if (dev < 0 || set_attr(dev, MOUNT_ATTR_RDONLY, false) < 0) {
		ERRNO("make read-only", "/dev");
		if (dev >= 0)
			close(dev);
		goto out;
	}
	close(dev);

	if (fchdir(root) < 0 || syscall(SYS_pivot_root, ".", ".") < 0) {
		ERRNO("pivot_root into", "the new root");
		goto out;
	}
	if (umount2(".", MNT_DETACH) < 0) {
		ERRNO("detach", "the old root");
		goto out;
	}
	if (chdir("/") < 0) {
		ERRNO("chdir", "/");
		goto out;
	}
	rc = 0;
out:
	for (size_t i = 0; i < pl->n; i++) {
		if (srcs[i].tree >= 0)
			close(srcs[i].tree);
		free(srcs[i].link);
	}
	for (size_t i = 0; i < ARRAY_LEN(nodes); i++)
		if (nodes[i] >= 0)
			close(nodes[i]);
	for (size_t i = 0; i < n_extra; i++)
		free(extra_hide[i]);
	free(extra_hide);
	free(srcs);
	if (null_fd >= 0)
		close(null_fd);
	if (root >= 0)
		close(root);
	return rc;
}
