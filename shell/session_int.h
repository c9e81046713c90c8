/* Internal to shell/: the supervisor's state, shared by session.c (the
 * loop), session_files.c (FIFO, socket, state file), session_engine.c (the
 * engine and per-process layer sets) and session_control.c. */
#ifndef CAN_SHELL_SESSION_INT_H
#define CAN_SHELL_SESSION_INT_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct notify_engine;
struct layers;
struct procs;

struct session {
	pid_t pid;                 /* the supervisor's */
	pid_t shell;               /* its child */
	time_t started;
	bool verbose;
	char rundir[PATH_MAX];
	char fifo[PATH_MAX], sock[PATH_MAX], state[PATH_MAX];
	int fifo_fd, sock_fd;
	bool files_made;
	int fifo_keep;             /* a write end of our own: no POLLHUP between writers */
	uint64_t fifo_ignored;     /* malformed or unknown hint lines */
	char fifo_buf[8192];       /* a partial line between reads */
	size_t fifo_len;
	bool fifo_skip;            /* dropping an overlong line up to its newline */
	struct notify_engine *engine;
	int root_fd;               /* "/", shared by every target */
	struct layers *layers;     /* the registry (layers.c) */
	struct procs *procs;       /* per-process sets (procs.c) */
};

/* session_files.c */
int session_files_open(struct session *s);
void session_files_close(struct session *s);
void session_state_write(struct session *s);
void session_fifo_read(struct session *s);

/* session_control.c */
void session_control_accept(struct session *s);

/* session_engine.c */
int session_engine_start(struct session *s, int listener);
void session_engine_stop(struct session *s);
void session_free(struct session *s);

#endif
