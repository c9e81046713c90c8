/* The AppArmor profile text and name (core/sandbox/apparmor_profile.c). */
#include "sandbox/apparmor_profile.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

static void test_profile_for_plain_path(void **state)
{
	(void)state;
	char buf[2048], name[256];
	assert_true(apparmor_profile_text("/usr/bin/can", buf, sizeof(buf)) > 0);
	assert_int_equal(apparmor_profile_name("/usr/bin/can", name, sizeof(name)), 0);
	assert_string_equal(name, "usr.bin.can");
	assert_non_null(strstr(buf, "\nprofile usr.bin.can /usr/bin/can flags=(unconfined) {\n  userns,\n"));
	assert_non_null(strstr(buf, "include if exists <local/usr.bin.can>"));
	assert_non_null(strstr(buf, "abi <abi/4.0>,\n"));
}

/* A path that would change the rule's meaning gets no profile at all. */
static void test_unsafe_paths_refused(void **state)
{
	(void)state;
	const char *bad[] = { "relative/can", "/opt/my can/can", "/opt/*/can", "/opt/can{,x}",
			      "/opt/a\"b", "/opt/a\nprofile x", "/opt/[ab]", "/opt/a,b", "/opt/a#b", "" };
	char buf[2048], name[256];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(apparmor_profile_text(bad[i], buf, sizeof(buf)), -1);
		assert_int_equal(apparmor_profile_name(bad[i], name, sizeof(name)), -1);
	}
}

static void test_small_buffers(void **state)
{
	(void)state;
	char buf[64], name[4];
	assert_int_equal(apparmor_profile_text("/usr/bin/can", buf, sizeof(buf)), -1);
	assert_int_equal(apparmor_profile_name("/usr/bin/can", name, sizeof(name)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profile_for_plain_path),
		cmocka_unit_test(test_unsafe_paths_refused),
		cmocka_unit_test(test_small_buffers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
