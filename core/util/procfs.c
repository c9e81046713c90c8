/* core/util/procfs.c: see procfs.h. */
#include "util/procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int procfs_field(const char *text, size_t len, const char *key, int base,
		 unsigned long long *out)
{
	size_t klen = strlen(key);
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		if ((size_t)(le - p) > klen && memcmp(p, key, klen) == 0) {
			/* Copy the value: text need not be NUL-terminated. */
			char buf[64];
			const char *v = p + klen;
			while (v < le && (*v == ' ' || *v == '\t'))
				v++;
			size_t n = (size_t)(le - v);
			if (n == 0 || n >= sizeof(buf) || *v == '-' || *v == '+')
				break;
			memcpy(buf, v, n);
			buf[n] = '\0';
			char *e;
			errno = 0;
			unsigned long long x = strtoull(buf, &e, base);
			/* Several values (Uid:) are tab-separated: the first counts. */
			if (e == buf || errno || (*e && *e != ' ' && *e != '\t'))
				break;
			*out = x;
			return 0;
		}
		p = le + 1;
	}
	errno = EINVAL;
	return -1;
}

size_t procfs_pid_list(const char *text, size_t len, int cut, pid_t *out, size_t max)
{
	size_t n = 0, i = 0;
	while (i < len && n < max) {
		while (i < len && (text[i] == ' ' || text[i] == '\n'))
			i++;
		size_t w = i;
		unsigned long long v = 0;
		int ok = 1;
		for (; i < len && text[i] != ' ' && text[i] != '\n'; i++) {
			if (text[i] < '0' || text[i] > '9' || v > INT_MAX)
				ok = 0;
			else
				v = v * 10 + (unsigned long long)(text[i] - '0');
		}
		if (i == w)
			break;
		if (cut && i == len)
			break; /* the last number, perhaps cut short */
		if (ok && v >= 1 && v <= INT_MAX)
			out[n++] = (pid_t)v;
	}
	return n;
}

ssize_t procfs_read(const char *path, char *buf, size_t size)
{
	if (size == 0) {
		errno = EINVAL;
		return -1;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, size - 1);
	int err = errno;
	close(fd);
	if (n < 0) {
		errno = err;
		return -1;
	}
	buf[n] = '\0';
	return n;
}

int procfs_status_field(pid_t pid, const char *key, int base, unsigned long long *out)
{
	char path[64], buf[PROCFS_STATUS_MAX];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	ssize_t n = procfs_read(path, buf, sizeof(buf));
	if (n < 0)
		return -1;
	return procfs_field(buf, (size_t)n, key, base, out);
}
