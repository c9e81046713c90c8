/* The TLS sessions of a terminated tunnel, made from the run's CA
 * (ca.h, tls.c). */
#ifndef CAN_PROXY_TLS_H
#define CAN_PROXY_TLS_H

#include "proxy/ca.h"

#include <openssl/ssl.h>

#include <stdbool.h>

/* A server-side TLS session on fd for a client that CONNECTed to
 * connect_host (kept by the caller for the session's life): the leaf is
 * for the SNI name when the client sends a valid one, else for
 * connect_host, so a mismatch is refused inside TLS where the client sees
 * it. */
SSL *tls_server_new(struct tls_ca *ca, int fd, const char *connect_host);
/* A client-side session on fd to host (a name, or an IP literal): SNI and
 * hostname (or IP) verification against the roots, ALPN http/1.1. */
SSL *tls_client_new(struct tls_ca *ca, int fd, const char *host, bool is_ip);

/* Is name something a leaf may be minted for: 1-253 bytes of lower-case
 * letters, digits, '-', '.' (no empty label)? Pure, for SNI values. */
bool tls_name_ok(const char *name);

/* The reason an upstream handshake failed, for a refusal ("certificate
 * verify failed: unable to get local issuer certificate"). */
void tls_client_error(SSL *ssl, int ret, char *buf, size_t cap);

#endif
