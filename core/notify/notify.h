/* The seccomp user-notification engine (DESIGN section 6), shared by
 * `can run` and session mode.
 *
 * The filtered process creates the listener (SECCOMP_FILTER_FLAG_NEW_LISTENER)
 * and hands it over before execve; the supervisor starts the engine on it.
 * Several worker threads read the one listener. For every notification the
 * engine copies the arguments once, checks the notification is still valid,
 * decides with the pure functions of notify_decide.h, then performs the call
 * itself (opens, path changes, connect/bind/sendto/sendmsg) or refuses it,
 * and records an event. It never answers CONTINUE after deciding on memory
 * the target controls; execve is the one exception the kernel forces (see
 * docs/notify.md, "The exec limit"). */
#ifndef CAN_NOTIFY_H
#define CAN_NOTIFY_H

#include "notify/notify_decide.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum notify_mode {
	NOTIFY_ENFORCE, /* refused calls fail with the rule's errno */
	NOTIFY_MONITOR, /* refused calls are recorded and then performed */
};

/* The event log (notify_events.c): one JSON line per refusal, and per
 * would-be refusal under monitor. Thread-safe. */
struct notify_events;

/* Opens FILE for appending (created 0600). NULL with errno on failure. */
struct notify_events *notify_events_open(const char *file);
/* Writes to an already open fd (not closed by notify_events_close unless
 * own_fd). */
struct notify_events *notify_events_from_fd(int fd, bool own_fd);
void notify_events_close(struct notify_events *ev);
/* Calls fn for every event written, under the log's lock (so fn needs no
 * lock of its own). With notify_events_from_fd(-1, false) nothing is
 * written and only fn sees the events (can run's --monitor report). */
struct notify_event;
void notify_events_set_observer(struct notify_events *ev,
                                void (*fn)(const struct notify_event *e, void *ctx), void *ctx);

/* One decoded event, as the engine records it. Strings may be NULL. */
struct notify_event {
	pid_t pid;
	const char *exe;        /* /proc/PID/exe at the time */
	const char *syscall;    /* "openat" */
	const char *path;       /* decoded path argument (resolved when known) */
	const char *path2;      /* second path (rename, symlink, link) */
	const char *addr;       /* decoded socket address "1.2.3.4:443" */
	const char *flags;      /* decoded flags "O_WRONLY|O_CREAT" */
	const char *detail;     /* free text, e.g. "exe mismatch after execve" */
	enum notify_verdict verdict;
	bool monitor;           /* recorded under monitor: the call went ahead */
	int err;                /* errno answered (0 when allowed) */
	const struct notify_decision *decision; /* rule and its origin */
};

/* Formats one event as a JSON line (no trailing newline) into buf.
 * Returns the length, or -1 when it does not fit. Pure: for tests. */
int notify_event_format(char *buf, size_t size, const struct notify_event *e, double unix_time);
/* Appends one line; safe from any thread. */
void notify_events_write(struct notify_events *ev, const struct notify_event *e);

/* What monitor mode saw (notify_config.on_seen). */
enum notify_seen {
	NOTIFY_SEEN_NONE,
	NOTIFY_SEEN_LOOKUP, /* open for reading, stat, access, readlink */
	NOTIFY_SEEN_WRITE,  /* open for writing or creating */
	NOTIFY_SEEN_EXEC,   /* an execve the engine let through */
};

/* An execve notification, for notify_config.on_exec. */
struct notify_exec_call {
	pid_t pid;          /* the calling thread */
	int nr;             /* SYS_execve or SYS_execveat */
	uint64_t args[6];
	uint64_t id;        /* the notification (SECCOMP_IOCTL_NOTIF_ADDFD, ID_VALID) */
	int listener;       /* the engine's listener fd (not to be closed) */
};

enum notify_exec_answer {
	NOTIFY_EXEC_AS_BEFORE, /* answer CONTINUE as the engine decided */
	NOTIFY_EXEC_ARMED,     /* the hook took the process over: answer CONTINUE */
	NOTIFY_EXEC_KILL,      /* SIGKILL the process, fail the call */
};

/* Engine configuration. */
struct notify_config {
	/* The rules that apply to a process (thread id as the notification
	 * gives it, in the supervisor's pid namespace). NULL means no layer
	 * restricts that process: its calls are answered CONTINUE without
	 * reading its memory. Called from worker threads concurrently; the
	 * returned rules must stay valid until notify_engine_stop. */
	const struct notify_rules *(*rules_for)(pid_t pid, void *ctx);
	void *ctx;
	/* Optional: called at every execve/execveat notification, before
	 * rules_for for it, from worker threads concurrently (session mode:
	 * a process gets its layer set when it calls execve, so rules_for
	 * then answers with the set the new program runs under). The call's
	 * registers, and the notification's id and listener (Landlock at exec
	 * installs a ruleset fd with SECCOMP_IOCTL_NOTIF_ADDFD before the
	 * answer); nothing here may be decided on the memory the registers
	 * point to (the target controls it). */
	void (*on_exec)(const struct notify_exec_call *c, void *ctx);
	/* Optional: called once the engine has allowed an execve of a
	 * process rules_for restricts, just before it would answer CONTINUE
	 * (the exec check is armed already), with what
	 * SECCOMP_IOCTL_NOTIF_ADDFD needs (c->listener, c->id): session mode
	 * applies Landlock at that exec (shell/exec_landlock.h). The answer:
	 * NOTIFY_EXEC_ARMED (the callback took it over: CONTINUE),
	 * NOTIFY_EXEC_AS_BEFORE (CONTINUE, nothing else changed) or
	 * NOTIFY_EXEC_KILL (the engine SIGKILLs the process and fails the
	 * call: the callback may have left it half-done). From workers,
	 * concurrently. */
	enum notify_exec_answer (*exec_allowed)(const struct notify_exec_call *c, void *ctx);
	/* Optional: a trapped call the engine does not handle, from a process
	 * rules_for restricts (session mode: ptrace and process_vm_*, which
	 * the filter traps instead of refusing). Decided on registers only:
	 * 0 answers CONTINUE, an errno refuses. Without it such calls fail
	 * ENOSYS. From worker threads concurrently. */
	int (*decide_other)(pid_t pid, int nr, const uint64_t args[6], void *ctx);
	int workers;              /* threads started at once; 0 = 2 */
	int max_workers;          /* more are started while all are busy; 0 = 16 */
	enum notify_mode mode;
	struct notify_events *events; /* may be NULL */
	bool no_sync_wakeup;      /* do not set SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (bench) */
	/* Experimental: each worker pins itself to the CPU it was woken on
	 * (the target's, with the synchronous wake-up), hoping to keep the fd
	 * installation's wake-ups on that CPU. Measured not to help
	 * (docs/notify.md); kept for measuring elsewhere. */
	bool follow_cpu;
	/* The root every target shares (can run: the sandbox's root, opened
	 * once through /proc/<init>/root; session mode: "/"), used instead of
	 * opening /proc/PID/root for every absolute path. Only valid when the
	 * filter keeps targets from changing their root (chroot, pivot_root,
	 * setns/unshare of the mount namespace are refused). Not closed. */
	bool use_shared_root;
	int shared_root_fd;
	bool no_dumpable_change;  /* leave PR_SET_DUMPABLE alone (tests that ptrace us) */
	/* Kill (SIGKILL) a process whose executable does not match what its
	 * last allowed execve resolved to. Default on; tests may count
	 * instead (the kill still happens unless this is false). */
	bool no_exec_kill;
	/* Optional, NOTIFY_MONITOR only (can run -m, docs/adr/0200): what
	 * the target looked up, opened and executed, for the report. With it
	 * set, trapped opens and lookups are not emulated: the worker copies
	 * the path (joined to the target's cwd or dirfd when relative), answers
	 * CONTINUE, and only then calls this, so the target waits for one copy
	 * and no resolution. Called from workers, concurrently. The path is
	 * the target's string in its own view (not normalised, maybe stale:
	 * nothing is decided on it); for NOTIFY_SEEN_EXEC it is the resolved
	 * program and path2 its script interpreter (or NULL). */
	void (*on_seen)(enum notify_seen kind, const char *path, const char *path2, void *ctx);
	/* Optional (session mode's proxy, docs/adr/0261): the port (host
	 * order) of a proxy on 127.0.0.1 that tells its clients apart by
	 * their local port, or 0 while there is none (asked at every connect:
	 * it starts late). A connect to it that notify_decide_session_proxy
	 * allows is made so: SO_REUSEPORT and SO_REUSEADDR cleared on the
	 * fetched socket, bound to 127.0.0.1:0, proxy_tag called with the
	 * bound port and the caller's rules (0, or an errno that refuses the
	 * connect), and only then connected. From workers, concurrently. */
	uint16_t (*proxy_port)(void *ctx);
	int (*proxy_tag)(uint16_t port, const struct notify_rules *rules, void *ctx);
};

struct notify_stats {
	uint64_t received, continued, emulated, refused, monitored;
	uint64_t exec_checked, exec_killed, failed_replies, invalid;
	/* From an allowed execve to the kill of a mismatching program. */
	uint64_t exec_kill_sum_ns, exec_kill_max_ns;
	int workers;
};

struct notify_engine;

/* Takes ownership of listener (closed by notify_engine_stop). Marks the
 * calling process non-dumpable unless cfg->no_dumpable_change, sets the
 * synchronous wake-up flag when the kernel has it, and starts the workers.
 * NULL with errno on failure. */
struct notify_engine *notify_engine_start(int listener, const struct notify_config *cfg);
/* Stops the workers and closes the listener: the target's trapped calls
 * then fail with ENOSYS. */
void notify_engine_stop(struct notify_engine *e);
void notify_engine_stats(struct notify_engine *e, struct notify_stats *out);
/* Whether SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP was set on the listener. */
bool notify_engine_sync_wakeup(const struct notify_engine *e);

/* The syscalls the engine handles (native numbers), for the filter
 * builder's sc_options.notify_nrs. *n receives the count. */
/* The lookups (stat family, access, readlink) the engine observes under
 * NOTIFY_MONITOR for cfg.on_seen; always answered CONTINUE. Trap them only
 * in monitor mode. */
const int *notify_lookup_syscalls(size_t *n);
const int *notify_handled_syscalls(size_t *n);

/* Compiles the merged policy's [filesystem], [process] allow_execve and
 * [network] allow_ips into rules (notify_rules.c). Returns 0, or -1 with
 * errors in *d (e.g. an allow_ips entry that is not an address or CIDR). */
struct policy;
struct diags;
int notify_rules_compile(struct notify_rules *r, const struct policy *p, struct diags *d);

#endif
