/* The no-namespace mode's pure parts (docs/adr/0240): the plan derived
 * from the full mode's mount plan, the list of losses, the supervisor's
 * read-only carve-outs, and the wall name "userns" (never part of "all"). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "notify/notify_decide.h"
#include "sandbox/run.h"
#include "sandbox/run_degraded.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void op(struct mount_plan *pl, enum mnt_kind k, const char *path, bool exec)
{
	pl->ops = xrealloc(pl->ops, (pl->n + 1) * sizeof(*pl->ops));
	pl->ops[pl->n++] = (struct mnt_op){ .kind = k, .need = MNT_OPTIONAL,
					    .src = path ? xstrdup(path) : NULL,
					    .dst = xstrdup(path ? path : "/"), .exec = exec };
}

static const struct mnt_op *find(const struct mount_plan *pl, const char *dst)
{
	for (size_t i = 0; i < pl->n; i++)
		if (strcmp(pl->ops[i].dst, dst) == 0)
			return &pl->ops[i];
	return NULL;
}

static bool listed(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

static void full_plan(struct mount_plan *pl)
{
	*pl = (struct mount_plan){ 0 };
	op(pl, MNT_ROOT_TMPFS, "/", false);
	op(pl, MNT_TMPFS, "/tmp", true);
	op(pl, MNT_DEV, "/dev", false);
	op(pl, MNT_PROC, "/proc", false);
	op(pl, MNT_BIND_RO, "/usr", true);
	op(pl, MNT_BIND_RW, "/p", true);
	op(pl, MNT_BIND_RO, "/p/.git/hooks", false);
	op(pl, MNT_BIND_RO, "/usr/share", false); /* read-only under read-only: a plain rule */
	op(pl, MNT_HIDE, "/p/.env", false);
	op(pl, MNT_MASK, "/p/secret", false);
}

static void test_plan(void **state)
{
	(void)state;
	struct mount_plan full;
	full_plan(&full);
	struct degraded_plan dp;
	char err[256];
	assert_int_equal(degraded_plan_build(&full, "/tmp/can-run.X", &dp, err, sizeof(err)), 0);
	/* The tmpfs root grants nothing: no rule on / (it would list everything). */
	assert_null(find(&dp.ll, "/"));
	/* /tmp is the private folder, not the host's /tmp. */
	assert_null(find(&dp.ll, "/tmp"));
	const struct mnt_op *t = find(&dp.ll, "/tmp/can-run.X");
	assert_non_null(t);
	assert_int_equal(t->kind, MNT_BIND_RW);
	/* /dev: the nodes, not the folder (no disks, no other terminals). */
	assert_null(find(&dp.ll, "/dev"));
	assert_null(find(&dp.ll, "/dev/pts"));
	assert_non_null(find(&dp.ll, "/dev/null"));
	assert_non_null(find(&dp.ll, "/dev/urandom"));
	assert_null(find(&dp.ll, "/dev/tty")); /* the supervisor's own terminal */
	/* /proc is read-only and its masked entries are hidden. */
	assert_int_equal(find(&dp.ll, "/proc")->kind, MNT_BIND_RO);
	assert_true(listed(dp.hide, dp.nhide, "/proc/kcore"));
	assert_true(listed(dp.hide, dp.nhide, "/proc/sysrq-trigger"));
	/* Binds keep their rights and exec. */
	assert_int_equal(find(&dp.ll, "/usr")->kind, MNT_BIND_RO);
	assert_true(find(&dp.ll, "/usr")->exec);
	assert_int_equal(find(&dp.ll, "/p")->kind, MNT_BIND_RW);
	assert_non_null(find(&dp.ll, "/usr/share"));
	/* A read-only bind inside a writable one is a carve-out, not a rule. */
	assert_null(find(&dp.ll, "/p/.git/hooks"));
	assert_true(listed(dp.readonly, dp.nreadonly, "/p/.git/hooks"));
	assert_int_equal(dp.nreadonly, 1);
	/* deny and mask inside allowed trees go to the supervisor. */
	assert_true(listed(dp.hide, dp.nhide, "/p/.env"));
	assert_true(listed(dp.hide, dp.nhide, "/p/secret"));
	/* Only binds reach Landlock (landlock_apply_exec adds /dev/pts for MNT_DEV). */
	for (size_t i = 0; i < dp.ll.n; i++)
		assert_true(dp.ll.ops[i].kind == MNT_BIND_RO || dp.ll.ops[i].kind == MNT_BIND_RW);
	degraded_plan_free(&dp);
	assert_int_equal(degraded_plan_build(&full, "relative", &dp, err, sizeof(err)), -1);
	mount_plan_free(&full);
}

static char *losses(const struct degraded_losses_in *in)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	degraded_losses_print(f, in);
	fclose(f);
	return buf;
}

static void test_losses(void **state)
{
	(void)state;
	struct degraded_losses_in in = { .why = "unshare: ENOSPC", .landlock_abi = 7,
					 .tmpdir = "/tmp/can-run.Y", .egress = "none",
					 .nhide = 2, .nreadonly = 1 };
	char *s = losses(&in);
	assert_non_null(strstr(s, "can: warning: userns:"));
	assert_non_null(strstr(s, "unshare: ENOSPC"));
	assert_non_null(strstr(s, "no PID namespace"));
	assert_non_null(strstr(s, "signals to them are refused"));
	assert_non_null(strstr(s, "no mount namespace"));
	assert_non_null(strstr(s, "TMPDIR=/tmp/can-run.Y"));
	assert_non_null(strstr(s, "egress = \"none\" is held by seccomp"));
	assert_non_null(strstr(s, "Landlock (no TCP connect;"));
	assert_non_null(strstr(s, "TCP bind only to port 0"));
	assert_non_null(strstr(s, "2 denied path(s)"));
	assert_non_null(strstr(s, "no IPC namespace"));
	free(s);
	/* An older Landlock and proxy-only: said loudly. */
	in.landlock_abi = 4;
	in.egress = "proxy-only";
	s = losses(&in);
	assert_non_null(strstr(s, "SIGNALS TO THE USER'S OTHER PROCESSES ARE NOT REFUSED"));
	assert_non_null(strstr(s, "NO network at all"));
	free(s);
	in.landlock_abi = 3;
	s = losses(&in);
	assert_null(strstr(s, "no TCP connect"));
	assert_non_null(strstr(s, "Landlock ABI < 4 has no TCP rules"));
	assert_non_null(strstr(s, "TCP bind is not\n    limited"));
	free(s);
}

static void test_readonly_rule(void **state)
{
	(void)state;
	struct notify_rules r;
	notify_rules_init(&r);
	struct srcpos none = { 0 };
	notify_rules_add_path(&r, "allow", "/p", NOTIFY_READ | NOTIFY_WRITE | NOTIFY_EXEC, "a", none);
	notify_rules_add_path(&r, "readonly", "/p/.git/hooks", NOTIFY_READ, "ro", none);
	assert_true(r.restrict_fs);
	/* The path, beneath it, and a folder above it (rename, rmdir). */
	struct notify_decision d = notify_decide_write(&r, "/p/.git/hooks/pre-commit");
	assert_int_equal(d.verdict, NOTIFY_REFUSE);
	assert_int_equal(d.err, EROFS);
	assert_int_equal(notify_decide_write(&r, "/p/.git/hooks").verdict, NOTIFY_REFUSE);
	assert_int_equal(notify_decide_write(&r, "/p/.git").verdict, NOTIFY_REFUSE);
	/* Reading it, and writing beside it, still work. */
	assert_int_equal(notify_decide_open(&r, "/p/.git/hooks/pre-commit", 0).verdict, NOTIFY_ALLOW);
	assert_int_equal(notify_decide_write(&r, "/p/.git/index").verdict, NOTIFY_ALLOW);
	assert_int_equal(notify_decide_write(&r, "/p/.git/hooksx").verdict, NOTIFY_ALLOW);
	assert_int_equal(notify_decide_write(&r, "/p/src/main.c").verdict, NOTIFY_ALLOW);
	/* Outside the allow-list: EACCES by default; ENOENT for reads when asked. */
	assert_int_equal(notify_decide_open(&r, "/etc/gitconfig", 0).err, EACCES);
	r.hidden_errno = ENOENT;
	assert_int_equal(notify_decide_open(&r, "/etc/gitconfig", 0).err, ENOENT);
	assert_int_equal(notify_decide_write(&r, "/etc/gitconfig").err, EACCES);
	/* Lookups: the folders on the way exist, the rest is absent. */
	assert_int_equal(notify_decide_lookup(&r, "/").verdict, NOTIFY_ALLOW);
	assert_int_equal(notify_decide_lookup(&r, "/p/src").verdict, NOTIFY_ALLOW);
	assert_int_equal(notify_decide_lookup(&r, "/etc/gitconfig").err, ENOENT);
	notify_rules_add_path(&r, "deny", "/p/.env", 0, "d", none);
	assert_int_equal(notify_decide_lookup(&r, "/p/.env").err, ENOENT);
	r.hidden_errno = 0;
	assert_int_equal(notify_decide_lookup(&r, "/etc/gitconfig").verdict, NOTIFY_ALLOW);
	notify_rules_free(&r);
}

static void test_wall_name(void **state)
{
	(void)state;
	unsigned m = 0;
	char err[256];
	assert_int_equal(run_walls_parse("all", &m, err, sizeof(err)), 0);
	assert_false(m & WALL_USERNS);
	m = 0;
	assert_int_equal(run_walls_parse("userns,landlock-scope", &m, err, sizeof(err)), 0);
	assert_int_equal(m, WALL_USERNS | WALL_LANDLOCK_SCOPE);
	assert_string_equal(run_wall_name(WALL_USERNS), "userns");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_losses),
		cmocka_unit_test(test_readonly_rule),
		cmocka_unit_test(test_wall_name),
	};
	return cmocka_run_group_tests_name("run_degraded", tests, NULL, NULL);
}
