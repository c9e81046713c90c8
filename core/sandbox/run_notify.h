/* `can run` and the notification engine (docs/adr/0070): when the engine
 * runs, which syscalls the filter traps for it, the rules it applies
 * (compiled from the same policy as the mounts and Landlock), and the
 * --monitor report with its recipe patch.
 *
 * run_notify_wanted, run_notify_trapped and the report functions are pure
 * (test/test_run_notify.c); run_notify_start/stop talk to the engine. */
#ifndef CAN_RUN_NOTIFY_H
#define CAN_RUN_NOTIFY_H

#include "notify/notify.h"
#include "lang/policy.h"
#include "sandbox/run.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Why the engine runs, as a short phrase for messages ("[process]
 * allow_execve"), or NULL when nothing needs it: [process] allow_execve
 * non-empty, [network] allow_ips non-empty, [syscalls] notifier = true,
 * --monitor, --events. */
const char *run_notify_wanted(const struct policy *p, const struct run_opts *o);

/* The syscalls the filter traps for the engine in `can run` (native
 * numbers, into nrs of size cap; returns the count): execve and execveat
 * when allow_execve restricts execs (or under --monitor, to record them);
 * connect, sendto (with an address), sendmsg and sendmmsg unless egress =
 * "direct" (the listener handover sends nothing: docs/adr/0107); under
 * --monitor the opens too (to record lookups outside the view). Never
 * write, read or close: the handover uses them. In enforce mode opens are
 * not trapped: the mounts and Landlock decide them race-free. */
size_t run_notify_trapped(const struct policy *p, const struct run_opts *o, int *nrs, size_t cap);

/* Compiles the engine's rules for `can run` (notify_rules_compile, then:
 * no filesystem restriction — the mount view and Landlock do that; an
 * allow_execve entry that is a folder on the host covers what is beneath
 * it; a file entry also matches the file its symlinks lead to, since the
 * engine decides on the resolved path; abstract unix sockets allowed: the
 * network namespace is the sandbox's own; so is loopback, unless
 * no_namespaces: then it is the host's, ADR 0125). Returns 0, or -1 with
 * errors in *d. */
int run_notify_rules(struct notify_rules *r, const struct policy *p, bool no_namespaces,
		     struct diags *d);

/* The monitor report: would-be refusals collected from engine events. */
struct run_report_item {
	/* "syscall", "exec" (refused program), "ran" (a program run),
	 * "connect", "path" (read), "write", "hidden" (by a deny rule: listed,
	 * never allowed); "other" is not patched. */
	char *kind;
	char *what;  /* syscall name, program path, address */
	unsigned count;
};
struct run_report {
	struct run_report_item *v;
	size_t n, cap;
	char *home, *cwd; /* written as $HOME and $CWD in the recipe; may be NULL */
	char **deny;      /* [filesystem] deny and mask: no suggested folder covers one */
	size_t ndeny;
};
/* Records one event (only would-be refusals / refusals count). Not
 * thread-safe: the caller serialises (the event sink's lock does). */
void run_report_add(struct run_report *r, const struct notify_event *e);
/* A path looked up inside that the view does not show (kind "path"). */
void run_report_add_path(struct run_report *r, const char *path);
/* One item of any kind (counted when it is there already). */
void run_report_add_item(struct run_report *r, const char *kind, const char *what);
void run_report_free(struct run_report *r);
/* Prints the summary and a TOML patch that `can recipe validate` accepts.
 * Nothing when the report is empty (enforce mode). */
void run_report_print(const struct run_report *r, bool monitor, FILE *out);
/* The same with the recipe on recipe_out; when that is not out, the
 * recipe is printed there (with a header, even when empty) and only the
 * summary on out (can recipe suggest). */
void run_report_print_to(const struct run_report *r, bool monitor, FILE *out, FILE *recipe_out);
/* Only the patch, grouped and commented (run_suggest.c, pure). */
void run_report_patch(const struct run_report *r, FILE *out);

/* -m: what the engine saw, checked against the view and the host after
 * each answer, into the report (run_monitor.c). lock guards report. */
struct run_monitor;
struct run_monitor *run_monitor_new(const struct policy *p, struct run_report *report,
                                    pthread_mutex_t *lock);
/* The sandbox's root (taken over, closed by run_monitor_free). */
void run_monitor_set_root(struct run_monitor *m, int root_fd);
/* The notify_config.on_seen handler (ctx: the run_monitor). */
void run_monitor_seen(enum notify_seen kind, const char *path, const char *path2, void *ctx);
void run_monitor_free(struct run_monitor *m);

/* The running engine for one `can run`. */
struct run_notify;

/* Prepares the state (rules, events file): returns NULL after printing
 * an error when the rules do not compile or --events cannot be opened
 * (*rc = CAN_EXIT_USAGE). */
struct run_notify *run_notify_new(const struct policy *p, const struct run_opts *o, int *rc);
/* The run_config.on_listener_rc handler: starts the engine on the
 * listener. Returns 0, or -1 (the command then exits 126: fail closed). */
int run_notify_on_listener(int listener, pid_t host_pid, void *ctx);
/* Stops the engine; prints the report (always under --monitor) to
 * report_out, and the recipe to recipe_out when not NULL (else with the
 * report). */
void run_notify_finish(struct run_notify *n, FILE *report_out, FILE *recipe_out);

#endif
