/* Emulated opens and the exec check.
 *
 * An open is performed by the supervisor, never CONTINUEd: the path was
 * copied once, so a second thread of the target swapping it afterwards
 * changes nothing. Resolution follows the target's view:
 *   - absolute paths: openat2(/proc/PID/root, path, RESOLVE_IN_ROOT), so
 *     ".." and absolute symlinks stay inside the target's root;
 *   - relative paths: openat2(/proc/PID/cwd or /proc/PID/fd/N, path,
 *     RESOLVE_BENEATH); when that refuses (EXDEV: ".." above the directory,
 *     an absolute symlink), the directory's path is verified against the
 *     target's root and the whole path is resolved IN_ROOT;
 *   - RESOLVE_NO_MAGICLINKS always: a /proc/<pid>/fd link followed by the
 *     supervisor would be the supervisor's.
 * The object is first opened O_PATH (no side effects), its real path is
 * read back (/proc/self/fd/N) and decided on, and only then reopened with
 * the caller's flags through that same fd, so the decision is about the
 * inode that is handed over, not about a string. */
#include "notify_int.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int sys_openat2(int dirfd, const char *path, struct open_how *how)
{
	long r = syscall(SYS_openat2, dirfd, path, how, sizeof(*how));
	return r < 0 ? -errno : (int)r;
}

int notify_real_path(struct notify_req *q, int fd, char *out, size_t size)
{
	if (fd >= 0 && fd == q->canon_fd) {
		if (strlen(q->canon) >= size)
			return -ENAMETOOLONG;
		strcpy(out, q->canon);
		return 0;
	}
	return notify_fd_path(fd, out, size);
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
	char p[64], line[256];
	snprintf(p, sizeof(p), "/proc/%d/status", (int)pid);
	FILE *f = fopen(p, "re");
	mode_t m = 022;
	if (!f)
		return m;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Umask:", 6) == 0) {
			m = (mode_t)strtoul(line + 6, NULL, 8) & 0777;
			break;
		}
	}
	fclose(f);
	return m;
}

/* Our O_PATH fd for the target's directory (AT_FDCWD = its cwd) or root. */
static int target_dir(pid_t pid, int dirfd)
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
	int check = sys_openat2(root, dpath, &dh);
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
	r = sys_openat2(root, full, &h);
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
			r = sys_openat2(root, path, &h);
			q->canon_fd = r;
		}
		if (r == -ELOOP) {
			q->canon_fd = -1;
			r = sys_openat2(root, path, &how);
		}
		notify_root_put(q, root);
		return r;
	}
	int dfd = target_dir(q->pid, dirfd);
	if (dfd < 0)
		return dfd;
	if (own_scope) {
		/* The target asked for openat2's scoping itself: it is
		 * relative to its dirfd, exactly as the kernel would do it. */
		int r = sys_openat2(dfd, path, &how);
		close(dfd);
		return r;
	}
	how.resolve |= RESOLVE_BENEATH;
	int r = sys_openat2(dfd, path, &how);
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
		int dfd = target_dir(q->pid, dirfd);
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

/* /proc/self/..., /dev/fd/N, /dev/std*: names whose meaning depends on who
 * asks. The supervisor cannot follow them for the target (they would name
 * the supervisor), so they are rewritten to the target's own /proc entry.
 * Returns true and fills out when path is one of them. */
static bool magic_rewrite(const struct notify_req *q, const char *path, char *out, size_t size)
{
	static const struct { const char *from; const char *to; } map[] = {
		{ "/dev/stdin", "fd/0" }, { "/dev/stdout", "fd/1" }, { "/dev/stderr", "fd/2" },
	};
	for (size_t i = 0; i < ARRAY_LEN(map); i++)
		if (strcmp(path, map[i].from) == 0) {
			snprintf(out, size, "/proc/%d/%s", (int)q->pid, map[i].to);
			return true;
		}
	const char *rest = NULL;
	if (strncmp(path, "/proc/self/", 11) == 0)
		rest = path + 11;
	else if (strncmp(path, "/proc/thread-self/", 18) == 0)
		rest = path + 18;
	else if (strncmp(path, "/dev/fd/", 8) == 0)
		rest = path + 5; /* keeps "fd/N" */
	if (!rest)
		return false;
	/* Never let ".." walk out of the target's own /proc entry. */
	for (const char *p = rest; (p = strstr(p, "..")); p += 2)
		if ((p == rest || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
			return false;
	int n = snprintf(out, size, "/proc/%d/%s", (int)q->pid, rest);
	return n > 0 && (size_t)n < size;
}

/* The decision for an object we hold an fd of: its real path, or, for
 * pipes, sockets and anonymous inodes reached through /proc/self/fd, the
 * fact that the target already holds it. */
static struct notify_decision decide_fd(struct notify_req *q, int fd, int flags)
{
	int r = 0;
	if (fd >= 0 && fd == q->canon_fd)
		snprintf(q->path, sizeof(q->path), "%s", q->canon);
	else
		r = notify_fd_path(fd, q->path, sizeof(q->path));
	if (r < 0) {
		struct notify_decision d = { NOTIFY_REFUSE, -r, "unreadable path of the opened file", NULL, { 0 } };
		return d;
	}
	if (q->path[0] != '/') {
		struct notify_decision d = { NOTIFY_ALLOW, 0, "an object the target already holds", NULL, { 0 } };
		return d;
	}
	return notify_decide_open(q->rules, q->path, flags);
}

/* Reopens an O_PATH fd with the caller's flags. The decision is taken, so
 * O_TRUNC may act now; O_CREAT/O_EXCL are spent, O_NOFOLLOW was applied
 * when the O_PATH fd was opened. */
static int reopen(struct notify_req *q, int opath, int flags, mode_t mode)
{
	char p[64];
	int f = (flags & ~(O_CREAT | O_EXCL | O_NOFOLLOW)) | O_CLOEXEC | O_NOCTTY;
	if ((flags & __O_TMPFILE) == __O_TMPFILE) {
		mode_t old = umask(notify_target_umask(q->pid));
		int fd = openat(opath, ".", f, mode);
		int e = errno;
		umask(old);
		return fd < 0 ? -e : fd;
	}
	snprintf(p, sizeof(p), "/proc/self/fd/%d", opath);
	struct stat st;
	if (fstat(opath, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) &&
	    !(flags & O_NONBLOCK))
		notify_req_may_block(q);
	int fd = open(p, f);
	return fd < 0 ? -errno : fd;
}

/* Creates the final component in its resolved parent. */
static void open_create(struct notify_req *q, int dirfd, const char *path, int flags, mode_t mode,
                        uint64_t resolve)
{
	const char *last;
	char lastbuf[NAME_MAX + 2];
	int pfd = notify_resolve_parent(q, dirfd, path, &last, lastbuf, sizeof(lastbuf));
	if (pfd < 0) {
		notify_req_error(q, -pfd);
		return;
	}
	if (last[0] == '\0' || path[strlen(path) - 1] == '/') {
		close(pfd);
		notify_req_error(q, EISDIR);
		return;
	}
	char parent[PATH_MAX];
	int r = notify_real_path(q, pfd, parent, sizeof(parent));
	if (r == 0 && strcmp(last, ".") != 0 && strcmp(last, "..") != 0)
		r = notify_join_path(q->path, sizeof(q->path), parent, last);
	else if (r == 0)
		snprintf(q->path, sizeof(q->path), "%s", parent);
	if (r < 0) {
		close(pfd);
		notify_req_error(q, -r);
		return;
	}
	if (!notify_req_permit(q, notify_decide_open(q->rules, q->path, flags))) {
		close(pfd);
		return;
	}
	if (!notify_req_valid(q)) {
		close(pfd);
		return;
	}
	/* One component in a directory we hold: RESOLVE_NO_SYMLINKS so a
	 * dangling symlink cannot create its target somewhere not decided. */
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC | O_NOCTTY),
		.mode = mode,
		.resolve = resolve | RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS,
	};
	mode_t old = umask(notify_target_umask(q->pid));
	long fd = syscall(SYS_openat2, pfd, last, &how, sizeof(how));
	int e = errno;
	umask(old);
	close(pfd);
	if (fd < 0) {
		notify_req_error(q, e == EXDEV ? EACCES : e);
		return;
	}
	q->answer = ANSWER_ADDFD;
	q->fd = (int)fd;
	q->cloexec = flags & O_CLOEXEC;
}

/* The common case, decided before anything is opened and performed in one
 * open: the path made absolute (the target's cwd or dirfd as the kernel
 * reports it, /proc/PID/cwd), reduced lexically, decided, then opened
 * with RESOLVE_NO_SYMLINKS so the object opened is the one at exactly
 * that path. A symlink anywhere on the way (ELOOP) or a refusal that may
 * be a symlink's doing sends the call to the general route (return
 * false). Saves the O_PATH open, the readlink and the reopen. */
static bool lexical_open(struct notify_req *q, int dirfd, const char *path, int flags, mode_t mode,
                         uint64_t resolve)
{
	char full[PATH_MAX];
	const char *abs = path;
	if ((flags & (O_PATH | __O_TMPFILE)) || (resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT)) || !path[0])
		return false;
	if (path[0] != '/') {
		char link[64], dir[PATH_MAX];
		if (dirfd == AT_FDCWD)
			snprintf(link, sizeof(link), "/proc/%d/cwd", (int)q->pid);
		else if (dirfd >= 0)
			snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)q->pid, dirfd);
		else
			return false;
		ssize_t n = readlink(link, dir, sizeof(dir) - 1);
		if (n <= 0 || dir[0] != '/')
			return false;
		dir[n] = '\0';
		if (n > 10 && strcmp(dir + n - 10, " (deleted)") == 0)
			return false;
		if (notify_join_path(full, sizeof(full), dir, path) < 0)
			return false;
		abs = full;
	}
	if (notify_lexical_path(abs, q->canon, sizeof(q->canon)) < 0)
		return false;
	int root = notify_root_get(q);
	if (root < 0)
		return false;
	snprintf(q->path, sizeof(q->path), "%s", q->canon);
	uint64_t res = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
	               (resolve & (RESOLVE_NO_XDEV | RESOLVE_CACHED));
	struct notify_decision d = notify_decide_open(q->rules, q->canon, flags);
	if (d.verdict == NOTIFY_REFUSE && notify_req_mode(q) == NOTIFY_ENFORCE) {
		/* Refused for this path: final only if no symlink leads
		 * elsewhere and the file exists (a create is decided on its
		 * folder by the general route). */
		struct open_how h = { .flags = O_PATH | O_CLOEXEC, .resolve = res };
		int fd = (flags & O_CREAT) ? -ELOOP : sys_openat2(root, abs, &h);
		notify_root_put(q, root);
		if (fd == -ELOOP)
			return false;
		if (fd >= 0) {
			close(fd);
			notify_req_permit(q, d);
		} else {
			notify_req_error(q, -fd);
		}
		return true;
	}
	notify_req_permit(q, d);
	if (!notify_req_valid(q)) {
		notify_root_put(q, root);
		return true;
	}
	struct open_how how = { .flags = (uint64_t)(flags | O_CLOEXEC | O_NOCTTY), .mode = mode, .resolve = res };
	mode_t old = 0;
	if (flags & O_CREAT)
		old = umask(notify_target_umask(q->pid));
	int fd = sys_openat2(root, abs, &how);
	if (flags & O_CREAT)
		umask(old);
	notify_root_put(q, root);
	if (fd == -ELOOP) {
		q->record = false;
		return false;
	}
	if (fd < 0) {
		notify_req_error(q, -fd);
		return true;
	}
	q->answer = ANSWER_ADDFD;
	q->fd = fd;
	q->cloexec = flags & O_CLOEXEC;
	return true;
}

static void do_open(struct notify_req *q, int dirfd, const char *path, int flags, mode_t mode,
                    uint64_t resolve)
{
	notify_format_open_flags(flags, q->flags, sizeof(q->flags));
	snprintf(q->path, sizeof(q->path), "%s", path);
	char magic[PATH_MAX];
	if (path[0] == '/' && magic_rewrite(q, path, magic, sizeof(magic)) && !(flags & O_CREAT)) {
		/* Opened like the kernel would: through the magic link, here the
		 * target's own. */
		int fd = open(magic, (flags & ~O_NOFOLLOW) | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			notify_req_error(q, errno);
			return;
		}
		if (!notify_req_permit(q, decide_fd(q, fd, flags)) || !notify_req_valid(q)) {
			close(fd);
			return;
		}
		q->answer = ANSWER_ADDFD;
		q->fd = fd;
		q->cloexec = flags & O_CLOEXEC;
		return;
	}
	if (lexical_open(q, dirfd, path, flags, mode, resolve))
		return;
	snprintf(q->path, sizeof(q->path), "%s", path);
	bool creat = flags & O_CREAT;
	bool tmpfile = (flags & __O_TMPFILE) == __O_TMPFILE;
	if (creat && (flags & O_EXCL)) {
		open_create(q, dirfd, path, flags, mode, resolve);
		return;
	}
	int pflags = O_PATH | (flags & (O_NOFOLLOW | O_DIRECTORY));
	if (tmpfile)
		pflags |= O_DIRECTORY;
	int opath = notify_resolve(q, dirfd, path, pflags, resolve);
	if (opath == -ENOENT && creat) {
		open_create(q, dirfd, path, flags, mode, resolve);
		return;
	}
	if (opath < 0) {
		notify_req_error(q, -opath);
		return;
	}
	struct stat st;
	if (fstat(opath, &st) < 0) {
		notify_req_error(q, errno);
		close(opath);
		return;
	}
	int dflags = tmpfile ? (flags | O_CREAT) : flags;
	if (!notify_req_permit(q, decide_fd(q, opath, dflags))) {
		close(opath);
		return;
	}
	if (!notify_req_valid(q)) {
		close(opath);
		return;
	}
	if (flags & O_PATH) {
		/* SECCOMP_IOCTL_NOTIF_ADDFD refuses O_PATH files (fget), and
		 * CONTINUE would let the path be swapped. A folder or regular
		 * file the rules let the target read is handed over opened
		 * O_RDONLY instead: it serves every O_PATH use (fstat, *at,
		 * fchdir, fexecve). Anything else is refused (docs/notify.md). */
		int fd = -EACCES;
		if ((S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)) &&
		    notify_decide_open(q->rules, q->path, O_RDONLY).verdict == NOTIFY_ALLOW)
			fd = reopen(q, opath, O_RDONLY | O_NONBLOCK | (flags & (O_DIRECTORY | O_CLOEXEC)), 0);
		close(opath);
		if (fd < 0) {
			q->detail = "O_PATH cannot be handed over (ADDFD refuses O_PATH files) and this file cannot be opened for reading";
			notify_req_error(q, -fd);
			return;
		}
		q->answer = ANSWER_ADDFD;
		q->fd = fd;
		q->cloexec = flags & O_CLOEXEC;
		return;
	}
	if (S_ISLNK(st.st_mode)) {
		/* O_NOFOLLOW met a symlink. */
		close(opath);
		notify_req_error(q, ELOOP);
		return;
	}
	if (creat && S_ISDIR(st.st_mode)) {
		close(opath);
		notify_req_error(q, EISDIR);
		return;
	}
	int fd = reopen(q, opath, flags, mode);
	close(opath);
	if (fd < 0) {
		notify_req_error(q, -fd);
		return;
	}
	q->answer = ANSWER_ADDFD;
	q->fd = fd;
	q->cloexec = flags & O_CLOEXEC;
}

void notify_handle_open(struct notify_req *q)
{
	const struct seccomp_data *d = &q->n->data;
	char path[PATH_MAX];
	int dirfd = AT_FDCWD, flags;
	mode_t mode = 0;
	uint64_t paddr, resolve = 0;
	switch (d->nr) {
	case SYS_open:
		q->syscall = "open";
		paddr = d->args[0], flags = (int)d->args[1], mode = (mode_t)d->args[2];
		break;
	case SYS_creat:
		q->syscall = "creat";
		paddr = d->args[0], flags = O_CREAT | O_WRONLY | O_TRUNC, mode = (mode_t)d->args[1];
		break;
	case SYS_openat:
		q->syscall = "openat";
		dirfd = (int)d->args[0], paddr = d->args[1], flags = (int)d->args[2];
		mode = (mode_t)d->args[3];
		break;
	default: { /* SYS_openat2 */
		q->syscall = "openat2";
		struct open_how how;
		size_t size = (size_t)d->args[3];
		if (size < 24 /* OPEN_HOW_SIZE_VER0 */) {
			notify_req_error(q, EINVAL);
			return;
		}
		if (size > 4096) {
			notify_req_error(q, E2BIG);
			return;
		}
		memset(&how, 0, sizeof(how));
		int r = notify_mem_read(q->pid, d->args[2], &how, size < sizeof(how) ? size : sizeof(how));
		if (r == 0 && size > sizeof(how)) {
			/* A newer struct: its extra bytes must be zero (E2BIG). */
			char extra[4096];
			r = notify_mem_read(q->pid, d->args[2] + sizeof(how), extra, size - sizeof(how));
			for (size_t i = 0; r == 0 && i < size - sizeof(how); i++)
				if (extra[i]) {
					notify_req_error(q, E2BIG);
					return;
				}
		}
		if (r < 0) {
			notify_req_error(q, -r);
			return;
		}
		if (how.flags > 0xffffffffULL || (how.mode & ~07777ULL) ||
		    (how.resolve & ~(uint64_t)(RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS |
		                               RESOLVE_BENEATH | RESOLVE_IN_ROOT | RESOLVE_CACHED))) {
			notify_req_error(q, EINVAL);
			return;
		}
		if (how.mode && !(how.flags & (O_CREAT | __O_TMPFILE))) {
			notify_req_error(q, EINVAL);
			return;
		}
		dirfd = (int)d->args[0], paddr = d->args[1], flags = (int)how.flags;
		mode = (mode_t)how.mode, resolve = how.resolve;
		break;
	}
	}
	if (!(flags & (O_CREAT | __O_TMPFILE)))
		mode = 0;
	mode &= 07777;
	ssize_t n = notify_mem_read_string(q->pid, paddr, path, sizeof(path));
	if (n < 0) {
		notify_req_error(q, (int)-n);
		return;
	}
	do_open(q, dirfd, path, flags, mode, resolve);
}

/* "#!/bin/sh -e" at the start of an executable: its interpreter's path. */
static bool read_interpreter(int opath, char *out, size_t size)
{
	char p[64], buf[256];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", opath);
	int fd = open(p, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 3 || buf[0] != '#' || buf[1] != '!')
		return false;
	buf[n] = '\0';
	char *s = buf + 2;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t len = strcspn(s, " \t\n");
	if (len == 0 || len >= size || s[len] == '\0')
		return false;
	memcpy(out, s, len);
	out[len] = '\0';
	return true;
}

void notify_handle_exec(struct notify_req *q)
{
	const struct seccomp_data *d = &q->n->data;
	char path[PATH_MAX];
	int dirfd = AT_FDCWD, flags = 0;
	uint64_t paddr;
	if (d->nr == SYS_execve) {
		q->syscall = "execve";
		paddr = d->args[0];
	} else {
		q->syscall = "execveat";
		dirfd = (int)d->args[0], paddr = d->args[1], flags = (int)d->args[4];
	}
	ssize_t n = notify_mem_read_string(q->pid, paddr, path, sizeof(path));
	if (n < 0) {
		notify_req_error(q, (int)-n);
		return;
	}
	snprintf(q->path, sizeof(q->path), "%s", path);
	int fd;
	if (path[0] == '\0' && (flags & AT_EMPTY_PATH)) {
		/* fexecve, memfds: the file behind the target's fd. */
		fd = target_dir(q->pid, dirfd);
	} else {
		int of = O_PATH | ((flags & AT_SYMLINK_NOFOLLOW) ? O_NOFOLLOW : 0);
		fd = notify_resolve(q, dirfd, path, of, 0);
	}
	if (fd < 0) {
		notify_req_error(q, -fd);
		return;
	}
	struct stat bin, interp;
	bool has_interp = false;
	char ipath[PATH_MAX];
	if (fstat(fd, &bin) < 0 || notify_real_path(q, fd, q->path, sizeof(q->path)) < 0) {
		notify_req_error(q, EACCES);
		close(fd);
		return;
	}
	struct notify_decision dec = notify_decide_exec(q->rules, q->path);
	if (dec.verdict == NOTIFY_ALLOW && read_interpreter(fd, ipath, sizeof(ipath))) {
		/* The kernel will run the interpreter: it needs the same right,
		 * and it is what /proc/PID/exe will show afterwards. */
		int ifd = notify_resolve(q, AT_FDCWD, ipath, O_PATH, 0);
		if (ifd >= 0 && fstat(ifd, &interp) == 0 &&
		    notify_fd_path(ifd, q->path2, sizeof(q->path2)) == 0) {
			has_interp = true;
			dec = notify_decide_exec(q->rules, q->path2);
		}
		if (ifd >= 0)
			close(ifd);
	}
	close(fd);
	if (!notify_req_permit(q, dec) || !notify_req_valid(q))
		return;
	if (q->rules->restrict_exec || q->rules->restrict_fs)
		notify_exec_expect(q, &bin, has_interp ? &interp : NULL);
	/* execve cannot be emulated: the kernel reads the path again.
	 * notify_exec_expect arranged the check of what actually ran. */
	q->answer = ANSWER_CONTINUE;
}
