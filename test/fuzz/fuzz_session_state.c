/* libFuzzer target: the session's state file parser (shell/state.c), which
 * `can status` reads in every prompt and `--env` turns into shell exports
 * (docs/adr/0261), on arbitrary bytes. Checks that what parses formats and
 * parses again to the same layers, proxy and bundle; that the exports'
 * port is a port and the bundle absolute; and renders every status. */
#include "shell/state.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct session_state st, again;
	if (state_parse((const char *)data, n, &st) < 0)
		return 0;
	char *text = state_format(&st);
	if (!text || state_parse(text, strlen(text), &again) < 0)
		abort();
	if (again.n != st.n || again.pid != st.pid || strcmp(again.proxy, st.proxy) != 0 ||
	    strcmp(again.bundle, st.bundle) != 0)
		abort();
	for (size_t i = 0; i < st.n; i++)
		if (strcmp(again.v[i].dir, st.v[i].dir) != 0 || again.v[i].state != st.v[i].state)
			abort();
	FILE *null = fopen("/dev/null", "w");
	for (size_t i = 0; i <= st.n && null; i++) {
		const char *cwd = i < st.n ? st.v[i].dir : "/";
		status_render(&st, cwd, false, null);
		status_render(&st, cwd, true, null);
		int port = 0;
		const char *bundle = NULL;
		if (status_proxy_env(&st, cwd, &port, &bundle) &&
		    (port < 1 || port > 65535 || !bundle || bundle[0] != '/' || strchr(bundle, '\n')))
			abort();
	}
	if (null)
		fclose(null);
	state_free(&again);
	state_free(&st);
	free(text);
	return 0;
}
