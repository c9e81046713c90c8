/* The server name (SNI) of a TLS ClientHello, read from the first bytes a
 * client sends to the stub's address on 443 (transparent routing, ADR
 * 0110). Pure; never reads past p + n. */
#ifndef CAN_PROXY_TLS_SNI_H
#define CAN_PROXY_TLS_SNI_H

#include <stddef.h>
#include <stdint.h>

enum sni_rc {
	SNI_OK,    /* name holds the host name, lower-case */
	SNI_MORE,  /* a ClientHello so far: more bytes are needed */
	SNI_NONE,  /* a whole ClientHello without a (valid) host name */
	SNI_BAD,   /* not a TLS ClientHello in one record */
};

/* The first TLS record must hold the whole ClientHello (every client
 * does: it is under 2 KiB even with post-quantum key shares). name has
 * room for 254 bytes. */
enum sni_rc tls_sni_parse(const uint8_t *p, size_t n, char name[254]);

#endif
