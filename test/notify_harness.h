/* Shared by the notification engine's tests: runs test/notify_target bare
 * or under the engine, and prepares fixtures. */
#ifndef CAN_NOTIFY_HARNESS_H
#define CAN_NOTIFY_HARNESS_H

#include "notify/notify.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct nh_result {
	int status;           /* waitpid status */
	char out[16384];      /* the target's stdout */
	struct notify_stats stats;
};

/* Drops to uid/gid 65534 when run as root (these are sandbox tests: they
 * must hold for an unprivileged user), finds notify_target, makes a base
 * temporary folder. */
void nh_init(const char *argv0);
const char *nh_target(void);
/* A fresh empty folder under the base folder; caller frees. */
char *nh_mkdir(const char *name);
/* Runs notify_target SCENARIO ARGS in cwd. rules == NULL and cfg == NULL:
 * bare (no filter). Otherwise under an engine started with *cfg (its
 * rules_for/ctx replaced to return rules). Returns 0 or -1 on a harness
 * failure. */
int nh_run(const char *cwd, const struct notify_rules *rules, const struct notify_config *cfg,
           const char *const *args, struct nh_result *res);
/* A listing of folder (names, types, modes, sizes, link texts), sorted,
 * for comparing the results of a bare and an engine run. */
char *nh_snapshot(const char *dir);
/* Prints text as TAP diagnostics: every line "# label: ...", flushed, so
 * that it never splits a test line. */
void nh_diag(const char *label, const char *text);
/* Rules for a test: read /usr /lib /lib64 /etc /bin /proc, read+write dir. */
void nh_rules_for_dir(struct notify_rules *r, const char *dir);

#endif
