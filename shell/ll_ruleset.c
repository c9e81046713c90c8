/* A layer's Landlock ruleset from its policy (see ll_ruleset.h). */
#include "ll_ruleset.h"
#include "util/kernel_compat.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define R_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define R_EXEC LANDLOCK_ACCESS_FS_EXECUTE
#define R_WRITE                                                                                   \
	(LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |                            \
	 LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG | \
	 LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_SYM |  \
	 LANDLOCK_ACCESS_FS_REFER | LANDLOCK_ACCESS_FS_TRUNCATE)
#define R_DEV                                                                                     \
	(LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE |                             \
	 LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV)
/* The rights Landlock accepts on a rule for a file (not a folder). */
#define R_FILE                                                                                    \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE | \
	 LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV)

/* Devices every layered program may read and write (`>/dev/null` needs
 * TRUNCATE), and the terminal's. */
static const char *const dev_paths[] = {
	"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
	"/dev/tty",  "/dev/ptmx", "/dev/pts",
};

/* The dynamic loaders a program may name as its ELF interpreter: the
 * kernel opens that file for execution too, so with allow_execve they need
 * the execute right (ADR 0071; the same list as core/sandbox/landlock.c). */
static const char *const loader_globs[] = {
	"/lib64/ld-linux*.so*", "/lib/ld-linux*.so*", "/lib/ld-musl-*.so*",
	"/lib/*-linux-gnu*/ld-linux*.so*", "/usr/lib/*-linux-gnu*/ld-linux*.so*",
	"/usr/lib64/ld-linux*.so*", "/usr/lib/ld-linux*.so*",
};

static __thread char why_buf[600];

/* path equals dir or continues it after a '/' ("/" contains everything). */
static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static const char *container_of_path(const struct policy *p, const char *const *w, size_t nw,
				     const char *d)
{
	for (size_t i = 0; i < p->fs.allow.n; i++)
		if (under(d, p->fs.allow.v[i].s))
			return p->fs.allow.v[i].s;
	for (size_t i = 0; i < p->fs.allow_write.n; i++)
		if (under(d, p->fs.allow_write.v[i].s))
			return p->fs.allow_write.v[i].s;
	for (size_t i = 0; i < nw; i++)
		if (under(d, w[i]))
			return w[i];
	return NULL;
}

bool ll_layer_expressible(const struct policy *p, const char *const *writable, size_t nwritable,
			  const char **why)
{
	if (p->fs.mask.n > 0) {
		snprintf(why_buf, sizeof why_buf,
			 "[filesystem] mask %s: Landlock cannot show a path as empty", p->fs.mask.v[0].s);
		*why = why_buf;
		return false;
	}
	for (size_t i = 0; i < p->fs.deny.n; i++) {
		const char *d = p->fs.deny.v[i].s;
		const char *c = container_of_path(p, writable, nwritable, d);
		if (c) {
			snprintf(why_buf, sizeof why_buf,
				 "[filesystem] deny %s lies inside %s, which is allowed: Landlock "
				 "only adds rights beneath a folder",
				 d, c);
			*why = why_buf;
			return false;
		}
	}
	*why = NULL;
	return true;
}

bool ll_policy_expressible(const struct policy *p, const char **why)
{
	return ll_layer_expressible(p, NULL, 0, why);
}

static int add_path(int rs, const char *path, uint64_t rights, int abi, char *err, size_t errlen)
{
	int fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR || errno == EACCES || errno == ELOOP)
			return 0; /* not on this machine, or not reachable anyway */
		snprintf(err, errlen, "open %s: %s: %s", path, errno_name(errno), strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return 0;
	}
	if (!S_ISDIR(st.st_mode))
		rights &= R_FILE;
	struct can_landlock_path_beneath_attr a = { .allowed_access = rights & can_landlock_fs_rights(abi),
						    .parent_fd = fd };
	long r = a.allowed_access ? can_landlock_add_rule(rs, CAN_LANDLOCK_RULE_PATH_BENEATH, &a, 0) : 0;
	int e = errno;
	close(fd);
	if (r < 0) {
		snprintf(err, errlen, "add rule for %s: %s: %s", path, errno_name(e), strerror(e));
		return -1;
	}
	return 0;
}

int ll_ruleset_build(const struct policy *p, const char *const *writable, size_t nwritable, int abi,
		     char *err, size_t errlen)
{
	if (abi < 0) {
		snprintf(err, errlen, "Landlock is not available: %s", errno_name(-abi));
		return -1;
	}
	if (abi < 6) {
		snprintf(err, errlen,
			 "Landlock ABI %d has no signal scoping (ABI 6): the domain applied at exec "
			 "could not be verified",
			 abi);
		return -1;
	}
	bool direct = p->net.egress.set && p->net.egress.v && strcmp(p->net.egress.v, "direct") == 0;
	struct can_landlock_ruleset_attr attr = { .handled_access_fs = can_landlock_fs_rights(abi) };
	if (!direct)
		attr.handled_access_net = LANDLOCK_ACCESS_NET_CONNECT_TCP;
	attr.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL;
	int rs = can_landlock_create_ruleset(&attr, can_landlock_attr_size(abi), 0);
	if (rs < 0) {
		snprintf(err, errlen, "create a Landlock ruleset: %s: %s", errno_name(errno), strerror(errno));
		return -1;
	}
	/* With allow_execve, execute only what it names (ADR 0071's rule). */
	uint64_t exec_on_read = p->proc.allow_execve.n ? 0 : R_EXEC;
	for (size_t i = 0; i < p->fs.allow.n; i++)
		if (add_path(rs, p->fs.allow.v[i].s, R_READ | exec_on_read, abi, err, errlen) < 0)
			goto fail;
	for (size_t i = 0; i < p->fs.allow_write.n; i++)
		if (add_path(rs, p->fs.allow_write.v[i].s, R_READ | R_WRITE | exec_on_read, abi, err, errlen) < 0)
			goto fail;
	for (size_t i = 0; i < nwritable; i++)
		if (add_path(rs, writable[i], R_READ | R_WRITE | exec_on_read, abi, err, errlen) < 0)
			goto fail;
	for (size_t i = 0; i < p->proc.allow_execve.n; i++)
		if (add_path(rs, p->proc.allow_execve.v[i].s, R_EXEC | LANDLOCK_ACCESS_FS_READ_FILE, abi, err,
			     errlen) < 0)
			goto fail;
	for (size_t i = 0; p->proc.allow_execve.n && i < ARRAY_LEN(loader_globs); i++) {
		glob_t g;
		if (glob(loader_globs[i], 0, NULL, &g) != 0)
			continue;
		int rc = 0;
		for (size_t k = 0; rc == 0 && k < g.gl_pathc; k++)
			rc = add_path(rs, g.gl_pathv[k], R_EXEC | LANDLOCK_ACCESS_FS_READ_FILE, abi, err, errlen);
		globfree(&g);
		if (rc < 0)
			goto fail;
	}
	for (size_t i = 0; i < ARRAY_LEN(dev_paths); i++)
		if (add_path(rs, dev_paths[i], R_DEV | LANDLOCK_ACCESS_FS_READ_DIR, abi, err, errlen) < 0)
			goto fail;
	if (add_path(rs, "/dev/shm", R_READ | R_WRITE, abi, err, errlen) < 0 ||
	    add_path(rs, "/proc", R_READ, abi, err, errlen) < 0)
		goto fail;
	for (size_t i = 0; !direct && i < p->net.nports; i++) {
		struct can_landlock_net_port_attr np = { .allowed_access = LANDLOCK_ACCESS_NET_CONNECT_TCP,
							 .port = (uint64_t)p->net.ports[i].host };
		if (strcmp(p->net.ports[i].protocol ? p->net.ports[i].protocol : "tcp", "tcp") != 0)
			continue;
		if (can_landlock_add_rule(rs, CAN_LANDLOCK_RULE_NET_PORT, &np, 0) < 0) {
			snprintf(err, errlen, "add rule for port %d: %s: %s", p->net.ports[i].host,
				 errno_name(errno), strerror(errno));
			goto fail;
		}
	}
	return rs;
fail:
	close(rs);
	return -1;
}
