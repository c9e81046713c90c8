/* Landlock (see landlock.h). Rules are taken from the mount plan so the two
 * walls say the same thing; what the plan hides (deny, mask) gets no rule of
 * its own and is covered by the mount. */
#include "sandbox/landlock.h"
#include "util/kernel_compat.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <linux/landlock.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Constants and uapi structs newer than some installed headers, and the
 * raw syscall wrappers, come from kernel_compat.h (shared with the probes). */

#define R_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define R_EXEC LANDLOCK_ACCESS_FS_EXECUTE
#define R_WRITE                                                                                   \
	(LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR |                            \
	 LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG | \
	 LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_SYM |  \
	 LANDLOCK_ACCESS_FS_REFER | LANDLOCK_ACCESS_FS_TRUNCATE)
#define R_FILE                                                                                    \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE | \
	 LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV)

int landlock_abi(void)
{
	long r = can_landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	return r < 0 ? -errno : (int)r;
}

uint64_t ll_handled_fs(int abi)
{
	return can_landlock_fs_rights(abi);
}

uint64_t ll_rights_for(const struct mnt_op *op, const char *dst, bool dir, int abi)
{
	uint64_t r = 0;
	switch (op->kind) {
	case MNT_BIND_RO:
		r = R_READ | (op->exec ? R_EXEC : 0);
		break;
	case MNT_BIND_RW:
	case MNT_TMPFS:
		r = R_READ | R_WRITE | (op->exec ? R_EXEC : 0);
		break;
	case MNT_DEV:
		if (strcmp(dst, "/dev/shm") == 0)
			r = R_READ | R_WRITE;
		else
			r = R_READ | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |
			    LANDLOCK_ACCESS_FS_IOCTL_DEV;
		break;
	case MNT_PROC:
		r = R_READ | LANDLOCK_ACCESS_FS_WRITE_FILE;
		break;
	case MNT_ROOT_TMPFS:
		/* Listing directories shows only what the plan mounted (it is all
		 * allowed, or an empty cover); reading and writing stay per entry. */
		r = LANDLOCK_ACCESS_FS_READ_DIR;
		break;
	default:
		return 0;
	}
	if (!dir)
		r &= R_FILE;
	return r & ll_handled_fs(abi);
}

static int add_path(int ruleset, const char *path, const struct mnt_op *op, int abi, bool no_exec)
{
	int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return (errno == ENOENT || errno == ENOTDIR || errno == ELOOP) ? 0 : -1;
	struct stat st;
	if (fstat(fd, &st) < 0 || S_ISLNK(st.st_mode)) {
		close(fd);
		return 0;
	}
	struct can_landlock_path_beneath_attr a = {
		.allowed_access = ll_rights_for(op, path, S_ISDIR(st.st_mode), abi),
		.parent_fd = fd,
	};
	if (no_exec)
		a.allowed_access &= ~(uint64_t)R_EXEC;
	long r = a.allowed_access ? can_landlock_add_rule(ruleset, CAN_LANDLOCK_RULE_PATH_BENEATH, &a, 0) : 0;
	int e = errno;
	close(fd);
	errno = e;
	return r < 0 ? -1 : 0;
}

/* The dynamic loaders an allowed program may name as its ELF interpreter:
 * the kernel opens that file for execution too, so Landlock must grant it
 * the execute right. Shared libraries are mmap'd, which Landlock does not
 * check (docs/adr/0071). */
static const char *const loader_globs[] = {
	"/lib64/ld-linux*.so*", "/lib/ld-linux*.so*", "/lib/ld-musl-*.so*",
	"/lib/*-linux-gnu*/ld-linux*.so*", "/usr/lib/*-linux-gnu*/ld-linux*.so*",
	"/usr/lib64/ld-linux*.so*", "/usr/lib/ld-linux*.so*",
};

/* Execute (and read) on one allow_execve entry, following symlinks inside
 * the sandbox's root: the rule lands on the file (or folder) they lead to,
 * which is what the kernel checks. Missing entries are skipped. */
static int add_exec_path(int ruleset, const char *path, int abi)
{
	int fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return (errno == ENOENT || errno == ENOTDIR || errno == ELOOP || errno == EACCES) ? 0 : -1;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return 0;
	}
	uint64_t allowed = R_EXEC | LANDLOCK_ACCESS_FS_READ_FILE |
			   (S_ISDIR(st.st_mode) ? LANDLOCK_ACCESS_FS_READ_DIR : 0);
	struct can_landlock_path_beneath_attr a = { .allowed_access = allowed & ll_handled_fs(abi), .parent_fd = fd };
	long r = can_landlock_add_rule(ruleset, CAN_LANDLOCK_RULE_PATH_BENEATH, &a, 0);
	int e = errno;
	close(fd);
	errno = e;
	return r < 0 ? -1 : 0;
}

int landlock_apply(const struct mount_plan *pl, int abi, int proxy_port, struct ll_result *res,
		   char *err, size_t errlen)
{
	const int ports[2] = { proxy_port, 0 };
	const struct ll_net net = { .connect = ports, .bind_any = true };
	return landlock_apply_exec(pl, abi, &net, NULL, 0, res, err, errlen);
}

uint64_t ll_handled_net(const struct ll_net *net, int abi)
{
	if (abi < 4)
		return 0;
	uint64_t h = 0;
	if (!net || !net->connect_any)
		h |= LANDLOCK_ACCESS_NET_CONNECT_TCP;
	if (net && !net->bind_any)
		h |= LANDLOCK_ACCESS_NET_BIND_TCP;
	return h;
}

void ll_net_set_bind(struct ll_net *net, bool host_network, const int *published)
{
	net->bind_any = !host_network;
	net->bind_ephemeral = host_network;
	net->bind = host_network ? published : NULL;
}

void ll_net_set_connect(struct ll_net *net, bool host_network)
{
	net->connect_any = !host_network;
	net->connect = NULL;
}

static int add_port(int rs, uint64_t access, int port, const char *what, char *err, size_t errlen)
{
	struct can_landlock_net_port_attr p = { .allowed_access = access, .port = (uint64_t)port };
	if (can_landlock_add_rule(rs, CAN_LANDLOCK_RULE_NET_PORT, &p, 0) < 0) {
		snprintf(err, errlen, "add %s rule for port %d: %s: %s", what, port,
			 errno_name(errno), strerror(errno));
		return -1;
	}
	return 0;
}

int landlock_apply_exec(const struct mount_plan *pl, int abi, const struct ll_net *net,
			const char *const *exec_paths, size_t n_exec, struct ll_result *res, char *err,
			size_t errlen)
{
	bool exec_only = exec_paths != NULL;
	*res = (struct ll_result){ 0 };
	struct can_landlock_ruleset_attr attr = { .handled_access_fs = ll_handled_fs(abi) };
	attr.handled_access_net = ll_handled_net(net, abi);
	if (abi >= 6)
		attr.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL;
	int rs = can_landlock_create_ruleset(&attr, can_landlock_attr_size(abi), 0);
	if (rs < 0) {
		snprintf(err, errlen, "create ruleset: %s: %s", errno_name(errno), strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < pl->n; i++) {
		const struct mnt_op *op = &pl->ops[i];
		const char *extra[4] = { op->dst, NULL };
		if (op->kind == MNT_DEV) {
			extra[1] = "/dev/pts";
			extra[2] = "/dev/shm";
		}
		for (size_t k = 0; extra[k]; k++) {
			if (add_path(rs, extra[k], op, abi, exec_only) < 0) {
				snprintf(err, errlen, "add rule for %s: %s: %s", extra[k], errno_name(errno),
					 strerror(errno));
				close(rs);
				return -1;
			}
		}
	}
	for (size_t i = 0; exec_only && i < n_exec; i++) {
		if (add_exec_path(rs, exec_paths[i], abi) < 0) {
			snprintf(err, errlen, "add execute rule for %s: %s: %s", exec_paths[i],
				 errno_name(errno), strerror(errno));
			close(rs);
			return -1;
		}
	}
	for (size_t i = 0; exec_only && i < ARRAY_LEN(loader_globs); i++) {
		glob_t g;
		if (glob(loader_globs[i], 0, NULL, &g) != 0)
			continue;
		for (size_t k = 0; k < g.gl_pathc; k++) {
			if (add_exec_path(rs, g.gl_pathv[k], abi) < 0) {
				snprintf(err, errlen, "add execute rule for %s: %s: %s", g.gl_pathv[k],
					 errno_name(errno), strerror(errno));
				globfree(&g);
				close(rs);
				return -1;
			}
		}
		globfree(&g);
	}
	uint64_t hn = attr.handled_access_net;
	const int *conn = net ? net->connect : NULL, *bind = net ? net->bind : NULL;
	for (size_t i = 0; (hn & LANDLOCK_ACCESS_NET_CONNECT_TCP) && conn && conn[i] > 0; i++) {
		if (add_port(rs, LANDLOCK_ACCESS_NET_CONNECT_TCP, conn[i], "connect", err, errlen) < 0) {
			close(rs);
			return -1;
		}
	}
	/* Port 0 in a bind rule is bind(port 0): the kernel picks an
	 * ephemeral port (test servers ask for one). */
	for (size_t i = 0; (hn & LANDLOCK_ACCESS_NET_BIND_TCP) && bind && bind[i] > 0; i++) {
		if (add_port(rs, LANDLOCK_ACCESS_NET_BIND_TCP, bind[i], "bind", err, errlen) < 0) {
			close(rs);
			return -1;
		}
	}
	if ((hn & LANDLOCK_ACCESS_NET_BIND_TCP) && net && net->bind_ephemeral &&
	    add_port(rs, LANDLOCK_ACCESS_NET_BIND_TCP, 0, "bind", err, errlen) < 0) {
		close(rs);
		return -1;
	}
	if (can_landlock_restrict_self(rs, 0) < 0) {
		snprintf(err, errlen, "restrict self: %s: %s", errno_name(errno), strerror(errno));
		close(rs);
		return -1;
	}
	close(rs);
	res->fs = true;
	res->net = abi >= 4;
	res->scope = abi >= 6;
	return 0;
}
