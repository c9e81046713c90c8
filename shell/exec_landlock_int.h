/* Internal to exec_landlock*.c: the tracer object and one tracee's state.
 * Everything here is touched by the tracer thread only, except the request
 * queue (under mu). */
#ifndef CAN_SHELL_EXEC_LANDLOCK_INT_H
#define CAN_SHELL_EXEC_LANDLOCK_INT_H

#include "exec_landlock.h"

#include <pthread.h>
#include <sys/user.h>

/* The calls injected into the new image: a probe, one restrict per
 * ruleset, the probe again, one close per ruleset. */
#define LL_MAX_STEPS (2 + 2 * EXEC_LL_MAX_RULESETS)

enum ll_state {
	LL_ARMED,      /* running the execve (PTRACE_CONT): exec stop or interrupt stop next */
	LL_WAIT_ENTRY, /* PTRACE_SYSCALL'd: waiting for a syscall-entry stop to inject at */
	LL_INJ_EXIT,   /* an injected call is running: its syscall-exit stop next */
	LL_INJ_ENTRY,  /* rewound to the syscall instruction: the next injected call's entry next */
	LL_BLOB,       /* the blob written at the entry point runs (PTRACE_CONT): its int3 next */
};

/* The blob: the same calls as the register plan, then int3. Results: r12
 * the first probe, r13 the restricts ORed, r14 the second probe, r15 the
 * closes ORed. Written over the image's entry point and restored after.
 * A call with two arguments is 17 bytes, close 15. */
#define LL_BLOB_MAX (17 * (2 + EXEC_LL_MAX_RULESETS) + 15 * EXEC_LL_MAX_RULESETS + 1)
#define LL_BLOB_WORDS ((LL_BLOB_MAX + 7) / 8)

struct ll_tracee {
	pid_t pid; /* the id to ptrace: the thread before the exec, the tgid after */
	pid_t tid; /* the notification's pid */
	int fds[EXEC_LL_MAX_RULESETS]; /* the rulesets' numbers in the target */
	int nfds;
	int blob_len, blob_words;
	enum ll_state state;
	enum exec_ll_outcome goal; /* APPLIED (full plan) or EXEC_FAILED (close only) */
	int step, nsteps;
	long nr[LL_MAX_STEPS];
	unsigned long long arg0[LL_MAX_STEPS], arg1[LL_MAX_STEPS];
	long ret[LL_MAX_STEPS];   /* the register method's results, per call */
	long blob_sum[4];         /* the blob's r12-r15 */
	struct user_regs_struct saved; /* at the entry stop injected at, or at the exec stop */
	unsigned long text[LL_BLOB_WORDS]; /* the image's own bytes under the blob */
	struct exec_ll_report rep;
	struct ll_tracee *next;
};

struct ll_req {
	pid_t pid;
	int listener_fd;
	const int *ruleset_fds;
	size_t n_rulesets;
	uint64_t notif_id, cookie;
	struct exec_ll_arm_result *res;
	bool done;
	struct ll_req *next;
};

struct exec_ll_tracer {
	struct exec_ll_config cfg;
	pthread_t thread;
	pid_t tid;   /* the tracer thread */
	pid_t probe; /* the signal-scope probe process, 0 when gone (written under mu) */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct ll_req *reqs; /* under mu */
	bool stopping;       /* under mu */
	bool ready;          /* under mu */
	char start_err[200]; /* under mu */
	unsigned pending;    /* under mu: armed, not yet reported */
	struct ll_tracee *tracees; /* tracer thread only */
};

/* exec_landlock_step.c: one wait status of a tracee, on the tracer thread.
 * Returns true when the tracee is finished (reported; the caller frees it). */
bool ll_tracee_event(struct exec_ll_tracer *t, struct ll_tracee *tr, int status);
/* SIGKILL and reap (the real parent must not hang on a ptrace zombie). */
void ll_kill_reap(pid_t pid);
/* Fills the report and calls the done callback (_kept: why as it is). */
void ll_report_kept(struct exec_ll_tracer *t, struct ll_tracee *tr, enum exec_ll_outcome o);
void ll_report(struct exec_ll_tracer *t, struct ll_tracee *tr, enum exec_ll_outcome o,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
