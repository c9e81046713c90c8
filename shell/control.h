/* The session's line protocol (docs/session.md): hints on the FIFO and
 * requests on the control socket, one line each,
 *   canister 1 <verb> [args]\n
 * Pure: the parser never decides anything but the shape of a line; what a
 * line may do is the supervisor's business (hints are never authority). */
#ifndef CAN_SHELL_CONTROL_H
#define CAN_SHELL_CONTROL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define CTL_MAX_LINE 4096

enum ctl_verb {
	CTL_INVALID = 0,
	CTL_DECLARE, /* FIFO: re-read the declaration of dir */
	CTL_REFRESH, /* FIFO: rewrite the state file */
	CTL_ALLOW,   /* socket: approve the current declaration of dir */
	CTL_FORGET,  /* socket: drop the approval of dir */
	CTL_LAYERS,  /* socket: list the layers */
	CTL_PING,    /* socket */
};

enum ctl_channel { CTL_FIFO, CTL_SOCKET };

struct ctl_msg {
	enum ctl_verb verb;
	char dir[PATH_MAX]; /* absolute, normalised, no trailing '/' (declare, allow, forget) */
};

/* Parses one line (len bytes, including its '\n', which must be the last
 * byte and the only one). Verbs not of the channel are invalid. Returns 0,
 * or -1 with *why set (a static string) and out->verb = CTL_INVALID. */
int ctl_parse(const char *line, size_t len, enum ctl_channel ch, struct ctl_msg *out,
              const char **why);

/* Normalises an absolute directory for the protocol and the state file:
 * "//" and "/./" collapsed, trailing '/' dropped; refused (-1, *why) when
 * relative, when it has a ".." component, a tab, a newline or a control
 * character, or does not fit. */
int ctl_normalize_dir(const char *in, size_t len, char *out, size_t size, const char **why);

#endif
