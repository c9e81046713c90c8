/* See proc_harden.h. Inside its user namespace the sandbox starts with every
 * capability; the command gets none. Its uid inside is the user's own
 * (not 0), so execve would clear them anyway; we drop them explicitly and
 * empty the bounding set so no file capability can bring one back. */
#include "sandbox/proc_harden.h"
#include "util/util.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

int harden_drop_caps(char *err, size_t errlen)
{
	for (int c = 0; c <= 63; c++) {
		/* Without a user namespace of its own (can run
		 * --allow-degraded=userns) an unprivileged caller may not lower
		 * the bounding set (EPERM: no CAP_SETPCAP). It needs no lowering
		 * then: a non-root uid gains capabilities at exec only from
		 * setuid or file capabilities, which no_new_privs (set first)
		 * ignores. Root's exec would regain them: not skipped for root. */
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno == EPERM && getuid() != 0 &&
		    geteuid() != 0 && prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1)
			break;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL) {
			snprintf(err, errlen, "drop capability %d from the bounding set: %s: %s", c,
				 errno_name(errno), strerror(errno));
			return -1;
		}
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) {
		snprintf(err, errlen, "clear ambient capabilities: %s: %s", errno_name(errno),
			 strerror(errno));
		return -1;
	}
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capset, &h, d) < 0) {
		snprintf(err, errlen, "clear capabilities: %s: %s", errno_name(errno), strerror(errno));
		return -1;
	}
	return 0;
}

int harden_no_new_privs(char *err, size_t errlen)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(err, errlen, "set no_new_privs: %s: %s", errno_name(errno), strerror(errno));
		return -1;
	}
	return 0;
}

int harden_rlimits(const struct policy *p, char *err, size_t errlen)
{
	struct rlimit core = { 0, 0 };
	if (setrlimit(RLIMIT_CORE, &core) < 0) {
		snprintf(err, errlen, "set RLIMIT_CORE: %s: %s", errno_name(errno), strerror(errno));
		return -1;
	}
	if (p->proc.max_pids.set) {
		struct rlimit np = { (rlim_t)p->proc.max_pids.v, (rlim_t)p->proc.max_pids.v };
		if (setrlimit(RLIMIT_NPROC, &np) < 0) {
			snprintf(err, errlen, "set RLIMIT_NPROC to max_pids %lld: %s: %s",
				 (long long)p->proc.max_pids.v, errno_name(errno), strerror(errno));
			return -1;
		}
	}
	return 0;
}
