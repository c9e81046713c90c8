/* Session mode's supervisor (docs/session.md, DESIGN section 8): `can
 * session -- SHELL` keeps the PID the terminal knows, forks the shell under
 * the session's seccomp filter and answers its notifications until the
 * shell exits. The CLI (core/cli/cmd_session.c) parses the command line and
 * calls these. */
#ifndef CAN_SHELL_SESSION_H
#define CAN_SHELL_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct session_opts {
	char *const *argv;  /* the shell and its arguments; argv[0] looked up in PATH */
	bool verbose;
	/* Layers by emulation only (bench; also CANISTER_NO_LANDLOCK_AT_EXEC=1). */
	bool no_landlock_at_exec;
};

/* Runs the session; returns the exit status the supervisor exits with (the
 * shell's, 128+signal when it was killed, 126 when a wall could not be
 * built and nothing ran, 2 for a refused start such as nesting). */
int session_run(const struct session_opts *o);

/* The pid of the session this process is in, from CANISTER_SESSION when
 * that names a live process; 0 when there is none. */
pid_t session_current(void);

/* Why a session cannot start from here, or NULL: nesting and the
 * runtime directory. (The kernel features are probed by the CLI.) The
 * string is static or in buf. */
const char *session_refusal(char *buf, size_t size);

#endif
