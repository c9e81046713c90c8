/* See notify_harness.h. */
#include "util/fdpass.h"
#include "notify_harness.h"
#include "util/util.h"

#include <dirent.h>
#include <ftw.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char target[PATH_MAX];
static char base[PATH_MAX];
static pid_t owner;

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

/* The temporary folders go when the test ends (not in forked children). */
static void cleanup(void)
{
	if (getpid() == owner && base[0])
		nftw(base, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

void nh_init(const char *argv0)
{
	if (geteuid() == 0) {
		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0) {
			perror("drop to nobody");
			exit(1);
		}
	}
	const char *bin = getenv("CAN_TESTBIN");
	if (bin)
		snprintf(target, sizeof(target), "%s/notify_target", bin);
	else {
		const char *slash = strrchr(argv0, '/');
		snprintf(target, sizeof(target), "%.*s/notify_target", slash ? (int)(slash - argv0) : 1,
		         slash ? argv0 : ".");
	}
	snprintf(base, sizeof(base), "/tmp/can-notify-test.XXXXXX");
	if (!mkdtemp(base)) {
		perror("mkdtemp");
		exit(1);
	}
	owner = getpid();
	atexit(cleanup);
	signal(SIGPIPE, SIG_IGN);
}

const char *nh_target(void) { return target; }

char *nh_mkdir(const char *name)
{
	static int n;
	char *d = xasprintf("%s/%s.%d", base, name, n++);
	if (mkdir(d, 0755) < 0) {
		perror(d);
		exit(1);
	}
	return d;
}

static const struct notify_rules *fixed_rules(pid_t pid, void *ctx)
{
	(void)pid;
	return ctx;
}

int nh_run(const char *cwd, const struct notify_rules *rules, const struct notify_config *cfg,
           const char *const *args, struct nh_result *res)
{
	bool bare = !rules && !cfg;
	int sv[2] = { -1, -1 }, out[2];
	memset(res, 0, sizeof(*res));
	if (!bare && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	if (pipe2(out, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		const char *argv[64];
		char fdbuf[16];
		size_t n = 0;
		if (!bare) {
			close(sv[0]);
			fcntl(sv[1], F_SETFD, 0);
		}
		snprintf(fdbuf, sizeof(fdbuf), "%d", bare ? -1 : sv[1]);
		argv[n++] = "notify_target";
		argv[n++] = fdbuf;
		for (size_t i = 0; args[i] && n < 63; i++)
			argv[n++] = args[i];
		argv[n] = NULL;
		dup2(out[1], 1);
		/* LeakSanitizer in the target cannot work under a filter whose
		 * supervisor may be gone; the test binaries keep it. */
		setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
		if (chdir(cwd) < 0)
			_exit(98);
		execv(target, (char *const *)argv);
		_exit(97);
	}
	close(out[1]);
	struct notify_engine *e = NULL;
	if (!bare) {
		close(sv[1]);
		int listener = fdpass_recv(sv[0], &(char){ 0 }, 1);
		if (listener < 0) {
			close(sv[0]);
			goto collect;
		}
		struct notify_config c = *cfg;
		c.rules_for = fixed_rules;
		c.ctx = (void *)rules;
		e = notify_engine_start(listener, &c);
		if (!e)
			kill(pid, SIGKILL);
		else if (write(sv[0], "A", 1) != 1)
			kill(pid, SIGKILL);
		close(sv[0]);
	}
collect:;
	size_t got = 0;
	for (;;) {
		ssize_t r = read(out[0], res->out + got, sizeof(res->out) - 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	res->out[got] = '\0';
	close(out[0]);
	while (waitpid(pid, &res->status, 0) < 0 && errno == EINTR)
		;
	if (e) {
		notify_engine_stats(e, &res->stats);
		notify_engine_stop(e);
	}
	return 0;
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void snap(const char *root, const char *rel, char ***v, size_t *n)
{
	char *dir = xasprintf("%s%s%s", root, *rel ? "/" : "", rel);
	DIR *d = opendir(dir);
	free(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char *r = xasprintf("%s%s%s", rel, *rel ? "/" : "", de->d_name);
		char *full = xasprintf("%s/%s", root, r);
		struct stat st;
		char link[PATH_MAX] = "";
		if (lstat(full, &st) == 0) {
			if (S_ISLNK(st.st_mode)) {
				ssize_t l = readlink(full, link, sizeof(link) - 1);
				link[l > 0 ? l : 0] = '\0';
				/* absolute links into the folder compare as %D/... */
				size_t rl = strlen(root);
				if (strncmp(link, root, rl) == 0 && (link[rl] == '/' || !link[rl])) {
					memmove(link + 2, link + rl, strlen(link + rl) + 1);
					memcpy(link, "%D", 2);
				}
			}
			*v = xrealloc(*v, (*n + 1) * sizeof(**v));
			(*v)[(*n)++] = xasprintf("%s type=%o mode=%o size=%lld nlink=%lu%s%s", r, st.st_mode & S_IFMT,
			                         st.st_mode & 07777,
			                         S_ISDIR(st.st_mode) || S_ISLNK(st.st_mode) ? 0LL : (long long)st.st_size,
			                         (unsigned long)(S_ISDIR(st.st_mode) ? 0 : st.st_nlink),
			                         *link ? " -> " : "", link);
			if (S_ISDIR(st.st_mode))
				snap(root, r, v, n);
		}
		free(full);
		free(r);
	}
	closedir(d);
}

char *nh_snapshot(const char *dir)
{
	char **v = NULL;
	size_t n = 0, len = 1;
	snap(dir, "", &v, &n);
	qsort(v, n, sizeof(*v), cmp);
	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) + 1;
	char *s = xmalloc(len);
	s[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		strcat(s, v[i]);
		strcat(s, "\n");
		free(v[i]);
	}
	free(v);
	return s;
}

void nh_diag(const char *label, const char *text)
{
	fflush(stdout);
	fflush(stderr);
	const char *p = text;
	do {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);
		if (len || !nl)
			printf("# %s: %.*s\n", label, len, p);
		p = nl ? nl + 1 : NULL;
	} while (p && *p);
	fflush(stdout);
}

void nh_rules_for_dir(struct notify_rules *r, const char *dir)
{
	static const char *ro[] = { "/usr", "/lib", "/lib64", "/etc", "/bin", "/proc", "/dev/null" };
	struct srcpos at = { "test.toml", 1, 1 };
	notify_rules_init(r);
	for (size_t i = 0; i < ARRAY_LEN(ro); i++)
		notify_rules_add_path(r, "allow", ro[i], NOTIFY_READ | NOTIFY_EXEC, "filesystem.allow", at);
	at.line = 2;
	notify_rules_add_path(r, "allow", dir, NOTIFY_READ | NOTIFY_WRITE | NOTIFY_EXEC, "filesystem.allow_write", at);
}
