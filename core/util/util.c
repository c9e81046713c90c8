#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void *check_alloc(void *p)
{
	if (!p) {
		fputs("can: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *xmalloc(size_t n) { return check_alloc(malloc(n ? n : 1)); }
void *xcalloc(size_t nmemb, size_t size) { return check_alloc(calloc(nmemb ? nmemb : 1, size ? size : 1)); }
void *xrealloc(void *p, size_t n) { return check_alloc(realloc(p, n ? n : 1)); }
char *xstrdup(const char *s) { return check_alloc(strdup(s)); }
char *xstrndup(const char *s, size_t n) { return check_alloc(strndup(s, n)); }

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *out = NULL;
	va_start(ap, fmt);
	int r = vasprintf(&out, fmt, ap);
	va_end(ap);
	if (r < 0)
		check_alloc(NULL);
	return out;
}

static void vwarn(const char *fmt, va_list ap, int err, bool with_errno)
{
	char buf[2048];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (with_errno)
		fprintf(stderr, "can: %s: %s: %s\n", buf, errno_name(err), strerror(err));
	else
		fprintf(stderr, "can: %s\n", buf);
}

void can_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarn(fmt, ap, 0, false);
	va_end(ap);
}

void can_warn_errno(const char *fmt, ...)
{
	int err = errno;
	va_list ap;
	va_start(ap, fmt);
	vwarn(fmt, ap, err, true);
	va_end(ap);
	errno = err;
}

void can_die(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarn(fmt, ap, 0, false);
	va_end(ap);
	exit(code);
}

void can_die_errno(int code, const char *fmt, ...)
{
	int err = errno;
	va_list ap;
	va_start(ap, fmt);
	vwarn(fmt, ap, err, true);
	va_end(ap);
	exit(code);
}

const char *errno_name(int err)
{
	const char *n = strerrorname_np(err);
	return n ? n : "E?";
}

int write_string_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t len = strlen(s);
	ssize_t n = write(fd, s, len);
	int e = n < 0 ? errno : ((size_t)n == len ? 0 : EIO);
	close(fd);
	errno = e;
	return e ? -1 : 0;
}

void strv_push(char ***v, size_t *n, char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = s;
}

void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

bool is_regular_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int write_file_atomic(const char *path, const void *data, size_t len, unsigned mode)
{
	const char *slash = strrchr(path, '/');
	size_t dlen = slash ? (size_t)(slash - path + 1) : 0;
	char *tmp = xasprintf("%.*s.%s.can-tmp.%ld", (int)dlen, path, path + dlen, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		free(tmp);
		return -1;
	}
	int rc = 0;
	ssize_t w = write(fd, data, len);
	if (w != (ssize_t)len) {
		if (w >= 0)
			errno = EIO; /* short write: say so, not a stale errno */
		rc = -1;
	}
	if (rc == 0 && (fchmod(fd, (mode_t)mode) < 0 || fsync(fd) < 0))
		rc = -1;
	int err = errno;
	if (close(fd) < 0 && rc == 0) {
		rc = -1;
		err = errno;
	}
	if (rc == 0 && rename(tmp, path) < 0) {
		rc = -1;
		err = errno;
	}
	if (rc < 0) {
		unlink(tmp);
		errno = err;
	}
	free(tmp);
	return rc;
}
