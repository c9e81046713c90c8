/* `can run` and the notification engine: see run_notify.h and
 * docs/adr/0070-can-run-notification-engine.md. */
#include "sandbox/run_notify.h"
#include "sandbox/run_degraded.h"
#include "sandbox/resolv_overlay.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

const char *run_notify_wanted(const struct policy *p, const struct run_opts *o)
{
	if (o->no_namespaces)
		return "--allow-degraded=userns (no namespaces)";
	if (p->proc.allow_execve.n > 0)
		return "[process] allow_execve";
	if (p->net.allow_ips.n > 0)
		return "[network] allow_ips";
	if (p->sys.notifier.set && p->sys.notifier.v)
		return "[syscalls] notifier = true";
	if (o->monitor)
		return "--monitor";
	if (o->events)
		return "--events";
	return NULL;
}

static bool egress_direct(const struct policy *p)
{
	return p->net.egress.set && p->net.egress.v && strcmp(p->net.egress.v, "direct") == 0;
}

size_t run_notify_trapped(const struct policy *p, const struct run_opts *o, int *nrs, size_t cap)
{
	size_t n = 0;
	if (!run_notify_wanted(p, o))
		return 0;
	if (o->no_namespaces) {
		/* Without a mount namespace the engine enforces what Landlock
		 * cannot say (docs/adr/0240): every call it handles. */
		size_t nh;
		const int *h = notify_handled_syscalls(&nh);
		for (size_t i = 0; i < nh && n < cap; i++) {
			/* The listener's handover is a sendmsg (docs/adr/0051), which
			 * must not be trapped before the supervisor holds the
			 * listener; and seccomp cannot tell it apart by argument.
			 * ADR 0240 says what this leaves open. */
			if (h[i] == SYS_sendmsg || h[i] == SYS_sendmmsg)
				continue;
			nrs[n++] = h[i];
		}
		/* access() of what the view lacks answers ENOENT (notify_lookup.c). */
		static const int access_nrs[] = { SYS_access, SYS_faccessat, 439 /* faccessat2 */ };
		for (size_t i = 0; i < ARRAY_LEN(access_nrs) && n < cap; i++)
			nrs[n++] = access_nrs[i];
		return n;
	}
	if ((p->proc.allow_execve.n > 0 || o->monitor) && n + 2 <= cap) {
		nrs[n++] = SYS_execve;
		nrs[n++] = SYS_execveat;
	}
	/* Where a socket may send, like where it may connect: the listener
	 * handover no longer sends anything (pidfd_getfd, docs/adr/0107).
	 * sendto is trapped only with an address (the filter checks the
	 * register); sendmsg and sendmmsg carry theirs in memory, so the
	 * engine emulates them race-free. */
	if (!egress_direct(p) && n + 4 <= cap) {
		nrs[n++] = SYS_connect;
		nrs[n++] = SYS_sendto;
		nrs[n++] = SYS_sendmsg;
		nrs[n++] = SYS_sendmmsg;
	}
	/* Under --monitor only: opens, to record lookups of paths the view
	 * does not show (they fail ENOENT inside; nothing is decided by the
	 * engine then: every path is allowed to it, ADR 0072). */
	if (o->monitor && n + 4 <= cap) {
		nrs[n++] = SYS_open;
		nrs[n++] = SYS_openat;
		nrs[n++] = SYS_openat2;
		nrs[n++] = SYS_creat;
	}
	/* ... and the other lookups (stat, access, readlink), observed only:
	 * always answered CONTINUE (notify_lookup.c). */
	size_t nl;
	const int *l = notify_lookup_syscalls(&nl);
	for (size_t i = 0; o->monitor && i < nl && n < cap; i++)
		nrs[n++] = l[i];
	return n;
}

int run_notify_rules(struct notify_rules *r, const struct policy *p, bool no_namespaces,
		     struct diags *d)
{
	int rc = notify_rules_compile(r, p, d);
	/* Loopback is the sandbox's own in its network namespace (ADR 0125). */
	r->own_loopback = notify_loopback_is_own(no_namespaces ? NOTIFY_NETNS_RUN_HOST
							       : NOTIFY_NETNS_RUN);
	/* The engine is not asked about files here: the mount view and
	 * Landlock decide them race-free (deny rules are hidden mounts). */
	r->restrict_fs = false;
	r->allow_abstract_unix = true;
	/* egress = "proxy-only": the proxy's listener inside (run.h). */
	if (p->net.egress.set && p->net.egress.v && strcmp(p->net.egress.v, "proxy-only") == 0) {
		char proxy[32];
		snprintf(proxy, sizeof(proxy), "127.0.0.1:%d", RUN_PROXY_PORT);
		notify_rules_add_net(r, proxy, "proxy", (struct srcpos){ 0 });
		/* The DNS stub (UDP 127.0.0.1:53: glibc connects its UDP socket,
		 * others sendto) and its address's 443 and 80, where the proxy
		 * routes clients that ignore the proxy variables (ADR 0110).
		 * Any other port of that address is refused like any address. */
		notify_rules_add_net(r, "127.0.0.1:53", "dns stub", (struct srcpos){ 0 });
		notify_rules_add_net(r, RUN_STUB_ADDR ":443", "dns stub", (struct srcpos){ 0 });
		notify_rules_add_net(r, RUN_STUB_ADDR ":80", "dns stub", (struct srcpos){ 0 });
	}
	const struct plist *l = &p->proc.allow_execve;
	for (size_t i = 0; i < l->n; i++) {
		const char *path = l->v[i].s;
		struct stat st;
		if (path[0] != '/' || stat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			char *dir = xasprintf("%s/", path);
			notify_rules_add_path(r, "exec", dir, NOTIFY_EXEC, "process.allow_execve", l->v[i].at);
			free(dir);
		}
		char *real = realpath(path, NULL);
		if (real && strcmp(real, path) != 0) {
			char *add = S_ISDIR(st.st_mode) ? xasprintf("%s/", real) : xstrdup(real);
			notify_rules_add_path(r, "exec", add, NOTIFY_EXEC, "process.allow_execve",
			                      l->v[i].at);
			free(add);
		}
		free(real);
	}
	return rc;
}

/* ---- the monitor report (pure) ---- */

void run_report_add_item(struct run_report *r, const char *kind, const char *what)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].kind, kind) == 0 && strcmp(r->v[i].what, what) == 0) {
			r->v[i].count++;
			return;
		}
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 8;
		r->v = xrealloc(r->v, r->cap * sizeof(*r->v));
	}
	r->v[r->n++] = (struct run_report_item){ xstrdup(kind), xstrdup(what), 1 };
}

void run_report_add(struct run_report *r, const struct notify_event *e)
{
	if (e->verdict != NOTIFY_REFUSE || !e->syscall)
		return;
	const char *kind, *what;
	const char *field = e->decision && e->decision->field ? e->decision->field : "";
	if (strcmp(e->syscall, "execve") == 0 || strcmp(e->syscall, "execveat") == 0) {
		kind = "exec";
		/* A script refused for its interpreter names the interpreter. */
		what = e->path2 ? e->path2 : e->path;
	} else if (e->addr) {
		kind = "connect";
		what = e->addr;
	} else if (strncmp(field, "syscalls", 8) == 0 || field[0] == '\0') {
		kind = "syscall";
		what = e->syscall;
	} else {
		kind = "other"; /* reported, not patched */
		what = e->path ? e->path : e->syscall;
	}
	if (what)
		run_report_add_item(r, kind, what);
}

void run_report_add_path(struct run_report *r, const char *path)
{
	run_report_add_item(r, "path", path);
}

void run_report_free(struct run_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].kind);
		free(r->v[i].what);
	}
	free(r->v);
	free(r->home);
	free(r->cwd);
	strv_free(r->deny, r->ndeny);
	*r = (struct run_report){ 0 };
}

/* Whether an item is a refusal (or would-be refusal) the summary lists;
 * "ran" (a program allowed to run) is only counted there. */
static bool listed(const struct run_report_item *it) { return strcmp(it->kind, "ran") != 0; }

void run_report_print(const struct run_report *r, bool monitor, FILE *out)
{
	run_report_print_to(r, monitor, out, out);
}

void run_report_print_to(const struct run_report *r, bool monitor, FILE *out, FILE *recipe_out)
{
	/* Under --monitor the report is the point of the run; otherwise it
	 * explains refusals the command already saw as EACCES/EPERM, and
	 * says nothing when there were none. */
	const char *tag = monitor ? "monitor" : "refused";
	size_t nlisted = 0, nran = 0;
	for (size_t i = 0; i < r->n; i++)
		listed(&r->v[i]) ? nlisted++ : nran++;
	if (nlisted == 0 && !monitor)
		return;
	if (nlisted == 0)
		fputs("can: monitor: nothing would have been refused\n", out);
	else
		fprintf(out, "can: %s: %s:\n", tag,
		        monitor ? "these would have been refused" : "the sandbox refused these");
	for (size_t i = 0; i < r->n; i++)
		if (listed(&r->v[i]))
			fprintf(out, "  %-8s %s (%u time%s)\n", r->v[i].kind, r->v[i].what, r->v[i].count,
			        r->v[i].count == 1 ? "" : "s");
	if (nran)
		fprintf(out, "can: %s: %zu program%s ran (each is in [process] allow_execve below)\n", tag,
		        nran, nran == 1 ? "" : "s");
	if (r->n == 0 && recipe_out == out)
		return;
	if (recipe_out != out) {
		/* can recipe suggest: the recipe alone on its own stream. */
		fputs("# A recipe written by `can recipe suggest` from one run: add it with -r FILE.\n",
		      recipe_out);
		run_report_patch(r, recipe_out);
		return;
	}
	fprintf(out, "can: %s: a recipe that allows %s (save it as a .toml file and add -r FILE):\n",
	        tag, monitor ? "the run" : "them");
	fputs(monitor ? "# can monitor patch\n" : "# can refusal patch\n", out);
	run_report_patch(r, out);
}

/* ---- the engine ---- */

struct run_notify {
	struct notify_rules rules;
	struct notify_events *events;  /* --events FILE and/or the report */
	struct notify_engine *engine;
	bool monitor;
	pthread_mutex_t lock; /* report */
	struct run_report report;
	struct run_monitor *mon; /* -m: what the engine saw (run_monitor.c) */
};

static const struct notify_rules *rules_for(pid_t pid, void *ctx)
{
	(void)pid;
	return &((struct run_notify *)ctx)->rules;
}

static void observe(const struct notify_event *e, void *ctx)
{
	struct run_notify *n = ctx;
	/* Under -m every exec comes from on_seen as "ran"; a would-be
	 * refused one is still listed by its event (kind "exec"). */
	pthread_mutex_lock(&n->lock);
	run_report_add(&n->report, e);
	pthread_mutex_unlock(&n->lock);
}

static void seen(enum notify_seen kind, const char *path, const char *path2, void *ctx)
{
	run_monitor_seen(kind, path, path2, ((struct run_notify *)ctx)->mon);
}

struct run_notify *run_notify_new(const struct policy *p, const struct run_opts *o, int *rc)
{
	struct run_notify *n = xcalloc(1, sizeof(*n));
	struct diags d = { 0 };
	if (run_notify_rules(&n->rules, p, o->no_namespaces, &d) < 0) {
		diags_print(&d, stderr);
		diags_free(&d);
		notify_rules_free(&n->rules);
		free(n);
		*rc = CAN_EXIT_USAGE;
		return NULL;
	}
	diags_free(&d);
	if (o->no_namespaces) {
		char cwd[PATH_MAX], err[512];
		if (!getcwd(cwd, sizeof(cwd)) ||
		    degraded_notify_rules(&n->rules, p, cwd, o->tmpdir, err, sizeof(err)) < 0) {
			can_warn("filesystem: the no-namespace mode's rules: %s; fix the recipe "
				 "(see 'can check')", getcwd(cwd, sizeof(cwd)) ? err : "getcwd failed");
			notify_rules_free(&n->rules);
			free(n);
			*rc = CAN_EXIT_WALL;
			return NULL;
		}
	}
	n->monitor = o->monitor;
	pthread_mutex_init(&n->lock, NULL);
	const char *home = getenv("HOME");
	char cwd[PATH_MAX];
	n->report.home = home && home[0] == '/' ? xstrdup(home) : NULL;
	n->report.cwd = getcwd(cwd, sizeof(cwd)) ? xstrdup(cwd) : NULL;
	const struct plist *hide[] = { &p->fs.deny, &p->fs.mask };
	for (size_t k = 0; k < ARRAY_LEN(hide); k++)
		for (size_t i = 0; i < hide[k]->n; i++)
			strv_push(&n->report.deny, &n->report.ndeny, xstrdup(hide[k]->v[i].s));
	if (o->monitor) {
		n->mon = run_monitor_new(p, &n->report, &n->lock);
		/* Opens are trapped under -m only to see lookups: the engine
		 * allows every path (the view and Landlock still apply). */
		for (size_t i = 0; i < n->rules.ndeny; i++)
			free(n->rules.deny[i].path);
		n->rules.ndeny = 0;
		notify_rules_add_path(&n->rules, "allow", "/", NOTIFY_READ | NOTIFY_WRITE | NOTIFY_EXEC,
		                      "monitor", (struct srcpos){ 0 });
	}
	if (o->events) {
		n->events = notify_events_open(o->events);
		if (!n->events) {
			int e = errno;
			can_warn("run: --events %s: open for appending: %s: %s", o->events, errno_name(e),
			         strerror(e));
			notify_rules_free(&n->rules);
			run_monitor_free(n->mon);
			run_report_free(&n->report);
			free(n);
			*rc = CAN_EXIT_USAGE;
			return NULL;
		}
	} else {
		n->events = notify_events_from_fd(-1, false);
	}
	/* Every refusal (or would-be refusal) feeds the report at exit. */
	if (n->events)
		notify_events_set_observer(n->events, observe, n);
	return n;
}

int run_notify_on_listener(int listener, pid_t host_pid, void *ctx)
{
	struct run_notify *n = ctx;
	if (n->mon) {
		/* The command waits for this answer, pivoted already: its root
		 * is the sandbox's, for the view checks after each answer. */
		char p[64];
		snprintf(p, sizeof(p), "/proc/%d/root", (int)host_pid);
		int root = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (root < 0) {
			can_warn_errno("monitor: open %s (the sandbox's root, to see what it lacks)", p);
			close(listener);
			return -1;
		}
		run_monitor_set_root(n->mon, root);
	}
	struct notify_config cfg = {
		.rules_for = rules_for,
		.ctx = n,
		.mode = n->monitor ? NOTIFY_MONITOR : NOTIFY_ENFORCE,
		.events = n->events,
		.on_seen = n->mon ? seen : NULL,
	};
	n->engine = notify_engine_start(listener, &cfg);
	if (!n->engine) {
		can_warn_errno("notifier: start the notification engine");
		close(listener);
		return -1;
	}
	if (getenv("CAN_TEST_NOTIFY_STOP_EARLY")) {
		/* Test hook (test/run_notify.sh): the supervisor's engine is gone
		 * while the sandbox runs, to show trapped calls then fail. */
		notify_engine_stop(n->engine);
		n->engine = NULL;
	}
	return 0;
}

void run_notify_finish(struct run_notify *n, FILE *report_out, FILE *recipe_out)
{
	if (!n)
		return;
	if (n->engine)
		notify_engine_stop(n->engine);
	run_report_print_to(&n->report, n->monitor, report_out, recipe_out ? recipe_out : report_out);
	notify_events_close(n->events);
	run_monitor_free(n->mon);
	notify_rules_free(&n->rules);
	run_report_free(&n->report);
	pthread_mutex_destroy(&n->lock);
	free(n);
}
