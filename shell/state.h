/* The session's state file (docs/session.md), written by the supervisor
 * only and read by `can status` with no round trip:
 *   canister-session 1
 *   pid <supervisor pid>
 *   started <unix seconds>
 *   enforce <landlock-at-exec|emulation>
 *   layer <state> <dir>\t<recipes comma-separated>\t<reason or ->
 *   proxied <dir>          (an active layer whose egress is proxy-only)
 *   proxy 127.0.0.1:<port> (the session proxy, once it runs: ADR 0261)
 *   bundle <path>          (its CA bundle, 0644)
 * Pure: format, parse, and what `can status` says for a directory. */
#ifndef CAN_SHELL_STATE_H
#define CAN_SHELL_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

enum layer_state { LAYER_ACTIVE, LAYER_PENDING, LAYER_INVALID };

const char *layer_state_name(enum layer_state s);

struct state_layer {
	enum layer_state state;
	char *dir;       /* absolute, no trailing '/' */
	char *recipes;   /* comma-separated, may be empty */
	char *reason;    /* NULL for "-" */
	bool proxied;    /* active, egress "proxy-only": held to the session proxy */
};

struct session_state {
	pid_t pid;
	long long started;
	char enforce[24];
	struct state_layer *v;
	size_t n;
	char proxy[32];  /* "127.0.0.1:PORT", or "" while none runs */
	char bundle[4200];
};

/* The file's text (caller frees). */
char *state_format(const struct session_state *s);
/* 0, or -1 when text is not a state file of version 1 (then *st is
 * empty). Unknown lines after the header are skipped (forward compat). */
int state_parse(const char *text, size_t len, struct session_state *st);
void state_free(struct session_state *st);

/* The layer of dir: the nearest enclosing layer's index, or -1. */
long state_layer_of(const struct session_state *st, const char *dir);

/* What `can status` prints and exits with, pure. st NULL = no session (or
 * no readable state file). Exit codes: 0 active layer, 1 session without a
 * layer here, 3 pending/invalid, 4 no session. */
int status_render(const struct session_state *st, const char *cwd, bool json, FILE *out);

/* What `can status --env` exports for cwd: the proxy's port and the CA
 * bundle when cwd is in a proxied layer and the proxy runs. True then. */
bool status_proxy_env(const struct session_state *st, const char *cwd, int *port,
                      const char **bundle);

#endif
