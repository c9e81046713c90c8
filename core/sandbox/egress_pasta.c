/* pasta for egress = "direct" (egress_pasta.h). Readiness without a sleep:
 * pasta's --pid file is a FIFO we hold open for reading; pasta writes its
 * pid there only after the tap interface is configured in the namespace,
 * so "a pid arrived" is "the uplink is up", and "pasta exited first" (its
 * pidfd) is a failure that stops the run. */
#include "sandbox/egress_pasta.h"
#include "sandbox/egress_direct.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/close_range.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* How long pasta may take to say it is up: a bound for a hung tool, far
 * above what it needs (well under a second here). */
enum { PASTA_READY_MS = 15000 };

static size_t host_ipv4(uint32_t *out, size_t cap)
{
	struct ifaddrs *ifa = NULL, *i;
	size_t n = 0;
	if (getifaddrs(&ifa) < 0)
		return 0;
	for (i = ifa; i && n < cap; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET)
			out[n++] = ((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr;
	freeifaddrs(ifa);
	return n;
}

/* The last line of pasta's log that says something (not its complaints
 * about a missing syslog), into out. */
static void last_words(const char *log, char *out, size_t outlen)
{
	out[0] = '\0';
	FILE *f = fopen(log, "re");
	if (!f)
		return;
	char line[400];
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] && !strstr(line, "to syslog"))
			snprintf(out, outlen, "%s", line);
	}
	fclose(f);
}

static _Noreturn void child(const char *pasta, const char *const *argv, const char *log)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL); /* can dies: pasta with it */
	int nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	int lf = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (nul < 0 || lf < 0 || dup2(nul, 0) < 0 || dup2(nul, 1) < 0 || dup2(lf, 2) < 0)
		_exit(127);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL); /* the supervisor blocks its signals */
	/* Nothing of the supervisor's (-p listeners, the sandbox's pipes). */
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		for (int fd = 3; fd < 1024; fd++)
			fcntl(fd, F_SETFD, FD_CLOEXEC);
	execv(pasta, (char *const *)argv);
	dprintf(2, "exec %s: %s: %s\n", pasta, errno_name(errno), strerror(errno));
	_exit(127);
}

int egress_pasta_pick_net(struct direct_net *net)
{
	uint32_t host[64];
	if (egress_direct_pick_net(host, host_ipv4(host, ARRAY_LEN(host)), net) < 0) {
		can_warn("network: egress = \"direct\": every address block pasta could use collides "
			 "with one of this host's addresses; nothing runs");
		return -1;
	}
	return 0;
}

int egress_pasta_start(const char *pasta, const struct direct_net *net, pid_t init_pid,
		       struct pasta_run *pr)
{
	pr->pid = -1;
	pr->dir[0] = '\0';
	/* pasta makes its tap through /dev/net/tun, opened as this user: say
	 * so here rather than relay pasta's "Failed to open tun socket". */
	if (access("/dev/net/tun", R_OK | W_OK) < 0) {
		can_warn("network: egress = \"direct\": pasta needs /dev/net/tun, which this user "
			 "cannot open (%s: %s; Debian's udev makes it 0666: chmod 0666 /dev/net/tun); "
			 "nothing runs", errno_name(errno), strerror(errno));
		return -1;
	}
	const char *tmp = getenv("TMPDIR");
	snprintf(pr->dir, sizeof pr->dir, "%s/can-pasta.XXXXXX",
		 tmp && *tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	if (!mkdtemp(pr->dir)) {
		can_warn("network: egress = \"direct\": mkdtemp %s: %s: %s; nothing runs", pr->dir,
			 errno_name(errno), strerror(errno));
		pr->dir[0] = '\0';
		return -1;
	}
	char ready[96], log[96];
	snprintf(ready, sizeof ready, "%s/ready", pr->dir);
	snprintf(log, sizeof log, "%s/log", pr->dir);
	int rfd = -1;
	if (mkfifo(ready, 0600) < 0 || (rfd = open(ready, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		can_warn("network: egress = \"direct\": the readiness FIFO %s: %s: %s; nothing runs",
			 ready, errno_name(errno), strerror(errno));
		return -1;
	}
	struct direct_argv_bufs bufs = { { 0 }, { 0 } };
	const char *argv[40];
	if (egress_direct_pasta_argv(pasta, net, init_pid, ready, &bufs, argv, ARRAY_LEN(argv)) == 0) {
		close(rfd);
		can_warn("network: egress = \"direct\": pasta's command line is too long; report this");
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		can_warn("network: egress = \"direct\": fork: %s: %s; nothing runs", errno_name(errno),
			 strerror(errno));
		close(rfd);
		return -1;
	}
	if (pid == 0)
		child(pasta, argv, log);
	pr->pid = pid;
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	char got[32];
	size_t len = 0;
	bool up = false, exited = false;
	/* Each wait is bounded; a real pasta answers in one round. */
	for (int waited = 0; !up && !exited && waited < PASTA_READY_MS; waited += 250) {
		struct pollfd pf[2] = { { rfd, POLLIN, 0 }, { pidfd, POLLIN, 0 } };
		if (poll(pf, pidfd >= 0 ? 2 : 1, 250) < 0 && errno != EINTR)
			break;
		if (pf[0].revents & (POLLIN | POLLHUP)) {
			ssize_t r = read(rfd, got + len, sizeof got - 1 - len);
			if (r > 0)
				len += (size_t)r;
			got[len] = '\0';
			/* A pid, then the writer closes: up. A close with
			 * nothing written is not a yes. */
			if (len > 0 && (memchr(got, '\n', len) || r == 0))
				up = atoi(got) > 0;
			else if (r == 0)
				exited = true;
		}
		if (pidfd >= 0 && (pf[1].revents & POLLIN))
			exited = true;
		if (pidfd < 0 && waitpid(pid, NULL, WNOHANG) == pid) {
			pr->pid = -1;
			exited = true;
		}
	}
	close(rfd);
	if (pidfd >= 0)
		close(pidfd);
	if (up && !exited) {
		unlink(ready);
		return 0;
	}
	int status = 0;
	bool reaped = false;
	if (pr->pid > 0) {
		if (!exited)
			kill(pr->pid, SIGKILL);
		reaped = waitpid(pr->pid, &status, 0) == pr->pid;
		pr->pid = -1;
	}
	char why[512];
	last_words(log, why, sizeof why);
	if (!exited)
		can_warn("network: egress = \"direct\": %s did not say the uplink was up within %d s%s%s; "
			 "nothing runs", pasta, PASTA_READY_MS / 1000, why[0] ? ": " : "", why);
	else if (reaped && WIFEXITED(status))
		can_warn("network: egress = \"direct\": %s exited with %d before the uplink was up%s%s; "
			 "nothing runs", pasta, WEXITSTATUS(status), why[0] ? ": " : "", why);
	else if (reaped && WIFSIGNALED(status))
		can_warn("network: egress = \"direct\": %s was killed by signal %d before the uplink "
			 "was up%s%s; nothing runs", pasta, WTERMSIG(status), why[0] ? ": " : "", why);
	else
		can_warn("network: egress = \"direct\": %s ended before the uplink was up%s%s; nothing "
			 "runs", pasta, why[0] ? ": " : "", why);
	return -1;
}

void egress_pasta_stop(struct pasta_run *pr)
{
	if (pr->pid > 0) {
		kill(pr->pid, SIGKILL);
		while (waitpid(pr->pid, NULL, 0) < 0 && errno == EINTR)
			;
		pr->pid = -1;
	}
	if (pr->dir[0]) {
		char p[96];
		snprintf(p, sizeof p, "%s/ready", pr->dir);
		unlink(p);
		snprintf(p, sizeof p, "%s/log", pr->dir);
		unlink(p);
		rmdir(pr->dir);
		pr->dir[0] = '\0';
	}
}
