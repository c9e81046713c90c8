/* PID 1 of the sandbox: reaps every child, forwards INT TERM HUP QUIT USR1
 * USR2 WINCH CONT to the command, and exits with the command's status
 * (128+N for signal N), which ends every other process in the namespace. */
#ifndef CAN_INIT_H
#define CAN_INIT_H

#include <signal.h>
#include <sys/types.h>

/* The signals init (and the host-side can) forward to the command. */
extern const int init_forwarded_signals[];
/* Fills *set with init_forwarded_signals plus SIGCHLD. */
void init_signal_set(sigset_t *set);

/* Call with init_signal_set() blocked (it stays blocked across fork so no
 * signal is lost between fork and the loop). parent_fd: read end of a pipe
 * whose write end only the host-side can holds; EOF = can died, and the
 * sandbox is torn down. Never returns. */
_Noreturn void init_loop(pid_t cmd, int parent_fd);

#endif
