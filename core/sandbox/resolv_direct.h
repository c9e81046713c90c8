/* The /etc/resolv.conf of an egress = "direct" sandbox (docs/adr/0124):
 * the host's, with its nameserver lines replaced by pasta's DNS forwarder
 * address, so a host resolver on loopback (systemd-resolved's 127.0.0.53),
 * which the sandbox cannot reach, is still what answers. */
#ifndef CAN_SANDBOX_RESOLV_DIRECT_H
#define CAN_SANDBOX_RESOLV_DIRECT_H

#include <stddef.h>

/* Pure: host (len bytes, not NUL-terminated, may be NULL) with every
 * "nameserver" line dropped and "nameserver DNS" first; the other lines
 * (search, domain, options, comments) kept, a line holding a NUL byte dropped, a missing
 * final newline added. A new string the caller frees. */
char *resolv_direct_text(const char *host, size_t len, const char *dns);

/* The same from the file at path (its first 64 KiB; a missing or
 * unreadable file is empty). */
char *resolv_direct_from_file(const char *path, const char *dns);

#endif
