/* Process hardening of the command before exec: capabilities, no_new_privs,
 * rlimits. */
#ifndef CAN_PROC_HARDEN_H
#define CAN_PROC_HARDEN_H

#include "lang/policy.h"

#include <stddef.h>

/* Drops every capability: bounding set, ambient, inheritable, permitted,
 * effective. Returns 0, or -1 with the reason in err. */
int harden_drop_caps(char *err, size_t errlen);
/* PR_SET_NO_NEW_PRIVS. */
int harden_no_new_privs(char *err, size_t errlen);
/* RLIMIT_CORE 0; RLIMIT_NPROC = max_pids when set (counted per user
 * namespace, so it bounds the sandbox alone). */
int harden_rlimits(const struct policy *p, char *err, size_t errlen);

#endif
