/* Probes: seccomp filters and each user-notification feature the supervisor
 * relies on, exercised for real.
 *
 * The filters trap only getppid() called with a magic first argument, a call
 * no library makes, so nothing else the probe process does is disturbed.
 * The notification probe forks a target that installs a NEW_LISTENER filter
 * and passes the listener back over a socket; the probe process then plays
 * supervisor and answers one trapped call per feature (CONTINUE, ADDFD,
 * ADDFD|SEND, a signal during WAIT_KILLABLE_RECV, SYNC_WAKE_UP), while the
 * target reports what each call returned. */
#include "util/fdpass.h"
#include "util/kernel_compat.h"
#include "probe/probe_internal.h"
#include "util/procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROBE_MAGIC 0x43414e43u /* "CANC" */
#define ERRNO_MARK EXFULL       /* an errno getppid() can never return by itself */

#if defined(__x86_64__)
#define PROBE_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define PROBE_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG0_LO offsetof(struct seccomp_data, args[0])
#else
#define ARG0_LO (offsetof(struct seccomp_data, args[0]) + 4)
#endif

/* getppid(PROBE_MAGIC) -> action; everything else allowed. */
static void build_prog(struct sock_filter prog[10], struct sock_fprog *fp, unsigned action)
{
	int n = 0;
#ifdef PROBE_AUDIT_ARCH
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PROBE_AUDIT_ARCH, 1, 0);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
#endif
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 1, 0);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_LO);
	prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PROBE_MAGIC, 1, 0);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, action);
	fp->len = (unsigned short)n;
	fp->filter = prog;
}

static long magic_call(void)
{
	return syscall(__NR_getppid, (unsigned long)PROBE_MAGIC);
}

/* A plain filter: the trapped call must fail with our errno, an ordinary
 * getppid() must still work. */
static void try_filter(struct probe_res *r)
{
	struct sock_filter prog[10];
	struct sock_fprog fp;
	build_prog(prog, &fp, SECCOMP_RET_ERRNO | ERRNO_MARK);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		probe_fail(r, "prctl(PR_SET_NO_NEW_PRIVS)", errno);
		return;
	}
	if (can_seccomp(SECCOMP_SET_MODE_FILTER, 0, &fp) < 0) {
		probe_fail(r, "seccomp(SET_MODE_FILTER)", errno);
		return;
	}
	errno = 0;
	long got = magic_call();
	if (got != -1 || errno != ERRNO_MARK)
		probe_fail(r, "filter did not change the result", 0);
	else if (syscall(__NR_getppid, 0UL) <= 0) /* explicit 0: libc's getppid() leaves arg registers as they are */
		probe_fail(r, "filter broke an allowed call", errno);
	else
		probe_pass(r, "no_new_privs, filter installed and enforced");
}

/* ---- the notification probe ---- */

/* What the target reports after each trapped call. */
struct target_msg {
	long ret;
	int err;
	char byte; /* for fd-returning steps: the byte read from the new fd */
};

/* The target's hello: how the filter was installed. */
struct target_hello {
	int err;        /* 0 when a listener was obtained */
	int wkr_err;    /* errno of the first try with WAIT_KILLABLE_RECV, 0 when accepted */
	bool wkr;       /* the filter carries WAIT_KILLABLE_RECV */
};

static volatile sig_atomic_t usr1_seen;
static void on_usr1(int sig)
{
	(void)sig;
	usr1_seen++;
}


static _Noreturn void target(int sock)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	struct target_hello h = { 0, 0, false };
	struct sock_filter prog[10];
	struct sock_fprog fp;
	build_prog(prog, &fp, SECCOMP_RET_USER_NOTIF);
	int fd = -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		h.err = errno;
	} else {
		fd = can_seccomp(SECCOMP_SET_MODE_FILTER,
				 SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, &fp);
		h.wkr = fd >= 0;
		if (fd < 0) {
			h.wkr_err = errno;
			fd = can_seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &fp);
			if (fd < 0)
				h.err = errno;
		}
	}
	if (fdpass_send(sock, &h, sizeof(h), fd) < 0 || fd < 0)
		_exit(1);
	close(fd);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1; /* no SA_RESTART: an interruption would show */
	sigaction(SIGUSR1, &sa, NULL);
	for (;;) {
		char go;
		if (read(sock, &go, 1) != 1 || go == 'q')
			_exit(0);
		struct target_msg m = { 0, 0, 0 };
		errno = 0;
		m.ret = magic_call();
		m.err = errno;
		if (go == 'F' && m.ret >= 0) {
			if (read((int)m.ret, &m.byte, 1) != 1)
				m.byte = 0;
			close((int)m.ret);
		}
		if (write(sock, &m, sizeof(m)) != (ssize_t)sizeof(m))
			_exit(1);
	}
}

struct supervisor {
	int sock;
	int listener;
	pid_t target;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	size_t req_size, resp_size;
};

static bool wait_readable(int fd, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	int r;
	while ((r = poll(&p, 1, ms)) < 0 && errno == EINTR)
		;
	return r == 1 && (p.revents & POLLIN);
}

/* Receives one notification; 0 or an errno value. */
static int recv_notif(struct supervisor *s)
{
	if (!wait_readable(s->listener, 1000))
		return ETIMEDOUT;
	memset(s->req, 0, s->req_size);
	if (ioctl(s->listener, SECCOMP_IOCTL_NOTIF_RECV, s->req) < 0)
		return errno;
	return 0;
}

static int respond(struct supervisor *s, long long val, int error, unsigned flags)
{
	memset(s->resp, 0, s->resp_size);
	s->resp->id = s->req->id;
	s->resp->val = val;
	s->resp->error = error;
	s->resp->flags = flags;
	return ioctl(s->listener, SECCOMP_IOCTL_NOTIF_SEND, s->resp) < 0 ? errno : 0;
}

static bool read_msg(struct supervisor *s, struct target_msg *m)
{
	return wait_readable(s->sock, 1000) && read(s->sock, m, sizeof(*m)) == (ssize_t)sizeof(*m);
}

/* Starts a step: tells the target to make its trapped call and receives it. */
static bool step_begin(struct supervisor *s, char go, struct probe_res *r)
{
	int err;
	if (write(s->sock, &go, 1) != 1) {
		probe_fail(r, "target gone", errno);
		return false;
	}
	if ((err = recv_notif(s))) {
		probe_fail(r, "ioctl(NOTIF_RECV)", err);
		return false;
	}
	return true;
}

static bool step_continue(struct supervisor *s, struct probe_res *r)
{
	struct target_msg m;
	if (!step_begin(s, 'C', r))
		return false;
	int err = respond(s, 0, 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE);
	if (err) {
		probe_fail(r, "NOTIF_SEND with FLAG_CONTINUE", err);
		respond(s, 0, -ENOSYS, 0);
	}
	if (!read_msg(s, &m)) {
		probe_fail(r, "no answer from target", 0);
		return false;
	}
	if (!err) {
		if (m.ret == (long)getpid())
			probe_pass(r, "trapped call continued into the kernel");
		else
			probe_fail(r, "continued call returned the wrong value", m.err);
	}
	return true;
}

static bool step_addfd(struct supervisor *s, struct probe_res *r, bool send, char mark)
{
	struct target_msg m;
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		probe_fail(r, "pipe", errno);
		return true;
	}
	if (write(p[1], &mark, 1) != 1) {
		probe_fail(r, "write to pipe", errno);
		close(p[0]);
		close(p[1]);
		return true;
	}
	if (!step_begin(s, 'F', r)) {
		close(p[0]);
		close(p[1]);
		return false;
	}
	struct seccomp_notif_addfd a;
	memset(&a, 0, sizeof(a));
	a.id = s->req->id;
	a.flags = send ? SECCOMP_ADDFD_FLAG_SEND : 0;
	a.srcfd = (__u32)p[0];
	a.newfd_flags = O_CLOEXEC;
	int remote = ioctl(s->listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a);
	int err = remote < 0 ? errno : 0;
	if (err)
		respond(s, 0, -ENOSYS, 0);
	else if (!send)
		err = respond(s, remote, 0, 0);
	close(p[0]);
	close(p[1]);
	if (!read_msg(s, &m)) {
		probe_fail(r, "no answer from target", 0);
		return false;
	}
	if (err)
		probe_fail(r, send ? "ioctl(NOTIF_ADDFD, FLAG_SEND)" : "ioctl(NOTIF_ADDFD)", err);
	else if (m.ret != remote || m.byte != mark)
		probe_fail(r, "target did not get the fd", m.err);
	else
		probe_pass(r, send ? "fd installed and returned in one step" : "fd installed and read by the target");
	return true;
}

static bool usr1_pending(pid_t pid)
{
	char path[64], buf[PROCFS_STATUS_MAX];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	ssize_t n = procfs_read(path, buf, sizeof(buf));
	if (n <= 0)
		return false;
	/* Pending for the thread (SigPnd) or for the whole process (ShdPnd). */
	unsigned long long bit = 1ULL << (SIGUSR1 - 1), t = 0, s = 0;
	procfs_field(buf, (size_t)n, "SigPnd:", 16, &t);
	procfs_field(buf, (size_t)n, "ShdPnd:", 16, &s);
	return ((t | s) & bit) != 0;
}

/* WAIT_KILLABLE_RECV: once received, a non-fatal signal must not cancel the
 * notification; it waits, pending, until we answer. */
static bool step_wait_killable(struct supervisor *s, struct probe_res *r)
{
	struct target_msg m;
	if (!step_begin(s, 'W', r))
		return false;
	kill(s->target, SIGUSR1);
	bool pending = false;
	for (int i = 0; i < 200 && !pending; i++) {
		pending = usr1_pending(s->target);
		if (!pending) {
			struct timespec ts = { 0, 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
	}
	int err = respond(s, 77, 0, 0);
	if (err) {
		/* The signal cancelled the wait: answer the restarted call. */
		if (recv_notif(s) == 0)
			respond(s, 77, 0, 0);
	}
	if (!read_msg(s, &m)) {
		probe_fail(r, "no answer from target", 0);
		return false;
	}
	if (err)
		probe_fail(r, "a signal cancelled the notification", err);
	else if (!pending || m.ret != 77)
		probe_fail(r, "signal was not held back", m.err);
	else
		probe_pass(r, "a signal waited until the answer");
	return true;
}

static bool step_sync_wakeup(struct supervisor *s, struct probe_res *r)
{
	struct target_msg m;
	if (ioctl(s->listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, (unsigned long)SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) < 0) {
		probe_fail(r, "ioctl(NOTIF_SET_FLAGS, SYNC_WAKE_UP)", errno);
		return true;
	}
	if (!step_begin(s, 'S', r))
		return false;
	int err = respond(s, 55, 0, 0);
	if (!read_msg(s, &m)) {
		probe_fail(r, "no answer from target", 0);
		return false;
	}
	if (err)
		probe_fail(r, "NOTIF_SEND with sync wake-up", err);
	else if (m.ret != 55)
		probe_fail(r, "answer did not reach the target", m.err);
	else
		probe_pass(r, "flag set, call answered");
	return true;
}

static int recv_listener(int sock, struct target_hello *h)
{
	if (!wait_readable(sock, 1000))
		return -1;
	return fdpass_recv(sock, h, sizeof(*h));
}

static void try_notify(struct probe_seccomp *out)
{
	struct probe_res *later[] = { &out->cont, &out->addfd, &out->addfd_send, &out->wait_killable, &out->sync_wakeup };
	for (size_t i = 0; i < sizeof(later) / sizeof(later[0]); i++)
		probe_skip(later[i], "needs a listener");
	struct seccomp_notif_sizes sz;
	if (can_seccomp(SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0) {
		probe_fail(&out->listener, "seccomp(GET_NOTIF_SIZES)", errno);
		return;
	}
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		probe_fail(&out->listener, "socketpair", errno);
		return;
	}
	pid_t pid = fork();
	if (pid < 0) {
		probe_fail(&out->listener, "fork", errno);
		return;
	}
	if (pid == 0) {
		close(sv[0]);
		target(sv[1]);
	}
	close(sv[1]);
	struct supervisor s = { .sock = sv[0], .target = pid };
	s.req_size = sz.seccomp_notif > sizeof(*s.req) ? sz.seccomp_notif : sizeof(*s.req);
	s.resp_size = sz.seccomp_notif_resp > sizeof(*s.resp) ? sz.seccomp_notif_resp : sizeof(*s.resp);
	s.req = calloc(1, s.req_size);
	s.resp = calloc(1, s.resp_size);
	struct target_hello h;
	memset(&h, 0, sizeof(h));
	s.listener = s.req && s.resp ? recv_listener(s.sock, &h) : -1;
	if (s.listener < 0) {
		probe_fail(&out->listener, "seccomp(FILTER_FLAG_NEW_LISTENER)", h.err);
	} else {
		probe_pass(&out->listener, "listener fd handed to a supervisor");
		bool alive = step_continue(&s, &out->cont) &&
			     step_addfd(&s, &out->addfd, false, 'A') &&
			     step_addfd(&s, &out->addfd_send, true, 'B');
		if (!h.wkr)
			probe_fail(&out->wait_killable, "seccomp(WAIT_KILLABLE_RECV)", h.wkr_err);
		else if (alive)
			alive = step_wait_killable(&s, &out->wait_killable);
		if (alive)
			step_sync_wakeup(&s, &out->sync_wakeup);
		char q = 'q';
		if (write(s.sock, &q, 1) < 0) {
			/* the target is gone already; waitpid below reaps it */
		}
		close(s.listener);
	}
	close(s.sock);
	kill(pid, SIGKILL);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	free(s.req);
	free(s.resp);
}

static int run_seccomp(void *p, const void *arg)
{
	(void)arg;
	struct probe_seccomp *out = p;
	/* The notification probe first: its target is forked before this
	 * process gets the plain filter below. */
	try_notify(out);
	try_filter(&out->filter);
	struct probe_res *all[] = { &out->filter, &out->listener, &out->cont, &out->addfd,
				    &out->addfd_send, &out->wait_killable, &out->sync_wakeup };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!all[i]->ok)
			return 1;
	return 0;
}

static void fail_seccomp(void *p, const char *why, int err)
{
	struct probe_seccomp *out = p;
	probe_fail(&out->filter, why, err);
	probe_fail(&out->listener, why, err);
	struct probe_res *later[] = { &out->cont, &out->addfd, &out->addfd_send, &out->wait_killable, &out->sync_wakeup };
	for (size_t i = 0; i < sizeof(later) / sizeof(later[0]); i++)
		probe_skip(later[i], why);
}

struct probe_job probe_job_seccomp(struct probe_seccomp *out)
{
	return (struct probe_job){
		.name = "seccomp", .out = out, .size = sizeof(*out),
		.run = run_seccomp, .fail = fail_seccomp,
	};
}

struct probe_seccomp probe_seccomp(void)
{
	struct probe_seccomp r;
	memset(&r, 0, sizeof(r));
	struct probe_job j = probe_job_seccomp(&r);
	probe_run_jobs(&j, 1, PROBE_TIMEOUT_MS);
	return r;
}

bool probe_seccomp_sync_wakeup(void)
{
	return probe_seccomp().sync_wakeup.ok;
}

bool probe_seccomp_wait_killable(void)
{
	return probe_seccomp().wait_killable.ok;
}
