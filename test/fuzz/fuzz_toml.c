/* libFuzzer target for the TOML reader: any byte string must parse or give
 * exactly one diagnostic, without crashing, leaking or reading past len.
 * The input is copied into a block of exactly `size` bytes so
 * AddressSanitizer sees any over-read (the reader gets no terminator). */
#include "lang/toml.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	if (size)
		memcpy(buf, data, size);
	struct diags d = { 0 };
	struct toml_table *t = toml_parse("fuzz.toml", buf, size, &d);
	if ((t == NULL) != (d.n == 1))
		abort(); /* an error must come with exactly one diagnostic */
	if (t) {
		/* Exercise the lookup paths on whatever was built. */
		for (size_t i = 0; i < t->n; i++)
			if (toml_get(t, t->kv[i].key) == NULL)
				abort();
		(void)toml_get_path(t, "a.b.c");
		toml_free(t);
	}
	diags_free(&d);
	free(buf);
	return 0;
}
