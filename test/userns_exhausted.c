/* userns_exhausted CMD [ARGS...]: runs CMD where user namespaces cannot be
 * created, without touching the machine: in a user namespace of its own
 * (the caller's uid and gid mapped to themselves) whose
 * user.max_user_namespaces is 0, so every unshare/clone(CLONE_NEWUSER)
 * inside fails with ENOSPC. The limit belongs to this namespace only; tests
 * running in parallel keep theirs. Exit 125 when it cannot set that up. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	int e = errno;
	close(fd);
	errno = e;
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int fail(const char *what)
{
	fprintf(stderr, "userns_exhausted: %s: %s\n", what, strerror(errno));
	return 125;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: userns_exhausted CMD [ARGS...]\n");
		return 125;
	}
	char map[64];
	unsigned uid = (unsigned)getuid(), gid = (unsigned)getgid();
	if (unshare(CLONE_NEWUSER) < 0)
		return fail("unshare(CLONE_NEWUSER)");
	snprintf(map, sizeof(map), "%u %u 1\n", uid, uid);
	if (write_file("/proc/self/uid_map", map) < 0)
		return fail("write uid_map");
	if (write_file("/proc/self/setgroups", "deny") < 0)
		return fail("write setgroups");
	snprintf(map, sizeof(map), "%u %u 1\n", gid, gid);
	if (write_file("/proc/self/gid_map", map) < 0)
		return fail("write gid_map");
	/* Writable with CAP_SYS_RESOURCE in this namespace, which the process
	 * holds until its exec (a non-root uid loses it there). */
	if (write_file("/proc/sys/user/max_user_namespaces", "0") < 0)
		return fail("set user.max_user_namespaces to 0");
	execvp(argv[1], argv + 1);
	fprintf(stderr, "userns_exhausted: %s: %s\n", argv[1], strerror(errno));
	return 127;
}
