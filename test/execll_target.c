/* execll_target: the ways a process reaches execve, for test/execll.sh.
 *
 *   execll_target MODE [PROG ARG...]
 *   plain       exec PROG
 *   fexecve     exec PROG through an fd (execveat with AT_EMPTY_PATH)
 *   thread      exec PROG from a second thread (the leader waits)
 *   vfork       vfork + exec PROG, wait, exit with its status
 *   spawn       posix_spawn PROG, wait, exit with its status
 *   fail-then   execve a missing file (prints its errno), then exec PROG
 *   stack16     restrict itself with 16 Landlock domains, then exec PROG
 *   scoped      restrict itself with one signal-scoped domain, then exec PROG
 *   flood       a child floods this process with SIGURG while it execs PROG
 *   files       clone(CLONE_FILES) a child that execs PROG; after it ends,
 *               print whether a Landlock ruleset fd is in the shared table
 *   many N      fork N children at once, each execs PROG; print how many
 *               exited 0 and how many did not
 *   fds         print every fd above 2 that is open, or "fds: clean"
 *   read FILE   print FILE (a static build of this mode is the static test)
 *   addrule     a second thread adds allow-everything rules to fds 3..63
 *               while the leader execs PROG (must be refused by the filter) */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/landlock.h>

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif

extern char **environ;
static char **prog;

static void *thread_exec(void *arg)
{
	(void)arg;
	execv(prog[0], prog);
	perror("execll_target: execv from thread");
	exit(127);
}

static int wait_status(pid_t p)
{
	int st;
	if (waitpid(p, &st, 0) < 0)
		return 127;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int clone_child(void *arg)
{
	(void)arg;
	execv(prog[0], prog);
	_exit(127);
}

static int list_fds(bool only_landlock)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return 1;
	int found = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		int fd = atoi(de->d_name);
		if (de->d_name[0] == '.' || fd <= 2 || fd == dirfd(d))
			continue;
		char path[64], tgt[256];
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		ssize_t n = readlink(path, tgt, sizeof tgt - 1);
		tgt[n > 0 ? n : 0] = '\0';
		if (only_landlock && !strstr(tgt, "landlock"))
			continue;
		printf("fd %d -> %s\n", fd, tgt);
		found++;
	}
	closedir(d);
	if (!found)
		printf("fds: clean\n");
	return found ? 1 : 0;
}

static void *add_rules(void *arg)
{
	(void)arg;
	int root = open("/", O_PATH | O_CLOEXEC);
	struct landlock_path_beneath_attr a = { .allowed_access = LANDLOCK_ACCESS_FS_READ_FILE,
						.parent_fd = root };
	for (;;)
		for (int fd = 3; fd < 64; fd++)
			if (fd != root && syscall(__NR_landlock_add_rule, fd, LANDLOCK_RULE_PATH_BENEATH, &a, 0) == 0)
				fprintf(stderr, "execll_target: added a rule to fd %d\n", fd);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	const char *mode = argv[1];
	prog = argv + 2;
	if (strcmp(mode, "fds") == 0)
		return list_fds(false);
	if (strcmp(mode, "read") == 0) {
		int fd = open(argv[2], O_RDONLY);
		if (fd < 0) {
			printf("read %s: %s\n", argv[2], strerror(errno));
			return 1;
		}
		char buf[4096];
		ssize_t n;
		while ((n = read(fd, buf, sizeof buf)) > 0)
			fwrite(buf, 1, (size_t)n, stdout);
		return 0;
	}
	if (argc < 3)
		return 2;
	if (strcmp(mode, "many") == 0 && argc > 3) {
		int n = atoi(argv[2]), ok = 0, bad = 0;
		prog = argv + 3;
		pid_t *kids = calloc((size_t)n, sizeof *kids);
		for (int k = 0; k < n; k++) {
			kids[k] = fork();
			if (kids[k] == 0) {
				execv(prog[0], prog);
				_exit(127);
			}
		}
		for (int k = 0; k < n; k++)
			if (wait_status(kids[k]) == 0)
				ok++;
			else
				bad++;
		printf("many: %d ok, %d not\n", ok, bad);
		free(kids);
		return 0;
	}
	if (strcmp(mode, "plain") == 0) {
		execv(prog[0], prog);
		return 127;
	}
	if (strcmp(mode, "fexecve") == 0) {
		int fd = open(prog[0], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return 127;
		fexecve(fd, prog, environ);
		return 127;
	}
	if (strcmp(mode, "thread") == 0) {
		pthread_t t;
		pthread_create(&t, NULL, thread_exec, NULL);
		for (;;)
			pause();
	}
	if (strcmp(mode, "vfork") == 0) {
		pid_t p = vfork();
		if (p == 0) {
			execv(prog[0], prog);
			_exit(127);
		}
		return wait_status(p);
	}
	if (strcmp(mode, "spawn") == 0) {
		pid_t p;
		if (posix_spawn(&p, prog[0], NULL, NULL, prog, environ) != 0)
			return 127;
		return wait_status(p);
	}
	if (strcmp(mode, "fail-then") == 0) {
		char *none[] = { "/nonexistent/execll", NULL };
		execv(none[0], none);
		printf("first execve: %s\n", strerror(errno));
		fflush(stdout);
		execv(prog[0], prog);
		return 127;
	}
	if (strcmp(mode, "stack16") == 0) {
		struct landlock_ruleset_attr attr = { .handled_access_fs = LANDLOCK_ACCESS_FS_MAKE_BLOCK };
		for (int k = 0; k < 16; k++) {
			int rs = (int)syscall(__NR_landlock_create_ruleset, &attr, sizeof attr, 0);
			if (rs < 0 || syscall(__NR_landlock_restrict_self, rs, 0) < 0) {
				perror("execll_target: stack");
				return 1;
			}
			close(rs);
		}
		execv(prog[0], prog);
		return 127;
	}
	if (strcmp(mode, "scoped") == 0) {
		struct { __u64 fs, net, scoped; } attr = { LANDLOCK_ACCESS_FS_MAKE_BLOCK, 0, 2 /* SIGNAL */ };
		int rs = (int)syscall(__NR_landlock_create_ruleset, &attr, sizeof attr, 0);
		if (rs < 0 || syscall(__NR_landlock_restrict_self, rs, 0) < 0) {
			perror("execll_target: scoped");
			return 1;
		}
		close(rs);
		execv(prog[0], prog);
		return 127;
	}
	if (strcmp(mode, "flood") == 0) {
		signal(SIGURG, SIG_IGN);
		pid_t me = getpid();
		pid_t p = fork();
		if (p == 0) {
			for (int k = 0; k < 200000 && getppid() == me; k++)
				if (kill(me, SIGURG) < 0)
					break;
			_exit(0);
		}
		usleep(2000); /* let the flood start */
		execv(prog[0], prog);
		return 127;
	}
	if (strcmp(mode, "files") == 0) {
		static char stack[256 * 1024];
		pid_t p = clone(clone_child, stack + sizeof stack, CLONE_FILES | SIGCHLD, NULL);
		if (p < 0)
			return 127;
		int rc = wait_status(p);
		printf("child: %d\n", rc);
		return list_fds(true);
	}
	if (strcmp(mode, "addrule") == 0) {
		pthread_t t;
		pthread_create(&t, NULL, add_rules, NULL);
		usleep(1000);
		execv(prog[0], prog);
		return 127;
	}
	return 2;
}
