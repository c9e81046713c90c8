/* See run_verbose.h. Only prints: every decision was made elsewhere. */
#include "sandbox/run_verbose.h"
#include "sandbox/landlock.h"

#include <string.h>

static const char *kind_name(enum mnt_kind k)
{
	switch (k) {
	case MNT_ROOT_TMPFS: return "root tmpfs";
	case MNT_TMPFS: return "private tmpfs";
	case MNT_DEV: return "minimal dev";
	case MNT_PROC: return "fresh proc";
	case MNT_BIND_RO: return "read-only";
	case MNT_BIND_RW: return "writable";
	case MNT_HIDE: return "hidden (deny)";
	case MNT_MASK: return "masked";
	}
	return "?";
}

void run_verbose_print(FILE *out, const struct mount_plan *pl, const struct run_verbose_walls *w)
{
	for (size_t i = 0; i < pl->n; i++) {
		const struct mnt_op *op = &pl->ops[i];
		fprintf(out, "can: mount: %-13s %s", kind_name(op->kind), op->dst);
		if (op->src && op->kind != MNT_HIDE && op->kind != MNT_MASK &&
		    (!op->dst || __builtin_strcmp(op->src, op->dst) != 0))
			fprintf(out, " (from %s)", op->src);
		if (op->kind == MNT_BIND_RO || op->kind == MNT_BIND_RW)
			fprintf(out, "%s", op->need == MNT_REQUIRED ? " (required)"
								   : " (skipped if missing)");
		fputc('\n', out);
	}
	bool direct = w->egress && strcmp(w->egress, "direct") == 0;
	if (w->no_namespaces)
		fprintf(out, "can: wall: namespaces: none (--allow-degraded=userns): the lines above "
			"are Landlock rules over the real root, not mounts\n");
	else
		fprintf(out, "can: wall: namespaces: user, mount, PID, IPC, UTS, cgroup, network "
			"(%s)\n", direct ? "lo and pasta's uplink" : "only lo");
	fprintf(out, "can: wall: network: egress = \"%s\"%s\n", w->egress ? w->egress : "none",
		w->no_namespaces ? " (no socket but socketpair: no network at all)"
		: direct	 ? " (an unfiltered uplink through pasta, the host's loopback "
				   "not reachable; TCP connect to any port)"
				 : "");
	/* The bind rule as command() applies it (the ports do not matter here). */
	struct ll_net bind = { 0 };
	ll_net_set_bind(&bind, w->no_namespaces, NULL);
	if (w->landlock_abi >= 0)
		fprintf(out, "can: wall: landlock: ABI %d, rules mirror the mounts%s%s\n",
			w->landlock_abi, w->landlock_exec_only ? "; execute only [process] allow_execve"
							       : "",
			w->landlock_abi < 4   ? ""
			: !bind.bind_any      ? "; TCP bind only to port 0 (the host's network)"
					      : "; TCP bind to any port (the netns is the sandbox's)");
	else
		fprintf(out, "can: wall: landlock: none (degraded)\n");
	const char *mode = w->sco->mode == SC_MODE_STRICT    ? "refused calls kill (--strict)"
			   : w->sco->mode == SC_MODE_MONITOR ? "refused calls recorded (--monitor)"
							     : "refused calls fail with EPERM";
	fprintf(out, "can: wall: seccomp: allow-list, %s; %zu system call%s go to the supervisor\n",
		mode, w->sco->n_notify, w->sco->n_notify == 1 ? "" : "s");
	fprintf(out, "can: wall: cgroups: %s\n",
		w->cgroups ? "[resources] limits applied" : "no [resources] limits asked");
	fprintf(out, "can: wall: capabilities dropped, no_new_privs, environment rebuilt\n");
}
