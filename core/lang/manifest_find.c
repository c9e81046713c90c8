/* Finding canister.toml: the working directory, then each parent, up to
 * the home directory or the edge of the file system, whichever comes
 * first. A manifest decides what a sandbox may see, so one that someone
 * else could have planted (another user's, or writable by others, in a
 * shared folder such as /tmp) is refused with a message, never used and
 * never silently skipped (ADR 0181). */
#include "lang/manifest.h"
#include "util/util.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* NULL when the file at path (in folder dir) is ours to trust, else why not. */
static const char *untrusted(const char *path, const struct stat *dir, char *buf, size_t n)
{
	struct stat l, st;
	uid_t me = getuid();
	if (lstat(path, &l) < 0 || stat(path, &st) < 0)
		return strerror(errno);
	if ((l.st_uid != me && l.st_uid != 0) || (st.st_uid != me && st.st_uid != 0)) {
		snprintf(buf, n, "it belongs to uid %u, not to you (uid %u) or root",
			 (unsigned)(l.st_uid != me && l.st_uid != 0 ? l.st_uid : st.st_uid),
			 (unsigned)me);
		return buf;
	}
	if (!S_ISREG(st.st_mode))
		return "not a regular file";
	if (st.st_mode & S_IWOTH)
		return "anyone may write it (chmod o-w)";
	if ((dir->st_mode & S_IWOTH) && !(dir->st_mode & S_ISVTX))
		return "anyone may replace it: its folder is writable by all and not sticky";
	return NULL;
}

int manifest_find(const char *start, const char *home, char **path, char *err, size_t errlen)
{
	*path = NULL;
	char cur[PATH_MAX];
	if (!realpath(start, cur)) {
		snprintf(err, errlen, "%s: %s", start, strerror(errno));
		return 1;
	}
	struct stat hst;
	bool have_home = home && home[0] == '/' && stat(home, &hst) == 0;
	for (;;) {
		struct stat dst;
		if (stat(cur, &dst) < 0) {
			snprintf(err, errlen, "%s: %s", cur, strerror(errno));
			return 1;
		}
		char *cand = xasprintf("%s%s" MANIFEST_FILE, cur, strcmp(cur, "/") ? "/" : "");
		struct stat cst;
		if (lstat(cand, &cst) == 0) {
			char why[128];
			const char *bad = untrusted(cand, &dst, why, sizeof(why));
			if (bad) {
				snprintf(err, errlen, "refusing %s: %s", cand, bad);
				free(cand);
				return -1;
			}
			*path = cand;
			return 0;
		}
		free(cand);
		if (have_home && dst.st_dev == hst.st_dev && dst.st_ino == hst.st_ino)
			break; /* the home directory was the last place to look */
		if (strcmp(cur, "/") == 0)
			break;
		char *slash = strrchr(cur, '/');
		char parent[PATH_MAX];
		snprintf(parent, sizeof(parent), "%.*s", slash == cur ? 1 : (int)(slash - cur), cur);
		struct stat pst;
		if (stat(parent, &pst) < 0 || pst.st_dev != dst.st_dev)
			break; /* another file system: the project cannot continue there */
		snprintf(cur, sizeof(cur), "%s", parent);
	}
	snprintf(err, errlen, "no " MANIFEST_FILE " in %s or its parents (up to %s)", start,
		 have_home ? "your home or the file system's edge" : "the file system's edge");
	return 1;
}
