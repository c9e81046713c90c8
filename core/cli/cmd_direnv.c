/* can direnv [--path | --install [--force]]: the `use canister` function
 * for direnv (hooks/use_canister.sh, compiled in). Prints it, says where
 * direnv finds it, or writes it there: atomically, never over someone
 * else's file without --force. The decisions are direnv_install.c's. */
#include "cli/cli.h"
#include "cli/direnv_install.h"
#include "cli/hook_text.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void cmd_direnv_usage(FILE *out)
{
	fputs("Usage: can direnv [--path | --install [--force]]\n"
	      "\n"
	      "Print direnv's 'use canister' function (use_canister.sh) on stdout, and\n"
	      "on stderr where direnv looks for it: $DIRENV_CONFIG/lib, else\n"
	      "${XDG_CONFIG_HOME:-~/.config}/direnv/lib. In a project's .envrc,\n"
	      "'use canister -r RECIPE ...' (or a sandbox NAME of canister.toml) then\n"
	      "declares the directory's layer to the session; 'can allow DIR' approves it.\n"
	      "\n"
	      "Options:\n"
	      "  --path       print only where the file goes\n"
	      "  --install    write the file there (atomically); an identical file is left\n"
	      "               alone, a different one is refused\n"
	      "  --force      with --install, replace a different file or a symbolic link\n"
	      "  -h, --help   show this help\n"
	      "\n"
	      "Exit status: 0, 1 when --install refused or failed, 2 on a usage error.\n"
	      "See docs/session.md.\n", out);
}

/* What lies at path (never following a link); content compared to text. */
static enum direnv_existing existing(const char *path, const char *text, size_t len)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? DIRENV_EX_NONE : DIRENV_EX_OTHER;
	if (S_ISLNK(st.st_mode))
		return DIRENV_EX_SYMLINK;
	if (!S_ISREG(st.st_mode))
		return DIRENV_EX_OTHER;
	if ((size_t)st.st_size != len)
		return DIRENV_EX_DIFFERENT;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0)
		return DIRENV_EX_OTHER;
	char *buf = xmalloc(len + 1);
	size_t n = 0;
	ssize_t r;
	while (n < len + 1 && ((r = read(fd, buf + n, len + 1 - n)) > 0 || (r < 0 && errno == EINTR)))
		if (r > 0)
			n += (size_t)r;
	close(fd);
	bool same = n == len && memcmp(buf, text, len) == 0;
	free(buf);
	return same ? DIRENV_EX_SAME : DIRENV_EX_DIFFERENT;
}

/* mkdir -p of path's parent folders, 0755 like direnv's own. */
static int make_parents(const char *path)
{
	char *p = xstrdup(path);
	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			can_warn_errno("direnv: creating %s", p);
			free(p);
			return -1;
		}
		*s = '/';
	}
	free(p);
	return 0;
}

static int install(const char *path, const struct hook_text *h, bool force)
{
	switch (direnv_install_decide(existing(path, h->text, h->len), force)) {
	case DIRENV_KEEP:
		fprintf(stderr, "can: direnv: %s is already installed\n", path);
		return CAN_EXIT_OK;
	case DIRENV_REFUSE_CHANGED:
		can_warn("direnv: %s: a different file is there: left alone (compare with "
			 "'can direnv', then --install --force to replace it)", path);
		return CAN_EXIT_FAIL;
	case DIRENV_REFUSE_NOT_FILE:
		can_warn("direnv: %s: exists and is not a regular file: left alone", path);
		return CAN_EXIT_FAIL;
	case DIRENV_WRITE:
		break;
	}
	if (make_parents(path) < 0)
		return CAN_EXIT_FAIL;
	if (write_file_atomic(path, h->text, h->len, 0644) < 0) {
		can_warn_errno("direnv: writing %s", path);
		return CAN_EXIT_FAIL;
	}
	fprintf(stderr, "can: direnv: wrote %s; 'use canister' works in .envrc files now\n", path);
	return CAN_EXIT_OK;
}

int cmd_direnv(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "path", no_argument, NULL, 'p' },
		{ "install", no_argument, NULL, 'i' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool want_path = false, want_install = false, force = false;
	int c;
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'p': want_path = true; break;
		case 'i': want_install = true; break;
		case 'f': force = true; break;
		case 'h':
			cmd_direnv_usage(stdout);
			return CAN_EXIT_OK;
		default:
			return cli_usage_error("direnv", "direnv: unknown option");
		}
	}
	if (optind < argc)
		return cli_usage_error("direnv", "direnv: unexpected argument '%s'", argv[optind]);
	if (want_path && want_install)
		return cli_usage_error("direnv", "direnv: --path and --install do not go together");
	if (force && !want_install)
		return cli_usage_error("direnv", "direnv: --force goes with --install");
	const struct hook_text *h = hook_text_find("use_canister.sh");
	if (!h) {
		can_warn("direnv: use_canister.sh is missing from this build");
		return CAN_EXIT_FAIL;
	}
	char *path = direnv_lib_path(getenv("DIRENV_CONFIG"), getenv("XDG_CONFIG_HOME"),
				     getenv("HOME"));
	if (!path && (want_path || want_install)) {
		can_warn("direnv: HOME is not an absolute path: cannot tell where direnv looks");
		return CAN_EXIT_FAIL;
	}
	int rc = CAN_EXIT_OK;
	if (want_path)
		printf("%s\n", path);
	else if (want_install)
		rc = install(path, h, force);
	else {
		if (fwrite(h->text, 1, h->len, stdout) != h->len || fflush(stdout) != 0) {
			can_warn_errno("direnv: writing use_canister.sh");
			rc = CAN_EXIT_FAIL;
		}
		fprintf(stderr, "can: direnv: save this as %s (or run 'can direnv --install')\n",
			path ? path : "~/.config/direnv/lib/use_canister.sh");
	}
	free(path);
	return rc;
}
