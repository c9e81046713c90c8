/* The proxy's pure parts: the request-head lexer and its smuggling
 * checks, chunked framing, address classification, and the egress
 * decisions (destination, resolved address, request contract). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "proxy/addr.h"
#include "proxy/chunked.h"
#include "proxy/egress.h"
#include "proxy/http_head.h"
#include "proxy/refusal.h"
#include "proxy/upgrade.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

static enum http_err lex(const char *s, struct http_head *h)
{
	static char buf[8192];
	size_t n = strlen(s);
	memcpy(buf, s, n + 1);
	enum http_err e = http_lex_head(buf, n, h);
	return e ? e : http_head_check(h);
}

static void test_head_ok(void **state)
{
	(void)state;
	struct http_head h;
	assert_int_equal(lex("GET http://a.example/x?y HTTP/1.1\r\nHost: a.example\r\n"
			     "Content-Length: 5\r\nContent-Type: text/plain; x=1  \r\n\r\nhello", &h),
			 HTTP_OK);
	assert_true(http_span_eq(h.method, "GET"));
	assert_int_equal(h.target.n, strlen("http://a.example/x?y"));
	assert_int_equal(h.framing, HTTP_BODY_LENGTH);
	assert_int_equal(h.content_length, 5);
	assert_true(http_span_eq(h.content_type, "text/plain; x=1"));
	assert_int_equal(h.head_len, strlen("GET http://a.example/x?y HTTP/1.1\r\nHost: a.example\r\n"
					    "Content-Length: 5\r\nContent-Type: text/plain; x=1  \r\n\r\n"));
	assert_int_equal(lex("CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n", &h), HTTP_OK);
	assert_int_equal(lex("POST http://a/ HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
			     "Expect: 100-continue\r\n\r\n", &h), HTTP_OK);
	assert_int_equal(h.framing, HTTP_BODY_CHUNKED);
	assert_true(h.expect_continue);
	assert_int_equal(lex("GET http://a/ HTTP/1.1\r\nHost: a\r\n", &h), HTTP_INCOMPLETE);
}

/* Every shape two parsers could read differently is refused. */
static void test_head_smuggling(void **state)
{
	(void)state;
	struct http_head h;
	assert_int_equal(lex("POST http://a/ HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
			     "Transfer-Encoding: chunked\r\n\r\n", &h), HTTP_CL_AND_TE);
	assert_int_equal(lex("POST http://a/ HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
			     "Content-Length: 4\r\n\r\n", &h), HTTP_DUP_CL);
	assert_int_equal(lex("GET http://a/ HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", &h), HTTP_DUP_HOST);
	assert_int_equal(lex("GET http://a/ HTTP/1.1\r\nHost: a\r\nX: 1\r\n  folded\r\n\r\n", &h),
			 HTTP_OBS_FOLD);
	assert_int_equal(lex("GET http://a/ HTTP/1.1\nHost: a\r\n\r\n", &h), HTTP_BARE_LF);
	assert_int_equal(lex("GET http://a/ HTTP/1.1\r\nHost: a\n\r\n", &h), HTTP_BARE_LF);
	assert_int_equal(lex("POST http://a/ HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n", &h),
			 HTTP_BAD_TE);
	assert_int_equal(lex("POST http://a/ HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
			     "Transfer-Encoding: chunked\r\n\r\n", &h), HTTP_BAD_TE);
	assert_int_equal(lex("POST http://a/ HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\n", &h),
			 HTTP_BAD_CL);
	assert_int_equal(lex("GET http://a/ HTTP/1.1\r\nHost : a\r\n\r\n", &h), HTTP_BAD_FIELD);
	assert_int_equal(lex("GET http://a/ HTTP/1.1\r\nHost: a\x01\r\n\r\n", &h), HTTP_BAD_FIELD);
	assert_int_equal(lex("GET http://a/ HTTP/2.0\r\nHost: a\r\n\r\n", &h), HTTP_BAD_VERSION);
	assert_int_equal(lex("GET  http://a/ HTTP/1.1\r\nHost: a\r\n\r\n", &h), HTTP_BAD_REQUEST_LINE);
	assert_int_equal(lex("GET http://a/ HTTP/1.1\r\n\r\n", &h), HTTP_NO_HOST);
	/* A NUL inside the head. */
	char buf[64] = "GET http://a/ HTTP/1.1\r\nHost: a\0b\r\n\r\n";
	size_t n = 22 + 2 + 10 + 4;
	assert_int_equal(http_lex_head(buf, n, &h), HTTP_BAD_FIELD);
}

static enum chunked_rc feed(const char *s, size_t *used, uint64_t *payload)
{
	struct chunked c;
	chunked_init(&c);
	enum chunked_rc rc = chunked_feed(&c, (const uint8_t *)s, strlen(s), used);
	*payload = c.payload;
	return rc;
}

static void test_chunked(void **state)
{
	(void)state;
	size_t used;
	uint64_t pl;
	const char *ok = "5\r\nhello\r\na;ext=1\r\n0123456789\r\n0\r\n\r\nGET /next";
	assert_int_equal(feed(ok, &used, &pl), CHUNKED_DONE);
	assert_int_equal(used, strlen(ok) - strlen("GET /next"));
	assert_int_equal(pl, 15);
	assert_int_equal(feed("0\r\nX-Trailer: 1\r\n\r\n", &used, &pl), CHUNKED_DONE);
	assert_int_equal(feed("5\r\nhel", &used, &pl), CHUNKED_MORE);
	assert_int_equal(feed("5\nhello\r\n", &used, &pl), CHUNKED_ERROR);
	assert_int_equal(feed("5\r\nhelloX\r\n", &used, &pl), CHUNKED_ERROR);
	assert_int_equal(feed("g\r\n", &used, &pl), CHUNKED_ERROR);
	assert_int_equal(feed("1000000000000000\r\n", &used, &pl), CHUNKED_ERROR);
	/* byte by byte gives the same answer */
	struct chunked c;
	chunked_init(&c);
	enum chunked_rc rc = CHUNKED_MORE;
	size_t i;
	for (i = 0; ok[i] && rc == CHUNKED_MORE; i++)
		rc = chunked_feed(&c, (const uint8_t *)ok + i, 1, &used);
	assert_int_equal(rc, CHUNKED_DONE);
	assert_int_equal(i, strlen(ok) - strlen("GET /next"));
}

static const char *range(const char *s)
{
	struct ip16 a;
	assert_true(ip_parse(s, &a));
	return ip_internal_range(&a);
}

static void test_addr(void **state)
{
	(void)state;
	struct ip16 a;
	assert_string_equal(range("127.0.0.1"), "loopback");
	assert_string_equal(range("10.1.2.3"), "private");
	assert_string_equal(range("172.31.0.1"), "private");
	assert_null(range("172.32.0.1"));
	assert_string_equal(range("192.168.0.1"), "private");
	assert_string_equal(range("169.254.169.254"), "link-local");
	assert_string_equal(range("100.64.0.1"), "CGNAT");
	assert_string_equal(range("0.0.0.0"), "unspecified");
	assert_string_equal(range("::1"), "loopback");
	assert_string_equal(range("::ffff:127.0.0.1"), "loopback");
	assert_string_equal(range("::127.0.0.1"), "loopback");
	assert_string_equal(range("64:ff9b::a9fe:a9fe"), "link-local");
	assert_string_equal(range("2002:7f00:1::"), "loopback");
	assert_string_equal(range("fe80::1"), "link-local");
	assert_string_equal(range("fd00:ec2::254"), "private");
	assert_null(range("93.184.216.34"));
	assert_null(range("2606:4700::1111"));
	/* only canonical dotted quads */
	assert_false(ip_parse("2130706433", &a));
	assert_false(ip_parse("0x7f.0.0.1", &a));
	assert_false(ip_parse("0177.0.0.1", &a));
	assert_false(ip_parse("127.1", &a));
	assert_false(ip_parse("256.0.0.1", &a));
	struct ip_net n;
	assert_true(ip_net_parse("10.0.0.0/8", &n));
	assert_true(ip_parse("10.9.9.9", &a));
	assert_true(ip_net_covers(&n, &a, 80));
	assert_true(ip_parse("11.0.0.1", &a));
	assert_false(ip_net_covers(&n, &a, 80));
	assert_true(ip_net_parse("::1", &n));
	assert_true(ip_parse("::1", &a));
	assert_true(ip_net_covers(&n, &a, 1));
	assert_false(ip_net_parse("10.0.0.0/33", &n));
}

static void test_targets(void **state)
{
	(void)state;
	struct egress_target t;
	char why[256];
#define AUTH(s) egress_parse_authority(s, strlen(s), &t, why, sizeof(why))
#define ABS(s) egress_parse_absolute(s, strlen(s), &t, why, sizeof(why))
	assert_true(AUTH("Registry.NPMjs.org.:443"));
	assert_string_equal(t.host, "registry.npmjs.org");
	assert_int_equal(t.port, 443);
	assert_false(t.is_ip);
	assert_true(AUTH("[::1]:443"));
	assert_true(t.is_ip);
	assert_false(AUTH("a.example"));            /* no port */
	assert_false(AUTH("evil.example@a.example:443"));
	assert_false(AUTH("a.example:0"));
	assert_false(AUTH("a.example:65536"));
	assert_false(AUTH("a..example:443"));
	assert_false(AUTH("2130706433:443"));       /* decimal loopback */
	assert_false(AUTH("0x7f000001:443"));
	assert_false(AUTH("127.1:443"));
	assert_true(AUTH("127.0.0.1:443"));
	assert_true(t.is_ip);
	assert_true(ABS("http://a.example/x/y?q=1"));
	assert_string_equal(t.path, "/x/y?q=1");
	assert_int_equal(t.port, 80);
	assert_true(ABS("http://a.example:8080"));
	assert_string_equal(t.path, "/");
	assert_false(ABS("https://a.example/"));
	assert_false(ABS("/origin-form"));
	assert_false(ABS("http://user:pw@a.example/"));
	assert_true(ABS("http://a.example/"));
	assert_true(egress_host_matches(&t, "A.example", 9, 80));
	assert_true(egress_host_matches(&t, "a.example:80", 12, 80));
	assert_false(egress_host_matches(&t, "b.example", 9, 80));
	assert_false(egress_host_matches(&t, "a.example:81", 12, 80));
}

static struct srcpos at(int line)
{
	return (struct srcpos){ "r.toml", line, 1 };
}

static void npm_policy(struct policy *p)
{
	policy_init(p);
	struct host_rule *h = policy_add_host(p);
	h->domain = (struct pstr){ xstrdup("registry.npmjs.org"), at(3) };
	h->at = at(2);
	plist_add(&h->methods, "GET", at(4));
	plist_add(&h->methods, "POST", at(4));
	plist_add(&h->content_types, "application/json", at(5));
	h->max_request_bytes = (struct pint){ true, 1000, at(6) };
	h = policy_add_host(p);
	h->domain = (struct pstr){ xstrdup("*.example.com"), at(8) };
	plist_add(&h->paths, "/dist/**", at(9));
	plist_add(&h->paths, "/one/*.tgz", at(9));
	h->at = at(7);
}

static void dest(const struct policy *p, const char *auth, bool connect, struct egress_decision *d)
{
	struct egress_target t;
	char why[256];
	assert_true(egress_parse_authority(auth, strlen(auth), &t, why, sizeof(why)));
	egress_decide_dest(p, &t, connect, d);
}

static void test_decide_dest(void **state)
{
	(void)state;
	struct policy p;
	npm_policy(&p);
	struct egress_decision d;
	dest(&p, "registry.npmjs.org:443", true, &d);
	assert_int_equal(d.verdict, EGRESS_ALLOW);
	dest(&p, "a.b.example.com:443", true, &d);
	assert_int_equal(d.verdict, EGRESS_ALLOW);
	dest(&p, "example.com:443", true, &d); /* *.suffix is not the apex */
	assert_int_equal(d.verdict, EGRESS_REFUSE);
	dest(&p, "evil.example:443", true, &d);
	assert_int_equal(d.verdict, EGRESS_REFUSE);
	assert_int_equal(d.status, 403);
	assert_string_equal(d.error, "policy-blocked");
	assert_string_equal(d.patch, "[[host]]\ndomain = \"evil.example\"\n");
	dest(&p, "registry.npmjs.org:8443", true, &d); /* an allowed host on another port */
	assert_int_equal(d.verdict, EGRESS_REFUSE);
	assert_non_null(strstr(d.reason, "r.toml:2"));
	dest(&p, "1.1.1.1:443", true, &d);
	assert_int_equal(d.verdict, EGRESS_REFUSE);
	assert_string_equal(d.patch, "[network]\nallow_ips = [\"1.1.1.1\"]\n");
	dest(&p, "host.canister.local:8080", true, &d);
	assert_int_equal(d.verdict, EGRESS_REFUSE);
	assert_string_equal(d.patch, "[network]\nallow_host_loopback = true\n");
	p.net.allow_host_loopback = (struct pbool){ true, true, at(1) };
	dest(&p, "host.canister.local:8080", true, &d);
	assert_int_equal(d.verdict, EGRESS_ALLOW);
	assert_true(d.host_loopback);
	/* relaxed: unlisted names pass, logged */
	p.net.contract_mode = (struct popt){ true, xstrdup("relaxed"), at(1) };
	dest(&p, "evil.example:443", true, &d);
	assert_int_equal(d.verdict, EGRESS_ALLOW);
	assert_true(d.relaxed);
	policy_free(&p);
}

static void vet(const struct policy *p, const char *host, int port, const char *ip,
		struct egress_decision *d)
{
	struct egress_target t = { .port = port };
	strcpy(t.host, host);
	struct ip16 a;
	assert_true(ip_parse(ip, &a));
	egress_vet_addr(p, &t, true, &a, d);
}

static void test_vet_addr(void **state)
{
	(void)state;
	struct policy p;
	npm_policy(&p);
	struct egress_decision d;
	vet(&p, "registry.npmjs.org", 443, "104.16.0.1", &d);
	assert_int_equal(d.verdict, EGRESS_ALLOW);
	/* DNS rebinding: an allowed name that resolves inward */
	vet(&p, "registry.npmjs.org", 443, "127.0.0.1", &d);
	assert_int_equal(d.verdict, EGRESS_REFUSE);
	assert_non_null(strstr(d.reason, "loopback"));
	vet(&p, "registry.npmjs.org", 443, "::ffff:169.254.169.254", &d);
	assert_int_equal(d.verdict, EGRESS_REFUSE);
	vet(&p, "registry.npmjs.org", 443, "10.0.0.5", &d);
	assert_int_equal(d.verdict, EGRESS_REFUSE);
	assert_string_equal(d.patch, "[network]\nallow_ips = [\"10.0.0.5\"]\n");
	plist_add(&p.net.allow_ips, "10.0.0.0/8", at(1));
	vet(&p, "registry.npmjs.org", 443, "10.0.0.5", &d);
	assert_int_equal(d.verdict, EGRESS_ALLOW);
	vet(&p, "registry.npmjs.org", 8443, "10.0.0.5", &d);
	assert_int_equal(d.verdict, EGRESS_ALLOW);
	vet(&p, "registry.npmjs.org", 8443, "104.16.0.1", &d);
	assert_int_equal(d.verdict, EGRESS_REFUSE);
	policy_free(&p);
}

static void req(const struct policy *p, const char *host, const char *method, const char *path,
		const char *ct, uint64_t n, struct egress_decision *d)
{
	struct egress_target t = { .port = 443 };
	strcpy(t.host, host);
	struct egress_request r = { method, path, ct, n, 0 };
	egress_decide_request(p, &t, &r, d);
}

static void test_decide_request(void **state)
{
	(void)state;
	struct policy p;
	npm_policy(&p);
	struct egress_decision d;
	req(&p, "registry.npmjs.org", "GET", "/left-pad", NULL, 0, &d);
	assert_int_equal(d.verdict, EGRESS_ALLOW);
	req(&p, "registry.npmjs.org", "PUT", "/left-pad", NULL, 0, &d);
	assert_int_equal(d.verdict, EGRESS_REFUSE);
	assert_int_equal(d.status, 405);
	assert_string_equal(d.error, "contract-refused");
	assert_non_null(strstr(d.reason, "r.toml:4"));
	assert_string_equal(d.patch, "[[host]]\ndomain = \"registry.npmjs.org\"\nmethods = [\"PUT\"]\n");
	req(&p, "registry.npmjs.org", "POST", "/-/npm/v1/security", "text/plain", 3, &d);
	assert_int_equal(d.status, 415);
	req(&p, "registry.npmjs.org", "POST", "/x", "Application/JSON; charset=utf-8", 3, &d);
	assert_int_equal(d.verdict, EGRESS_ALLOW);
	req(&p, "registry.npmjs.org", "POST", "/x", "application/json", 1001, &d);
	assert_int_equal(d.status, 413);
	assert_string_equal(d.error, "body-too-large");
	req(&p, "cdn.example.com", "GET", "/dist/v1/a.tgz?x=1", NULL, 0, &d);
	assert_int_equal(d.verdict, EGRESS_ALLOW);
	req(&p, "cdn.example.com", "GET", "/one/a.tgz", NULL, 0, &d);
	assert_int_equal(d.verdict, EGRESS_ALLOW);
	req(&p, "cdn.example.com", "GET", "/one/sub/a.tgz", NULL, 0, &d);
	assert_int_equal(d.verdict, EGRESS_REFUSE);
	assert_string_equal(d.patch, "[[host]]\ndomain = \"*.example.com\"\npaths = [\"/one/sub/a.tgz\"]\n");
	/* relaxed contract: logged, not refused; the size limit still holds */
	p.hosts[0].contract_mode = (struct popt){ true, xstrdup("relaxed"), at(6) };
	req(&p, "registry.npmjs.org", "PUT", "/x", NULL, 0, &d);
	assert_int_equal(d.verdict, EGRESS_ALLOW);
	assert_true(d.relaxed);
	req(&p, "registry.npmjs.org", "POST", "/x", NULL, 5000, &d);
	assert_int_equal(d.verdict, EGRESS_REFUSE);
	policy_free(&p);
}

static void test_refusal_text(void **state)
{
	(void)state;
	char buf[4096];
	struct refusal r = { 403, "policy-blocked", "CONNECT evil.example:443", "no [[host]] block",
			     "[[host]]\ndomain = \"evil.example\"\n" };
	size_t n = refusal_response(&r, buf, sizeof(buf));
	assert_int_equal(n, strlen(buf));
	assert_non_null(strstr(buf, "HTTP/1.1 403 Forbidden\r\n"));
	assert_non_null(strstr(buf, "\r\nx-canister-error: policy-blocked\r\n"));
	const char *body = strstr(buf, "\r\n\r\n") + 4;
	char cl[64];
	snprintf(cl, sizeof(cl), "Content-Length: %zu\r\n", strlen(body));
	assert_non_null(strstr(buf, cl));
	assert_non_null(strstr(body, "# can proxy patch\n[[host]]\ndomain = \"evil.example\"\n"));
}

static void test_merge_patches(void **state)
{
	(void)state;
	char *p[] = { "[network]\nallow_ips = [\"1.1.1.1\"]\n", "[[host]]\ndomain = \"a.example\"\n",
		      "[network]\nallow_host_loopback = true\n", "[network]\nallow_ips = [\"10.0.0.1\"]\n",
		      "[network]\nallow_ips = [\"1.1.1.1\"]\n", "[[host]]\ndomain = \"b.example\"\n" };
	char *m = refusal_merge_patches(p, 6);
	assert_string_equal(m, "[network]\nallow_ips = [\"1.1.1.1\", \"10.0.0.1\"]\nallow_host_loopback = true\n"
			       "\n[[host]]\ndomain = \"a.example\"\n\n[[host]]\ndomain = \"b.example\"\n");
	free(m);
}

/* Monitor mode (ADR 0204): a check skipped lets the next one speak. */
static void test_decide_request_skip(void **state)
{
	(void)state;
	struct policy p;
	npm_policy(&p);
	struct egress_decision d;
	struct egress_target t = { .port = 443 };
	strcpy(t.host, "registry.npmjs.org");
	struct egress_request r = { "PUT", "/-/npm/v1/security", "text/plain", 3, 0 };
	egress_decide_request(&p, &t, &r, &d);
	assert_int_equal(d.status, 405);
	r.skip = EGRESS_SKIP_METHOD;
	egress_decide_request(&p, &t, &r, &d);
	assert_int_equal(d.status, 415);
	r.skip |= EGRESS_SKIP_TYPE;
	egress_decide_request(&p, &t, &r, &d);
	assert_int_equal(d.verdict, EGRESS_ALLOW);
	/* a path that would widen the rule it suggests gets no patch */
	strcpy(t.host, "cdn.example.com");
	struct egress_request g = { "GET", "/x\", \"/**", NULL, 0, 0 };
	egress_decide_request(&p, &t, &g, &d);
	assert_int_equal(d.status, 403);
	assert_string_equal(d.patch, "");
	g.path = "/a/*";
	egress_decide_request(&p, &t, &g, &d);
	assert_string_equal(d.patch, "");
	g.path = "/a/b";
	egress_decide_request(&p, &t, &g, &d);
	assert_string_equal(d.patch, "[[host]]\ndomain = \"*.example.com\"\npaths = [\"/a/b\"]\n");
	policy_free(&p);
}

static void test_merge_hosts(void **state)
{
	(void)state;
	char *p[] = { "[[host]]\ndomain = \"a.example\"\nmethods = [\"POST\"]\n",
		      "[network]\nallow_ips = [\"1.1.1.1\"]\n",
		      "[[host]]\ndomain = \"b.example\"\n",
		      "[[host]]\ndomain = \"a.example\"\npaths = [\"/x\"]\n",
		      "[[host]]\ndomain = \"a.example\"\npaths = [\"/y\"]\n",
		      "[[host]]\ndomain = \"a.example\"\nmethods = [\"PUT\"]\n" };
	char *m = refusal_merge_hosts(p, 6);
	assert_string_equal(m, "[[host]]\ndomain = \"a.example\"\nmethods = [\"POST\", \"PUT\"]\n"
			       "paths = [\"/x\", \"/y\"]\n\n[[host]]\ndomain = \"b.example\"\n");
	free(m);
	m = refusal_merge_hosts(p + 1, 1);
	assert_string_equal(m, "");
	free(m);
}

/* Upgrade fields and the websocket key of the contract (ADR 0111). */
static void test_upgrade(void **state)
{
	(void)state;
	assert_int_equal(upgrade_kind(NULL, 0), UPGRADE_NONE);
	const char *v[] = { "websocket", "WebSocket", " h2c, websocket/13 ", "websocket ,x" };
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_int_equal(upgrade_kind(v[i], strlen(v[i])), UPGRADE_WEBSOCKET);
	const char *o[] = { "h2c", "", "websockets", "web socket", "TLS/1.2", "xwebsocket" };
	for (size_t i = 0; i < sizeof(o) / sizeof(o[0]); i++)
		assert_int_equal(upgrade_kind(o[i], strlen(o[i])), UPGRADE_OTHER);

	struct policy p;
	npm_policy(&p);
	struct egress_target t;
	char why[256];
	assert_true(egress_parse_absolute("http://registry.npmjs.org/ws", 28, &t, why, sizeof(why)));
	struct egress_decision d;
	upgrade_decide(&p, &t, "GET", &d); /* no websocket key: refused with the patch */
	assert_int_equal(d.verdict, EGRESS_REFUSE);
	assert_int_equal(d.status, 403);
	assert_string_equal(d.error, "contract-refused");
	assert_non_null(strstr(d.reason, "r.toml:2"));
	assert_string_equal(d.patch, "[[host]]\ndomain = \"registry.npmjs.org\"\nwebsocket = true\n");
	p.hosts[0].websocket = (struct pbool){ true, false, at(7) };
	upgrade_decide(&p, &t, "GET", &d); /* websocket = false: the same */
	assert_int_equal(d.verdict, EGRESS_REFUSE);
	p.hosts[0].websocket = (struct pbool){ true, true, at(7) };
	upgrade_decide(&p, &t, "GET", &d);
	assert_int_equal(d.verdict, EGRESS_ALLOW);
	upgrade_decide(&p, &t, "POST", &d); /* RFC 6455: a GET */
	assert_int_equal(d.status, 400);
	/* a host the contract does not name: the patch names the host */
	assert_true(egress_parse_absolute("http://a.example.org/", 21, &t, why, sizeof(why)));
	upgrade_decide(&p, &t, "GET", &d);
	assert_int_equal(d.status, 403);
	assert_string_equal(d.patch, "[[host]]\ndomain = \"a.example.org\"\nwebsocket = true\n");
	/* *.suffix: the block's domain, as the other patches */
	assert_true(egress_parse_absolute("http://cdn.example.com/", 23, &t, why, sizeof(why)));
	upgrade_decide(&p, &t, "GET", &d);
	assert_string_equal(d.patch, "[[host]]\ndomain = \"*.example.com\"\nwebsocket = true\n");
	policy_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_head_ok),
		cmocka_unit_test(test_head_smuggling),
		cmocka_unit_test(test_chunked),
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_decide_dest),
		cmocka_unit_test(test_vet_addr),
		cmocka_unit_test(test_decide_request),
		cmocka_unit_test(test_refusal_text),
		cmocka_unit_test(test_merge_patches),
		cmocka_unit_test(test_decide_request_skip),
		cmocka_unit_test(test_merge_hosts),
		cmocka_unit_test(test_upgrade),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
