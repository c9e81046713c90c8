/* core/util/procfs.h: one way to read a field of /proc/PID/status (or of
 * another small "Key:\tvalue" file such as /proc/self/fdinfo/N), instead of
 * one open-read-search loop per caller. The parser is pure so it can be
 * tested and fuzzed on plain text. */
#ifndef CAN_UTIL_PROCFS_H
#define CAN_UTIL_PROCFS_H

#include <stddef.h>
#include <sys/types.h>

/* Big enough for a whole /proc/PID/status (about 1.5 KiB on this kernel):
 * the kernel returns it in one read when the buffer can hold it. */
#define PROCFS_STATUS_MAX 4096

/* The number after `key` (e.g. "Tgid:") on a line that starts with it, in
 * text[0..len), read in `base` (10, 8 for Umask, 16 for signal masks).
 * Only line starts match: the one free-form line of status (Name) has its
 * newlines escaped by the kernel, so a process cannot forge a field.
 * 0 and *out set, or -1 with errno EINVAL (no such line, no digits, or
 * an overflow). */
int procfs_field(const char *text, size_t len, const char *key, int base,
		 unsigned long long *out);

/* The pids of a /proc/PID/task/TID/children text (decimal numbers after
 * one another, each followed by a space), in text[0..len), into out (at
 * most max). cut: the text filled the reader's buffer, so its last number
 * may be cut short: it is dropped. Anything that is not a pid in 1..
 * INT_MAX is skipped. The number stored. */
size_t procfs_pid_list(const char *text, size_t len, int cut, pid_t *out, size_t max);

/* Reads a small /proc file whole into buf (NUL-terminated). Its length, or
 * -1 with errno (ENOENT once the process has gone). */
ssize_t procfs_read(const char *path, char *buf, size_t size);

/* procfs_read of /proc/PID/status then procfs_field: -1 with errno when the
 * process is gone or has no such field. */
int procfs_status_field(pid_t pid, const char *key, int base, unsigned long long *out);

#endif
