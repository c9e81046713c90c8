/* The relay of `-p` (ports_relay.h). Joining the sandbox's namespaces needs
 * no privilege: the user namespace was created by this uid, so its owner
 * has CAP_SYS_ADMIN there (and the netns belongs to it). Sockets made before
 * setns stay in the host's netns: the listeners keep listening on the host. */
#include "sandbox/ports_relay.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

enum { RELAY_MAX_CONNS = 128, RELAY_BUF = 64 * 1024 };

/* One direction of a connection: bytes read from src, not yet written to dst. */
struct pipe_dir {
	char buf[RELAY_BUF];
	size_t off, len;
	bool eof; /* src said EOF (or failed): shut dst's write side once drained */
	bool shut;
};

struct conn {
	int fd[2]; /* 0: the host client, 1: the socket inside */
	bool connecting;
	struct pipe_dir dir[2]; /* dir[i]: from fd[i] to fd[1 - i] */
};

static struct conn *conns[RELAY_MAX_CONNS];

static int join_sandbox_net(pid_t init_pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/ns/net", (int)init_pid);
	int net = open(path, O_RDONLY | O_CLOEXEC);
	if (net < 0)
		return -errno;
	int user = ioctl(net, NS_GET_USERNS);
	int rc = 0;
	if (user < 0 || setns(user, CLONE_NEWUSER) < 0 || setns(net, CLONE_NEWNET) < 0)
		rc = -errno;
	if (user >= 0)
		close(user);
	close(net);
	return rc;
}

static void conn_free(size_t i)
{
	close(conns[i]->fd[0]);
	close(conns[i]->fd[1]);
	free(conns[i]);
	conns[i] = NULL;
}

static void accept_one(int lfd, uint16_t sandbox_port)
{
	int c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (c < 0)
		return;
	size_t slot = 0;
	while (slot < RELAY_MAX_CONNS && conns[slot])
		slot++;
	int in = slot < RELAY_MAX_CONNS ? socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)
					  : -1;
	if (in < 0) {
		close(c);
		return;
	}
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(sandbox_port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (connect(in, (struct sockaddr *)&a, sizeof a) < 0 && errno != EINPROGRESS) {
		close(in);
		close(c);
		return;
	}
	struct conn *k = calloc(1, sizeof *k);
	if (!k) {
		close(in);
		close(c);
		return;
	}
	k->fd[0] = c;
	k->fd[1] = in;
	k->connecting = true;
	conns[slot] = k;
}

/* Moves what it can for one direction; returns false when the connection
 * is dead (an error other than would-block). */
static bool pump(struct conn *k, int i)
{
	struct pipe_dir *d = &k->dir[i];
	int src = k->fd[i], dst = k->fd[1 - i];
	if (d->len == 0 && !d->eof) {
		ssize_t r = read(src, d->buf, sizeof d->buf);
		if (r > 0) {
			d->off = 0;
			d->len = (size_t)r;
		} else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
			d->eof = true;
		}
	}
	while (d->len > 0) {
		ssize_t w = send(dst, d->buf + d->off, d->len, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			return false;
		}
		d->off += (size_t)w;
		d->len -= (size_t)w;
	}
	if (d->eof && d->len == 0 && !d->shut) {
		shutdown(dst, SHUT_WR);
		d->shut = true;
	}
	return true;
}

static _Noreturn void relay_loop(const struct port_spec *specs, const int *fds, size_t n)
{
	struct pollfd pf[16 + 2 * RELAY_MAX_CONNS];
	size_t who[2 * RELAY_MAX_CONNS];
	for (;;) {
		size_t np = 0;
		for (size_t i = 0; i < n && i < 16; i++)
			pf[np++] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		size_t nl = np;
		for (size_t c = 0; c < RELAY_MAX_CONNS; c++) {
			struct conn *k = conns[c];
			if (!k)
				continue;
			for (int i = 0; i < 2; i++) {
				short ev = 0;
				if (k->connecting && i == 1)
					ev |= POLLOUT;
				else {
					if (k->dir[i].len == 0 && !k->dir[i].eof)
						ev |= POLLIN;   /* room to read from fd[i] */
					if (k->dir[1 - i].len > 0)
						ev |= POLLOUT;  /* bytes waiting for fd[i] */
				}
				if (k->connecting && i == 0)
					ev = 0;
				who[np - nl] = c;
				pf[np++] = (struct pollfd){ .fd = k->fd[i], .events = ev };
			}
		}
		if (poll(pf, np, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		for (size_t i = 0; i < nl; i++)
			if (pf[i].revents & POLLIN)
				accept_one(fds[i], specs[i].sandbox_port);
		for (size_t p = nl; p < np; p += 2) {
			size_t c = who[p - nl];
			struct conn *k = conns[c];
			if (!k || !(pf[p].revents | pf[p + 1].revents))
				continue;
			if (k->connecting) {
				int e = 0;
				socklen_t el = sizeof e;
				getsockopt(k->fd[1], SOL_SOCKET, SO_ERROR, &e, &el);
				if (e) { /* nothing listens inside: the client sees a reset */
					conn_free(c);
					continue;
				}
				k->connecting = false;
			}
			if (!pump(k, 0) || !pump(k, 1) ||
			    (k->dir[0].shut && k->dir[1].shut))
				conn_free(c);
		}
	}
}

pid_t ports_relay_start(pid_t init_pid, const struct port_spec *specs, const int *fds, size_t n)
{
	int ready[2];
	if (pipe2(ready, O_CLOEXEC) < 0) {
		can_warn("-p: pipe: %s", errno_name(errno));
		return -1;
	}
	pid_t r = fork();
	if (r < 0) {
		can_warn("-p: fork the relay: %s", errno_name(errno));
		close(ready[0]);
		close(ready[1]);
		return -1;
	}
	if (r > 0) {
		/* Wait until it is inside: only then may the command start. */
		close(ready[1]);
		char b = 0;
		ssize_t got;
		while ((got = read(ready[0], &b, 1)) < 0 && errno == EINTR) {
		}
		close(ready[0]);
		if (got != 1 || b != 'k') {
			ports_relay_stop(r);
			return -1;
		}
		return r;
	}
	close(ready[0]);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	prctl(PR_SET_DUMPABLE, 0);
	signal(SIGPIPE, SIG_IGN);
	int e = join_sandbox_net(init_pid);
	if (e < 0) {
		can_warn("-p: join the sandbox's network namespace: %s", errno_name(-e));
		_exit(CAN_EXIT_WALL);
	}
	if (write(ready[1], "k", 1) != 1)
		_exit(CAN_EXIT_WALL);
	close(ready[1]);
	relay_loop(specs, fds, n);
}

void ports_relay_stop(pid_t relay)
{
	if (relay <= 0)
		return;
	kill(relay, SIGKILL);
	while (waitpid(relay, NULL, 0) < 0 && errno == EINTR) {
	}
}
