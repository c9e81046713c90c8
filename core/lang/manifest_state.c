/* The sandbox chosen last time in a project: `can up` with no name runs it
 * again. One small file per project under
 * ${XDG_STATE_HOME:-~/.local/state}/canister/up/, named by a hash of the
 * project's real path and holding that path, so a hash collision reads as
 * "nothing remembered" instead of another project's choice. A choice, not
 * a policy: the name must still be defined in the manifest, which decides
 * everything else. */
#include "lang/manifest.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static char *state_dir(void)
{
	const char *x = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	if (x && x[0] == '/')
		return xasprintf("%s/canister/up", x);
	if (home && home[0] == '/')
		return xasprintf("%s/.local/state/canister/up", home);
	return NULL;
}

char *manifest_state_path(const char *project_dir)
{
	char *d = state_dir();
	if (!d)
		return NULL;
	char *p = xasprintf("%s/%016" PRIx64, d, fnv1a(project_dir));
	free(d);
	return p;
}

char *manifest_recall(const char *project_dir)
{
	char *p = manifest_state_path(project_dir);
	if (!p)
		return NULL;
	FILE *f = fopen(p, "re");
	free(p);
	if (!f)
		return NULL;
	char *line = NULL, *name = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, f);
	if (n > 0 && line[n - 1] == '\n' && (size_t)(n - 1) == strlen(project_dir) &&
	    strncmp(line, project_dir, (size_t)(n - 1)) == 0) {
		n = getline(&line, &cap, f);
		if (n > 1 && line[n - 1] == '\n') {
			line[n - 1] = '\0';
			name = xstrdup(line);
		}
	}
	free(line);
	fclose(f);
	return name;
}

static int mkdirs(const char *path)
{
	char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	int rc = mkdir(p, 0700) < 0 && errno != EEXIST ? -1 : 0;
	free(p);
	return rc;
}

int manifest_remember(const char *project_dir, const char *name)
{
	char *d = state_dir();
	if (!d) {
		errno = ENOENT;
		return -1;
	}
	int rc = mkdirs(d);
	free(d);
	char *p = manifest_state_path(project_dir);
	if (!p)
		return -1;
	if (rc < 0) {
		free(p);
		return -1;
	}
	char *text = xasprintf("%s\n%s\n", project_dir, name);
	rc = write_file_atomic(p, text, strlen(text), 0600);
	free(text);
	free(p);
	return rc;
}
