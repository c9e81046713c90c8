/* The -p spec parser (core/sandbox/ports_spec.c): the shapes it takes, the
 * addresses it refuses without --publish-any, and its error messages. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "sandbox/ports_spec.h"

#include <string.h>
#include <sys/socket.h>

static char err[256];

static void test_defaults(void **state)
{
	(void)state;
	struct port_spec s;
	assert_int_equal(port_spec_parse("18080:8000", false, &s, err, sizeof err), 0);
	assert_int_equal(s.family, AF_INET);
	assert_string_equal(s.addr_text, "127.0.0.1");
	assert_int_equal(s.host_port, 18080);
	assert_int_equal(s.sandbox_port, 8000);
	assert_true(s.loopback);
	assert_int_equal(port_spec_parse("1:65535/tcp", false, &s, err, sizeof err), 0);
	assert_int_equal(s.host_port, 1);
	assert_int_equal(s.sandbox_port, 65535);
}

static void test_addresses(void **state)
{
	(void)state;
	struct port_spec s;
	assert_int_equal(port_spec_parse("127.0.0.2:8080:80", false, &s, err, sizeof err), 0);
	assert_string_equal(s.addr_text, "127.0.0.2");
	assert_int_equal(port_spec_parse("[::1]:8080:80/tcp", false, &s, err, sizeof err), 0);
	assert_int_equal(s.family, AF_INET6);
	assert_string_equal(s.addr_text, "::1");
	assert_true(s.loopback);
	/* Beyond loopback only when spelled out and allowed. */
	assert_int_equal(port_spec_parse("0.0.0.0:8080:80", false, &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "needs --publish-any"));
	assert_int_equal(port_spec_parse("0.0.0.0:8080:80", true, &s, err, sizeof err), 0);
	assert_false(s.loopback);
	assert_int_equal(port_spec_parse("[::]:8080:80", false, &s, err, sizeof err), -1);
	assert_int_equal(port_spec_parse("[::ffff:127.0.0.1]:8080:80", false, &s, err, sizeof err),
			 -1); /* a mapped address is not ::1; it needs the opt-in */
	assert_int_equal(port_spec_parse("10.0.0.1:8080:80", true, &s, err, sizeof err), 0);
}

static void test_errors(void **state)
{
	(void)state;
	struct port_spec s;
	static const char *const bad[] = {
		"",        "80",         "80:",       ":80",     "0:80",      "80:0",
		"65536:1", "1:99999",    "+1:2",      "-1:2",    "1 :2",      "1:2:3:4",
		"a:1:2",   "1.2.3:1:2",  "[::1:1:2",  "[::1]1:2", "[zz]:1:2", "1:2/sctp",
		"1:2/",    "127.0.0.1::2", "0x7f000001:1:2", "2130706433:1:2", "017700000001:1:2",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		err[0] = '\0';
		if (port_spec_parse(bad[i], true, &s, err, sizeof err) != -1)
			fail_msg("'%s' was accepted", bad[i]);
		assert_int_equal(strncmp(err, "-p ", 3), 0);
	}
	assert_int_equal(port_spec_parse("8080:80/udp", false, &s, err, sizeof err), -1);
	assert_string_equal(err, "-p 8080:80/udp: /udp is not supported (only TCP ports are "
				 "published)");
	assert_int_equal(port_spec_parse("99999:1", false, &s, err, sizeof err), -1);
	assert_string_equal(err, "-p 99999:1: a port is a number from 1 to 65535");
	char big[300];
	memset(big, '1', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(port_spec_parse(big, false, &s, err, sizeof err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests_name("ports_spec", tests, NULL, NULL);
}
