/* Internal to exec_landlock*.c: the tracer object and one tracee's state.
 * Everything here is touched by the tracer thread only, except the request
 * queue (under mu). */
#ifndef CAN_SHELL_EXEC_LANDLOCK_INT_H
#define CAN_SHELL_EXEC_LANDLOCK_INT_H

#include "exec_landlock.h"

#include <pthread.h>
#include <sys/user.h>

/* The calls injected at the first syscall entry of the new image. */
#define LL_MAX_STEPS 4

enum ll_state {
	LL_ARMED,      /* running the execve (PTRACE_CONT): exec stop or interrupt stop next */
	LL_WAIT_ENTRY, /* PTRACE_SYSCALL'd: waiting for a syscall-entry stop to inject at */
	LL_INJ_EXIT,   /* an injected call is running: its syscall-exit stop next */
	LL_INJ_ENTRY,  /* rewound to the syscall instruction: the next injected call's entry next */
	LL_BLOB,       /* the blob written at the entry point runs (PTRACE_CONT): its int3 next */
};

/* The blob: the same four calls as the register plan, results in r12-r15,
 * then int3. Written over the image's entry point and restored after. */
#define LL_BLOB_LEN 67
#define LL_BLOB_WORDS ((LL_BLOB_LEN + 7) / 8)

struct ll_tracee {
	pid_t pid; /* the id to ptrace: the thread before the exec, the tgid after */
	pid_t tid; /* the notification's pid */
	int fd;    /* the ruleset's number in the target */
	enum ll_state state;
	enum exec_ll_outcome goal; /* APPLIED (full plan) or EXEC_FAILED (close only) */
	int step, nsteps;
	long nr[LL_MAX_STEPS];
	unsigned long long arg0[LL_MAX_STEPS], arg1[LL_MAX_STEPS];
	long ret[LL_MAX_STEPS];
	struct user_regs_struct saved; /* at the entry stop injected at, or at the exec stop */
	unsigned long text[LL_BLOB_WORDS]; /* the image's own bytes under the blob */
	struct exec_ll_report rep;
	struct ll_tracee *next;
};

struct ll_req {
	pid_t pid;
	int listener_fd, ruleset_fd;
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
