/* `can run -v`: what the run is built from, printed to stderr before the
 * command starts (the recipes are printed by run_glue_policy). */
#ifndef CAN_RUN_VERBOSE_H
#define CAN_RUN_VERBOSE_H

#include "sandbox/mount_plan.h"
#include "seccomp/seccomp_filter.h"

#include <stdbool.h>
#include <stdio.h>

struct run_verbose_walls {
	int landlock_abi;      /* < 0: no Landlock */
	bool landlock_exec_only;
	const struct sc_options *sco;
	bool cgroups;
	const char *egress;
	/* --allow-degraded=userns: no namespaces; the "mounts" are the Landlock
	 * rules over the real root (docs/adr/0240). */
	bool no_namespaces;
};

/* "can: mount: ro /usr (required)" lines, then "can: wall: ..." lines. */
void run_verbose_print(FILE *out, const struct mount_plan *pl, const struct run_verbose_walls *w);

#endif
