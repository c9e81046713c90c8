/* libFuzzer target: the SNI reader of transparent routing (proxy/tls_sni.c)
 * on arbitrary bytes. A name it returns must be one a leaf can be minted
 * for (tls_name_ok's alphabet, lower-case, 1-253 bytes); every prefix of an
 * input it reads whole must read as "more" or the same verdict, never as
 * another name (the proxy decides on a prefix as bytes arrive). */
#include "proxy/tls_sni.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	uint8_t *copy = malloc(n ? n : 1); /* exactly n bytes: ASan sees over-reads */
	memcpy(copy, data, n);
	char name[254];
	enum sni_rc rc = tls_sni_parse(copy, n, name);
	if (rc == SNI_OK) {
		size_t len = strlen(name);
		if (len == 0 || len > 253 || name[0] == '.' || name[len - 1] == '.')
			abort();
		for (size_t i = 0; i < len; i++) {
			char c = name[i];
			if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
			      (c == '.' && name[i + 1] != '.')))
				abort();
		}
	}
	if (rc == SNI_OK || rc == SNI_NONE) {
		char again[254];
		for (size_t k = 0; k < n; k += 1 + k / 8) {
			enum sni_rc r2 = tls_sni_parse(copy, k, again);
			if (r2 == SNI_OK && (rc != SNI_OK || strcmp(again, name) != 0))
				abort();
		}
	}
	free(copy);
	return 0;
}
