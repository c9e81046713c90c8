/* libFuzzer target: the patch mergers of proxy/refusal.c (the exit
 * report's and monitor mode's per-domain [[host]] blocks) on arbitrary
 * patches: the input split at NUL bytes, each piece one patch. A path a
 * sandboxed client sent ends up in a patch, so the pieces are hostile.
 * Checks that both return a NUL-terminated string and free what they took. */
#include "proxy/refusal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char *buf = malloc(n + 1);
	memcpy(buf, d, n);
	buf[n] = '\0';
	char *parts[64];
	size_t np = 0;
	for (size_t i = 0; i <= n && np < 64;) {
		parts[np++] = buf + i;
		i += strlen(buf + i) + 1;
	}
	char *m = refusal_merge_hosts(parts, np);
	if (strlen(m) > 64 * (n + 64))
		abort();
	free(m);
	m = refusal_merge_patches(parts, np);
	free(m);
	free(buf);
	return 0;
}
