/* Per-process layer sets of one session (docs/adr/0211): a table keyed by
 * process (thread group) id and start time, so a reused pid never inherits
 * a dead process's entry. Fed at every execve notification (procs_on_exec)
 * and asked at every notification (procs_rules_for), from the engine's
 * workers concurrently. */
#ifndef CAN_SHELL_PROCS_H
#define CAN_SHELL_PROCS_H

#include "shell/layerset.h"

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

struct procs;
struct layers;
struct notify_rules;

/* shell: the session's shell (follows its cwd, inherits nothing). */
struct procs *procs_new(struct layers *L, pid_t supervisor, pid_t shell);
void procs_free(struct procs *P);

/* Records the exec of tid; returns the layers its set gained (what Landlock
 * at exec must add: one domain per layer, only when the set grows). */
layer_mask procs_on_exec(struct procs *P, pid_t tid);
const struct notify_rules *procs_rules_for(struct procs *P, pid_t tid);

/* Landlock-at-exec (docs/adr/0250). The layers whose Landlock domain tid's
 * process is in, for the registry's current generation (0 when its rules
 * changed since). procs_rules_for then answers, for a process landlocked
 * for its whole set, the chain whose reads the kernel decides. */
layer_mask procs_landlocked(struct procs *P, pid_t tid);
/* Before arming tid's execve: remembers the generation the rulesets are of. */
void procs_arming(struct procs *P, pid_t tid);
/* After the tracer applied the domains of m to pid (its report). */
void procs_set_landlocked(struct procs *P, pid_t pid, layer_mask m);

/* Whether caller (a thread id) may reach pid with ptrace or
 * process_vm_*: pid's process is caller's process or one of its
 * descendants (walking /proc parents, at most 64) whose set holds all of
 * caller's layers. */
bool procs_may_reach(struct procs *P, pid_t caller, pid_t pid);

/* The set of tid now (what rules_for would apply); 0 for none. */
layer_mask procs_mask_of(struct procs *P, pid_t tid);

/* Live processes of each layer: counts[i] for layer i, and the first few
 * pids of each (comma-separated into bufs[i], size each). Prunes dead
 * entries. */
void procs_members(struct procs *P, size_t nlayers, char (*bufs)[128]);

/* Drops the entries of processes that are gone, when there are many
 * (called at each refresh hint). */
void procs_prune(struct procs *P);

#endif
