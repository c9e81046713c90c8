/* Layer sets (docs/session.md, DESIGN section 8), pure. A layer is an index
 * into the supervisor's registry (at most LAYERS_MAX); a set is a bit mask.
 *   - A process gets its set when it calls execve: the layers of its
 *     working directory at that moment plus all of its parent's. The set
 *     of an exec'd process never shrinks.
 *   - The shell and its descendants that have not called execve follow
 *     their cwd: their set is what they inherited plus the layers of their
 *     current cwd.
 *   - A process whose parent is gone before the supervisor first saw it
 *     (an orphan: its inheritance is unknown) gets every layer in force. */
#ifndef CAN_SHELL_LAYERSET_H
#define CAN_SHELL_LAYERSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define LAYERS_MAX 64
typedef uint64_t layer_mask;

/* The layers whose dir encloses path (dir itself or below it), among those
 * set in candidates. dirs[i] are absolute without a trailing '/'. */
layer_mask layerset_of_path(const char *const *dirs, size_t n, layer_mask candidates,
                            const char *path);

/* The set a process runs under now. */
layer_mask layerset_effective(bool execd, layer_mask recorded, layer_mask cwd_layers);

/* The set recorded at execve (whatever the process had before). */
layer_mask layerset_at_exec(layer_mask recorded, layer_mask cwd_layers);

/* Whether a layered process (thread group caller, whose set is caller_set)
 * may ptrace or process_vm_* the process whose line of parents, itself
 * first, is line[0..n) and whose set is target_set: only when caller is in
 * that line (its own descendant; DESIGN's Yama-like rule) and the target's
 * set holds every layer of caller's (a child forked before its parent's
 * exec into a layer did not inherit that layer: docs/adr/0270). A
 * process's own threads are not a target worth refusing: line[0] ==
 * caller counts too. */
bool layerset_may_reach(pid_t caller, const pid_t *line, size_t n, layer_mask caller_set,
                        layer_mask target_set);

/* From /proc/PID/stat: the parent and the start time (clock ticks since
 * boot, field 22). The command name in parentheses may hold ')' and
 * spaces: fields are counted after the last ')'. 0, or -1. */
int procstat_parse(const char *text, size_t len, pid_t *ppid, unsigned long long *start);

/* From /proc/TID/status: the thread group (process) id. 0, or -1. */
int procstatus_tgid(const char *text, size_t len, pid_t *tgid);

#endif
