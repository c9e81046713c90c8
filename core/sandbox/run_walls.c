/* The names of the walls that --allow-degraded may skip (pure): the one
 * table the option parser, the refusal messages and `can check` share.
 * "all" is every wall but userns, which must be named (docs/adr/0240). */
#include "sandbox/run.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	unsigned bit;
	const char *name;
} walls[] = {
	{ WALL_LANDLOCK, "landlock" },       { WALL_LANDLOCK_NET, "landlock-net" },
	{ WALL_LANDLOCK_SCOPE, "landlock-scope" }, { WALL_SECCOMP, "seccomp" },
	{ WALL_CGROUPS, "cgroups" },         { WALL_NOTIFIER, "notifier" },
	{ WALL_USERNS, "userns" },
};

const char *run_wall_name(unsigned wall)
{
	for (size_t i = 0; i < ARRAY_LEN(walls); i++)
		if (walls[i].bit == wall)
			return walls[i].name;
	return NULL;
}

int run_walls_parse(const char *list, unsigned *mask, char *err, size_t errlen)
{
	char *copy = xstrdup(list), *save = NULL;
	int rc = 0;
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (strcmp(w, "all") == 0) {
			*mask |= WALL_ALL;
			continue;
		}
		size_t i;
		for (i = 0; i < ARRAY_LEN(walls); i++)
			if (strcmp(w, walls[i].name) == 0)
				break;
		if (i == ARRAY_LEN(walls)) {
			snprintf(err, errlen,
				 "--allow-degraded: unknown wall '%s' (known: landlock, landlock-net, "
				 "landlock-scope, seccomp, cgroups, notifier, all, userns)", w);
			rc = -1;
			break;
		}
		*mask |= walls[i].bit;
	}
	if (rc == 0 && *list == '\0') {
		snprintf(err, errlen, "--allow-degraded=: empty list");
		rc = -1;
	}
	free(copy);
	return rc;
}

