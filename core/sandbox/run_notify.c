/* `can run` and the notification engine: see run_notify.h and
 * docs/adr/0070-can-run-notification-engine.md. */
#include "sandbox/run_notify.h"
#include "util/util.h"

#include <errno.h>
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
	if ((p->proc.allow_execve.n > 0 || o->monitor) && n + 2 <= cap) {
		nrs[n++] = SYS_execve;
		nrs[n++] = SYS_execveat;
	}
	if (!egress_direct(p) && n < cap)
		nrs[n++] = SYS_connect;
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

int run_notify_rules(struct notify_rules *r, const struct policy *p, struct diags *d)
{
	int rc = notify_rules_compile(r, p, d);
	/* The engine is not asked about files here: the mount view and
	 * Landlock decide them race-free (deny rules are hidden mounts). */
	r->restrict_fs = false;
	r->allow_abstract_unix = true;
	/* egress = "proxy-only": the proxy's listener inside (run.h). */
	if (p->net.egress.set && p->net.egress.v && strcmp(p->net.egress.v, "proxy-only") == 0) {
		char proxy[32];
		snprintf(proxy, sizeof(proxy), "127.0.0.1:%d", RUN_PROXY_PORT);
		notify_rules_add_net(r, proxy, "proxy", (struct srcpos){ 0 });
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

static void report_item(struct run_report *r, const char *kind, const char *what)
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
		report_item(r, kind, what);
}

void run_report_add_path(struct run_report *r, const char *path)
{
	report_item(r, "path", path);
}

void run_report_free(struct run_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].kind);
		free(r->v[i].what);
	}
	free(r->v);
	*r = (struct run_report){ 0 };
}

/* A TOML basic string. */
static void put_toml_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

/* The address part of "1.2.3.4:80" / "[::1]:53" (what allow_ips takes). */
static char *addr_ip(const char *a)
{
	if (a[0] == '[') {
		const char *e = strchr(a, ']');
		return e ? xasprintf("%.*s", (int)(e - a - 1), a + 1) : NULL;
	}
	const char *c = strrchr(a, ':');
	if (!c || strncmp(a, "unix:", 5) == 0 || strchr(a, ' '))
		return NULL;
	return xasprintf("%.*s", (int)(c - a), a);
}

static void patch_list(const struct run_report *r, const char *kind, const char *table,
                       const char *key, FILE *out)
{
	bool any = false;
	for (size_t i = 0; i < r->n; i++) {
		if (strcmp(r->v[i].kind, kind) != 0)
			continue;
		char *v = strcmp(kind, "connect") == 0 ? addr_ip(r->v[i].what) : xstrdup(r->v[i].what);
		if (!v)
			continue;
		/* Only absolute paths are valid allow_execve entries (a memfd's
		 * "/memfd:x (deleted)" is not a file a recipe can name). */
		if ((strcmp(kind, "exec") == 0 || strcmp(kind, "path") == 0) &&
		    (v[0] != '/' || strstr(v, " (deleted)"))) {
			free(v);
			continue;
		}
		fprintf(out, "%s", any ? ", " : "\n[");
		if (!any)
			fprintf(out, "%s]\n%s = [", table, key);
		put_toml_string(out, v);
		any = true;
		free(v);
	}
	if (any)
		fputs("]\n", out);
}

void run_report_patch(const struct run_report *r, FILE *out)
{
	patch_list(r, "syscall", "syscalls", "allow_extra", out);
	patch_list(r, "exec", "process", "allow_execve", out);
	patch_list(r, "connect", "network", "allow_ips", out);
	patch_list(r, "path", "filesystem", "allow", out);
}

void run_report_print(const struct run_report *r, bool monitor, FILE *out)
{
	/* Under --monitor the report is the point of the run; otherwise it
	 * explains refusals the command already saw as EACCES/EPERM, and
	 * says nothing when there were none. */
	const char *tag = monitor ? "monitor" : "refused";
	if (r->n == 0) {
		if (monitor)
			fputs("can: monitor: nothing would have been refused\n", out);
		return;
	}
	fprintf(out, "can: %s: %s:\n", tag,
	        monitor ? "these would have been refused" : "the sandbox refused these");
	for (size_t i = 0; i < r->n; i++)
		fprintf(out, "  %-8s %s (%u time%s)\n", r->v[i].kind, r->v[i].what, r->v[i].count,
		        r->v[i].count == 1 ? "" : "s");
	fprintf(out, "can: %s: a recipe patch that allows them (save it as a .toml file and add "
	        "-r FILE):\n", tag);
	fputs(monitor ? "# can monitor patch" : "# can refusal patch", out);
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
};

static const struct notify_rules *rules_for(pid_t pid, void *ctx)
{
	(void)pid;
	return &((struct run_notify *)ctx)->rules;
}

static void observe(const struct notify_event *e, void *ctx)
{
	struct run_notify *n = ctx;
	pthread_mutex_lock(&n->lock);
	run_report_add(&n->report, e);
	pthread_mutex_unlock(&n->lock);
}

/* A lookup inside found nothing: worth reporting when the host has the
 * path (the view does not show it). Pseudo-filesystems are the
 * sandbox's own. The path is the target's string: only lstat'ed here. */
static void on_missing(pid_t pid, const char *path, void *ctx)
{
	(void)pid;
	struct run_notify *n = ctx;
	static const char *const own[] = { "/proc", "/dev", "/sys", "/tmp" };
	for (size_t i = 0; i < ARRAY_LEN(own); i++)
		if (notify_path_covers(own[i], path))
			return;
	char norm[PATH_MAX];
	struct stat st;
	if (notify_normalize_path(path, norm, sizeof(norm)) < 0 || lstat(norm, &st) < 0)
		return;
	pthread_mutex_lock(&n->lock);
	run_report_add_path(&n->report, norm);
	pthread_mutex_unlock(&n->lock);
}

struct run_notify *run_notify_new(const struct policy *p, const struct run_opts *o, int *rc)
{
	struct run_notify *n = xcalloc(1, sizeof(*n));
	struct diags d = { 0 };
	if (run_notify_rules(&n->rules, p, &d) < 0) {
		diags_print(&d, stderr);
		diags_free(&d);
		notify_rules_free(&n->rules);
		free(n);
		*rc = CAN_EXIT_USAGE;
		return NULL;
	}
	diags_free(&d);
	n->monitor = o->monitor;
	pthread_mutex_init(&n->lock, NULL);
	if (o->monitor) {
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
	(void)host_pid;
	struct run_notify *n = ctx;
	struct notify_config cfg = {
		.rules_for = rules_for,
		.ctx = n,
		.mode = n->monitor ? NOTIFY_MONITOR : NOTIFY_ENFORCE,
		.events = n->events,
		.on_missing = n->monitor ? on_missing : NULL,
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

void run_notify_finish(struct run_notify *n, FILE *report_out)
{
	if (!n)
		return;
	if (n->engine)
		notify_engine_stop(n->engine);
	run_report_print(&n->report, n->monitor, report_out);
	notify_events_close(n->events);
	notify_rules_free(&n->rules);
	run_report_free(&n->report);
	pthread_mutex_destroy(&n->lock);
	free(n);
}
