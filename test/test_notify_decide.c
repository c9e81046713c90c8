/* The pure decision functions of the notification engine (no kernel). */
#include "notify/notify.h"
#include "lang/policy.h"
#include "util/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include <cmocka.h>

static struct srcpos pos(int line) { return (struct srcpos){ "r.toml", line, 1 }; }

static void fs_rules(struct notify_rules *r)
{
	notify_rules_init(r);
	assert_int_equal(notify_rules_add_path(r, "allow", "/usr", NOTIFY_READ | NOTIFY_EXEC, "filesystem.allow", pos(1)), 0);
	assert_int_equal(notify_rules_add_path(r, "allow", "/home/u/proj/", NOTIFY_READ | NOTIFY_WRITE, "filesystem.allow_write", pos(2)), 0);
	assert_int_equal(notify_rules_add_path(r, "deny", "/home/u/proj/.env", 0, "filesystem.deny", pos(3)), 0);
	assert_int_equal(notify_rules_add_path(r, "allow", "/home/u/proj/.env/public", NOTIFY_READ, "filesystem.allow", pos(4)), 0);
}

static void test_normalize(void **s)
{
	(void)s;
	char out[PATH_MAX];
	assert_int_equal(notify_normalize_path("/a//b/./c/", out, sizeof(out)), 0);
	assert_string_equal(out, "/a/b/c");
	assert_int_equal(notify_normalize_path("/", out, sizeof(out)), 0);
	assert_string_equal(out, "/");
	assert_int_equal(notify_normalize_path("///", out, sizeof(out)), 0);
	assert_string_equal(out, "/");
	assert_int_equal(notify_normalize_path("relative", out, sizeof(out)), -1);
	assert_int_equal(notify_normalize_path("/a/../b", out, sizeof(out)), -1);
	assert_int_equal(notify_normalize_path("/a/..b", out, sizeof(out)), 0);
	assert_string_equal(out, "/a/..b");
	assert_int_equal(notify_normalize_path("/abcdef", out, 4), -1);
}

static void test_lexical(void **s)
{
	(void)s;
	char out[PATH_MAX];
	assert_int_equal(notify_lexical_path("/a/b/../c", out, sizeof(out)), 0);
	assert_string_equal(out, "/a/c");
	assert_int_equal(notify_lexical_path("/../../x", out, sizeof(out)), 0);
	assert_string_equal(out, "/x");
	assert_int_equal(notify_lexical_path("/a/./b//c/", out, sizeof(out)), 0);
	assert_string_equal(out, "/a/b/c");
	assert_int_equal(notify_lexical_path("/a/..", out, sizeof(out)), 0);
	assert_string_equal(out, "/");
	assert_int_equal(notify_lexical_path("/", out, sizeof(out)), 0);
	assert_string_equal(out, "/");
	assert_int_equal(notify_lexical_path("/a/b/c/../../d", out, sizeof(out)), 0);
	assert_string_equal(out, "/a/d");
	assert_int_equal(notify_lexical_path("/a/..b/...", out, sizeof(out)), 0);
	assert_string_equal(out, "/a/..b/...");
	assert_int_equal(notify_lexical_path("rel", out, sizeof(out)), -1);
	assert_int_equal(notify_lexical_path("/abcdef", out, 5), -1);
	/* a deny on /home/u/.ssh is not dodged through a detour */
	struct notify_rules r;
	fs_rules(&r);
	assert_int_equal(notify_lexical_path("/home/u/proj/../proj/.env/../.env/x", out, sizeof(out)), 0);
	assert_int_equal(notify_decide_open(&r, out, O_RDONLY).verdict, NOTIFY_REFUSE);
	notify_rules_free(&r);
}

static void test_covers(void **s)
{
	(void)s;
	assert_true(notify_path_covers("/a/b", "/a/b"));
	assert_true(notify_path_covers("/a/b", "/a/b/c"));
	assert_false(notify_path_covers("/a/b", "/a/bc"));
	assert_false(notify_path_covers("/a/b", "/a"));
	assert_true(notify_path_covers("/", "/anything"));
	assert_false(notify_path_covers("/", "pipe:[12]"));
}

static void test_open_access(void **s)
{
	(void)s;
	assert_int_equal(notify_open_access(O_RDONLY), NOTIFY_READ);
	assert_int_equal(notify_open_access(O_WRONLY), NOTIFY_WRITE);
	assert_int_equal(notify_open_access(O_RDWR), NOTIFY_READ | NOTIFY_WRITE);
	assert_int_equal(notify_open_access(O_RDONLY | O_CREAT), NOTIFY_READ | NOTIFY_WRITE);
	assert_int_equal(notify_open_access(O_RDONLY | O_TRUNC), NOTIFY_READ | NOTIFY_WRITE);
	assert_int_equal(notify_open_access(O_WRONLY | O_APPEND), NOTIFY_WRITE);
	assert_int_equal(notify_open_access(O_PATH | O_RDWR), 0);
}

static void test_decide_open(void **s)
{
	(void)s;
	struct notify_rules r;
	fs_rules(&r);
	struct notify_decision d = notify_decide_open(&r, "/usr/lib/libc.so", O_RDONLY);
	assert_int_equal(d.verdict, NOTIFY_ALLOW);
	assert_string_equal(d.field, "filesystem.allow");
	assert_int_equal(d.at.line, 1);
	d = notify_decide_open(&r, "/usr/lib/x", O_WRONLY);
	assert_int_equal(d.verdict, NOTIFY_REFUSE);
	assert_int_equal(d.err, EACCES);
	assert_int_equal(d.at.line, 0);
	d = notify_decide_open(&r, "/home/u/proj/src/a.c", O_RDWR | O_CREAT);
	assert_int_equal(d.verdict, NOTIFY_ALLOW);
	assert_int_equal(d.at.line, 2);
	/* deny beats allow, even a more specific allow below it */
	d = notify_decide_open(&r, "/home/u/proj/.env", O_RDONLY);
	assert_int_equal(d.verdict, NOTIFY_REFUSE);
	assert_string_equal(d.field, "filesystem.deny");
	assert_string_equal(d.rule, "/home/u/proj/.env");
	assert_int_equal(d.at.line, 3);
	d = notify_decide_open(&r, "/home/u/proj/.env/public/x", O_RDONLY);
	assert_int_equal(d.verdict, NOTIFY_REFUSE);
	/* a sibling with the deny's name as prefix is not denied */
	d = notify_decide_open(&r, "/home/u/proj/.envrc", O_RDONLY);
	assert_int_equal(d.verdict, NOTIFY_ALLOW);
	/* outside every rule */
	d = notify_decide_open(&r, "/etc/shadow", O_RDONLY);
	assert_int_equal(d.verdict, NOTIFY_REFUSE);
	/* O_PATH: no data access, allowed outside the rules, refused on deny */
	d = notify_decide_open(&r, "/etc", O_PATH);
	assert_int_equal(d.verdict, NOTIFY_ALLOW);
	d = notify_decide_open(&r, "/home/u/proj/.env", O_PATH);
	assert_int_equal(d.verdict, NOTIFY_REFUSE);
	/* no fs restriction at all */
	struct notify_rules none;
	notify_rules_init(&none);
	assert_int_equal(notify_decide_open(&none, "/etc/shadow", O_RDWR).verdict, NOTIFY_ALLOW);
	notify_rules_free(&r);
}

static void test_decide_write(void **s)
{
	(void)s;
	struct notify_rules r;
	fs_rules(&r);
	assert_int_equal(notify_decide_write(&r, "/home/u/proj/new").verdict, NOTIFY_ALLOW);
	assert_int_equal(notify_decide_write(&r, "/usr/bin/ls").verdict, NOTIFY_REFUSE);
	assert_int_equal(notify_decide_write(&r, "/home/u/proj/.env").verdict, NOTIFY_REFUSE);
	assert_int_equal(notify_decide_write(&r, "/home/u").verdict, NOTIFY_REFUSE);
	notify_rules_free(&r);
}

static void test_decide_exec(void **s)
{
	(void)s;
	struct notify_rules r;
	fs_rules(&r);
	/* no allow_execve: any file not denied */
	assert_int_equal(notify_decide_exec(&r, "/usr/bin/ls").verdict, NOTIFY_ALLOW);
	assert_int_equal(notify_decide_exec(&r, "/home/u/proj/.env/x").verdict, NOTIFY_REFUSE);
	assert_int_equal(notify_decide_exec(&r, NULL).verdict, NOTIFY_REFUSE);
	assert_int_equal(notify_rules_add_path(&r, "exec", "/usr/bin/node", NOTIFY_EXEC, "process.allow_execve", pos(5)), 0);
	assert_int_equal(notify_rules_add_path(&r, "exec", "/usr/lib/node_modules/", NOTIFY_EXEC, "process.allow_execve", pos(6)), 0);
	struct notify_decision d = notify_decide_exec(&r, "/usr/bin/node");
	assert_int_equal(d.verdict, NOTIFY_ALLOW);
	assert_int_equal(d.at.line, 5);
	/* exact entries are exact */
	assert_int_equal(notify_decide_exec(&r, "/usr/bin/node2").verdict, NOTIFY_REFUSE);
	assert_int_equal(notify_decide_exec(&r, "/usr/bin/node/x").verdict, NOTIFY_REFUSE);
	/* folder entries cover what is below */
	d = notify_decide_exec(&r, "/usr/lib/node_modules/npm/bin/npm-cli.js");
	assert_int_equal(d.verdict, NOTIFY_ALLOW);
	assert_int_equal(d.at.line, 6);
	d = notify_decide_exec(&r, "/usr/bin/python3");
	assert_int_equal(d.verdict, NOTIFY_REFUSE);
	assert_int_equal(d.err, EACCES);
	assert_string_equal(d.field, "no process.allow_execve entry names it");
	assert_int_equal(d.at.line, 5); /* the list's first entry: where the recipe says it */
	notify_rules_free(&r);
}

static void test_parse_net(void **s)
{
	(void)s;
	struct notify_net_rule n;
	assert_int_equal(notify_parse_net("10.0.0.0/8", &n), 0);
	assert_int_equal(n.family, AF_INET);
	assert_int_equal(n.prefix, 8);
	assert_int_equal(n.port, 0);
	assert_int_equal(notify_parse_net("127.0.0.1:8080", &n), 0);
	assert_int_equal(n.prefix, 32);
	assert_int_equal(n.port, 8080);
	assert_int_equal(notify_parse_net("[::1]:53", &n), 0);
	assert_int_equal(n.family, AF_INET6);
	assert_int_equal(n.port, 53);
	assert_int_equal(notify_parse_net("fd00::/8", &n), 0);
	assert_int_equal(n.prefix, 8);
	assert_int_equal(notify_parse_net("::1", &n), 0);
	assert_int_equal(notify_parse_net("10.0.0.0/33", &n), -1);
	assert_int_equal(notify_parse_net("10.0.0.1:0", &n), -1);
	assert_int_equal(notify_parse_net("10.0.0.1:70000", &n), -1);
	assert_int_equal(notify_parse_net("example.com", &n), -1);
	assert_int_equal(notify_parse_net("[::1", &n), -1);
	assert_int_equal(notify_parse_net("", &n), -1);
}

static struct sockaddr_in in4(const char *a, int port)
{
	struct sockaddr_in s = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	inet_pton(AF_INET, a, &s.sin_addr);
	return s;
}

static struct sockaddr_in6 in6(const char *a, int port)
{
	struct sockaddr_in6 s = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port) };
	inet_pton(AF_INET6, a, &s.sin6_addr);
	return s;
}

#define DEC4(r, op, a, p) ({ struct sockaddr_in _s = in4(a, p); notify_decide_net(r, op, (struct sockaddr *)&_s, sizeof(_s), NULL); })
#define DEC6(r, op, a, p) ({ struct sockaddr_in6 _s = in6(a, p); notify_decide_net(r, op, (struct sockaddr *)&_s, sizeof(_s), NULL); })

static void test_decide_net(void **s)
{
	(void)s;
	struct notify_rules r;
	notify_rules_init(&r);
	assert_int_equal(notify_rules_add_net(&r, "127.0.0.1:3128", "proxy", pos(0)), 0);
	assert_int_equal(notify_rules_add_net(&r, "10.1.0.0/16", "network.allow_ips", pos(7)), 0);
	assert_int_equal(notify_rules_add_net(&r, "2001:db8::/32", "network.allow_ips", pos(8)), 0);
	struct notify_decision d = DEC4(&r, NOTIFY_NET_CONNECT, "127.0.0.1", 3128);
	assert_int_equal(d.verdict, NOTIFY_ALLOW);
	assert_string_equal(d.field, "proxy");
	assert_int_equal(DEC4(&r, NOTIFY_NET_CONNECT, "127.0.0.1", 3129).verdict, NOTIFY_REFUSE);
	d = DEC4(&r, NOTIFY_NET_SEND, "10.1.200.3", 53);
	assert_int_equal(d.verdict, NOTIFY_ALLOW);
	assert_int_equal(d.at.line, 7);
	assert_int_equal(DEC4(&r, NOTIFY_NET_CONNECT, "10.2.0.1", 80).verdict, NOTIFY_REFUSE);
	assert_int_equal(DEC4(&r, NOTIFY_NET_CONNECT, "169.254.169.254", 80).verdict, NOTIFY_REFUSE);
	assert_int_equal(DEC6(&r, NOTIFY_NET_CONNECT, "2001:db8:1::5", 443).verdict, NOTIFY_ALLOW);
	assert_int_equal(DEC6(&r, NOTIFY_NET_CONNECT, "2001:db9::5", 443).verdict, NOTIFY_REFUSE);
	/* IPv4-mapped IPv6 is judged as the IPv4 address it reaches */
	assert_int_equal(DEC6(&r, NOTIFY_NET_CONNECT, "::ffff:10.1.0.9", 80).verdict, NOTIFY_ALLOW);
	assert_int_equal(DEC6(&r, NOTIFY_NET_CONNECT, "::ffff:169.254.169.254", 80).verdict, NOTIFY_REFUSE);
	assert_int_equal(DEC6(&r, NOTIFY_NET_CONNECT, "::ffff:127.0.0.1", 3128).verdict, NOTIFY_ALLOW);
	/* bind of inet sockets: refused unless allowed */
	assert_int_equal(DEC4(&r, NOTIFY_NET_BIND, "127.0.0.1", 8080).verdict, NOTIFY_REFUSE);
	r.allow_inet_bind = true;
	assert_int_equal(DEC4(&r, NOTIFY_NET_BIND, "127.0.0.1", 8080).verdict, NOTIFY_ALLOW);
	/* no address, AF_UNSPEC */
	assert_int_equal(notify_decide_net(&r, NOTIFY_NET_SEND, NULL, 0, NULL).verdict, NOTIFY_ALLOW);
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	assert_int_equal(notify_decide_net(&r, NOTIFY_NET_CONNECT, &unspec, sizeof(unspec), NULL).verdict, NOTIFY_ALLOW);
	/* a short AF_INET address is not allowed through */
	struct sockaddr_in shortin = in4("127.0.0.1", 3128);
	assert_int_equal(notify_decide_net(&r, NOTIFY_NET_CONNECT, (struct sockaddr *)&shortin, 8, NULL).verdict, NOTIFY_REFUSE);
	/* other families */
	struct sockaddr pk = { .sa_family = AF_PACKET };
	assert_int_equal(notify_decide_net(&r, NOTIFY_NET_SEND, &pk, sizeof(pk), NULL).verdict, NOTIFY_REFUSE);
	struct notify_rules none;
	notify_rules_init(&none);
	assert_int_equal(DEC4(&none, NOTIFY_NET_CONNECT, "8.8.8.8", 53).verdict, NOTIFY_ALLOW);
	notify_rules_free(&r);
}

/* Loopback is the sandbox's own only in `can run`'s network namespace
 * (docs/adr/0125): there any port of it is reachable without allow_ips;
 * nothing else changes, and session layers and the no-namespace mode
 * (the host's loopback) keep refusing it. */
static void test_decide_own_loopback(void **s)
{
	(void)s;
	assert_true(notify_loopback_is_own(NOTIFY_NETNS_RUN));
	assert_false(notify_loopback_is_own(NOTIFY_NETNS_RUN_HOST));
	assert_false(notify_loopback_is_own(NOTIFY_NETNS_SESSION));
	struct notify_rules r;
	notify_rules_init(&r);
	r.restrict_net = true;
	assert_int_equal(notify_rules_add_net(&r, "10.9.0.1", "network.allow_ips", pos(3)), 0);
	/* Not own: loopback is refused like any address not listed. */
	assert_int_equal(DEC4(&r, NOTIFY_NET_CONNECT, "127.0.0.1", 8080).verdict, NOTIFY_REFUSE);
	assert_int_equal(DEC6(&r, NOTIFY_NET_CONNECT, "::1", 8080).verdict, NOTIFY_REFUSE);
	assert_int_equal(DEC6(&r, NOTIFY_NET_CONNECT, "::ffff:127.0.0.1", 8080).verdict, NOTIFY_REFUSE);
	r.own_loopback = true;
	struct notify_decision d = DEC4(&r, NOTIFY_NET_CONNECT, "127.0.0.1", 8080);
	assert_int_equal(d.verdict, NOTIFY_ALLOW);
	assert_string_equal(d.field, "the sandbox's own loopback");
	assert_int_equal(DEC4(&r, NOTIFY_NET_CONNECT, "127.255.0.9", 1).verdict, NOTIFY_ALLOW);
	assert_int_equal(DEC4(&r, NOTIFY_NET_SEND, "127.0.0.53", 53).verdict, NOTIFY_ALLOW);
	assert_int_equal(DEC6(&r, NOTIFY_NET_CONNECT, "::1", 45000).verdict, NOTIFY_ALLOW);
	assert_int_equal(DEC6(&r, NOTIFY_NET_CONNECT, "::ffff:127.0.0.1", 3000).verdict, NOTIFY_ALLOW);
	/* A named rule still decides first (events keep saying which). */
	assert_string_equal(DEC4(&r, NOTIFY_NET_CONNECT, "10.9.0.1", 80).field, "network.allow_ips");
	/* Everything else stays refused. */
	d = DEC4(&r, NOTIFY_NET_CONNECT, "10.0.0.1", 80);
	assert_int_equal(d.verdict, NOTIFY_REFUSE);
	assert_int_equal(d.err, EACCES);
	assert_int_equal(DEC4(&r, NOTIFY_NET_CONNECT, "128.0.0.1", 80).verdict, NOTIFY_REFUSE);
	assert_int_equal(DEC4(&r, NOTIFY_NET_CONNECT, "0.0.0.0", 80).verdict, NOTIFY_REFUSE);
	assert_int_equal(DEC6(&r, NOTIFY_NET_CONNECT, "::2", 80).verdict, NOTIFY_REFUSE);
	assert_int_equal(DEC6(&r, NOTIFY_NET_CONNECT, "::127.0.0.1", 80).verdict, NOTIFY_REFUSE);
	assert_int_equal(DEC6(&r, NOTIFY_NET_CONNECT, "fe80::1", 80).verdict, NOTIFY_REFUSE);
	assert_int_equal(DEC6(&r, NOTIFY_NET_CONNECT, "::ffff:10.0.0.1", 80).verdict, NOTIFY_REFUSE);
	/* A chain refuses when one set does not own loopback (session). */
	struct notify_rules layer;
	notify_rules_init(&layer);
	layer.restrict_net = true;
	r.also = &layer;
	assert_int_equal(DEC4(&r, NOTIFY_NET_CONNECT, "127.0.0.1", 8080).verdict, NOTIFY_REFUSE);
	notify_rules_free(&r);
	notify_rules_free(&layer);
}

/* The session proxy (docs/adr/0261): every set of the chain that
 * restricts the network must be a proxy-only layer's. */
static void test_decide_session_proxy(void **s)
{
	(void)s;
	struct notify_rules open_net, proxied, none, proxied2;
	notify_rules_init(&open_net);
	notify_rules_init(&proxied);
	notify_rules_init(&none);
	notify_rules_init(&proxied2);
	proxied.restrict_net = proxied2.restrict_net = none.restrict_net = true;
	proxied.session_proxy = proxied2.session_proxy = true;
	assert_int_equal(notify_decide_session_proxy(&proxied).verdict, NOTIFY_ALLOW);
	assert_string_equal(notify_decide_session_proxy(&proxied).field, "session proxy");
	struct notify_decision d = notify_decide_session_proxy(&none);
	assert_int_equal(d.verdict, NOTIFY_REFUSE);
	assert_int_equal(d.err, EACCES);
	assert_non_null(strstr(d.field, "proxy-only"));
	assert_int_equal(notify_decide_session_proxy(&open_net).verdict, NOTIFY_ALLOW);
	/* chains: both proxy-only layers allow; one "none" layer refuses */
	proxied.also = &proxied2;
	assert_int_equal(notify_decide_session_proxy(&proxied).verdict, NOTIFY_ALLOW);
	proxied2.also = &none;
	assert_int_equal(notify_decide_session_proxy(&proxied).verdict, NOTIFY_REFUSE);
	none.also = &proxied;
	proxied2.also = NULL;
	assert_int_equal(notify_decide_session_proxy(&none).verdict, NOTIFY_REFUSE);
}

static void test_decide_unix(void **s)
{
	(void)s;
	struct notify_rules r;
	fs_rules(&r);
	r.restrict_net = true;
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 5);
	memcpy(un.sun_path, "\0abc", 4);
	assert_int_equal(notify_decide_net(&r, NOTIFY_NET_CONNECT, (struct sockaddr *)&un, len, NULL).verdict, NOTIFY_REFUSE);
	r.allow_abstract_unix = true;
	assert_int_equal(notify_decide_net(&r, NOTIFY_NET_CONNECT, (struct sockaddr *)&un, len, NULL).verdict, NOTIFY_ALLOW);
	strcpy(un.sun_path, "/x");
	assert_int_equal(notify_decide_net(&r, NOTIFY_NET_CONNECT, (struct sockaddr *)&un, len, "/home/u/proj/sock").verdict, NOTIFY_ALLOW);
	assert_int_equal(notify_decide_net(&r, NOTIFY_NET_CONNECT, (struct sockaddr *)&un, len, "/run/docker.sock").verdict, NOTIFY_REFUSE);
	assert_int_equal(notify_decide_net(&r, NOTIFY_NET_CONNECT, (struct sockaddr *)&un, len, NULL).verdict, NOTIFY_REFUSE);
	assert_int_equal(notify_decide_net(&r, NOTIFY_NET_BIND, (struct sockaddr *)&un, len, "/home/u/proj/.env/s").verdict, NOTIFY_REFUSE);
	/* unnamed */
	assert_int_equal(notify_decide_net(&r, NOTIFY_NET_CONNECT, (struct sockaddr *)&un, sizeof(sa_family_t), NULL).verdict, NOTIFY_ALLOW);
	notify_rules_free(&r);
}

static void test_format(void **s)
{
	(void)s;
	char out[160];
	struct sockaddr_in a = in4("1.2.3.4", 80);
	notify_format_sockaddr((struct sockaddr *)&a, sizeof(a), out, sizeof(out));
	assert_string_equal(out, "1.2.3.4:80");
	struct sockaddr_in6 b = in6("::1", 53);
	notify_format_sockaddr((struct sockaddr *)&b, sizeof(b), out, sizeof(out));
	assert_string_equal(out, "[::1]:53");
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	memcpy(un.sun_path, "\0abs", 4);
	notify_format_sockaddr((struct sockaddr *)&un, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 4), out, sizeof(out));
	assert_string_equal(out, "unix:@abs");
	notify_format_open_flags(O_WRONLY | O_CREAT | O_CLOEXEC, out, sizeof(out));
	assert_string_equal(out, "O_WRONLY|O_CREAT|O_CLOEXEC");
	notify_format_open_flags(O_RDONLY, out, sizeof(out));
	assert_string_equal(out, "O_RDONLY");
}

/* Plain struct filling: the policy's own helpers belong to the recipe
 * concern; this test needs only the data layout of policy.h. */
static void add(struct plist *l, const char *s, int line)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = (struct pstr){ (char *)s, pos(line) };
}

static void test_compile(void **s)
{
	(void)s;
	struct policy p;
	struct diags d = { 0 };
	struct notify_rules r;
	memset(&p, 0, sizeof(p));
	add(&p.fs.allow, "/usr", 1);
	add(&p.fs.allow_write, "/home/u/proj", 2);
	add(&p.fs.deny, "/home/u/proj/.git/hooks", 3);
	add(&p.proc.allow_execve, "/usr/bin/node", 4);
	add(&p.net.allow_ips, "10.0.0.0/8", 5);
	assert_int_equal(notify_rules_compile(&r, &p, &d), 0);
	assert_int_equal(d.n, 0);
	struct notify_decision x = notify_decide_write(&r, "/home/u/proj/.git/hooks/pre-commit");
	assert_int_equal(x.verdict, NOTIFY_REFUSE);
	assert_string_equal(x.at.file, "r.toml");
	assert_int_equal(x.at.line, 3);
	assert_int_equal(notify_decide_write(&r, "/home/u/proj/a").at.line, 2);
	assert_int_equal(notify_decide_exec(&r, "/usr/bin/node").at.line, 4);
	assert_int_equal(DEC4(&r, NOTIFY_NET_CONNECT, "10.9.9.9", 1).at.line, 5);
	assert_int_equal(DEC4(&r, NOTIFY_NET_CONNECT, "11.0.0.1", 1).verdict, NOTIFY_REFUSE);
	assert_int_equal(DEC4(&r, NOTIFY_NET_BIND, "127.0.0.1", 8080).verdict, NOTIFY_ALLOW);
	assert_false(r.allow_abstract_unix);
	notify_rules_free(&r);
	/* errors carry the entry's position */
	add(&p.net.allow_ips, "not-an-ip", 9);
	add(&p.fs.deny, "relative/path", 10);
	assert_int_equal(notify_rules_compile(&r, &p, &d), -1);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.v[0].at.line, 10);
	assert_int_equal(d.v[1].at.line, 9);
	notify_rules_free(&r);
	diags_free(&d);
	free(p.fs.allow.v), free(p.fs.allow_write.v), free(p.fs.deny.v);
	free(p.proc.allow_execve.v), free(p.net.allow_ips.v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_covers),
		cmocka_unit_test(test_lexical),
		cmocka_unit_test(test_open_access),
		cmocka_unit_test(test_decide_open),
		cmocka_unit_test(test_decide_write),
		cmocka_unit_test(test_decide_exec),
		cmocka_unit_test(test_parse_net),
		cmocka_unit_test(test_decide_net),
		cmocka_unit_test(test_decide_own_loopback),
		cmocka_unit_test(test_decide_unix),
		cmocka_unit_test(test_decide_session_proxy),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_compile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
