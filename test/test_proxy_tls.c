/* TLS termination's parts (ADR 0103-0106): the response framer that keeps
 * a kept-alive tunnel's refusals between answers, the SNI name check, the
 * run's CA (real BoringSSL handshakes over a socketpair, no mock: the leaf
 * names the SNI, chains to the CA, and a client of another trust store or
 * another name fails), the bundle, and the sandbox wiring (environment,
 * mount plan). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "proxy/resp_frame.h"
#include "proxy/tls.h"
#include "sandbox/mount_plan.h"
#include "sandbox/run.h"
#include "util/util.h"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- the response framer ---- */

/* Feeds s whole, then byte by byte; both must agree. Returns the rc and
 * how many bytes belonged to the response. */
static enum resp_rc frame(const char *s, bool head, size_t *used)
{
	struct resp_frame *f = malloc(sizeof(*f));
	resp_frame_init(f, head);
	size_t n = strlen(s);
	enum resp_rc rc = resp_frame_feed(f, (const uint8_t *)s, n, used);
	resp_frame_init(f, head);
	size_t total = 0;
	enum resp_rc r2 = RESP_MORE;
	for (size_t i = 0; i < n && r2 == RESP_MORE; i++) {
		size_t u = 0;
		r2 = resp_frame_feed(f, (const uint8_t *)s + i, 1, &u);
		total += u;
	}
	assert_int_equal(rc, r2);
	if (rc != RESP_ERROR)
		assert_int_equal(*used, total);
	free(f);
	return rc;
}

static void test_frame_bodies(void **state)
{
	size_t u;
	const char *cl = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloNEXT";
	assert_int_equal(frame(cl, false, &u), RESP_DONE);
	assert_int_equal(u, strlen(cl) - 4);
	const char *ch = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nX";
	assert_int_equal(frame(ch, false, &u), RESP_DONE);
	assert_int_equal(u, strlen(ch) - 1);
	const char *nc = "HTTP/1.1 204 No Content\r\nContent-Length: 99\r\n\r\nX";
	assert_int_equal(frame(nc, false, &u), RESP_DONE);
	assert_int_equal(u, strlen(nc) - 1);
	const char *hd = "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\nX";
	assert_int_equal(frame(hd, true, &u), RESP_DONE);
	assert_int_equal(u, strlen(hd) - 1);
	const char *cont = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokZ";
	assert_int_equal(frame(cont, false, &u), RESP_DONE);
	assert_int_equal(u, strlen(cont) - 1);
	const char *zero = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nZ";
	assert_int_equal(frame(zero, false, &u), RESP_DONE);
	assert_int_equal(u, strlen(zero) - 1);
	/* 101: another protocol follows, to the connection's end */
	assert_int_equal(frame("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05hello",
			       false, &u), RESP_MORE);
	/* no length: the body ends with the connection */
	assert_int_equal(frame("HTTP/1.1 200 OK\r\n\r\nabc", false, &u), RESP_MORE);
	assert_int_equal(frame("HTTP/1.0 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nabc", false, &u),
			 RESP_MORE);
}

static void test_frame_interim_is_not_final(void **state)
{
	struct resp_frame f;
	size_t u;
	resp_frame_init(&f, false);
	const char *s = "HTTP/1.1 100 Continue\r\n\r\n";
	assert_int_equal(resp_frame_feed(&f, (const uint8_t *)s, strlen(s), &u), RESP_MORE);
	assert_false(f.final_started);
	s = "HTTP/1.1 413 Too Large\r\n";
	assert_int_equal(resp_frame_feed(&f, (const uint8_t *)s, strlen(s), &u), RESP_MORE);
	assert_true(f.final_started);
}

static void test_frame_errors(void **state)
{
	size_t u;
	assert_int_equal(frame("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
			       false, &u), RESP_ERROR);
	assert_int_equal(frame("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", false,
			       &u), RESP_ERROR);
	assert_int_equal(frame("HTTP/1.1 200 OK\nContent-Length: 5\r\n\r\n", false, &u), RESP_ERROR);
	assert_int_equal(frame("HTTP/2 200 OK\r\n\r\n", false, &u), RESP_ERROR);
	assert_int_equal(frame("HTTP/1.1 2x0 OK\r\n\r\n", false, &u), RESP_ERROR);
	assert_int_equal(frame("HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n", false, &u), RESP_ERROR);
	assert_int_equal(frame("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", false, &u), RESP_ERROR);
	assert_int_equal(frame("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
			       false, &u), RESP_ERROR);
	/* a long field line passes; a long framing field does not */
	char *csp = xcalloc(1, 20000);
	strcpy(csp, "HTTP/1.1 200 OK\r\nContent-Security-Policy: ");
	memset(csp + strlen(csp), 'a', 10000);
	strcat(csp, "\r\nContent-Length: 2\r\n\r\nokX");
	assert_int_equal(frame(csp, false, &u), RESP_DONE);
	assert_int_equal(u, strlen(csp) - 1);
	memset(csp, 0, 20000);
	strcpy(csp, "HTTP/1.1 200 OK\r\nContent-Length: ");
	memset(csp + strlen(csp), '0', 300);
	strcat(csp, "2\r\n\r\nok");
	assert_int_equal(frame(csp, false, &u), RESP_ERROR);
	free(csp);
	char *big = xmalloc(70000);
	strcpy(big, "HTTP/1.1 200 OK\r\n");
	for (size_t i = strlen(big); i < 69990; i += 10)
		memcpy(big + i, "X-A: 1234\r\n", 10);
	big[69990] = '\0';
	assert_int_equal(frame(big, false, &u), RESP_ERROR);
	free(big);
}

/* ---- names ---- */

static void test_name_ok(void **state)
{
	assert_true(tls_name_ok("registry.npmjs.org"));
	assert_true(tls_name_ok("a-b.c0"));
	assert_false(tls_name_ok(""));
	assert_false(tls_name_ok("a..b"));
	assert_false(tls_name_ok(".a"));
	assert_false(tls_name_ok("a."));
	assert_false(tls_name_ok("Upper.example")); /* the caller lower-cases first */
	assert_false(tls_name_ok("a,DNS:evil"));
	assert_false(tls_name_ok("a b"));
	assert_false(tls_name_ok("*.example"));
}

/* ---- the CA, with real handshakes ---- */

static char ca_file[64];
static struct tls_ca *ca, *client_side;

static int setup_ca(void **state)
{
	char err[300];
	ca = tls_ca_new(TLS_SYSTEM_BUNDLE, err, sizeof(err));
	if (!ca) {
		fprintf(stderr, "tls_ca_new: %s\n", err);
		return -1;
	}
	if (tls_ca_arm(ca, err, sizeof(err)) < 0)
		return -1;
	/* The other end trusts only this CA: a file with its PEM. */
	snprintf(ca_file, sizeof(ca_file), "/tmp/test_proxy_tls.XXXXXX");
	int fd = mkstemp(ca_file);
	const char *pem = tls_ca_cert_pem(ca);
	if (fd < 0 || write(fd, pem, strlen(pem)) != (ssize_t)strlen(pem))
		return -1;
	close(fd);
	client_side = tls_ca_new(ca_file, err, sizeof(err));
	return client_side && tls_ca_arm(client_side, err, sizeof(err)) == 0 ? 0 : -1;
}

static int teardown_ca(void **state)
{
	tls_ca_free(ca);
	tls_ca_free(client_side);
	unlink(ca_file);
	return 0;
}

/* Runs both handshakes over a socketpair. Returns the client's result
 * (1 = established) and the leaf subject's CN in cn. */
static int handshake(const char *connect_host, const char *client_name, bool is_ip, char *cn,
		     size_t cnlen, char *why, size_t whylen)
{
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	SSL *s = tls_server_new(ca, sv[0], connect_host);
	SSL *c = tls_client_new(client_side, sv[1], client_name, is_ip);
	assert_non_null(s);
	assert_non_null(c);
	int rs = 0, rc = 0;
	for (int i = 0; i < 200 && (rs != 1 || rc != 1); i++) {
		if (rs != 1) {
			rs = SSL_do_handshake(s);
			if (rs != 1 && SSL_get_error(s, rs) != SSL_ERROR_WANT_READ &&
			    SSL_get_error(s, rs) != SSL_ERROR_WANT_WRITE)
				rs = -2;
		}
		if (rc != 1) {
			rc = SSL_do_handshake(c);
			if (rc != 1 && SSL_get_error(c, rc) != SSL_ERROR_WANT_READ &&
			    SSL_get_error(c, rc) != SSL_ERROR_WANT_WRITE) {
				tls_client_error(c, rc, why, whylen);
				rc = -2;
				break;
			}
		}
		if (rs == -2)
			break;
	}
	cn[0] = '\0';
	X509 *peer = SSL_get_peer_certificate(c);
	if (peer) {
		X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, cn, (int)cnlen);
		X509_free(peer);
	}
	if (rc == 1) {
		const uint8_t *alpn;
		unsigned al;
		SSL_get0_alpn_selected(c, &alpn, &al);
		assert_int_equal(al, 8);
		assert_memory_equal(alpn, "http/1.1", 8);
	}
	SSL_free(s);
	SSL_free(c);
	close(sv[0]);
	close(sv[1]);
	ERR_clear_error();
	return rc;
}

static void test_leaf_for_sni(void **state)
{
	char cn[256], why[600];
	size_t before = tls_ca_leaf_count(ca);
	assert_int_equal(handshake("registry.example", "registry.example", false, cn, sizeof(cn), why,
				   sizeof(why)), 1);
	assert_string_equal(cn, "registry.example");
	/* cached: the same host again mints nothing */
	assert_int_equal(handshake("registry.example", "registry.example", false, cn, sizeof(cn), why,
				   sizeof(why)), 1);
	assert_int_equal(tls_ca_leaf_count(ca), before + 1);
	/* the SNI names the leaf (the proxy refuses the mismatch afterwards,
	 * inside the session) */
	assert_int_equal(handshake("registry.example", "other.example", false, cn, sizeof(cn), why,
				   sizeof(why)), 1);
	assert_string_equal(cn, "other.example");
}

static void test_ip_leaf(void **state)
{
	char cn[256], why[600];
	/* no SNI for an address: the leaf is for the CONNECT authority, an IP SAN */
	assert_int_equal(handshake("192.0.2.7", "192.0.2.7", true, cn, sizeof(cn), why, sizeof(why)), 1);
	assert_string_equal(cn, "192.0.2.7");
}

static void test_verify_fails_for_other_name(void **state)
{
	char cn[256], why[600] = "";
	/* The leaf is minted for the CONNECT authority, but the client checks
	 * a name it does not carry: the hostname check refuses it. */
	assert_int_equal(handshake("a.example", "192.0.2.9", true, cn, sizeof(cn), why, sizeof(why)), -2);
	assert_non_null(strstr(why, "did not verify"));
}

static void test_other_trust_store_fails(void **state)
{
	/* A client of the system store alone does not trust the run's CA. */
	char err[300], why[600] = "";
	struct tls_ca *sys = tls_ca_new(TLS_SYSTEM_BUNDLE, err, sizeof(err));
	assert_non_null(sys);
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	SSL *s = tls_server_new(ca, sv[0], "x.example");
	SSL *c = tls_client_new(sys, sv[1], "x.example", false);
	int rc = 0;
	for (int i = 0; i < 100; i++) {
		SSL_do_handshake(s);
		rc = SSL_do_handshake(c);
		int e = SSL_get_error(c, rc);
		if (rc == 1 || (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE))
			break;
	}
	assert_int_not_equal(rc, 1);
	tls_client_error(c, rc, why, sizeof(why));
	assert_non_null(strstr(why, "did not verify"));
	SSL_free(s);
	SSL_free(c);
	close(sv[0]);
	close(sv[1]);
	tls_ca_free(sys);
	ERR_clear_error();
}

static void test_bundle(void **state)
{
	char err[300];
	char *b = tls_ca_bundle(ca, TLS_SYSTEM_BUNDLE, err, sizeof(err));
	assert_non_null(b);
	/* the system roots first, the run's CA last, and no key anywhere */
	assert_non_null(strstr(b, tls_ca_cert_pem(ca)));
	assert_string_equal(b + strlen(b) - strlen(tls_ca_cert_pem(ca)), tls_ca_cert_pem(ca));
	assert_null(strstr(b, "PRIVATE KEY"));
	FILE *f = fopen(TLS_SYSTEM_BUNDLE, "r");
	char first[100] = "";
	assert_non_null(f);
	assert_non_null(fgets(first, sizeof(first), f));
	fclose(f);
	assert_memory_equal(b, first, strlen(first));
	free(b);
	assert_null(tls_ca_bundle(ca, "/nonexistent/roots.pem", err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/roots.pem"));

	char path[512];
	assert_int_equal(tls_ca_write_bundle(ca, TLS_SYSTEM_BUNDLE, path, sizeof(path), err,
					     sizeof(err)), 0);
	assert_int_equal(access(path, R_OK), 0);
	tls_ca_remove_bundle(path);
	assert_int_not_equal(access(path, F_OK), 0);
}

static void test_ca_needs_roots(void **state)
{
	char err[300];
	assert_null(tls_ca_new("/nonexistent/roots.pem", err, sizeof(err)));
	assert_non_null(strstr(err, "trust store"));
}

/* ---- the sandbox's side ---- */

static void test_env_ca(void **state)
{
	char **env = xcalloc(3, sizeof(char *));
	env[0] = xstrdup("SSL_CERT_FILE=/recipe/said/this.pem");
	env[1] = xstrdup("KEEP=1");
	env = run_env_add_ca(env, "/etc/ssl/certs/ca-certificates.crt");
	const char *want[] = { "SSL_CERT_FILE", "NODE_EXTRA_CA_CERTS", "REQUESTS_CA_BUNDLE", "PIP_CERT",
			       "CURL_CA_BUNDLE", "GIT_SSL_CAINFO", "CARGO_HTTP_CAINFO", "DENO_CERT",
			       "npm_config_cafile" };
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		char line[200];
		snprintf(line, sizeof(line), "%s=/etc/ssl/certs/ca-certificates.crt", want[i]);
		size_t hits = 0;
		for (char **e = env; *e; e++)
			hits += strcmp(*e, line) == 0;
		assert_int_equal(hits, 1);
	}
	bool keep = false;
	for (char **e = env; *e; e++) {
		assert_null(strstr(*e, "/recipe/said"));
		keep |= strcmp(*e, "KEEP=1") == 0;
	}
	assert_true(keep);
	run_env_free(env);
}

static void test_mount_plan_bundle(void **state)
{
	struct policy p;
	memset(&p, 0, sizeof(p));
	struct mount_plan pl;
	char err[200];
	struct mount_plan_in in = { .p = &p, .cwd = "/home/u/proj", .ca_bundle = "/run/user/1/can-ca.x/b" };
	assert_int_equal(mount_plan_build(&in, &pl, err, sizeof(err)), 0);
	size_t hits = 0;
	for (size_t i = 0; i < pl.n; i++) {
		if (!pl.ops[i].dst || strcmp(pl.ops[i].dst, MOUNT_CA_BUNDLE_DST) != 0)
			continue;
		hits++;
		assert_int_equal(pl.ops[i].kind, MNT_BIND_RO);
		assert_int_equal(pl.ops[i].need, MNT_REQUIRED);
		assert_string_equal(pl.ops[i].src, "/run/user/1/can-ca.x/b");
	}
	assert_int_equal(hits, 1);
	mount_plan_free(&pl);
	in.ca_bundle = NULL;
	assert_int_equal(mount_plan_build(&in, &pl, err, sizeof(err)), 0);
	for (size_t i = 0; i < pl.n; i++)
		assert_true(!pl.ops[i].dst || strcmp(pl.ops[i].dst, MOUNT_CA_BUNDLE_DST) != 0);
	mount_plan_free(&pl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_bodies),
		cmocka_unit_test(test_frame_interim_is_not_final),
		cmocka_unit_test(test_frame_errors),
		cmocka_unit_test(test_name_ok),
		cmocka_unit_test(test_leaf_for_sni),
		cmocka_unit_test(test_ip_leaf),
		cmocka_unit_test(test_verify_fails_for_other_name),
		cmocka_unit_test(test_other_trust_store_fails),
		cmocka_unit_test(test_bundle),
		cmocka_unit_test(test_ca_needs_roots),
		cmocka_unit_test(test_env_ca),
		cmocka_unit_test(test_mount_plan_bundle),
	};
	return cmocka_run_group_tests(tests, setup_ca, teardown_ca);
}
