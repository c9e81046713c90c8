/* Emulated connect, bind, sendto and sendmsg.
 *
 * The socket is fetched with pidfd_getfd (the same open file description:
 * its network namespace, O_NONBLOCK and options are the target's), the
 * address is copied once and decided on, and the supervisor performs the
 * call with its copy. A swap of the address by another thread of the
 * target after the copy changes nothing.
 *
 * AF_UNIX pathnames are resolved as the target sees them (its root and
 * cwd) and the call is made through "/proc/self/fd/N" of what was
 * resolved, so the path is never looked up again in the supervisor's own
 * mount namespace. A blocking connect or send performed here blocks one
 * worker: another receives meanwhile (notify_req_may_block hands the turn on). */
#include "notify/notify_int.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

/* More than this of one send is sent partially on stream sockets and
 * refused (EMSGSIZE) on the others. */
#define SEND_MAX (4u << 20)
#define CONTROL_MAX 16384

static int fetch_socket(struct notify_req *q, int fd)
{
	int pidfd = notify_req_pidfd(q);
	if (pidfd < 0)
		return pidfd;
	long s = syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	if (s < 0)
		return -errno;
	struct stat st;
	if (fstat((int)s, &st) < 0 || !S_ISSOCK(st.st_mode)) {
		close((int)s);
		return -ENOTSOCK;
	}
	return (int)s;
}

/* Copies the address; EINVAL when longer than any sockaddr. */
static int copy_addr(struct notify_req *q, uint64_t addr, uint64_t len, struct sockaddr_storage *ss)
{
	if (len > sizeof(*ss))
		return -EINVAL;
	memset(ss, 0, sizeof(*ss));
	if (len == 0)
		return 0;
	return notify_mem_read(q->pid, addr, ss, (size_t)len);
}

/* For an AF_UNIX pathname, rewrites *ss to go through an fd of ours.
 * bind: the parent directory ("/proc/self/fd/N/name"); otherwise: the
 * socket file itself. *hold receives the fd to close afterwards.
 * Returns 0, or -1 when answered. Other addresses: untouched. */
static int unix_rewrite(struct notify_req *q, struct sockaddr_storage *ss, socklen_t *len, bool bind,
                        int *hold, const char **unix_path)
{
	struct sockaddr_un *un = (struct sockaddr_un *)ss;
	*hold = -1;
	*unix_path = NULL;
	if (ss->ss_family != AF_UNIX || *len <= offsetof(struct sockaddr_un, sun_path) ||
	    un->sun_path[0] == '\0')
		return 0;
	char path[sizeof(un->sun_path) + 1];
	size_t n = strnlen(un->sun_path, *len - offsetof(struct sockaddr_un, sun_path));
	memcpy(path, un->sun_path, n);
	path[n] = '\0';
	int fd;
	char via[sizeof(un->sun_path) + 1];
	if (bind) {
		const char *last;
		char lastbuf[NAME_MAX + 2];
		fd = notify_resolve_parent(q, AT_FDCWD, path, &last, lastbuf, sizeof(lastbuf));
		if (fd < 0) {
			notify_req_error(q, -fd);
			return -1;
		}
		char parent[PATH_MAX];
		if (notify_real_path(q, fd, parent, sizeof(parent)) < 0 ||
		    notify_join_path(q->path, sizeof(q->path), parent, last) < 0)
			q->path[0] = '\0';
		if ((size_t)snprintf(via, sizeof(via), "/proc/self/fd/%d/%s", fd, last) >= sizeof(un->sun_path)) {
			close(fd);
			notify_req_error(q, ENAMETOOLONG);
			return -1;
		}
	} else {
		fd = notify_resolve(q, AT_FDCWD, path, O_PATH, 0);
		if (fd < 0) {
			notify_req_error(q, -fd == ELOOP ? ELOOP : -fd == ENOENT ? ENOENT : -fd);
			return -1;
		}
		if (notify_real_path(q, fd, q->path, sizeof(q->path)) < 0)
			q->path[0] = '\0'; /* undecidable: refused below */
		snprintf(via, sizeof(via), "/proc/self/fd/%d", fd);
	}
	*unix_path = q->path[0] == '/' ? q->path : NULL;
	memset(un->sun_path, 0, sizeof(un->sun_path));
	memcpy(un->sun_path, via, strlen(via));
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(via) + 1);
	*hold = fd;
	return 0;
}

static bool is_blocking(int sock, int msgflags)
{
	int fl = fcntl(sock, F_GETFL);
	return fl >= 0 && !(fl & O_NONBLOCK) && !(msgflags & MSG_DONTWAIT);
}

/* EPIPE on a send made without MSG_NOSIGNAL: the target gets its SIGPIPE
 * (the supervisor sent with MSG_NOSIGNAL so as not to receive it). */
static void send_answer(struct notify_req *q, ssize_t r, int flags)
{
	if (r < 0) {
		int e = errno;
		if (e == EPIPE && !(flags & MSG_NOSIGNAL)) {
			int pidfd = notify_req_pidfd(q);
			if (pidfd >= 0)
				syscall(SYS_pidfd_send_signal, pidfd, SIGPIPE, NULL, 0);
		}
		notify_req_error(q, e);
	} else {
		notify_req_value(q, r);
	}
}

/* Whether ss is the session proxy's address, 127.0.0.1:port (also as
 * ::ffff:127.0.0.1 from a dual-stack socket). */
static bool to_session_proxy(const struct sockaddr_storage *ss, socklen_t len, uint16_t port)
{
	if (!port)
		return false;
	if (ss->ss_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
		return in->sin_addr.s_addr == htonl(INADDR_LOOPBACK) && ntohs(in->sin_port) == port;
	}
	if (ss->ss_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
		static const uint8_t lo[16] = { [10] = 0xff, [11] = 0xff, [12] = 127, [15] = 1 };
		return memcmp(&in6->sin6_addr, lo, 16) == 0 && ntohs(in6->sin6_port) == port;
	}
	return false;
}

/* The session proxy's client (docs/adr/0261): its socket bound to a port
 * of loopback that no other socket can share, the port recorded with the
 * caller's rules, before the connect, so the record exists when the proxy
 * accepts. The options are cleared first: with SO_REUSEPORT left on by the
 * target, a socket of the same user elsewhere could bind the same port.
 * Returns 0 or an errno. */
static int tag_proxy_client(struct notify_req *q, int sock, const struct sockaddr_storage *dst)
{
	const struct notify_config *cfg = notify_req_config(q);
	/* The proxy speaks TCP: a datagram socket's record would only wait
	 * for an accept that never comes. */
	int type = 0, zero = 0;
	socklen_t tl = sizeof(type);
	if (getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &tl) < 0)
		return errno;
	if (type != SOCK_STREAM)
		return EPROTOTYPE;
	if (setsockopt(sock, SOL_SOCKET, SO_REUSEPORT, &zero, sizeof(zero)) < 0 ||
	    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &zero, sizeof(zero)) < 0)
		return errno;
	struct sockaddr_storage me;
	socklen_t ml;
	memset(&me, 0, sizeof(me));
	if (dst->ss_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&me;
		in->sin_family = AF_INET;
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		ml = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&me;
		in6->sin6_family = AF_INET6;
		memcpy(&in6->sin6_addr, &((const struct sockaddr_in6 *)dst)->sin6_addr, 16);
		ml = sizeof(*in6);
	}
	/* A socket bound already (by the target) keeps its port: EINVAL. */
	if (bind(sock, (struct sockaddr *)&me, ml) < 0)
		return errno;
	ml = sizeof(me);
	if (getsockname(sock, (struct sockaddr *)&me, &ml) < 0)
		return errno;
	uint16_t port = ntohs(me.ss_family == AF_INET ? ((struct sockaddr_in *)&me)->sin_port
	                                              : ((struct sockaddr_in6 *)&me)->sin6_port);
	return cfg->proxy_tag ? cfg->proxy_tag(port, q->rules, cfg->ctx) : EACCES;
}

static void do_connect_bind(struct notify_req *q, bool bind_call)
{
	const __u64 *a = q->n->data.args;
	struct sockaddr_storage ss;
	socklen_t len = (socklen_t)a[2];
	int r = copy_addr(q, a[1], a[2], &ss);
	if (r < 0) {
		notify_req_error(q, -r);
		return;
	}
	notify_format_sockaddr((struct sockaddr *)&ss, len, q->addr, sizeof(q->addr));
	int hold;
	const char *unix_path;
	if (unix_rewrite(q, &ss, &len, bind_call, &hold, &unix_path) < 0)
		return;
	const struct notify_config *cfg = notify_req_config(q);
	bool tagged = !bind_call && cfg->proxy_port &&
	              to_session_proxy(&ss, len, cfg->proxy_port(cfg->ctx));
	struct notify_decision d = tagged ? notify_decide_session_proxy(q->rules)
	                                  : notify_decide_net(q->rules, bind_call ? NOTIFY_NET_BIND
	                                                                          : NOTIFY_NET_CONNECT,
	                                                      (struct sockaddr *)&ss, len, unix_path);
	/* The decision must see the original address for AF_UNIX paths; the
	 * rewritten one only names the same file through our fd. */
	int sock = -1;
	if (!notify_req_permit(q, d))
		goto out;
	sock = fetch_socket(q, (int)a[0]);
	if (sock < 0) {
		notify_req_error(q, -sock);
		goto out;
	}
	if (!notify_req_valid(q))
		goto out;
	if (bind_call) {
		mode_t old = umask(notify_target_umask(q->pid));
		r = bind(sock, a[1] ? (struct sockaddr *)&ss : NULL, len);
		int e = errno;
		umask(old);
		errno = e;
	} else {
		if (tagged && (r = tag_proxy_client(q, sock, &ss)) != 0) {
			notify_req_error(q, r);
			goto out;
		}
		if (is_blocking(sock, 0))
			notify_req_may_block(q);
		r = connect(sock, a[1] ? (struct sockaddr *)&ss : NULL, len);
	}
	if (r < 0)
		notify_req_error(q, errno);
	else
		notify_req_value(q, 0);
out:
	if (sock >= 0)
		close(sock);
	if (hold >= 0)
		close(hold);
}

/* Copies up to SEND_MAX bytes of the caller's data. */
static int copy_data(struct notify_req *q, int sock, const struct iovec *iov, size_t niov, char **out,
                     size_t *outlen)
{
	size_t total = 0;
	for (size_t i = 0; i < niov; i++)
		total += iov[i].iov_len < SEND_MAX ? iov[i].iov_len : SEND_MAX;
	if (total > SEND_MAX) {
		int type = 0;
		socklen_t tl = sizeof(type);
		getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &tl);
		if (type != SOCK_STREAM)
			return -EMSGSIZE;
		total = SEND_MAX; /* a partial write, which stream sockets allow */
	}
	char *buf = xmalloc(total);
	size_t done = 0;
	for (size_t i = 0; i < niov && done < total; i++) {
		size_t n = iov[i].iov_len;
		if (n > total - done)
			n = total - done;
		int r = notify_mem_read(q->pid, (uint64_t)(uintptr_t)iov[i].iov_base, buf + done, n);
		if (r < 0) {
			free(buf);
			return r;
		}
		done += n;
	}
	*out = buf;
	*outlen = done;
	return 0;
}

static void do_sendto(struct notify_req *q)
{
	const __u64 *a = q->n->data.args;
	int flags = (int)a[3];
	struct sockaddr_storage ss;
	socklen_t len = (socklen_t)a[5];
	int r = copy_addr(q, a[4], a[5], &ss);
	if (r < 0) {
		notify_req_error(q, -r);
		return;
	}
	notify_format_sockaddr((struct sockaddr *)&ss, len, q->addr, sizeof(q->addr));
	int hold, sock = -1;
	char *buf = NULL;
	const char *unix_path;
	if (unix_rewrite(q, &ss, &len, false, &hold, &unix_path) < 0)
		return;
	if (!notify_req_permit(q, notify_decide_net(q->rules, NOTIFY_NET_SEND, (struct sockaddr *)&ss, len,
	                                            unix_path)))
		goto out;
	sock = fetch_socket(q, (int)a[0]);
	if (sock < 0) {
		notify_req_error(q, -sock);
		goto out;
	}
	struct iovec iov = { (void *)(uintptr_t)a[1], (size_t)a[2] };
	size_t n = 0;
	r = copy_data(q, sock, &iov, 1, &buf, &n);
	if (r < 0) {
		notify_req_error(q, -r);
		goto out;
	}
	if (!notify_req_valid(q))
		goto out;
	if (is_blocking(sock, flags))
		notify_req_may_block(q);
	ssize_t s = sendto(sock, buf, n, flags | MSG_NOSIGNAL, (struct sockaddr *)&ss, len);
	send_answer(q, s, flags);
out:
	free(buf);
	if (sock >= 0)
		close(sock);
	if (hold >= 0)
		close(hold);
}

/* Replaces the target's fd numbers in SCM_RIGHTS by fds of ours.
 * Returns 0 or -errno; fds[] collects what to close. */
static int translate_rights(struct notify_req *q, char *ctl, size_t ctllen, int *fds, size_t *nfds,
                            size_t maxfds)
{
	struct msghdr m = { .msg_control = ctl, .msg_controllen = ctllen };
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if ((char *)c + c->cmsg_len > ctl + ctllen || c->cmsg_len < CMSG_LEN(0))
			return -EINVAL;
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		int *v = (int *)CMSG_DATA(c);
		for (size_t i = 0; i < count; i++) {
			int pidfd = notify_req_pidfd(q);
			if (pidfd < 0 || *nfds >= maxfds)
				return pidfd < 0 ? pidfd : -ETOOMANYREFS;
			long fd = syscall(SYS_pidfd_getfd, pidfd, v[i], 0);
			if (fd < 0)
				return -EBADF;
			fds[(*nfds)++] = (int)fd;
			v[i] = (int)fd;
		}
	}
	return 0;
}

/* send_one's "the answer is already set" (refused, or the target is gone). */
#define ANSWERED (-100000)

/* One message: its address copied and decided, its data and control
 * copied (SCM_RIGHTS translated), then sent on our copy of the socket
 * (*sock, fetched on first use). Returns bytes sent, -errno, or ANSWERED. */
static ssize_t send_one(struct notify_req *q, int target_fd, int *sock, const struct msghdr *m, int flags)
{
	struct sockaddr_storage ss;
	struct iovec *iov = NULL;
	char *buf = NULL, *ctl = NULL;
	int fds[256], hold = -1;
	size_t nfds = 0, n;
	ssize_t ret = ANSWERED;
	socklen_t len = m->msg_name ? m->msg_namelen : 0;
	int r = copy_addr(q, (uint64_t)(uintptr_t)m->msg_name, len, &ss);
	if (r < 0 || m->msg_iovlen > 1024 || m->msg_controllen > CONTROL_MAX)
		return r < 0 ? r : m->msg_iovlen > 1024 ? -EMSGSIZE : -ENOBUFS;
	notify_format_sockaddr(len ? (struct sockaddr *)&ss : NULL, len, q->addr, sizeof(q->addr));
	const char *unix_path = NULL;
	if (len && unix_rewrite(q, &ss, &len, false, &hold, &unix_path) < 0)
		return ANSWERED;
	if (!notify_req_permit(q, notify_decide_net(q->rules, NOTIFY_NET_SEND, len ? (struct sockaddr *)&ss : NULL,
	                                            len, unix_path)))
		goto out;
	if (*sock < 0 && (*sock = fetch_socket(q, target_fd)) < 0) {
		ret = *sock;
		goto out;
	}
	iov = xcalloc(m->msg_iovlen ? m->msg_iovlen : 1, sizeof(*iov));
	if (m->msg_iovlen && (r = notify_mem_read(q->pid, (uint64_t)(uintptr_t)m->msg_iov, iov,
	                                          m->msg_iovlen * sizeof(*iov))) < 0) {
		ret = r;
		goto out;
	}
	if ((r = copy_data(q, *sock, iov, m->msg_iovlen, &buf, &n)) < 0) {
		ret = r;
		goto out;
	}
	if (m->msg_controllen) {
		ctl = xmalloc(m->msg_controllen);
		if ((r = notify_mem_read(q->pid, (uint64_t)(uintptr_t)m->msg_control, ctl, m->msg_controllen)) < 0 ||
		    (r = translate_rights(q, ctl, m->msg_controllen, fds, &nfds, ARRAY_LEN(fds))) < 0) {
			ret = r;
			goto out;
		}
	}
	if (!notify_req_valid(q))
		goto out;
	struct iovec one = { buf, n };
	struct msghdr mine = {
		.msg_name = len ? &ss : NULL, .msg_namelen = len,
		.msg_iov = &one, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = m->msg_controllen,
	};
	if (is_blocking(*sock, flags))
		notify_req_may_block(q);
	ret = sendmsg(*sock, &mine, flags | MSG_NOSIGNAL);
	if (ret < 0)
		ret = -errno;
out:
	for (size_t i = 0; i < nfds; i++)
		close(fds[i]);
	free(iov);
	free(buf);
	free(ctl);
	if (hold >= 0)
		close(hold);
	return ret;
}

static void do_sendmsg(struct notify_req *q)
{
	const __u64 *a = q->n->data.args;
	struct msghdr m;
	int sock = -1;
	int r = notify_mem_read(q->pid, a[1], &m, sizeof(m));
	if (r < 0) {
		notify_req_error(q, -r);
		return;
	}
	ssize_t s = send_one(q, (int)a[0], &sock, &m, (int)a[2]);
	if (s != ANSWERED) {
		errno = s < 0 ? (int)-s : 0;
		send_answer(q, s < 0 ? -1 : s, (int)a[2]);
	}
	if (sock >= 0)
		close(sock);
}

/* sendmmsg: the messages in order, each decided on its own address; stops
 * at the first refusal or error like the kernel (an error on the first
 * message is the call's error, later ones end it with the count sent).
 * Each msg_len is written back into the target's vector. */
static void do_sendmmsg(struct notify_req *q)
{
	const __u64 *a = q->n->data.args;
	int flags = (int)a[3];
	unsigned vlen = (unsigned)a[2] > 1024 ? 1024 : (unsigned)a[2];
	int sock = -1;
	if (vlen == 0) {
		notify_req_value(q, 0);
		return;
	}
	struct mmsghdr *v = xcalloc(vlen, sizeof(*v));
	int r = notify_mem_read(q->pid, a[1], v, vlen * sizeof(*v));
	if (r < 0) {
		notify_req_error(q, -r);
		free(v);
		return;
	}
	unsigned sent = 0;
	for (; sent < vlen; sent++) {
		ssize_t s = send_one(q, (int)a[0], &sock, &v[sent].msg_hdr, flags);
		if (s == ANSWERED || s < 0) {
			if (sent == 0) {
				if (s != ANSWERED) {
					errno = (int)-s;
					send_answer(q, -1, flags);
				}
				goto out;
			}
			break;
		}
		unsigned len32 = (unsigned)s;
		uint64_t at = a[1] + sent * sizeof(*v) + offsetof(struct mmsghdr, msg_len);
		if (notify_mem_write(q->pid, at, &len32, sizeof(len32)) < 0)
			break;
	}
	/* A later refusal is recorded, and the call reports what went out. */
	notify_req_value(q, sent);
out:
	free(v);
	if (sock >= 0)
		close(sock);
}

void notify_handle_net(struct notify_req *q)
{
	switch (q->n->data.nr) {
	case SYS_connect: q->syscall = "connect"; do_connect_bind(q, false); break;
	case SYS_bind: q->syscall = "bind"; do_connect_bind(q, true); break;
	case SYS_sendto: q->syscall = "sendto"; do_sendto(q); break;
	case SYS_sendmsg: q->syscall = "sendmsg"; do_sendmsg(q); break;
	case SYS_sendmmsg: q->syscall = "sendmmsg"; do_sendmmsg(q); break;
	default: q->syscall = "unknown"; notify_req_error(q, ENOSYS); break;
	}
}
