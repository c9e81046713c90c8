/* `can run`: one command in a fresh sandbox (DESIGN section 5).
 * run_opts_* and run_env_build are pure (unit-tested); run_sandbox does the
 * work: namespaces, mounts, Landlock, capabilities, seccomp, and supervision
 * from the host side. */
#ifndef CAN_RUN_H
#define CAN_RUN_H

#include "lang/policy.h"
#include "sandbox/ports_spec.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct mount_fake; /* sandbox/mount_plan.h */

/* Walls that --allow-degraded may name. */
enum run_wall {
	WALL_LANDLOCK = 1u << 0,       /* no Landlock at all */
	WALL_LANDLOCK_NET = 1u << 1,   /* Landlock without TCP rules (ABI < 4) */
	WALL_LANDLOCK_SCOPE = 1u << 2, /* Landlock without signal/abstract-socket scoping (ABI < 6) */
	WALL_SECCOMP = 1u << 3,        /* no seccomp filter */
	WALL_CGROUPS = 1u << 4,        /* no cgroup v2 limits ([resources], max_pids) */
	WALL_NOTIFIER = 1u << 5,       /* no seccomp notification engine (docs/adr/0070) */
	WALL_ALL = (1u << 6) - 1,
	/* No user namespace, hence no namespaces at all: the no-namespace mode
	 * (docs/adr/0240). Not part of "all": it changes what the sandbox is,
	 * so it must be named. */
	WALL_USERNS = 1u << 6,
};

/* "landlock" for WALL_LANDLOCK, ...; NULL for an unknown bit. */
const char *run_wall_name(unsigned wall);
/* Parses "landlock,cgroups" into *mask. Returns 0, or -1 naming the
 * unknown word in err. */
int run_walls_parse(const char *list, unsigned *mask, char *err, size_t errlen);

struct run_opts {
	const char **recipes; /* -r, in order (pointers into argv) */
	size_t nrecipes;
	bool monitor, strict, new_session;
	bool verbose;         /* -v: recipes, mounts and walls to stderr */
	unsigned degrade;     /* walls that may be skipped */
	/* Set by the caller, not the parser: user namespaces were found not to
	 * work and WALL_USERNS may be skipped, so run_sandbox runs the command
	 * without namespaces (core/sandbox/run_degraded.c). */
	bool no_namespaces;
	const char *tmpdir;   /* with no_namespaces: the private TMPDIR (made by the caller) */
	const char *userns_why; /* with no_namespaces: why user namespaces fail, for the warning */
	const char *events;   /* --events FILE, or NULL */
	struct port_spec *ports; /* -p, in order (ports_spec.h); --publish-any checked */
	size_t nports;
	bool publish_any;     /* --publish-any: -p may name a non-loopback host address */
	char **cmd;           /* the command and its arguments (into argv) */
};

/* Parses `can run` arguments (argv[0] = "run"). Returns 0, 1 for --help,
 * or CAN_EXIT_USAGE with a message in err. Free with run_opts_free. */
int run_opts_parse(int argc, char **argv, struct run_opts *o, char *err, size_t errlen);
void run_opts_free(struct run_opts *o);

/* The sandbox's environment: defaults (PATH, HOME, TERM, LANG, USER,
 * LOGNAME), then the host variables named by env_passthrough (NAME, or a
 * prefix ending in '*'), then [process] env. Nothing else from host_env.
 * Returns a NULL-terminated array the caller frees with run_env_free. */
char **run_env_build(const struct policy *p, char *const *host_env);
void run_env_free(char **env);
/* Adds the proxy variables (HTTP_PROXY, HTTPS_PROXY, their lower-case
 * twins, npm/yarn/pip/cargo equivalents = http://127.0.0.1:port; NO_PROXY
 * for loopback; NODE_USE_ENV_PROXY=1) over env; returns the array. */
char **run_env_add_proxy(char **env, int port);
/* Adds the CA bundle variables (SSL_CERT_FILE, NODE_EXTRA_CA_CERTS,
 * REQUESTS_CA_BUNDLE, PIP_CERT, CURL_CA_BUNDLE, GIT_SSL_CAINFO,
 * CARGO_HTTP_CAINFO, DENO_CERT, npm_config_cafile) = bundle, the path
 * inside the sandbox, over env; returns the array. */
char **run_env_add_ca(char **env, const char *bundle);
/* Sets NAME=value in env (replacing NAME's entry); returns the array. */
char **run_env_set(char **env, const char *name, const char *value);

/* The port the egress proxy listens on inside every sandbox (127.0.0.1;
 * proxy/proxy.h's PROXY_PORT, checked equal where both are seen). */
#define RUN_PROXY_PORT 3128

/* The exit code for a wait status: the code, or 128+N for signal N. */
int run_exit_code(int wstatus);

/* Seccomp listener handover (docs/adr/0051): when the filter has
 * notification syscalls, the command sends its listener fd to the host-side
 * `can` before execve, and this handler gets it there (the handler owns the
 * fd). host_pid = the command's pid as the host sees it. The command waits
 * for the handler to return before it execs. */
typedef void (*run_listener_handler)(int listener_fd, pid_t host_pid, void *ctx);

/* The sockets init makes inside the sandbox's network namespace for the
 * proxy (each taken over by on_proxy_socket's handler). */
struct run_proxy_fds {
	int listen;  /* TCP 127.0.0.1:RUN_PROXY_PORT, the forward proxy */
	int dns;     /* UDP 127.0.0.1:53, the DNS stub */
	int tls;     /* TCP RUN_STUB_ADDR:443, transparent TLS (routed by SNI) */
	int http;    /* TCP RUN_STUB_ADDR:80, transparent HTTP (routed by Host) */
};

struct run_config {
	const struct policy *policy;
	const struct run_opts *opts;
	const char *cwd;
	/* Syscalls that need the notification supervisor (none by default). */
	const int *notify_nrs;
	size_t n_notify;
	run_listener_handler on_listener;
	void *listener_ctx;
	/* Monitor mode: ask the filter to notify (not log) would-be refusals,
	 * so the handler's supervisor can record them. Only with on_listener. */
	bool monitor_via_notify;
	/* Like on_listener (and used instead of it when set), but may refuse:
	 * a nonzero return means no supervisor took the listener, and the
	 * command exits 126 instead of running unsupervised (fail closed). */
	int (*on_listener_rc)(int listener_fd, pid_t host_pid, void *ctx);
	/* Restrict Landlock's execute right to [process] allow_execve (and the
	 * dynamic loaders), instead of everything readable (docs/adr/0071). */
	bool landlock_exec_only_allowed;
	/* The egress proxy's socket factory (egress = "proxy-only"): init
	 * makes a listening TCP socket on 127.0.0.1:RUN_PROXY_PORT inside the
	 * sandbox's network namespace and passes it out (SCM_RIGHTS, from
	 * init, which no filter restricts) before the command may run; this
	 * handler takes it over on the host side. Nonzero = no proxy: the
	 * sandbox is killed (126). Landlock then allows TCP connect to that
	 * port, and the proxy variables are set in the environment. With it
	 * come the DNS stub's sockets (ADR 0109, 0110): UDP 127.0.0.1:53 and
	 * TCP RUN_STUB_ADDR:443 and :80, the resolv.conf/hosts overlay, and
	 * Landlock's connect rule for 80 and 443. */
	int (*on_proxy_socket)(const struct run_proxy_fds *fds, void *ctx);
	void *proxy_ctx;
	/* The proxy's CA bundle (a host file: the system roots and the run's
	 * CA certificate), bound read-only over the system trust store inside
	 * and named by the CA variables (run_env_add_ca); NULL = none. */
	const char *ca_bundle;
	/* Fake credential files bound where the real ones are hidden (the
	 * DLP canaries, mount_plan_in.fakes); none when nfakes is 0. */
	const struct mount_fake *fakes;
	size_t nfakes;
};

/* Process-wide defaults for run_config.on_listener/listener_ctx and
 * notify_nrs/n_notify, used when a config leaves them NULL: the
 * notification engine registers itself here (e.g. from cmd_run) without
 * run.c depending on it. The arrays must outlive the run. */
void run_set_listener_handler(run_listener_handler fn, void *ctx);
void run_set_notify_syscalls(const int *nrs, size_t n);

/* Runs the command; returns can's exit status (the command's, or 126/127). */
int run_sandbox(const struct run_config *cfg);

#endif
