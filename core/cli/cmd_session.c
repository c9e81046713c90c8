/* can session, can status, can allow, can layers (docs/session.md): the
 * command lines of session mode. The supervisor and its protocol live in
 * shell/; this file parses arguments and prints. */
#include "cli/cli.h"
#include "probe/probe.h"
#include "shell/control.h"
#include "shell/session.h"
#include "shell/state.h"
#include "sandbox/run.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

void cmd_session_usage(FILE *out)
{
	fputs("Usage: can session [-v] [--no-landlock-at-exec] -- SHELL [ARGS...]\n"
	      "       can session --check\n"
	      "       can session --off\n"
	      "\n"
	      "Becomes the supervisor of an interactive shell session: SHELL runs as its\n"
	      "child under the session's seccomp filter, and the layers declared in\n"
	      "projects' .envrc files (`use canister -r RECIPE`) restrict what is started\n"
	      "in them once approved with 'can allow'. Meant to be run by the shell hook\n"
	      "('can hook bash') as `exec can session -- bash`, so the terminal keeps its\n"
	      "PID. Exits with the shell's status.\n"
	      "\n"
	      "Options:\n"
	      "  --check        say in one line why a session cannot start here (exit 1),\n"
	      "                 or \"ok\" (exit 0)\n"
	      "  --off          print how to get a shell that is not in a session (starts\n"
	      "                 nothing: a process in the session cannot leave it)\n"
	      "  -v, --verbose  report ignored hints and refused declarations\n"
	      "  --no-landlock-at-exec\n"
	      "                 enforce layers by emulation only, never with a Landlock\n"
	      "                 domain applied at exec (for measuring; also\n"
	      "                 CANISTER_NO_LANDLOCK_AT_EXEC=1)\n"
	      "  -h, --help     show this help\n"
	      "\n"
	      "Limits: the filter needs no_new_privs for the whole session, so sudo and other\n"
	      "setuid programs cannot gain privileges anywhere in that terminal (the\n"
	      "supervisor says so when one is started); run them from another terminal.\n"
	      "io_uring, new namespaces and mounts are refused session-wide; inside a layer\n"
	      "ptrace reaches only the layer's own descendants.\n"
	      "See docs/session.md.\n", out);
}

void cmd_status_usage(FILE *out)
{
	fputs("Usage: can status [--json | --env]\n"
	      "\n"
	      "Prints the session layer of the working directory as a prompt segment:\n"
	      "can:NAME (active), can:NAME? (pending approval or invalid), can:session\n"
	      "(in a session, outside layers), nothing outside a session. Reads only the\n"
	      "session's state file.\n"
	      "\n"
	      "Options:\n"
	      "  --json      one JSON object: {\"session\",\"layer\",\"state\",\"recipes\"}, and\n"
	      "              \"proxy\":\"127.0.0.1:PORT\" once the session's egress proxy runs\n"
	      "  --env       in an active proxy-only layer, the shell exports of the proxy\n"
	      "              and CA variables (HTTPS_PROXY, SSL_CERT_FILE, ...), for eval;\n"
	      "              nothing elsewhere (use_canister evals them)\n"
	      "  -h, --help  show this help\n"
	      "\n"
	      "Exit status: 0 active layer here, 1 session but no layer here, 3 pending or\n"
	      "invalid layer here, 4 no session, 2 usage.\n", out);
}

void cmd_allow_usage(FILE *out)
{
	fputs("Usage: can allow [--forget] [DIR]\n"
	      "\n"
	      "Approves the current layer declaration of DIR (default: the nearest\n"
	      "declared layer enclosing the working directory) in this session: its\n"
	      "content hash is stored in ~/.local/state/canister/approved and its policy\n"
	      "takes effect. Refused from inside a layer: run it from a terminal outside\n"
	      "the project (e.g. after `cd ~`).\n"
	      "\n"
	      "Options:\n"
	      "  --forget    drop the approval instead (no new process enters the layer;\n"
	      "              processes already in it keep its rules)\n"
	      "  -h, --help  show this help\n", out);
}

void cmd_layers_usage(FILE *out)
{
	fputs("Usage: can layers\n"
	      "\n"
	      "Lists the session's layers, one per line: directory, state, recipes, and the\n"
	      "processes in it. Network in a layer: egress = \"none\" (no session proxy yet).\n"
	      "\n"
	      "Options:\n"
	      "  -h, --help  show this help\n", out);
}

static bool want_help(int argc, char **argv)
{
	return argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0);
}

static int session_check(void)
{
	char buf[PATH_MAX + 300];
	const char *why = session_refusal(buf, sizeof(buf));
	if (!why) {
		struct probe_seccomp sc = probe_seccomp();
		if (!sc.filter.ok)
			why = "seccomp filters cannot be installed here (see 'can check')";
		else if (!sc.listener.ok)
			why = "no seccomp notification listener can be created here (see 'can check')";
		else if (!sc.addfd_send.ok)
			why = "this kernel lacks SECCOMP_ADDFD_FLAG_SEND (Linux 5.14), which emulated "
			      "opens need";
	}
	if (why) {
		printf("%s\n", why);
		return CAN_EXIT_FAIL;
	}
	puts("ok");
	return CAN_EXIT_OK;
}

/* can session --off (docs/adr/0260): no process inside the session's filter
 * can drop it, and a shell started for it by the supervisor would be a
 * way out for any process that can fake a confirmation. So it starts
 * nothing and says how to get a shell the session never saw. */
static int session_off(void)
{
	const char *pid = getenv("CANISTER_SESSION");
	if (pid && pid[0])
		printf("can: session --off: this terminal is can session %s, and nothing started in it "
		       "can leave it (its filter is inherited by every descendant)\n",
		       pid);
	else
		printf("can: session --off: this shell is not in a can session\n");
	fputs("To get a shell that is not sandboxed:\n"
	      "  - open a new terminal with CANISTER_SESSION_OFF=1 in its environment (a profile\n"
	      "    of your terminal emulator, or 'tmux new-window -e CANISTER_SESSION_OFF=1'\n"
	      "    from a tmux server started outside the session): the hook then starts no\n"
	      "    session;\n"
	      "  - or log in on another console or over ssh with that variable set.\n"
	      "A shell started from this terminal, even with CANISTER_SESSION_OFF=1, is still\n"
	      "under this session's filter. See docs/session.md.\n",
	      stdout);
	return pid && pid[0] ? CAN_EXIT_FAIL : CAN_EXIT_OK;
}

int cmd_session(int argc, char **argv)
{
	struct session_opts o = { 0 };
	int i = 1;
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			cmd_session_usage(stdout);
			return CAN_EXIT_OK;
		} else if (strcmp(a, "--check") == 0) {
			if (argc != 2)
				return cli_usage_error("session", "--check takes nothing else");
			return session_check();
		} else if (strcmp(a, "--off") == 0) {
			if (argc != 2)
				return cli_usage_error("session", "--off takes nothing else");
			return session_off();
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			o.verbose = true;
		} else if (strcmp(a, "--no-landlock-at-exec") == 0) {
			o.no_landlock_at_exec = true;
		} else if (a[0] == '-') {
			return cli_usage_error("session", "unknown option '%s'", a);
		} else {
			break;
		}
	}
	if (i >= argc)
		return cli_usage_error("session", "no shell given: can session -- SHELL [ARGS...]");
	o.argv = argv + i;
	return session_run(&o);
}

/* ---- the client side ---- */

static char *read_state(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return NULL;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != getuid() ||
	    st.st_size > (1 << 20)) {
		close(fd);
		return NULL;
	}
	char *buf = xmalloc((size_t)st.st_size + 1);
	ssize_t n = read(fd, buf, (size_t)st.st_size);
	close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/* The session's state, when there is a session and its file is ours. */
static bool load_state(struct session_state *st)
{
	const char *path = getenv("CANISTER_SESSION_STATE");
	const char *pid = getenv("CANISTER_SESSION");
	if (!path || !pid || path[0] != '/')
		return false;
	size_t len;
	char *text = read_state(path, &len);
	if (!text)
		return false;
	bool ok = state_parse(text, len, st) == 0 && st->pid == (pid_t)atoi(pid);
	free(text);
	if (!ok)
		state_free(st);
	return ok;
}

/* One shell-quoted export per variable `can run` sets for its proxy
 * (sandbox/run_env.c), pointed at the session's proxy and bundle. */
static void print_env(int port, const char *bundle)
{
	char **env = xcalloc(1, sizeof(*env));
	env = run_env_add_proxy(env, port);
	env = run_env_add_ca(env, bundle);
	for (char **e = env; *e; e++) {
		const char *eq = strchr(*e, '=');
		printf("export %.*s='", (int)(eq - *e), *e);
		for (const char *c = eq + 1; *c; c++) {
			if (*c == '\'')
				fputs("'\\''", stdout);
			else
				putchar(*c);
		}
		fputs("'\n", stdout);
	}
	run_env_free(env);
}

int cmd_status(int argc, char **argv)
{
	bool json = false, env = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "--env") == 0)
			env = true;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			cmd_status_usage(stdout);
			return CAN_EXIT_OK;
		} else
			return cli_usage_error("status", "unknown argument '%s'", argv[i]);
	}
	struct session_state st;
	bool have = load_state(&st);
	char cwd[PATH_MAX];
	const char *here = getcwd(cwd, sizeof(cwd));
	if (json && env) {
		if (have)
			state_free(&st);
		return cli_usage_error("status", "--json and --env are one or the other");
	}
	int rc;
	if (env) {
		/* The exit status is the prompt's; stdout only the exports. */
		FILE *null = fopen("/dev/null", "we");
		rc = status_render(have ? &st : NULL, here, false, null ? null : stderr);
		if (null)
			fclose(null);
		int port;
		const char *bundle;
		if (have && status_proxy_env(&st, here, &port, &bundle))
			print_env(port, bundle);
	} else {
		rc = status_render(have ? &st : NULL, here, json, stdout);
	}
	if (have)
		state_free(&st);
	return rc;
}

/* Sends one request to the session's control socket and prints the body
 * lines to out. Returns 0 for "ok", 1 for "err" (message printed), or -1
 * when the socket cannot be reached (message printed). */
static int request(const char *cmd, const char *line, FILE *out)
{
	const char *path = getenv("CANISTER_SESSION_SOCK");
	if (!getenv("CANISTER_SESSION") || !path || path[0] != '/') {
		can_warn("%s: not inside a can session (CANISTER_SESSION is not set)", cmd);
		return -1;
	}
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(a.sun_path)) {
		can_warn("%s: the control socket's path is too long", cmd);
		return -1;
	}
	memcpy(a.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = errno;
		if (e == EACCES || e == EPERM)
			can_warn("%s: the session's control socket is closed to processes inside a "
			         "layer: run it from a terminal outside the project (e.g. after `cd ~`)",
			         cmd);
		else
			can_warn("%s: connect to the session's control socket %s: %s: %s", cmd, path,
			         errno_name(e), strerror(e));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	size_t n = strlen(line);
	if (write(fd, line, n) != (ssize_t)n) {
		can_warn_errno("%s: send the request", cmd);
		close(fd);
		return -1;
	}
	FILE *in = fdopen(fd, "r");
	char *l = NULL;
	size_t cap = 0;
	int rc = -1;
	bool first = true;
	while (getline(&l, &cap, in) > 0) {
		if (first) {
			first = false;
			if (strcmp(l, "ok\n") == 0) {
				rc = 0;
			} else if (strncmp(l, "err ", 4) == 0) {
				l[strcspn(l, "\n")] = '\0';
				can_warn("%s: %s", cmd, l + 4);
				rc = 1;
			} else {
				can_warn("%s: the supervisor's answer is not understood", cmd);
				break;
			}
			continue;
		}
		fputs(l, out);
	}
	if (first)
		can_warn("%s: the supervisor closed the connection without an answer", cmd);
	free(l);
	fclose(in);
	return rc;
}

int cmd_allow(int argc, char **argv)
{
	bool forget = false;
	const char *dir = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--forget") == 0)
			forget = true;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			cmd_allow_usage(stdout);
			return CAN_EXIT_OK;
		} else if (argv[i][0] == '-' || dir)
			return cli_usage_error("allow", "unexpected argument '%s'", argv[i]);
		else
			dir = argv[i];
	}
	char real[PATH_MAX];
	if (dir) {
		if (!realpath(dir, real)) {
			can_warn_errno("allow: %s", dir);
			return CAN_EXIT_FAIL;
		}
	} else {
		/* The nearest declared layer of the working directory. */
		struct session_state st;
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof(cwd))) {
			can_warn_errno("allow: the working directory");
			return CAN_EXIT_FAIL;
		}
		long l = -1;
		if (load_state(&st)) {
			l = state_layer_of(&st, cwd);
			if (l >= 0)
				snprintf(real, sizeof(real), "%s", st.v[l].dir);
			state_free(&st);
		}
		if (l < 0)
			snprintf(real, sizeof(real), "%s", cwd);
	}
	char *line = xasprintf("canister 1 %s %s\n", forget ? "forget" : "allow", real);
	int rc = request("allow", line, stdout);
	free(line);
	if (rc == 0)
		printf("can: %s %s\n", forget ? "approval dropped for" : "approved", real);
	return rc == 0 ? CAN_EXIT_OK : CAN_EXIT_FAIL;
}

int cmd_layers(int argc, char **argv)
{
	if (want_help(argc, argv)) {
		cmd_layers_usage(stdout);
		return CAN_EXIT_OK;
	}
	if (argc > 1)
		return cli_usage_error("layers", "unexpected argument '%s'", argv[1]);
	if (request("layers", "canister 1 layers\n", stdout) != 0)
		return CAN_EXIT_FAIL;
	/* On stderr: stdout stays one tab-separated line per layer. */
	fputs("can: layers: network in a layer is egress = \"none\" (no session proxy yet): only "
	      "[network] allow_ips destinations\n", stderr);
	return CAN_EXIT_OK;
}
