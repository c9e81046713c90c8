/* Landlock applied at exec, for session mode (docs/adr/0230).
 *
 * A process that calls execve into a layer gets the layer's Landlock domain
 * before the new image makes its first system call, so its opens can then be
 * answered CONTINUE and decided by the kernel. The sequence, run for one
 * execve notification:
 *
 *   engine worker, at the execve notification, before answering it:
 *     exec_landlock_arm()  -> the tracer thread PTRACE_SEIZEs the caller
 *                             (TRACEEXEC | TRACESYSGOOD | EXITKILL), asks for
 *                             an interrupt stop (so a failed execve is seen),
 *                             and installs the ruleset into it with
 *                             SECCOMP_IOCTL_NOTIF_ADDFD (no close-on-exec);
 *     the worker answers CONTINUE.
 *   tracer thread, at the PTRACE_EVENT_EXEC stop:
 *     reads /proc/PID/exe (the file the kernel loaded) for the exe check;
 *     makes the new image call, before any instruction of its own:
 *     kill(probe, 0), landlock_restrict_self(fd, 0) for each ruleset,
 *     kill(probe, 0), close(fd) for each; then restores it and detaches. Two ways (exec_ll_method):
 *     a blob written at the entry point and run to its int3, or, where the
 *     text cannot be written (exec-only binaries are not dumpable), only
 *     registers: each call rewritten at a syscall-entry stop of the new
 *     image (its first syscall, then re-issued).
 *   The result is verified by two independent facts: the injected
 *   restrict_self's own return value (read at a syscall-exit stop whose
 *   entry the tracer saw, or stored by the blob right after its syscall
 *   instruction; never a leftover register), and a signal-scope probe:
 *   kill(probe, 0) is allowed before and refused (EPERM) after, which only a
 *   new Landlock domain does. (A process in a domain already has the probe
 *   refused before: then the return value is the evidence left.) Any
 *   doubt: SIGKILL, reap, report KILLED.
 *   A failed execve gives no exec stop: the interrupt stop after it is where
 *   the tracer closes the fd again and detaches (EXEC_FAILED).
 *
 * What the caller must provide (sesscore's session filter):
 *   - a listener installed with SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (a
 *     received notification is then not aborted by the interrupt stop);
 *   - landlock_restrict_self, kill and close reachable by the target (allowed,
 *     or trapped and answered CONTINUE);
 *   - landlock_add_rule REFUSED for session processes: between ADDFD and the
 *     exec stop a sibling thread of the target holds the ruleset fd and could
 *     add rules to it (adding rules widens a ruleset before it is applied);
 *   - the probe process protected like the supervisor, and not reaped by
 *     it (exec_ll_tracer_probe_pid());
 *   - no wait for "any child" without __WNOTHREAD in any other thread:
 *     waitpid(-1, ...) from another thread of the process also collects the
 *     tracer's ptrace stops, and a stolen stop leaves the tracee stopped for
 *     good (test/execll.sh shows it hang); wait by pid, or add __WNOTHREAD
 *     in the thread that forked the children it reaps;
 *   - SIGCHLD not set to SIG_IGN (the tracer must see its tracees die);
 *   - EXEC_LL_WAKE_SIGNAL left to the tracer (it is sent to the tracer thread
 *     only, with tgkill, to wake it from waitid).
 * x86-64 only (the syscall instruction's length and the register names).
 */
#ifndef CAN_SHELL_EXEC_LANDLOCK_H
#define CAN_SHELL_EXEC_LANDLOCK_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Rulesets one arm can apply (one domain each; Landlock stacks 16 at most). */
#define EXEC_LL_MAX_RULESETS 8

/* The signal that wakes the tracer thread (process-wide handler). */
#define EXEC_LL_WAKE_SIGNAL (SIGRTMAX - 3)

/* What finally happened to one armed process. */
enum exec_ll_outcome {
	EXEC_LL_APPLIED,     /* domain applied and verified, fd closed, detached */
	EXEC_LL_EXEC_FAILED, /* execve returned an error: fd closed, detached, old image unchanged */
	EXEC_LL_KILLED,      /* could not be applied, verified or checked: SIGKILLed and reaped */
	EXEC_LL_GONE,        /* died on its own before the domain was applied */
};

struct exec_ll_report {
	pid_t pid;     /* the process (its tgid after the exec) */
	pid_t tid;     /* the thread that called execve (the notification's pid) */
	enum exec_ll_outcome outcome;
	char why[200]; /* for KILLED, EXEC_FAILED, GONE: what happened; for APPLIED, a note or "" */
	char exe[512]; /* for APPLIED: /proc/PID/exe at the exec stop, "" when unreadable */
	bool by_blob;  /* for APPLIED: the blob method ran (else the register method) */
	uint64_t cookie; /* what the caller passed to exec_landlock_arm (its layer set, ...) */
};

/* Called on the tracer thread once per armed process; must not block and
 * must not call into the tracer. */
typedef void (*exec_ll_done_fn)(void *ctx, const struct exec_ll_report *r);
/* Optional exe check, on the tracer thread at the exec stop: return true to
 * let the image run. r->exe is the file the kernel loaded, r->pid the
 * process (its tgid now), r->cookie the arm's. An unreadable
 * /proc/PID/exe (exec-only binaries are non-dumpable) never reaches it: the
 * process is killed (fail closed). It is also the race-free place to
 * re-decide the layer: a sibling thread may have changed the cwd between
 * the notification and the exec; at this stop the process is stopped and
 * single-threaded, so /proc/PID/cwd is its cwd at the exec (only a
 * clone(CLONE_FS) sibling could still move it). */
typedef bool (*exec_ll_exe_ok_fn)(void *ctx, const struct exec_ll_report *r, char *why,
				  size_t whylen);

/* Test-only behaviours (test/execll.sh proves the verification can fail). */
enum {
	EXEC_LL_TEST_FAKE_RESTRICT = 1u << 0, /* inject sched_yield instead of restrict_self */
};

/* How the calls are made in the target (docs/adr/0230 has the numbers). */
enum exec_ll_method {
	/* A short blob written at the ELF entry point at the exec stop, run to
	 * its int3 (3 stops); where the text cannot be written (an exec-only
	 * image is not dumpable: EIO), the register method. */
	EXEC_LL_METHOD_AUTO,
	/* Registers only: each call rewritten at syscall-entry stops (about
	 * 11 stops). */
	EXEC_LL_METHOD_REGS,
};

struct exec_ll_config {
	exec_ll_done_fn done;     /* required */
	exec_ll_exe_ok_fn exe_ok; /* NULL: no exe check (and /proc/PID/exe is not required) */
	void *ctx;
	enum exec_ll_method method;
	unsigned test_flags;
};

struct exec_ll_tracer;

/* Starts the tracer thread and its probe process (a child that only waits,
 * the target of the signal-scope probe). Returns NULL with "what: why" in err,
 * also when Landlock is off or older than ABI 6 (no signal scoping: nothing
 * to verify with; the caller emulates instead). */
struct exec_ll_tracer *exec_ll_tracer_start(const struct exec_ll_config *cfg, char *err,
					    size_t errlen);
/* Stops the thread; processes still traced are killed (PTRACE_O_EXITKILL). */
void exec_ll_tracer_stop(struct exec_ll_tracer *t);
/* Processes armed and not yet reported. */
unsigned exec_ll_tracer_pending(struct exec_ll_tracer *t);
/* The probe process's pid (0 once it is gone). It is a child of the tracer
 * thread: the supervisor must protect it as it protects itself (the filter
 * refuses signals, ptrace and pidfd_open aimed at it) and must not reap it
 * (wait for its own children by pid, or with __WNOTHREAD). If it dies,
 * later arms fall back to emulation. */
pid_t exec_ll_tracer_probe_pid(struct exec_ll_tracer *t);

enum exec_ll_arm_status {
	EXEC_LL_ARMED,     /* answer CONTINUE; the report follows on the tracer thread */
	EXEC_LL_FALLBACK,  /* not armed, nothing changed in the target: emulate it instead */
	EXEC_LL_ARM_ERROR, /* not armed, the target may hold a half-done state: kill it */
};

struct exec_ll_arm_result {
	enum exec_ll_arm_status status;
	int target_fd; /* the first ruleset's number in the target, when ARMED */
	char why[200]; /* for FALLBACK and ARM_ERROR */
};

/* Arms one execve notification (see above). pid = the notification's pid
 * (the calling thread). The rulesets (1..EXEC_LL_MAX_RULESETS) are applied
 * in order, one domain each, so a call must be allowed by every one: one
 * per layer the process's set grows by. They stay the caller's (one
 * ruleset serves many processes). cookie comes back in the report (and the
 * exe check). Safe to call from several threads at once, never from
 * a done callback. Falls back when the process is already traced (gdb,
 * strace), is the supervisor's own child (its exit would be reaped by
 * whichever of the tracer or the supervisor waits first), or shares its fd
 * table with its parent or a child (clone CLONE_FILES: that process would
 * keep the fd), or when that cannot be told (kcmp refused: a parent or
 * child that is not dumpable). Returns 0 when ARMED, -1 otherwise (see
 * res->status). */
int exec_landlock_arm(struct exec_ll_tracer *t, int listener_fd, uint64_t notif_id, pid_t pid,
		      const int *ruleset_fds, size_t n_rulesets, uint64_t cookie,
		      struct exec_ll_arm_result *res);

const char *exec_ll_outcome_name(enum exec_ll_outcome o);

#endif
