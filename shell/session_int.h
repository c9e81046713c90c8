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
struct exec_ll_tracer;
struct session_proxy;
struct notify_rules;

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
	/* Landlock-at-exec (docs/adr/0250): the tracer, or NULL (emulation
	 * only; why in ll_off). */
	struct exec_ll_tracer *tracer;
	char ll_off[300];
	uint64_t ll_applied, ll_fallback, ll_killed; /* reports, atomically */
	bool killable;             /* the shell's filter has WAIT_KILLABLE_RECV */
	/* The egress proxy (session_proxy.c), made when a proxy-only layer is
	 * first put in force; its CA bundle's path ("" until then). */
	struct session_proxy *proxy;
	char proxy_bundle[PATH_MAX + 32];
};

/* session_files.c */
int session_files_open(struct session *s);
void session_files_close(struct session *s);
void session_state_write(struct session *s);
void session_fifo_read(struct session *s);

/* session_control.c */
void session_control_accept(struct session *s);

/* session_proxy.c (docs/adr/0261) */
/* Its state, before layers are loaded and the engine starts. */
void session_proxy_prepare(struct session *s);
/* layers_set_on_proxy's hook: starts the proxy (after the launch). */
void session_proxy_want(void *ctx);
/* The shell is launched: start the proxy if a layer wanted it before. */
void session_proxy_launched(struct session *s);
/* notify_config's proxy_port and proxy_tag. */
uint16_t session_proxy_port(void *ctx);
int session_proxy_tag(uint16_t port, const struct notify_rules *rules, void *ctx);
/* "127.0.0.1:PORT", or "" while no proxy runs. */
void session_proxy_addr(struct session *s, char *addr, size_t size);
/* Stops the loop (before the layers, whose policies it reads, are freed). */
void session_proxy_stop(struct session *s);

/* session_engine.c */
/* Starts the Landlock-at-exec tracer unless off (before the shell, whose
 * filter protects the tracer's probe process); sets s->ll_off otherwise. */
void session_tracer_start(struct session *s, bool off);
int session_engine_start(struct session *s, int listener, bool killable);
void session_engine_stop(struct session *s);
void session_free(struct session *s);

#endif
