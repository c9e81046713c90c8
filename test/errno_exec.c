/* errno_exec SYSCALL ERRNO CMD [ARGS...]: runs CMD under a seccomp filter
 * that makes SYSCALL fail with ERRNO (a name such as ENOSYS or a number),
 * to show that `can run` fails closed when the kernel refuses a wall. */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int errno_of(const char *s)
{
	static const struct {
		const char *name;
		int v;
	} t[] = { { "EPERM", EPERM }, { "ENOSYS", ENOSYS }, { "EINVAL", EINVAL },
		  { "EACCES", EACCES }, { "EAFNOSUPPORT", EAFNOSUPPORT }, { "EOPNOTSUPP", EOPNOTSUPP }, { "ENOSPC", ENOSPC } };
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(s, t[i].name) == 0)
			return t[i].v;
	return atoi(s);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: errno_exec SYSCALL ERRNO CMD [ARGS...]\n");
		return 2;
	}
	int nr = seccomp_syscall_resolve_name(argv[1]);
	if (nr == __NR_SCMP_ERROR) {
		fprintf(stderr, "errno_exec: unknown syscall %s\n", argv[1]);
		return 2;
	}
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_ERRNO(errno_of(argv[2])), nr, 0) < 0 ||
	    seccomp_load(ctx) < 0) {
		fprintf(stderr, "errno_exec: cannot load the filter\n");
		return 2;
	}
	seccomp_release(ctx);
	execvp(argv[3], argv + 3);
	perror("errno_exec: exec");
	return 127;
}
