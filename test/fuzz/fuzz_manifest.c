/* libFuzzer target: the manifest parser (TOML, the manifest's own checks,
 * the recipe loader on each [sandbox.NAME] layer) on arbitrary bytes, then
 * command splitting, choosing and the override layer's expansion on
 * whatever loads. Bad input must only ever produce diagnostics. Recipe
 * lookup (files, the environment) is left out: it is not parsing. */
#include "lang/manifest.h"
#include "lang/recipe_int.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "util/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest m;
	struct diags d = { 0 };
	if (manifest_load_buffer("fuzz.toml", (const char *)data, size, &m, &d) == 0) {
		char err[1024];
		const struct manifest_sandbox *s = manifest_choose(&m, NULL, "x", err, sizeof(err));
		(void)s;
		manifest_unknown_sandbox(&m, "zz", err, sizeof(err));
		struct expand_env env = { .home = "/home/u", .user = "u", .cwd = "/w" };
		for (size_t i = 0; i < m.n; i++) {
			struct policy l;
			policy_init(&l);
			policy_merge(&l, &m.hosts);
			policy_merge(&l, &m.sb[i].overrides);
			policy_expand(&l, &env, &d);
			policy_free(&l);
		}
		manifest_free(&m);
	}
	/* The bytes as a command string too. */
	char *s = malloc(size + 1);
	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
		size_t n;
		char err[128];
		char **v = manifest_split_command(s, &n, err, sizeof(err));
		strv_free(v, n);
		free(s);
	}
	diags_free(&d);
	return 0;
}
