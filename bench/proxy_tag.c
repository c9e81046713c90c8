/* bench/proxy_tag.c: the session proxy's connection tag (docs/adr/0261).
 * A loopback connect as is, against the same connect preceded by a bind to
 * 127.0.0.1:0 and a getsockname (how the supervisor learns the local port
 * it records before connecting on a layered process's behalf), in one run,
 * printed as a ratio; and the two facts the tag rests on: the listener's
 * accept sees that port, and no other socket can bind it meanwhile.
 *   cc -O2 -o /tmp/proxy_tag bench/proxy_tag.c && /tmp/proxy_tag [N]
 * Not built by make (nothing in bench/ runs in make check). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void die(const char *what)
{
	fprintf(stderr, "proxy_tag: %s: %s\n", what, strerror(errno));
	exit(1);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 20000;
	struct sockaddr_in lo = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in srv = lo;
	socklen_t len = sizeof(srv);
	int l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (void *)&srv, sizeof(srv)) < 0 || listen(l, 4096) < 0 ||
	    getsockname(l, (void *)&srv, &len) < 0)
		die("listener");
	double plain = 0, tagged = 0;
	int mismatches = 0, rebinds = 0;
	for (int i = 0; i < n; i++) {
		int s = socket(AF_INET, SOCK_STREAM, 0);
		double t0 = now_us();
		if (connect(s, (void *)&srv, sizeof(srv)) < 0)
			die("connect");
		plain += now_us() - t0;
		close(accept(l, NULL, NULL));
		close(s);

		s = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in me, peer;
		t0 = now_us();
		len = sizeof(me);
		if (bind(s, (void *)&lo, sizeof(lo)) < 0 || getsockname(s, (void *)&me, &len) < 0 ||
		    connect(s, (void *)&srv, sizeof(srv)) < 0)
			die("tagged connect");
		tagged += now_us() - t0;
		len = sizeof(peer);
		int c = accept(l, (void *)&peer, &len);
		if (c < 0)
			die("accept");
		mismatches += peer.sin_port != me.sin_port;
		int o = socket(AF_INET, SOCK_STREAM, 0);
		rebinds += bind(o, (void *)&me, sizeof(me)) == 0;
		close(o);
		close(c);
		close(s);
	}
	printf("loopback connect: %.2f us; bind+getsockname+connect: %.2f us; ratio %.2f\n",
	       plain / n, tagged / n, tagged / plain);
	printf("accepted peer port != bound port: %d of %d; a second bind of a tagged port succeeded: %d of %d\n",
	       mismatches, n, rebinds, n);
	return 0;
}
