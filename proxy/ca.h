/* The run's CA for the egress proxy's TLS termination (docs/proxy.md,
 * ADR 0103-0105); the sessions it makes are in tls.h. No BoringSSL type
 * here, so the CLI can make the CA without BoringSSL's headers.
 *
 * One tls_ca per run, made in the supervisor before the sandbox exists:
 * an ECDSA P-256 CA whose private key lives in this process's memory only
 * (never written to a file, never passed to the sandbox), one P-256 key
 * shared by every leaf, the leaf certificates minted on first use and
 * cached for the run, the server context the sandbox's clients meet (ALPN
 * http/1.1) and the client context that dials upstream, verified against
 * the host's own trust store with a hostname check. */
#ifndef CAN_PROXY_CA_H
#define CAN_PROXY_CA_H

#include <stdbool.h>
#include <stddef.h>

/* The trust store upstream certificates are verified against (the host's;
 * a machine behind a corporate CA has it there), and the path the run's
 * combined bundle is bound over inside the sandbox. */
#define TLS_SYSTEM_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

struct tls_ca;

/* Makes the run's CA and both contexts; roots = the upstream trust store
 * (TLS_SYSTEM_BUNDLE). NULL with "what: why" in err. */
struct tls_ca *tls_ca_new(const char *roots, char *err, size_t errlen);
void tls_ca_free(struct tls_ca *ca);
/* Reads the keys back from the wipe-on-fork page, once the sandbox's
 * processes exist (proxy_start calls it). Returns 0, or -1 with err. */
int tls_ca_arm(struct tls_ca *ca, char *err, size_t errlen);

/* The CA certificate in PEM (owned by ca). */
const char *tls_ca_cert_pem(const struct tls_ca *ca);

/* The bundle the sandbox trusts: the PEM of roots, then the run's CA.
 * Returns a malloc'd string, or NULL with err set. */
char *tls_ca_bundle(const struct tls_ca *ca, const char *roots, char *err, size_t errlen);

/* Writes the bundle to a fresh folder of the supervisor's
 * ($XDG_RUNTIME_DIR, else /tmp: can-ca.XXXXXX/ca-certificates.crt) and
 * puts its path in path. Returns 0, or -1 with err set. */
int tls_ca_write_bundle(const struct tls_ca *ca, const char *roots, char *path, size_t pathlen,
			char *err, size_t errlen);
/* Removes that file and its folder. */
void tls_ca_remove_bundle(const char *path);

/* Leaf certificates minted so far (for tests and the bench). */
size_t tls_ca_leaf_count(const struct tls_ca *ca);

#endif
