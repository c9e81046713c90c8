/* Emulated opens: open, openat, openat2, creat.
 *
 * An open is performed by the supervisor, never CONTINUEd: the path was
 * copied once, so a second thread of the target swapping it afterwards
 * changes nothing. Two routes (ADR 0060):
 *   - lexical_open, the common case: the path made absolute from the
 *     target's cwd, reduced lexically, decided, and opened once with
 *     RESOLVE_NO_SYMLINKS, so what is opened is exactly what was decided;
 *   - otherwise (a symlink on the way, O_PATH, O_TMPFILE, the target's own
 *     RESOLVE_BENEATH/IN_ROOT): resolved O_PATH as the target sees it
 *     (notify_resolve.c), its real path read back and decided, and only
 *     then reopened with the caller's flags through that same fd, so the
 *     decision is about the inode handed over, not about a string.
 * The result is injected with SECCOMP_IOCTL_NOTIF_ADDFD|SEND. */
#include "notify/notify_int.h"
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

/* Whether path is another process's /proc entry, for rules with
 * proc_own_only: /proc/<n>/... where n is neither the caller nor one of
 * its threads (/proc/<caller>/task/<n> lists the leader and every thread). */
static bool foreign_proc(const struct notify_req *q, const char *path)
{
	bool own_only = false;
	for (const struct notify_rules *r = q->rules; r; r = r->also)
		own_only |= r->proc_own_only;
	if (!own_only || strncmp(path, "/proc/", 6) != 0)
		return false;
	char *end;
	long n = strtol(path + 6, &end, 10);
	if (end == path + 6 || (*end && *end != '/') || n <= 0)
		return false;
	if (n == (long)q->pid)
		return false;
	char t[96];
	struct stat st;
	snprintf(t, sizeof(t), "/proc/%d/task/%ld", (int)q->pid, n);
	return stat(t, &st) != 0;
}

/* notify_decide_open, after the foreign /proc check. */
static struct notify_decision decide_open(const struct notify_req *q, const char *path, int flags)
{
	if (path && foreign_proc(q, path)) {
		struct notify_decision d = { NOTIFY_REFUSE, EACCES,
		                             "another process's /proc entry", NULL, { 0 } };
		return d;
	}
	return notify_decide_open(q->rules, path, flags);
}

/* The decision for an object we hold an fd of: its real path, or, for
 * pipes, sockets and anonymous inodes reached through /proc/self/fd, the
 * fact that the target already holds it. */
static struct notify_decision decide_fd(struct notify_req *q, int fd, int flags)
{
	int r = notify_real_path(q, fd, q->path, sizeof(q->path));
	if (r < 0) {
		struct notify_decision d = { NOTIFY_REFUSE, -r, "unreadable path of the opened file", NULL, { 0 } };
		return d;
	}
	if (q->path[0] != '/') {
		struct notify_decision d = { NOTIFY_ALLOW, 0, "an object the target already holds", NULL, { 0 } };
		return d;
	}
	return decide_open(q, q->path, flags);
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

static void do_open(struct notify_req *q, int dirfd, const char *path, int flags, mode_t mode,
                    uint64_t resolve);

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
	struct stat lst;
	if (!(flags & (O_EXCL | O_NOFOLLOW)) && fstatat(pfd, last, &lst, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(lst.st_mode)) {
		/* A dangling symlink: the kernel creates what it points to.
		 * Follow its text as the target would and start over, so the
		 * decision is about the file that will be created. */
		char text[PATH_MAX], next[PATH_MAX];
		ssize_t n = readlinkat(pfd, last, text, sizeof(text) - 1);
		close(pfd);
		if (n <= 0 || ++q->follows > 40) {
			notify_req_error(q, n <= 0 ? ENOENT : ELOOP);
			return;
		}
		text[n] = '\0';
		if (text[0] == '/')
			snprintf(next, sizeof(next), "%s", text);
		else if (notify_join_path(next, sizeof(next), parent, text) < 0) {
			notify_req_error(q, ENAMETOOLONG);
			return;
		}
		do_open(q, AT_FDCWD, next, flags, mode, resolve);
		return;
	}
	if (!notify_req_permit(q, decide_open(q, q->path, flags))) {
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

/* A symlink on the way of an existing file: resolve it (O_PATH, following,
 * in the target's root), read its real path back, decide on that, and
 * open the real path by name with RESOLVE_NO_SYMLINKS, so the object
 * opened is the one at the decided path (no reopen through /proc). False
 * sends the call to the general route (O_NOFOLLOW, a create, the file
 * gone or changed meanwhile, a path the target's root does not show). */
static bool resolved_open(struct notify_req *q, int root, const char *abs, int flags, uint64_t resolve)
{
	if (flags & (O_NOFOLLOW | O_CREAT))
		return false;
	uint64_t extra = resolve & (RESOLVE_NO_XDEV | RESOLVE_CACHED);
	struct open_how h = { .flags = (uint64_t)(O_PATH | O_CLOEXEC | (flags & O_DIRECTORY)),
	                      .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | extra };
	int p = notify_openat2(root, abs, &h);
	if (p < 0)
		return false;
	int r = notify_fd_path(p, q->path, sizeof(q->path));
	close(p);
	if (r < 0 || q->path[0] != '/' || notify_names_supervisor(q->path))
		return false;
	if (!notify_req_permit(q, decide_open(q, q->path, flags)))
		return true; /* decided on the real file: final */
	if (!notify_req_valid(q))
		return true;
	struct open_how how = { .flags = (uint64_t)(flags | O_CLOEXEC | O_NOCTTY),
	                        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | extra };
	int fd = notify_openat2(root, q->path, &how);
	if (fd == -ELOOP || fd == -ENOENT) {
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
	if (notify_lexical_path(abs, q->canon, sizeof(q->canon)) < 0 || notify_names_supervisor(q->canon))
		return false;
	int root = notify_root_get(q);
	if (root < 0)
		return false;
	snprintf(q->path, sizeof(q->path), "%s", q->canon);
	uint64_t res = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
	               (resolve & (RESOLVE_NO_XDEV | RESOLVE_CACHED));
	struct notify_decision d = decide_open(q, q->canon, flags);
	if (d.verdict == NOTIFY_REFUSE && notify_req_mode(q) == NOTIFY_ENFORCE) {
		/* Refused for this path: final only if no symlink leads
		 * elsewhere and the file exists (a create is decided on its
		 * folder by the general route). */
		struct open_how h = { .flags = O_PATH | O_CLOEXEC, .resolve = res };
		int fd = (flags & O_CREAT) ? -ELOOP : notify_openat2(root, abs, &h);
		if (fd == -ELOOP) {
			bool done = resolved_open(q, root, abs, flags, resolve);
			notify_root_put(q, root);
			return done;
		}
		notify_root_put(q, root);
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
	int fd = notify_openat2(root, abs, &how);
	if (flags & O_CREAT)
		umask(old);
	if (fd == -ELOOP) {
		q->record = false;
		bool done = resolved_open(q, root, abs, flags, resolve);
		notify_root_put(q, root);
		return done;
	}
	notify_root_put(q, root);
	if (fd < 0) {
		notify_req_error(q, -fd);
		return true;
	}
	q->answer = ANSWER_ADDFD;
	q->fd = fd;
	q->cloexec = flags & O_CLOEXEC;
	return true;
}

/* An O_PATH open, decided: SECCOMP_IOCTL_NOTIF_ADDFD refuses O_PATH files
 * (fget), and CONTINUE would let the path be swapped. A folder or regular
 * file the rules let the target read is handed over opened O_RDONLY
 * instead: it serves every O_PATH use (fstat, *at, fchdir, fexecve).
 * Anything else is refused (docs/notify.md). Closes opath. */
static void hand_over_opath(struct notify_req *q, int opath, const struct stat *st, int flags)
{
	int fd = -EACCES;
	if ((S_ISDIR(st->st_mode) || S_ISREG(st->st_mode)) &&
	    (q->path[0] != '/' || decide_open(q, q->path, O_RDONLY).verdict == NOTIFY_ALLOW))
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
}

static void do_open(struct notify_req *q, int dirfd, const char *path, int flags, mode_t mode,
                    uint64_t resolve)
{
	notify_format_open_flags(flags, q->flags, sizeof(q->flags));
	snprintf(q->path, sizeof(q->path), "%s", path);
	char magic[PATH_MAX];
	if (path[0] == '/' && magic_rewrite(q, path, magic, sizeof(magic)) && !(flags & O_CREAT)) {
		/* Through the magic link, the target's own this time, O_PATH
		 * first (no effect before the decision: a pipe's open, an
		 * O_TRUNC), then reopened with the caller's flags. */
		int opath = open(magic, O_PATH | O_CLOEXEC);
		struct stat st;
		if (opath < 0 || fstat(opath, &st) < 0) {
			notify_req_error(q, errno);
			if (opath >= 0)
				close(opath);
			return;
		}
		if (!notify_req_permit(q, decide_fd(q, opath, flags)) || !notify_req_valid(q)) {
			close(opath);
			return;
		}
		if (flags & O_PATH) {
			hand_over_opath(q, opath, &st, flags);
			return;
		}
		int fd = reopen(q, opath, flags & ~O_NOFOLLOW, 0);
		close(opath);
		if (fd < 0) {
			notify_req_error(q, -fd);
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
		hand_over_opath(q, opath, &st, flags);
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
