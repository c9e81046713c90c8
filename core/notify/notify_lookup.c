/* Observation under monitor mode (can run -m, docs/adr/0072 and 0200):
 * opens, the stat family, access and readlink, and the execs the engine
 * let through, told to cfg.on_seen so that `can run -m` can report what
 * the view lacks.
 *
 * Nothing is decided here: every call is answered CONTINUE, so the kernel
 * performs it on the target's own arguments. That is sound only because
 * monitor mode enforces nothing through the engine (the mount view and
 * Landlock still apply, race-free); in enforce mode these calls are never
 * trapped. A target that swaps the path between our copy and the kernel's
 * can only make the report wrong, never widen what it may do.
 *
 * Cost is what the target waits for: one copy of the path (and, for a
 * relative one, a readlink of its cwd or dirfd) before the answer. Whether
 * the path exists in the view or on the host is the observer's business,
 * after the answer (notify_seen_report), once per distinct path. */
#include "notify/notify_int.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_faccessat2
#define SYS_faccessat2 439
#endif

/* Not readlink and readlinkat: realpath() walks every component of a
 * path with them (a C build: 100,000 of its 186,000 lookups, nearly all
 * of paths the view has), and a path a program only readlinks, never
 * opens or stats, does not need to be in the view for it to work
 * (docs/adr/0200). fstat (newfstatat/statx with AT_EMPTY_PATH) is left
 * to the kernel by the filter (sc_options.notify_skip_fd_stat). */
static const int lookups[] = {
	SYS_stat, SYS_lstat, SYS_newfstatat, SYS_statx, SYS_access, SYS_faccessat,
	SYS_faccessat2,
};

const int *notify_lookup_syscalls(size_t *n)
{
	*n = ARRAY_LEN(lookups);
	return lookups;
}

bool notify_is_lookup(int nr)
{
	for (size_t i = 0; i < ARRAY_LEN(lookups); i++)
		if (lookups[i] == nr)
			return true;
	return false;
}

static bool writes(int flags)
{
	return (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) != 0;
}

/* The directory a relative path starts from, as the target's view names
 * it: /proc/PID/cwd or /proc/PID/fd/N read as a link (the kernel prints
 * the path from the target's root, which is what a recipe names). */
static int target_base(pid_t pid, int dirfd, char *out, size_t size)
{
	char link[64];
	if (dirfd == AT_FDCWD)
		snprintf(link, sizeof(link), "/proc/%d/cwd", (int)pid);
	else
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, dirfd);
	ssize_t n = readlink(link, out, size - 1);
	if (n <= 0 || out[0] != '/')
		return -1;
	out[n] = '\0';
	return 0;
}

static void hide_lookup(struct notify_req *q);

void notify_handle_lookup(struct notify_req *q)
{
	q->answer = ANSWER_CONTINUE;
	const struct notify_config *c = notify_req_config(q);
	if (notify_req_mode(q) != NOTIFY_MONITOR && q->rules && q->rules->hidden_errno) {
		hide_lookup(q);
		return;
	}
	if (notify_req_mode(q) != NOTIFY_MONITOR || !c->on_seen)
		return;
	const __u64 *a = q->n->data.args;
	int dirfd = AT_FDCWD;
	__u64 paddr;
	enum notify_seen kind = NOTIFY_SEEN_LOOKUP;
	switch (q->n->data.nr) {
	case SYS_open:
		paddr = a[0];
		kind = writes((int)a[1]) ? NOTIFY_SEEN_WRITE : kind;
		break;
	case SYS_creat:
		paddr = a[0];
		kind = NOTIFY_SEEN_WRITE;
		break;
	case SYS_openat:
		dirfd = (int)a[0], paddr = a[1];
		kind = writes((int)a[2]) ? NOTIFY_SEEN_WRITE : kind;
		break;
	case SYS_openat2: {
		struct open_how how = { 0 };
		dirfd = (int)a[0], paddr = a[1];
		if (a[3] >= sizeof(how.flags) && notify_mem_read(q->pid, a[2], &how.flags, sizeof(how.flags)) == 0)
			kind = writes((int)how.flags) ? NOTIFY_SEEN_WRITE : kind;
		break;
	}
	case SYS_stat:
	case SYS_lstat:
	case SYS_access:
		paddr = a[0];
		break;
	default: /* the *at lookups: (dirfd, path, ...) */
		dirfd = (int)a[0], paddr = a[1];
		break;
	}
	char path[PATH_MAX];
	if (notify_mem_read_string(q->pid, paddr, path, sizeof(path)) <= 0)
		return; /* "" (AT_EMPTY_PATH: an fd, not a lookup) or unreadable */
	if (path[0] == '/') {
		snprintf(q->path, sizeof(q->path), "%s", path);
	} else {
		/* Relative: joined to the base now, while the target waits (its
		 * cwd may change as soon as it runs). */
		char base[PATH_MAX];
		if (target_base(q->pid, dirfd, base, sizeof(base)) < 0 ||
		    notify_join_path(q->path, sizeof(q->path), base, path) < 0)
			return;
	}
	q->seen = kind;
}

void notify_seen_report(struct notify_req *q)
{
	const struct notify_config *c = notify_req_config(q);
	if (q->seen == NOTIFY_SEEN_NONE || !c->on_seen || !q->path[0])
		return;
	c->on_seen(q->seen, q->path, q->path2[0] ? q->path2 : NULL, c->ctx);
}

/* Without a mount view (can run --allow-degraded=userns, docs/adr/0240)
 * the access family is trapped so that a path the view lacks is absent to
 * it too: tools such as git access() a config file, then treat a failed
 * open of it as fatal. Only the answer ENOENT depends on the copied path;
 * an allowed lookup is CONTINUEd (a swapped path then learns whether some
 * file exists, never its content: opens are emulated). */
static void hide_lookup(struct notify_req *q)
{
	const __u64 *a = q->n->data.args;
	int dirfd = AT_FDCWD;
	__u64 paddr;
	switch (q->n->data.nr) {
	case SYS_access:
		paddr = a[0];
		break;
	case SYS_faccessat:
	case SYS_faccessat2:
		dirfd = (int)a[0], paddr = a[1];
		break;
	default:
		return; /* the stat family: not decided (ADR 0240) */
	}
	char path[PATH_MAX], joined[PATH_MAX], lex[PATH_MAX];
	if (notify_mem_read_string(q->pid, paddr, path, sizeof(path)) <= 0)
		return;
	const char *abs = path;
	if (path[0] != '/') {
		char base[PATH_MAX];
		if (target_base(q->pid, dirfd, base, sizeof(base)) < 0 ||
		    notify_join_path(joined, sizeof(joined), base, path) < 0)
			return;
		abs = joined;
	}
	if (notify_lexical_path(abs, lex, sizeof(lex)) < 0)
		return;
	struct notify_decision d = notify_decide_lookup(q->rules, lex);
	if (d.verdict == NOTIFY_REFUSE)
		notify_req_error(q, d.err);
}
