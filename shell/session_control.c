/* The control socket's server (docs/session.md, docs/adr/0213). One
 * request per connection; authority comes from the peer's identity only:
 * SO_PEERCRED's uid must be ours, and `allow` is refused when the peer
 * process is inside any layer (or when the supervisor cannot tell). */
#include "shell/control.h"
#include "shell/layers.h"
#include "shell/procs.h"
#include "shell/session_int.h"
#include "util/procfs.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif

/* Reads one line (up to CTL_MAX_LINE) within a second. Its length, or -1. */
static ssize_t read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;
	while (n < size) {
		struct pollfd pf = { .fd = fd, .events = POLLIN };
		if (poll(&pf, 1, 1000) <= 0)
			return -1;
		ssize_t r = read(fd, buf + n, size - n);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			return -1;
		n += (size_t)r;
		if (memchr(buf, '\n', n))
			return (ssize_t)n;
	}
	return -1;
}

static void reply(int fd, const char *text)
{
	size_t n = strlen(text);
	while (n > 0) {
		ssize_t w = send(fd, text, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		text += w;
		n -= (size_t)w;
	}
}

/* The number after `key` in a small /proc file (status, fdinfo), or -1
 * when the file or the key is not there. */
static long proc_field(const char *path, const char *key)
{
	char buf[PROCFS_STATUS_MAX];
	unsigned long long v;
	ssize_t n = procfs_read(path, buf, sizeof(buf));
	if (n <= 0 || procfs_field(buf, (size_t)n, key, 10, &v) < 0 || v > LONG_MAX)
		return -1;
	return (long)v;
}

/* Whether pid runs under a seccomp filter (Seccomp: 2 in its status): a
 * process without one is not in this session, whatever its lineage. */
static int filtered(pid_t pid)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/%d/status", (int)pid);
	long v = proc_field(p, "Seccomp:");
	return v < 0 ? -1 : v != 0;
}

/* The pid a pidfd names now (-1 once the process has exited). */
static pid_t pidfd_pid(int pidfd)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/self/fdinfo/%d", pidfd);
	return (pid_t)proc_field(p, "Pid:");
}

/* Why the peer may not loosen anything, or NULL. */
static const char *peer_refusal(struct session *s, int fd)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0 || cr.uid != getuid())
		return "the peer is not this user";
	int pidfd = -1;
	len = sizeof(pidfd);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &len) < 0)
		pidfd = -1;
	pid_t pid = cr.pid;
	const char *why = NULL;
	if (pidfd >= 0 && pidfd_pid(pidfd) != pid) {
		why = "the client exited before its request was read";
		goto out;
	}
	int f = filtered(pid);
	if (f < 0)
		why = "the client's process cannot be read";
	else if (f > 0 && procs_mask_of(s->procs, pid) != 0)
		why = "the request comes from inside a layer of this session";
	/* The pid still names the client (not a process that reused it). */
	if (!why && pidfd >= 0 && pidfd_pid(pidfd) != pid)
		why = "the client exited before its request was read";
out:
	if (pidfd >= 0)
		close(pidfd);
	return why;
}

static void list_layers(struct session *s, int fd)
{
	struct session_state st = { 0 };
	layers_fill_state(s->layers, &st);
	char (*pids)[128] = xcalloc(st.n ? st.n : 1, sizeof(*pids));
	if (s->procs)
		procs_members(s->procs, st.n, pids);
	reply(fd, "ok\n");
	for (size_t i = 0; i < st.n; i++) {
		char *line = xasprintf("%s\t%s\t%s\t%s\n", st.v[i].dir, layer_state_name(st.v[i].state),
		                       st.v[i].recipes && st.v[i].recipes[0] ? st.v[i].recipes : "-",
		                       pids[i][0] ? pids[i] : "-");
		reply(fd, line);
		free(line);
	}
	free(pids);
	state_free(&st);
}

static void serve(struct session *s, int fd)
{
	char buf[CTL_MAX_LINE + 1];
	ssize_t n = read_line(fd, buf, CTL_MAX_LINE);
	struct ctl_msg m;
	const char *why;
	if (n < 0) {
		reply(fd, "err no request line (one line, at most 4096 bytes, within a second)\n");
		return;
	}
	if (ctl_parse(buf, (size_t)n, CTL_SOCKET, &m, &why) < 0) {
		char *r = xasprintf("err %s\n", why);
		reply(fd, r);
		free(r);
		return;
	}
	char err[PATH_MAX + 300];
	char real[PATH_MAX];
	switch (m.verb) {
	case CTL_PING:
		reply(fd, "ok\n");
		return;
	case CTL_LAYERS:
		list_layers(s, fd);
		return;
	case CTL_ALLOW: {
		const char *no = peer_refusal(s, fd);
		if (no) {
			char *r = xasprintf("err %s: approve it from a terminal outside the project "
			                    "(e.g. after `cd ~`): can allow %s\n", no, m.dir);
			reply(fd, r);
			free(r);
			return;
		}
		if (!realpath(m.dir, real)) {
			char *r = xasprintf("err %s: %s\n", m.dir, strerror(errno));
			reply(fd, r);
			free(r);
			return;
		}
		if (layers_allow(s->layers, real, err, sizeof(err)) < 0) {
			char *r = xasprintf("err %s\n", err);
			reply(fd, r);
			free(r);
		} else {
			reply(fd, "ok\n");
		}
		session_state_write(s);
		return;
	}
	case CTL_FORGET:
		/* Always allowed: it loosens nothing for processes already in
		 * the layer (their set keeps its rules). */
		if (!realpath(m.dir, real))
			snprintf(real, sizeof(real), "%s", m.dir);
		if (layers_forget(s->layers, real, err, sizeof(err)) < 0) {
			char *r = xasprintf("err %s\n", err);
			reply(fd, r);
			free(r);
		} else {
			reply(fd, "ok\n");
		}
		session_state_write(s);
		return;
	default:
		reply(fd, "err unknown verb\n");
		return;
	}
}

void session_control_accept(struct session *s)
{
	for (;;) {
		int fd = accept4(s->sock_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			return;
		serve(s, fd);
		close(fd);
	}
}
