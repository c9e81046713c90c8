/* Unit tests for the `can check` report (check_report.c) and the pure cgroup
 * parsers (probe_cgroup.c), from hand-made probe results: no kernel needed. */
#include "probe/check_report.h"
#include "probe/probe.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void pass(struct probe_res *r, const char *note)
{
	probe_pass(r, note);
}

/* A machine where everything works. */
static void good(struct probe_results *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->kernel, sizeof(p->kernel), "6.18.0");
	snprintf(p->machine, sizeof(p->machine), "x86_64");
	p->uid = 1000;
	pass(&p->ns.userns, "own uid/gid mapped");
	for (int i = 0; i < PROBE_NS_COUNT; i++)
		pass(&p->ns.ns[i], "works");
	pass(&p->ns.overlay, "mounted");
	struct probe_res *sc[] = { &p->seccomp.filter, &p->seccomp.listener, &p->seccomp.cont,
				   &p->seccomp.addfd, &p->seccomp.addfd_send, &p->seccomp.wait_killable,
				   &p->seccomp.sync_wakeup };
	for (size_t i = 0; i < sizeof(sc) / sizeof(sc[0]); i++)
		pass(sc[i], NULL);
	p->landlock.abi = 7;
	p->landlock.errata = 1;
	pass(&p->landlock.fs, NULL);
	pass(&p->landlock.net, NULL);
	pass(&p->landlock.scope, NULL);
	struct cgroup_delegation *cg = &p->cgroup;
	cg->v2_mounted = true;
	snprintf(cg->mount, sizeof(cg->mount), "/sys/fs/cgroup");
	snprintf(cg->cgroup, sizeof(cg->cgroup), "/user.slice/user-1000.slice/user@1000.service/app.slice");
	snprintf(cg->dir, sizeof(cg->dir), "/sys/fs/cgroup%s", cg->cgroup);
	cgroup_parse_controllers(cg, "cpu memory pids\n");
	cg->owned = cg->procs_writable = cg->subtree_writable = true;
	pass(&cg->mkdir, NULL);
	cg->delegated = true;
	p->sysctl.unprivileged_userns_clone = -1;
	p->sysctl.max_user_namespaces = 63000;
	p->sysctl.apparmor_restrict_userns = -1;
	p->sysctl.ptrace_scope = 1;
	pass(&p->ptrace, NULL);
	pass(&p->pidfd_open, NULL);
	pass(&p->pidfd_getfd, NULL);
	pass(&p->openat2, NULL);
	p->pasta.found = true;
	snprintf(p->pasta.path, sizeof(p->pasta.path), "/usr/bin/pasta");
	snprintf(p->pasta.version, sizeof(p->pasta.version), "pasta 2023_06_03");
	p->slirp4netns.found = true;
	snprintf(p->slirp4netns.path, sizeof(p->slirp4netns.path), "/usr/bin/slirp4netns");
	snprintf(p->slirp4netns.version, sizeof(p->slirp4netns.version), "slirp4netns version 1.2.0");
}

struct report {
	struct check_row rows[CHECK_MAX_ROWS];
	size_t n;
};

static void build(const struct probe_results *p, struct report *r)
{
	r->n = check_report_rows(p, r->rows, CHECK_MAX_ROWS);
}

static const struct check_row *row(const struct report *r, const char *id)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->rows[i].id, id) == 0)
			return &r->rows[i];
	fail_msg("no row %s", id);
	return NULL;
}

/* The table as a string (caller frees). */
static char *table(const struct report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	check_report_table(f, r->rows, r->n);
	fclose(f);
	return buf;
}

static char *json_of(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	check_json_string(f, s);
	fclose(f);
	return buf;
}

static const char *last_line(const char *text)
{
	size_t n = strlen(text);
	assert_true(n > 1 && text[n - 1] == '\n');
	const char *p = text + n - 1;
	while (p > text && p[-1] != '\n')
		p--;
	return p;
}

static void test_all_good(void **state)
{
	(void)state;
	struct probe_results p;
	struct report r;
	good(&p);
	build(&p, &r);
	assert_true(r.n >= 27);
	for (size_t i = 0; i < r.n; i++) {
		if (r.rows[i].state != CHECK_OK)
			fail_msg("row %s is %s: %s", r.rows[i].id, check_state_name(r.rows[i].state), r.rows[i].detail);
		assert_string_equal(r.rows[i].remedy, "");
		assert_true(r.rows[i].run[0] != '\0');
	}
	assert_int_equal(check_report_exit(r.rows, r.n), 0);
	char *t = table(&r);
	assert_non_null(strstr(last_line(t), "can run: ready"));
	free(t);
	/* Every row the brief asks for is present. */
	const char *ids[] = { "kernel", "userns", "ns_mount", "ns_pid", "ns_net", "ns_ipc", "ns_uts",
			      "ns_cgroup", "overlay", "seccomp", "seccomp_listener", "notify_continue",
			      "notify_addfd", "notify_addfd_send", "notify_wait_killable", "notify_sync_wakeup",
			      "landlock_abi", "landlock_enforce", "cgroup_v2", "cgroup_delegation",
			      "apparmor_userns", "userns_sysctls", "pasta", "slirp4netns", "ptrace_scope",
			      "pidfd", "openat2" };
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		row(&r, ids[i]);
	assert_true(row(&r, "landlock_abi")->has_value);
	assert_int_equal(row(&r, "landlock_abi")->value, 7);
	/* A short array is filled, never overrun. */
	struct check_row few[4];
	memset(few, 0x5a, sizeof(few));
	assert_int_equal(check_report_rows(&p, few, 3), 3);
	assert_string_equal(few[0].id, "kernel");
	assert_int_equal(((unsigned char *)&few[3])[0], 0x5a);
}

static void test_userns_sysctl_off(void **state)
{
	(void)state;
	struct probe_results p;
	struct report r;
	good(&p);
	probe_fail(&p.ns.userns, "unshare(CLONE_NEWUSER)", EPERM);
	for (int i = 0; i < PROBE_NS_COUNT; i++)
		probe_skip(&p.ns.ns[i], "needs a user namespace");
	probe_skip(&p.ns.overlay, "needs a user namespace");
	p.sysctl.unprivileged_userns_clone = 0;
	build(&p, &r);
	const struct check_row *u = row(&r, "userns");
	assert_int_equal(u->state, CHECK_UNAVAILABLE);
	assert_true(u->required);
	assert_string_equal(u->detail, "unshare(CLONE_NEWUSER): EPERM");
	assert_non_null(strstr(u->remedy, "kernel.unprivileged_userns_clone=1"));
	assert_non_null(strstr(u->run, "refuses"));
	const struct check_row *m = row(&r, "ns_mount");
	assert_int_equal(m->state, CHECK_UNAVAILABLE);
	assert_non_null(strstr(m->detail, "not tried"));
	assert_string_equal(m->remedy, "fix the user namespace first");
	assert_int_equal(row(&r, "overlay")->state, CHECK_DEGRADED);
	assert_false(row(&r, "overlay")->required);
	const struct check_row *s = row(&r, "userns_sysctls");
	assert_int_equal(s->state, CHECK_UNAVAILABLE);
	assert_non_null(strstr(s->detail, "kernel.unprivileged_userns_clone=0"));
	assert_int_equal(check_report_exit(r.rows, r.n), 1);
	char *t = table(&r);
	const char *last = last_line(t);
	assert_non_null(strstr(last, "cannot run by default"));
	assert_non_null(strstr(last, "user namespace"));
	assert_non_null(strstr(last, "mount namespace"));
	assert_null(strstr(last, "overlayfs")); /* optional: not blocking */
	free(t);
}

static void test_userns_max_zero(void **state)
{
	(void)state;
	struct probe_results p;
	struct report r;
	good(&p);
	probe_fail(&p.ns.userns, "unshare(CLONE_NEWUSER)", ENOSPC);
	p.sysctl.max_user_namespaces = 0;
	build(&p, &r);
	assert_non_null(strstr(row(&r, "userns")->remedy, "user.max_user_namespaces="));
	assert_string_equal(row(&r, "userns")->detail, "unshare(CLONE_NEWUSER): ENOSPC");
	assert_non_null(strstr(row(&r, "userns_sysctls")->detail, "user.max_user_namespaces=0"));
}

static void test_apparmor_restriction(void **state)
{
	(void)state;
	struct probe_results p;
	struct report r;
	good(&p);
	/* Ubuntu 24.04: unshare works, capabilities inside are denied. */
	p.sysctl.apparmor_restrict_userns = 1;
	probe_fail(&p.ns.ns[PROBE_NS_MOUNT], "make / private", EACCES);
	build(&p, &r);
	const struct check_row *a = row(&r, "apparmor_userns");
	assert_int_equal(a->state, CHECK_UNAVAILABLE);
	assert_non_null(strstr(a->remedy, "kernel.apparmor_restrict_unprivileged_userns=0"));
	assert_non_null(strstr(a->remedy, "sudo can setup"));
	assert_non_null(strstr(row(&r, "ns_mount")->remedy, "apparmor"));
	assert_string_equal(row(&r, "ns_mount")->detail, "make / private: EACCES");
	assert_int_equal(check_report_exit(r.rows, r.n), 1);

	/* Restricted, but this program is allowed by a profile: OK. */
	good(&p);
	p.sysctl.apparmor_restrict_userns = 1;
	build(&p, &r);
	assert_int_equal(row(&r, "apparmor_userns")->state, CHECK_OK);
	assert_non_null(strstr(row(&r, "apparmor_userns")->detail, "restricted"));
	assert_int_equal(check_report_exit(r.rows, r.n), 0);
}

static void test_landlock_missing(void **state)
{
	(void)state;
	struct probe_results p;
	struct report r;
	good(&p);
	p.landlock.abi = 0;
	p.landlock.err = EOPNOTSUPP;
	probe_skip(&p.landlock.fs, "no Landlock");
	build(&p, &r);
	const struct check_row *l = row(&r, "landlock_abi");
	assert_int_equal(l->state, CHECK_UNAVAILABLE);
	assert_true(l->has_value);
	assert_int_equal(l->value, 0);
	assert_non_null(strstr(l->detail, "EOPNOTSUPP"));
	assert_non_null(strstr(l->remedy, "lsm="));
	assert_non_null(strstr(l->run, "--allow-degraded=landlock"));
	assert_int_equal(row(&r, "landlock_enforce")->state, CHECK_UNAVAILABLE);
	assert_int_equal(check_report_exit(r.rows, r.n), 1);

	p.landlock.err = ENOSYS;
	build(&p, &r);
	assert_non_null(strstr(row(&r, "landlock_abi")->remedy, "CONFIG_SECURITY_LANDLOCK"));
}

static void test_landlock_old_abi(void **state)
{
	(void)state;
	struct probe_results p;
	struct report r;
	good(&p);
	p.landlock.abi = 3;
	probe_skip(&p.landlock.net, "needs ABI 4");
	probe_skip(&p.landlock.scope, "needs ABI 6");
	build(&p, &r);
	const struct check_row *l = row(&r, "landlock_abi");
	assert_int_equal(l->state, CHECK_DEGRADED);
	assert_int_equal(l->value, 3);
	assert_non_null(strstr(l->detail, "ABI 3"));
	assert_non_null(strstr(l->detail, "tcp (4)"));
	assert_null(strstr(l->detail, "truncate")); /* it has truncate: not missing */
	assert_true(l->remedy[0] != '\0');
	/* Enforcement of what ABI 3 has works: OK. */
	assert_int_equal(row(&r, "landlock_enforce")->state, CHECK_OK);
	assert_int_equal(check_report_exit(r.rows, r.n), 0);
}

static void test_landlock_enforce_fails(void **state)
{
	(void)state;
	struct probe_results p;
	struct report r;
	good(&p);
	probe_fail(&p.landlock.fs, "landlock_restrict_self", EPERM);
	build(&p, &r);
	const struct check_row *e = row(&r, "landlock_enforce");
	assert_int_equal(e->state, CHECK_UNAVAILABLE);
	assert_string_equal(e->detail, "landlock_restrict_self: EPERM");
	assert_int_equal(check_report_exit(r.rows, r.n), 1);

	good(&p);
	probe_fail(&p.landlock.net, "a TCP connect was allowed", 0);
	build(&p, &r);
	assert_int_equal(row(&r, "landlock_enforce")->state, CHECK_DEGRADED);
	assert_int_equal(check_report_exit(r.rows, r.n), 0);
}

static void test_notify_features(void **state)
{
	(void)state;
	struct probe_results p;
	struct report r;
	good(&p);
	probe_fail(&p.seccomp.sync_wakeup, "ioctl(NOTIF_SET_FLAGS, SYNC_WAKE_UP)", EINVAL);
	probe_fail(&p.seccomp.wait_killable, "seccomp(WAIT_KILLABLE_RECV)", EINVAL);
	build(&p, &r);
	const struct check_row *s = row(&r, "notify_sync_wakeup");
	assert_int_equal(s->state, CHECK_DEGRADED);
	assert_false(s->required);
	assert_string_equal(s->remedy, "Linux >= 6.6");
	assert_string_equal(s->detail, "ioctl(NOTIF_SET_FLAGS, SYNC_WAKE_UP): EINVAL");
	assert_string_equal(row(&r, "notify_wait_killable")->remedy, "Linux >= 5.19");
	assert_int_equal(check_report_exit(r.rows, r.n), 0);

	/* A listener refused because an outer supervisor holds one. */
	good(&p);
	probe_fail(&p.seccomp.listener, "seccomp(FILTER_FLAG_NEW_LISTENER)", EBUSY);
	probe_skip(&p.seccomp.cont, "needs a listener");
	probe_skip(&p.seccomp.addfd, "needs a listener");
	probe_skip(&p.seccomp.addfd_send, "needs a listener");
	probe_skip(&p.seccomp.wait_killable, "needs a listener");
	probe_skip(&p.seccomp.sync_wakeup, "needs a listener");
	build(&p, &r);
	const struct check_row *l = row(&r, "seccomp_listener");
	assert_int_equal(l->state, CHECK_UNAVAILABLE);
	assert_non_null(strstr(l->remedy, "another supervisor"));
	assert_string_equal(row(&r, "notify_addfd")->remedy, "fix the seccomp listener first");
	assert_int_equal(row(&r, "notify_addfd")->state, CHECK_UNAVAILABLE);
	assert_int_equal(row(&r, "notify_sync_wakeup")->state, CHECK_DEGRADED);
	/* The supervisor is only for recipes that ask for it: not blocking. */
	assert_false(l->required);
	assert_false(check_row_blocks(l));
	assert_non_null(strstr(l->run, "notifier = true"));
	assert_int_equal(check_report_exit(r.rows, r.n), 0);
}

static void test_seccomp_filter_missing(void **state)
{
	(void)state;
	struct probe_results p;
	struct report r;
	good(&p);
	probe_fail(&p.seccomp.filter, "seccomp(SET_MODE_FILTER)", EINVAL);
	build(&p, &r);
	assert_int_equal(row(&r, "seccomp")->state, CHECK_UNAVAILABLE);
	assert_non_null(strstr(row(&r, "seccomp")->remedy, "CONFIG_SECCOMP_FILTER"));
	assert_non_null(strstr(row(&r, "seccomp")->run, "--allow-degraded=seccomp"));
	assert_int_equal(check_report_exit(r.rows, r.n), 1);
}

static void test_cgroup_states(void **state)
{
	(void)state;
	struct probe_results p;
	struct report r;
	/* This machine's shape: hybrid, root-owned unified hierarchy. */
	good(&p);
	struct cgroup_delegation *cg = &p.cgroup;
	memset(cg, 0, sizeof(*cg));
	cg->v2_mounted = cg->v1_mounted = true;
	snprintf(cg->mount, sizeof(cg->mount), "/sys/fs/cgroup/unified");
	snprintf(cg->v1_controllers, sizeof(cg->v1_controllers), "cpu,cpuacct,memory,pids");
	snprintf(cg->dir, sizeof(cg->dir), "/sys/fs/cgroup/unified");
	probe_fail(&cg->mkdir, "mkdir a child cgroup", EACCES);
	build(&p, &r);
	const struct check_row *v2 = row(&r, "cgroup_v2");
	assert_int_equal(v2->state, CHECK_DEGRADED);
	assert_non_null(strstr(v2->detail, "hybrid"));
	assert_non_null(strstr(v2->remedy, "systemd.unified_cgroup_hierarchy=1"));
	const struct check_row *d = row(&r, "cgroup_delegation");
	assert_int_equal(d->state, CHECK_UNAVAILABLE);
	assert_false(d->required);
	assert_non_null(strstr(d->detail, "EACCES"));
	assert_non_null(strstr(d->remedy, "systemd-run --user --scope -p Delegate=yes"));
	assert_non_null(strstr(d->run, "--allow-degraded=cgroups"));
	/* Optional: nothing blocks `can run`. */
	assert_int_equal(check_report_exit(r.rows, r.n), 0);

	/* Writable but the controllers are elsewhere. */
	pass(&cg->mkdir, NULL);
	cg->procs_writable = cg->subtree_writable = true;
	cgroup_parse_controllers(cg, "hugetlb\n");
	build(&p, &r);
	d = row(&r, "cgroup_delegation");
	assert_int_equal(d->state, CHECK_DEGRADED);
	assert_non_null(strstr(d->detail, "lacks memory cpu pids"));
	assert_non_null(strstr(d->remedy, "cgroup v1"));

	/* No cgroup2 at all. */
	memset(cg, 0, sizeof(*cg));
	build(&p, &r);
	assert_int_equal(row(&r, "cgroup_v2")->state, CHECK_UNAVAILABLE);
	assert_int_equal(row(&r, "cgroup_delegation")->state, CHECK_UNAVAILABLE);
}

static void test_tools_optional(void **state)
{
	(void)state;
	struct probe_results p;
	struct report r;
	good(&p);
	memset(&p.pasta, 0, sizeof(p.pasta));
	memset(&p.slirp4netns, 0, sizeof(p.slirp4netns));
	build(&p, &r);
	const struct check_row *t = row(&r, "pasta");
	assert_int_equal(t->state, CHECK_UNAVAILABLE);
	assert_false(t->required);
	assert_string_equal(t->remedy, "sudo apt-get install passt");
	assert_string_equal(row(&r, "slirp4netns")->remedy, "sudo apt-get install slirp4netns");
	assert_int_equal(check_report_exit(r.rows, r.n), 0);
	char *tb = table(&r);
	assert_non_null(strstr(last_line(tb), "2 optional missing"));
	free(tb);
	good(&p);
	build(&p, &r);
	assert_non_null(strstr(row(&r, "pasta")->detail, "pasta 2023_06_03"));
}

static void test_ptrace_and_pidfd(void **state)
{
	(void)state;
	struct probe_results p;
	struct report r;
	good(&p);
	p.sysctl.ptrace_scope = 3;
	probe_fail(&p.ptrace, "process_vm_readv of a child", EPERM);
	probe_fail(&p.pidfd_getfd, "pidfd_getfd", EPERM);
	build(&p, &r);
	const struct check_row *t = row(&r, "ptrace_scope");
	assert_int_equal(t->state, CHECK_UNAVAILABLE);
	assert_non_null(strstr(t->detail, "kernel.yama.ptrace_scope=3"));
	assert_non_null(strstr(t->remedy, "reboot"));
	assert_int_equal(row(&r, "pidfd")->state, CHECK_UNAVAILABLE);
	assert_string_equal(row(&r, "pidfd")->detail, "pidfd_getfd: EPERM");
	/* Only the supervisor needs them: the default run is not blocked. */
	assert_non_null(strstr(t->run, "notifier = true"));
	assert_int_equal(check_report_exit(r.rows, r.n), 0);

	good(&p);
	p.sysctl.ptrace_scope = 2;
	build(&p, &r);
	assert_int_equal(row(&r, "ptrace_scope")->state, CHECK_DEGRADED);
	assert_int_equal(check_report_exit(r.rows, r.n), 0);

	good(&p);
	probe_fail(&p.openat2, "openat2", ENOSYS);
	build(&p, &r);
	assert_int_equal(row(&r, "openat2")->state, CHECK_UNAVAILABLE);
	assert_string_equal(row(&r, "openat2")->remedy, "Linux >= 5.6");
	assert_int_equal(check_report_exit(r.rows, r.n), 1);
}

static void test_timeout_reported(void **state)
{
	(void)state;
	struct probe_results p;
	struct report r;
	good(&p);
	/* What the runner records when a probe hangs. */
	probe_fail(&p.ns.userns, "probe timed out", 0);
	for (int i = 0; i < PROBE_NS_COUNT; i++)
		probe_skip(&p.ns.ns[i], "probe timed out");
	build(&p, &r);
	assert_string_equal(row(&r, "userns")->detail, "probe timed out");
	assert_string_equal(row(&r, "ns_pid")->detail, "not tried: probe timed out");
	assert_int_equal(check_report_exit(r.rows, r.n), 1);
}

static void test_table_width(void **state)
{
	(void)state;
	struct probe_results p;
	struct report r;
	good(&p);
	/* Long details and a long unbroken word must still wrap at 100. */
	memset(&p.cgroup, 0, sizeof(p.cgroup));
	p.cgroup.v2_mounted = true;
	memset(p.cgroup.dir, 'x', 300);
	p.cgroup.dir[0] = '/';
	probe_fail(&p.cgroup.mkdir, "mkdir a child cgroup", EACCES);
	p.landlock.abi = 1;
	build(&p, &r);
	char *t = table(&r);
	size_t lines = 0;
	for (char *line = t, *nl; (nl = strchr(line, '\n')); line = nl + 1) {
		lines++;
		if (nl - line > 100)
			fail_msg("line %zu is %td columns: %.*s", lines, nl - line, (int)(nl - line), line);
	}
	assert_true(lines > r.n);
	assert_non_null(strstr(t, "FEATURE"));
	free(t);
}

static void test_json_escaping(void **state)
{
	(void)state;
	struct {
		const char *in, *out;
	} cases[] = {
		{ "plain", "\"plain\"" },
		{ "", "\"\"" },
		{ "a\"b", "\"a\\\"b\"" },
		{ "back\\slash", "\"back\\\\slash\"" },
		{ "l1\nl2\tx\r", "\"l1\\nl2\\tx\\r\"" },
		{ "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
		{ "\b\f", "\"\\b\\f\"" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"" },
		{ "bad\xff", "\"bad\\ufffd\"" },
		{ "trunc\xc3", "\"trunc\\ufffd\"" },
		{ "overlong\xc0\xaf", "\"overlong\\ufffd\\ufffd\"" },
		{ "surrogate\xed\xa0\x80", "\"surrogate\\ufffd\\ufffd\\ufffd\"" },
		{ "slash/ok", "\"slash/ok\"" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = json_of(cases[i].in);
		if (strcmp(got, cases[i].out) != 0)
			fail_msg("case %zu: got %s want %s", i, got, cases[i].out);
		free(got);
	}
}

static void test_json_report(void **state)
{
	(void)state;
	struct probe_results p;
	struct report r;
	good(&p);
	snprintf(p.pasta.version, sizeof(p.pasta.version), "pasta \"quoted\"\tversion\\x");
	p.landlock.abi = 5;
	build(&p, &r);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	check_report_json(f, r.rows, r.n);
	fclose(f);
	assert_true(len > 2);
	assert_true(buf[0] == '[');
	assert_string_equal(buf + len - 2, "]\n");
	assert_non_null(strstr(buf, "\"id\": \"landlock_abi\""));
	assert_non_null(strstr(buf, "\"value\": 5"));
	assert_non_null(strstr(buf, "pasta \\\"quoted\\\"\\tversion\\\\x"));
	assert_non_null(strstr(buf, "\"remedy\": null"));
	assert_non_null(strstr(buf, "\"state\": \"degraded\""));
	/* One object per row: count the ids. */
	size_t objs = 0;
	for (const char *q = buf; (q = strstr(q, "{\"id\": ")); q++)
		objs++;
	assert_int_equal(objs, r.n);
	free(buf);
}

static void test_cgroup_parsers(void **state)
{
	(void)state;
	char path[512];
	const char *hybrid_self = "9:name=systemd:/\n4:memory:/x\n1:cpu:/\n0::/\n";
	assert_true(cgroup_parse_self(hybrid_self, path, sizeof(path)));
	assert_string_equal(path, "/");
	assert_true(cgroup_parse_self("0::/user.slice/user-1000.slice/session-3.scope\n", path, sizeof(path)));
	assert_string_equal(path, "/user.slice/user-1000.slice/session-3.scope");
	assert_false(cgroup_parse_self("4:memory:/x\n1:cpu:/\n", path, sizeof(path)));
	assert_false(cgroup_parse_self("0::/abc\n", path, 3)); /* too small */

	const char *hybrid =
		"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
		"32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
		"33 31 0:30 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct\n"
		"35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
		"39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
		"40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd\n"
		"41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
	struct cgroup_delegation cg;
	char root[64];
	memset(&cg, 0, sizeof(cg));
	cgroup_parse_mountinfo(hybrid, &cg, root, sizeof(root));
	assert_true(cg.v2_mounted);
	assert_true(cg.v1_mounted);
	assert_string_equal(cg.mount, "/sys/fs/cgroup/unified");
	assert_string_equal(root, "/");
	assert_string_equal(cg.v1_controllers, "cpu,cpuacct,memory,pids");

	const char *unified =
		"25 20 0:22 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 "
		"rw,nsdelegate,memory_recursiveprot\n"
		"99 20 0:22 /sub /mnt/cg rw - cgroup2 cgroup2 rw\n";
	memset(&cg, 0, sizeof(cg));
	cgroup_parse_mountinfo(unified, &cg, root, sizeof(root));
	assert_true(cg.v2_mounted);
	assert_false(cg.v1_mounted);
	assert_string_equal(cg.mount, "/sys/fs/cgroup"); /* the first one */
	assert_string_equal(cg.v1_controllers, "");

	memset(&cg, 0, sizeof(cg));
	cgroup_parse_mountinfo("garbage\n\n1 2 3\n", &cg, root, sizeof(root));
	assert_false(cg.v2_mounted);
	assert_false(cg.v1_mounted);

	memset(&cg, 0, sizeof(cg));
	cgroup_parse_controllers(&cg, "cpuset cpu io memory hugetlb pids rdma misc\n");
	assert_true(cg.has_cpu && cg.has_memory && cg.has_pids);
	assert_string_equal(cg.controllers, "cpuset cpu io memory hugetlb pids rdma misc");
	memset(&cg, 0, sizeof(cg));
	cgroup_parse_controllers(&cg, "cpuset io hugetlb");
	/* "cpuset" is not "cpu". */
	assert_false(cg.has_cpu);
	assert_false(cg.has_memory);
	assert_false(cg.has_pids);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_good),
		cmocka_unit_test(test_userns_sysctl_off),
		cmocka_unit_test(test_userns_max_zero),
		cmocka_unit_test(test_apparmor_restriction),
		cmocka_unit_test(test_landlock_missing),
		cmocka_unit_test(test_landlock_old_abi),
		cmocka_unit_test(test_landlock_enforce_fails),
		cmocka_unit_test(test_notify_features),
		cmocka_unit_test(test_seccomp_filter_missing),
		cmocka_unit_test(test_cgroup_states),
		cmocka_unit_test(test_tools_optional),
		cmocka_unit_test(test_ptrace_and_pidfd),
		cmocka_unit_test(test_timeout_reported),
		cmocka_unit_test(test_table_width),
		cmocka_unit_test(test_json_escaping),
		cmocka_unit_test(test_json_report),
		cmocka_unit_test(test_cgroup_parsers),
	};
	return cmocka_run_group_tests_name("check_report", tests, NULL, NULL);
}
