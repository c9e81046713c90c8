/* The session's runtime directory, <rundir> in docs/session.md: where the
 * supervisor keeps its FIFO, control socket and state file. */
#ifndef CAN_SHELL_RUNDIR_H
#define CAN_SHELL_RUNDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* The path, pure: "$XDG_RUNTIME_DIR/canister" when xdg is set and absolute,
 * else "/tmp/canister-<uid>". Returns 0, or -1 when it does not fit. */
int rundir_path(const char *xdg, uid_t uid, char *out, size_t size);

/* Whether an existing rundir is acceptable, pure: a directory (not a
 * symlink: st comes from lstat) owned by uid with no group or other bits.
 * NULL when it is, else why not. */
const char *rundir_refusal(const struct stat *st, uid_t uid);

/* Finds (and with create, makes 0700) the rundir for this process's
 * environment and uid, and checks it. 0 with out set, or -1 with a
 * one-line reason in err. */
int rundir_open(bool create, char *out, size_t size, char *err, size_t errlen);

/* The three files of the session of pid: kind is "fifo", "sock" or
 * "state". 0, or -1 when it does not fit. */
int rundir_file(const char *rundir, pid_t pid, const char *kind, char *out, size_t size);

#endif
