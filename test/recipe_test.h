/* Helpers for the recipe unit tests: load TOML from a string, merge layers,
 * and render diagnostics to a string for exact comparison. */
#ifndef CAN_RECIPE_TEST_H
#define CAN_RECIPE_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lang/recipe_int.h"
#include "lang/schema.h"
#include "util/util.h"

/* Loads TOML (absolute syscall lists allowed, as in the built-in default);
 * fails the test with the diagnostics when it does not load. */
static inline struct policy t_load(const char *name, const char *toml)
{
	struct policy p;
	struct diags d = { 0 };
	int rc = recipe_load_buffer_flags(name, toml, strlen(toml), RL_ALLOW_ABSOLUTE_SYSCALLS, &p,
					  &d);
	if (rc) {
		diags_print(&d, stderr);
		fail_msg("%s did not load", name);
	}
	diags_free(&d);
	return p;
}

/* out = a merged with b (a and b are the text of two recipes a.toml, b.toml). */
static inline void t_merge2(struct policy *out, const char *a, const char *b)
{
	policy_init(out);
	struct policy pa = t_load("a.toml", a), pb = t_load("b.toml", b);
	policy_merge(out, &pa);
	policy_merge(out, &pb);
	policy_free(&pa);
	policy_free(&pb);
}

/* All diagnostics as printed ("file:line:col: error: msg\n" each). */
static inline char *t_diags_text(const struct diags *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	diags_print(d, f);
	fclose(f);
	return buf;
}

static inline char *t_print(const struct policy *p, enum print_mode m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	policy_print(p, m, f);
	fclose(f);
	return buf;
}

#endif
