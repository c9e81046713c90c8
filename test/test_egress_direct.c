/* egress = "direct"'s pure decisions (core/sandbox/egress_direct.c): the
 * address block chosen around the host's addresses, pasta's command line
 * (what keeps the host's loopback and ports out of it), the tool lookup;
 * and the Landlock net rights and bind ports they lead to (landlock.c,
 * ports_spec.c). The process itself is test/run_direct.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "sandbox/egress_direct.h"
#include "sandbox/landlock.h"
#include "sandbox/ports_spec.h"
#include "sandbox/resolv_direct.h"
#include "util/kernel_compat.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static uint32_t ip(const char *s)
{
	struct in_addr a;
	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static void test_pick_net(void **state)
{
	(void)state;
	struct direct_net n;
	uint32_t h[4] = { ip("127.0.0.1"), ip("192.0.2.2") };
	assert_int_equal(egress_direct_pick_net(h, 2, &n), 0);
	assert_string_equal(n.addr, "10.0.2.100");
	assert_string_equal(n.gw, "10.0.2.2");
	assert_string_equal(n.dns, "10.0.2.3");
	assert_int_equal(n.prefix, 24);
	/* A host on 10.0.2.0/24 (a QEMU or VirtualBox guest): the next block. */
	h[2] = ip("10.0.2.15");
	assert_int_equal(egress_direct_pick_net(h, 3, &n), 0);
	assert_string_equal(n.addr, "10.213.77.100");
	assert_string_equal(n.gw, "10.213.77.2");
	/* No host address at all: the first. */
	assert_int_equal(egress_direct_pick_net(NULL, 0, &n), 0);
	assert_string_equal(n.addr, "10.0.2.100");
	/* Every candidate taken: refused, never a clash. */
	uint32_t all[] = { ip("10.0.2.1"), ip("10.213.77.9"), ip("172.30.213.4"), ip("192.168.213.200") };
	assert_int_equal(egress_direct_pick_net(all, 4, &n), -1);
}

static bool has(const char **argv, const char *a, const char *b)
{
	for (size_t i = 0; argv[i]; i++)
		if (strcmp(argv[i], a) == 0 && (!b || (argv[i + 1] && strcmp(argv[i + 1], b) == 0)))
			return true;
	return false;
}

static void test_pasta_argv(void **state)
{
	(void)state;
	struct direct_net n = { .addr = "10.0.2.100", .gw = "10.0.2.2", .dns = "10.0.2.3", .prefix = 24 };
	struct direct_argv_bufs b = { { 0 }, { 0 } };
	const char *argv[40];
	size_t argc = egress_direct_pasta_argv("/usr/bin/pasta", &n, 4242, "/tmp/x/ready", &b, argv, 40);
	assert_true(argc > 0);
	assert_null(argv[argc]);
	assert_string_equal(argv[0], "/usr/bin/pasta");
	assert_string_equal(argv[argc - 1], "4242"); /* the target: init's pid */
	/* The host's loopback stays out: the gateway is not mapped to it. */
	assert_true(has(argv, "--no-map-gw", NULL));
	/* No port forwarded either way (pasta's default is "auto"). */
	assert_true(has(argv, "--tcp-ports", "none"));
	assert_true(has(argv, "--udp-ports", "none"));
	assert_true(has(argv, "--tcp-ns", "none"));
	assert_true(has(argv, "--udp-ns", "none"));
	assert_true(has(argv, "--address", "10.0.2.100"));
	assert_true(has(argv, "--netmask", "24"));
	assert_true(has(argv, "--gateway", "10.0.2.2"));
	assert_true(has(argv, "--pid", "/tmp/x/ready"));
	/* DNS sent to .3 goes to the host's resolver, from the host. */
	assert_true(has(argv, "--dns-forward", "10.0.2.3"));
	assert_true(has(argv, "--foreground", NULL));
	assert_true(has(argv, "--config-net", NULL));
	/* Too small a vector: refused, not cut. */
	assert_int_equal(egress_direct_pasta_argv("/p", &n, 1, "/r", &b, argv, 5), 0);
}

static void test_find(void **state)
{
	(void)state;
	char out[PATH_MAX];
	assert_true(egress_direct_find("/nonexistent:/bin:/usr/bin", "sh", out, sizeof out));
	assert_string_equal(out, "/bin/sh");
	assert_false(egress_direct_find("/nonexistent", "sh", out, sizeof out));
	assert_false(egress_direct_find("", "sh", out, sizeof out));
	assert_false(egress_direct_find("/bin", "sh", out, 4)); /* no room: not found, not cut */
}

static void test_ll_net(void **state)
{
	(void)state;
	/* Default (NULL): connect handled (no port unless listed), bind not. */
	assert_int_equal(ll_handled_net(NULL, 4), LANDLOCK_ACCESS_NET_CONNECT_TCP);
	struct ll_net direct = { .connect_any = true, .bind_ephemeral = true };
	assert_int_equal(ll_handled_net(&direct, 4), LANDLOCK_ACCESS_NET_BIND_TCP);
	struct ll_net none = { .bind_ephemeral = true };
	assert_int_equal(ll_handled_net(&none, 6),
			 LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP);
	assert_int_equal(ll_handled_net(&none, 3), 0); /* no net rules before ABI 4 */
}

static void test_bind_rule(void **state)
{
	(void)state;
	static const int published[] = { 8000, 0 };
	/* The sandbox's own netns: bind free, published or not (ADR 0123). */
	struct ll_net n = { .connect = published };
	ll_net_set_bind(&n, false, published);
	assert_true(n.bind_any);
	assert_null(n.bind);
	assert_int_equal(ll_handled_net(&n, 6), LANDLOCK_ACCESS_NET_CONNECT_TCP);
	struct ll_net d = { .connect_any = true };
	ll_net_set_bind(&d, false, NULL);
	assert_int_equal(ll_handled_net(&d, 6), 0);
	/* The host's network (no-namespace mode): the given ports and 0 only. */
	struct ll_net h = { 0 };
	ll_net_set_bind(&h, true, published);
	assert_false(h.bind_any);
	assert_true(h.bind_ephemeral);
	assert_ptr_equal(h.bind, published);
	assert_int_equal(ll_handled_net(&h, 4),
			 LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP);
}

static void test_connect_rule(void **state)
{
	(void)state;
	static const int ports[] = { 3128, 0 };
	/* The sandbox's own netns: any port, its loopback is its own (ADR 0125). */
	struct ll_net n = { .connect = ports };
	ll_net_set_connect(&n, false);
	assert_true(n.connect_any);
	assert_null(n.connect);
	ll_net_set_bind(&n, false, NULL);
	assert_int_equal(ll_handled_net(&n, 6), 0);
	/* The host's network (no-namespace mode): no port at all. */
	struct ll_net h = { .connect_any = true, .connect = ports };
	ll_net_set_connect(&h, true);
	assert_false(h.connect_any);
	assert_null(h.connect);
	ll_net_set_bind(&h, true, NULL);
	assert_int_equal(ll_handled_net(&h, 4),
			 LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP);
}

static void test_bind_ports(void **state)
{
	(void)state;
	struct port_spec s[3];
	char err[128];
	assert_int_equal(port_spec_parse("18080:8000", false, &s[0], err, sizeof err), 0);
	assert_int_equal(port_spec_parse("[::1]:18081:8000", false, &s[1], err, sizeof err), 0);
	assert_int_equal(port_spec_parse("18082:9000", false, &s[2], err, sizeof err), 0);
	int *p = port_specs_sandbox_ports(s, 3);
	assert_non_null(p);
	assert_int_equal(p[0], 8000);
	assert_int_equal(p[1], 9000);
	assert_int_equal(p[2], 0);
	free(p);
	p = port_specs_sandbox_ports(NULL, 0);
	assert_non_null(p);
	assert_int_equal(p[0], 0);
	free(p);
}

static void test_resolv(void **state)
{
	(void)state;
	static const char host[] = "# by resolved\nnameserver 127.0.0.53\noptions edns0 trust-ad\n"
				   "  nameserver\t10.1.1.1\nnameservers-are-not 1\nsearch lan";
	char *t = resolv_direct_text(host, sizeof host - 1, "10.0.2.3");
	const char *body = strchr(t, '\n') + 1; /* after can's comment */
	assert_string_equal(body, "nameserver 10.0.2.3\n# by resolved\noptions edns0 trust-ad\n"
				  "nameservers-are-not 1\nsearch lan\n");
	free(t);
	/* No host file: only the forwarder. */
	t = resolv_direct_text(NULL, 0, "10.0.2.3");
	assert_string_equal(strchr(t, '\n') + 1, "nameserver 10.0.2.3\n");
	free(t);
	/* A line with a NUL is dropped whole: without the NUL it could read
	 * as a nameserver line (found by fuzz_resolv_direct). */
	static const char nul[] = "search a\nnameserve\0r 1.1.1.1\nsearch b\0c";
	t = resolv_direct_text(nul, sizeof nul - 1, "10.0.2.3");
	assert_string_equal(strchr(t, '\n') + 1, "nameserver 10.0.2.3\nsearch a\n");
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pick_net),  cmocka_unit_test(test_pasta_argv),
		cmocka_unit_test(test_find),      cmocka_unit_test(test_ll_net),
		cmocka_unit_test(test_bind_rule), cmocka_unit_test(test_connect_rule),
		cmocka_unit_test(test_bind_ports), cmocka_unit_test(test_resolv),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
