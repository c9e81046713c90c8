/* Internal to the seccomp builder: the fixed hardening rules. */
#ifndef CAN_SECCOMP_RULES_H
#define CAN_SECCOMP_RULES_H

#include <seccomp.h>
#include <stdint.h>
#include <sys/types.h>

/* Adds the fixed hardening to ctx, a filter whose default action is ALLOW:
 * every rule here refuses (with `refuse`, or ENOSYS for clone3). Returns 0
 * or a negative errno from libseccomp. */
int sc_rules_add(scmp_filter_ctx ctx, uint32_t refuse, pid_t protect_pid,
		 const char *const *notify_instead);
/* Refuses signals, pidfd_open and the other pid-taking calls aimed at pid
 * (sc_rules_add's protect_pid; sc_options.protect_pid2). */
int sc_rules_protect(scmp_filter_ctx ctx, uint32_t refuse, pid_t pid);
/* Adds the refusals for a sandbox without namespaces of its own
 * (sc_options.host_shared). Same conventions. */
int sc_rules_add_host_shared(scmp_filter_ctx ctx, uint32_t refuse);

#endif
