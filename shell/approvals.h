/* Approved layer contents (docs/session.md): one line per approval in
 * ~/.local/state/canister/approved ($XDG_STATE_HOME when set),
 *   <sha256 hex> <absolute dir>\n
 * written by the supervisor only; layered processes cannot open it (a
 * forced deny in every layer). Pure text functions, and the file's path. */
#ifndef CAN_SHELL_APPROVALS_H
#define CAN_SHELL_APPROVALS_H

#include <stdbool.h>
#include <stddef.h>

/* Whether text holds the line for (hex, dir). */
bool approvals_has(const char *text, size_t len, const char *hex, const char *dir);
/* text without any line for dir, plus (when hex is not NULL) the line
 * (hex, dir). Malformed lines are dropped. Caller frees. */
char *approvals_set(const char *text, size_t len, const char *hex, const char *dir);

/* Calls fn for the directory of each well-formed line. */
void approvals_each_dir(const char *text, size_t len, void (*fn)(const char *dir, void *ctx), void *ctx);

/* The folder ($XDG_STATE_HOME/canister or $HOME/.local/state/canister)
 * and the file in it. 0, or -1 when neither variable is usable. */
int approvals_dir(char *out, size_t size);
int approvals_file(char *out, size_t size);

#endif
