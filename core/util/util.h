/* Small helpers every part of can uses: allocation that never returns NULL,
 * and error printing in the one format users see: "can: what: why". */
#ifndef CAN_UTIL_H
#define CAN_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "can: <msg>\n" on stderr. */
void can_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "can: <msg>: <ERRNAME>: <strerror>\n" on stderr, using the current errno. */
void can_warn_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* can_warn then exit(code). */
_Noreturn void can_die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
_Noreturn void can_die_errno(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes all of `s` to an existing file (opened O_WRONLY, no O_CREAT), as
 * for /proc and cgroup files that take one write. 0, or -1 with errno set
 * (EIO for a short write). */
int write_string_file(const char *path, const char *s);

/* A growable array of malloc'd strings: appends s (taken over). */
void strv_push(char ***v, size_t *n, char *s);
/* Frees each string and the array. */
void strv_free(char **v, size_t n);
/* stat() says path is a regular file. */
bool is_regular_file(const char *path);

/* Replaces path with exactly data, atomically: a temporary file beside it
 * (hidden, O_EXCL, never through a symlink), given mode, synced, renamed
 * over path. 0, or -1 with errno set and nothing left behind. */
int write_file_atomic(const char *path, const void *data, size_t len, unsigned mode);

/* Symbolic name of an errno value ("EPERM"), or "E?" when unknown. */
const char *errno_name(int err);

/* Exit codes, shared by every command. */
enum {
	CAN_EXIT_OK = 0,
	CAN_EXIT_FAIL = 1,      /* the operation failed (e.g. check found problems) */
	CAN_EXIT_USAGE = 2,     /* bad command line or bad recipe */
	CAN_EXIT_WALL = 126,    /* a sandbox wall could not be built: nothing ran */
	CAN_EXIT_NOTFOUND = 127 /* the command was not found inside the sandbox */
};

#endif
