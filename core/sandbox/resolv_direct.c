/* The resolv.conf of egress = "direct" (resolv_direct.h). */
#include "sandbox/resolv_direct.h"
#include "util/util.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A nameserver line: optional blanks, "nameserver", then a blank or the
 * end (glibc's own test). */
static bool is_nameserver(const char *l, size_t n)
{
	size_t i = 0;
	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	static const char kw[] = "nameserver";
	if (n - i < sizeof kw - 1 || memcmp(l + i, kw, sizeof kw - 1) != 0)
		return false;
	i += sizeof kw - 1;
	return i == n || l[i] == ' ' || l[i] == '\t';
}

char *resolv_direct_text(const char *host, size_t len, const char *dns)
{
	static const char head[] = "# made by can: egress = \"direct\"; the host's resolv.conf with "
				   "pasta's DNS forwarder (docs/adr/0124)\n";
	size_t cap = sizeof head + strlen("nameserver \n") + strlen(dns) + len + 2;
	char *out = xmalloc(cap), *o = out;
	o += snprintf(o, cap, "%snameserver %s\n", head, dns);
	for (size_t i = 0; host && i < len;) {
		const char *nl = memchr(host + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (host + i)) : len - i;
		/* A line with a NUL is garbage (and dropping only the NUL
		 * could make a nameserver line of it): dropped whole. */
		if (!is_nameserver(host + i, n) && !memchr(host + i, '\0', n)) {
			memcpy(o, host + i, n);
			o += n;
			*o++ = '\n';
		}
		i += n + 1;
	}
	*o = '\0';
	return out;
}

char *resolv_direct_from_file(const char *path, const char *dns)
{
	enum { MAX = 64 * 1024 };
	char *buf = xmalloc(MAX);
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	while (fd >= 0 && len < MAX) {
		ssize_t r = read(fd, buf + len, MAX - len);
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	if (fd >= 0)
		close(fd);
	char *t = resolv_direct_text(buf, len, dns);
	free(buf);
	return t;
}
