/* run_sandbox: the process side of `can run`.
 *
 *   can (host namespaces, the supervisor)
 *    └─ init (PID 1; new user, mount, PID, IPC, UTS, cgroup, net namespaces)
 *         └─ the command
 *
 * The host-side can checks what it can before anything starts (Landlock ABI,
 * seccomp, cgroups, the mount plan), so most refusals happen before a
 * process exists. init maps the user's own uid/gid, brings `lo` up, performs
 * the mount plan and pivots, then forks the command, which restricts itself
 * (Landlock, capabilities, no_new_privs, rlimits, seccomp last) and execs.
 * Any step that fails prints one line and exits 126: nothing runs half
 * walled. */
#include "sandbox/cgroup.h"
#include "util/fdpass.h"
#include "sandbox/init.h"
#include "sandbox/landlock.h"
#include "sandbox/run_verbose.h"
#include "sandbox/mount_exec.h"
#include "sandbox/mount_plan.h"
#include "sandbox/net_lo.h"
#include "sandbox/proc_harden.h"
#include "sandbox/run.h"
#include "sandbox/resolv_overlay.h"
#include "sandbox/resolv_direct.h"
#include "sandbox/ports.h"
#include "sandbox/ports_relay.h"
#include "sandbox/egress_direct.h"
#include "sandbox/egress_pasta.h"
#include "sandbox/run_degraded.h"
#include "sandbox/run_glue.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

extern char **environ;

#define SEE_CHECK " (see 'can check')"

/* Everything the sandbox side needs, prepared by the host side. */
struct run_state {
	const struct run_config *cfg;
	struct mount_plan plan;
	char **env;
	char *host_cmd;       /* where the command is on the host, for the 127 hint */
	int ll_abi;           /* < 0: no Landlock */
	bool use_landlock;
	struct sc_options sco;  /* the filter is built by the command, in parallel with init's mounts */
	struct sc_filter *filter;
	bool tty_fg;          /* stdin is our terminal and we are in its foreground */
	int sync_rd;          /* init waits for one byte (cgroup attach) or -1 */
	int alive_rd;         /* EOF when the host-side can dies */
	int handover;         /* command's end of the listener socket, or -1 */
	int go_rd;            /* the command waits here until init has built the root */
	int proxy_tx;         /* init's end of the proxy socket's way out, or -1 */
	bool may_skip_landlock, may_skip_seccomp; /* --allow-degraded, not strict */
	bool may_skip_notifier;
	/* --allow-degraded=userns on a machine without user namespaces: no
	 * namespace at all; Landlock takes its rules from dplan (run_degraded.h). */
	bool no_ns;
	struct degraded_plan dplan;
	/* egress = "direct": pasta's full path (the uplink, egress_pasta.c), or NULL. */
	const char *direct_tool;
	struct direct_net direct_net;
};

/* One line, then 126. Used only in the sandbox's processes. */
static _Noreturn void wall_fail(const char *wall, const char *what, const char *todo)
{
	fprintf(stderr, "can: %s: %s; %s" SEE_CHECK "\n", wall, what, todo);
	_exit(CAN_EXIT_WALL);
}


static void map_ids(uid_t uid, gid_t gid)
{
	char buf[64], err[256];
	snprintf(buf, sizeof(buf), "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	if (write_string_file("/proc/self/uid_map", buf) < 0)
		goto fail;
	if (write_string_file("/proc/self/setgroups", "deny") < 0)
		goto fail;
	snprintf(buf, sizeof(buf), "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	if (write_string_file("/proc/self/gid_map", buf) < 0)
		goto fail;
	return;
fail:
	snprintf(err, sizeof(err), "map uid/gid in the user namespace: %s: %s", errno_name(errno),
		 strerror(errno));
	wall_fail("namespaces", err, "check that unprivileged user namespaces are enabled");
}

/* PATH lookup inside the sandbox. NULL when not found. */
static char *find_cmd(const char *name, char *const *env)
{
	if (strchr(name, '/')) {
		struct stat st;
		return stat(name, &st) == 0 ? xstrdup(name) : NULL;
	}
	const char *path = "/usr/local/bin:/usr/bin:/bin";
	for (char *const *e = env; *e; e++)
		if (strncmp(*e, "PATH=", 5) == 0)
			path = *e + 5;
	char *copy = xstrdup(path), *save = NULL, *found = NULL;
	for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char *p = xasprintf("%s/%s", *d ? d : ".", name);
		struct stat st;
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0)
			found = p;
		else
			free(p);
	}
	free(copy);
	return found;
}

static _Noreturn void not_found(const struct run_state *st, const char *name)
{
	if (st->host_cmd)
		fprintf(stderr,
			"can: %s: command not found inside the sandbox; on the host it is %s, which "
			"the policy does not show: add a recipe that allows it (-r NAME, see 'can recipe "
			"list') or its folder to [filesystem] allow\n",
			name, st->host_cmd);
	else
		fprintf(stderr, "can: %s: command not found (not on the host either)\n", name);
	_exit(CAN_EXIT_NOTFOUND);
}

/* Tells the host side which descriptor the seccomp listener is, and waits
 * while it takes it (pidfd_getfd) and acks. Only write, read and close
 * are called on this path (docs/adr/0107): the filter may trap sendmsg
 * and sendto, which the engine answers only once it has the listener. */
static void hand_over(int sock, int listener)
{
	char byte;
	if (write(sock, &listener, sizeof(listener)) != (ssize_t)sizeof(listener))
		_exit(CAN_EXIT_WALL);
	if (read(sock, &byte, 1) != 1 || byte != 'A') {
		static const char msg[] = "can: notifier: the supervisor did not take the seccomp "
					  "listener; nothing runs unsupervised (see 'can check')\n";
		if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
			/* nothing more to say */
		}
		_exit(CAN_EXIT_WALL); /* no supervisor: fail closed */
	}
	close(listener);
	close(sock);
}

static _Noreturn void command(struct run_state *st)
{
	const struct run_config *cfg = st->cfg;
	char err[512], msg[700];
	sigset_t all;
	sigemptyset(&all);
	for (const int *s = init_forwarded_signals; *s; s++)
		signal(*s, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);

	if (st->proxy_tx >= 0)
		close(st->proxy_tx);
	if (cfg->opts->new_session) {
		setsid();
	} else {
		setpgid(0, 0);
		if (st->tty_fg) {
			/* Job control: the command owns the terminal's foreground. */
			sigset_t ttou;
			sigemptyset(&ttou);
			sigaddset(&ttou, SIGTTOU);
			sigprocmask(SIG_BLOCK, &ttou, NULL);
			tcsetpgrp(STDIN_FILENO, getpid());
		}
	}
	sigprocmask(SIG_SETMASK, &all, NULL);

	/* Build the seccomp filter (about a millisecond of libseccomp) while
	 * init builds the root on the other CPU; then wait for init. */
	char scerr[512];
	bool sc_built = run_glue_sc_build(cfg->policy, &st->sco, &st->filter, scerr,
					  sizeof(scerr)) == 1;
	char go;
	if (read(st->go_rd, &go, 1) != 1)
		_exit(CAN_EXIT_WALL); /* init failed and said why */
	close(st->go_rd);
	if (!sc_built && strncmp(scerr, "seccomp: ", 9) == 0)
		memmove(scerr, scerr + 9, strlen(scerr + 9) + 1);
	if (!sc_built && !st->may_skip_seccomp)
		wall_fail("seccomp", scerr, "run with --allow-degraded=seccomp to go on without it");
	if (!sc_built)
		fprintf(stderr, "can: warning: seccomp: %s; running without a syscall filter "
			"(degraded)\n", scerr);

	if (chdir(cfg->cwd) < 0) {
		snprintf(err, sizeof(err), "chdir %s: %s: %s", cfg->cwd, errno_name(errno),
			 strerror(errno));
		wall_fail("filesystem", err, "the working directory must be visible inside");
	}
	char *path = find_cmd(cfg->opts->cmd[0], st->env);
	if (!path)
		not_found(st, cfg->opts->cmd[0]);

	if (harden_no_new_privs(err, sizeof(err)) < 0)
		wall_fail("process", err, "this kernel is too old for can");
	/* No PID namespace to end with init: die with it at least. */
	if (st->no_ns && prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		wall_fail("process", "set the parent-death signal", "report this");
	if (st->use_landlock) {
		struct ll_result res;
		const struct plist *ex = &cfg->policy->proc.allow_execve;
		const char **exec_paths = NULL;
		if (cfg->landlock_exec_only_allowed) {
			exec_paths = xcalloc(ex->n + 1, sizeof(char *));
			for (size_t i = 0; i < ex->n; i++)
				exec_paths[i] = ex->v[i].s;
		}
		/* TCP connect (ADR 0125): any port in the sandbox's own netns.
		 * Under egress none and proxy-only it has only lo, so a port
		 * reaches only what listens inside: the proxy's port and the
		 * DNS stub's 443 and 80 (ADR 0110), served by the supervisor,
		 * and the sandbox's own servers (test suites connect to them);
		 * the engine, when on, refuses every address that is not
		 * loopback and not named. egress = "direct": the uplink is
		 * unfiltered anyway (ADR 0122). On the host's network (the
		 * no-namespace mode): no port, loopback there is the host's. */
		int *bind_ports = port_specs_sandbox_ports(cfg->opts->ports, cfg->opts->nports);
		struct ll_net net = { 0 };
		ll_net_set_connect(&net, st->no_ns);
		/* TCP bind: free in the sandbox's netns, limited on the host's
		 * network (the no-namespace mode, where -p is refused, so port 0
		 * only; seccomp refuses IP sockets there first). ADR 0123. */
		ll_net_set_bind(&net, st->no_ns, bind_ports);
		int llrc = landlock_apply_exec(st->no_ns ? &st->dplan.ll : &st->plan, st->ll_abi,
					       &net, exec_paths, ex->n, &res, err, sizeof(err));
		free(exec_paths);
		free(bind_ports);
		if (llrc < 0) {
			snprintf(msg, sizeof(msg), "%s", err);
			if (!st->may_skip_landlock)
				wall_fail("landlock", msg,
					  "run with --allow-degraded=landlock to go on without it");
			fprintf(stderr, "can: warning: landlock: %s; running without it (degraded)\n",
				msg);
		}
	}
	if (harden_drop_caps(err, sizeof(err)) < 0)
		wall_fail("capabilities", err, "report this: dropping capabilities should not fail");
	if (harden_rlimits(cfg->policy, err, sizeof(err)) < 0)
		wall_fail("rlimits", err, "lower [process] max_pids");
	if (st->filter) {
		int fd = run_glue_sc_install(st->filter);
		if (fd < 0 && sc_has_listener(st->filter) && st->may_skip_notifier) {
			/* No listener here (e.g. another supervisor holds one: EBUSY):
			 * the same filter without the trapped calls, if allowed. */
			fprintf(stderr, "can: warning: notifier: create the seccomp listener: %s: %s; "
				"running without the notification engine (degraded: no events, "
				"allow_execve by Landlock alone)\n", errno_name(-fd), strerror(-fd));
			run_glue_sc_free(st->filter);
			st->sco.notify_nrs = NULL;
			st->sco.n_notify = 0;
			st->sco.monitor_via_notify = false;
			st->filter = NULL;
			if (run_glue_sc_build(cfg->policy, &st->sco, &st->filter, scerr, sizeof(scerr)) != 1)
				wall_fail("seccomp", scerr, "run with --allow-degraded=seccomp to go on without it");
			fd = run_glue_sc_install(st->filter);
			if (fd > 0) {
				close(fd);
				fd = 0;
			}
			close(st->handover);
			st->handover = -1;
		}
		if (fd < 0 && st->may_skip_seccomp) {
			fprintf(stderr, "can: warning: seccomp: install the filter: %s: %s; running "
				"without a syscall filter (degraded)\n", errno_name(-fd), strerror(-fd));
		} else if (fd < 0) {
			snprintf(err, sizeof(err), "install the filter%s: %s: %s",
				 sc_has_listener(st->filter) ? " with a notification listener" : "",
				 errno_name(-fd), strerror(-fd));
			if (sc_has_listener(st->filter))
				wall_fail("notifier", err,
					  "run with --allow-degraded=notifier to go on without the engine");
			wall_fail("seccomp", err, "run with --allow-degraded=seccomp to go on without it");
		}
		if (fd > 0) {
			if (st->handover < 0)
				wall_fail("seccomp", "the filter has a listener but no supervisor takes it",
					  "report this");
			hand_over(st->handover, fd);
		}
	}
	/* Only stdin, stdout and stderr cross into the command: an inherited
	 * directory fd would be a way out of the mount namespace. */
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		for (int fd = 3; fd < 1024; fd++)
			fcntl(fd, F_SETFD, FD_CLOEXEC);
	execve(path, cfg->opts->cmd, st->env);
	int e = errno;
	if (e == ENOENT)
		fprintf(stderr,
			"can: %s: cannot run inside the sandbox: ENOENT: its interpreter or a library "
			"is not visible inside\n", path);
	else if ((e == EACCES || e == EPERM) && cfg->policy->proc.allow_execve.n > 0)
		fprintf(stderr,
			"can: %s: cannot run inside the sandbox: %s: [process] allow_execve does not "
			"name it (or its #! interpreter); run with -m to see what it needs\n", path,
			errno_name(e));
	else
		fprintf(stderr, "can: %s: cannot run inside the sandbox: %s: %s\n", path,
			errno_name(e), strerror(e));
	_exit(e == ENOENT ? CAN_EXIT_NOTFOUND : CAN_EXIT_WALL);
}

/* One socket of the socket factory, bound to addr:port (host byte order)
 * and, for TCP, listening; -1 with errno. */
static int factory_socket(int type, uint32_t addr, int port)
{
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(addr) };
	int one = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 512) < 0)) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* The socket factory (init, in the sandbox's network namespace): the
 * proxy's listening socket on 127.0.0.1:RUN_PROXY_PORT, and the DNS
 * stub's (UDP 127.0.0.1:53, TCP RUN_STUB_ADDR:443 and :80, ADR 0109),
 * sent out over sock in that order. init installs no seccomp filter, so
 * its sendmsg is never trapped; the sockets exist before the command is
 * let go, so no connect from inside can come before them. */
static void make_proxy_socket(int sock)
{
	static const struct {
		int type;
		uint32_t addr;
		int port;
		const char *tag, *where;
	} socks[] = {
		{ SOCK_STREAM, INADDR_LOOPBACK, RUN_PROXY_PORT, "P", "127.0.0.1:3128 (tcp)" },
		{ SOCK_DGRAM, INADDR_LOOPBACK, RUN_STUB_DNS_PORT, "D", "127.0.0.1:53 (udp)" },
		{ SOCK_STREAM, RUN_STUB_ADDR_HL, 443, "T", RUN_STUB_ADDR ":443 (tcp)" },
		{ SOCK_STREAM, RUN_STUB_ADDR_HL, 80, "H", RUN_STUB_ADDR ":80 (tcp)" },
	};
	char err[300];
	for (size_t i = 0; i < ARRAY_LEN(socks); i++) {
		int fd = factory_socket(socks[i].type, socks[i].addr, socks[i].port);
		if (fd < 0 || fdpass_send(sock, socks[i].tag, 1, fd) < 0) {
			snprintf(err, sizeof(err), "make the proxy's socket on %s: %s: %s",
				 socks[i].where, errno_name(errno), strerror(errno));
			wall_fail("network", err, "report this");
		}
		close(fd);
	}
	close(sock);
}

static _Noreturn void sandbox_init(struct run_state *st, uid_t uid, gid_t gid)
{
	char err[512];
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	setpgid(0, 0); /* terminal signals reach can, which forwards them once */
	if (st->no_ns) /* orphans come to init, then to can, which ends them */
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	else
		map_ids(uid, gid);
	if (st->sync_rd >= 0) {
		char b;
		if (read(st->sync_rd, &b, 1) != 1)
			_exit(CAN_EXIT_WALL);
		close(st->sync_rd);
	}
	/* The command starts now and builds its seccomp filter while init
	 * builds the root; pivot_root moves it along (same mount namespace). */
	int go[2];
	if (pipe2(go, O_CLOEXEC) < 0) {
		snprintf(err, sizeof(err), "pipe: %s: %s", errno_name(errno), strerror(errno));
		wall_fail("process", err, "lower the number of open files");
	}
	pid_t cmd = fork();
	if (cmd < 0) {
		snprintf(err, sizeof(err), "fork: %s: %s", errno_name(errno), strerror(errno));
		wall_fail("process", err, "lower the load or max_pids");
	}
	if (cmd == 0) {
		close(go[1]);
		st->go_rd = go[0];
		command(st);
	}
	close(go[0]);
	if (st->handover >= 0)
		close(st->handover);
	if (!st->no_ns) {
		if (sethostname("can", 3) < 0)
			wall_fail("namespaces", "set the sandbox's host name", "report this");
		if (net_lo_up(err, sizeof(err)) < 0)
			wall_fail("network", err, "check that libnl-route-3 works here");
		if (st->proxy_tx >= 0) {
			make_proxy_socket(st->proxy_tx);
			st->proxy_tx = -1;
		}
		if (mount_exec(&st->plan, err, sizeof(err)) < 0)
			wall_fail("filesystem", err, "fix the path in the recipe, or its permissions");
	}
	/* If the command already ended (it said why), init_loop reaps it. */
	signal(SIGPIPE, SIG_IGN);
	if (write(go[1], "g", 1) != 1) {
		/* nothing: the command's status is the answer */
	}
	close(go[1]);
	/* init needs no privilege from here on. */
	prctl(PR_SET_DUMPABLE, 0);
	harden_no_new_privs(err, sizeof(err));
	harden_drop_caps(err, sizeof(err));
	init_loop(cmd, st->alive_rd);
}

/* Host side: the listener's descriptor number arrives on sock
 * (SO_PASSCRED set: the kernel adds the sender's pid, translated into our
 * PID namespace, so nothing the sandbox says is trusted), and the
 * listener is taken from the command with pidfd_getfd while it waits for
 * the ack (so its pid cannot be reused meanwhile). Returns false when the
 * socket has nothing more to give (EOF: the command has exec'd or died),
 * so the caller stops polling it. */
static bool take_listener(int sock, const struct run_config *cfg)
{
	int num = -1;
	struct iovec iov = { &num, sizeof(num) };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(struct ucred))];
	} u;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf) };
	ssize_t got = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	if (got != (ssize_t)sizeof(num))
		return got < 0 && (errno == EINTR || errno == EAGAIN);
	pid_t pid = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
			struct ucred cr;
			memcpy(&cr, CMSG_DATA(c), sizeof(cr));
			pid = cr.pid;
		}
	}
	int fd = -1;
	if (pid > 0 && num >= 0) {
		int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
		if (pidfd >= 0) {
			fd = (int)syscall(SYS_pidfd_getfd, pidfd, num, 0);
			close(pidfd);
		}
		if (fd < 0)
			can_warn("notifier: take the seccomp listener from the command (pidfd_getfd): "
				 "%s: %s; nothing runs unsupervised", errno_name(errno), strerror(errno));
	}
	if (fd < 0) {
		char no = 'N';
		if (write(sock, &no, 1) != 1) {
			/* the command exits 126 either way */
		}
		return false;
	}
	char ack = 'A';
	if (cfg->on_listener_rc) {
		if (cfg->on_listener_rc(fd, pid, cfg->listener_ctx) != 0)
			ack = 'N';
	} else {
		cfg->on_listener(fd, pid, cfg->listener_ctx);
	}
	if (write(sock, &ack, 1) != 1)
		return false;
	return true;
}

static bool proxy_failed;

/* Host side of the socket factory: the proxy's listener and the DNS
 * stub's sockets arrive from init, in make_proxy_socket's order (or EOF
 * when init failed, having said why). */
static int take_proxy_socket(int sock, const struct run_config *cfg)
{
	static const char tags[] = "PDTH";
	int fds[4];
	for (size_t i = 0; i < 4; i++) {
		char b = 0;
		fds[i] = fdpass_recv(sock, &b, 1);
		if (fds[i] < 0 || b != tags[i]) {
			if (fds[i] >= 0)
				close(fds[i]);
			for (size_t j = 0; j < i; j++)
				close(fds[j]);
			return -1; /* init failed and said why; its status is the answer */
		}
	}
	struct run_proxy_fds pf = { fds[0], fds[1], fds[2], fds[3] };
	if (cfg->on_proxy_socket(&pf, cfg->proxy_ctx) != 0) {
		proxy_failed = true;
		return -1;
	}
	return 0;
}

static int supervise(pid_t init, int sock, const struct run_config *cfg)
{
	sigset_t set;
	init_signal_set(&set);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0)
		can_die_errno(CAN_EXIT_WALL, "run: signalfd");
	struct pollfd pf[2] = { { sfd, POLLIN, 0 }, { sock, POLLIN, 0 } };
	for (;;) {
		int st;
		pid_t p = waitpid(init, &st, WNOHANG);
		if (p == init) {
			close(sfd);
			return run_exit_code(st);
		}
		if (poll(pf, sock >= 0 ? 2 : 1, -1) < 0 && errno != EINTR)
			can_die_errno(CAN_EXIT_WALL, "run: poll");
		if (sock >= 0 && pf[1].revents) {
			/* One handover; then EOF (POLLIN|POLLHUP) must not be
			 * polled again, or this loop spins for the whole run. */
			if (!(pf[1].revents & POLLIN) || !take_listener(sock, cfg))
				pf[1].fd = -1;
		}
		if (pf[0].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo != SIGCHLD)
				kill(init, (int)si.ssi_signo);
		}
	}
}

/* Host-side PATH lookup, for the "not found inside" hint. */
static char *host_which(const char *name)
{
	if (strchr(name, '/'))
		return realpath(name, NULL);
	return find_cmd(name, environ);
}

static run_listener_handler default_handler;
static void *default_ctx;
static const int *default_nrs;
static size_t default_n;

void run_set_listener_handler(run_listener_handler fn, void *ctx)
{
	default_handler = fn;
	default_ctx = ctx;
}

void run_set_notify_syscalls(const int *nrs, size_t n)
{
	default_nrs = nrs;
	default_n = n;
}

static bool degrade_ok(const struct run_config *cfg, bool strict, unsigned wall)
{
	return !strict && (cfg->opts->degrade & wall);
}

/* The DNS stub's resolv.conf and hosts of this run, on the host (ADR
 * 0109): made in run_sandbox_walls, removed when it returns. */
static char overlay_conf[512], overlay_hosts[512];

static int run_sandbox_walls(const struct run_config *cfg_in);

int run_sandbox(const struct run_config *cfg_in)
{
	int rc = run_sandbox_walls(cfg_in);
	resolv_overlay_remove(overlay_conf, overlay_hosts);
	overlay_conf[0] = overlay_hosts[0] = '\0';
	return rc;
}

static int run_sandbox_walls(const struct run_config *cfg_in)
{
	struct run_config cfgv = *cfg_in;
	if (!cfgv.on_listener && !cfgv.on_listener_rc) {
		cfgv.on_listener = default_handler;
		cfgv.listener_ctx = default_ctx;
	}
	if (!cfgv.notify_nrs) {
		cfgv.notify_nrs = default_nrs;
		cfgv.n_notify = default_n;
	}
	const struct run_config *cfg = &cfgv;
	const struct policy *p = cfg->policy;
	bool strict = cfg->opts->strict || (p->strict.set && p->strict.v);
	struct run_state st = { .cfg = cfg, .sync_rd = -1, .alive_rd = -1, .handover = -1,
				.proxy_tx = -1 };
	char err[512];

	st.may_skip_landlock = degrade_ok(cfg, strict, WALL_LANDLOCK);
	st.may_skip_seccomp = degrade_ok(cfg, strict, WALL_SECCOMP);
	st.may_skip_notifier = degrade_ok(cfg, strict, WALL_NOTIFIER);
	st.no_ns = cfg->opts->no_namespaces;
	if (st.no_ns && strict) {
		can_warn("namespaces: user namespaces do not work here, and strict = true (%s:%d) makes "
			 "--allow-degraded=userns void; run 'can setup' or fix the cause" SEE_CHECK,
			 p->strict.at.file ? p->strict.at.file : "?", p->strict.at.line);
		return CAN_EXIT_WALL;
	}
	if (st.no_ns) {
		/* Landlock, seccomp and the supervisor are all that is left of
		 * the walls: none of them may be skipped too (docs/adr/0240). */
		st.may_skip_landlock = st.may_skip_seccomp = st.may_skip_notifier = false;
		/* The proxy's socket lives in a network namespace: no proxy, so
		 * no network (ADR 0052: never the other way). */
		cfgv.on_proxy_socket = NULL;
		cfgv.ca_bundle = NULL; /* nothing to bind it over, nothing to trust */
	}
	bool has_handler = cfg->on_listener || cfg->on_listener_rc;
	if (st.no_ns && !has_handler) {
		can_warn("notifier: the no-namespace mode needs the notification supervisor, and none "
			 "is set up; report this");
		return CAN_EXIT_WALL;
	}

	/* Network: only lo, whatever else was asked. */
	const char *egress = p->net.egress.set ? p->net.egress.v : "none";
	static char pasta_path[4096];
	if (strcmp(egress, "direct") == 0) {
		if (st.no_ns) {
			can_warn("network: egress = \"direct\": the uplink is attached to the sandbox's "
				 "own network namespace, which the no-namespace mode does not have; "
				 "nothing runs");
			return CAN_EXIT_WALL;
		}
		const char *path = getenv("PATH");
		if (egress_direct_tool(path ? path : "/usr/local/bin:/usr/bin:/bin", pasta_path,
				       sizeof pasta_path) != 0)
			return CAN_EXIT_WALL;
		if (egress_pasta_pick_net(&st.direct_net) < 0)
			return CAN_EXIT_WALL;
		st.direct_tool = pasta_path;
		/* No proxy, no DNS stub, no proxy variables: the uplink is the way out. */
		cfgv.on_proxy_socket = NULL;
		cfgv.ca_bundle = NULL;
	}
	if (strcmp(egress, "proxy-only") == 0 && !cfg->on_proxy_socket && !st.no_ns)
		can_warn("network: egress = \"proxy-only\": the proxy is not built yet, so the command "
			 "runs with no network at all (only lo)");

	/* -p: the host listeners first, so a port in use stops the run before
	 * the command starts; the relay (ports_relay.c) takes them after clone. */
	int *pfd = NULL;
	size_t npfd = cfg->opts->nports;
	if (npfd > 0) {
		if (st.no_ns) {
			can_warn("-p %u: publishing a port needs the sandbox's own network namespace, "
				 "which the no-namespace mode does not have; nothing runs",
				 cfg->opts->ports[0].host_port);
			return CAN_EXIT_WALL;
		}
		pfd = xcalloc(npfd, sizeof *pfd);
		int prc = ports_listen_host(cfg->opts->ports, npfd, pfd);
		if (prc) {
			free(pfd);
			return prc;
		}
	}

	if (p->net.nports > 0)
		can_warn("network: [network] ports: port forwarding is not supported yet; no port is "
			 "forwarded");

	/* Landlock. */
	st.ll_abi = landlock_abi();
	if (st.no_ns && st.ll_abi < 0) {
		can_warn("landlock: not available (%s), and without namespaces it is the only "
			 "filesystem wall: nothing runs; run 'can setup' to make user namespaces "
			 "work" SEE_CHECK, errno_name(-st.ll_abi));
		return CAN_EXIT_WALL;
	}
	if (st.no_ns && st.ll_abi < 6 && !(cfg->opts->degrade & WALL_LANDLOCK_SCOPE)) {
		can_warn("landlock-scope: Landlock ABI %d has no signal scoping (needs 6), and without a "
			 "PID namespace nothing else keeps the command from signalling your other "
			 "processes; run with --allow-degraded=userns,landlock-scope to go on anyway, or "
			 "'can setup'" SEE_CHECK, st.ll_abi);
		return CAN_EXIT_WALL;
	}
	if (st.no_ns) {
		st.use_landlock = true; /* what it lacks is in the list of losses */
	} else if (st.ll_abi < 0) {
		if (!degrade_ok(cfg, strict, WALL_LANDLOCK)) {
			can_warn("landlock: not available: %s: %s; run with --allow-degraded=landlock "
				 "to go on without it" SEE_CHECK, errno_name(-st.ll_abi),
				 strerror(-st.ll_abi));
			return CAN_EXIT_WALL;
		}
		can_warn("warning: landlock: not available (%s); running without it (degraded)",
			 errno_name(-st.ll_abi));
	} else {
		st.use_landlock = true;
		static const struct {
			int abi;
			unsigned wall;
			const char *what;
		} parts[] = {
			{ 4, WALL_LANDLOCK_NET, "TCP connect rules" },
			{ 6, WALL_LANDLOCK_SCOPE, "signal and abstract-socket scoping" },
		};
		for (size_t i = 0; i < ARRAY_LEN(parts); i++) {
			if (st.ll_abi >= parts[i].abi)
				continue;
			/* The namespaces already cover these; only --strict makes them fatal. */
			if (strict) {
				can_warn("%s: Landlock ABI %d has no %s (needs %d) and --strict is on" SEE_CHECK,
					 run_wall_name(parts[i].wall), st.ll_abi, parts[i].what,
					 parts[i].abi);
				return CAN_EXIT_WALL;
			}
			can_warn("warning: %s: Landlock ABI %d has no %s; the network and PID "
				 "namespaces still apply", run_wall_name(parts[i].wall), st.ll_abi,
				 parts[i].what);
		}
	}

	/* Seccomp: the options here; the command builds the filter (see command()). */
	st.sco = (struct sc_options){ .mode = strict ? SC_MODE_STRICT
						 : cfg->opts->monitor ? SC_MODE_MONITOR : SC_MODE_ENFORCE,
				  .notify_nrs = has_handler ? cfg->notify_nrs : NULL,
				  .n_notify = has_handler ? cfg->n_notify : 0,
				  .monitor_via_notify = has_handler && (cfg->monitor_via_notify ||
									cfg->opts->monitor),
				  /* -m observes lookups; an fstat looks nothing up (ADR 0200). */
				  .notify_skip_fd_stat = has_handler && cfg->opts->monitor,
				  .host_shared = st.no_ns };

	/* The mount plan. */
	struct mount_plan_in mi = { .p = p, .cwd = cfg->cwd, .home = getenv("HOME"),
				    .ca_bundle = cfg->ca_bundle, .fakes = cfg->fakes,
				    .nfakes = cfg->nfakes };
	/* The DNS stub's resolv.conf and hosts (ADR 0109): with the proxy. */
	if (cfg->on_proxy_socket && !st.no_ns) {
		bool hl = p->net.allow_host_loopback.set && p->net.allow_host_loopback.v;
		if (resolv_overlay_write(hl, overlay_conf, overlay_hosts, sizeof(overlay_conf), err,
					 sizeof(err)) < 0) {
			can_warn("network: the DNS stub's files: %s; nothing runs", err);
			return CAN_EXIT_WALL;
		}
		mi.resolv_conf = overlay_conf;
		mi.hosts = overlay_hosts;
	}
	/* egress = "direct": the host's resolv.conf, naming pasta's DNS
	 * forwarder instead of the host's resolvers (ADR 0124). */
	if (st.direct_tool) {
		char *text = resolv_direct_from_file("/etc/resolv.conf", st.direct_net.dns);
		int wrc = resolv_overlay_write_conf(text, overlay_conf, sizeof(overlay_conf), err,
						    sizeof(err));
		free(text);
		if (wrc < 0) {
			can_warn("network: egress = \"direct\": the sandbox's resolv.conf: %s; nothing "
				 "runs", err);
			return CAN_EXIT_WALL;
		}
		mi.resolv_conf = overlay_conf;
	}
	if (mount_plan_build(&mi, &st.plan, err, sizeof(err)) < 0) {
		can_warn("filesystem: %s; fix the recipe" SEE_CHECK, err);
		return CAN_EXIT_WALL;
	}

	if (st.no_ns) {
		if (degraded_plan_build(&st.plan, cfg->opts->tmpdir, &st.dplan, err, sizeof(err)) < 0 ||
		    degraded_prepare(&st.dplan, err, sizeof(err)) < 0) {
			can_warn("filesystem: %s; fix the recipe" SEE_CHECK, err);
			degraded_plan_free(&st.dplan);
			mount_plan_free(&st.plan);
			return CAN_EXIT_WALL;
		}
	}

	/* cgroups. */
	struct cgroup_run cg = { 0 };
	bool use_cg = false;
	if (cgroup_wanted(p)) {
		if (cgroup_prepare(p, &cg, err, sizeof(err)) == 0) {
			use_cg = true;
		} else if (!degrade_ok(cfg, strict, WALL_CGROUPS)) {
			can_warn("cgroups: [resources] limits need a delegated cgroup v2 subtree: %s; run "
				 "with --allow-degraded=cgroups to go on without the limits" SEE_CHECK, err);
			degraded_plan_free(&st.dplan);
			mount_plan_free(&st.plan);
			return CAN_EXIT_WALL;
		} else {
			can_warn("warning: cgroups: %s; [resources] limits are NOT applied (degraded)", err);
		}
	}

	if (cfg->opts->verbose) {
		struct run_verbose_walls vw = { .landlock_abi = st.use_landlock ? st.ll_abi : -1,
						.landlock_exec_only = cfg->landlock_exec_only_allowed,
						.sco = &st.sco, .cgroups = use_cg, .egress = egress,
						.no_namespaces = st.no_ns };
		run_verbose_print(stderr, st.no_ns ? &st.dplan.ll : &st.plan, &vw);
	}

	st.env = run_env_build(p, environ);
	if (cfg->on_proxy_socket)
		st.env = run_env_add_proxy(st.env, RUN_PROXY_PORT);
	if (cfg->ca_bundle)
		st.env = run_env_add_ca(st.env, MOUNT_CA_BUNDLE_DST);
	if (st.no_ns) {
		st.env = run_env_set(st.env, "TMPDIR", cfg->opts->tmpdir);
		struct degraded_losses_in li = { .why = cfg->opts->userns_why,
						 .landlock_abi = st.ll_abi,
						 .tmpdir = cfg->opts->tmpdir, .egress = egress,
						 .cgroups = use_cg, .nhide = st.dplan.nhide,
						 .nreadonly = st.dplan.nreadonly };
		degraded_losses_print(stderr, &li);
		/* What the command leaves behind comes to us (run_degraded.c). */
		prctl(PR_SET_CHILD_SUBREAPER, 1);
		if (degraded_confine_supervisor(err, sizeof(err)) < 0) {
			can_warn("notifier: %s; nothing runs" SEE_CHECK, err);
			if (use_cg)
				cgroup_cleanup(&cg);
			degraded_plan_free(&st.dplan);
			mount_plan_free(&st.plan);
			run_env_free(st.env);
			free(st.host_cmd);
			return CAN_EXIT_WALL;
		}
	}
	st.host_cmd = host_which(cfg->opts->cmd[0]);
	st.tty_fg = !cfg->opts->new_session && isatty(STDIN_FILENO) &&
		    tcgetpgrp(STDIN_FILENO) == getpgrp();

	pid_t relay = -1;
	bool ports_failed = false;
	int alive[2], sync[2] = { -1, -1 }, sv[2] = { -1, -1 }, px[2] = { -1, -1 };
	struct pasta_run pasta = { .pid = -1 };
	bool direct_failed = false;
	if (pipe2(alive, O_CLOEXEC) < 0 ||
	    ((use_cg || pfd || st.direct_tool) && pipe2(sync, O_CLOEXEC) < 0))
		can_die_errno(CAN_EXIT_WALL, "run: pipe");
	/* A listener exists when syscalls are notified (or monitor goes through
	 * the supervisor); only then is there a handover. */
	bool want_handover = has_handler && (st.sco.n_notify > 0 || st.sco.monitor_via_notify);
	if (want_handover) {
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
			can_die_errno(CAN_EXIT_WALL, "run: socketpair");
		int one = 1;
		setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
		st.handover = sv[1];
	}
	if (cfg->on_proxy_socket) {
		if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, px) < 0)
			can_die_errno(CAN_EXIT_WALL, "run: socketpair");
		st.proxy_tx = px[1];
	}
	st.alive_rd = alive[0];
	st.sync_rd = sync[0];

	sigset_t set, old;
	init_signal_set(&set);
	sigprocmask(SIG_BLOCK, &set, &old);
	uid_t uid = getuid();
	gid_t gid = getgid();
	fflush(NULL);
	unsigned long ns_flags = st.no_ns ? 0
					  : CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC |
						    CLONE_NEWUTS | CLONE_NEWCGROUP | CLONE_NEWNET;
	long pid = syscall(SYS_clone, ns_flags | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid == 0) {
		close(alive[1]);
		if (sync[1] >= 0)
			close(sync[1]);
		if (sv[0] >= 0)
			close(sv[0]);
		if (px[0] >= 0)
			close(px[0]);
		sandbox_init(&st, uid, gid);
	}
	int e = errno;
	close(alive[0]);
	if (sync[0] >= 0)
		close(sync[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	if (px[1] >= 0)
		close(px[1]);
	int rc;
	if (pid < 0) {
		errno = e;
		if (st.no_ns)
			can_warn("process: fork: %s: %s; lower the load" SEE_CHECK, errno_name(e),
				 strerror(e));
		else
			can_warn("namespaces: clone into new user, mount, PID, IPC, UTS, cgroup and "
				 "network namespaces: %s: %s; make unprivileged user namespaces work "
				 "('can setup' installs what Ubuntu's AppArmor needs), or run with "
				 "--allow-degraded=userns for Landlock and seccomp without namespaces"
				 SEE_CHECK, errno_name(e), strerror(e));
		rc = CAN_EXIT_WALL;
	} else {
		bool held = false; /* init killed before it was let go */
		if (use_cg && cgroup_attach(&cg, (pid_t)pid, err, sizeof(err)) < 0) {
			can_warn("cgroups: %s" SEE_CHECK, err);
			held = true;
		}
		/* -p: the relay joins the sandbox's netns before init is let go. */
		if (!held && pfd) {
			relay = ports_relay_start((pid_t)pid, cfg->opts->ports, pfd, npfd);
			if (relay < 0) {
				held = true;
				ports_failed = true;
			}
		}
		/* egress = "direct": the uplink is up before init is let go, or
		 * nothing runs (fail closed). */
		if (!held && st.direct_tool) {
			if (egress_pasta_start(st.direct_tool, &st.direct_net, (pid_t)pid, &pasta) < 0) {
				held = true;
				direct_failed = true;
			} else {
				can_warn("egress = \"direct\": the sandbox has an unfiltered network uplink "
					 "(pasta)");
			}
		}
		if (pfd) {
			for (size_t i = 0; i < npfd; i++)
				close(pfd[i]);
			free(pfd);
			pfd = NULL;
		}
		if (held || (sync[1] >= 0 && write(sync[1], "g", 1) != 1))
			kill((pid_t)pid, SIGKILL);
		if (px[0] >= 0 && take_proxy_socket(px[0], cfg) < 0)
			kill((pid_t)pid, SIGKILL);
		rc = supervise((pid_t)pid, sv[0], cfg);
		ports_relay_stop(relay);
		egress_pasta_stop(&pasta);
		if ((px[0] >= 0 && rc == 128 + SIGKILL && proxy_failed) || ports_failed ||
		    direct_failed)
			rc = CAN_EXIT_WALL;
		if (st.no_ns) {
			int left = degraded_kill_leftovers();
			if (left > 0 && cfg->opts->verbose)
				can_warn("killed %d process(es) the command left running", left);
		}
	}
	if (st.tty_fg) {
		/* Take the terminal back from the command's process group. */
		sigset_t ttou;
		sigemptyset(&ttou);
		sigaddset(&ttou, SIGTTOU);
		sigprocmask(SIG_BLOCK, &ttou, NULL);
		tcsetpgrp(STDIN_FILENO, getpgrp());
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(alive[1]);
	if (sync[1] >= 0)
		close(sync[1]);
	if (sv[0] >= 0)
		close(sv[0]);
	if (px[0] >= 0)
		close(px[0]);
	if (use_cg)
		cgroup_cleanup(&cg);
	if (cfg->opts->monitor && !has_handler)
		can_warn("monitor mode was on: refused calls were logged and allowed; the full report "
			 "comes with the notification engine");
	degraded_plan_free(&st.dplan);
	mount_plan_free(&st.plan);
	run_env_free(st.env);
	free(st.host_cmd);
	return rc;
}
