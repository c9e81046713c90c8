/* can run: parses the command line, loads the effective policy and hands
 * over to run_sandbox (run.c). */
#include "cli/cli.h"
#include "sandbox/run.h"
#include "sandbox/run_glue.h"
#include "sandbox/run_notify.h"
#include "util/util.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
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
	      "  -r, --recipe NAME        add a recipe (name or path; repeatable, merged in order)\n"
	      "  -m, --monitor            refuse nothing: record what would have been refused\n"
	      "                           (system calls, execs, connects, paths looked up that\n"
	      "                           the view lacks) and print a report and a recipe\n"
	      "                           patch at exit\n"
	      "  -s, --strict             every degradation is fatal; system calls the filter\n"
	      "                           refuses kill the process\n"
	      "      --allow-degraded[=WALLS]\n"
	      "                           go on without these walls when they cannot be built,\n"
	      "                           with a warning: landlock, landlock-net, landlock-scope,\n"
	      "                           seccomp, cgroups, notifier (comma list; no value = all)\n"
	      "      --new-session        detach the command from the terminal (setsid)\n"
	      "  -p, --port SPEC          (not supported yet)\n"
	      "      --events FILE        append one JSON line per refusal (and per would-be\n"
	      "                           refusal under --monitor) to FILE (created 0600)\n"
	      "  -h, --help               show this help\n"
	      "\n"
	      "Exit status: the command's (128+N when killed by signal N); 126 when a wall\n"
	      "could not be built; 127 when CMD is not found inside the sandbox; 2 for a bad\n"
	      "command line or recipe. See docs/run.md and 'can check'.\n", out);
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
	rc = run_glue_policy(o.recipes, o.nrecipes, o.cmd[0], &p);
	if (rc) {
		run_opts_free(&o);
		return rc;
	}
	if (o.monitor && p.strict.set && p.strict.v) {
		rc = cli_usage_error("run", "--monitor: a recipe sets strict = true (%s:%d), and "
				     "monitor mode refuses nothing; drop one of them",
				     p.strict.at.file ? p.strict.at.file : "?", p.strict.at.line);
		policy_free(&p);
		run_opts_free(&o);
		return rc;
	}
	struct run_config cfg = { .policy = &p, .opts = &o, .cwd = cwd };
	/* The notification engine (docs/adr/0070): only when something needs it. */
	struct run_notify *rn = NULL;
	int nrs[24];
	if (run_notify_wanted(&p, &o)) {
		rn = run_notify_new(&p, &o, &rc);
		if (!rn) {
			policy_free(&p);
			run_opts_free(&o);
			return rc;
		}
		cfg.notify_nrs = nrs;
		cfg.n_notify = run_notify_trapped(&p, &o, nrs, ARRAY_LEN(nrs));
		cfg.on_listener_rc = run_notify_on_listener;
		cfg.listener_ctx = rn;
		cfg.monitor_via_notify = o.monitor;
	}
	/* allow_execve is backed by Landlock's execute right (race-free); under
	 * --monitor execs outside it must run to be recorded. */
	cfg.landlock_exec_only_allowed = p.proc.allow_execve.n > 0 && !o.monitor;
	rc = run_sandbox(&cfg);
	run_notify_finish(rn, stderr, recipe_out);
	policy_free(&p);
	run_opts_free(&o);
	return rc;
}
