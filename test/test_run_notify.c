/* The pure parts of `can run`'s use of the notification engine: when it
 * runs, what the filter traps for it, the rules it gets, --events and the
 * notifier wall on the command line, and the --monitor report and patch. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "sandbox/run.h"
#include "sandbox/run_notify.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

static struct srcpos at(int line)
{
	return (struct srcpos){ "r.toml", line, 1 };
}

static bool has(const int *nrs, size_t n, int nr)
{
	for (size_t i = 0; i < n; i++)
		if (nrs[i] == nr)
			return true;
	return false;
}

static void test_wanted_and_trapped(void **state)
{
	(void)state;
	struct policy p;
	policy_init(&p);
	struct run_opts o = { 0 };
	int nrs[24];
	assert_null(run_notify_wanted(&p, &o));
	assert_int_equal(run_notify_trapped(&p, &o, nrs, 24), 0);

	plist_add(&p.proc.allow_execve, "/usr/bin/true", at(2));
	assert_string_equal(run_notify_wanted(&p, &o), "[process] allow_execve");
	size_t n = run_notify_trapped(&p, &o, nrs, 24);
	assert_true(has(nrs, n, SYS_execve));
	assert_true(has(nrs, n, SYS_execveat));
	assert_true(has(nrs, n, SYS_connect));
	/* Sends are decided like connects (docs/adr/0107); the handover's
	 * write, read and close, and the opens, are never trapped in can run. */
	assert_true(has(nrs, n, SYS_sendmsg));
	assert_true(has(nrs, n, SYS_sendto));
	assert_true(has(nrs, n, SYS_sendmmsg));
	assert_false(has(nrs, n, SYS_write));
	assert_false(has(nrs, n, SYS_read));
	assert_false(has(nrs, n, SYS_close));
	assert_false(has(nrs, n, SYS_openat));
	policy_free(&p);

	/* --events alone: connect and the sends (execs are not restricted). */
	policy_init(&p);
	o.events = "ev.jsonl";
	assert_string_equal(run_notify_wanted(&p, &o), "--events");
	n = run_notify_trapped(&p, &o, nrs, 24);
	assert_int_equal(n, 4);
	assert_int_equal(nrs[0], SYS_connect);
	assert_false(has(nrs, n, SYS_execve));
	/* --monitor: execs too, to record them, and opens, for lookups. */
	o.events = NULL;
	o.monitor = true;
	assert_string_equal(run_notify_wanted(&p, &o), "--monitor");
	n = run_notify_trapped(&p, &o, nrs, 24);
	assert_true(has(nrs, n, SYS_execve));
	assert_true(has(nrs, n, SYS_openat));
	assert_false(has(nrs, n, SYS_write));
	o.monitor = false;
	/* notifier = true and allow_ips also start it. */
	p.sys.notifier.set = p.sys.notifier.v = true;
	assert_string_equal(run_notify_wanted(&p, &o), "[syscalls] notifier = true");
	policy_free(&p);
	policy_init(&p);
	plist_add(&p.net.allow_ips, "127.0.0.1", at(3));
	assert_string_equal(run_notify_wanted(&p, &o), "[network] allow_ips");
	policy_free(&p);
}

static void test_rules(void **state)
{
	(void)state;
	struct policy p;
	policy_init(&p);
	plist_add(&p.fs.deny, "/home/u/.ssh", at(1));
	plist_add(&p.proc.allow_execve, "/usr/bin", at(2));      /* a folder on the host */
	plist_add(&p.proc.allow_execve, "/bin/sh", at(3));       /* a file (or a link to one) */
	plist_add(&p.net.allow_ips, "127.0.0.1", at(4));
	struct notify_rules r;
	struct diags d = { 0 };
	assert_int_equal(run_notify_rules(&r, &p, false, &d), 0);
	/* Loopback is the sandbox's own in its network namespace (ADR 0125). */
	assert_true(r.own_loopback);
	/* Files are the mounts' and Landlock's business. */
	assert_false(r.restrict_fs);
	assert_true(r.restrict_exec);
	assert_true(r.restrict_net);
	assert_true(r.allow_abstract_unix);
	/* A folder entry covers what is below it. */
	struct notify_decision dec = notify_decide_exec(&r, "/usr/bin/true");
	assert_int_equal(dec.verdict, NOTIFY_ALLOW);
	assert_int_equal(dec.at.line, 2);
	/* A file entry matches where its symlinks lead (/bin/sh -> dash). */
	char *real = realpath("/bin/sh", NULL);
	assert_non_null(real);
	assert_int_equal(notify_decide_exec(&r, real).verdict, NOTIFY_ALLOW);
	free(real);
	dec = notify_decide_exec(&r, "/opt/other");
	assert_int_equal(dec.verdict, NOTIFY_REFUSE);
	assert_int_equal(dec.at.line, 2); /* the list's first entry */
	notify_rules_free(&r);
	diags_free(&d);
	/* Without namespaces loopback is the host's: only allow_ips reaches it. */
	assert_int_equal(run_notify_rules(&r, &p, true, &d), 0);
	assert_false(r.own_loopback);
	notify_rules_free(&r);
	diags_free(&d);
	/* A bad allow_ips entry is a recipe error at its position. */
	plist_add(&p.net.allow_ips, "not-an-address", at(9));
	assert_int_equal(run_notify_rules(&r, &p, false, &d), -1);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].at.line, 9);
	notify_rules_free(&r);
	diags_free(&d);
	policy_free(&p);
}

static void test_opts(void **state)
{
	(void)state;
	struct run_opts o;
	char err[256];
	char *a[] = { "run", "--events", "ev.jsonl", "--allow-degraded=notifier", "--", "true", NULL };
	assert_int_equal(run_opts_parse(6, a, &o, err, sizeof(err)), 0);
	assert_string_equal(o.events, "ev.jsonl");
	assert_int_equal(o.degrade, WALL_NOTIFIER);
	assert_string_equal(run_wall_name(WALL_NOTIFIER), "notifier");
	run_opts_free(&o);
	char *b[] = { "run", "--events=", "--", "true", NULL };
	assert_int_equal(run_opts_parse(4, b, &o, err, sizeof(err)), CAN_EXIT_USAGE);
	run_opts_free(&o);
	char *c[] = { "run", "-m", "-s", "--", "true", NULL };
	assert_int_equal(run_opts_parse(5, c, &o, err, sizeof(err)), CAN_EXIT_USAGE);
	assert_non_null(strstr(err, "contradict"));
	run_opts_free(&o);
}

static char *report_text(const struct run_report *r, bool full, bool monitor)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (full)
		run_report_print(r, monitor, f);
	else
		run_report_patch(r, f);
	fclose(f);
	return buf;
}

static char *patch_text(const struct run_report *r, bool full)
{
	return report_text(r, full, true);
}

static void test_report(void **state)
{
	(void)state;
	struct run_report r = { 0 };
	char *t = patch_text(&r, true);
	assert_non_null(strstr(t, "nothing would have been refused"));
	free(t);
	/* Enforce mode: silent when nothing was refused. */
	t = report_text(&r, true, false);
	assert_string_equal(t, "");
	free(t);
	struct notify_event e = { .syscall = "sysfs", .verdict = NOTIFY_REFUSE, .monitor = true };
	run_report_add(&r, &e);
	run_report_add(&r, &e);
	struct notify_event ex = { .syscall = "execve", .path = "/usr/bin/cat", .verdict = NOTIFY_REFUSE };
	run_report_add(&r, &ex);
	/* A script refused for its interpreter: the interpreter is what to allow. */
	struct notify_event sc = { .syscall = "execve", .path = "/w/s.sh", .path2 = "/usr/bin/env",
				   .verdict = NOTIFY_REFUSE };
	run_report_add(&r, &sc);
	/* A memfd cannot be named by a recipe: reported, not patched. */
	struct notify_event mf = { .syscall = "execveat", .path = "/memfd:x (deleted)",
				   .verdict = NOTIFY_REFUSE };
	run_report_add(&r, &mf);
	struct notify_event cn = { .syscall = "connect", .addr = "[::1]:5353", .verdict = NOTIFY_REFUSE };
	run_report_add(&r, &cn);
	struct notify_event q = { .syscall = "weird\"name", .verdict = NOTIFY_REFUSE };
	run_report_add(&r, &q);
	/* A would-be refusal by a file rule is reported, not patched. */
	struct notify_decision deny = { .verdict = NOTIFY_REFUSE, .err = EACCES, .field = "filesystem.deny", .rule = "/x" };
	struct notify_event fd = { .syscall = "openat", .path = "/x/y", .verdict = NOTIFY_REFUSE,
				   .decision = &deny };
	run_report_add(&r, &fd);
	/* A host path the view does not show. */
	run_report_add_path(&r, "/etc/hostname");
	run_report_add_path(&r, "/etc/hostname");
	/* Allowed events are not refusals. */
	struct notify_event ok = { .syscall = "openat", .verdict = NOTIFY_ALLOW };
	run_report_add(&r, &ok);
	assert_int_equal(r.n, 8);
	assert_int_equal(r.v[0].count, 2);
	t = patch_text(&r, false);
	assert_string_equal(t, "\n[syscalls]\n# refused by the default filter\n"
			       "allow_extra = [\"sysfs\", \"weird\\\"name\"]\n"
			       "\n[process]\n# programs refused\nallow_execve = [\n"
			       "\t# /usr/bin (2)\n\t\"/usr/bin/cat\",\n\t\"/usr/bin/env\",\n]\n"
			       "\n[network]\n# addresses connected to\nallow_ips = [\"::1\"]\n"
			       "\n[filesystem]\n# looked up, present on the host, missing from the view\n"
			       "allow = [\n\t# /etc (1)\n\t\"/etc/hostname\",\n]\n");
	free(t);
	t = patch_text(&r, true);
	assert_non_null(strstr(t, "sysfs (2 times)"));
	assert_non_null(strstr(t, "/memfd:x (deleted) (1 time)"));
	assert_non_null(strstr(t, "other    /x/y (1 time)"));
	assert_non_null(strstr(t, "path     /etc/hostname (2 times)"));
	assert_non_null(strstr(t, "# can monitor patch\n\n[syscalls]"));
	free(t);
	/* Enforce mode: the same items and patch, worded as refusals. */
	t = report_text(&r, true, false);
	assert_non_null(strstr(t, "can: refused: the sandbox refused these:"));
	assert_non_null(strstr(t, "exec     /usr/bin/cat (1 time)"));
	assert_non_null(strstr(t, "# can refusal patch\n\n[syscalls]"));
	assert_null(strstr(t, "would have been"));
	free(t);
	run_report_free(&r);
}

/* The grouped recipe: programs run, $HOME/$CWD, siblings collapsed,
 * written paths allowed writable, hidden credentials only commented. */
static void test_suggest_groups(void **state)
{
	(void)state;
	struct run_report r = { 0 };
	r.home = strdup("/home/u");
	r.cwd = strdup("/home/u/proj");
	run_report_add_item(&r, "ran", "/usr/bin/make");
	run_report_add_item(&r, "ran", "/home/u/proj/build/test1");
	run_report_add_item(&r, "ran", "/tmp/conftest");
	run_report_add_item(&r, "path", "/opt/sdk/lib/a.so");
	run_report_add_item(&r, "path", "/opt/sdk/lib/b.so");
	run_report_add_item(&r, "path", "/opt/sdk/lib/c.so");
	run_report_add_item(&r, "path", "/opt/sdk/lib/sub/d.so"); /* covered by the folder */
	run_report_add_item(&r, "path", "/etc/a");
	run_report_add_item(&r, "path", "/etc/b");
	run_report_add_item(&r, "path", "/etc/c"); /* never collapsed into /etc */
	run_report_add_item(&r, "path", "/home/u/.cache/x/y");
	run_report_add_item(&r, "write", "/home/u/.cache/x");
	run_report_add_item(&r, "hidden", "/home/u/.npmrc");
	/* Under the working directory, always in the view: a file created
	 * between the lookup and the check. Not an entry. */
	run_report_add_item(&r, "write", "/home/u/proj/.venv/lib/x/__init__.py");
	run_report_add_item(&r, "path", "/home/u/proj/.venv/lib/y.py");
	char *t = patch_text(&r, false);
	assert_null(strstr(t, ".venv"));
	assert_non_null(strstr(t, "\t\"/usr/bin/make\",\n"));
	assert_non_null(strstr(t, "\t\"$CWD\",\n"));
	assert_non_null(strstr(t, "\t\"/tmp\",\n"));
	assert_null(strstr(t, "test1"));
	assert_non_null(strstr(t, "\t\"/opt/sdk/lib\", # 4 paths seen under it\n"));
	assert_null(strstr(t, "a.so"));
	assert_null(strstr(t, "d.so"));
	assert_non_null(strstr(t, "\t\"/etc/a\",\n\t\"/etc/b\",\n\t\"/etc/c\",\n"));
	assert_null(strstr(t, "\"/etc\""));
	assert_non_null(strstr(t, "allow_write = [\n\t# $HOME/.cache (1)\n\t\"$HOME/.cache/x\", # 2 paths seen under it\n]"));
	assert_null(strstr(t, "\"$HOME/.cache/x/y\""));
	assert_non_null(strstr(t, "#   $HOME/.npmrc\n"));
	assert_null(strstr(t, "\"$HOME/.npmrc\""));
	free(t);
	/* The summary counts programs run, lists the rest. */
	t = report_text(&r, true, true);
	assert_non_null(strstr(t, "3 programs ran"));
	assert_null(strstr(t, "ran      /usr/bin/make"));
	assert_non_null(strstr(t, "hidden   /home/u/.npmrc"));
	free(t);
	run_report_free(&r);
}

/* Paths generalised (lang/path_group.h, ADR 0205): a build's 300 cache
 * files are the cache folder; a written cache is writable and its reads
 * are not listed again; no folder over a deny rule or a hidden path. */
static void test_suggest_generalises(void **state)
{
	(void)state;
	struct run_report r = { 0 };
	r.home = strdup("/home/u");
	r.cwd = strdup("/home/u/proj");
	strv_push(&r.deny, &r.ndeny, strdup("/home/u/.cargo/credentials.toml"));
	for (int i = 0; i < 300; i++) {
		char p[80];
		snprintf(p, sizeof(p), "/home/u/.cache/foo/%d/%d.o", i % 13, i);
		run_report_add_item(&r, "path", p);
	}
	run_report_add_item(&r, "path", "/home/u/.cache/pip/selfcheck.json");
	run_report_add_item(&r, "write", "/home/u/.cache/pip/http/a/b");
	run_report_add_item(&r, "path", "/home/u/.cargo/bin/cargo");
	run_report_add_item(&r, "path", "/home/u/.cargo/env");
	run_report_add_item(&r, "path", "/home/u/.cargo/config.toml");
	run_report_add_item(&r, "hidden", "/home/u/.config/tool/token");
	run_report_add_item(&r, "path", "/home/u/.config/tool/a");
	run_report_add_item(&r, "path", "/home/u/.config/tool/b");
	run_report_add_item(&r, "path", "/home/u/.config/tool/c");
	char *t = patch_text(&r, false);
	/* Caches looked into are allowed writable (the tool's mkdir there
	 * fails unseen under -m). */
	assert_non_null(strstr(t, "allow_write = [\n\t# $HOME/.cache (2)\n"
				  "\t\"$HOME/.cache/foo\", # 300 paths seen under it\n"
				  "\t\"$HOME/.cache/pip\", # 2 paths seen under it\n]"));
	assert_null(strstr(t, ".o\""));
	assert_null(strstr(t, "selfcheck"));
	assert_null(strstr(t, "\"$HOME/.cargo\""));
	assert_non_null(strstr(t, "\"$HOME/.cargo/env\""));
	assert_null(strstr(t, "\"$HOME/.config/tool\""));
	assert_non_null(strstr(t, "\"$HOME/.config/tool/a\""));
	assert_null(strstr(t, "\"$HOME\""));
	free(t);
	run_report_free(&r);
	/* Three dot files in the home: never "$HOME". */
	struct run_report q = { 0 };
	q.home = strdup("/home/u");
	run_report_add_item(&q, "path", "/home/u/.a");
	run_report_add_item(&q, "path", "/home/u/.b");
	run_report_add_item(&q, "path", "/home/u/.c");
	t = patch_text(&q, false);
	assert_null(strstr(t, "\"$HOME\""));
	assert_non_null(strstr(t, "\"$HOME/.c\""));
	free(t);
	run_report_free(&q);
}


/* A DNS query to a name server outside cannot be allowed by allow_ips
 * (the sandbox has only lo): the recipe gets the egress proxy instead;
 * a name server on the sandbox's own loopback stays an allow_ips entry. */
static void test_suggest_dns(void **state)
{
	(void)state;
	struct run_report r = { 0 };
	run_report_add_item(&r, "connect", "10.255.255.53:53");
	run_report_add_item(&r, "connect", "[2001:db8::1]:53");
	char *t = patch_text(&r, false);
	assert_non_null(strstr(t, "\n[network]\n# a name was looked up (DNS to 10.255.255.53:53)"));
	assert_non_null(strstr(t, "egress = \"proxy-only\"\n"));
	assert_null(strstr(t, "allow_ips"));
	free(t);
	run_report_add_item(&r, "connect", "127.0.0.1:53");
	run_report_add_item(&r, "connect", "127.0.0.1:8080");
	t = patch_text(&r, false);
	assert_non_null(strstr(t, "egress = \"proxy-only\"\n# addresses connected to\nallow_ips = [\"127.0.0.1\"]\n"));
	assert_null(strstr(t, "10.255.255.53\""));
	free(t);
	run_report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wanted_and_trapped),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_opts),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_suggest_groups),
		cmocka_unit_test(test_suggest_generalises),
		cmocka_unit_test(test_suggest_dns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
