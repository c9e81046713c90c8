/* Test helper for check.sh: installs a seccomp filter that owns a
 * notification listener (allowing every call), keeps the listener open
 * across exec, and runs the given command. Inside it, a second listener is
 * refused with EBUSY, as it is under an outer supervisor, so `can check`
 * must report the seccomp listener as unavailable. */
#include "util/kernel_compat.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: check_busy_listener CMD...\n");
		return 2;
	}
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { 1, &allow };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		perror("check_busy_listener: prctl");
		return 1;
	}
	int fd = can_seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (fd < 0) {
		perror("check_busy_listener: seccomp");
		return 1;
	}
	/* The listener must stay open, or the kernel forgets it. */
	fcntl(fd, F_SETFD, 0);
	execvp(argv[1], argv + 1);
	perror("check_busy_listener: exec");
	return 127;
}
