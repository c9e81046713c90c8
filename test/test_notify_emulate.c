/* Every emulated syscall gives what the kernel gives: the same scenario
 * runs bare in one folder and under the engine in an identical one; the
 * outputs (return value, errno, fd number, O_CLOEXEC, mode, size) and the
 * folders afterwards (names, types, modes with the given umask, sizes,
 * link texts) must be equal. Then the refusals: the same calls on paths
 * the rules do not allow fail with EACCES and touch nothing. */
#include "notify_harness.h"
#include "util/util.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

struct ecase {
	const char *name;
	const char *args[10];
};

#define S(x) #x
#define FL(x) S(x)

static const struct ecase compare_cases[] = {
	{ "openat O_RDONLY", { "open", "openat", "file", "0", "0", "022" } },
	{ "openat O_RDWR|O_APPEND", { "open", "openat", "file", "02002", "0", "022" } },
	{ "openat O_CREAT|O_EXCL 0666 umask 022", { "open", "openat", "new", "0301", "0666", "022" } },
	{ "openat O_CREAT 0777 umask 077", { "open", "openat", "new", "0101", "0777", "077" } },
	{ "openat O_CREAT|O_EXCL on existing: EEXIST", { "open", "openat", "file", "0301", "0666", "022" } },
	{ "openat O_CREAT on existing keeps mode", { "open", "openat", "ro", "0100", "0666", "022" } },
	{ "openat O_WRONLY|O_TRUNC", { "open", "openat", "file", "01001", "0", "022" } },
	{ "openat O_CLOEXEC", { "open", "openat", "file", "02000000", "0", "022" } },
	{ "openat missing: ENOENT", { "open", "openat", "missing", "0", "0", "022" } },
	{ "openat missing parent: ENOENT", { "open", "openat", "nodir/x", "0101", "0644", "022" } },
	{ "openat O_DIRECTORY on a folder", { "open", "openat", "dir", "0200000", "0", "022" } },
	{ "openat O_DIRECTORY on a file: ENOTDIR", { "open", "openat", "file", "0200000", "0", "022" } },
	{ "openat through a symlink", { "open", "openat", "link", "0", "0", "022" } },
	{ "openat O_NOFOLLOW on a symlink: ELOOP", { "open", "openat", "link", "0400000", "0", "022" } },
	{ "openat O_PATH on a file", { "open", "openat", "file", "010000000", "0", "022" } },
	{ "openat O_PATH|O_DIRECTORY on a folder", { "open", "openat", "dir", "010200000", "0", "022" } },
	{ "openat O_WRONLY on a folder: EISDIR", { "open", "openat", "dir", "1", "0", "022" } },
	{ "openat O_CREAT on a folder: EISDIR", { "open", "openat", "dir", "0101", "0644", "022" } },
	{ "openat O_WRONLY on 0444: EACCES", { "open", "openat", "ro", "1", "0", "022" } },
	{ "openat dir/../file", { "open", "openat", "dir/../file", "0", "0", "022" } },
	{ "openat absolute path", { "open", "openat", "%D/dir/inner", "0", "0", "022" } },
	{ "openat a file as a folder: ENOTDIR", { "open", "openat", "file/x", "0", "0", "022" } },
	{ "openat FIFO O_NONBLOCK", { "open", "openat", "fifo", "04000", "0", "022" } },
	{ "openat O_TMPFILE", { "open", "openat", ".", "020200002", "0600", "022" } },
	{ "openat from a dirfd", { "open", "dir:dir", "inner", "0", "0", "022" } },
	{ "openat from a dirfd, ../file", { "open", "dir:dir", "../file", "0", "0", "022" } },
	{ "openat from a dirfd, ../link (a symlink above the dirfd)", { "open", "dir:dir", "../link", "0", "0", "022" } },
	{ "openat from a dirfd, O_CREAT", { "open", "dir:dir", "made", "0101", "0600", "022" } },
	{ "openat through an absolute symlink", { "open", "openat", "abslink", "0", "0", "022" } },
	{ "openat through a symlink to a folder", { "open", "openat", "dirlink/inner", "0", "0", "022" } },
	{ "openat O_CREAT through a symlinked folder", { "open", "openat", "dirlink/made", "0101", "0640", "022" } },
	{ "openat /dev/stdout (a pipe)", { "open", "openat", "/dev/stdout", "1", "0", "022" } },
	{ "openat /proc/self/fd/1", { "open", "openat", "/proc/self/fd/1", "1", "0", "022" } },
	{ "openat /dev/fd/1 O_WRONLY|O_TRUNC (a pipe)", { "open", "openat", "/dev/fd/1", "01001", "0", "022" } },
	{ "openat /proc/self/status", { "open", "openat", "/proc/self/status", "0", "0", "022" } },
	{ "openat O_CREAT on a dangling symlink creates its target", { "open", "openat", "dangling", "0101", "0640", "022" } },
	{ "openat O_CREAT|O_EXCL on a dangling symlink: EEXIST", { "open", "openat", "dangling", "0301", "0640", "022" } },
	{ "openat O_CREAT|O_NOFOLLOW on a dangling symlink: ELOOP", { "open", "openat", "dangling", "0400101", "0640", "022" } },
	{ "openat2 O_RDONLY", { "open", "openat2", "file", "0", "0", "022" } },
	{ "openat2 O_CREAT 0640 umask 0", { "open", "openat2", "new", "0101", "0640", "0" } },
	{ "open O_CREAT 0666 umask 027", { "open", "open", "new", "0101", "0666", "027" } },
	{ "creat 0666 umask 022", { "open", "creat", "new", "0", "0666", "022" } },
	{ "creat truncates", { "open", "creat", "file", "0", "0666", "022" } },
	{ "unlink", { "pathop", "unlink", "file" } },
	{ "unlink a symlink", { "pathop", "unlink", "link" } },
	{ "unlink missing: ENOENT", { "pathop", "unlink", "missing" } },
	{ "unlink a folder: EISDIR", { "pathop", "unlink", "dir" } },
	{ "unlinkat", { "pathop", "unlinkat", "dir/inner" } },
	{ "rmdir", { "pathop", "rmdir", "empty" } },
	{ "rmdir not empty: ENOTEMPTY", { "pathop", "rmdir", "dir" } },
	{ "unlinkat AT_REMOVEDIR", { "pathop", "rmdirat", "empty" } },
	{ "mkdir 0777 umask 022", { "pathop", "mkdir", "nd", "0777", "022" } },
	{ "mkdir existing: EEXIST", { "pathop", "mkdir", "dir", "0777", "022" } },
	{ "mkdirat 0751 umask 0", { "pathop", "mkdirat", "dir/nd", "0751", "0" } },
	{ "mkdir trailing slash", { "pathop", "mkdir", "nd/", "0700", "022" } },
	{ "rename", { "pathop", "rename", "file", "renamed" } },
	{ "rename over a file", { "pathop", "rename", "file", "dir/inner" } },
	{ "rename missing: ENOENT", { "pathop", "rename", "missing", "x" } },
	{ "renameat2 RENAME_NOREPLACE: EEXIST", { "pathop", "renameat2", "file", "dir/inner", "1" } },
	{ "renameat2 RENAME_EXCHANGE", { "pathop", "renameat2", "file", "dir/inner", "2" } },
	{ "symlink", { "pathop", "symlink", "file", "newlink" } },
	{ "symlinkat relative text", { "pathop", "symlinkat", "../file", "dir/l2" } },
	{ "symlink existing: EEXIST", { "pathop", "symlink", "file", "link" } },
	{ "link", { "pathop", "link", "file", "hard" } },
	{ "link a folder: EPERM", { "pathop", "link", "dir", "hard" } },
	{ "chmod 0600", { "pathop", "chmod", "file", "0600" } },
	{ "chmod through a symlink", { "pathop", "chmod", "link", "0640" } },
	{ "fchmodat a folder 0700", { "pathop", "fchmodat", "dir", "0700" } },
	{ "chmod missing: ENOENT", { "pathop", "chmod", "missing", "0600" } },
	{ "truncate to 1", { "pathop", "truncate", "file", "1" } },
	{ "truncate to 10", { "pathop", "truncate", "file", "10" } },
	{ "truncate a folder: EISDIR", { "pathop", "truncate", "dir", "0" } },
	{ "truncate missing: ENOENT", { "pathop", "truncate", "missing", "0" } },
	{ "truncate 0444: EACCES", { "pathop", "truncate", "ro", "0" } },
	{ "chown to oneself", { "pathop", "chown", "file", "-1", "-1" } },
	{ "chown to root: EPERM", { "pathop", "chown", "file", "0", "0" } },
	{ "lchown a symlink", { "pathop", "lchown", "link", "-1", "-1" } },
	{ "fchownat AT_SYMLINK_NOFOLLOW", { "pathop", "fchownat", "link", "-1", "-1" } },
	{ "chown missing: ENOENT", { "pathop", "chown", "missing", "-1", "-1" } },
	{ "utimensat", { "pathop", "utimensat", "file", "1000000000" } },
	{ "utimensat through a symlink", { "pathop", "utimensat", "link", "1000000000" } },
	{ "utimensat AT_SYMLINK_NOFOLLOW", { "pathop", "utimensat", "link", "1000000000", "nofollow" } },
	{ "utimensat missing: ENOENT", { "pathop", "utimensat", "missing", "1000000000" } },
	{ "mknod a FIFO umask 022", { "pathop", "mknod", "newfifo", "010666", "022" } },
	{ "mknod a regular file umask 077", { "pathop", "mknod", "newreg", "0100666", "077" } },
	{ "mknod existing: EEXIST", { "pathop", "mknod", "file", "010644", "022" } },
	{ "mknod a char device: EPERM", { "pathop", "mknod", "dev", "020644", "022" } },
	{ "setxattr user.test", { "pathop", "setxattr", "file", "user.test", "value" } },
	{ "lsetxattr user.* on a symlink: EPERM", { "pathop", "lsetxattr", "link", "user.test", "v" } },
	{ "removexattr missing: ENODATA", { "pathop", "removexattr", "file", "user.none" } },
	{ "bind a unix socket (umask 022)", { "net", "bind_unix", "sock" } },
	{ "bind a unix socket on an existing file: EADDRINUSE", { "net", "bind_unix", "file" } },
	{ "connect to a missing unix socket: ENOENT", { "net", "connect_unix", "nosock" } },
};

static void write_file(const char *dir, const char *name, const char *content, mode_t mode)
{
	char *p = xasprintf("%s/%s", dir, name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	fchmod(fd, mode);
	close(fd);
	free(p);
}

static char *fixture(const char *name)
{
	char *d = nh_mkdir(name);
	char *p;
	write_file(d, "file", "abc", 0644);
	write_file(d, "ro", "r", 0444);
	p = xasprintf("%s/dir", d), mkdir(p, 0755), free(p);
	write_file(d, "dir/inner", "i", 0600);
	p = xasprintf("%s/empty", d), mkdir(p, 0700), free(p);
	p = xasprintf("%s/link", d), assert_int_equal(symlink("file", p), 0), free(p);
	p = xasprintf("%s/dangling", d), assert_int_equal(symlink("nowhere", p), 0), free(p);
	p = xasprintf("%s/fifo", d), assert_int_equal(mkfifo(p, 0644), 0), free(p);
	p = xasprintf("%s/dirlink", d), assert_int_equal(symlink("dir", p), 0), free(p);
	char *t = xasprintf("%s/file", d);
	p = xasprintf("%s/abslink", d), assert_int_equal(symlink(t, p), 0), free(p), free(t);
	return d;
}

static void expand(const struct ecase *c, const char *dir, const char **out, char **owned)
{
	size_t i;
	for (i = 0; c->args[i]; i++) {
		owned[i] = NULL;
		if (strncmp(c->args[i], "%D", 2) == 0)
			out[i] = owned[i] = xasprintf("%s%s", dir, c->args[i] + 2);
		else
			out[i] = c->args[i];
	}
	out[i] = NULL;
	owned[i] = NULL;
}

static struct notify_config enforce_cfg = { .workers = 2, .mode = NOTIFY_ENFORCE };
/* The same with the shared root (as session mode would run it). */
static struct notify_config shared_cfg = { .workers = 2, .mode = NOTIFY_ENFORCE, .use_shared_root = true };
static bool compare_shared;

static void compare_one(void **state);

static void compare_one_shared(void **state)
{
	compare_shared = true;
	compare_one(state);
	compare_shared = false;
}

static void compare_one(void **state)
{
	const struct ecase *c = *state;
	const char *args[12];
	char *owned[12];
	char *d1 = fixture("bare"), *d2 = fixture("engine");
	struct nh_result bare, eng;
	struct notify_rules r;
	nh_rules_for_dir(&r, d2);

	expand(c, d1, args, owned);
	assert_int_equal(nh_run(d1, NULL, NULL, args, &bare), 0);
	for (size_t i = 0; owned[i] || args[i]; i++)
		free(owned[i]);
	expand(c, d2, args, owned);
	assert_int_equal(nh_run(d2, &r, compare_shared ? &shared_cfg : &enforce_cfg, args, &eng), 0);
	for (size_t i = 0; owned[i] || args[i]; i++)
		free(owned[i]);

	char *s1 = nh_snapshot(d1), *s2 = nh_snapshot(d2);
	if (strcmp(bare.out, eng.out) != 0 || strcmp(s1, s2) != 0) {
		nh_diag("bare", bare.out);
		nh_diag("engine", eng.out);
		nh_diag("bare folder", s1);
		nh_diag("engine folder", s2);
	}
	assert_true(WIFEXITED(eng.status) && WEXITSTATUS(eng.status) == 0);
	assert_string_equal(bare.out, eng.out);
	assert_string_equal(s1, s2);
	/* The engine really did the work: the call was trapped and answered
	 * by emulation, not CONTINUE. */
	assert_true(eng.stats.emulated >= 1);
	assert_int_equal(eng.stats.continued, 0);
	free(s1);
	free(s2);
	free(d1);
	free(d2);
	notify_rules_free(&r);
}

/* Refusals: rules allow d read+write except d/secret (denied) and d/ro_dir
 * (read only). */
struct rcase {
	const char *name;
	const char *args[8];
	const char *want;     /* expected stdout prefix */
	bool not_a_rule;      /* refused for a reason other than a rule */
};

static const struct rcase refuse_cases[] = {
	{ "open a denied file", { "open", "openat", "secret/key", "0", "0", "022" }, "ret=err errno=EACCES", false },
	{ "open a denied file through a symlink", { "open", "openat", "tosecret", "0", "0", "022" }, "ret=err errno=EACCES", false },
	{ "open a denied file through dir/..", { "open", "openat", "rodir/../secret/key", "0", "0", "022" }, "ret=err errno=EACCES", false },
	{ "create in a read-only folder", { "open", "openat", "rodir/new", "0101", "0644", "022" }, "ret=err errno=EACCES", false },
	{ "open for writing in a read-only folder", { "open", "openat", "rodir/f", "1", "0", "022" }, "ret=err errno=EACCES", false },
	{ "open a file outside every rule", { "open", "openat", "/var", "0", "0", "022" }, "ret=err errno=EACCES", false },
	{ "create through a dangling symlink into a denied folder", { "open", "openat", "tosecretnew", "0101", "0644", "022" }, "ret=err errno=EACCES", false },
	{ "unlink a denied file", { "pathop", "unlink", "secret/key" }, "ret=-1 errno=EACCES", false },
	{ "mkdir in a read-only folder", { "pathop", "mkdir", "rodir/x", "0777", "022" }, "ret=-1 errno=EACCES", false },
	{ "rename a denied file out", { "pathop", "rename", "secret/key", "stolen" }, "ret=-1 errno=EACCES", false },
	{ "rename over a read-only file", { "pathop", "rename", "file", "rodir/f" }, "ret=-1 errno=EACCES", false },
	{ "link a denied file into an allowed folder", { "pathop", "link", "secret/key", "stolen" }, "ret=-1 errno=EACCES", false },
	{ "symlink into a read-only folder", { "pathop", "symlink", "x", "rodir/l" }, "ret=-1 errno=EACCES", false },
	{ "chmod a read-only file", { "pathop", "chmod", "rodir/f", "0777" }, "ret=-1 errno=EACCES", false },
	{ "truncate a denied file", { "pathop", "truncate", "secret/key", "0" }, "ret=-1 errno=EACCES", false },
	/* "self" walked by the supervisor would be the supervisor's. */
	{ "/proc/self/../self/status is not the supervisor's", { "open", "openat", "/proc/self/../self/status", "0", "0", "022" }, "ret=err errno=EACCES", true },
	{ "/proc/<supervisor>/status by number", { "open", "openat", "%S/status", "0", "0", "022" }, "ret=err errno=EACCES", true },
	/* A documented difference: ADDFD cannot pass O_PATH files. */
	{ "O_PATH|O_NOFOLLOW on a symlink (cannot be handed over)", { "open", "openat", "link", "010400000", "0", "022" }, "ret=err errno=EACCES", true },
	{ "exec a file no allow_execve names", { "exec", "/usr/bin/id" }, "ret=err errno=EACCES", false },
};

static void refuse_one(void **state)
{
	const struct rcase *c = *state;
	char *d = fixture("refuse");
	char *p = xasprintf("%s/secret", d);
	mkdir(p, 0700);
	free(p);
	write_file(d, "secret/key", "k", 0600);
	p = xasprintf("%s/rodir", d);
	mkdir(p, 0755);
	free(p);
	write_file(d, "rodir/f", "f", 0644);
	p = xasprintf("%s/tosecret", d);
	char *t = xasprintf("%s/secret/key", d);
	assert_int_equal(symlink(t, p), 0);
	free(t);
	free(p);
	p = xasprintf("%s/tosecretnew", d);
	assert_int_equal(symlink("secret/new", p), 0);
	free(p);
	char *before = nh_snapshot(d);

	struct notify_rules r;
	struct srcpos at = { "test.toml", 7, 1 };
	/* d is readable; its entries writable one by one; rodir read-only;
	 * secret denied. */
	notify_rules_init(&r);
	static const char *ro[] = { "/usr", "/lib", "/lib64", "/etc", "/bin", "/proc" };
	for (size_t i = 0; i < ARRAY_LEN(ro); i++)
		notify_rules_add_path(&r, "allow", ro[i], NOTIFY_READ | NOTIFY_EXEC, "filesystem.allow", at);
	static const char *rw[] = { "file", "ro", "dir", "empty", "link", "dangling", "fifo", "tosecret", "stolen", "new",
	                            "tosecretnew" };
	for (size_t i = 0; i < ARRAY_LEN(rw); i++) {
		p = xasprintf("%s/%s", d, rw[i]);
		notify_rules_add_path(&r, "allow", p, NOTIFY_READ | NOTIFY_WRITE, "filesystem.allow_write", at);
		free(p);
	}
	notify_rules_add_path(&r, "allow", d, NOTIFY_READ, "filesystem.allow", at);
	p = xasprintf("%s/secret", d);
	notify_rules_add_path(&r, "deny", p, 0, "filesystem.deny", at);
	free(p);
	notify_rules_add_path(&r, "exec", "/usr/bin/true", NOTIFY_EXEC, "process.allow_execve", at);

	struct nh_result res;
	const char *args[10];
	char *owned[10] = { 0 };
	for (size_t i = 0; i < 10; i++) {
		args[i] = c->args[i];
		if (c->args[i] && strncmp(c->args[i], "%S", 2) == 0)
			args[i] = owned[i] = xasprintf("/proc/%d%s", (int)getpid(), c->args[i] + 2);
		if (!c->args[i])
			break;
	}
	assert_int_equal(nh_run(d, &r, &enforce_cfg, args, &res), 0);
	for (size_t i = 0; i < 10; i++)
		free(owned[i]);
	if (strncmp(res.out, c->want, strlen(c->want)) != 0)
		nh_diag("got", res.out);
	assert_true(strncmp(res.out, c->want, strlen(c->want)) == 0);
	if (!c->not_a_rule)
		assert_true(res.stats.refused >= 1);
	char *after = nh_snapshot(d);
	assert_string_equal(before, after);
	free(before);
	free(after);
	free(d);
	notify_rules_free(&r);
}

/* Network: a local TCP listener and a UDP socket on 127.0.0.1; the rules
 * allow one port. */
static int listen_tcp(int *port)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t l = sizeof(a);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(s, 8), 0);
	getsockname(s, (struct sockaddr *)&a, &l);
	*port = ntohs(a.sin_port);
	return s;
}

static int bind_udp(int *port)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t l = sizeof(a);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	getsockname(s, (struct sockaddr *)&a, &l);
	*port = ntohs(a.sin_port);
	return s;
}

static void net_rules(struct notify_rules *r, const char *dir, int port)
{
	nh_rules_for_dir(r, dir);
	char *t = xasprintf("127.0.0.1:%d", port);
	struct srcpos at = { "test.toml", 3, 1 };
	assert_int_equal(notify_rules_add_net(r, t, "network.allow_ips", at), 0);
	free(t);
}

static void test_net_tcp(void **state)
{
	(void)state;
	int port, other;
	int s = listen_tcp(&port), s2 = listen_tcp(&other);
	char *d = nh_mkdir("net");
	struct notify_rules r;
	net_rules(&r, d, port);
	char ps[16], os[16];
	snprintf(ps, sizeof(ps), "%d", port);
	snprintf(os, sizeof(os), "%d", other);
	struct nh_result bare, eng;
	const char *ok[] = { "net", "connect", "127.0.0.1", ps, NULL };
	assert_int_equal(nh_run(d, NULL, NULL, ok, &bare), 0);
	assert_int_equal(nh_run(d, &r, &enforce_cfg, ok, &eng), 0);
	assert_string_equal(bare.out, "ret=0 errno=0\n");
	assert_string_equal(bare.out, eng.out);
	const char *no[] = { "net", "connect", "127.0.0.1", os, NULL };
	assert_int_equal(nh_run(d, NULL, NULL, no, &bare), 0);
	assert_string_equal(bare.out, "ret=0 errno=0\n"); /* control: reachable without the engine */
	assert_int_equal(nh_run(d, &r, &enforce_cfg, no, &eng), 0);
	assert_string_equal(eng.out, "ret=-1 errno=EACCES\n");
	/* An IPv4-mapped IPv6 address is the same IPv4 destination. */
	close(s);
	close(s2);
	free(d);
	notify_rules_free(&r);
}

static void udp_case(const char *op)
{
	int port, other;
	int s = bind_udp(&port), s2 = bind_udp(&other);
	char *d = nh_mkdir("udp");
	struct notify_rules r;
	net_rules(&r, d, port);
	char ps[16], os[16];
	snprintf(ps, sizeof(ps), "%d", port);
	snprintf(os, sizeof(os), "%d", other);
	struct nh_result eng;
	const char *ok[] = { "net", op, "127.0.0.1", ps, NULL };
	assert_int_equal(nh_run(d, &r, &enforce_cfg, ok, &eng), 0);
	assert_string_equal(eng.out, "ret=5 errno=0\n");
	char buf[16];
	ssize_t n = recv(s, buf, sizeof(buf), MSG_DONTWAIT);
	assert_int_equal(n, 5);
	assert_memory_equal(buf, "hello", 5);
	const char *no[] = { "net", op, "127.0.0.1", os, NULL };
	assert_int_equal(nh_run(d, &r, &enforce_cfg, no, &eng), 0);
	assert_string_equal(eng.out, "ret=-1 errno=EACCES\n");
	assert_int_equal(recv(s2, buf, sizeof(buf), MSG_DONTWAIT), -1);
	close(s);
	close(s2);
	free(d);
	notify_rules_free(&r);
}

/* sendmmsg: each message decided on its own address; the kernel's
 * partial-count rule when a later one is refused. */
static void test_net_sendmmsg(void **state)
{
	(void)state;
	int p1, p2;
	int s1 = bind_udp(&p1), s2 = bind_udp(&p2);
	char *d = nh_mkdir("mmsg");
	struct notify_rules r;
	net_rules(&r, d, p1);
	char a1[16], a2[16];
	snprintf(a1, sizeof(a1), "%d", p1);
	snprintf(a2, sizeof(a2), "%d", p2);
	struct nh_result bare, eng;
	const char *both1[] = { "net", "sendmmsg", "127.0.0.1", a1, a1, NULL };
	assert_int_equal(nh_run(d, NULL, NULL, both1, &bare), 0);
	assert_int_equal(nh_run(d, &r, &enforce_cfg, both1, &eng), 0);
	assert_string_equal(bare.out, "ret=2 errno=0 len=3,4\n");
	assert_string_equal(eng.out, bare.out);
	char buf[16];
	for (int i = 0; i < 4; i++)
		assert_true(recv(s1, buf, sizeof(buf), MSG_DONTWAIT) > 0);
	/* the second one refused: one sent, as the kernel reports a later error */
	const char *second[] = { "net", "sendmmsg", "127.0.0.1", a1, a2, NULL };
	assert_int_equal(nh_run(d, &r, &enforce_cfg, second, &eng), 0);
	assert_string_equal(eng.out, "ret=1 errno=0 len=3,0\n");
	assert_int_equal(eng.stats.refused, 1);
	assert_int_equal(recv(s1, buf, sizeof(buf), MSG_DONTWAIT), 3);
	assert_int_equal(recv(s2, buf, sizeof(buf), MSG_DONTWAIT), -1);
	/* the first refused: the call fails */
	const char *first[] = { "net", "sendmmsg", "127.0.0.1", a2, a1, NULL };
	assert_int_equal(nh_run(d, &r, &enforce_cfg, first, &eng), 0);
	assert_string_equal(eng.out, "ret=-1 errno=EACCES len=0,0\n");
	assert_int_equal(recv(s1, buf, sizeof(buf), MSG_DONTWAIT), -1);
	close(s1), close(s2);
	notify_rules_free(&r);
	free(d);
}

static void test_net_sendto(void **state) { (void)state; udp_case("sendto"); }
static void test_net_sendmsg(void **state) { (void)state; udp_case("sendmsg"); }

static void *accept_one(void *arg)
{
	int s = *(int *)arg;
	int c = accept(s, NULL, NULL);
	static char buf[8];
	ssize_t n = c >= 0 ? recv(c, buf, sizeof(buf) - 1, 0) : -1;
	buf[n > 0 ? n : 0] = '\0';
	if (c >= 0)
		close(c);
	return buf;
}

static void test_net_unix_connect(void **state)
{
	(void)state;
	char *d = nh_mkdir("unix");
	char *p = xasprintf("%s/srv", d);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	snprintf(un.sun_path, sizeof(un.sun_path), "%s", p);
	assert_int_equal(bind(s, (struct sockaddr *)&un, sizeof(un)), 0);
	assert_int_equal(listen(s, 1), 0);
	pthread_t t;
	pthread_create(&t, NULL, accept_one, &s);
	struct notify_rules r;
	nh_rules_for_dir(&r, d);
	r.restrict_net = true;
	struct nh_result eng;
	const char *args[] = { "net", "connect_unix", "srv", NULL };
	assert_int_equal(nh_run(d, &r, &enforce_cfg, args, &eng), 0);
	assert_string_equal(eng.out, "ret=0 errno=0\nsend=4\n");
	void *got;
	pthread_join(t, &got);
	assert_string_equal((char *)got, "ping");
	close(s);
	/* The same socket when the folder is denied. */
	struct srcpos at = { "test.toml", 9, 1 };
	notify_rules_add_path(&r, "deny", p, 0, "filesystem.deny", at);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unlink(p);
	assert_int_equal(bind(s, (struct sockaddr *)&un, sizeof(un)), 0);
	assert_int_equal(listen(s, 1), 0);
	assert_int_equal(nh_run(d, &r, &enforce_cfg, args, &eng), 0);
	assert_string_equal(eng.out, "ret=-1 errno=EACCES\n");
	close(s);
	free(p);
	free(d);
	notify_rules_free(&r);
}

int main(int argc, char **argv)
{
	(void)argc;
	nh_init(argv[0]);
	size_t nc = ARRAY_LEN(compare_cases), nr = ARRAY_LEN(refuse_cases);
	struct CMUnitTest *t = xcalloc(2 * nc + nr + 5, sizeof(*t));
	shared_cfg.shared_root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	size_t n = 0;
	for (size_t i = 0; i < nc; i++)
		t[n++] = (struct CMUnitTest){ xasprintf("same as the kernel: %s", compare_cases[i].name), compare_one,
		                              NULL, NULL, (void *)&compare_cases[i] };
	for (size_t i = 0; i < nc; i++)
		t[n++] = (struct CMUnitTest){ xasprintf("same as the kernel (shared root): %s", compare_cases[i].name),
		                              compare_one_shared, NULL, NULL, (void *)&compare_cases[i] };
	for (size_t i = 0; i < nr; i++)
		t[n++] = (struct CMUnitTest){ xasprintf("refused: %s", refuse_cases[i].name), refuse_one, NULL, NULL,
		                              (void *)&refuse_cases[i] };
	t[n++] = (struct CMUnitTest){ "connect: the allowed port connects, another gets EACCES", test_net_tcp, NULL, NULL, NULL };
	t[n++] = (struct CMUnitTest){ "sendto: data arrives at the allowed port only", test_net_sendto, NULL, NULL, NULL };
	t[n++] = (struct CMUnitTest){ "sendmsg: data arrives at the allowed port only", test_net_sendmsg, NULL, NULL, NULL };
	t[n++] = (struct CMUnitTest){ "sendmmsg: each message decided; a later refusal ends the call with the count sent", test_net_sendmmsg, NULL, NULL, NULL };
	t[n++] = (struct CMUnitTest){ "connect to a unix socket by path, and refused when denied", test_net_unix_connect, NULL, NULL, NULL };
	return _cmocka_run_group_tests("notify_emulate", t, n, NULL, NULL);
}
