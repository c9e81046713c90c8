/* libFuzzer target: the .envrc declaration reader (shell/envrc.c) on
 * arbitrary bytes. Checks that every recipe name it returns is non-empty
 * and made of the allowed characters only (what the supervisor resolves
 * must be what the shell would have seen), that an invalid declaration
 * says why, and that a declaration with names is declared. */
#include "shell/envrc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_name(const char *s)
{
	if (!s[0] || s[0] == '-')
		abort();
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+@/:", *s))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct envrc_decl d;
	if (envrc_parse((const char *)data, n, &d) != 0)
		abort();
	if (d.invalid && (!d.declared || !d.reason[0]))
		abort();
	if ((d.nrecipes || d.sandbox) && !d.declared)
		abort();
	for (size_t i = 0; i < d.nrecipes; i++)
		check_name(d.recipes[i]);
	if (d.sandbox)
		check_name(d.sandbox);
	envrc_decl_free(&d);
	return 0;
}
