/* The probe runner: each probe is a child process that fills its result
 * struct, writes it to a pipe and _exit()s. The parent polls all pipes at
 * once, so probes run in parallel and the slowest one sets the pace; a probe
 * that does not answer in time is killed with its whole process group (the
 * grandchildren some probes fork) and reported as failed. */
#include "probe/probe_internal.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void probe_fail(struct probe_res *r, const char *step, int err)
{
	r->ok = false;
	r->tried = true;
	r->err = err;
	probe_strlcpy(r->step, step ? step : "", sizeof(r->step));
}

void probe_pass(struct probe_res *r, const char *note)
{
	r->ok = true;
	r->tried = true;
	r->err = 0;
	probe_strlcpy(r->step, note ? note : "", sizeof(r->step));
}

void probe_skip(struct probe_res *r, const char *why)
{
	r->ok = false;
	r->tried = false;
	r->err = 0;
	probe_strlcpy(r->step, why ? why : "", sizeof(r->step));
}

void probe_strlcpy(char *dst, const char *src, size_t size)
{
	if (size == 0)
		return;
	size_t n = strnlen(src, size - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

long long probe_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int probe_write_file(const char *path, const char *text)
{
	return write_string_file(path, text) < 0 ? errno : 0;
}

ssize_t probe_read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t got = 0;
	while (got + 1 < size) {
		ssize_t r = read(fd, buf + got, size - 1 - got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int err = errno;
			close(fd);
			return -err;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	buf[got] = '\0';
	close(fd);
	return (ssize_t)got;
}

int probe_read_int(const char *path)
{
	char buf[32];
	if (probe_read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	char *end;
	long v = strtol(buf, &end, 10);
	if (end == buf || v < 0 || v > 0x7fffffffL)
		return -1;
	return (int)v;
}

static void run_child(struct probe_job *j, int wfd)
{
	/* Own process group, so a timeout can kill the grandchildren too. */
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	memset(j->out, 0, j->size);
	int code = j->run(j->out, j->arg);
	const unsigned char *p = j->out;
	size_t left = j->size;
	while (left > 0) {
		ssize_t w = write(wfd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			_exit(125);
		p += w;
		left -= (size_t)w;
	}
	_exit(code & 0xff);
}

/* j->buf belongs to the job until finish() frees it; gcc 12's -fanalyzer
 * loses track of it through the struct and reports a leak at the calloc. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wanalyzer-malloc-leak"
static void start(struct probe_job *j)
{
	int p[2];
	j->pid = -1;
	j->fd = -1;
	j->got = 0;
	j->status = -1;
	j->buf = calloc(1, j->size);
	if (!j->buf || pipe2(p, O_CLOEXEC) < 0) {
		int err = errno;
		free(j->buf); /* finish() would too; freed here so each path owns its cleanup */
		j->buf = NULL;
		j->fail(j->out, "could not start probe", err);
		return;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		int err = errno;
		close(p[0]);
		close(p[1]);
		free(j->buf);
		j->buf = NULL;
		j->fail(j->out, "fork", err);
		return;
	}
	if (pid == 0) {
		close(p[0]);
		run_child(j, p[1]);
	}
	setpgid(pid, pid);
	close(p[1]);
	j->pid = pid;
	j->fd = p[0];
}
#pragma GCC diagnostic pop

/* Reads what is available; returns true when the job's pipe is finished. */
static bool drain(struct probe_job *j)
{
	for (;;) {
		if (j->got == j->size) {
			/* Complete: anything more would be a bug, ignore it. */
			return true;
		}
		ssize_t r = read(j->fd, j->buf + j->got, j->size - j->got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return false;
		if (r <= 0)
			return true; /* EOF or error: finished, complete or not */
		j->got += (size_t)r;
	}
}

static void finish(struct probe_job *j, bool timed_out)
{
	if (j->pid > 0) {
		int st = 0;
		pid_t w = 0;
		/* The child exits right after writing; give it a moment. */
		for (int i = 0; i < 50 && !timed_out; i++) {
			w = waitpid(j->pid, &st, WNOHANG);
			if (w != 0)
				break;
			struct timespec ts = { 0, 2 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
		/* Kill the group: stragglers (grandchildren) and, on timeout, the child. */
		kill(-j->pid, SIGKILL);
		if (w == 0)
			w = waitpid(j->pid, &st, 0);
		j->status = w == j->pid ? st : -1;
	}
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
	if (j->buf && j->got == j->size && !timed_out) {
		memcpy(j->out, j->buf, j->size);
	} else if (j->pid > 0) {
		char why[48];
		if (timed_out)
			snprintf(why, sizeof(why), "probe timed out");
		else if (j->status != -1 && WIFSIGNALED(j->status))
			snprintf(why, sizeof(why), "probe killed by signal %d", WTERMSIG(j->status));
		else
			snprintf(why, sizeof(why), "probe gave no answer");
		j->fail(j->out, why, 0);
	}
	free(j->buf);
	j->buf = NULL;
	j->pid = -1;
}

void probe_run_jobs(struct probe_job *jobs, size_t n, int timeout_ms)
{
	for (size_t i = 0; i < n; i++)
		start(&jobs[i]);
	long long deadline = probe_now_ms() + timeout_ms;
	struct pollfd *pfd = calloc(n ? n : 1, sizeof(*pfd));
	size_t *idx = calloc(n ? n : 1, sizeof(*idx));
	if (!pfd || !idx) {
		free(pfd);
		free(idx);
		for (size_t i = 0; i < n; i++)
			finish(&jobs[i], true);
		return;
	}
	for (;;) {
		size_t m = 0;
		for (size_t i = 0; i < n; i++) {
			if (jobs[i].fd < 0)
				continue;
			pfd[m].fd = jobs[i].fd;
			pfd[m].events = POLLIN;
			idx[m++] = i;
		}
		if (m == 0)
			break;
		long long left = deadline - probe_now_ms();
		if (left <= 0)
			break;
		int r = poll(pfd, m, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		for (size_t k = 0; k < m; k++) {
			if (!pfd[k].revents)
				continue;
			struct probe_job *j = &jobs[idx[k]];
			/* Non-blocking so a partial write never stalls the loop. */
			fcntl(j->fd, F_SETFL, O_NONBLOCK);
			if (drain(j))
				finish(j, false);
		}
	}
	for (size_t i = 0; i < n; i++)
		if (jobs[i].fd >= 0)
			finish(&jobs[i], true);
	free(pfd);
	free(idx);
}
