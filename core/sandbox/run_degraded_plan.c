/* The no-namespace mode's plan and its list of losses (pure; see
 * run_degraded.h and docs/adr/0240). */
#include "sandbox/run_degraded.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

static void push(struct mount_plan *pl, enum mnt_kind k, enum mnt_need need, const char *path,
		 bool exec, bool create)
{
	if (pl->n == pl->cap) {
		pl->cap = pl->cap ? pl->cap * 2 : 16;
		pl->ops = xrealloc(pl->ops, pl->cap * sizeof(*pl->ops));
	}
	pl->ops[pl->n++] = (struct mnt_op){ .kind = k, .need = need, .src = xstrdup(path),
					    .dst = xstrdup(path), .exec = exec, .create = create };
}

static void add_str(char ***v, size_t *n, const char *s)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i], s) == 0)
			return;
	*v = xrealloc(*v, (*n + 2) * sizeof(char *));
	(*v)[(*n)++] = xstrdup(s);
	(*v)[*n] = NULL;
}

/* A read-only bind beneath a writable one: in the full mode a mount makes
 * it read-only; Landlock rights on the writable tree cover it, so it is a
 * carve-out for the supervisor. */
static bool under_writable(const struct mount_plan *full, const struct mnt_op *op)
{
	for (size_t i = 0; i < full->n; i++) {
		const struct mnt_op *w = &full->ops[i];
		if (w->kind == MNT_BIND_RW && strcmp(w->dst, op->dst) != 0 &&
		    mount_path_under(op->dst, w->dst))
			return true;
	}
	return false;
}

int degraded_plan_build(const struct mount_plan *full, const char *tmpdir,
			struct degraded_plan *out, char *err, size_t errlen)
{
	*out = (struct degraded_plan){ 0 };
	if (!tmpdir || tmpdir[0] != '/') {
		snprintf(err, errlen, "the private TMPDIR must be an absolute path");
		return -1;
	}
	for (size_t i = 0; i < full->n; i++) {
		const struct mnt_op *op = &full->ops[i];
		switch (op->kind) {
		case MNT_ROOT_TMPFS:
			/* Nothing: granting READ_DIR on the real / would list every
			 * folder beneath it, ~/.ssh's names included. */
			break;
		case MNT_TMPFS:
			/* /tmp (and a private /var/tmp): one private folder, given as
			 * TMPDIR; the host's /tmp itself stays closed. */
			if (strcmp(op->dst, "/tmp") == 0)
				push(&out->ll, MNT_BIND_RW, MNT_REQUIRED, tmpdir, true, false);
			break;
		case MNT_DEV:
			/* The nodes, not the host's /dev (disks, other terminals).
			 * Not /dev/tty: it names the asker's terminal, and the
			 * supervisor, which performs opens, would open its own
			 * (even for a --new-session command that has none). */
			for (const char *const *d = mount_dev_nodes; *d; d++)
				if (strcmp(*d, "/dev/tty") != 0)
					push(&out->ll, MNT_BIND_RW, MNT_OPTIONAL, *d, false, false);
			break;
		case MNT_PROC:
			/* Read-only: /proc/sys would be writable for a uid-0 caller.
			 * Other processes' environ, mem and fds stay closed: Landlock
			 * refuses ptrace-mode access outside its domain. */
			push(&out->ll, MNT_BIND_RO, MNT_REQUIRED, "/proc", false, false);
			for (const char *const *m = mount_proc_masked; *m; m++)
				add_str(&out->hide, &out->nhide, *m);
			break;
		case MNT_BIND_RO:
			if (under_writable(full, op) && op->not_dir)
				add_str(&out->readonly_file, &out->nreadonly_file, op->dst);
			else if (under_writable(full, op))
				add_str(&out->readonly, &out->nreadonly, op->dst);
			else if (op->not_dir)
				break; /* a .git outside a writable tree is read-only anyway */
			else
				push(&out->ll, MNT_BIND_RO, op->need, op->dst, op->exec, op->create);
			break;
		case MNT_BIND_RW:
			push(&out->ll, MNT_BIND_RW, op->need, op->dst, op->exec, op->create);
			break;
		case MNT_HIDE:
		case MNT_MASK:
			add_str(&out->hide, &out->nhide, op->dst);
			break;
		}
	}
	return 0;
}

void degraded_plan_free(struct degraded_plan *dp)
{
	mount_plan_free(&dp->ll);
	for (size_t i = 0; i < dp->nhide; i++)
		free(dp->hide[i]);
	free(dp->hide);
	for (size_t i = 0; i < dp->nreadonly; i++)
		free(dp->readonly[i]);
	free(dp->readonly);
	for (size_t i = 0; i < dp->nreadonly_file; i++)
		free(dp->readonly_file[i]);
	free(dp->readonly_file);
	*dp = (struct degraded_plan){ 0 };
}

void degraded_losses_print(FILE *out, const struct degraded_losses_in *in)
{
	fprintf(out,
		"can: warning: userns: user namespaces do not work here (%s); "
		"--allow-degraded=userns: running WITHOUT namespaces (Landlock, seccomp and the "
		"notification supervisor only). Compared to the full sandbox this run loses:\n",
		in->why ? in->why : "unknown reason");
	fputs("  - no PID namespace: the command sees the host's processes (ps, /proc/PID/cmdline);\n",
	      out);
	if (in->landlock_abi >= 6)
		fputs("    signals to them are refused by Landlock's scoping, their memory, fds and\n"
		      "    environment by Landlock's ptrace rule\n", out);
	else
		fputs("    SIGNALS TO THE USER'S OTHER PROCESSES ARE NOT REFUSED (Landlock ABI < 6 has no\n"
		      "    signal scoping); their memory and environment stay closed (Landlock)\n", out);
	fputs("  - no mount namespace: the view is Landlock rules over the real root; paths outside\n"
	      "    the recipes fail with EACCES instead of not existing, and their names stay\n"
	      "    visible to stat; writes outside the allowed folders are refused, not discarded\n",
	      out);
	if (in->nhide || in->nreadonly)
		fprintf(out,
			"  - %zu denied path(s) inside allowed folders and %zu read-only file(s) of the\n"
			"    project are refused by the supervisor, which emulates every open and path\n"
			"    change (slower than the mounts that do it in the full sandbox)\n",
			in->nhide, in->nreadonly);
	fprintf(out,
		"  - no private /tmp: TMPDIR=%s (private, removed at exit); the host's /tmp and\n"
		"    /dev/shm are not writable; /dev has only null, zero, full, random, urandom (no\n"
		"    /dev/tty: stdin, stdout and stderr stay the terminal)\n",
		in->tmpdir ? in->tmpdir : "?");
	if (in->egress && strcmp(in->egress, "proxy-only") == 0)
		fputs("  - no network namespace: egress = \"proxy-only\" needs one for the proxy, so this\n"
		      "    run has NO network at all:", out);
	else
		fputs("  - no network namespace: egress = \"none\" is held by", out);
	fprintf(out, " seccomp (no IPv4, IPv6 or unix socket, nor a\n"
		"    datagram socketpair: programs that talk to local servers fail)%s\n",
		in->landlock_abi >= 4 ? " and Landlock (no TCP connect;\n"
					"    TCP bind only to port 0: a listener here is on the host's network)"
				      : ";\n    Landlock ABI < 4 has no TCP rules: seccomp alone holds it, and TCP "
					"bind is not\n    limited behind it");
	fputs("  - no IPC namespace: SysV IPC and POSIX message queues are refused; no UTS\n"
	      "    namespace: the host name is the host's\n", out);
	fputs("  - processes the command leaves running are killed when it ends only while they\n"
	      "    stay its descendants; if can itself is killed they may outlive it\n", out);
	if (!in->cgroups)
		fputs("  - no cgroup namespace (the host's cgroup paths are visible)\n", out);
	else
		fputs("  - no cgroup namespace (the host's cgroup paths are visible); [resources] limits\n"
		      "    apply as in the full sandbox\n", out);
}
