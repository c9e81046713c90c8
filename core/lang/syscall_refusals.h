/* The system calls no recipe can allow (syscall_refusals.c). */
#ifndef CAN_SYSCALL_REFUSALS_H
#define CAN_SYSCALL_REFUSALS_H

#include <stddef.h>

struct syscall_refusal {
	const char *name; /* "ptrace" */
	const char *why;  /* "it reads and writes other processes' memory and registers" */
};
extern const struct syscall_refusal syscall_refusals[];
extern const size_t syscall_nrefusals;
/* The reason NAME is always refused, or NULL when a recipe may allow it. */
const char *syscall_refusal_why(const char *name);

#endif
