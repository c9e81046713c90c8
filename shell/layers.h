/* The layer registry of one session (docs/session.md): each layer is a
 * directory, its current declaration (from <dir>/.envrc), the content hash
 * of that declaration, and the compiled rules in force (the last approved
 * declaration's). Only the supervisor's main thread changes it; the
 * engine's workers read it (layers_of_path, layers_chain) concurrently. */
#ifndef CAN_SHELL_LAYERS_H
#define CAN_SHELL_LAYERS_H

#include "shell/layerset.h"
#include "shell/state.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct layers;
struct notify_rules;

/* rundir and the approvals folder become forced denies in every layer. */
struct layers *layers_new(const char *rundir);
void layers_free(struct layers *L);

/* Re-reads the declaration of dir (absolute, normalised). Records the
 * layer (pending, invalid, or active when its content hash is approved).
 * 0, or -1 with err set when there is nothing to record (no .envrc with a
 * `use canister` line and no layer of that dir yet). */
int layers_declare(struct layers *L, const char *dir, char *err, size_t errlen);
/* Declares every directory of the approvals file (at the session's start:
 * an approved, unchanged project is active before any hint). */
void layers_load_approved(struct layers *L);
/* Re-reads every known layer's declaration and declares newly approved
 * directories (the prompt's refresh). */
void layers_redeclare_all(struct layers *L);

/* Approves the current declaration of dir (declaring it first when it
 * is not known): stores its hash in the approvals file and puts its rules
 * in force. 0, or -1 with err. */
int layers_allow(struct layers *L, const char *dir, char *err, size_t errlen);
/* Drops the approval of dir: no new process enters the layer; processes
 * already in it keep its rules (a set never shrinks). 0, or -1 with err. */
int layers_forget(struct layers *L, const char *dir, char *err, size_t errlen);

/* Called (main thread, the registry locked: it must not call back) when
 * a layer whose egress is "proxy-only" is put in force, before its
 * processes can connect: the supervisor starts the session proxy then
 * (docs/adr/0261). Every time; fn makes it once. */
void layers_set_on_proxy(struct layers *L, void (*fn)(void *ctx), void *ctx);
/* Layers in force (approved, not forgotten). */
layer_mask layers_in_force(struct layers *L);
/* In-force layers whose dir encloses path. */
layer_mask layers_of_path(struct layers *L, const char *path);
/* The rules of every layer of m that has rules, chained (each must
 * allow); NULL when none has. Valid until layers_free. */
const struct notify_rules *layers_chain(struct layers *L, layer_mask m);

/* The same chain with notify_rules.reads_in_kernel set on every node: for
 * a process in a Landlock domain of every layer of m (Landlock-at-exec,
 * docs/adr/0250). */
const struct notify_rules *layers_chain_kernel(struct layers *L, layer_mask m);
/* The Landlock ABI rulesets are built for (before any declaration); < 0
 * (the default) builds none: Landlock-at-exec is off. Reads the test-only
 * CANISTER_TEST_LL_NO_EMULATION=1 (the supervisor's own environment, which
 * no session process can change): landlocked processes' filesystem calls
 * then all go to the kernel unchecked, to prove the domain does the work. */
void layers_set_landlock_abi(struct layers *L, int abi);
/* Bumped whenever a layer's rules change: a Landlock domain applied under
 * an older generation no longer says what the rules say. */
unsigned layers_gen(struct layers *L);
/* The in-force Landlock rulesets of the layers of m, in index order, into
 * fds (at most max): their count, or -1 with why when a layer of m has none
 * (Landlock cannot express it, or it is off). The fds stay the registry's. */
int layers_rulesets(struct layers *L, layer_mask m, int *fds, size_t max, char *why, size_t size);

/* Appends one state_layer per layer to st (for the state file). */
void layers_fill_state(struct layers *L, struct session_state *st);
/* The index of the layer of dir (exact), or -1. */
int layers_find(struct layers *L, const char *dir);

#endif
