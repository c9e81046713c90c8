/* The resolv.conf and hosts a proxy-only sandbox sees (resolv_overlay.h). */
#include "sandbox/resolv_overlay.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* No search domains (a name is asked as it is written, so the refusal
 * names what the client asked for), one attempt per query: the stub never
 * loses a datagram on loopback, and a refused name should fail at once,
 * not after glibc's five-second retries. */
const char *resolv_overlay_conf_text(void)
{
	return "# made by can: the DNS stub of this sandbox's egress proxy (docs/proxy.md)\n"
	       "nameserver 127.0.0.1\n"
	       "options attempts:1 timeout:2\n";
}

const char *resolv_overlay_hosts_text(bool host_loopback)
{
	if (host_loopback)
		return "# made by can (docs/proxy.md)\n"
		       "127.0.0.1\tlocalhost\n"
		       "::1\tlocalhost ip6-localhost ip6-loopback\n"
		       RUN_STUB_ADDR "\thost.canister.local\n";
	return "# made by can (docs/proxy.md)\n"
	       "127.0.0.1\tlocalhost\n"
	       "::1\tlocalhost ip6-localhost ip6-loopback\n";
}

/* conf_text (and hosts_text unless NULL) into a fresh private folder. */
static int write_files(const char *ct, const char *ht, char *conf, char *hosts, size_t cap,
		       char *err, size_t errlen)
{
	conf[0] = '\0';
	if (hosts)
		hosts[0] = '\0';
	const char *base = getenv("XDG_RUNTIME_DIR");
	if (!base || base[0] != '/' || access(base, W_OK) != 0)
		base = "/tmp";
	char dir[400];
	snprintf(dir, sizeof(dir), "%s/can-dns.XXXXXX", base);
	if (!mkdtemp(dir)) {
		snprintf(err, errlen, "make a folder for resolv.conf in %s: %s: %s", base,
			 errno_name(errno), strerror(errno));
		return -1;
	}
	snprintf(conf, cap, "%s/resolv.conf", dir);
	if (hosts)
		snprintf(hosts, cap, "%s/hosts", dir);
	if (write_file_atomic(conf, ct, strlen(ct), 0644) < 0 ||
	    (hosts && write_file_atomic(hosts, ht, strlen(ht), 0644) < 0)) {
		int e = errno;
		snprintf(err, errlen, "write %s: %s: %s", dir, errno_name(e), strerror(e));
		resolv_overlay_remove(conf, hosts);
		return -1;
	}
	return 0;
}

int resolv_overlay_write(bool host_loopback, char *conf, char *hosts, size_t cap, char *err,
			 size_t errlen)
{
	return write_files(resolv_overlay_conf_text(), resolv_overlay_hosts_text(host_loopback), conf,
			   hosts, cap, err, errlen);
}

int resolv_overlay_write_conf(const char *conf_text, char *conf, size_t cap, char *err,
			      size_t errlen)
{
	return write_files(conf_text, NULL, conf, NULL, cap, err, errlen);
}

void resolv_overlay_remove(const char *conf, const char *hosts)
{
	if (hosts && *hosts)
		unlink(hosts);
	if (!conf || !*conf)
		return;
	unlink(conf);
	char dir[512];
	snprintf(dir, sizeof(dir), "%s", conf);
	char *slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		rmdir(dir);
	}
}
