/* The host listeners of `-p` (ports.h). They are made before the sandbox so
 * that a port in use fails the run before the command starts (fail closed). */
#include "sandbox/ports.h"
#include "util/util.h"

#include <errno.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int listen_one(const struct port_spec *s)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	if (s->family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons(s->host_port);
		memcpy(&a->sin6_addr, s->addr, 16);
		len = sizeof *a;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		a->sin_family = AF_INET;
		a->sin_port = htons(s->host_port);
		memcpy(&a->sin_addr, s->addr, 4);
		len = sizeof *a;
	}
	int fd = socket(s->family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	int one = 1;
	/* SO_REUSEADDR only lets a port in TIME_WAIT be reused; a live listener
	 * still makes bind fail with EADDRINUSE. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    (s->family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0) ||
	    bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 64) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

int ports_listen_host(const struct port_spec *specs, size_t n, int *fds)
{
	for (size_t i = 0; i < n; i++) {
		int fd = listen_one(&specs[i]);
		if (fd < 0) {
			bool v6 = specs[i].family == AF_INET6;
			can_warn("-p %u: bind %s%s%s:%u: %s", specs[i].host_port, v6 ? "[" : "",
				 specs[i].addr_text, v6 ? "]" : "", specs[i].host_port,
				 errno_name(-fd));
			while (i-- > 0)
				close(fds[i]);
			return CAN_EXIT_WALL;
		}
		fds[i] = fd;
	}
	return 0;
}
