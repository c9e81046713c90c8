/* libFuzzer target: the Upgrade field reader of the proxy (proxy/upgrade.c,
 * upgrade_kind) on arbitrary bytes. It must not read past the value; any
 * value (even empty) is an upgrade; and another token appended after a
 * comma never changes whether the value asks for a WebSocket (the tokens
 * are a list: one cannot hide or forge another). */
#include "proxy/upgrade.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	char *copy = malloc(n ? n : 1); /* exactly n bytes: ASan sees over-reads */
	memcpy(copy, data, n);
	enum upgrade_kind k = upgrade_kind(copy, n);
	if (k == UPGRADE_NONE)
		abort();
	char *more = malloc(n + 5);
	memcpy(more, data, n);
	memcpy(more + n, ", h2c", 5);
	enum upgrade_kind k2 = upgrade_kind(more, n + 5);
	if ((k == UPGRADE_WEBSOCKET) != (k2 == UPGRADE_WEBSOCKET))
		abort();
	free(more);
	free(copy);
	return 0;
}
