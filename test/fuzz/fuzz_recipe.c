/* libFuzzer target: the recipe loader (TOML parser + schema checks, the
 * older spellings' corrected lines, allow_domains) on arbitrary bytes, then
 * the printers, the expansion and the one-line summary on whatever loads. Any crash, leak or
 * sanitizer report is a bug: bad input must only ever produce diagnostics. */
#include "lang/recipe_int.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

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
		/* Host variables too (ADR 0164): good and refused values. */
		static const char *const host[] = { "GOPATH=/home/u/go", "EMPTY=", "REL=x",
						    "ROOT=/", "LIST=/a:/b", NULL };
		struct expand_env env = { .home = "/home/u", .user = "u", .cwd = "/w",
					  .host_vars = host };
		policy_expand(&p, &env, &d);
		char *grants = policy_grants_line(&p);
		free(grants);
		policy_free(&p);
	}
	diags_free(&d);
	return 0;
}
