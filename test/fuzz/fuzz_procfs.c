/* libFuzzer target: the /proc field parser and the children list parser
 * (core/util/procfs.c) on arbitrary bytes. They must never read outside
 * the text; a field returned must come from a line that starts with the
 * key; a pid returned is in 1..INT_MAX and never more than max of them. */
#include "util/procfs.h"

#include <stdint.h>
#include <sys/types.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static const char *const keys[] = { "Tgid:", "PPid:", "Umask:", "Seccomp:", "SigPnd:", "Pid:" };
	static const int bases[] = { 10, 10, 8, 10, 16, 10 };
	/* A copy of exactly n bytes, without a NUL: ASan sees any overread. */
	char *text = malloc(n ? n : 1);
	if (!text)
		return 0;
	memcpy(text, data, n);
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		unsigned long long v;
		if (procfs_field(text, n, keys[k], bases[k], &v) == 0) {
			size_t kl = strlen(keys[k]);
			int at_line_start = n >= kl && memcmp(text, keys[k], kl) == 0;
			for (size_t i = 0; !at_line_start && i + kl < n; i++)
				at_line_start = text[i] == '\n' && memcmp(text + i + 1, keys[k], kl) == 0;
			if (!at_line_start)
				abort();
		}
	}
	pid_t pids[4];
	for (int cut = 0; cut < 2; cut++) {
		size_t np = procfs_pid_list(text, n, cut, pids, 4);
		if (np > 4)
			abort();
		for (size_t i = 0; i < np; i++)
			if (pids[i] < 1)
				abort();
	}
	free(text);
	return 0;
}
