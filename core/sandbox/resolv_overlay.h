/* The name-service files a proxy-only sandbox sees (ADR 0109):
 * /etc/resolv.conf names the DNS stub the proxy serves on 127.0.0.1:53
 * inside the sandbox's network namespace, /etc/hosts holds localhost (and
 * host.canister.local when [network] allow_host_loopback). Both are files
 * can writes on the host and binds read-only over the host's, so nothing
 * inside can point the resolver elsewhere. */
#ifndef CAN_SANDBOX_RESOLV_OVERLAY_H
#define CAN_SANDBOX_RESOLV_OVERLAY_H

#include <stdbool.h>
#include <stddef.h>

/* Where the DNS stub answers allowed names: one fixed loopback address
 * inside the sandbox, where the proxy also listens on 80 and 443
 * (transparent routing by Host and SNI, ADR 0110). Not 127.0.0.1, so a
 * server the sandbox runs on 127.0.0.1:80 or :443 does not clash. */
#define RUN_STUB_ADDR "127.0.0.2"
#define RUN_STUB_ADDR_HL 0x7f000002u /* the same, host byte order */
#define RUN_STUB_DNS_PORT 53         /* on 127.0.0.1, UDP */

#define RESOLV_OVERLAY_CONF_DST "/etc/resolv.conf"
#define RESOLV_OVERLAY_HOSTS_DST "/etc/hosts"

/* The files' text (pure; static strings). */
const char *resolv_overlay_conf_text(void);
const char *resolv_overlay_hosts_text(bool host_loopback);

/* The two files in a fresh private folder under $XDG_RUNTIME_DIR or /tmp:
 * conf and hosts (cap bytes each) receive their paths. 0, or -1 with err. */
int resolv_overlay_write(bool host_loopback, char *conf, char *hosts, size_t cap, char *err,
			 size_t errlen);
/* The same with conf_text as resolv.conf and no hosts file (egress =
 * "direct", docs/adr/0124): conf receives its path. */
int resolv_overlay_write_conf(const char *conf_text, char *conf, size_t cap, char *err,
			      size_t errlen);
/* Removes what resolv_overlay_write made (either path may be ""). */
void resolv_overlay_remove(const char *conf, const char *hosts);

#endif
