/* The shipped recipes as compiled in: the embedded text is the file in
 * recipes/, default's allow-list leaves out what DESIGN section 5 forbids,
 * base exposes no secrets and no $HOME, and the ecosystem recipes say what
 * they are for. */
#include "recipe_test.h"

static const struct expand_env env = { .home = "/home/u", .user = "u", .cwd = "/work/p" };

static struct policy effective(const char *name)
{
	struct policy p;
	struct diags d = { 0 };
	const char *names[] = { name };
	if (recipe_load_effective(names, name ? 1 : 0, NULL, &env, &p, &d)) {
		diags_print(&d, stderr);
		fail_msg("effective policy for %s did not load", name ? name : "(baseline)");
	}
	diags_free(&d);
	return p;
}

static void builtin_text_is_the_shipped_file(void **state)
{
	const char *src = getenv("CAN_SRCDIR");
	if (!src)
		skip();
	const char *want[] = { "base", "default", "node", "npm", "python", "pip" };
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct builtin_recipe *b = builtin_find(want[i]);
		assert_non_null(b);
		char path[4096];
		snprintf(path, sizeof(path), "%s/recipes/%s.toml", src, want[i]);
		FILE *f = fopen(path, "rb");
		assert_non_null(f);
		char *buf = malloc(b->len + 2);
		size_t n = fread(buf, 1, b->len + 1, f);
		fclose(f);
		assert_int_equal(n, b->len);
		assert_memory_equal(buf, b->text, b->len);
		free(buf);
	}
	assert_null(builtin_find("example"));
}

static void default_leaves_out_dangerous_calls(void **state)
{
	struct policy p = effective(NULL);
	const char *never[] = {
		"ptrace", "process_vm_readv", "process_vm_writev", "keyctl", "add_key", "request_key",
		"bpf", "userfaultfd", "perf_event_open", "open_by_handle_at", "mount", "umount2",
		"pivot_root", "move_mount", "open_tree", "fsopen", "fsconfig", "fsmount", "fspick",
		"mount_setattr", "io_uring_setup", "io_uring_enter", "io_uring_register",
		"kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
	};
	for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++) {
		if (plist_has(&p.sys.allow, never[i]))
			fail_msg("default allows %s", never[i]);
		if (!plist_has(&p.sys.deny, never[i]))
			fail_msg("default does not deny %s", never[i]);
		assert_false(policy_syscall_allowed(&p, never[i]));
	}
	/* left to the seccomp builder's argument checks */
	assert_false(plist_has(&p.sys.allow, "unshare"));
	assert_false(plist_has(&p.sys.allow, "setns"));
	assert_false(plist_has(&p.sys.allow, "clone3"));
	assert_true(policy_syscall_allowed(&p, "clone"));
	assert_true(policy_syscall_allowed(&p, "openat"));
	assert_true(policy_syscall_allowed(&p, "execve"));
	assert_string_equal(p.sys.seccomp_mode.v, "allow-list");
	policy_free(&p);
}

static void default_deny_cannot_be_undone(void **state)
{
	struct policy p = effective(NULL);
	/* (ptrace, bpf and the other always-refused calls do not even load:
	 * test_recipe_errors; these two are only in default's deny list) */
	struct policy user = t_load("u.toml", "[syscalls]\nallow_extra = [\"kcmp\", \"settimeofday\"]\n");
	policy_merge(&p, &user);
	assert_false(policy_syscall_allowed(&p, "kcmp"));
	assert_false(policy_syscall_allowed(&p, "settimeofday"));
	policy_free(&user);
	policy_free(&p);
}

static void base_has_no_secrets_and_no_home(void **state)
{
	struct policy p = effective(NULL);
	assert_int_equal(policy_fs_access(&p, "/etc/shadow"), FS_DENIED);
	assert_int_equal(policy_fs_access(&p, "/etc/gshadow"), FS_DENIED);
	assert_int_equal(policy_fs_access(&p, "/etc/ssh/ssh_host_ed25519_key"), FS_DENIED);
	assert_int_equal(policy_fs_access(&p, "/home/u"), FS_NONE);
	assert_int_equal(policy_fs_access(&p, "/home/u/.ssh/id_ed25519"), FS_DENIED);
	assert_int_equal(policy_fs_access(&p, "/home/u/.aws/credentials"), FS_DENIED);
	assert_int_equal(policy_fs_access(&p, "/home/u/.gnupg"), FS_DENIED);
	assert_int_equal(policy_fs_access(&p, "/root"), FS_NONE);
	assert_int_equal(policy_fs_access(&p, "/etc"), FS_NONE); /* only pieces of /etc */
	assert_int_equal(policy_fs_access(&p, "/etc/passwd"), FS_READ);
	assert_int_equal(policy_fs_access(&p, "/etc/ld.so.cache"), FS_READ);
	assert_int_equal(policy_fs_access(&p, "/etc/ssl/certs/ca-certificates.crt"), FS_READ);
	assert_int_equal(policy_fs_access(&p, "/usr/lib/x86_64-linux-gnu/libc.so.6"), FS_READ);
	assert_int_equal(policy_fs_access(&p, "/usr/bin/env"), FS_READ);
	assert_int_equal(p.fs.allow_write.n, 0); /* nothing writable by default */
	policy_free(&p);
}

static void npm_and_pip_go_through_the_proxy(void **state)
{
	const char *names[] = { "npm", "pip" };
	const char *hosts[] = { "registry.npmjs.org", "pypi.org" };
	const char *cache[] = { "/home/u/.npm", "/home/u/.cache/pip" };
	for (int i = 0; i < 2; i++) {
		struct policy p = effective(names[i]);
		assert_string_equal(p.net.egress.v, "proxy-only");
		assert_true(p.nhosts >= 1);
		assert_string_equal(p.hosts[0].domain.s, hosts[i]);
		assert_int_equal(policy_fs_access(&p, cache[i]), FS_WRITE);
		assert_int_equal(policy_fs_access(&p, "/home/u/.ssh"), FS_DENIED);
		assert_int_equal(policy_fs_access(&p, "/home/u/.npmrc"), FS_DENIED);
		policy_free(&p);
	}
}

static void node_and_python_have_no_network(void **state)
{
	const char *names[] = { "node", "python" };
	for (int i = 0; i < 2; i++) {
		struct policy p = effective(names[i]);
		assert_false(p.net.egress.set); /* the default: none */
		assert_int_equal(p.nhosts, 0);
		assert_true(p.recipe.match_prefix.n > 0);
		policy_free(&p);
	}
}

int main(void)
{
	setenv("CAN_RECIPE_PATH", "", 1);
	setenv("XDG_CONFIG_HOME", "/nonexistent-can-test", 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builtin_text_is_the_shipped_file),
		cmocka_unit_test(default_leaves_out_dangerous_calls),
		cmocka_unit_test(default_deny_cannot_be_undone),
		cmocka_unit_test(base_has_no_secrets_and_no_home),
		cmocka_unit_test(npm_and_pip_go_through_the_proxy),
		cmocka_unit_test(node_and_python_have_no_network),
	};
	return cmocka_run_group_tests_name("builtin_recipes", tests, NULL, NULL);
}
