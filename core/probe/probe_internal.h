/* Shared by the probe_*.c files: the job runner that forks each probe,
 * collects its result struct through a pipe and enforces a timeout. */
#ifndef CAN_PROBE_INTERNAL_H
#define CAN_PROBE_INTERNAL_H

#include "probe/probe.h"

#include <stddef.h>
#include <sys/types.h>

/* Default bound for one batch of probes. Each takes a few milliseconds; the
 * bound only matters when something hangs (a FUSE mount, a stuck helper). */
#define PROBE_TIMEOUT_MS 3000

struct probe_job {
	const char *name;
	void *out;                  /* result struct, filled by the child */
	size_t size;
	/* Runs in the child on a zeroed copy of *out; returns the exit code
	 * (0 when everything worked). */
	int (*run)(void *out, const void *arg);
	const void *arg;
	/* Runs in the parent when the child gave no complete result. */
	void (*fail)(void *out, const char *why, int err);
	/* runner state */
	pid_t pid;
	int fd;
	size_t got;
	unsigned char *buf;
	int status;                 /* wait status, -1 until reaped */
};

/* Runs the jobs in parallel, each in a child in its own process group; waits
 * at most timeout_ms in total, then kills what is left. */
void probe_run_jobs(struct probe_job *jobs, size_t n, int timeout_ms);

/* Job constructors used by probe_all() and the single probes. */
struct probe_job probe_job_namespaces(struct probe_namespaces *out);
struct probe_job probe_job_seccomp(struct probe_seccomp *out);
struct probe_job probe_job_landlock(struct probe_landlock *out);
struct probe_job probe_job_cgroup(struct cgroup_delegation *out);
/* ptrace, pidfd and openat2: a job of their own, copied into probe_results. */
struct probe_process {
	struct probe_res ptrace, pidfd_open, pidfd_getfd, openat2;
};
struct probe_job probe_job_process(struct probe_process *out);
/* Looks NAME up in $PATH and runs `NAME --version`. */
struct probe_job probe_job_tool(struct probe_tool *out, const char *name);

/* Small file helpers: return 0 or an errno value. */
int probe_write_file(const char *path, const char *text);
/* Reads up to size-1 bytes, NUL-terminated; returns bytes read or -errno. */
ssize_t probe_read_file(const char *path, char *buf, size_t size);
/* An integer sysctl, or -1 when absent or unreadable. */
int probe_read_int(const char *path);
/* Bounded string copy that always terminates. */
void probe_strlcpy(char *dst, const char *src, size_t size);
/* Milliseconds on the monotonic clock. */
long long probe_now_ms(void);

#endif
