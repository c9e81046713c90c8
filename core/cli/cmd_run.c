/* can run: parses the command line, loads the effective policy and hands
 * over to run_sandbox (run.c). */
#include "cli/cli.h"
#include "probe/probe.h"
#include "sandbox/mount_plan.h"
#include "sandbox/resolv_overlay.h"
#include "sandbox/run.h"
#include "sandbox/run_degraded.h"
#include "sandbox/run_glue.h"
#include "sandbox/run_notify.h"
#include "proxy/ca.h"
#include "proxy/proxy.h"
#include "proxy/scan.h"
#include "util/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void cmd_run_usage(FILE *out)
{
	fputs("Usage: can run [OPTIONS] -- CMD [ARGS...]\n"
	      "\n"
	      "Run CMD in a fresh sandbox: new user, mount, PID, IPC, UTS, cgroup and network\n"
	      "namespaces; a tmpfs root showing only what the recipes allow (the working\n"
	      "directory writable); Landlock; no capabilities; a seccomp filter.\n"
	      "If a wall cannot be built, nothing runs and can exits 126.\n"
	      "\n"
	      "Options:\n"
	      "  -r, --recipe NAME        add a recipe (repeatable, merged in order): a name,\n"
	      "                           tool:NAME, or a file (a path with a '/' or a name\n"
	      "                           ending in .toml, e.g. -r my-analysis.toml)\n"
	      "  -v, --verbose            print to stderr the recipes loaded (and which were\n"
	      "                           auto-detected, and why), the mounts and the walls\n"
	      "  -m, --monitor            refuse nothing: record what would have been refused\n"
	      "                           (system calls, execs, connects, paths looked up that\n"
	      "                           the view lacks) and print a report and a recipe\n"
	      "                           patch at exit\n"
	      "  -s, --strict             every degradation is fatal; system calls the filter\n"
	      "                           refuses kill the process; DLP's generic detector\n"
	      "                           refuses instead of warning\n"
	      "      --allow-degraded[=WALLS]\n"
	      "                           go on without these walls when they cannot be built,\n"
	      "                           with a warning: landlock, landlock-net, landlock-scope,\n"
	      "                           seccomp, cgroups, notifier (comma list; no value = all);\n"
	      "                           userns (never part of all): where user namespaces do\n"
	      "                           not work, run with Landlock, seccomp and the supervisor\n"
	      "                           only, no namespaces, after listing what is lost\n"
	      "      --new-session        detach the command from the terminal (setsid)\n"
	      "  -p, --port [IP:]HOSTPORT:SANDBOXPORT[/tcp]\n"
	      "                           publish a server in the sandbox on the host (IP:\n"
	      "                           127.0.0.1 by default, [::1] for IPv6; repeatable;\n"
	      "                           a host port in use is 126 before anything runs;\n"
	      "                           inside, TCP may bind any port: only these reach out)\n"
	      "      --publish-any        let -p name a non-loopback host address (0.0.0.0)\n"
	      "      --events FILE        append one JSON line per refusal (and per would-be\n"
	      "                           refusal under --monitor) to FILE (created 0600)\n"
	      "  -h, --help               show this help\n"
	      "\n"
	      "Exit status: the command's (128+N when killed by signal N); 126 when a wall\n"
	      "could not be built; 127 when CMD is not found inside the sandbox; 2 for a bad\n"
	      "command line or recipe. See docs/run.md and 'can check'.\n", out);
}

_Static_assert(PROXY_PORT == RUN_PROXY_PORT, "proxy/proxy.h and sandbox/run.h disagree");

/* The socket factory's handler (run.h): the proxy serves the listener
 * init made inside the sandbox. */
struct run_proxy {
	const struct policy *p;
	FILE *events;
	bool monitor;             /* -m: the proxy observes [[host]] refusals (ADR 0204) */
	struct proxy *px;
	struct tls_ca *ca;        /* the run's CA: its key stays in this process */
	char bundle[512];         /* the CA bundle file bound inside */
};

_Static_assert(PROXY_STUB_ADDR_HL == RUN_STUB_ADDR_HL, "proxy/proxy.h and resolv_overlay.h disagree");

static int start_proxy(const struct run_proxy_fds *fds, void *ctx)
{
	struct run_proxy *rp = ctx;
	char err[300];
	/* with the DNS stub and the transparent listeners (ADR 0109, 0110) */
	struct proxy_config pc = { .policy = rp->p, .listen_fd = fds->listen, .log = stderr,
				   .events = rp->events, .tls = rp->ca,
				   .monitor = rp->monitor, .stub = true, .dns_fd = fds->dns,
				   .tls_fd = fds->tls, .http_fd = fds->http,
				   .stub_addr = htonl(PROXY_STUB_ADDR_HL) };
	rp->px = proxy_start(&pc, err, sizeof(err));
	if (!rp->px) {
		can_warn("network: the egress proxy: %s; nothing runs without it", err);
		return -1;
	}
	return 0;
}

static bool egress_proxy(const struct policy *p)
{
	return p->net.egress.set && p->net.egress.v && strcmp(p->net.egress.v, "proxy-only") == 0;
}

int cmd_run(int argc, char **argv) { return cmd_run_to(argc, argv, NULL); }

int cmd_run_to(int argc, char **argv, FILE *recipe_out)
{
	struct run_opts o;
	char err[512];
	int rc = run_opts_parse(argc, argv, &o, err, sizeof(err));
	if (rc == 1) {
		cmd_run_usage(stdout);
		run_opts_free(&o);
		return CAN_EXIT_OK;
	}
	if (rc) {
		run_opts_free(&o);
		return cli_usage_error("run", "%s", err);
	}
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd))) {
		can_warn_errno("run: the working directory");
		run_opts_free(&o);
		return CAN_EXIT_WALL;
	}
	struct policy p;
	rc = run_glue_policy(o.recipes, o.nrecipes, o.cmd[0], o.verbose, &p);
	if (rc) {
		run_opts_free(&o);
		return rc;
	}
	rc = cli_run_policy(&o, &p, cwd, recipe_out);
	policy_free(&p);
	run_opts_free(&o);
	return rc;
}

static int run_policy(const struct run_opts *o, struct policy *p, const char *cwd,
		      FILE *recipe_out);

/* --allow-degraded=userns (docs/adr/0240): only when user namespaces do
 * not work here is the run made without namespaces; where they work, the
 * flag changes nothing. */
int cli_run_policy(const struct run_opts *o, struct policy *p, const char *cwd, FILE *recipe_out)
{
	if (!(o->degrade & WALL_USERNS) || o->strict)
		return run_policy(o, p, cwd, recipe_out);
	struct probe_res why;
	if (probe_userns(&why))
		return run_policy(o, p, cwd, recipe_out);
	if (o->monitor)
		return cli_usage_error("run", "--monitor needs the mount namespace, which does not "
				       "work here; drop --monitor, or run 'can setup'");
	char reason[160], err[512];
	if (why.err)
		snprintf(reason, sizeof(reason), "%s: %s: %s", why.step[0] ? why.step : "unshare",
			 errno_name(why.err), strerror(why.err));
	else
		snprintf(reason, sizeof(reason), "%s", why.step[0] ? why.step : "the probe failed");
	char *tmpdir = degraded_tmpdir_make(err, sizeof(err));
	if (!tmpdir) {
		can_warn("filesystem: %s" " (see 'can check')", err);
		return CAN_EXIT_WALL;
	}
	struct run_opts ov = *o;
	ov.no_namespaces = true;
	ov.tmpdir = tmpdir;
	ov.userns_why = reason;
	int rc = run_policy(&ov, p, cwd, recipe_out);
	degraded_tmpdir_remove(tmpdir);
	free(tmpdir);
	return rc;
}

/* Files of the working directory that make the user's own tools run code
 * later (ADR 0080). Those that exist are read-only inside; one that is
 * missing can still be created there (a new .git is the sandboxed code's:
 * its hooks and core.fsmonitor run at the next git, a git-aware prompt
 * included), so a run that created one says so. */
static const char *const later_names[] = { ".git", ".envrc", "canister.toml", ".canister" };

static unsigned later_present(const char *cwd)
{
	unsigned m = 0;
	for (size_t i = 0; i < ARRAY_LEN(later_names); i++) {
		char *path = xasprintf("%s/%s", cwd, later_names[i]);
		struct stat st;
		if (lstat(path, &st) == 0)
			m |= 1u << i;
		free(path);
	}
	return m;
}

static void later_report(const char *cwd, unsigned before)
{
	unsigned made = later_present(cwd) & ~before;
	for (size_t i = 0; i < ARRAY_LEN(later_names); i++)
		if (made & (1u << i))
			can_warn("the command created %s/%s: what is in it came from the sandbox, and "
				 "your own tools (git, a git-aware prompt, direnv, can up) would trust it; "
				 "review it before running them here",
				 cwd, later_names[i]);
}

static int run_policy(const struct run_opts *o, struct policy *p, const char *cwd, FILE *recipe_out)
{
	int rc;
	if (o->monitor && p->strict.set && p->strict.v) {
		rc = cli_usage_error("run", "--monitor: a recipe sets strict = true (%s:%d), and "
				     "monitor mode refuses nothing; drop one of them",
				     p->strict.at.file ? p->strict.at.file : "?", p->strict.at.line);
		return rc;
	}
	struct run_config cfg = { .policy = p, .opts = o, .cwd = cwd };
	/* The notification engine (docs/adr/0070): only when something needs it. */
	struct run_notify *rn = NULL;
	int nrs[64];
	if (run_notify_wanted(p, o)) {
		rn = run_notify_new(p, o, &rc);
		if (!rn)
			return rc;
		cfg.notify_nrs = nrs;
		cfg.n_notify = run_notify_trapped(p, o, nrs, ARRAY_LEN(nrs));
		cfg.on_listener_rc = run_notify_on_listener;
		cfg.listener_ctx = rn;
		cfg.monitor_via_notify = o->monitor;
	}
	/* allow_execve is backed by Landlock's execute right (race-free); under
	 * --monitor execs outside it must run to be recorded. */
	cfg.landlock_exec_only_allowed = p->proc.allow_execve.n > 0 && !o->monitor;
	struct run_proxy rp = { .p = p, .monitor = o->monitor };
	struct mount_fake fakes[PROXY_FAKES];
	if (egress_proxy(p)) {
		if (o->events && !(rp.events = fopen(o->events, "ae"))) {
			can_warn_errno("run: --events %s", o->events);
			run_notify_finish(rn, NULL, NULL);
			return CAN_EXIT_USAGE;
		}
		/* The DLP scanner reads the secrets it must keep in before the
		 * sandbox exists (docs/dlp.md). */
		char err[600];
		if (proxy_scan_setup(p, environ, getenv("HOME"), err, sizeof(err))) {
			can_warn("network: the DLP scanner: %s; nothing runs without it", err);
			if (rp.events)
				fclose(rp.events);
			run_notify_finish(rn, NULL, NULL);
			return CAN_EXIT_WALL;
		}
		/* Fake credential files where the real ones are hidden (ADR
		 * 0148), with canary_tokens. */
		const struct proxy_fake *pf;
		int nf = proxy_scan_fake_files(getenv("HOME"), &pf, err, sizeof(err));
		if (nf < 0) {
			can_warn("network: the DLP canary files: %s; nothing runs without them", err);
			proxy_scan_teardown();
			if (rp.events)
				fclose(rp.events);
			run_notify_finish(rn, NULL, NULL);
			return CAN_EXIT_WALL;
		}
		for (int i = 0; i < nf && i < PROXY_FAKES; i++) {
			struct stat st;
			fakes[i] = (struct mount_fake){ pf[i].src, pf[i].dst, lstat(pf[i].dst, &st) == 0 };
		}
		cfg.fakes = fakes;
		cfg.nfakes = nf > 0 ? (size_t)nf : 0;
		/* TLS termination (ADR 0103): the CA is made before the sandbox,
		 * which needs its certificate in the bundle it is shown. */
		rp.ca = tls_ca_new(TLS_SYSTEM_BUNDLE, err, sizeof(err));
		if (!rp.ca || tls_ca_write_bundle(rp.ca, TLS_SYSTEM_BUNDLE, rp.bundle,
						  sizeof(rp.bundle), err, sizeof(err)) < 0) {
			can_warn("network: the egress proxy's CA: %s; nothing runs without it", err);
			tls_ca_free(rp.ca);
			proxy_scan_teardown();
			if (rp.events)
				fclose(rp.events);
			run_notify_finish(rn, NULL, NULL);
			return CAN_EXIT_WALL;
		}
		cfg.ca_bundle = rp.bundle;
		cfg.on_proxy_socket = start_proxy;
		cfg.proxy_ctx = &rp;
	}
	unsigned later = later_present(cwd);
	rc = run_sandbox(&cfg);
	later_report(cwd, later);
	char *hosts = NULL; /* monitor: the [[host]] blocks the proxy observed */
	proxy_stop_monitor(rp.px, stderr, &hosts);
	tls_ca_remove_bundle(rp.bundle);
	tls_ca_free(rp.ca);
	proxy_scan_teardown();
	if (rp.events)
		fclose(rp.events);
	run_notify_finish(rn, stderr, recipe_out);
	if (hosts && recipe_out)
		/* after the engine's recipe: [[host]] tables may follow any table
		 * (stderr has them already, in the proxy's report) */
		fprintf(recipe_out, "\n# what the proxy let through in monitor mode (docs/run.md, ADR 0204)\n%s",
			hosts);
	free(hosts);
	return rc;
}
