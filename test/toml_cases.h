/* Test helper: runs a table of {name, input, expected dump} as one cmocka
 * test per row, so every row is its own TAP assertion. */
#ifndef CAN_TEST_TOML_CASES_H
#define CAN_TEST_TOML_CASES_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "toml_dump.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* Rows leave len out unless the input holds NUL bytes. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

struct tcase {
	const char *name;
	const char *src;
	const char *want; /* dump, or "ERR line:col: message" */
	size_t len;       /* 0: strlen(src) (set it for inputs with NUL bytes) */
};

static void run_tcase(void **state)
{
	const struct tcase *c = *state;
	char *got = toml_dump_parse(c->src, c->len ? c->len : strlen(c->src));
	if (strcmp(got, c->want) != 0)
		print_error("input: %s\nwant: %s\ngot:  %s\n", c->src, c->want, got);
	assert_string_equal(got, c->want);
	free(got);
}

/* Appends one test per case to *tests. */
static void add_tcases(struct CMUnitTest **tests, size_t *n, const struct tcase *c, size_t count)
{
	*tests = realloc(*tests, (*n + count) * sizeof(**tests));
	for (size_t i = 0; i < count; i++)
		(*tests)[(*n)++] = (struct CMUnitTest){
			.name = c[i].name, .test_func = run_tcase, .initial_state = (void *)&c[i] };
}

static void add_test(struct CMUnitTest **tests, size_t *n, const char *name, CMUnitTestFunction f)
{
	*tests = realloc(*tests, (*n + 1) * sizeof(**tests));
	(*tests)[(*n)++] = (struct CMUnitTest){ .name = name, .test_func = f };
}

#endif
