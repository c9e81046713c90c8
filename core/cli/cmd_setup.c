/* can setup: install the AppArmor profile that lets this can create user
 * namespaces on machines that restrict them (Ubuntu 24.04). Shows the
 * profile first; writes nothing without a yes; root only in practice
 * (/etc/apparmor.d is root's). The profile text is sandbox/apparmor_profile.c. */
#include "cli/cli.h"
#include "sandbox/apparmor_profile.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define RESTRICT_SYSCTL "/proc/sys/kernel/apparmor_restrict_unprivileged_userns"

void cmd_setup_usage(FILE *out)
{
	fputs("Usage: can setup [--print] [--yes] [--force] [--dir DIR] [--no-load]\n"
	      "\n"
	      "Install an AppArmor profile that allows this can binary to create user\n"
	      "namespaces, which kernel.apparmor_restrict_unprivileged_userns=1 (Ubuntu\n"
	      "24.04) denies to programs without one. The profile confines nothing else\n"
	      "(flags=(unconfined)); it is printed before anything is written. Needs\n"
	      "root. Run it once per installed can, after 'make install' or the package.\n"
	      "\n"
	      "Options:\n"
	      "  --print      print the profile and exit; change nothing\n"
	      "  -y, --yes    do not ask before writing and loading it\n"
	      "  --force      install it even where user namespaces are not restricted\n"
	      "  --dir DIR    write into DIR instead of /etc/apparmor.d\n"
	      "  --no-load    write the file only; do not run apparmor_parser -r\n"
	      "  -h, --help   show this help\n"
	      "\n"
	      "Exit status: 0 when the profile is installed (or not needed), 1 when\n"
	      "writing or loading it failed, 2 on a usage error. See docs/check.md.\n", out);
}

/* -1 when the sysctl is absent (no restriction to lift), else its value. */
static int restrict_value(void)
{
	FILE *f = fopen(RESTRICT_SYSCTL, "r");
	if (!f)
		return -1;
	int v = -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static bool ask_yes(void)
{
	fputs("Write and load it? [y/N] ", stdout);
	fflush(stdout);
	char line[16];
	if (!fgets(line, sizeof(line), stdin))
		return false;
	return line[0] == 'y' || line[0] == 'Y';
}

/* Same content already there: nothing to do. */
static bool same_content(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	char *buf = xmalloc(len + 2);
	size_t got = fread(buf, 1, len + 1, f);
	fclose(f);
	bool same = got == len && memcmp(buf, text, len) == 0;
	free(buf);
	return same;
}

static int load_profile(const char *path)
{
	const char *const parsers[] = { "/usr/sbin/apparmor_parser", "/sbin/apparmor_parser" };
	const char *parser = NULL;
	for (size_t i = 0; i < ARRAY_LEN(parsers) && !parser; i++)
		if (access(parsers[i], X_OK) == 0)
			parser = parsers[i];
	if (!parser) {
		can_warn("setup: apparmor_parser not found (apt-get install apparmor); %s is written "
			 "but not loaded", path);
		return -1;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		can_warn_errno("setup: fork");
		return -1;
	}
	if (pid == 0) {
		execl(parser, parser, "-r", path, (char *)NULL);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		can_warn("setup: %s -r %s failed (see its message above); the file is written but "
			 "not loaded", parser, path);
		return -1;
	}
	return 0;
}

int cmd_setup(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "print", no_argument, NULL, 'P' },  { "yes", no_argument, NULL, 'y' },
		{ "force", no_argument, NULL, 'f' },  { "dir", required_argument, NULL, 'd' },
		{ "no-load", no_argument, NULL, 'n' }, { "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool print = false, yes = false, force = false, load = true;
	const char *dir = "/etc/apparmor.d";
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+yh", opts, NULL)) != -1) {
		switch (c) {
		case 'P': print = true; break;
		case 'y': yes = true; break;
		case 'f': force = true; break;
		case 'd': dir = optarg; break;
		case 'n': load = false; break;
		case 'h': cmd_setup_usage(stdout); return CAN_EXIT_OK;
		default:
			return cli_usage_error("setup", "setup: unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("setup", "setup: unexpected argument '%s'", argv[optind]);

	char exe[PATH_MAX];
	if (!realpath("/proc/self/exe", exe)) {
		can_warn_errno("setup: resolve /proc/self/exe");
		return CAN_EXIT_FAIL;
	}
	char text[2048], name[PATH_MAX];
	int len = apparmor_profile_text(exe, text, sizeof(text));
	if (len < 0 || apparmor_profile_name(exe, name, sizeof(name)) < 0) {
		can_warn("setup: the path of this can (%s) cannot be named in an AppArmor profile "
			 "(blanks or pattern characters): install can under a plain path", exe);
		return CAN_EXIT_FAIL;
	}
	if (print) {
		fputs(text, stdout);
		return CAN_EXIT_OK;
	}
	int v = restrict_value();
	if (v <= 0 && !force) {
		printf("can setup: not needed here: %s; user namespaces are not restricted by AppArmor "
		       "(--force installs the profile anyway)\n",
		       v < 0 ? "kernel.apparmor_restrict_unprivileged_userns does not exist"
			     : "kernel.apparmor_restrict_unprivileged_userns=0");
		return CAN_EXIT_OK;
	}
	char *path = xasprintf("%s/%s", dir, name);
	printf("can setup: this profile for %s goes to %s%s:\n\n%s\n", exe, path,
	       load ? ", loaded with apparmor_parser -r" : "", text);
	int rc = CAN_EXIT_OK;
	if (same_content(path, text, (size_t)len)) {
		printf("can setup: %s already holds this profile\n", path);
		if (load && load_profile(path) < 0)
			rc = CAN_EXIT_FAIL;
		free(path);
		return rc;
	}
	if (access(dir, W_OK) != 0) {
		if (errno == ENOENT)
			can_warn("setup: %s does not exist (is AppArmor installed? apt-get install apparmor)",
				 dir);
		else
			can_warn("setup: cannot write %s (%s): it needs root; run 'sudo %s setup'", dir,
				 errno_name(errno), exe);
		free(path);
		return CAN_EXIT_FAIL;
	}
	if (!yes) {
		if (!isatty(STDIN_FILENO)) {
			free(path);
			return cli_usage_error("setup", "setup: standard input is not a terminal: "
							"answer with --yes to write the profile");
		}
		if (!ask_yes()) {
			puts("can setup: nothing written");
			free(path);
			return CAN_EXIT_OK;
		}
	}
	if (write_file_atomic(path, text, (size_t)len, 0644) < 0) {
		can_warn_errno("setup: write %s", path);
		rc = CAN_EXIT_FAIL;
	}
	else if (load && load_profile(path) < 0)
		rc = CAN_EXIT_FAIL;
	else
		printf("can setup: wrote %s%s\n", path, load ? " and loaded it" : "");
	free(path);
	return rc;
}
