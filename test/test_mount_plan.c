/* The mount plan (core/sandbox/mount_plan.c): order, precedence and refusals,
 * checked without a kernel. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>

#include "sandbox/landlock.h"
#include "sandbox/mount_plan.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

static void add(struct plist *l, const char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = (struct pstr){ xstrdup(s), { "t.toml", 1, 1 } };
}

static void free_list(struct plist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].s);
	free(l->v);
}

struct fx {
	struct policy p;
	struct mount_plan pl;
	char err[256];
};

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	free_list(&f->p.fs.allow);
	free_list(&f->p.fs.allow_write);
	free_list(&f->p.fs.deny);
	free_list(&f->p.fs.mask);
	mount_plan_free(&f->pl);
	free(f);
	return 0;
}

static int build(struct fx *f, const char *cwd)
{
	struct mount_plan_in in = { .p = &f->p, .cwd = cwd };
	return mount_plan_build(&in, &f->pl, f->err, sizeof(f->err));
}

/* Index of the op of kind k at dst, or -1. */
static int find(const struct mount_plan *pl, enum mnt_kind k, const char *dst)
{
	for (size_t i = 0; i < pl->n; i++)
		if (pl->ops[i].kind == k && strcmp(pl->ops[i].dst, dst) == 0)
			return (int)i;
	return -1;
}

static void test_normalize(void **state)
{
	(void)state;
	char a[] = "//usr///lib/./x/", b[] = "/", c[] = "rel/x", d[] = "/a/../b", e[] = "/./";
	assert_true(mount_path_normalize(a));
	assert_string_equal(a, "/usr/lib/x");
	assert_true(mount_path_normalize(b));
	assert_string_equal(b, "/");
	assert_false(mount_path_normalize(c));
	assert_false(mount_path_normalize(d));
	assert_true(mount_path_normalize(e));
	assert_string_equal(e, "/");
}

static void test_under(void **state)
{
	(void)state;
	assert_true(mount_path_under("/home/u/.ssh", "/home/u"));
	assert_true(mount_path_under("/home/u", "/home/u"));
	assert_false(mount_path_under("/home/user2", "/home/u"));
	assert_true(mount_path_under("/x", "/"));
}

static void test_fixed_order(void **state)
{
	struct fx *f = *state;
	add(&f->p.fs.allow, "/usr");
	assert_int_equal(build(f, "/home/u/proj"), 0);
	assert_int_equal(f->pl.ops[0].kind, MNT_ROOT_TMPFS);
	assert_int_equal(find(&f->pl, MNT_TMPFS, "/tmp"), 1);
	assert_int_equal(find(&f->pl, MNT_DEV, "/dev"), 2);
	assert_int_equal(find(&f->pl, MNT_PROC, "/proc"), 3);
	assert_true(find(&f->pl, MNT_BIND_RO, "/usr") > 3);
	int cwd = find(&f->pl, MNT_BIND_RW, "/home/u/proj");
	assert_true(cwd > 3);
	assert_int_equal(f->pl.ops[cwd].need, MNT_REQUIRED);
	/* canister.toml and .canister come right after, read-only. */
	int own = find(&f->pl, MNT_BIND_RO, "/home/u/proj/canister.toml");
	assert_true(own > cwd);
	assert_int_equal(f->pl.ops[own].need, MNT_OPTIONAL);
	assert_true(find(&f->pl, MNT_BIND_RO, "/home/u/proj/.canister") > cwd);
	/* so do the files that make git and direnv run code outside later */
	static const char *const later[] = { ".envrc", ".git/config", ".git/hooks", ".git/modules" };
	for (size_t i = 0; i < sizeof(later) / sizeof(later[0]); i++) {
		char path[64];
		snprintf(path, sizeof(path), "/home/u/proj/%s", later[i]);
		int at = find(&f->pl, MNT_BIND_RO, path);
		assert_true(at > cwd);
		assert_int_equal(f->pl.ops[at].need, MNT_OPTIONAL);
	}
	/* a missing hooks/modules folder is created (empty) before the bind,
	 * so the sandbox cannot create and fill it; files are not */
	int hooks = find(&f->pl, MNT_BIND_RO, "/home/u/proj/.git/hooks");
	int mods = find(&f->pl, MNT_BIND_RO, "/home/u/proj/.git/modules");
	assert_true(f->pl.ops[hooks].create);
	assert_true(f->pl.ops[mods].create);
	assert_false(f->pl.ops[find(&f->pl, MNT_BIND_RO, "/home/u/proj/.git/config")].create);
	assert_false(f->pl.ops[find(&f->pl, MNT_BIND_RO, "/home/u/proj/.envrc")].create);
	assert_false(f->pl.ops[find(&f->pl, MNT_BIND_RO, "/home/u/proj/canister.toml")].create);
	/* .git itself is bound read-only only when it is a file (a linked
	 * worktree's "gitdir:" pointer); a .git folder stays writable:
	 * commits write objects, refs, the index */
	int git = find(&f->pl, MNT_BIND_RO, "/home/u/proj/.git");
	assert_true(git > cwd);
	assert_true(f->pl.ops[git].not_dir);
	assert_false(f->pl.ops[git].create);
	assert_false(f->pl.ops[hooks].not_dir);
}

static void test_parents_before_children(void **state)
{
	struct fx *f = *state;
	add(&f->p.fs.allow, "/home/u/.config/x");
	add(&f->p.fs.allow, "/home/u");
	add(&f->p.fs.allow_write, "/home/u/.cache");
	assert_int_equal(build(f, "/work"), 0);
	int parent = find(&f->pl, MNT_BIND_RO, "/home/u");
	int child = find(&f->pl, MNT_BIND_RO, "/home/u/.config/x");
	int rw = find(&f->pl, MNT_BIND_RW, "/home/u/.cache");
	assert_true(parent >= 0 && child > parent && rw > parent);
	assert_int_equal(f->pl.ops[rw].need, MNT_REQUIRED);
	assert_int_equal(f->pl.ops[child].need, MNT_OPTIONAL);
}

static void test_create_only_under_home(void **state)
{
	struct fx *f = *state;
	add(&f->p.fs.allow_write, "/home/u/.cache/node-gyp");
	add(&f->p.fs.allow_write, "/var/cache/x");
	add(&f->p.fs.allow, "/home/u/.config/ro");
	struct mount_plan_in in = { .p = &f->p, .cwd = "/home/u/proj", .home = "/home/u/" };
	assert_int_equal(mount_plan_build(&in, &f->pl, f->err, sizeof(f->err)), 0);
	assert_true(f->pl.ops[find(&f->pl, MNT_BIND_RW, "/home/u/.cache/node-gyp")].create);
	assert_false(f->pl.ops[find(&f->pl, MNT_BIND_RW, "/var/cache/x")].create);
	assert_false(f->pl.ops[find(&f->pl, MNT_BIND_RO, "/home/u/.config/ro")].create);
	assert_false(f->pl.ops[find(&f->pl, MNT_BIND_RW, "/home/u/proj")].create);
}

static void test_write_wins_over_read(void **state)
{
	struct fx *f = *state;
	add(&f->p.fs.allow, "/data");
	add(&f->p.fs.allow_write, "/data");
	assert_int_equal(build(f, "/work"), 0);
	assert_true(find(&f->pl, MNT_BIND_RW, "/data") >= 0);
	assert_int_equal(find(&f->pl, MNT_BIND_RO, "/data"), -1);
}

static void test_deny_beats_allow(void **state)
{
	struct fx *f = *state;
	add(&f->p.fs.allow, "/home/u");
	add(&f->p.fs.allow, "/home/u/.ssh/known_hosts");
	add(&f->p.fs.allow_write, "/home/u/.ssh/sockets");
	add(&f->p.fs.deny, "/home/u/.ssh");
	add(&f->p.fs.deny, "/elsewhere/secret"); /* not shown: nothing to hide */
	assert_int_equal(build(f, "/work"), 0);
	assert_int_equal(find(&f->pl, MNT_BIND_RO, "/home/u/.ssh/known_hosts"), -1);
	assert_int_equal(find(&f->pl, MNT_BIND_RW, "/home/u/.ssh/sockets"), -1);
	int hide = find(&f->pl, MNT_HIDE, "/home/u/.ssh");
	assert_true(hide > find(&f->pl, MNT_BIND_RO, "/home/u"));
	assert_int_equal(find(&f->pl, MNT_HIDE, "/elsewhere/secret"), -1);
	/* hides come after every bind */
	for (size_t i = (size_t)hide; i < f->pl.n; i++)
		assert_true(f->pl.ops[i].kind == MNT_HIDE || f->pl.ops[i].kind == MNT_MASK);
}

/* Canary files (ADR 0148): bound over the hide of the real one, last; not
 * where the mount point would have to be made on the host. */
static void test_fakes(void **state)
{
	struct fx *f = *state;
	add(&f->p.fs.deny, "/home/u/.aws");
	add(&f->p.fs.deny, "/home/u/.npmrc");
	const struct mount_fake fk[] = {
		{ "/tmp/c/aws", "/home/u/.aws", true },
		{ "/tmp/c/npmrc", "/home/u/.npmrc", false },
		{ "/tmp/c/gh", "/home/u/.config/gh", false },
	};
	struct mount_plan_in in = { .p = &f->p, .cwd = "/work", .fakes = fk, .nfakes = 3 };
	/* the home is not shown: every fake lands on the sandbox's own root */
	assert_int_equal(mount_plan_build(&in, &f->pl, f->err, sizeof(f->err)), 0);
	for (size_t i = 0; i < 3; i++) {
		int k = find(&f->pl, MNT_BIND_RO, fk[i].dst);
		assert_int_equal(k, (int)(f->pl.n - 3 + i));
		assert_string_equal(f->pl.ops[k].src, fk[i].src);
	}
	mount_plan_free(&f->pl);
	/* the home is the cwd (a writable host bind): the real ~/.aws exists
	 * and is hidden, its fake goes over the hide; no host ~/.npmrc or
	 * ~/.config/gh: no fake (its mount point would be made on the host) */
	in.cwd = "/home/u";
	assert_int_equal(mount_plan_build(&in, &f->pl, f->err, sizeof(f->err)), 0);
	assert_true(find(&f->pl, MNT_BIND_RO, "/home/u/.aws") > find(&f->pl, MNT_HIDE, "/home/u/.aws"));
	assert_true(find(&f->pl, MNT_HIDE, "/home/u/.aws") >= 0);
	assert_int_equal(find(&f->pl, MNT_BIND_RO, "/home/u/.npmrc"), -1);
	assert_int_equal(find(&f->pl, MNT_BIND_RO, "/home/u/.config/gh"), -1);
}

static void test_deny_inside_cwd(void **state)
{
	struct fx *f = *state;
	add(&f->p.fs.deny, "/home/u/proj/.env");
	add(&f->p.fs.deny, "/home/u/.ssh");
	assert_int_equal(build(f, "/home/u"), 0);
	assert_true(find(&f->pl, MNT_HIDE, "/home/u/proj/.env") > find(&f->pl, MNT_BIND_RW, "/home/u"));
	assert_true(find(&f->pl, MNT_HIDE, "/home/u/.ssh") >= 0);
}

static void test_denied_cwd_is_refused(void **state)
{
	struct fx *f = *state;
	add(&f->p.fs.deny, "/home/u/.ssh");
	assert_int_equal(build(f, "/home/u/.ssh/x"), -1);
	assert_non_null(strstr(f->err, "denied"));
	assert_int_equal(f->pl.n, 0);
}

static void test_denied_canister_file(void **state)
{
	struct fx *f = *state;
	add(&f->p.fs.deny, "/p/canister.toml");
	assert_int_equal(build(f, "/p"), 0);
	assert_int_equal(find(&f->pl, MNT_BIND_RO, "/p/canister.toml"), -1);
	assert_true(find(&f->pl, MNT_HIDE, "/p/canister.toml") >= 0);
}

static void test_mask(void **state)
{
	struct fx *f = *state;
	add(&f->p.fs.allow, "/etc");
	add(&f->p.fs.mask, "/etc/machine-id");
	add(&f->p.fs.mask, "/proc/cpuinfo");
	add(&f->p.fs.mask, "/nowhere/x");
	assert_int_equal(build(f, "/w"), 0);
	assert_true(find(&f->pl, MNT_MASK, "/etc/machine-id") > find(&f->pl, MNT_BIND_RO, "/etc"));
	assert_true(find(&f->pl, MNT_MASK, "/proc/cpuinfo") >= 0);
	assert_int_equal(find(&f->pl, MNT_MASK, "/nowhere/x"), -1);
}

static void test_refusals(void **state)
{
	struct fx *f = *state;
	add(&f->p.fs.allow, "/");
	assert_int_equal(build(f, "/w"), -1);
	assert_non_null(strstr(f->err, "whole host"));
	free_list(&f->p.fs.allow);
	memset(&f->p.fs.allow, 0, sizeof(f->p.fs.allow));
	add(&f->p.fs.allow, "usr/lib");
	assert_int_equal(build(f, "/w"), -1);
	assert_non_null(strstr(f->err, "usr/lib"));
	free_list(&f->p.fs.allow);
	memset(&f->p.fs.allow, 0, sizeof(f->p.fs.allow));
	add(&f->p.fs.allow_write, "/a/../etc");
	assert_int_equal(build(f, "/w"), -1);
	assert_int_equal(build(f, "/"), -1);
}

static void test_proc_dev_tmp_not_bound(void **state)
{
	struct fx *f = *state;
	add(&f->p.fs.allow, "/proc");
	add(&f->p.fs.allow, "/proc/1/environ");
	add(&f->p.fs.allow, "/dev");
	add(&f->p.fs.allow, "/dev/kvm");
	assert_int_equal(build(f, "/w"), 0);
	assert_int_equal(find(&f->pl, MNT_BIND_RO, "/proc"), -1);
	assert_int_equal(find(&f->pl, MNT_BIND_RO, "/proc/1/environ"), -1);
	assert_int_equal(find(&f->pl, MNT_BIND_RO, "/dev"), -1);
	assert_true(find(&f->pl, MNT_BIND_RO, "/dev/kvm") > find(&f->pl, MNT_DEV, "/dev"));
	assert_true(find(&f->pl, MNT_TMPFS, "/tmp") >= 0);
}

/* Issue 15: /tmp, /var/tmp and /dev/shm named in a recipe are the
 * sandbox's own private folders, never binds of the host's (ADR 0160). */
static void test_named_tmp_stays_private(void **state)
{
	struct fx *f = *state;
	add(&f->p.fs.allow_write, "/tmp");
	add(&f->p.fs.allow, "/tmp/");
	add(&f->p.fs.allow, "/dev/shm");
	add(&f->p.fs.allow_write, "/var/tmp");
	add(&f->p.fs.allow, "/var");
	assert_int_equal(build(f, "/tmp/proj"), 0);
	assert_int_equal(find(&f->pl, MNT_BIND_RW, "/tmp"), -1);
	assert_int_equal(find(&f->pl, MNT_BIND_RO, "/tmp"), -1);
	assert_int_equal(find(&f->pl, MNT_BIND_RO, "/dev/shm"), -1);
	assert_int_equal(find(&f->pl, MNT_BIND_RW, "/var/tmp"), -1);
	assert_true(find(&f->pl, MNT_TMPFS, "/tmp") < find(&f->pl, MNT_BIND_RW, "/tmp/proj"));
	/* /var/tmp's tmpfs goes over the host's /var, so after its bind. */
	assert_true(find(&f->pl, MNT_BIND_RO, "/var") < find(&f->pl, MNT_TMPFS, "/var/tmp"));
}

static void test_var_tmp_only_when_named(void **state)
{
	struct fx *f = *state;
	assert_int_equal(build(f, "/w"), 0);
	assert_int_equal(find(&f->pl, MNT_TMPFS, "/var/tmp"), -1);
	assert_true(find(&f->pl, MNT_TMPFS, "/tmp") >= 0);
}

static void test_cwd_under_private_tmp(void **state)
{
	struct fx *f = *state;
	assert_int_equal(build(f, "/tmp/x/proj"), 0);
	assert_true(find(&f->pl, MNT_TMPFS, "/tmp") < find(&f->pl, MNT_BIND_RW, "/tmp/x/proj"));
}

/* Landlock rights mirror the plan. */
static void test_landlock_rights(void **state)
{
	(void)state;
	struct mnt_op ro = { .kind = MNT_BIND_RO, .exec = true };
	struct mnt_op rw = { .kind = MNT_BIND_RW, .exec = true };
	struct mnt_op hide = { .kind = MNT_HIDE };
	struct mnt_op dev = { .kind = MNT_DEV };
	uint64_t r = ll_rights_for(&ro, "/usr", true, 6);
	assert_true(r & (1ULL << 2)); /* READ_FILE */
	assert_true(r & (1ULL << 0)); /* EXECUTE */
	assert_false(r & (1ULL << 1)); /* no WRITE_FILE */
	uint64_t w = ll_rights_for(&rw, "/w", true, 6);
	assert_true(w & (1ULL << 1));
	assert_true(w & (1ULL << 8)); /* MAKE_REG */
	assert_false(w & (1ULL << 6)); /* never MAKE_CHAR */
	assert_false(w & (1ULL << 11)); /* never MAKE_BLOCK */
	assert_int_equal(ll_rights_for(&hide, "/x", true, 6), 0);
	/* A file gets only file rights; an old ABI only what it knows. */
	assert_int_equal(ll_rights_for(&rw, "/w/f", false, 6) & ~((1ULL << 0) | (1ULL << 1) | (1ULL << 2) | (1ULL << 14) | (1ULL << 15)), 0);
	assert_false(ll_rights_for(&rw, "/w", true, 1) & (1ULL << 13)); /* REFER is ABI 2 */
	assert_true(ll_rights_for(&dev, "/dev", true, 5) & (1ULL << 15)); /* IOCTL_DEV */
	assert_false(ll_rights_for(&dev, "/dev", true, 4) & (1ULL << 15));
	assert_int_equal(ll_handled_fs(1), (1ULL << 13) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_under),
		cmocka_unit_test_setup_teardown(test_fixed_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parents_before_children, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_wins_over_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_only_under_home, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deny_beats_allow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deny_inside_cwd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fakes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_denied_cwd_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_denied_canister_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_proc_dev_tmp_not_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_named_tmp_stays_private, setup, teardown),
		cmocka_unit_test_setup_teardown(test_var_tmp_only_when_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cwd_under_private_tmp, setup, teardown),
		cmocka_unit_test(test_landlock_rights),
	};
	return cmocka_run_group_tests_name("mount_plan", tests, NULL, NULL);
}
