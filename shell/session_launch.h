/* Internal to shell/: forking the shell under the session filter and taking
 * its listener (session_launch.c). */
#ifndef CAN_SHELL_SESSION_LAUNCH_H
#define CAN_SHELL_SESSION_LAUNCH_H

#include <stdbool.h>
#include <sys/types.h>

/* What the child's environment gets on top of the supervisor's. */
struct session_env {
	pid_t supervisor;
	const char *fifo, *sock, *state;
	pid_t probe;          /* protected like the supervisor (Landlock-at-exec's probe); 0 = none */
	bool *killable;       /* set: whether the filter has WAIT_KILLABLE_RECV */
};

/* Builds the filter, forks, and in the child: its own process group (the
 * terminal's foreground one when the supervisor held it), the session
 * variables, no_new_privs, the filter, then the handover and execvp.
 * In the parent: takes the listener with pidfd_getfd (the child's sendmsg
 * is trapped, so SCM_RIGHTS cannot carry it: docs/adr/0210) and gives it to
 * on_listener (which must start answering it: 0, or -1 to kill the child),
 * then lets the child exec. Returns the child's pid, or -1 with the reason
 * printed (nothing ran). */
pid_t session_launch(char *const *argv, const struct session_env *env,
                     int (*on_listener)(int listener, pid_t child, void *ctx), void *ctx);

#endif
