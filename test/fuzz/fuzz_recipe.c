/* libFuzzer target: the recipe loader (TOML parser + schema checks) on
 * arbitrary bytes, then the printers on whatever loads. Any crash, leak or
 * sanitizer report is a bug: bad input must only ever produce diagnostics. */
#include "lang/recipe_int.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy p;
	struct diags d = { 0 };
	if (recipe_load_buffer("fuzz.toml", (const char *)data, size, &p, &d) == 0) {
		/* What loads must also print and expand without trouble. */
		FILE *null = fopen("/dev/null", "w");
		if (null) {
			policy_print(&p, PRINT_EXPLAIN, null);
			policy_print(&p, PRINT_JSON, null);
			fclose(null);
		}
		struct expand_env env = { .home = "/home/u", .user = "u", .cwd = "/w" };
		policy_expand(&p, &env, &d);
		policy_free(&p);
	}
	diags_free(&d);
	return 0;
}
