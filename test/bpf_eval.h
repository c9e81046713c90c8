/* A small classic-BPF interpreter for seccomp programs, so tests can ask
 * "what would the kernel answer for this syscall?" without loading the
 * filter. It follows the kernel's seccomp dialect: loads are 32-bit words
 * from struct seccomp_data, 16 scratch words, forward jumps only. */
#ifndef CAN_TEST_BPF_EVAL_H
#define CAN_TEST_BPF_EVAL_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>

/* The program's return value for *d. A malformed program (a jump or load
 * out of range, a division by zero, falling off the end, an instruction the
 * seccomp dialect does not allow) returns BPF_EVAL_BAD and sets *why. */
#define BPF_EVAL_BAD 0xdeadbeefU
uint32_t bpf_eval(const struct sock_filter *prog, size_t n,
		  const struct seccomp_data *d, const char **why);

/* A seccomp_data for the native architecture (x86_64). */
struct seccomp_data bpf_data(int nr, uint64_t a0, uint64_t a1, uint64_t a2);

#endif
