/* can check: what this machine supports and what it means for `can run`.
 * The probes (probe.h) try each feature for real in forked children; the
 * report (check_report.h) turns their results into rows. */
#include "probe/check_report.h"
#include "cli/cli.h"
#include "probe/probe.h"
#include "util/util.h"

#include <getopt.h>
#include <stdio.h>

void cmd_check_usage(FILE *out)
{
	fputs("Usage: can check [--json]\n"
	      "\n"
	      "Report what this machine and this user support, and what it means for\n"
	      "'can run'. Every feature is tried for real in a child process: user and\n"
	      "other namespaces, overlayfs, seccomp and each user-notification feature,\n"
	      "Landlock, cgroup v2 delegation, ptrace rights, pidfds, openat2, and the\n"
	      "pasta and slirp4netns helpers. Each row is OK, degraded or unavailable,\n"
	      "with a remedy when it is not OK.\n"
	      "\n"
	      "Options:\n"
	      "  --json      print a JSON array of rows instead of a table\n"
	      "  -h, --help  show this help\n"
	      "\n"
	      "Exit status: 0 when everything 'can run' needs by default is available,\n"
	      "1 when something it needs is missing (the last line of the table says\n"
	      "what), 2 on a usage error. See docs/check.md.\n", out);
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool json = false;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			cmd_check_usage(stdout);
			return CAN_EXIT_OK;
		default:
			return cli_usage_error("check", "check: unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("check", "check: unexpected argument '%s'", argv[optind]);

	struct probe_results res;
	probe_all(&res);
	struct check_row rows[CHECK_MAX_ROWS];
	size_t n = check_report_rows(&res, rows, CHECK_MAX_ROWS);
	if (json)
		check_report_json(stdout, rows, n);
	else
		check_report_table(stdout, rows, n);
	if (fflush(stdout) != 0) {
		can_warn_errno("check: write the report");
		return CAN_EXIT_FAIL;
	}
	return check_report_exit(rows, n) ? CAN_EXIT_FAIL : CAN_EXIT_OK;
}
