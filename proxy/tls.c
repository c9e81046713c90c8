/* The run's CA, its leaf certificates and the two TLS contexts (tls.h).
 * The CA key is made here, in memory, and freed with the CA: no file, no
 * environment variable, no descriptor the sandbox inherits ever holds it.
 * It is made before the sandbox's processes are forked from this one, so
 * until the proxy starts (after the fork) both private keys are kept only
 * in one page marked MADV_WIPEONFORK: a forked child sees zeros there,
 * and the parsed keys the process once held were wiped when freed
 * (BoringSSL's free cleanses). */
#include "proxy/tls.h"
#include "proxy/addr.h"
#include "util/util.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/bytestring.h>
#include <openssl/ec_key.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/mem.h>
#include <openssl/nid.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Leaves are cached for the run; a sandbox that names more hosts than
 * this gets fresh ones minted (the oldest entry is replaced). */
#define LEAF_CACHE 256
/* Validity: from a day before now (clock skew between host and peers)
 * to 30 days on; a run outliving that needs a restart. */
#define NOT_BEFORE_SEC (-24L * 3600)
#define NOT_AFTER_SEC (30L * 24 * 3600)

struct leaf {
	char name[256];
	X509 *cert;
};

struct tls_ca {
	EVP_PKEY *ca_key, *leaf_key;
	X509 *ca_cert;
	char *ca_pem;
	SSL_CTX *server, *client;
	uint8_t *sealed;         /* one MADV_WIPEONFORK page: both keys, DER */
	size_t sealed_ca, sealed_leaf;
	struct leaf leaves[LEAF_CACHE];
	size_t nleaves, next_evict;
};

static void ssl_err(char *err, size_t errlen, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[200] = "unknown error";
	if (e)
		ERR_error_string_n(e, buf, sizeof(buf));
	snprintf(err, errlen, "%s: %s", what, buf);
	ERR_clear_error();
}

static EVP_PKEY *p256_key(void)
{
	EC_KEY *ec = EC_KEY_new_by_curve_name(NID_X9_62_prime256v1);
	EVP_PKEY *k = EVP_PKEY_new();
	if (!ec || !k || !EC_KEY_generate_key(ec) || !EVP_PKEY_assign_EC_KEY(k, ec)) {
		EC_KEY_free(ec);
		EVP_PKEY_free(k);
		return NULL;
	}
	return k;
}

static bool add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509V3_set_ctx(&v3, issuer, x, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_nconf_nid(NULL, &v3, nid, value);
	bool ok = e && X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok;
}

/* A certificate with a random 127-bit serial, the validity window, and
 * subject CN = cn. */
static X509 *cert_base(const char *cn, EVP_PKEY *pub)
{
	X509 *x = X509_new();
	BIGNUM *bn = BN_new();
	X509_NAME *nm = X509_NAME_new();
	bool ok = x && bn && nm && X509_set_version(x, X509_VERSION_3) &&
		  BN_rand(bn, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) &&
		  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) &&
		  X509_gmtime_adj(X509_getm_notBefore(x), NOT_BEFORE_SEC) &&
		  X509_gmtime_adj(X509_getm_notAfter(x), NOT_AFTER_SEC) &&
		  X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_UTF8, (const uint8_t *)cn, -1, -1,
					     0) &&
		  X509_set_subject_name(x, nm) && X509_set_pubkey(x, pub);
	BN_free(bn);
	X509_NAME_free(nm);
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static X509 *make_ca_cert(EVP_PKEY *key)
{
	X509 *x = cert_base("can sandbox proxy CA (this run only)", key);
	if (!x)
		return NULL;
	bool ok = X509_set_issuer_name(x, X509_get_subject_name(x)) &&
		  add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") &&
		  add_ext(x, x, NID_key_usage, "critical,keyCertSign,cRLSign") &&
		  add_ext(x, x, NID_subject_key_identifier, "hash") &&
		  X509_sign(x, key, EVP_sha256());
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* The subjectAltName: one DNS name, or one IP address. Built as a
 * structure, not from a config string, so no byte of a name can be read
 * as syntax. */
static bool add_san(X509 *x, const char *name)
{
	struct ip16 ip;
	GENERAL_NAMES *gens = sk_GENERAL_NAME_new_null();
	GENERAL_NAME *g = GENERAL_NAME_new();
	bool ok = gens && g;
	if (ok && ip_parse(name, &ip)) {
		ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
		bool v4 = ip_is_v4(&ip);
		ok = os && ASN1_OCTET_STRING_set(os, v4 ? ip.b + 12 : ip.b, v4 ? 4 : 16);
		if (ok)
			GENERAL_NAME_set0_value(g, GEN_IPADD, os);
		else
			ASN1_OCTET_STRING_free(os);
	} else if (ok) {
		ASN1_IA5STRING *s = ASN1_IA5STRING_new();
		ok = s && ASN1_STRING_set(s, name, (int)strlen(name));
		if (ok)
			GENERAL_NAME_set0_value(g, GEN_DNS, s);
		else
			ASN1_IA5STRING_free(s);
	}
	if (ok) {
		ok = sk_GENERAL_NAME_push(gens, g) != 0;
		if (ok)
			g = NULL;
	}
	ok = ok && X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0, X509V3_ADD_DEFAULT);
	GENERAL_NAME_free(g);
	sk_GENERAL_NAME_pop_free(gens, GENERAL_NAME_free);
	return ok;
}

static X509 *mint_leaf(struct tls_ca *ca, const char *name)
{
	X509 *x = cert_base(name, ca->leaf_key);
	if (!x)
		return NULL;
	bool ok = X509_set_issuer_name(x, X509_get_subject_name(ca->ca_cert)) &&
		  add_ext(x, ca->ca_cert, NID_basic_constraints, "critical,CA:FALSE") &&
		  add_ext(x, ca->ca_cert, NID_key_usage, "critical,digitalSignature") &&
		  add_ext(x, ca->ca_cert, NID_ext_key_usage, "serverAuth") &&
		  add_ext(x, ca->ca_cert, NID_authority_key_identifier, "keyid:always") &&
		  add_san(x, name) && X509_sign(x, ca->ca_key, EVP_sha256());
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

static X509 *leaf_for(struct tls_ca *ca, const char *name)
{
	for (size_t i = 0; i < ca->nleaves; i++)
		if (strcmp(ca->leaves[i].name, name) == 0)
			return ca->leaves[i].cert;
	X509 *x = mint_leaf(ca, name);
	if (!x)
		return NULL;
	struct leaf *l;
	if (ca->nleaves < LEAF_CACHE) {
		l = &ca->leaves[ca->nleaves++];
	} else {
		l = &ca->leaves[ca->next_evict];
		ca->next_evict = (ca->next_evict + 1) % LEAF_CACHE;
		X509_free(l->cert);
	}
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->cert = x;
	return x;
}

bool tls_name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 253 || name[0] == '.' || name[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = name[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
			  (ch == '.' && name[i + 1] != '.');
		if (!ok)
			return false;
	}
	return true;
}

/* Picks the leaf once the ClientHello is read: the SNI name when it is a
 * valid one, else the CONNECT authority (app data). The proxy compares
 * them after the handshake and refuses a mismatch inside TLS. */
static int cert_cb(SSL *ssl, void *arg)
{
	struct tls_ca *ca = arg;
	const char *sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
	char lower[256];
	const char *name = SSL_get_app_data(ssl);
	if (sni && strlen(sni) < sizeof(lower)) {
		size_t i = 0;
		for (; sni[i]; i++)
			lower[i] = (char)((sni[i] >= 'A' && sni[i] <= 'Z') ? sni[i] + 32 : sni[i]);
		lower[i] = '\0';
		if (tls_name_ok(lower))
			name = lower;
	}
	X509 *x = leaf_for(ca, name);
	if (!x || !SSL_use_certificate(ssl, x) || !SSL_use_PrivateKey(ssl, ca->leaf_key))
		return 0;
	return 1;
}

/* ALPN: http/1.1 when the client offers it; nothing otherwise (a client
 * that offers only h2 then fails, which is what it should see). */
static int alpn_cb(SSL *ssl, const uint8_t **out, uint8_t *outlen, const uint8_t *in,
		   unsigned inlen, void *arg)
{
	for (unsigned i = 0; i < inlen;) {
		unsigned l = in[i];
		if (i + 1 + l > inlen)
			break;
		if (l == 8 && memcmp(in + i + 1, "http/1.1", 8) == 0) {
			*out = in + i + 1;
			*outlen = 8;
			return SSL_TLSEXT_ERR_OK;
		}
		i += 1 + l;
	}
	return SSL_TLSEXT_ERR_NOACK;
}

#define SEALED_PAGE 4096

/* Moves both private keys into the wipe-on-fork page and frees them. */
static bool seal_keys(struct tls_ca *ca)
{
	void *pg = mmap(NULL, SEALED_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pg == MAP_FAILED)
		return false;
	ca->sealed = pg;
	if (madvise(pg, SEALED_PAGE, MADV_WIPEONFORK) < 0 || madvise(pg, SEALED_PAGE, MADV_DONTDUMP) < 0)
		return false;
	CBB cbb;
	uint8_t *out;
	if (!CBB_init_fixed(&cbb, ca->sealed, SEALED_PAGE / 2) ||
	    !EVP_marshal_private_key(&cbb, ca->ca_key) || !CBB_finish(&cbb, &out, &ca->sealed_ca))
		return false;
	if (!CBB_init_fixed(&cbb, ca->sealed + SEALED_PAGE / 2, SEALED_PAGE / 2) ||
	    !EVP_marshal_private_key(&cbb, ca->leaf_key) || !CBB_finish(&cbb, &out, &ca->sealed_leaf))
		return false;
	EVP_PKEY_free(ca->ca_key);
	EVP_PKEY_free(ca->leaf_key);
	ca->ca_key = ca->leaf_key = NULL;
	return true;
}

int tls_ca_arm(struct tls_ca *ca, char *err, size_t errlen)
{
	if (ca->ca_key)
		return 0;
	CBS cbs;
	CBS_init(&cbs, ca->sealed, ca->sealed_ca);
	ca->ca_key = EVP_parse_private_key(&cbs);
	CBS_init(&cbs, ca->sealed + SEALED_PAGE / 2, ca->sealed_leaf);
	ca->leaf_key = EVP_parse_private_key(&cbs);
	if (!ca->ca_key || !ca->leaf_key) {
		ssl_err(err, errlen, "read back the run's keys");
		return -1;
	}
	return 0;
}

struct tls_ca *tls_ca_new(const char *roots, char *err, size_t errlen)
{
	struct tls_ca *ca = xcalloc(1, sizeof(*ca));
	ca->ca_key = p256_key();
	ca->leaf_key = p256_key();
	if (!ca->ca_key || !ca->leaf_key) {
		ssl_err(err, errlen, "make the run's P-256 keys");
		goto fail;
	}
	ca->ca_cert = make_ca_cert(ca->ca_key);
	if (!ca->ca_cert) {
		ssl_err(err, errlen, "make the run's CA certificate");
		goto fail;
	}
	BIO *b = BIO_new(BIO_s_mem());
	const uint8_t *pem;
	size_t pl;
	if (!b || !PEM_write_bio_X509(b, ca->ca_cert) || !BIO_mem_contents(b, &pem, &pl)) {
		BIO_free(b);
		ssl_err(err, errlen, "write the CA certificate");
		goto fail;
	}
	ca->ca_pem = xstrndup((const char *)pem, pl);
	BIO_free(b);

	ca->server = SSL_CTX_new(TLS_method());
	ca->client = SSL_CTX_new(TLS_method());
	if (!ca->server || !ca->client) {
		ssl_err(err, errlen, "make the TLS contexts");
		goto fail;
	}
	SSL_CTX_set_min_proto_version(ca->server, TLS1_2_VERSION);
	SSL_CTX_set_min_proto_version(ca->client, TLS1_2_VERSION);
	SSL_CTX_set_alpn_select_cb(ca->server, alpn_cb, NULL);
	SSL_CTX_set_mode(ca->server, SSL_MODE_ENABLE_PARTIAL_WRITE);
	SSL_CTX_set_mode(ca->client, SSL_MODE_ENABLE_PARTIAL_WRITE);
	/* Upstream: the host's trust store, hostname checked per session. */
	if (!SSL_CTX_load_verify_locations(ca->client, roots, NULL)) {
		char what[400];
		snprintf(what, sizeof(what), "load the host's trust store %s", roots);
		ssl_err(err, errlen, what);
		goto fail;
	}
	SSL_CTX_set_verify(ca->client, SSL_VERIFY_PEER, NULL);
	if (!seal_keys(ca)) {
		snprintf(err, errlen, "keep the run's keys in a wipe-on-fork page: %s: %s",
			 errno_name(errno), strerror(errno));
		goto fail;
	}
	return ca;
fail:
	tls_ca_free(ca);
	return NULL;
}

void tls_ca_free(struct tls_ca *ca)
{
	if (!ca)
		return;
	for (size_t i = 0; i < ca->nleaves; i++)
		X509_free(ca->leaves[i].cert);
	SSL_CTX_free(ca->server);
	SSL_CTX_free(ca->client);
	X509_free(ca->ca_cert);
	EVP_PKEY_free(ca->ca_key);
	EVP_PKEY_free(ca->leaf_key);
	if (ca->sealed) {
		OPENSSL_cleanse(ca->sealed, SEALED_PAGE);
		munmap(ca->sealed, SEALED_PAGE);
	}
	free(ca->ca_pem);
	free(ca);
}

const char *tls_ca_cert_pem(const struct tls_ca *ca) { return ca->ca_pem; }

size_t tls_ca_leaf_count(const struct tls_ca *ca) { return ca->nleaves; }

SSL *tls_server_new(struct tls_ca *ca, int fd, const char *connect_host)
{
	SSL *s = SSL_new(ca->server);
	if (!s)
		return NULL;
	SSL_set_app_data(s, (void *)connect_host);
	SSL_set_cert_cb(s, cert_cb, ca);
	if (!SSL_set_fd(s, fd)) {
		SSL_free(s);
		return NULL;
	}
	SSL_set_accept_state(s);
	return s;
}

SSL *tls_client_new(struct tls_ca *ca, int fd, const char *host, bool is_ip)
{
	SSL *s = SSL_new(ca->client);
	if (!s)
		return NULL;
	static const uint8_t alpn[] = "\x08http/1.1";
	X509_VERIFY_PARAM *vp = SSL_get0_param(s);
	bool ok = SSL_set_fd(s, fd) && SSL_set_alpn_protos(s, alpn, sizeof(alpn) - 1) == 0;
	if (ok && is_ip) {
		ok = X509_VERIFY_PARAM_set1_ip_asc(vp, host);
	} else if (ok) {
		X509_VERIFY_PARAM_set_hostflags(vp, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		ok = SSL_set_tlsext_host_name(s, host) && X509_VERIFY_PARAM_set1_host(vp, host, strlen(host));
	}
	if (!ok) {
		SSL_free(s);
		return NULL;
	}
	SSL_set_connect_state(s);
	return s;
}

void tls_client_error(SSL *ssl, int ret, char *buf, size_t cap)
{
	long v = SSL_get_verify_result(ssl);
	unsigned long e = ERR_peek_error();
	if (v != X509_V_OK) {
		snprintf(buf, cap, "its certificate did not verify against the host's trust store "
			 "(" TLS_SYSTEM_BUNDLE "): %s", X509_verify_cert_error_string(v));
	} else if (e) {
		char eb[200];
		ERR_error_string_n(e, eb, sizeof(eb));
		snprintf(buf, cap, "the TLS handshake failed: %s", eb);
	} else {
		snprintf(buf, cap, "the TLS handshake failed (%s)",
			 ret == 0 ? "the connection closed" : "no reason given");
	}
	ERR_clear_error();
}
