/* libFuzzer target for resolv_direct_text (core/sandbox/resolv_direct.c):
 * any host resolv.conf gives a text whose only nameserver is the one given,
 * first, with every line ended and no NUL inside. */
#include "sandbox/resolv_direct.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size ? size : 1); /* exactly its length: ASan sees over-reads */
	if (!in)
		return 0;
	memcpy(in, data, size);
	char *t = resolv_direct_text(in, size, "10.0.2.3");
	const char *first = strchr(t, '\n');
	if (!first || strncmp(first + 1, "nameserver 10.0.2.3\n", 20) != 0)
		abort();
	size_t n = strlen(t);
	if (n == 0 || t[n - 1] != '\n')
		abort();
	/* No other line is a nameserver line. */
	for (const char *l = first + 21; *l;) {
		const char *e = strchr(l, '\n');
		const char *p = l;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, "nameserver", 10) == 0 && (p[10] == ' ' || p[10] == '\t' || p[10] == '\n'))
			abort();
		l = e + 1;
	}
	free(t);
	free(in);
	return 0;
}
