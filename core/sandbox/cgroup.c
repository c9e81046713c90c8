/* See cgroup.h. Only cgroup v2, only a subtree this user may write: no
 * privileged helper, no systemd D-Bus call. Without delegation the run
 * fails closed unless --allow-degraded=cgroups. */
#include "sandbox/cgroup.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool cgroup_wanted(const struct policy *p)
{
	/* max_pids alone needs no cgroup: RLIMIT_NPROC bounds it per user
	 * namespace (docs/adr/0053). */
	return p->res.memory_mb.set || p->res.cpu_percent.set;
}

/* The cgroup2 mount point and this process's path in it. */
static char *own_cgroup_dir(char *err, size_t errlen)
{
	char *mnt = NULL, *rel = NULL, *line = NULL;
	size_t cap = 0;
	FILE *f = fopen("/proc/self/mountinfo", "re");
	while (f && getline(&line, &cap, f) > 0) {
		char *sep = strstr(line, " - cgroup2 ");
		if (!sep)
			continue;
		char mp[4096];
		if (sscanf(line, "%*d %*d %*s %*s %4095s", mp) == 1) {
			mnt = xstrdup(mp);
			break;
		}
	}
	if (f)
		fclose(f);
	f = fopen("/proc/self/cgroup", "re");
	while (f && getline(&line, &cap, f) > 0) {
		if (strncmp(line, "0::", 3) == 0) {
			line[strcspn(line, "\n")] = '\0';
			rel = xstrdup(line + 3);
			break;
		}
	}
	if (f)
		fclose(f);
	free(line);
	char *dir = NULL;
	if (!mnt)
		snprintf(err, errlen, "no cgroup v2 filesystem is mounted");
	else if (!rel)
		snprintf(err, errlen, "this process is in no cgroup v2 group");
	else
		dir = xasprintf("%s%s", mnt, strcmp(rel, "/") == 0 ? "" : rel);
	free(mnt);
	free(rel);
	return dir;
}

static int write_file(const char *dir, const char *name, const char *val)
{
	char *p = xasprintf("%s/%s", dir, name);
	int r = write_string_file(p, val);
	int e = errno;
	free(p);
	errno = e;
	return r;
}

static bool has_controller(const char *dir, const char *ctl)
{
	char *p = xasprintf("%s/cgroup.controllers", dir);
	FILE *f = fopen(p, "re");
	free(p);
	char buf[512] = "";
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	for (char *save = NULL, *w = strtok_r(buf, " \n", &save); w; w = strtok_r(NULL, " \n", &save))
		if (strcmp(w, ctl) == 0)
			return true;
	return false;
}

int cgroup_prepare(const struct policy *p, struct cgroup_run *c, char *err, size_t errlen)
{
	*c = (struct cgroup_run){ 0 };
	char *base = own_cgroup_dir(err, errlen);
	if (!base)
		return -1;
	char *procs = xasprintf("%s/cgroup.procs", base);
	bool writable = access(base, W_OK) == 0 && access(procs, W_OK) == 0;
	free(procs);
	if (!writable) {
		snprintf(err, errlen, "%s is not delegated to this user (not writable)", base);
		free(base);
		return -1;
	}
	char *dir = xasprintf("%s/can-%d", base, (int)getpid());
	free(base);
	if (mkdir(dir, 0755) < 0) {
		snprintf(err, errlen, "mkdir %s: %s: %s", dir, errno_name(errno), strerror(errno));
		free(dir);
		return -1;
	}
	c->dir = dir;
	struct {
		bool want;
		const char *ctl, *file;
		char *val;
	} lim[] = {
		{ p->res.memory_mb.set, "memory", "memory.max",
		  xasprintf("%lld", (long long)p->res.memory_mb.v * 1024 * 1024) },
		{ p->res.cpu_percent.set, "cpu", "cpu.max",
		  xasprintf("%lld 100000", (long long)p->res.cpu_percent.v * 1000) },
		{ p->proc.max_pids.set, "pids", "pids.max",
		  xasprintf("%lld", (long long)p->proc.max_pids.v) },
	};
	int rc = 0;
	for (size_t i = 0; i < ARRAY_LEN(lim); i++) {
		if (rc == 0 && lim[i].want) {
			if (!has_controller(dir, lim[i].ctl)) {
				snprintf(err, errlen, "the %s controller is not enabled for %s", lim[i].ctl,
					 dir);
				rc = -1;
			} else if (write_file(dir, lim[i].file, lim[i].val) < 0) {
				snprintf(err, errlen, "write %s/%s: %s: %s", dir, lim[i].file,
					 errno_name(errno), strerror(errno));
				rc = -1;
			}
		}
		free(lim[i].val);
	}
	if (rc < 0)
		cgroup_cleanup(c);
	return rc;
}

int cgroup_attach(struct cgroup_run *c, pid_t pid, char *err, size_t errlen)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	if (write_file(c->dir, "cgroup.procs", buf) < 0) {
		snprintf(err, errlen, "move the sandbox into %s: %s: %s", c->dir, errno_name(errno),
			 strerror(errno));
		return -1;
	}
	return 0;
}

void cgroup_cleanup(struct cgroup_run *c)
{
	if (c->dir)
		rmdir(c->dir);
	free(c->dir);
	c->dir = NULL;
}
