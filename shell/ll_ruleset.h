/* A Landlock ruleset for a session layer, built from the layer's merged and
 * expanded policy ([filesystem], [process] allow_execve, [network]), and the
 * pure test of whether Landlock can say what that policy says
 * (docs/adr/0231). Session mode has no mount plan, so this does not go
 * through core/sandbox/landlock.c, whose rules mirror one. */
#ifndef CAN_SHELL_LL_RULESET_H
#define CAN_SHELL_LL_RULESET_H

#include "lang/policy.h"

#include <stdbool.h>
#include <stddef.h>

/* Whether Landlock can express the policy's filesystem rules, with the
 * extra writable folders of the layer (its directory). It cannot express a
 * `mask` (a path shown empty) nor a `deny` inside an allowed or writable
 * tree (Landlock only adds rights, beneath a folder). When false, *why says
 * which rule, in a buffer of the calling thread; the supervisor then keeps
 * such processes on emulation. Pure: no syscalls. */
bool ll_layer_expressible(const struct policy *p, const char *const *writable, size_t nwritable,
			  const char **why);
bool ll_policy_expressible(const struct policy *p, const char **why);

/* Builds the ruleset (an O_CLOEXEC fd in the caller) for Landlock ABI abi
 * (at least 6: the signal scope is what exec_landlock verifies with; a
 * negative abi is -errno from the version probe, refused with its name):
 * allow = read (and execute unless allow_execve names what may run),
 * allow_write and writable = read, write, create, remove, execute,
 * allow_execve = execute (and the dynamic loaders, which the kernel opens
 * for execution too), the terminal and null devices = read and write,
 * /proc = read; TCP connect only to the [network] ports' host ports unless
 * egress = "direct"; signals and abstract unix sockets scoped. Paths that
 * do not exist are skipped. Returns the fd, or -1 with "what: why" in err. */
int ll_ruleset_build(const struct policy *p, const char *const *writable, size_t nwritable, int abi,
		     char *err, size_t errlen);

#endif
