/* libFuzzer target: session mode's control line parser (shell/control.c)
 * on arbitrary bytes, on both channels. Checks that a parsed line names a
 * known verb, and that a directory it returns is absolute, normalised
 * (no "//", no "." or ".." component, no trailing '/') and free of control
 * characters; and that normalising that directory again changes nothing. */
#include "shell/control.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_dir(const char *d)
{
	size_t n = strlen(d);
	if (d[0] != '/' || strstr(d, "//") || strstr(d, "/./") || strstr(d, "/../") ||
	    (n > 1 && d[n - 1] == '/'))
		abort();
	if ((n >= 2 && strcmp(d + n - 2, "/.") == 0) || (n >= 3 && strcmp(d + n - 3, "/..") == 0))
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)d[i] < 0x20 || d[i] == 0x7f)
			abort();
	char again[PATH_MAX];
	const char *why;
	if (ctl_normalize_dir(d, n, again, sizeof(again), &why) < 0 || strcmp(again, d) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static struct ctl_msg m;
	const char *why = NULL;
	for (int ch = CTL_FIFO; ch <= CTL_SOCKET; ch++) {
		int r = ctl_parse((const char *)data, n, (enum ctl_channel)ch, &m, &why);
		if (r < 0) {
			if (!why || m.verb != CTL_INVALID)
				abort();
			continue;
		}
		if (m.verb == CTL_INVALID || m.verb > CTL_PING)
			abort();
		if (m.verb == CTL_DECLARE || m.verb == CTL_ALLOW || m.verb == CTL_FORGET)
			check_dir(m.dir);
		if (n > CTL_MAX_LINE || data[n - 1] != '\n')
			abort();
	}
	return 0;
}
