/* What `can run -m` does with what the engine saw (notify_config.on_seen,
 * docs/adr/0200): each distinct path once, after the target was answered.
 *
 * A path looked up is reported when the sandbox's view lacks it and the
 * host has it: resolved in the sandbox's root (an fd opened once, while
 * the command waits for its listener to be taken) with RESOLVE_IN_ROOT,
 * and lstat'ed on the host. A path written that neither has is reported
 * by its parent folder when that is what the view lacks (a cache folder
 * the tool would create files in). A path that a deny or mask rule hides
 * is reported as hidden, never as something to allow. Every program run
 * is reported (and its interpreter). The path strings are the target's:
 * normalised here, only looked at, never used to decide anything. */
#include "lang/path_group.h"
#include "sandbox/run_notify.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct run_monitor {
	pthread_mutex_t *lock; /* the report's, also guards seen[] */
	struct run_report *report;
	int root;              /* the sandbox's root, -1 until known */
	char **hide;           /* [filesystem] deny and mask */
	size_t nhide;
	char **seen;           /* open-addressing set of "K/path" */
	size_t nseen, capseen;
};

struct run_monitor *run_monitor_new(const struct policy *p, struct run_report *report,
                                    pthread_mutex_t *lock)
{
	struct run_monitor *m = xcalloc(1, sizeof(*m));
	m->lock = lock;
	m->report = report;
	m->root = -1;
	const struct plist *l[] = { &p->fs.deny, &p->fs.mask };
	for (size_t k = 0; k < ARRAY_LEN(l); k++)
		for (size_t i = 0; i < l[k]->n; i++)
			strv_push(&m->hide, &m->nhide, xstrdup(l[k]->v[i].s));
	m->capseen = 4096;
	m->seen = xcalloc(m->capseen, sizeof(*m->seen));
	return m;
}

void run_monitor_set_root(struct run_monitor *m, int root_fd) { m->root = root_fd; }

void run_monitor_free(struct run_monitor *m)
{
	if (!m)
		return;
	if (m->root >= 0)
		close(m->root);
	strv_free(m->hide, m->nhide);
	for (size_t i = 0; i < m->capseen; i++)
		free(m->seen[i]);
	free(m->seen);
	free(m);
}

static size_t hash(const char *s)
{
	size_t h = 14695981039346656037u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

/* Adds key; false when it was there already. Lock held. */
static bool seen_add(struct run_monitor *m, const char *key)
{
	if (2 * (m->nseen + 1) > m->capseen) {
		size_t cap = m->capseen * 2;
		char **v = xcalloc(cap, sizeof(*v));
		for (size_t i = 0; i < m->capseen; i++)
			if (m->seen[i]) {
				size_t j = hash(m->seen[i]) & (cap - 1);
				while (v[j])
					j = (j + 1) & (cap - 1);
				v[j] = m->seen[i];
			}
		free(m->seen);
		m->seen = v;
		m->capseen = cap;
	}
	size_t j = hash(key) & (m->capseen - 1);
	for (; m->seen[j]; j = (j + 1) & (m->capseen - 1))
		if (strcmp(m->seen[j], key) == 0)
			return false;
	m->seen[j] = xstrdup(key);
	m->nseen++;
	return true;
}

static void report(struct run_monitor *m, const char *kind, const char *path)
{
	pthread_mutex_lock(m->lock);
	run_report_add_item(m->report, kind, path);
	pthread_mutex_unlock(m->lock);
}

/* Whether the sandbox's view has the name (a symlink counts: O_NOFOLLOW). */
static bool in_view(struct run_monitor *m, const char *path)
{
	struct open_how how = { .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
		                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	int fd = (int)syscall(SYS_openat2, m->root, path[1] ? path + 1 : ".", &how, sizeof(how));
	if (fd >= 0) {
		close(fd);
		return true;
	}
	return errno != ENOENT; /* ENOTDIR, EACCES...: not something a recipe fixes */
}

static bool on_host(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

static bool hidden(const struct run_monitor *m, const char *path)
{
	for (size_t i = 0; i < m->nhide; i++)
		if (notify_path_covers(m->hide[i], path))
			return true;
	return false;
}

/* The sandbox's own trees: never a recipe's business. */
static bool own_tree(const char *path)
{
	static const char *const own[] = { "/proc", "/dev", "/sys", "/tmp" };
	for (size_t i = 0; i < ARRAY_LEN(own); i++)
		if (notify_path_covers(own[i], path))
			return true;
	return false;
}

/* A lookup in a known cache the view lacks (lang/path_group.h): the
 * cache folder is reported as written, whether or not it exists on the
 * host yet (a tool stats, then mkdirs, and the mkdir fails inside: it is
 * never seen as a write). can creates a missing allow_write folder: one
 * that is not on the host is reported only for a lookup below it (ccache
 * probes ~/.ccache, which would then be made and preferred). Once per
 * cache; its parent must be on the host. Lock not held. */
static void seen_cache(struct run_monitor *m, const char *norm)
{
	size_t a = path_group_cache(m->report->home, norm);
	if (!a || (norm[a] == '\0' && !on_host(norm)))
		return;
	char dir[PATH_MAX + 2];
	snprintf(dir, sizeof(dir), "c%.*s", (int)a, norm);
	pthread_mutex_lock(m->lock);
	bool fresh = seen_add(m, dir);
	pthread_mutex_unlock(m->lock);
	if (!fresh || in_view(m, dir + 1))
		return;
	char *slash = strrchr(dir + 1, '/');
	struct stat st;
	*slash = '\0';
	bool parent = lstat(dir + 1, &st) == 0 && S_ISDIR(st.st_mode);
	*slash = '/';
	if (parent)
		report(m, hidden(m, dir + 1) ? "hidden" : "write", dir + 1);
}

static void seen_path(struct run_monitor *m, bool write, const char *norm)
{
	if (own_tree(norm) || m->root < 0 || in_view(m, norm))
		return;
	seen_cache(m, norm);
	if (on_host(norm)) {
		report(m, hidden(m, norm) ? "hidden" : write ? "write" : "path", norm);
		return;
	}
	if (!write)
		return;
	/* Created: what the view lacks is the folder it goes in. */
	char parent[PATH_MAX + 2];
	snprintf(parent, sizeof(parent), "%s", norm);
	char *slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return;
	*slash = '\0';
	struct stat st;
	if (!own_tree(parent) && !in_view(m, parent) && lstat(parent, &st) == 0 && S_ISDIR(st.st_mode))
		report(m, hidden(m, parent) ? "hidden" : "write", parent);
}

void run_monitor_seen(enum notify_seen kind, const char *path, const char *path2, void *ctx)
{
	struct run_monitor *m = ctx;
	char norm[PATH_MAX + 2];
	/* K/path: a path read and later written is looked at twice. */
	norm[0] = kind == NOTIFY_SEEN_EXEC ? 'x' : kind == NOTIFY_SEEN_WRITE ? 'w' : 'r';
	if (notify_normalize_path(path, norm + 1, sizeof(norm) - 1) < 0)
		return;
	pthread_mutex_lock(m->lock);
	bool fresh = seen_add(m, norm);
	pthread_mutex_unlock(m->lock);
	if (kind == NOTIFY_SEEN_EXEC) {
		/* Every program, counted each time (allowed: the report lists
		 * them in the recipe, the summary only counts them). */
		report(m, "ran", norm + 1);
		if (path2 && notify_normalize_path(path2, norm + 1, sizeof(norm) - 1) == 0)
			report(m, "ran", norm + 1);
		return;
	}
	if (fresh)
		seen_path(m, kind == NOTIFY_SEEN_WRITE, norm + 1);
}
