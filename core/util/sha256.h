/* SHA-256 (FIPS 180-4), for `can update`'s checksum files: small, pure,
 * and tested against the standard's examples (test/test_manifest_update.c).
 * can does not link a crypto library for this (start-up cost, ADR 0070). */
#ifndef CAN_SHA256_H
#define CAN_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;      /* bytes so far */
	unsigned char buf[64];
	size_t nbuf;
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t n);
void sha256_final(struct sha256 *c, unsigned char out[32]);
/* The digest of data as 64 lower-case hex digits and a NUL. */
void sha256_hex(const void *data, size_t n, char out[65]);

#endif
