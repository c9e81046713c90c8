/* The seccomp filter: compiled from the merged [syscalls] policy plus the
 * fixed hardening rules (DESIGN section 5), with libseccomp.
 * Building is separate from installing so tests can check the BPF without
 * loading it. */
#ifndef CAN_SECCOMP_FILTER_H
#define CAN_SECCOMP_FILTER_H

#include "util/diag.h"
#include "lang/policy.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum sc_mode {
	SC_MODE_ENFORCE, /* refused calls fail with EPERM (the default) */
	SC_MODE_STRICT,  /* refused calls kill the process (--strict) */
	SC_MODE_MONITOR, /* refused calls are logged and allowed (--monitor) */
};

struct sc_options {
	enum sc_mode mode;
	/* Syscall numbers (native) whose checks need the notification
	 * supervisor: they return SECCOMP_RET_USER_NOTIF instead of ALLOW. */
	const int *notify_nrs;
	size_t n_notify;
	/* A pid (as seen by the filtered process) that must not be signalled
	 * or pidfd_open'ed: the session supervisor. 0 = none. */
	pid_t protect_pid;
	/* A second pid protected the same way (session mode: the
	 * Landlock-at-exec tracer's probe process). 0 = none. */
	pid_t protect_pid2;
	/* SC_MODE_MONITOR only: would-be-refused calls return
	 * SECCOMP_RET_USER_NOTIF instead of SECCOMP_RET_LOG, so the supervisor
	 * (which must be running and reading the listener) can record them and
	 * answer SECCOMP_USER_NOTIF_FLAG_CONTINUE. The kernel audit log that
	 * SECCOMP_RET_LOG writes to is not readable by an unprivileged user.
	 * The filter then always has a listener. See docs/seccomp.md. */
	bool monitor_via_notify;
	/* Of the notified calls, newfstatat and statx with AT_EMPTY_PATH in
	 * their flags (fstat of an fd: glibc's fstat is newfstatat(fd, "",
	 * AT_EMPTY_PATH)) are allowed instead of notified. For observers only
	 * (can run -m, docs/adr/0200): a call that sets the flag with a
	 * non-empty path is a lookup it then does not see. */
	bool notify_skip_fd_stat;
	/* The sandbox shares the host's network and IPC namespaces (can run
	 * --allow-degraded=userns, docs/adr/0240): socket() of AF_INET,
	 * AF_INET6 and AF_UNIX, SysV IPC and POSIX message queues are refused
	 * too, since no namespace of its own stands behind them. */
	bool host_shared;
	/* Names of fixed refusals (sc_fixed_refusal) trapped with
	 * SECCOMP_RET_USER_NOTIF instead, NULL-terminated: session mode
	 * decides them per process (ptrace for processes no layer covers,
	 * and for a layered process's own descendants). The filter must have
	 * a listener (n_notify > 0). */
	const char *const *notify_hardened;
};

struct sc_filter;

/* NULL with errors in *d (e.g. an unknown syscall name) when it cannot be built. */
struct sc_filter *sc_build(const struct policy *p, const struct sc_options *o, struct diags *d);
/* The filter as classic BPF (caller frees *insns). Returns 0 or -errno. */
int sc_export(const struct sc_filter *f, void **insns, size_t *n_insns);
/* Loads the filter on the calling process (sets no_new_privs first).
 * Returns the listener fd when n_notify > 0 (or monitor_via_notify in
 * SC_MODE_MONITOR: see sc_has_listener), 0 when there is none, -errno on
 * failure. The listener is asked for with WAIT_KILLABLE_RECV, and without it
 * on kernels before 5.19. Call from a single-threaded process: other threads
 * are not synchronised. */
int sc_install(struct sc_filter *f);
void sc_free(struct sc_filter *f);

/* Whether the filter creates a listener (n_notify > 0 or monitor_via_notify). */
bool sc_has_listener(const struct sc_filter *f);
/* After sc_install in this process: whether the filter got
 * SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (dropped on kernels that answer
 * EINVAL to it). */
bool sc_installed_killable(const struct sc_filter *f);

/* The fixed hardening (the table is core/lang/syscall_refusals.c): the reason a syscall can never
 * be allowed by a recipe, or NULL when a recipe may allow it. Syscalls that
 * are only partly refused (ioctl, clone, seccomp, personality, kill...) are
 * not listed here: allowing them allows their harmless forms. */
const char *sc_fixed_refusal(const char *name);

/* Syscall names (core/seccomp/seccomp_names.c), for the native architecture.
 * sc_syscall_nr: the number, SC_NR_UNKNOWN for a name no architecture has,
 * SC_NR_OTHER_ARCH for a real syscall this architecture lacks (e.g.
 * "socketcall" on x86_64). sc_syscall_name: a new string, NULL if unknown. */
#define SC_NR_UNKNOWN (-1)
#define SC_NR_OTHER_ARCH (-2)
int sc_syscall_nr(const char *name);
char *sc_syscall_name(int nr);

#endif
