/* The bundle the sandbox trusts (ca.h): the host's roots and the run's CA
 * certificate, in a file of the supervisor's own that the mount plan binds
 * read-only over TLS_SYSTEM_BUNDLE inside. Only public certificates are
 * in it; the CA key is not (tls.c keeps it in memory). */
#include "proxy/ca.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *tls_ca_bundle(const struct tls_ca *ca, const char *roots, char *err, size_t errlen)
{
	FILE *f = fopen(roots, "re");
	if (!f) {
		snprintf(err, errlen, "read the host's trust store %s: %s: %s", roots,
			 errno_name(errno), strerror(errno));
		return NULL;
	}
	size_t n = 0, cap = 256 * 1024;
	char *out = xmalloc(cap);
	char buf[65536];
	size_t r;
	while ((r = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (n + r + 1 > cap) {
			cap = (n + r + 1) * 2;
			out = xrealloc(out, cap);
		}
		memcpy(out + n, buf, r);
		n += r;
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		free(out);
		snprintf(err, errlen, "read the host's trust store %s: EIO: a read failed", roots);
		return NULL;
	}
	const char *label = "# can: this run's proxy CA (its key never left the supervisor)\n";
	size_t need = n + 1 + strlen(label) + strlen(tls_ca_cert_pem(ca)) + 1;
	out = xrealloc(out, need);
	if (n && out[n - 1] != '\n')
		out[n++] = '\n';
	memcpy(out + n, label, strlen(label));
	n += strlen(label);
	memcpy(out + n, tls_ca_cert_pem(ca), strlen(tls_ca_cert_pem(ca)));
	n += strlen(tls_ca_cert_pem(ca));
	out[n] = '\0';
	return out;
}

int tls_ca_write_bundle(const struct tls_ca *ca, const char *roots, char *path, size_t pathlen,
			char *err, size_t errlen)
{
	char *pem = tls_ca_bundle(ca, roots, err, errlen);
	if (!pem)
		return -1;
	const char *base = getenv("XDG_RUNTIME_DIR");
	if (!base || base[0] != '/' || access(base, W_OK) != 0)
		base = "/tmp";
	char dir[400];
	snprintf(dir, sizeof(dir), "%s/can-ca.XXXXXX", base);
	if (!mkdtemp(dir)) {
		snprintf(err, errlen, "make a folder for the CA bundle in %s: %s: %s", base,
			 errno_name(errno), strerror(errno));
		free(pem);
		return -1;
	}
	snprintf(path, pathlen, "%s/ca-certificates.crt", dir);
	int rc = write_file_atomic(path, pem, strlen(pem), 0644);
	int e = errno;
	free(pem);
	if (rc < 0) {
		snprintf(err, errlen, "write the CA bundle %s: %s: %s", path, errno_name(e), strerror(e));
		rmdir(dir);
		return -1;
	}
	return 0;
}

void tls_ca_remove_bundle(const char *path)
{
	if (!path || !*path)
		return;
	unlink(path);
	char dir[512];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		rmdir(dir);
	}
}
