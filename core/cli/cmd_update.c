/* can update SOURCE: refreshes the user's recipes from a git source the
 * user names, and only then: nothing is ever fetched implicitly.
 *
 * git clones SOURCE (a local path or any URL git can reach) into a private
 * temporary folder; every recipe in it must be listed in its SHA256SUMS
 * with a matching digest, and must load as a recipe; the differences with
 * ${XDG_CONFIG_HOME:-~/.config}/canister/recipes are shown (diff -u); only
 * after a yes (or --yes) are the files written. Any refusal changes
 * nothing. The decisions are lang/manifest_update.c's (pure). */
#include "cli/cli.h"
#include "lang/manifest_update.h"
#include "lang/recipe_int.h"
#include "util/sha256.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

void cmd_update_usage(FILE *out)
{
	fputs("Usage: can update [--yes] [--ref REF] [--pin HEX] SOURCE\n"
	      "\n"
	      "Refresh your recipes (${XDG_CONFIG_HOME:-~/.config}/canister/recipes) from\n"
	      "SOURCE, a git repository given as a local path or any URL git can reach.\n"
	      "Every recipe in it (recipes/*.toml, or *.toml at its top) must be listed in\n"
	      "its SHA256SUMS with a matching digest and must load; the differences are\n"
	      "shown before anything changes. A refusal changes nothing. Nothing is ever\n"
	      "fetched unless you run this.\n"
	      "\n"
	      "Options:\n"
	      "      --ref REF   the branch or tag to take (default: the source's HEAD)\n"
	      "      --pin HEX   the SHA-256 of the source's SHA256SUMS, learnt from somewhere\n"
	      "                  you trust: a source whose SHA256SUMS differs is refused\n"
	      "  -y, --yes       apply without asking (after showing the differences)\n"
	      "  -h, --help      show this help\n"
	      "\n"
	      "Exit status: 0 applied (or nothing to do), 1 refused or not applied, 2 usage.\n"
	      "See docs/manifest.md.\n", out);
}

/* Runs argv (PATH lookup) with stdin from /dev/null; stdout into *out when
 * out is not NULL. Returns the exit status, or -1. */
static int spawn(char *const argv[], char **out)
{
	int pfd[2] = { -1, -1 };
	if (out && pipe2(pfd, O_CLOEXEC) < 0)
		return -1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		if (null >= 0)
			dup2(null, 0);
		if (out)
			dup2(pfd[1], 1);
		setenv("GIT_TERMINAL_PROMPT", "0", 1);
		execvp(argv[0], argv);
		fprintf(stderr, "can: update: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (out) {
		close(pfd[1]);
		size_t len = 0, cap = 256;
		char *buf = xmalloc(cap);
		ssize_t r;
		while ((r = read(pfd[0], buf + len, cap - len - 1)) > 0 || (r < 0 && errno == EINTR))
			if (r > 0 && (len += (size_t)r) + 1 == cap)
				buf = xrealloc(buf, cap *= 2);
		buf[len] = '\0';
		close(pfd[0]);
		*out = buf;
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *read_small(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > RECIPE_MAX_BYTES) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	char *buf = xmalloc((size_t)st.st_size + 1);
	size_t n = 0;
	ssize_t r;
	while (n < (size_t)st.st_size && ((r = read(fd, buf + n, (size_t)st.st_size - n)) > 0 ||
					  (r < 0 && errno == EINTR)))
		if (r > 0)
			n += (size_t)r;
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
}

struct files {
	struct update_file *v;
	size_t n;
};

static void files_add(struct files *f, const char *path, char *data, size_t len)
{
	f->v = xrealloc(f->v, (f->n + 1) * sizeof(*f->v));
	f->v[f->n++] = (struct update_file){ .path = xstrdup(path), .data = data, .len = len };
}

static void files_free(struct files *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free((char *)f->v[i].path);
		free((char *)f->v[i].data);
	}
	free(f->v);
	*f = (struct files){ 0 };
}

static bool has_file(const struct files *f, const char *path)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->v[i].path, path) == 0)
			return true;
	return false;
}

/* The *.toml regular files of dir (not following symlinks), named
 * prefix + file name. */
static void read_tomls(const char *dir, const char *prefix, struct files *f)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) && f->n < RECIPE_MAX_ENTRIES) {
		size_t l = strlen(e->d_name);
		if (l <= 5 || e->d_name[0] == '.' || strcmp(e->d_name + l - 5, ".toml"))
			continue;
		char *p = xasprintf("%s/%s", dir, e->d_name);
		size_t len;
		char *data = read_small(p, &len);
		if (data) {
			char *rel = xasprintf("%s%s", prefix, e->d_name);
			files_add(f, rel, data, len);
			free(rel);
		}
		free(p);
	}
	closedir(d);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static char *user_recipe_dir(void)
{
	const char *x = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (x && x[0] == '/')
		return xasprintf("%s/canister/recipes", x);
	if (home && home[0] == '/')
		return xasprintf("%s/.config/canister/recipes", home);
	return NULL;
}

static int mkdirs(const char *path)
{
	char *p = xstrdup(path);
	int rc = 0;
	for (char *s = p + 1; *s && !rc; s++)
		if (*s == '/') {
			*s = '\0';
			rc = mkdir(p, 0700) < 0 && errno != EEXIST ? -1 : 0;
			*s = '/';
		}
	if (!rc)
		rc = mkdir(p, 0700) < 0 && errno != EEXIST ? -1 : 0;
	free(p);
	return rc;
}

static int write_recipe(const char *dir, const char *name, const char *data, size_t len)
{
	char *path = xasprintf("%s/%s", dir, name);
	int rc = write_file_atomic(path, data, len, 0600);
	if (rc < 0)
		can_warn_errno("update: cannot write %s", path);
	free(path);
	return rc;
}

static int ask_apply(size_t n, const char *dir)
{
	printf("Apply %zu change%s to %s? [y/N]: ", n, n == 1 ? "" : "s", dir);
	fflush(stdout);
	char *line = NULL;
	size_t cap = 0;
	int yes = getline(&line, &cap, stdin) > 0 && (line[0] == 'y' || line[0] == 'Y');
	free(line);
	return yes;
}

static int update(const char *source, const char *ref, const char *pin, bool yes)
{
	char *dest = user_recipe_dir();
	if (!dest) {
		can_warn("update: no home directory (HOME) for the recipes folder");
		return CAN_EXIT_FAIL;
	}
	const char *tmpbase = getenv("TMPDIR") && getenv("TMPDIR")[0] == '/' ? getenv("TMPDIR")
									    : "/tmp";
	char *work = xasprintf("%s/can-update.XXXXXX", tmpbase);
	if (!mkdtemp(work)) {
		can_warn_errno("update: a temporary folder in %s", tmpbase);
		free(work);
		free(dest);
		return CAN_EXIT_FAIL;
	}
	char *clone = xasprintf("%s/src", work);
	int rc = CAN_EXIT_FAIL;
	struct files src = { 0 }, cur = { 0 };
	struct sums sums = { 0 };
	struct update_plan plan = { 0 };
	char *commit = NULL;
	char *clone_argv[12];
	size_t k = 0;
	clone_argv[k++] = "git";
	clone_argv[k++] = "clone";
	clone_argv[k++] = "--quiet";
	clone_argv[k++] = "--no-local"; /* a local path goes through git's transport too, */
	clone_argv[k++] = "--depth";    /* so --depth holds and nothing is hard-linked */
	clone_argv[k++] = "1";
	if (ref) {
		clone_argv[k++] = "--branch";
		clone_argv[k++] = (char *)ref;
	}
	clone_argv[k++] = "--";
	clone_argv[k++] = (char *)source;
	clone_argv[k++] = clone;
	clone_argv[k] = NULL;
	if (spawn(clone_argv, NULL) != 0) {
		can_warn("update: git could not clone %s; nothing changed", source);
		goto out;
	}
	char *const rev_argv[] = { "git", "-C", clone, "rev-parse", "HEAD", NULL };
	if (spawn(rev_argv, &commit) != 0 || !commit) {
		can_warn("update: no commit in %s; nothing changed", source);
		goto out;
	}
	commit[strcspn(commit, "\n")] = '\0';
	/* SHA256SUMS and the recipes. */
	char *sp = xasprintf("%s/" UPDATE_SUMS_FILE, clone);
	size_t slen;
	char *stext = read_small(sp, &slen);
	free(sp);
	char err[512];
	if (!stext) {
		can_warn("update: %s has no " UPDATE_SUMS_FILE " at its top (a regular file); "
			 "nothing changed", source);
		goto out;
	}
	if (pin) {
		char hex[65];
		sha256_hex(stext, slen, hex);
		if (strcasecmp(hex, pin) != 0) {
			can_warn("update: " UPDATE_SUMS_FILE " of %s is %s, not the pinned %s; refused, "
				 "nothing changed", source, hex, pin);
			free(stext);
			goto out;
		}
	}
	int pr = sums_parse(stext, slen, &sums, err, sizeof(err));
	free(stext);
	if (pr < 0) {
		can_warn("update: %s; nothing changed", err);
		goto out;
	}
	char *rdir = xasprintf("%s/recipes", clone);
	struct stat st;
	bool has_recipes_dir = lstat(rdir, &st) == 0 && S_ISDIR(st.st_mode);
	read_tomls(has_recipes_dir ? rdir : clone, has_recipes_dir ? "recipes/" : "", &src);
	free(rdir);
	/* Files SHA256SUMS names elsewhere in the source, read only inside it. */
	char croot[PATH_MAX];
	if (!realpath(clone, croot))
		goto out;
	for (size_t i = 0; i < sums.n; i++) {
		if (has_file(&src, sums.v[i].path))
			continue;
		char *p = xasprintf("%s/%s", clone, sums.v[i].path), real[PATH_MAX];
		size_t len, cl = strlen(croot);
		char *data = realpath(p, real) && strncmp(real, croot, cl) == 0 && real[cl] == '/'
				     ? read_small(real, &len) : NULL;
		if (data)
			files_add(&src, sums.v[i].path, data, len);
		free(p);
	}
	read_tomls(dest, "", &cur);
	update_plan_make(&sums, src.v, src.n, cur.v, cur.n, &plan);
	printf("can update: %s at %s, checked against " UPDATE_SUMS_FILE " (%zu entr%s)\n", source,
	       commit, sums.n, sums.n == 1 ? "y" : "ies");
	if (plan.nerrors) {
		for (size_t i = 0; i < plan.nerrors; i++)
			can_warn("update: %s", plan.errors[i]);
		can_warn("update: refused; nothing changed");
		goto out;
	}
	/* Each new or changed recipe must load, as -r would load it. */
	struct diags d = { 0 };
	size_t changes = 0;
	for (size_t i = 0; i < plan.n; i++) {
		const struct update_item *it = &plan.v[i];
		if (it->action == UPDATE_SAME)
			continue;
		changes++;
		char *name = xasprintf("%s:%s", source, it->src->path);
		struct policy p;
		if (recipe_load_buffer(name, it->src->data, it->src->len, &p, &d) == 0)
			policy_free(&p);
		free(name);
	}
	if (d.n) {
		diags_print(&d, stderr);
		diags_free(&d);
		can_warn("update: refused (the recipes above do not load); nothing changed");
		goto out;
	}
	for (size_t i = 0; i < plan.n; i++)
		printf("  %-8s %s\n", plan.v[i].action == UPDATE_NEW ? "new"
				      : plan.v[i].action == UPDATE_CHANGED ? "changed" : "same",
		       plan.v[i].name);
	if (!changes) {
		printf("Nothing to change in %s.\n", dest);
		rc = CAN_EXIT_OK;
		goto out;
	}
	for (size_t i = 0; i < plan.n; i++) {
		const struct update_item *it = &plan.v[i];
		if (it->action == UPDATE_SAME)
			continue;
		char *oldp = it->cur ? xasprintf("%s/%s", dest, it->name) : xstrdup("/dev/null");
		char *newp = xasprintf("%s/%s", clone, it->src->path);
		char *la = it->cur ? xasprintf("current/%s", it->name) : xstrdup("/dev/null");
		char *lb = xasprintf("new/%s", it->name);
		char *const diff_argv[] = { "diff", "-u", "--label", la, "--label", lb, oldp, newp,
					    NULL };
		spawn(diff_argv, NULL);
		free(oldp);
		free(newp);
		free(la);
		free(lb);
	}
	if (!yes && !isatty(STDIN_FILENO)) {
		printf("Not applied: run it on a terminal to be asked, or with --yes.\n");
		goto out;
	}
	if (!yes && !ask_apply(changes, dest)) {
		printf("Not applied; nothing changed.\n");
		goto out;
	}
	if (mkdirs(dest) < 0) {
		can_warn_errno("update: cannot make %s", dest);
		goto out;
	}
	size_t done = 0;
	for (size_t i = 0; i < plan.n; i++)
		if (plan.v[i].action != UPDATE_SAME &&
		    write_recipe(dest, plan.v[i].name, plan.v[i].src->data, plan.v[i].src->len) == 0)
			done++;
	printf("Updated %zu recipe%s in %s.\n", done, done == 1 ? "" : "s", dest);
	rc = done == changes ? CAN_EXIT_OK : CAN_EXIT_FAIL;
out:
	update_plan_free(&plan);
	sums_free(&sums);
	files_free(&src);
	files_free(&cur);
	free(commit);
	nftw(work, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(clone);
	free(work);
	free(dest);
	return rc;
}

int cmd_update(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "yes", no_argument, NULL, 'y' },
		{ "ref", required_argument, NULL, 'R' },
		{ "pin", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool yes = false;
	const char *ref = NULL, *pin = NULL;
	optind = 0;
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, ":yh", longs, NULL)) != -1) {
		switch (c) {
		case 'y': yes = true; break;
		case 'R': ref = optarg; break;
		case 'P': pin = optarg; break;
		case 'h': cmd_update_usage(stdout); return CAN_EXIT_OK;
		case ':': return cli_usage_error("update", "option '%s' needs a value", argv[optind - 1]);
		default: return cli_usage_error("update", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("update", "%s", optind == argc ? "name the source: can update "
				       "SOURCE (nothing is fetched implicitly)" : "one source at a time");
	if (argv[optind][0] == '-')
		return cli_usage_error("update", "'%s' is not a source", argv[optind]);
	if (ref && ref[0] == '-')
		return cli_usage_error("update", "--ref '%s' is not a branch or tag", ref);
	if (pin && (strlen(pin) != 64 || strspn(pin, "0123456789abcdefABCDEF") != 64))
		return cli_usage_error("update", "--pin: expected 64 hex digits (sha256sum SHA256SUMS)");
	return update(argv[optind], ref, pin, yes);
}
