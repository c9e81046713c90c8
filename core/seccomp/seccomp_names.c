/* Syscall names <-> native numbers. libseccomp knows most names; the
 * table below adds x86_64 syscalls newer than the libseccomp Debian 12
 * ships (2.5.4), so a recipe may name them (and the fixed rules may refuse
 * them) on the newer kernels can runs on. Numbers are the kernel's ABI
 * (arch/x86/entry/syscalls/syscall_64.tbl); they never change. */
#include "seccomp/seccomp_filter.h"
#include "util/util.h"

#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
static const struct {
	const char *name;
	int nr;
} newer[] = {
	{ "uretprobe", 335 },        /* 6.11 */
	{ "statmount", 457 },        /* 6.8 */
	{ "listmount", 458 },        /* 6.8 */
	{ "lsm_get_self_attr", 459 },/* 6.8 */
	{ "lsm_set_self_attr", 460 },/* 6.8 */
	{ "lsm_list_modules", 461 }, /* 6.8 */
	{ "mseal", 462 },            /* 6.10 */
	{ "setxattrat", 463 },       /* 6.13 */
	{ "getxattrat", 464 },       /* 6.13 */
	{ "listxattrat", 465 },      /* 6.13 */
	{ "removexattrat", 466 },    /* 6.13 */
	{ "open_tree_attr", 467 },   /* 6.15 */
	{ "file_getattr", 468 },     /* 6.17 */
	{ "file_setattr", 469 },     /* 6.17 */
};
#else
#error "can's seccomp filter is written for x86_64 only (see docs/seccomp.md)"
#endif

int sc_syscall_nr(const char *name)
{
	int nr = seccomp_syscall_resolve_name(name);
	if (nr >= 0)
		return nr;
	if (nr != __NR_SCMP_ERROR)
		return SC_NR_OTHER_ARCH; /* a libseccomp pseudo-number */
	for (size_t i = 0; i < ARRAY_LEN(newer); i++)
		if (strcmp(newer[i].name, name) == 0)
			return newer[i].nr;
	return SC_NR_UNKNOWN;
}

char *sc_syscall_name(int nr)
{
	for (size_t i = 0; i < ARRAY_LEN(newer); i++)
		if (newer[i].nr == nr)
			return xstrdup(newer[i].name);
	char *s = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
	if (!s)
		return NULL;
	/* Return memory from our allocator, so callers always free() ours. */
	char *r = xstrdup(s);
	free(s);
	return r;
}
