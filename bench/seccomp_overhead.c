/* Cost of the seccomp filter per syscall, side by side with no filter.
 * Built on demand: `make -C _build/bench seccomp` (uses
 * test/seccomp_fixture_allow.txt as the allow-list).
 * Prints ns per call for a call the kernel's ALLOW cache answers (getppid),
 * one whose arguments the filter checks (ioctl), and kill (checked against
 * the protected pid), bare then filtered, and the ratio. */
#include "seccomp/seccomp_filter.h"
#include "util/util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

enum { N = 2000000 };

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static void measure(double out[3])
{
	int fd = open("/dev/null", O_RDONLY);
	struct termios tt;
	double t0 = now();
	for (int i = 0; i < N; i++)
		syscall(SYS_getppid);
	double t1 = now();
	for (int i = 0; i < N; i++)
		ioctl(fd, TCGETS, &tt);
	double t2 = now();
	for (int i = 0; i < N; i++)
		syscall(SYS_kill, 0x7ffffff0, 0);
	double t3 = now();
	out[0] = (t1 - t0) / N, out[1] = (t2 - t1) / N, out[2] = (t3 - t2) / N;
	close(fd);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s ALLOW-LIST-FILE\n", argv[0]);
		return 2;
	}
	struct policy p;
	memset(&p, 0, sizeof(p));
	FILE *f = fopen(argv[1], "r");
	if (!f)
		return 1;
	char w[128];
	while (fscanf(f, "%127s", w) == 1) {
		if (w[0] == '#') {
			int c;
			while ((c = fgetc(f)) != '\n' && c != EOF)
				;
			continue;
		}
		if (p.sys.allow.n == p.sys.allow.cap) {
			p.sys.allow.cap = p.sys.allow.cap ? 2 * p.sys.allow.cap : 64;
			p.sys.allow.v = xrealloc(p.sys.allow.v, p.sys.allow.cap * sizeof(*p.sys.allow.v));
		}
		p.sys.allow.v[p.sys.allow.n++] = (struct pstr){ .s = xstrdup(w) };
	}
	fclose(f);
	struct sc_options o = { .protect_pid = getppid() };
	struct diags d = { 0 };
	struct sc_filter *flt = sc_build(&p, &o, &d);
	if (!flt) {
		diags_print(&d, stderr);
		return 1;
	}
	void *prog;
	size_t n;
	sc_export(flt, &prog, &n);
	double bare[3], filt[3];
	measure(bare);
	if (sc_install(flt) < 0)
		return 1;
	measure(filt);
	static const char *what[] = { "getppid (cached allow)", "ioctl TCGETS (args checked)",
				      "kill (args checked)" };
	printf("program: %zu instructions\n", n);
	for (int i = 0; i < 3; i++)
		printf("%-28s bare %6.0f ns  filtered %6.0f ns  ratio %.2f\n", what[i], bare[i],
		       filt[i], filt[i] / bare[i]);
	return 0;
}
