/* egress = "direct" (egress_direct.h). The uplink itself (pasta or
 * slirp4netns attached to the sandbox's netns) is not built yet; until it
 * is, the run is refused, never started with a quieter network than asked. */
#include "sandbox/egress_direct.h"
#include "util/util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool in_path(const char *path, const char *name)
{
	const char *p = path;
	while (p && *p) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char full[PATH_MAX];
		if (n > 0 && n + strlen(name) + 2 <= sizeof full) {
			int w = snprintf(full, sizeof full, "%.*s/%s", (int)n, p, name);
			if (w > 0 && (size_t)w < sizeof full && access(full, X_OK) == 0)
				return true;
		}
		p = end ? end + 1 : NULL;
	}
	return false;
}

const char *egress_direct_tool(const char *path)
{
	static const char *const tools[] = { "pasta", "slirp4netns" };
	for (size_t i = 0; i < sizeof tools / sizeof *tools; i++)
		if (in_path(path, tools[i]))
			return tools[i];
	return NULL;
}

int egress_direct_refuse(void)
{
	const char *path = getenv("PATH");
	const char *tool = egress_direct_tool(path ? path : "/usr/local/bin:/usr/bin:/bin");
	if (!tool)
		can_warn("network: egress = \"direct\" needs pasta or slirp4netns for an unfiltered "
			 "uplink, and neither is installed (Debian: apt-get install passt, or "
			 "apt-get install slirp4netns); nothing runs");
	else
		can_warn("network: egress = \"direct\": the uplink through %s is not built yet "
			 "(issue 9); nothing runs", tool);
	return CAN_EXIT_WALL;
}
