/* Probe: Landlock. The ABI version says which rights exist; a child then
 * restricts itself with every right that ABI knows and checks that a read of
 * "/", a TCP connect (ABI >= 4) and a signal to its parent (ABI >= 6) are
 * really refused. */
#include "util/kernel_compat.h"
#include "probe/probe_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

static void check_fs(struct probe_res *r)
{
	int fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		probe_fail(r, "a read of / was allowed", 0);
	} else if (errno != EACCES) {
		probe_fail(r, "open / failed oddly", errno);
	} else {
		probe_pass(r, "read of / refused");
	}
}

static void check_net(struct probe_res *r)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		probe_fail(r, "socket(AF_INET)", errno);
		return;
	}
	struct sockaddr_in a;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(9);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* Without Landlock this is ECONNREFUSED (or a connection). */
	if (connect(s, (struct sockaddr *)&a, sizeof(a)) == 0)
		probe_fail(r, "a TCP connect was allowed", 0);
	else if (errno != EACCES)
		probe_fail(r, "TCP connect not refused by Landlock", errno);
	else
		probe_pass(r, "TCP connect refused");
	close(s);
}

static void check_scope(struct probe_res *r)
{
	/* Our parent is outside the new domain. */
	if (kill(getppid(), 0) == 0)
		probe_fail(r, "a signal outside the domain was allowed", 0);
	else if (errno != EPERM)
		probe_fail(r, "kill(parent, 0) failed oddly", errno);
	else
		probe_pass(r, "signal outside refused");
}

static int run_landlock(void *p, const void *arg)
{
	(void)arg;
	struct probe_landlock *out = p;
	probe_skip(&out->fs, "no Landlock");
	probe_skip(&out->net, "no Landlock");
	probe_skip(&out->scope, "no Landlock");
	out->errata = -1;
	int abi = can_landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0) {
		out->abi = 0;
		out->err = errno;
		return 1;
	}
	out->abi = abi;
	int errata = can_landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_ERRATA);
	out->errata = errata < 0 ? -1 : errata;

	struct can_landlock_ruleset_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.handled_access_fs = can_landlock_fs_rights(abi);
	if (abi >= 4)
		attr.handled_access_net = LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP;
	else
		probe_skip(&out->net, "needs ABI 4");
	if (abi >= 6)
		attr.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL;
	else
		probe_skip(&out->scope, "needs ABI 6");
	int rs = can_landlock_create_ruleset(&attr, can_landlock_attr_size(abi), 0);
	if (rs < 0) {
		probe_fail(&out->fs, "landlock_create_ruleset", errno);
		return 1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		probe_fail(&out->fs, "prctl(PR_SET_NO_NEW_PRIVS)", errno);
		return 1;
	}
	if (can_landlock_restrict_self(rs, 0) < 0) {
		probe_fail(&out->fs, "landlock_restrict_self", errno);
		return 1;
	}
	close(rs);
	check_fs(&out->fs);
	if (abi >= 4)
		check_net(&out->net);
	if (abi >= 6)
		check_scope(&out->scope);
	return !out->fs.ok;
}

static void fail_landlock(void *p, const char *why, int err)
{
	struct probe_landlock *out = p;
	out->abi = 0;
	out->err = err;
	out->errata = -1;
	probe_fail(&out->fs, why, err);
	probe_skip(&out->net, why);
	probe_skip(&out->scope, why);
}

struct probe_job probe_job_landlock(struct probe_landlock *out)
{
	return (struct probe_job){
		.name = "landlock", .out = out, .size = sizeof(*out),
		.run = run_landlock, .fail = fail_landlock,
	};
}

struct probe_landlock probe_landlock(void)
{
	struct probe_landlock r;
	memset(&r, 0, sizeof(r));
	struct probe_job j = probe_job_landlock(&r);
	probe_run_jobs(&j, 1, PROBE_TIMEOUT_MS);
	return r;
}

int probe_landlock_abi(void)
{
	struct probe_landlock r = probe_landlock();
	if (r.abi > 0)
		return r.abi;
	return r.err ? -r.err : -ENOSYS;
}
