/* Session mode's pure parts (shell/): the control line parser, the .envrc
 * declaration parser, the state file, can status's rendering, layer sets,
 * /proc parsing, approvals, the runtime directory's check; and the
 * engine's rule chains (each layer must allow). No kernel. */
#include "shell/approvals.h"
#include "shell/control.h"
#include "shell/envrc.h"
#include "shell/layerset.h"
#include "shell/proxy_tags.h"
#include "shell/rundir.h"
#include "shell/state.h"
#include "notify/notify.h"
#include "util/util.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

static int ctl(const char *line, enum ctl_channel ch, struct ctl_msg *m)
{
	const char *why = NULL;
	int r = ctl_parse(line, strlen(line), ch, m, &why);
	if (r < 0)
		assert_non_null(why);
	return r;
}

static void test_control(void **st)
{
	(void)st;
	struct ctl_msg m;
	assert_int_equal(ctl("canister 1 declare /home/u/proj\n", CTL_FIFO, &m), 0);
	assert_int_equal(m.verb, CTL_DECLARE);
	assert_string_equal(m.dir, "/home/u/proj");
	assert_int_equal(ctl("canister 1 declare /home//u/./proj/\n", CTL_FIFO, &m), 0);
	assert_string_equal(m.dir, "/home/u/proj");
	assert_int_equal(ctl("canister 1 declare /my dir\n", CTL_FIFO, &m), 0);
	assert_string_equal(m.dir, "/my dir");
	assert_int_equal(ctl("canister 1 refresh\n", CTL_FIFO, &m), 0);
	assert_int_equal(m.verb, CTL_REFRESH);
	assert_int_equal(ctl("canister 1 allow /p\n", CTL_SOCKET, &m), 0);
	assert_int_equal(m.verb, CTL_ALLOW);
	assert_int_equal(ctl("canister 1 forget /\n", CTL_SOCKET, &m), 0);
	assert_string_equal(m.dir, "/");
	assert_int_equal(ctl("canister 1 layers\n", CTL_SOCKET, &m), 0);
	assert_int_equal(ctl("canister 1 ping\n", CTL_SOCKET, &m), 0);
	/* Refused shapes. */
	const char *bad_fifo[] = {
		"canister 1 allow /p\n",          /* a socket verb on the FIFO: no authority there */
		"canister 1 layers\n",
		"canister 2 declare /p\n",        /* another version */
		"canister 1 declare relative\n",
		"canister 1 declare /a/../b\n",
		"canister 1 declare /a\tb\n",
		"canister 1 declare\n",
		"canister 1 declare \n",
		"canister 1 refresh now\n",
		"canister 1 frob\n",
		"canister 1 declare /p",          /* no newline */
		"canister 1 declare /p\n\n",      /* two lines */
		"canister 1  declare /p\n",
		"CANISTER 1 declare /p\n",
		"garbage\n",
		"\n",
		"",
	};
	for (size_t i = 0; i < ARRAY_LEN(bad_fifo); i++) {
		assert_int_equal(ctl(bad_fifo[i], CTL_FIFO, &m), -1);
		assert_int_equal(m.verb, CTL_INVALID);
	}
	assert_int_equal(ctl("canister 1 declare /p\n", CTL_SOCKET, &m), -1);
	/* A NUL inside. */
	const char nul[] = "canister 1 declare /p\0x\n";
	const char *why;
	assert_int_equal(ctl_parse(nul, sizeof(nul) - 1, CTL_FIFO, &m, &why), -1);
	/* At most 4096 bytes. */
	char *big = xmalloc(5000);
	memset(big, 'a', 4999);
	memcpy(big, "canister 1 declare /", 20);
	big[4998] = '\n';
	big[4999] = '\0';
	assert_int_equal(ctl(big, CTL_FIFO, &m), -1);
	free(big);
}

static void decl(const char *text, struct envrc_decl *d)
{
	assert_int_equal(envrc_parse(text, strlen(text), d), 0);
}

static void test_envrc(void **st)
{
	(void)st;
	struct envrc_decl d;
	decl("export FOO=1\nuse canister -r node --recipe npm --recipe=git\nlayout python\n", &d);
	assert_true(d.declared);
	assert_false(d.invalid);
	assert_int_equal(d.nrecipes, 3);
	assert_string_equal(d.recipes[0], "node");
	assert_string_equal(d.recipes[1], "npm");
	assert_string_equal(d.recipes[2], "git");
	envrc_decl_free(&d);
	decl("  \tuse canister\n", &d);
	assert_true(d.declared);
	assert_false(d.invalid);
	assert_int_equal(d.nrecipes, 0);
	envrc_decl_free(&d);
	decl("use canister -r ./local.toml\nuse canister -r tool:npm\n", &d);
	assert_int_equal(d.nrecipes, 2);
	assert_string_equal(d.recipes[1], "tool:npm");
	envrc_decl_free(&d);
	decl("use canister web\n", &d);
	assert_string_equal(d.sandbox, "web");
	envrc_decl_free(&d);
	/* NAME forms (docs/adr/0184): one name, across all lines; a name
	 * beside -r parses (the supervisor refuses the mix with its reason). */
	decl("use canister dev -r extra\n", &d);
	assert_false(d.invalid);
	assert_string_equal(d.sandbox, "dev");
	assert_int_equal(d.nrecipes, 1);
	envrc_decl_free(&d);
	decl("use canister dev web\n", &d);
	assert_true(d.invalid);
	assert_non_null(strstr(d.reason, "more than one sandbox name"));
	envrc_decl_free(&d);
	decl("use canister dev\nuse canister web\n", &d);
	assert_true(d.invalid);
	assert_non_null(strstr(d.reason, "line 2"));
	envrc_decl_free(&d);
	decl("use canister -dev\n", &d);
	assert_true(d.invalid);
	assert_null(d.sandbox);
	envrc_decl_free(&d);
	decl("use canister my.box_1\n", &d);
	assert_false(d.invalid);
	assert_string_equal(d.sandbox, "my.box_1");
	envrc_decl_free(&d);
	decl("# use canister -r x\nexport A=b\n", &d);
	assert_false(d.declared);
	envrc_decl_free(&d);
	decl("", &d);
	assert_false(d.declared);
	envrc_decl_free(&d);
	/* Anything the shell could read differently is invalid. */
	const char *bad[] = {
		"use canister -r \"node\"\n",
		"use canister -r $RECIPE\n",
		"use canister -r node # comment\n",
		"use canister -r node; rm -rf ~\n",
		"use canister -r\n",
		"use canister --recipe=\n",
		"use canister -x\n",
		"use canister -r node \\\n",
		"use canister a b\n",
		"[ -f x ] && use canister -r node\n",
		"use canister;\n",
		"use canister -r a,b\n",
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		decl(bad[i], &d);
		assert_true(d.declared);
		assert_true(d.invalid);
		assert_non_null(strstr(d.reason, ".envrc line 1: "));
		envrc_decl_free(&d);
	}
	decl("ok=1\nuse canister -r 'x'\n", &d);
	assert_non_null(strstr(d.reason, "line 2"));
	envrc_decl_free(&d);
}

/* The session proxy's state lines (ADR 0261): the proxied layers, the
 * proxy's address and its bundle; what can status --json and --env say. */
static void test_state_proxy(void **st)
{
	(void)st;
	struct state_layer v[3] = {
		{ LAYER_ACTIVE, "/p", "", NULL, true },
		{ LAYER_ACTIVE, "/p/none", "", NULL, false },
		{ LAYER_PENDING, "/q", "", "not approved", true },
	};
	struct session_state s = { .pid = 9, .v = v, .n = 3 };
	snprintf(s.enforce, sizeof(s.enforce), "emulation");
	snprintf(s.proxy, sizeof(s.proxy), "127.0.0.1:40001");
	snprintf(s.bundle, sizeof(s.bundle), "/run/c/ca-certificates.crt");
	char *text = state_format(&s);
	assert_non_null(strstr(text, "\nproxied /p\nproxied /q\nproxy 127.0.0.1:40001\n"
	                             "bundle /run/c/ca-certificates.crt\n"));
	struct session_state p;
	assert_int_equal(state_parse(text, strlen(text), &p), 0);
	assert_true(p.v[0].proxied);
	assert_false(p.v[1].proxied);
	assert_string_equal(p.proxy, "127.0.0.1:40001");
	int port = 0;
	const char *bundle = NULL;
	assert_true(status_proxy_env(&p, "/p/src", &port, &bundle));
	assert_int_equal(port, 40001);
	assert_string_equal(bundle, "/run/c/ca-certificates.crt");
	/* a nested layer that is not proxied, a pending one, outside layers */
	assert_false(status_proxy_env(&p, "/p/none/x", &port, &bundle));
	assert_false(status_proxy_env(&p, "/q", &port, &bundle));
	assert_false(status_proxy_env(&p, "/r", &port, &bundle));
	char *out;
	size_t len;
	FILE *f = open_memstream(&out, &len);
	status_render(&p, "/p", true, f);
	fclose(f);
	assert_string_equal(out, "{\"session\":9,\"layer\":\"/p\",\"state\":\"active\","
	                         "\"recipes\":[],\"proxy\":\"127.0.0.1:40001\"}\n");
	free(out);
	state_free(&p);
	free(text);
	/* no proxy running: nothing to export */
	const char *t = "canister-session 1\npid 7\nlayer active /a\t\t-\nproxied /a\n";
	assert_int_equal(state_parse(t, strlen(t), &p), 0);
	assert_false(status_proxy_env(&p, "/a", &port, &bundle));
	state_free(&p);
	const char *bad = "canister-session 1\npid 7\nbundle relative\n";
	assert_int_equal(state_parse(bad, strlen(bad), &p), -1);
}

/* The proxy's client registry: a record per port, consumed by its
 * accept; the oldest goes when full. */
static void test_proxy_tags(void **st)
{
	(void)st;
	static struct proxy_tags t;
	proxy_tags_init(&t);
	int a, b; /* stand-ins for policies: only their addresses matter */
	struct policy_set one = { { (const struct policy *)&a }, 1 };
	struct policy_set two = { { (const struct policy *)&a, (const struct policy *)&b }, 2 };
	struct policy_set none = { { NULL }, 0 }, got;
	assert_false(proxy_tags_record(&t, 0, &one));
	assert_false(proxy_tags_record(&t, 5000, &none));
	assert_false(proxy_tags_take(&t, 5000, &got));
	assert_true(proxy_tags_record(&t, 5000, &one));
	assert_true(proxy_tags_record(&t, 5001, &two));
	assert_int_equal(proxy_tags_count(&t), 2);
	assert_false(proxy_tags_take(&t, 5002, &got));
	assert_true(proxy_tags_take(&t, 5001, &got));
	assert_int_equal(got.n, 2);
	assert_ptr_equal(got.v[1], &b);
	/* consumed: a second accept from that port gets nothing */
	assert_false(proxy_tags_take(&t, 5001, &got));
	/* a port recorded again is replaced, not doubled */
	assert_true(proxy_tags_record(&t, 5000, &two));
	assert_int_equal(proxy_tags_count(&t), 1);
	assert_true(proxy_tags_take(&t, 5000, &got));
	assert_int_equal(got.n, 2);
	/* full: the oldest record goes, the newest stays */
	for (unsigned i = 0; i < PROXY_TAGS_MAX + 3; i++)
		assert_true(proxy_tags_record(&t, (uint16_t)(10000 + i), &one));
	assert_int_equal(proxy_tags_count(&t), PROXY_TAGS_MAX);
	assert_int_equal(t.evicted, 3);
	assert_false(proxy_tags_take(&t, 10000, &got));
	assert_false(proxy_tags_take(&t, 10002, &got));
	assert_true(proxy_tags_take(&t, 10003, &got));
	assert_true(proxy_tags_take(&t, (uint16_t)(10000 + PROXY_TAGS_MAX + 2), &got));
}

static void test_state(void **st)
{
	(void)st;
	struct state_layer v[2] = {
		{ LAYER_ACTIVE, "/home/u/proj", "node,npm", NULL, false },
		{ LAYER_PENDING, "/home/u/proj/sub", "", "not approved\tyet\n", false },
	};
	struct session_state s = { .pid = 42, .started = 1700000000, .v = v, .n = 2 };
	snprintf(s.enforce, sizeof(s.enforce), "emulation");
	char *text = state_format(&s);
	assert_string_equal(text, "canister-session 1\npid 42\nstarted 1700000000\nenforce emulation\n"
	                          "layer active /home/u/proj\tnode,npm\t-\n"
	                          "layer pending /home/u/proj/sub\t\tnot approved yet \n");
	struct session_state p;
	assert_int_equal(state_parse(text, strlen(text), &p), 0);
	assert_int_equal(p.pid, 42);
	assert_int_equal(p.started, 1700000000);
	assert_string_equal(p.enforce, "emulation");
	assert_int_equal(p.n, 2);
	assert_string_equal(p.v[0].dir, "/home/u/proj");
	assert_string_equal(p.v[0].recipes, "node,npm");
	assert_null(p.v[0].reason);
	assert_int_equal(p.v[1].state, LAYER_PENDING);
	assert_string_equal(p.v[1].reason, "not approved yet ");
	/* Nearest enclosing layer. */
	assert_int_equal(state_layer_of(&p, "/home/u/proj"), 0);
	assert_int_equal(state_layer_of(&p, "/home/u/proj/src"), 0);
	assert_int_equal(state_layer_of(&p, "/home/u/proj/sub/x"), 1);
	assert_int_equal(state_layer_of(&p, "/home/u/project"), -1);
	assert_int_equal(state_layer_of(&p, "/home/u"), -1);
	/* can status. */
	char *out;
	size_t len;
	FILE *f = open_memstream(&out, &len);
	assert_int_equal(status_render(&p, "/home/u/proj/src", false, f), 0);
	assert_int_equal(status_render(&p, "/home/u/proj/sub", false, f), 3);
	assert_int_equal(status_render(&p, "/tmp", false, f), 1);
	assert_int_equal(status_render(NULL, "/tmp", false, f), 4);
	assert_int_equal(status_render(&p, "/home/u/proj", true, f), 0);
	assert_int_equal(status_render(NULL, "/", true, f), 4);
	fclose(f);
	assert_string_equal(out, "can:proj\ncan:sub?\ncan:session\n"
	                         "{\"session\":42,\"layer\":\"/home/u/proj\",\"state\":\"active\","
	                         "\"recipes\":[\"node\",\"npm\"]}\n"
	                         "{\"session\":null,\"layer\":null,\"state\":null,\"recipes\":[]}\n");
	free(out);
	state_free(&p);
	free(text);
	/* Not a state file. */
	const char *bad[] = {
		"", "canister-session 2\npid 1\n", "canister-session 1\n", "canister-session 1\npid x\n",
		"canister-session 1\npid 1\nlayer active relative\t\t-\n",
		"canister-session 1\npid 1\nlayer frob /a\t\t-\n",
		"canister-session 1\npid 1\nlayer active /a\t-\n",
		"canister-session 1\npid 99999999999\n", /* fuzz_session_state: not a pid */
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		assert_int_equal(state_parse(bad[i], strlen(bad[i]), &p), -1);
		assert_int_equal(p.n, 0);
	}
	/* A torn last line is ignored; an unknown line is skipped. */
	const char *t = "canister-session 1\npid 7\nfuture x\nlayer active /a\t\t-\nlayer act";
	assert_int_equal(state_parse(t, strlen(t), &p), 0);
	assert_int_equal(p.n, 1);
	state_free(&p);
}

static void test_layerset(void **st)
{
	(void)st;
	const char *dirs[] = { "/home/u/proj", "/home/u/proj/sub", "/srv", "/" };
	layer_mask all = 0xf;
	assert_int_equal(layerset_of_path(dirs, 4, all & ~8u, "/home/u/proj/sub/x"), 3);
	assert_int_equal(layerset_of_path(dirs, 4, all & ~8u, "/home/u/proj"), 1);
	assert_int_equal(layerset_of_path(dirs, 4, all & ~8u, "/home/u/projx"), 0);
	assert_int_equal(layerset_of_path(dirs, 4, all, "/etc"), 8);
	/* Only candidates (layers in force) count. */
	assert_int_equal(layerset_of_path(dirs, 4, 2, "/home/u/proj/sub"), 2);
	assert_int_equal(layerset_of_path(dirs, 4, all, NULL), 0);
	/* The rule: exec'd sets never follow cwd, never shrink. */
	assert_int_equal(layerset_effective(true, 1, 2), 1);
	assert_int_equal(layerset_effective(false, 1, 2), 3);
	assert_int_equal(layerset_effective(false, 0, 0), 0);
	assert_int_equal(layerset_at_exec(1, 0), 1);
	assert_int_equal(layerset_at_exec(1, 4), 5);
	assert_int_equal(layerset_at_exec(0, 0), 0);
	/* ptrace/process_vm_*: own process and descendants only. */
	const pid_t line[] = { 40, 30, 20, 10 }; /* 40's parent is 30, ... */
	assert_true(layerset_may_reach(30, line, 4, 1, 1));
	assert_true(layerset_may_reach(40, line, 4, 1, 3));
	assert_false(layerset_may_reach(50, line, 4, 0, 0));
	assert_false(layerset_may_reach(30, line, 0, 0, 0));
	/* A descendant lacking one of the caller's layers (forked before the
	 * caller's exec into it: docs/adr/0270) is out of reach. */
	assert_false(layerset_may_reach(30, line, 4, 1, 0));
	assert_false(layerset_may_reach(30, line, 4, 3, 2));
	assert_true(layerset_may_reach(30, line, 4, 0, 2));
}

static void test_proc_parse(void **st)
{
	(void)st;
	pid_t pp, tg;
	unsigned long long start;
	const char *s = "1234 (a) b) c) S 99 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 "
	                "556677 1000 200 18446744073709551615\n";
	assert_int_equal(procstat_parse(s, strlen(s), &pp, &start), 0);
	assert_int_equal(pp, 99);
	assert_int_equal(start, 556677ULL);
	const char *shortone = "1 (init) S 0 1 1\n";
	assert_int_equal(procstat_parse(shortone, strlen(shortone), &pp, &start), -1);
	assert_int_equal(procstat_parse("garbage", 7, &pp, &start), -1);
	const char *status = "Name:\tbash\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t4321\nNgid:\t0\nPid:\t4322\nPPid:\t1\n";
	assert_int_equal(procstatus_tgid(status, strlen(status), &tg), 0);
	assert_int_equal(tg, 4321);
	assert_int_equal(procstatus_tgid("Name:\tx\n", 8, &tg), -1);
	/* The real thing. */
	char buf[1024];
	int fd = open("/proc/self/stat", O_RDONLY);
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n > 0);
	assert_int_equal(procstat_parse(buf, (size_t)n, &pp, &start), 0);
	assert_int_equal(pp, getppid());
}

static void test_approvals(void **st)
{
	(void)st;
	char h1[65], h2[65];
	memset(h1, 'a', 64);
	h1[64] = '\0';
	memset(h2, 'b', 64);
	h2[64] = '\0';
	char *t = approvals_set("", 0, h1, "/p");
	assert_true(approvals_has(t, strlen(t), h1, "/p"));
	assert_false(approvals_has(t, strlen(t), h2, "/p"));
	assert_false(approvals_has(t, strlen(t), h1, "/p/sub"));
	char *t2 = approvals_set(t, strlen(t), h2, "/p");
	assert_false(approvals_has(t2, strlen(t2), h1, "/p")); /* one approval per dir */
	assert_true(approvals_has(t2, strlen(t2), h2, "/p"));
	char *t3 = approvals_set(t2, strlen(t2), h1, "/q");
	char *t4 = approvals_set(t3, strlen(t3), NULL, "/p");
	assert_string_equal(t4, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa /q\n");
	/* Malformed lines are dropped, never matched. */
	const char *junk = "AAAA /p\nzz /p\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa relative\n";
	assert_false(approvals_has(junk, strlen(junk), h1, "/p"));
	char *t5 = approvals_set(junk, strlen(junk), NULL, "/x");
	assert_string_equal(t5, "");
	free(t);
	free(t2);
	free(t3);
	free(t4);
	free(t5);
}

static void test_rundir(void **st)
{
	(void)st;
	char out[4096];
	assert_int_equal(rundir_path("/run/user/1000", 1000, out, sizeof(out)), 0);
	assert_string_equal(out, "/run/user/1000/canister");
	assert_int_equal(rundir_path(NULL, 1000, out, sizeof(out)), 0);
	assert_string_equal(out, "/tmp/canister-1000");
	assert_int_equal(rundir_path("relative", 7, out, sizeof(out)), 0);
	assert_string_equal(out, "/tmp/canister-7");
	struct stat s = { .st_mode = S_IFDIR | 0700, .st_uid = 1000 };
	assert_null(rundir_refusal(&s, 1000));
	assert_non_null(rundir_refusal(&s, 1001));
	s.st_mode = S_IFDIR | 0710;
	assert_non_null(rundir_refusal(&s, 1000));
	s.st_mode = S_IFLNK | 0700;
	assert_non_null(rundir_refusal(&s, 1000));
	assert_int_equal(rundir_file("/r", 12, "sock", out, sizeof(out)), 0);
	assert_string_equal(out, "/r/session-12.sock");
}

/* Two layers: a call must be allowed by each. */
static void test_chain(void **st)
{
	(void)st;
	struct notify_rules a, b;
	notify_rules_init(&a);
	notify_rules_init(&b);
	struct srcpos none = { 0 };
	notify_rules_add_path(&a, "allow", "/usr", NOTIFY_READ | NOTIFY_EXEC, "a", none);
	notify_rules_add_path(&a, "allow", "/p", NOTIFY_READ | NOTIFY_WRITE, "a", none);
	notify_rules_add_path(&b, "allow", "/usr", NOTIFY_READ | NOTIFY_EXEC, "b", none);
	notify_rules_add_path(&b, "allow", "/p/sub", NOTIFY_READ | NOTIFY_WRITE, "b", none);
	notify_rules_add_path(&b, "allow", "/q", NOTIFY_READ, "b", none);
	notify_rules_add_path(&b, "deny", "/r", NOTIFY_WRITE, "b-runtime", none);
	notify_rules_add_path(&a, "allow", "/r", NOTIFY_READ | NOTIFY_WRITE, "a", none);
	assert_int_equal(notify_decide_open(&a, "/p/x", O_RDONLY).verdict, NOTIFY_ALLOW);
	a.also = &b;
	assert_int_equal(notify_decide_open(&a, "/p/x", O_RDONLY).verdict, NOTIFY_REFUSE);
	assert_int_equal(notify_decide_open(&a, "/p/sub/x", O_WRONLY).verdict, NOTIFY_ALLOW);
	assert_int_equal(notify_decide_open(&a, "/q/x", O_RDONLY).verdict, NOTIFY_REFUSE); /* a refuses */
	assert_int_equal(notify_decide_write(&a, "/p/sub/y").verdict, NOTIFY_ALLOW);
	assert_int_equal(notify_decide_write(&a, "/p/y").verdict, NOTIFY_REFUSE);
	assert_int_equal(notify_decide_exec(&a, "/usr/bin/cat").verdict, NOTIFY_ALLOW);
	/* A deny that names its accesses: reading passes, writing does not. */
	struct notify_rules c;
	notify_rules_init(&c);
	notify_rules_add_path(&c, "allow", "/r", NOTIFY_READ | NOTIFY_WRITE, "c", none);
	notify_rules_add_path(&c, "deny", "/r", NOTIFY_WRITE | NOTIFY_EXEC, "c-runtime", none);
	assert_int_equal(notify_decide_open(&c, "/r/state", O_RDONLY).verdict, NOTIFY_ALLOW);
	struct notify_decision d = notify_decide_open(&c, "/r/fifo", O_WRONLY);
	assert_int_equal(d.verdict, NOTIFY_REFUSE);
	assert_string_equal(d.field, "c-runtime");
	assert_int_equal(notify_decide_exec(&c, "/r/x").verdict, NOTIFY_REFUSE);
	assert_true(notify_rules_any_fs(&a));
	/* NOTIFY_NO_CONNECT: files under it, not its unix sockets. */
	struct notify_rules t;
	notify_rules_init(&t);
	notify_rules_add_path(&t, "allow", "/tmp", NOTIFY_READ | NOTIFY_WRITE | NOTIFY_NO_CONNECT, "tmp", none);
	notify_rules_add_path(&t, "allow", "/tmp/mine", NOTIFY_READ | NOTIFY_WRITE, "recipe", none);
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	strcpy(un.sun_path, "/tmp/tmux-1000/default");
	assert_int_equal(notify_decide_open(&t, "/tmp/x", O_WRONLY | O_CREAT).verdict, NOTIFY_ALLOW);
	assert_int_equal(notify_decide_net(&t, NOTIFY_NET_CONNECT, (struct sockaddr *)&un, sizeof(un),
	                                   "/tmp/tmux-1000/default").verdict, NOTIFY_REFUSE);
	assert_int_equal(notify_decide_net(&t, NOTIFY_NET_SEND, (struct sockaddr *)&un, sizeof(un),
	                                   "/tmp/tmux-1000/default").verdict, NOTIFY_REFUSE);
	assert_int_equal(notify_decide_net(&t, NOTIFY_NET_BIND, (struct sockaddr *)&un, sizeof(un),
	                                   "/tmp/new.sock").verdict, NOTIFY_ALLOW);
	assert_int_equal(notify_decide_net(&t, NOTIFY_NET_CONNECT, (struct sockaddr *)&un, sizeof(un),
	                                   "/tmp/mine/s").verdict, NOTIFY_ALLOW);
	notify_rules_free(&t);
	struct notify_rules e;
	notify_rules_init(&e);
	assert_false(notify_rules_any_fs(&e));
	assert_false(notify_rules_any_net(&e));
	e.also = &b;
	assert_true(notify_rules_any_fs(&e));
	notify_rules_free(&a);
	notify_rules_free(&b);
	notify_rules_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_control),   cmocka_unit_test(test_envrc),
		cmocka_unit_test(test_state),     cmocka_unit_test(test_layerset),
		cmocka_unit_test(test_state_proxy), cmocka_unit_test(test_proxy_tags),
		cmocka_unit_test(test_proc_parse), cmocka_unit_test(test_approvals),
		cmocka_unit_test(test_rundir),    cmocka_unit_test(test_chain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
