/* Path generalisation for suggested recipes (core/lang/path_group.h,
 * docs/adr/0205): caches named whole, common folders under an anchor,
 * never $HOME, / or a shared folder, never over a credential. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/path_group.h"

static const char *const deny_base[] = { "/home/u/.ssh", "/home/u/.cargo/credentials.toml",
	                                 "/home/u/.npmrc", "/home/u/.config/gh" };

/* The entries as "path=covers" lines. */
static char *run(const char *const *deny, size_t ndeny, const char *const *v, size_t n)
{
	struct path_group_in in = { .home = "/home/u", .deny = deny, .ndeny = ndeny };
	struct path_group_out o;
	path_group(&in, v, n, &o);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	for (size_t i = 0; i < o.n; i++)
		fprintf(f, "%s=%zu\n", o.v[i].path, o.v[i].covers);
	fclose(f);
	path_group_out_free(&o);
	return buf;
}

#define RUN(v) run(deny_base, sizeof(deny_base) / sizeof(*deny_base), v, sizeof(v) / sizeof(*v))

/* 300 files under ~/.cache/foo: the cache, named whole. */
static void test_cache_named_whole(void **state)
{
	(void)state;
	const char *v[300];
	char buf[300][64];
	for (int i = 0; i < 300; i++) {
		snprintf(buf[i], sizeof(buf[i]), "/home/u/.cache/foo/%02d/obj%d.o", i % 17, i);
		v[i] = buf[i];
	}
	char *t = run(deny_base, 4, v, 300);
	assert_string_equal(t, "/home/u/.cache/foo=300\n");
	free(t);
	/* One file is enough for a cache; other known caches too. */
	const char *w[] = { "/home/u/.cache/pip/http/a/b/c", "/home/u/.npm/_cacache/index-v5/x",
		            "/home/u/.cargo/registry/src/x/y.rs", "/home/u/go/pkg/mod/m@v1/a.go",
		            "/var/cache/fontconfig/x-le64.cache-9" };
	t = RUN(w);
	assert_string_equal(t, "/home/u/.cache/pip=1\n/home/u/.cargo/registry=1\n/home/u/.npm=1\n"
			       "/home/u/go/pkg/mod=1\n/var/cache/fontconfig=1\n");
	free(t);
	/* A file directly in ~/.cache is not a cache folder: kept as it is. */
	const char *x[] = { "/home/u/.cache/motd.legal-displayed" };
	t = RUN(x);
	assert_string_equal(t, "/home/u/.cache/motd.legal-displayed=1\n");
	free(t);
}

/* Three or more paths under one anchor: their longest common folder. */
static void test_common_folder(void **state)
{
	(void)state;
	const char *v[] = { "/opt/sdk/lib/a.so", "/opt/sdk/lib/b.so", "/opt/sdk/lib/sub/d.so",
		            "/home/u/.config/tool/a.json", "/home/u/.config/tool/themes/x",
		            "/home/u/.config/tool/themes/y", "/home/u/.tool/one", "/home/u/.tool/two" };
	char *t = RUN(v);
	assert_string_equal(t, "/home/u/.config/tool=3\n/home/u/.tool/one=1\n/home/u/.tool/two=1\n"
			       "/opt/sdk/lib=3\n");
	free(t);
	/* A prefix that is not a component end is not a folder. */
	const char *w[] = { "/opt/abc/x", "/opt/abd/y", "/opt/abc/z", "/opt/abc-2/q", "/opt/abc/w/v" };
	t = RUN(w);
	assert_string_equal(t, "/opt/abc=3\n/opt/abc-2/q=1\n/opt/abd/y=1\n");
	free(t);
	/* A path that is also a folder of the others. */
	const char *x[] = { "/srv/data/app/x", "/srv/data/app", "/srv/data/app/y/z" };
	t = RUN(x);
	assert_string_equal(t, "/srv/data/app=3\n");
	free(t);
}

/* Never $HOME, /, a top-level or shared folder, or someone's home. */
static void test_never_too_wide(void **state)
{
	(void)state;
	const char *v[] = { "/home/u/.bashrc", "/home/u/.profile", "/home/u/.inputrc", "/etc/a", "/etc/b",
		            "/etc/c", "/usr/lib/x86_64-linux-gnu/libfoo.so.1", "/usr/lib/x86_64-linux-gnu/libbar.so.2",
		            "/usr/lib/x86_64-linux-gnu/libbaz.so.3", "/home/v/x", "/home/v/y", "/home/v/z",
		            "/home/u/.local/share/a/1", "/home/u/.local/share/b/2", "/home/u/.local/share/c/3",
		            "/a", "/b", "/c", "/run/user/1000/bus", "/run/user/1000/pulse", "/run/user/1000/x" };
	char *t = RUN(v);
	assert_null(strstr(t, "/home/u="));
	assert_null(strstr(t, "/home="));
	assert_null(strstr(t, "/etc="));
	assert_null(strstr(t, "/usr/lib/x86_64-linux-gnu="));
	assert_null(strstr(t, "/home/v="));
	assert_null(strstr(t, "/home/u/.local/share="));
	assert_null(strstr(t, "/run/user/1000="));
	assert_null(strstr(t, "\n/="));
	assert_non_null(strstr(t, "/home/u/.bashrc=1\n"));
	assert_non_null(strstr(t, "/etc/c=1\n"));
	assert_non_null(strstr(t, "/usr/lib/x86_64-linux-gnu/libbaz.so.3=1\n"));
	free(t);
	/* No home known: /home/NAME is still someone's home. */
	const char *w[] = { "/home/u/a", "/home/u/b", "/home/u/c" };
	struct path_group_in in = { 0 };
	struct path_group_out o;
	path_group(&in, w, 3, &o);
	assert_int_equal(o.n, 3);
	path_group_out_free(&o);
}

/* A folder that would cover a credential is split below it. */
static void test_never_over_a_credential(void **state)
{
	(void)state;
	const char *v[] = { "/home/u/.cargo/bin/cargo", "/home/u/.cargo/bin/rustc", "/home/u/.cargo/env",
		            "/home/u/.cargo/config.toml", "/home/u/.cargo/bin/rustdoc" };
	char *t = RUN(v);
	assert_null(strstr(t, "/home/u/.cargo="));
	assert_string_equal(t, "/home/u/.cargo/bin=3\n/home/u/.cargo/config.toml=1\n/home/u/.cargo/env=1\n");
	free(t);
	/* A cache holding a denied file: split, subfolders still whole. */
	const char *deny[] = { "/home/u/.cache/tool/token" };
	const char *w[] = { "/home/u/.cache/tool/a/1", "/home/u/.cache/tool/a/2", "/home/u/.cache/tool/b/x/3" };
	t = run(deny, 1, w, 3);
	assert_string_equal(t, "/home/u/.cache/tool/a=2\n/home/u/.cache/tool/b/x/3=1\n");
	free(t);
	/* A deny rule on a folder above: nothing widened onto it. */
	const char *deny2[] = { "/opt/keys" };
	const char *x[] = { "/opt/keys/a", "/opt/keys/b", "/opt/keys/c" };
	t = run(deny2, 1, x, 3);
	assert_string_equal(t, "/opt/keys/a=1\n/opt/keys/b=1\n/opt/keys/c=1\n");
	free(t);
}

/* A container looked up on the way down (stat ~/.cache) goes when an
 * entry under it remains; alone, it stays what the run looked up. */
static void test_container_on_the_way(void **state)
{
	(void)state;
	const char *v[] = { "/home/u/.cache", "/home/u/.cache-old", "/home/u/.cache/tool/a", "/usr/lib",
		            "/usr/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu/libz.so.1" };
	char *t = RUN(v);
	assert_string_equal(t, "/home/u/.cache-old=1\n/home/u/.cache/tool=1\n"
			       "/usr/lib/x86_64-linux-gnu/libz.so.1=1\n");
	free(t);
	const char *w[] = { "/home/u/.cache" };
	t = RUN(w);
	assert_string_equal(t, "/home/u/.cache=1\n");
	free(t);
	/* A folder that is not shared keeps what is under it. */
	const char *x[] = { "/opt/sdk", "/opt/sdk/include/a.h" };
	t = RUN(x);
	assert_string_equal(t, "/opt/sdk=2\n");
	free(t);
}

/* The helpers run_suggest.c uses. */
static void test_helpers(void **state)
{
	(void)state;
	assert_int_equal(path_group_cache("/home/u", "/home/u/.cache/pip/http/x"), strlen("/home/u/.cache/pip"));
	assert_int_equal(path_group_cache("/home/u", "/home/u/.npm"), strlen("/home/u/.npm"));
	assert_int_equal(path_group_cache("/home/u", "/home/u/.npmrc"), 0);
	assert_int_equal(path_group_cache("/home/u", "/home/u/.config/x/y"), 0);
	assert_int_equal(path_group_cache(NULL, "/var/cache/apt/x"), strlen("/var/cache/apt"));
	assert_int_equal(path_group_cache(NULL, "/home/u/.npm/x"), 0);
	assert_int_equal(path_group_cache("/home/u", "relative/.npm"), 0);
	assert_true(path_group_shared("/home/u", "/home/u"));
	assert_true(path_group_shared("/home/u", "/home/u/.local/share"));
	assert_true(path_group_shared(NULL, "/usr/lib/aarch64-linux-gnu"));
	assert_true(path_group_shared(NULL, "/"));
	assert_false(path_group_shared("/home/u", "/home/u/.cache/pip"));
	assert_false(path_group_shared("/home/u", "/opt/sdk"));
	assert_true(path_group_under("/a", "/a/b"));
	assert_false(path_group_under("/a", "/ab"));
	assert_true(path_group_under("/", "/ab"));
}

/* Relative or unnormalised paths are dropped; duplicates count once. */
static void test_input_hygiene(void **state)
{
	(void)state;
	const char *v[] = { "rel/x", "/opt/x/../y", "/opt//z", "/opt/w/", "/opt/q/.", "", "/opt/a/b",
		            "/opt/a/b" };
	char *t = RUN(v);
	assert_string_equal(t, "/opt/a/b=1\n");
	free(t);
	struct path_group_in in = { 0 };
	struct path_group_out o;
	path_group(&in, NULL, 0, &o);
	assert_int_equal(o.n, 0);
	path_group_out_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache_named_whole),     cmocka_unit_test(test_common_folder),
		cmocka_unit_test(test_never_too_wide),        cmocka_unit_test(test_never_over_a_credential),
		cmocka_unit_test(test_container_on_the_way), cmocka_unit_test(test_helpers),
		cmocka_unit_test(test_input_hygiene),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
