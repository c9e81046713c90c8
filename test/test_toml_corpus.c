/* Replays every file of the fuzz seed corpora (test/fuzz/corpus/<target>/)
 * through toml_parse in the normal and sanitizer builds, so the seeds (and
 * any crash reproducer added there) are checked by `make check`, not only
 * by `make fuzz`. Files named valid-* must parse; invalid-* must give
 * exactly one diagnostic; others must simply not crash. */
#include "lang/toml.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	const char *dir = FUZZ_CORPUS "/toml";
	DIR *dp = opendir(dir);
	if (!dp) {
		printf("1..0 # SKIP no corpus at %s\n", dir);
		return 0;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(dp))) {
		if (e->d_name[0] == '.')
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		names[n++] = strdup(e->d_name);
	}
	closedir(dp);
	qsort(names, n, sizeof(*names), cmp);
	printf("1..%zu\n", n);
	int failed = 0;
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		FILE *f = fopen(path, "rb");
		char *buf = NULL;
		size_t len = 0;
		if (f) {
			fseek(f, 0, SEEK_END);
			long sz = ftell(f);
			rewind(f);
			buf = malloc(sz > 0 ? (size_t)sz : 1);
			len = fread(buf, 1, sz > 0 ? (size_t)sz : 0, f);
			fclose(f);
		}
		struct diags d = { 0 };
		struct toml_table *t = f ? toml_parse(names[i], buf, len, &d) : NULL;
		bool ok = f != NULL && (t != NULL) != (d.n == 1);
		const char *why = "";
		if (ok && strncmp(names[i], "valid-", 6) == 0 && !t) {
			ok = false;
			why = d.v[0].msg;
		}
		if (ok && strncmp(names[i], "invalid-", 8) == 0 && t) {
			ok = false;
			why = "parsed but should not";
		}
		printf("%s %zu - corpus %s%s%s\n", ok ? "ok" : "not ok", i + 1, names[i], *why ? ": " : "", why);
		if (!t && d.n == 1)
			printf("# %s:%d:%d: %s\n", names[i], d.v[0].at.line, d.v[0].at.col, d.v[0].msg);
		failed |= !ok;
		toml_free(t);
		diags_free(&d);
		free(buf);
		free(names[i]);
	}
	free(names);
	return failed;
}
