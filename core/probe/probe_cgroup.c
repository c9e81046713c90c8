/* Probe: cgroup v2 and whether this user has a delegated subtree.
 *
 * `can run` puts the sandbox in a child cgroup of the caller's own cgroup
 * and enables memory, cpu and pids there. That needs: cgroup2 mounted, the
 * caller's cgroup writable by the caller (systemd delegates
 * user@UID.service and scopes started with Delegate=yes), and those
 * controllers offered in its cgroup.controllers. On a hybrid host the
 * controllers sit on v1 hierarchies and cgroup2 (at /sys/fs/cgroup/unified)
 * has none. The parsers are pure; the probe tries mkdir/rmdir for real. */
#include "probe/probe_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool cgroup_parse_self(const char *text, char *path, size_t size)
{
	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		if (len >= 3 && strncmp(line, "0::", 3) == 0) {
			size_t n = len - 3;
			if (n + 1 > size)
				return false;
			memcpy(path, line + 3, n);
			path[n] = '\0';
			return n > 0;
		}
		line = nl ? nl + 1 : NULL;
	}
	return false;
}

static const char *const v1_controllers[] = {
	"blkio", "cpu", "cpuacct", "cpuset", "devices", "freezer", "hugetlb", "memory",
	"misc", "net_cls", "net_prio", "perf_event", "pids", "rdma",
};

static void add_word(char *list, size_t size, const char *w, size_t wlen)
{
	/* Skip duplicates ("cpu,cpuacct" can appear on one line and alone). */
	size_t ll = strlen(list);
	for (const char *p = list; *p;) {
		const char *c = strchr(p, ',');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		if (n == wlen && strncmp(p, w, n) == 0)
			return;
		p = c ? c + 1 : p + n;
	}
	if (ll + wlen + 2 > size)
		return;
	if (ll)
		list[ll++] = ',';
	memcpy(list + ll, w, wlen);
	list[ll + wlen] = '\0';
}

static void add_v1_controllers(struct cgroup_delegation *cg, const char *opts, size_t len)
{
	const char *p = opts, *end = opts + len;
	while (p < end) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		size_t n = c ? (size_t)(c - p) : (size_t)(end - p);
		for (size_t i = 0; i < sizeof(v1_controllers) / sizeof(v1_controllers[0]); i++)
			if (strlen(v1_controllers[i]) == n && strncmp(p, v1_controllers[i], n) == 0)
				add_word(cg->v1_controllers, sizeof(cg->v1_controllers), p, n);
		p = c ? c + 1 : end;
	}
}

/* Splits one mountinfo line; returns false when it is malformed. */
static bool split_mountinfo(const char *line, size_t len, const char *f[], size_t fl[], size_t nf,
			    const char **fstype, size_t *fslen, const char **super, size_t *superlen)
{
	const char *p = line, *end = line + len;
	size_t i = 0;
	const char *tok[32];
	size_t tl[32];
	size_t nt = 0;
	while (p < end && nt < 32) {
		while (p < end && *p == ' ')
			p++;
		if (p >= end)
			break;
		const char *s = p;
		while (p < end && *p != ' ')
			p++;
		tok[nt] = s;
		tl[nt++] = (size_t)(p - s);
	}
	size_t dash = 0;
	for (i = 6; i < nt; i++)
		if (tl[i] == 1 && tok[i][0] == '-') {
			dash = i;
			break;
		}
	if (dash == 0 || dash + 3 > nt || nf > 6)
		return false;
	for (i = 0; i < nf; i++) {
		f[i] = tok[i];
		fl[i] = tl[i];
	}
	*fstype = tok[dash + 1];
	*fslen = tl[dash + 1];
	*super = tok[dash + 3];
	*superlen = tl[dash + 3];
	return true;
}

void cgroup_parse_mountinfo(const char *text, struct cgroup_delegation *cg, char *root, size_t root_size)
{
	if (root_size)
		root[0] = '\0';
	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		const char *f[5], *fstype, *super;
		size_t fl[5], fslen, superlen;
		if (split_mountinfo(line, len, f, fl, 5, &fstype, &fslen, &super, &superlen)) {
			if (fslen == 7 && strncmp(fstype, "cgroup2", 7) == 0 && !cg->v2_mounted) {
				cg->v2_mounted = true;
				size_t n = fl[4] < sizeof(cg->mount) - 1 ? fl[4] : sizeof(cg->mount) - 1;
				memcpy(cg->mount, f[4], n);
				cg->mount[n] = '\0';
				n = fl[3] < root_size - 1 ? fl[3] : root_size - 1;
				memcpy(root, f[3], n);
				root[n] = '\0';
			} else if (fslen == 6 && strncmp(fstype, "cgroup", 6) == 0) {
				cg->v1_mounted = true;
				add_v1_controllers(cg, super, superlen);
			}
		}
		line = nl ? nl + 1 : NULL;
	}
}

static bool has_word(const char *line, const char *w)
{
	size_t wl = strlen(w);
	for (const char *p = line; (p = strstr(p, w)); p += wl) {
		bool start = p == line || p[-1] == ' ' || p[-1] == '\t';
		char after = p[wl];
		if (start && (after == '\0' || after == ' ' || after == '\n' || after == '\t'))
			return true;
	}
	return false;
}

void cgroup_parse_controllers(struct cgroup_delegation *cg, const char *line)
{
	size_t n = strcspn(line, "\n");
	if (n > sizeof(cg->controllers) - 1)
		n = sizeof(cg->controllers) - 1;
	memcpy(cg->controllers, line, n);
	cg->controllers[n] = '\0';
	cg->has_memory = has_word(cg->controllers, "memory");
	cg->has_cpu = has_word(cg->controllers, "cpu");
	cg->has_pids = has_word(cg->controllers, "pids");
}

static int run_cgroup(void *p, const void *arg)
{
	(void)arg;
	struct cgroup_delegation *cg = p;
	static char buf[262144]; /* mountinfo can be long on container hosts */
	char root[256], file[900];
	probe_skip(&cg->mkdir, "no cgroup2");
	if (probe_read_file("/proc/self/mountinfo", buf, sizeof(buf)) < 0)
		return 1;
	cgroup_parse_mountinfo(buf, cg, root, sizeof(root));
	if (!cg->v2_mounted)
		return 1;
	if (probe_read_file("/proc/self/cgroup", buf, sizeof(buf)) < 0 ||
	    !cgroup_parse_self(buf, cg->cgroup, sizeof(cg->cgroup))) {
		probe_skip(&cg->mkdir, "not in a cgroup2 hierarchy");
		return 1;
	}
	/* The cgroup path is relative to the root of the mount we found. */
	const char *rel = cg->cgroup;
	size_t rl = strlen(root);
	if (rl > 1 && strncmp(rel, root, rl) == 0)
		rel += rl;
	if (strcmp(rel, "/") == 0)
		rel = "";
	snprintf(cg->dir, sizeof(cg->dir), "%s%s", cg->mount, rel);

	snprintf(file, sizeof(file), "%s/cgroup.controllers", cg->dir);
	if (probe_read_file(file, buf, sizeof(buf)) >= 0)
		cgroup_parse_controllers(cg, buf);
	struct stat st;
	if (stat(cg->dir, &st) == 0)
		cg->owned = st.st_uid == geteuid();
	snprintf(file, sizeof(file), "%s/cgroup.procs", cg->dir);
	cg->procs_writable = access(file, W_OK) == 0;
	snprintf(file, sizeof(file), "%s/cgroup.subtree_control", cg->dir);
	cg->subtree_writable = access(file, W_OK) == 0;

	snprintf(file, sizeof(file), "%s/can-check.%d", cg->dir, (int)getpid());
	if (mkdir(file, 0755) < 0) {
		probe_fail(&cg->mkdir, "mkdir a child cgroup", errno);
	} else {
		if (rmdir(file) < 0)
			probe_fail(&cg->mkdir, "rmdir the child cgroup", errno);
		else
			probe_pass(&cg->mkdir, NULL);
	}
	cg->delegated = cg->mkdir.ok && cg->procs_writable && cg->subtree_writable &&
			cg->has_memory && cg->has_cpu && cg->has_pids;
	return !cg->delegated;
}

static void fail_cgroup(void *p, const char *why, int err)
{
	struct cgroup_delegation *cg = p;
	probe_fail(&cg->mkdir, why, err);
	cg->delegated = false;
}

struct probe_job probe_job_cgroup(struct cgroup_delegation *out)
{
	return (struct probe_job){
		.name = "cgroup", .out = out, .size = sizeof(*out),
		.run = run_cgroup, .fail = fail_cgroup,
	};
}

struct cgroup_delegation probe_cgroup_delegation(void)
{
	struct cgroup_delegation r;
	memset(&r, 0, sizeof(r));
	struct probe_job j = probe_job_cgroup(&r);
	probe_run_jobs(&j, 1, PROBE_TIMEOUT_MS);
	return r;
}
