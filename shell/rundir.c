/* See rundir.h. The directory is trusted only when it is ours and closed to
 * everyone else: the control socket's authority comes from the peer's
 * credentials, but a FIFO or state file someone else could replace would
 * let them feed the prompt or hide the supervisor's files. */
#include "shell/rundir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int rundir_path(const char *xdg, uid_t uid, char *out, size_t size)
{
	int n;
	if (xdg && xdg[0] == '/')
		n = snprintf(out, size, "%s/canister", xdg);
	else
		n = snprintf(out, size, "/tmp/canister-%u", (unsigned)uid);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

const char *rundir_refusal(const struct stat *st, uid_t uid)
{
	if (!S_ISDIR(st->st_mode))
		return "it is not a directory";
	if (st->st_uid != uid)
		return "it is owned by another user";
	if (st->st_mode & 077)
		return "its mode lets the group or others in (it must be 0700)";
	return NULL;
}

int rundir_open(bool create, char *out, size_t size, char *err, size_t errlen)
{
	uid_t uid = getuid();
	if (rundir_path(getenv("XDG_RUNTIME_DIR"), uid, out, size) < 0) {
		snprintf(err, errlen, "the runtime directory's path is too long");
		return -1;
	}
	if (create && mkdir(out, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "create %s: %s", out, strerror(errno));
		return -1;
	}
	struct stat st;
	if (lstat(out, &st) < 0) {
		snprintf(err, errlen, "%s: %s", out, strerror(errno));
		return -1;
	}
	const char *why = rundir_refusal(&st, uid);
	if (why) {
		snprintf(err, errlen, "%s: %s; remove it or fix it, then start again", out, why);
		return -1;
	}
	return 0;
}

int rundir_file(const char *rundir, pid_t pid, const char *kind, char *out, size_t size)
{
	int n = snprintf(out, size, "%s/session-%d.%s", rundir, (int)pid, kind);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}
