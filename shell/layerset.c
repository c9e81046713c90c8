/* See layerset.h. */
#include "shell/layerset.h"
#include "util/procfs.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

static bool encloses(const char *dir, const char *path)
{
	if (strcmp(dir, "/") == 0)
		return path[0] == '/';
	size_t n = strlen(dir);
	return strncmp(dir, path, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

layer_mask layerset_of_path(const char *const *dirs, size_t n, layer_mask candidates,
                            const char *path)
{
	layer_mask m = 0;
	if (!path)
		return 0;
	for (size_t i = 0; i < n && i < LAYERS_MAX; i++)
		if ((candidates & ((layer_mask)1 << i)) && dirs[i] && encloses(dirs[i], path))
			m |= (layer_mask)1 << i;
	return m;
}

layer_mask layerset_effective(bool execd, layer_mask recorded, layer_mask cwd_layers)
{
	return execd ? recorded : recorded | cwd_layers;
}

layer_mask layerset_at_exec(layer_mask recorded, layer_mask cwd_layers)
{
	return recorded | cwd_layers;
}

int procstat_parse(const char *text, size_t len, pid_t *ppid, unsigned long long *start)
{
	const char *rp = NULL;
	for (size_t i = len; i > 0; i--)
		if (text[i - 1] == ')') {
			rp = text + i - 1;
			break;
		}
	if (!rp)
		return -1;
	/* After ") ": field 3 (state), 4 (ppid), ... 22 (starttime). */
	const char *p = rp + 1, *end = text + len;
	int field = 2;
	long long pp = -1;
	unsigned long long st = 0;
	bool have_start = false;
	while (p < end && field < 22) {
		while (p < end && *p == ' ')
			p++;
		if (p >= end)
			break;
		field++;
		const char *w = p;
		while (p < end && *p != ' ' && *p != '\n')
			p++;
		char buf[32];
		size_t n = (size_t)(p - w);
		if (n == 0 || n >= sizeof(buf))
			return -1;
		memcpy(buf, w, n);
		buf[n] = '\0';
		char *e;
		if (field == 4) {
			pp = strtoll(buf, &e, 10);
			if (*e || pp < 0)
				return -1;
		} else if (field == 22) {
			st = strtoull(buf, &e, 10);
			if (*e)
				return -1;
			have_start = true;
		}
	}
	if (pp < 0 || !have_start)
		return -1;
	*ppid = (pid_t)pp;
	*start = st;
	return 0;
}

int procstatus_tgid(const char *text, size_t len, pid_t *tgid)
{
	unsigned long long t;
	if (procfs_field(text, len, "Tgid:", 10, &t) < 0 || t == 0 || t > INT_MAX)
		return -1;
	*tgid = (pid_t)t;
	return 0;
}

bool layerset_may_reach(pid_t caller, const pid_t *line, size_t n, layer_mask caller_set,
                        layer_mask target_set)
{
	/* A descendant forked before its parent's exec into a layer has a
	 * smaller set than the parent (docs/adr/0270): driving it would read
	 * through it what the parent cannot. */
	if (caller_set & ~target_set)
		return false;
	for (size_t i = 0; i < n; i++)
		if (line[i] == caller)
			return true;
	return false;
}
