/* Probes the supervisor depends on (reading a child's memory, pidfds,
 * openat2), the helper tools for direct egress (pasta, slirp4netns), the
 * sysctls that gate user namespaces and ptrace, and probe_all() which runs
 * every probe at once. */
#include "util/kernel_compat.h"
#include "probe/probe_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- ptrace rights, pidfd_open, pidfd_getfd ---- */

static const char marker[] = "can-check ptrace probe";

static void try_child_access(struct probe_process *out)
{
	int known = open("/dev/null", O_RDONLY | O_CLOEXEC);
	pid_t q = fork();
	if (q < 0) {
		probe_fail(&out->ptrace, "fork", errno);
		probe_skip(&out->pidfd_open, "fork failed");
		probe_skip(&out->pidfd_getfd, "fork failed");
		return;
	}
	if (q == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	/* The child is a copy of us: it holds the same marker at the same address. */
	char buf[sizeof(marker)] = { 0 };
	struct iovec local = { buf, sizeof(buf) };
	struct iovec remote = { (void *)marker, sizeof(marker) };
	ssize_t n = process_vm_readv(q, &local, 1, &remote, 1, 0);
	if (n < 0)
		probe_fail(&out->ptrace, "process_vm_readv of a child", errno);
	else if ((size_t)n != sizeof(marker) || memcmp(buf, marker, sizeof(marker)) != 0)
		probe_fail(&out->ptrace, "process_vm_readv read wrong bytes", 0);
	else
		probe_pass(&out->ptrace, "read a child's memory");

	int pidfd = can_pidfd_open(q, 0);
	if (pidfd < 0) {
		probe_fail(&out->pidfd_open, "pidfd_open", errno);
		probe_skip(&out->pidfd_getfd, "needs pidfd_open");
	} else {
		probe_pass(&out->pidfd_open, NULL);
		int fd = known < 0 ? -1 : can_pidfd_getfd(pidfd, known, 0);
		struct stat a, b;
		if (known < 0)
			probe_fail(&out->pidfd_getfd, "open /dev/null", errno);
		else if (fd < 0)
			probe_fail(&out->pidfd_getfd, "pidfd_getfd", errno);
		else if (fstat(fd, &a) < 0 || fstat(known, &b) < 0 || a.st_ino != b.st_ino || a.st_dev != b.st_dev)
			probe_fail(&out->pidfd_getfd, "pidfd_getfd returned another file", 0);
		else
			probe_pass(&out->pidfd_getfd, "took a child's fd");
		if (fd >= 0)
			close(fd);
		close(pidfd);
	}
	kill(q, SIGKILL);
	int st;
	while (waitpid(q, &st, 0) < 0 && errno == EINTR)
		;
	if (known >= 0)
		close(known);
}

static long openat2_call(const char *path, __u64 flags, __u64 resolve)
{
	struct open_how how;
	memset(&how, 0, sizeof(how));
	how.flags = flags;
	how.resolve = resolve;
	return syscall(__NR_openat2, AT_FDCWD, path, &how, sizeof(how));
}

static void try_openat2(struct probe_res *r)
{
	long fd = openat2_call("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC, RESOLVE_NO_MAGICLINKS);
	if (fd < 0) {
		probe_fail(r, "openat2", errno);
		return;
	}
	close((int)fd);
	/* /proc/self/root is a magic link: it must be refused. */
	fd = openat2_call("/proc/self/root", O_PATH | O_CLOEXEC, RESOLVE_NO_MAGICLINKS);
	if (fd >= 0) {
		close((int)fd);
		probe_fail(r, "RESOLVE_NO_MAGICLINKS not honoured", 0);
	} else if (errno == ELOOP) {
		probe_pass(r, "RESOLVE_NO_MAGICLINKS works");
	} else if (errno == ENOENT) {
		probe_pass(r, "no /proc to test magic links");
	} else {
		probe_fail(r, "openat2 /proc/self/root", errno);
	}
}

static int run_process(void *p, const void *arg)
{
	(void)arg;
	struct probe_process *out = p;
	try_child_access(out);
	try_openat2(&out->openat2);
	return !(out->ptrace.ok && out->pidfd_open.ok && out->pidfd_getfd.ok && out->openat2.ok);
}

static void fail_process(void *p, const char *why, int err)
{
	struct probe_process *out = p;
	probe_fail(&out->ptrace, why, err);
	probe_fail(&out->pidfd_open, why, err);
	probe_fail(&out->pidfd_getfd, why, err);
	probe_fail(&out->openat2, why, err);
}

struct probe_job probe_job_process(struct probe_process *out)
{
	return (struct probe_job){
		.name = "process", .out = out, .size = sizeof(*out),
		.run = run_process, .fail = fail_process,
	};
}

/* ---- tools ---- */

static bool find_in_path(const char *name, char *out, size_t size)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path; *p;) {
		const char *c = strchr(p, ':');
		size_t n = c ? (size_t)(c - p) : strlen(p);
		size_t nl = strlen(name);
		if (n > 0 && n + nl + 2 <= size) {
			memcpy(out, p, n);
			out[n] = '/';
			memcpy(out + n + 1, name, nl + 1);
			struct stat st;
			if (stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
				return true;
		}
		p = c ? c + 1 : p + n;
	}
	out[0] = '\0';
	return false;
}

static int run_tool(void *p, const void *arg)
{
	struct probe_tool *out = p;
	const char *name = arg;
	if (!find_in_path(name, out->path, sizeof(out->path)))
		return 1;
	out->found = true;
	int pp[2];
	if (pipe2(pp, O_CLOEXEC) < 0) {
		out->err = errno;
		return 1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		out->err = errno;
		return 1;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int null = open("/dev/null", O_RDWR);
		if (null >= 0)
			dup2(null, 0);
		dup2(pp[1], 1);
		dup2(pp[1], 2);
		execl(out->path, name, "--version", (char *)NULL);
		_exit(127);
	}
	close(pp[1]);
	char buf[1024];
	size_t got = 0;
	struct pollfd pfd = { pp[0], POLLIN, 0 };
	while (got + 1 < sizeof(buf) && poll(&pfd, 1, 1500) == 1) {
		ssize_t r = read(pp[0], buf + got, sizeof(buf) - 1 - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	buf[got] = '\0';
	close(pp[0]);
	kill(pid, SIGKILL);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	/* First non-empty line, trimmed. */
	char *line = buf;
	while (*line == '\n' || *line == ' ' || *line == '\t')
		line++;
	line[strcspn(line, "\n")] = '\0';
	size_t n = strlen(line);
	while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\r' || line[n - 1] == '\t'))
		line[--n] = '\0';
	probe_strlcpy(out->version, line, sizeof(out->version));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127 && got == 0)
		out->err = ENOEXEC;
	return out->version[0] ? 0 : 1;
}

static void fail_tool(void *p, const char *why, int err)
{
	struct probe_tool *out = p;
	probe_strlcpy(out->version, why, sizeof(out->version));
	out->err = err ? err : ETIMEDOUT;
}

struct probe_job probe_job_tool(struct probe_tool *out, const char *name)
{
	return (struct probe_job){
		.name = name, .out = out, .size = sizeof(*out),
		.run = run_tool, .fail = fail_tool, .arg = name,
	};
}

/* ---- sysctls ---- */

struct probe_sysctls probe_sysctls(void)
{
	struct probe_sysctls s;
	s.unprivileged_userns_clone = probe_read_int("/proc/sys/kernel/unprivileged_userns_clone");
	s.max_user_namespaces = probe_read_int("/proc/sys/user/max_user_namespaces");
	s.apparmor_restrict_userns = probe_read_int("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
	s.ptrace_scope = probe_read_int("/proc/sys/kernel/yama/ptrace_scope");
	return s;
}

/* ---- everything ---- */

void probe_all(struct probe_results *out)
{
	memset(out, 0, sizeof(*out));
	struct utsname u;
	if (uname(&u) == 0) {
		probe_strlcpy(out->kernel, u.release, sizeof(out->kernel));
		probe_strlcpy(out->machine, u.machine, sizeof(out->machine));
	}
	out->uid = geteuid();
	out->sysctl = probe_sysctls();
	struct probe_process proc;
	memset(&proc, 0, sizeof(proc));
	struct probe_job jobs[] = {
		probe_job_namespaces(&out->ns),
		probe_job_seccomp(&out->seccomp),
		probe_job_landlock(&out->landlock),
		probe_job_cgroup(&out->cgroup),
		probe_job_process(&proc),
		probe_job_tool(&out->pasta, "pasta"),
		probe_job_tool(&out->slirp4netns, "slirp4netns"),
	};
	probe_run_jobs(jobs, sizeof(jobs) / sizeof(jobs[0]), PROBE_TIMEOUT_MS);
	out->ptrace = proc.ptrace;
	out->pidfd_open = proc.pidfd_open;
	out->pidfd_getfd = proc.pidfd_getfd;
	out->openat2 = proc.openat2;
}
