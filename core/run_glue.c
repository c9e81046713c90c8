/* See run_glue.h. TEMPORARY: until the `recipe` and `seccomp` branches are
 * merged, their functions are weak references here; when absent, the
 * policy comes from a built-in stand-in for base.toml, which
 * comes with a stand-in syscall allow-list (for default.toml). Remove the
 * weak pragmas and the stand-in when the recipe branch lands. */
#include "run_glue.h"
#include "recipe.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma weak recipe_load_effective
#pragma weak expand_env_from_process
#pragma weak policy_init
#pragma weak plist_add

static void stand_in_add(struct plist *l, const char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = (struct pstr){ xstrdup(s), { "<built-in base>", 0, 0 } };
}

/* A stand-in for base.toml: the system folders most programs need. */
static void stand_in_policy(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	static const char *const allow[] = {
		"/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32",
		"/etc/alternatives", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d",
		"/etc/localtime", "/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/hosts",
		"/etc/resolv.conf", "/etc/ssl", "/etc/ca-certificates", "/etc/gitconfig",
		"/etc/bash.bashrc", "/etc/profile", "/etc/inputrc", "/etc/mime.types",
		"/etc/python3", "/etc/python3.11", "/etc/terminfo", "/usr/share/terminfo",
	};
	for (size_t i = 0; i < ARRAY_LEN(allow); i++)
		stand_in_add(&p->fs.allow, allow[i]);
	const char *home = getenv("HOME");
	if (home && home[0] == '/') {
		static const char *const deny[] = { ".ssh", ".gnupg", ".aws", ".config/gcloud",
						    ".netrc", ".docker", ".kube" };
		for (size_t i = 0; i < ARRAY_LEN(deny); i++) {
			char *d = xasprintf("%s/%s", home, deny[i]);
			stand_in_add(&p->fs.deny, d);
			free(d);
		}
	}
	stand_in_add(&p->fs.deny, "/etc/shadow");
	stand_in_add(&p->proc.env_passthrough, "TERM");
	static const char *const sys =
		"read write open close stat fstat lstat poll lseek mmap mprotect munmap brk "
		"rt_sigaction rt_sigprocmask rt_sigreturn ioctl pread64 pwrite64 readv writev access "
		"pipe select sched_yield mremap msync mincore madvise shmget shmat shmctl dup dup2 "
		"pause nanosleep getitimer alarm setitimer getpid sendfile socket connect accept "
		"sendto recvfrom sendmsg recvmsg shutdown bind listen getsockname getpeername "
		"socketpair setsockopt getsockopt clone fork vfork execve exit wait4 kill uname "
		"semget semop semctl shmdt msgget msgsnd msgrcv msgctl fcntl flock fsync fdatasync "
		"truncate ftruncate getdents getcwd chdir fchdir rename mkdir rmdir creat link unlink "
		"symlink readlink chmod fchmod chown fchown lchown umask gettimeofday getrlimit "
		"getrusage sysinfo times getuid getgid setuid setgid geteuid getegid setpgid getppid "
		"getpgrp setsid setreuid setregid getgroups setgroups setresuid getresuid setresgid "
		"getresgid getpgid setfsuid setfsgid getsid capget rt_sigpending rt_sigtimedwait "
		"rt_sigqueueinfo rt_sigsuspend sigaltstack utime mknod personality statfs fstatfs "
		"getpriority setpriority sched_setparam sched_getparam sched_setscheduler "
		"sched_getscheduler sched_get_priority_max sched_get_priority_min "
		"sched_rr_get_interval mlock munlock prctl arch_prctl setrlimit sync gettid readahead "
		"setxattr getxattr lgetxattr fgetxattr listxattr llistxattr flistxattr tkill time "
		"futex sched_setaffinity sched_getaffinity epoll_create getdents64 set_tid_address "
		"restart_syscall semtimedop fadvise64 timer_create timer_settime timer_gettime "
		"timer_getoverrun timer_delete clock_gettime clock_getres clock_nanosleep exit_group "
		"epoll_wait epoll_ctl tgkill utimes waitid inotify_init inotify_add_watch "
		"inotify_rm_watch openat mkdirat mknodat fchownat futimesat newfstatat unlinkat "
		"renameat linkat symlinkat readlinkat fchmodat faccessat pselect6 ppoll set_robust_list "
		"get_robust_list splice tee sync_file_range vmsplice utimensat epoll_pwait signalfd "
		"timerfd_create eventfd fallocate timerfd_settime timerfd_gettime accept4 signalfd4 "
		"eventfd2 epoll_create1 dup3 pipe2 inotify_init1 preadv pwritev rt_tgsigqueueinfo "
		"recvmmsg prlimit64 syncfs sendmmsg getcpu renameat2 getrandom memfd_create execveat "
		"membarrier copy_file_range preadv2 pwritev2 statx rseq pidfd_open close_range "
		"faccessat2 epoll_pwait2 pidfd_send_signal";
	{
		char *copy = xstrdup(sys), *save = NULL;
		for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
			stand_in_add(&p->sys.allow, w);
		free(copy);
	}
	p->net.egress = (struct popt){ true, xstrdup("none"), { "<built-in base>", 0, 0 } };
}

int run_glue_policy(const char *const *names, size_t n, const char *cmd_path, struct policy *out)
{
	if (!recipe_load_effective) {
		if (n > 0) {
			can_warn("run: recipes are not supported by this build yet (-r %s)", names[0]);
			return CAN_EXIT_USAGE;
		}
		stand_in_policy(out);
		return 0;
	}
	struct expand_env env;
	expand_env_from_process(&env);
	struct diags d = { 0 };
	int rc = recipe_load_effective(names, n, cmd_path, &env, out, &d);
	if (rc) {
		diags_print(&d, stderr);
		diags_free(&d);
		return CAN_EXIT_USAGE;
	}
	diags_free(&d);
	return 0;
}

int run_glue_sc_build(const struct policy *p, const struct sc_options *o, struct sc_filter **out)
{
	*out = NULL;
	struct diags d = { 0 };
	*out = sc_build(p, o, &d);
	if (!*out) {
		diags_print(&d, stderr);
		diags_free(&d);
		return CAN_EXIT_USAGE;
	}
	diags_free(&d);
	return 1;
}

int run_glue_sc_install(struct sc_filter *f)
{
	return sc_install(f);
}

void run_glue_sc_free(struct sc_filter *f)
{
	sc_free(f);
}
