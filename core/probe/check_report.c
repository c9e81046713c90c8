/* The `can check` report. Pure: probe results in, rows out; no syscalls.
 * Each row says what was found, whether that is OK, degraded or
 * unavailable, what to do about it, and what it means for `can run`.
 * Which rows `can run` needs by default (`required`) is decided here and
 * documented row by row in docs/check.md. */
#include "probe/check_report.h"
#include "util/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct ctx {
	const struct probe_results *p;
	struct check_row *rows;
	size_t n, max;
	struct check_row scratch; /* rows beyond max are built here and dropped */
};

static struct check_row *add(struct ctx *c, const char *id, const char *name, bool required)
{
	struct check_row *r = c->n < c->max ? &c->rows[c->n++] : &c->scratch;
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", id);
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->required = required;
	return r;
}

static void setf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void setf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

/* "step: ERRNAME", "step", or "not tried: why". */
static void res_detail(char *buf, size_t size, const struct probe_res *r)
{
	if (!r->tried)
		setf(buf, size, "not tried: %s", r->step[0] ? r->step : "prerequisite missing");
	else if (r->err)
		setf(buf, size, "%s: %s", r->step[0] ? r->step : "failed", errno_name(r->err));
	else
		setf(buf, size, "%s", r->step[0] ? r->step : "failed");
}

/* A row that is OK when r worked and `bad` otherwise. */
static struct check_row *res_row(struct ctx *c, const char *id, const char *name, bool required,
				 const struct probe_res *r, const char *ok_detail, enum check_state bad)
{
	struct check_row *row = add(c, id, name, required);
	if (r->ok) {
		row->state = CHECK_OK;
		setf(row->detail, sizeof(row->detail), "%s", r->step[0] ? r->step : ok_detail);
	} else {
		row->state = bad;
		res_detail(row->detail, sizeof(row->detail), r);
	}
	return row;
}

static bool userns_sysctl_off(const struct probe_sysctls *s)
{
	return s->unprivileged_userns_clone == 0 || s->max_user_namespaces == 0;
}

/* The best remedy for a failing user namespace, from the sysctls. */
static void userns_remedy(const struct probe_results *p, char *buf, size_t size)
{
	const struct probe_sysctls *s = &p->sysctl;
	if (s->unprivileged_userns_clone == 0)
		setf(buf, size, "sudo sysctl -w kernel.unprivileged_userns_clone=1 (and set it in /etc/sysctl.d/)");
	else if (s->max_user_namespaces == 0)
		setf(buf, size, "sudo sysctl -w user.max_user_namespaces=15000 (and set it in /etc/sysctl.d/)");
	else if (s->apparmor_restrict_userns == 1)
		setf(buf, size, "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, "
				"or an AppArmor profile for can that allows userns: sudo can setup");
	else
		setf(buf, size, "a kernel with CONFIG_USER_NS, outside a container whose seccomp or LSM "
				"policy forbids unshare (see dmesg)");
}

static void row_kernel(struct ctx *c)
{
	struct check_row *r = add(c, "kernel", "kernel", false);
	if (c->p->kernel[0]) {
		r->state = CHECK_OK;
		setf(r->detail, sizeof(r->detail), "Linux %s %s", c->p->kernel, c->p->machine);
	} else {
		r->state = CHECK_DEGRADED;
		setf(r->detail, sizeof(r->detail), "uname failed");
	}
	setf(r->run, sizeof(r->run), "informational: every feature below is probed, not inferred from the version");
}

static void row_userns(struct ctx *c)
{
	const struct probe_results *p = c->p;
	struct check_row *r = res_row(c, "userns", "user namespace", true, &p->ns.userns,
				      "own uid/gid mapped", CHECK_UNAVAILABLE);
	if (r->state == CHECK_OK) {
		setf(r->detail, sizeof(r->detail), "unshare(CLONE_NEWUSER), uid %u and gid mapped, setgroups denied",
		     (unsigned)p->uid);
		setf(r->run, sizeof(r->run), "every wall is built inside it");
	} else {
		userns_remedy(p, r->remedy, sizeof(r->remedy));
		setf(r->run, sizeof(r->run), "refuses: every wall is built inside the user namespace");
	}
}

static void row_ns(struct ctx *c, enum probe_ns which)
{
	static const struct {
		const char *id, *name, *need;
	} info[PROBE_NS_COUNT] = {
		[PROBE_NS_MOUNT] = { "ns_mount", "mount namespace", "a private tmpfs root and bind mounts" },
		[PROBE_NS_PID] = { "ns_pid", "pid namespace", "its own init and a fresh /proc" },
		[PROBE_NS_NET] = { "ns_net", "network namespace", "a network with only lo" },
		[PROBE_NS_IPC] = { "ns_ipc", "ipc namespace", "private SysV IPC and POSIX queues" },
		[PROBE_NS_UTS] = { "ns_uts", "uts namespace", "its own hostname" },
		[PROBE_NS_CGROUP] = { "ns_cgroup", "cgroup namespace", "a private view of cgroup paths" },
	};
	const struct probe_results *p = c->p;
	const struct probe_res *res = &p->ns.ns[which];
	struct check_row *r = res_row(c, info[which].id, info[which].name, true, res, "works", CHECK_UNAVAILABLE);
	if (r->state == CHECK_OK) {
		setf(r->run, sizeof(r->run), "gives the sandbox %s", info[which].need);
		return;
	}
	setf(r->run, sizeof(r->run), "refuses: the sandbox needs %s", info[which].need);
	if (!res->tried && !p->ns.userns.ok)
		setf(r->remedy, sizeof(r->remedy), "fix the user namespace first");
	else if (p->sysctl.apparmor_restrict_userns == 1)
		userns_remedy(p, r->remedy, sizeof(r->remedy));
	else if (which == PROBE_NS_PID && strstr(res->step, "/proc"))
		setf(r->remedy, sizeof(r->remedy), "the host's /proc has covered entries (a container?): "
						   "run on the host or with an unmasked /proc");
	else
		setf(r->remedy, sizeof(r->remedy), "a security module or container policy denies it: "
						   "check dmesg and the container's seccomp profile");
}

static void row_overlay(struct ctx *c)
{
	const struct probe_namespaces *ns = &c->p->ns;
	struct check_row *r = res_row(c, "overlay", "overlayfs in userns", false, &ns->overlay,
				      "overlay over tmpfs mounted and written", CHECK_DEGRADED);
	if (r->state == CHECK_OK) {
		setf(r->run, sizeof(r->run), "optional: available for discardable writable layers");
		return;
	}
	if (!ns->overlay.tried)
		setf(r->remedy, sizeof(r->remedy), "fix the user and mount namespaces first");
	else if (ns->overlay.err == ENODEV)
		setf(r->remedy, sizeof(r->remedy), "sudo modprobe overlay");
	else
		setf(r->remedy, sizeof(r->remedy), "Linux >= 5.11 mounts overlayfs inside a user namespace");
	setf(r->run, sizeof(r->run), "optional: not needed by default; writable layers that rely on it "
				     "are unavailable");
}

static void row_seccomp(struct ctx *c)
{
	const struct probe_seccomp *s = &c->p->seccomp;
	struct check_row *r = res_row(c, "seccomp", "seccomp filter", true, &s->filter,
				      "no_new_privs + filter installed and enforced", CHECK_UNAVAILABLE);
	if (r->state == CHECK_OK) {
		setf(r->run, sizeof(r->run), "the syscall allow-list");
		return;
	}
	setf(r->remedy, sizeof(r->remedy), "a kernel with CONFIG_SECCOMP_FILTER; inside a container, a "
					   "seccomp profile that allows seccomp()");
	setf(r->run, sizeof(r->run), "refuses unless --allow-degraded=seccomp (no syscall allow-list)");
}

/* The user-notification rows: id, name, result, minimum kernel, meaning. */
static void row_notify(struct ctx *c, const char *id, const char *name, const struct probe_res *res,
		       bool degrades, const char *kernel, const char *use, const char *without)
{
	const struct probe_seccomp *s = &c->p->seccomp;
	struct check_row *r = res_row(c, id, name, false, res, "works",
				      degrades ? CHECK_DEGRADED : CHECK_UNAVAILABLE);
	if (r->state == CHECK_OK) {
		setf(r->run, sizeof(r->run), "%s", use);
		return;
	}
	if (res != &s->listener && !s->listener.ok)
		setf(r->remedy, sizeof(r->remedy), "fix the seccomp listener first");
	else if (res == &s->listener && s->listener.err == EBUSY)
		setf(r->remedy, sizeof(r->remedy), "another supervisor already holds a listener (running inside "
						   "a can session or another sandbox?): run from a plain shell");
	else
		setf(r->remedy, sizeof(r->remedy), "Linux >= %s", kernel);
	setf(r->run, sizeof(r->run), "%s", without);
}

static void rows_notify(struct ctx *c)
{
	const struct probe_seccomp *s = &c->p->seccomp;
	/* The supervisor runs only when a recipe asks for it ([syscalls]
	 * notifier = true, allow_execve, allow_ips, -m, --events: ADR 0070)
	 * and in session mode, so these do not block the default `can run`;
	 * a run that needs them fails closed. */
	row_notify(c, "seccomp_listener", "seccomp listener", &s->listener, false, "5.0",
		   "the supervisor for argument-level checks",
		   "runs with [syscalls] notifier = true, [process] allow_execve, [network] "
		   "allow_ips, -m or --events are refused (--allow-degraded=notifier), and "
		   "session mode (whose filter refuses io_uring for the whole session)");
	row_notify(c, "notify_continue", "notify CONTINUE", &s->cont, false, "5.5",
		   "lets calls proceed where no decision depends on the caller's memory",
		   "runs with [syscalls] notifier = true are refused: checked calls cannot proceed");
	row_notify(c, "notify_addfd", "notify ADDFD", &s->addfd, false, "5.9",
		   "emulated opens hand their fd to the sandboxed process",
		   "runs with [syscalls] notifier = true are refused: opens cannot be emulated");
	row_notify(c, "notify_addfd_send", "notify ADDFD_SEND", &s->addfd_send, false, "5.14",
		   "installs the fd and answers the call in one step",
		   "runs with [syscalls] notifier = true are refused: opens cannot be emulated");
	row_notify(c, "notify_wait_killable", "notify WAIT_KILLABLE", &s->wait_killable, true, "5.19",
		   "signals do not interrupt a call the supervisor is answering",
		   "a signal restarts a supervised call, which is then checked again; continues");
	row_notify(c, "notify_sync_wakeup", "notify SYNC_WAKE_UP", &s->sync_wakeup, true, "6.6",
		   "fast notification round trips (about 5 us instead of 28 us)",
		   "supervised calls are slower (about 28 us instead of 5 us each); continues");
}

/* "fs, refer, truncate" for what an ABI has. */
static void landlock_features(int abi, char *have, size_t hsize, char *missing, size_t msize)
{
	static const char *const feat[] = {
		"fs", "refer", "truncate", "tcp", "ioctl_dev", "scope signal/abstract unix", "audit log",
	};
	have[0] = missing[0] = '\0';
	for (int i = 0; i < (int)(sizeof(feat) / sizeof(feat[0])); i++) {
		char *b = i < abi ? have : missing;
		size_t size = i < abi ? hsize : msize;
		size_t l = strlen(b);
		snprintf(b + l, size - l, "%s%s (%d)", l ? ", " : "", feat[i], i + 1);
	}
}

static void landlock_unavailable_remedy(const struct probe_landlock *l, char *buf, size_t size)
{
	if (l->err == EOPNOTSUPP)
		setf(buf, size, "Landlock is built in but disabled: add landlock to the lsm= boot "
				"parameter (e.g. lsm=landlock,lockdown,yama,integrity,apparmor)");
	else
		setf(buf, size, "Linux >= 5.13 with CONFIG_SECURITY_LANDLOCK=y and landlock in lsm=");
}

static void row_landlock(struct ctx *c)
{
	const struct probe_landlock *l = &c->p->landlock;
	struct check_row *r = add(c, "landlock_abi", "landlock", true);
	char have[160], missing[160];
	if (l->abi <= 0) {
		r->state = CHECK_UNAVAILABLE;
		r->has_value = true;
		r->value = 0;
		if (l->err)
			setf(r->detail, sizeof(r->detail), "landlock_create_ruleset: %s", errno_name(l->err));
		else
			setf(r->detail, sizeof(r->detail), "%s", l->fs.step[0] ? l->fs.step : "no answer");
		landlock_unavailable_remedy(l, r->remedy, sizeof(r->remedy));
		setf(r->run, sizeof(r->run), "refuses unless --allow-degraded=landlock");
		return;
	}
	r->has_value = true;
	r->value = l->abi;
	landlock_features(l->abi, have, sizeof(have), missing, sizeof(missing));
	if (l->abi >= 6) {
		r->state = CHECK_OK;
		setf(r->detail, sizeof(r->detail), "ABI %d: %s", l->abi, l->abi >= 7 ? "fs, refer, truncate, tcp, "
			"ioctl_dev, scoping, audit log" : "fs, refer, truncate, tcp, ioctl_dev, scoping");
		setf(r->run, sizeof(r->run), "second filesystem wall, TCP rules, signals and "
					     "abstract sockets scoped");
	} else {
		r->state = CHECK_DEGRADED;
		setf(r->detail, sizeof(r->detail), "ABI %d; missing: %s", l->abi, missing);
		setf(r->remedy, sizeof(r->remedy), "Linux >= 6.12 for ABI 6 (TCP rules: 6.7, ioctl_dev: 6.10)");
		setf(r->run, sizeof(r->run), "uses what ABI %d has and warns (%s, the namespaces still apply); "
		     "--strict refuses", l->abi, l->abi < 4 ? "no TCP rules" : "no scoping");
	}
}

static void row_landlock_enforce(struct ctx *c)
{
	const struct probe_landlock *l = &c->p->landlock;
	struct check_row *r = add(c, "landlock_enforce", "landlock enforce", true);
	if (l->abi <= 0) {
		r->state = CHECK_UNAVAILABLE;
		setf(r->detail, sizeof(r->detail), "not tried: no Landlock");
		landlock_unavailable_remedy(l, r->remedy, sizeof(r->remedy));
		setf(r->run, sizeof(r->run), "refuses unless --allow-degraded=landlock");
		return;
	}
	if (!l->fs.ok) {
		r->state = CHECK_UNAVAILABLE;
		res_detail(r->detail, sizeof(r->detail), &l->fs);
		setf(r->remedy, sizeof(r->remedy), "restrict_self needs no_new_privs; a container policy may "
						   "refuse it (check dmesg)");
		setf(r->run, sizeof(r->run), "refuses unless --allow-degraded=landlock");
		return;
	}
	const struct probe_res *bad = (l->net.tried && !l->net.ok) ? &l->net
				     : (l->scope.tried && !l->scope.ok) ? &l->scope : NULL;
	if (bad) {
		r->state = CHECK_DEGRADED;
		res_detail(r->detail, sizeof(r->detail), bad);
		setf(r->remedy, sizeof(r->remedy), "report this kernel: the ABI promises it");
		setf(r->run, sizeof(r->run), "keeps the filesystem rules and warns");
		return;
	}
	r->state = CHECK_OK;
	setf(r->detail, sizeof(r->detail), "read of / refused%s%s",
	     l->net.ok ? ", TCP connect refused" : "", l->scope.ok ? ", signal out refused" : "");
	setf(r->run, sizeof(r->run), "the rules really hold");
}

static bool word_in_list(const char *list, const char *w)
{
	size_t wl = strlen(w);
	for (const char *p = list; *p;) {
		const char *cm = strchr(p, ',');
		size_t n = cm ? (size_t)(cm - p) : strlen(p);
		if (n == wl && strncmp(p, w, n) == 0)
			return true;
		p = cm ? cm + 1 : p + n;
	}
	return false;
}

static bool hybrid_has_v1(const struct cgroup_delegation *cg)
{
	return word_in_list(cg->v1_controllers, "memory") || word_in_list(cg->v1_controllers, "cpu") ||
	       word_in_list(cg->v1_controllers, "pids");
}

static void row_cgroup(struct ctx *c)
{
	const struct cgroup_delegation *cg = &c->p->cgroup;
	struct check_row *r = add(c, "cgroup_v2", "cgroup v2", false);
	setf(r->run, sizeof(r->run), "[resources] memory_mb and cpu_percent use it");
	if (!cg->v2_mounted) {
		r->state = CHECK_UNAVAILABLE;
		setf(r->detail, sizeof(r->detail), "no cgroup2 mount%s", cg->v1_mounted ? " (v1 only)" : "");
		setf(r->remedy, sizeof(r->remedy), "boot with systemd.unified_cgroup_hierarchy=1");
		setf(r->run, sizeof(r->run), "[resources] memory_mb/cpu_percent refused unless --allow-degraded=cgroups");
	} else if (cg->v1_mounted && hybrid_has_v1(cg)) {
		r->state = CHECK_DEGRADED;
		setf(r->detail, sizeof(r->detail), "hybrid: cgroup2 at %s, controllers %s on v1",
		     cg->mount, cg->v1_controllers);
		setf(r->remedy, sizeof(r->remedy), "boot with systemd.unified_cgroup_hierarchy=1 "
						   "(cgroup_no_v1=all) to move the controllers to v2");
		setf(r->run, sizeof(r->run), "[resources] memory_mb/cpu_percent refused unless --allow-degraded=cgroups");
	} else {
		r->state = CHECK_OK;
		setf(r->detail, sizeof(r->detail), "cgroup2 at %s", cg->mount);
	}
}

static void row_delegation(struct ctx *c)
{
	const struct cgroup_delegation *cg = &c->p->cgroup;
	struct check_row *r = add(c, "cgroup_delegation", "cgroup delegation", false);
	setf(r->run, sizeof(r->run), "[resources] memory_mb/cpu_percent refused unless --allow-degraded=cgroups");
	if (!cg->v2_mounted) {
		r->state = CHECK_UNAVAILABLE;
		setf(r->detail, sizeof(r->detail), "not tried: no cgroup2");
		setf(r->remedy, sizeof(r->remedy), "mount cgroup2 first (see cgroup v2)");
		return;
	}
	if (!cg->mkdir.ok || !cg->procs_writable || !cg->subtree_writable) {
		r->state = CHECK_UNAVAILABLE;
		if (!cg->mkdir.ok) {
			char why[96];
			res_detail(why, sizeof(why), &cg->mkdir);
			setf(r->detail, sizeof(r->detail), "%s: %s", cg->dir[0] ? cg->dir : "own cgroup", why);
		} else {
			setf(r->detail, sizeof(r->detail), "%s: cgroup.%s not writable", cg->dir,
			     cg->procs_writable ? "subtree_control" : "procs");
		}
		if (cg->v1_mounted && hybrid_has_v1(cg))
			setf(r->remedy, sizeof(r->remedy), "systemd-run --user --scope -p Delegate=yes can run ... "
							   "(this hybrid host also needs systemd.unified_cgroup_hierarchy=1)");
		else
			setf(r->remedy, sizeof(r->remedy), "systemd-run --user --scope -p Delegate=yes can run ...");
		return;
	}
	if (!cg->has_memory || !cg->has_cpu || !cg->has_pids) {
		r->state = CHECK_DEGRADED;
		setf(r->detail, sizeof(r->detail), "%s writable; lacks%s%s%s", cg->dir,
		     cg->has_memory ? "" : " memory", cg->has_cpu ? "" : " cpu", cg->has_pids ? "" : " pids");
		if (cg->v1_mounted && hybrid_has_v1(cg))
			setf(r->remedy, sizeof(r->remedy), "those controllers are on cgroup v1: boot with "
							   "systemd.unified_cgroup_hierarchy=1");
		else
			setf(r->remedy, sizeof(r->remedy), "systemd-run --user --scope -p Delegate=yes can run ... "
							   "(or enable them in the parent's cgroup.subtree_control)");
		return;
	}
	r->state = CHECK_OK;
	setf(r->detail, sizeof(r->detail), "%s (memory cpu pids)", cg->dir);
	setf(r->run, sizeof(r->run), "[resources] limits are enforced in a child cgroup");
}

static void row_apparmor(struct ctx *c)
{
	const struct probe_results *p = c->p;
	struct check_row *r = add(c, "apparmor_userns", "apparmor userns", false);
	int v = p->sysctl.apparmor_restrict_userns;
	bool works = p->ns.userns.ok && p->ns.ns[PROBE_NS_MOUNT].ok;
	r->state = CHECK_OK;
	if (v < 0) {
		setf(r->detail, sizeof(r->detail), "no restriction (kernel.apparmor_restrict_unprivileged_userns absent)");
	} else if (v == 0) {
		setf(r->detail, sizeof(r->detail), "kernel.apparmor_restrict_unprivileged_userns=0");
	} else if (works) {
		setf(r->detail, sizeof(r->detail), "restricted (=%d), but a profile lets this program use userns", v);
	} else {
		r->state = CHECK_UNAVAILABLE;
		setf(r->detail, sizeof(r->detail), "kernel.apparmor_restrict_unprivileged_userns=%d denies "
						   "capabilities in new user namespaces", v);
		userns_remedy(p, r->remedy, sizeof(r->remedy));
		setf(r->run, sizeof(r->run), "the reason user namespaces fail: refuses");
		return;
	}
	setf(r->run, sizeof(r->run), "does not stand in the way");
}

static void row_sysctls(struct ctx *c)
{
	const struct probe_results *p = c->p;
	const struct probe_sysctls *s = &p->sysctl;
	struct check_row *r = add(c, "userns_sysctls", "userns sysctls", false);
	char clone_v[16], max_v[16];
	if (s->unprivileged_userns_clone < 0)
		setf(clone_v, sizeof(clone_v), "absent");
	else
		setf(clone_v, sizeof(clone_v), "%d", s->unprivileged_userns_clone);
	if (s->max_user_namespaces < 0)
		setf(max_v, sizeof(max_v), "absent");
	else
		setf(max_v, sizeof(max_v), "%d", s->max_user_namespaces);
	setf(r->detail, sizeof(r->detail), "kernel.unprivileged_userns_clone=%s user.max_user_namespaces=%s",
	     clone_v, max_v);
	if (userns_sysctl_off(s) && !p->ns.userns.ok) {
		r->state = CHECK_UNAVAILABLE;
		userns_remedy(p, r->remedy, sizeof(r->remedy));
		setf(r->run, sizeof(r->run), "the reason user namespaces fail: refuses");
	} else {
		r->state = CHECK_OK;
		setf(r->run, sizeof(r->run), "does not stand in the way");
	}
}

static void row_tool(struct ctx *c, const char *id, const struct probe_tool *t, const char *package)
{
	struct check_row *r = add(c, id, id, false);
	if (!t->found) {
		r->state = CHECK_UNAVAILABLE;
		setf(r->detail, sizeof(r->detail), "not found in PATH");
		setf(r->remedy, sizeof(r->remedy), "sudo apt-get install %s", package);
		setf(r->run, sizeof(r->run), "only egress = \"direct\" needs pasta (slirp4netns is not used, "
					     "docs/adr/0122); \"none\" and \"proxy-only\" do not");
	} else if (!t->version[0] || t->err) {
		r->state = CHECK_DEGRADED;
		setf(r->detail, sizeof(r->detail), "%s: --version failed%s%s", t->path, t->version[0] ? ": " : "",
		     t->version);
		setf(r->remedy, sizeof(r->remedy), "reinstall %s", package);
		setf(r->run, sizeof(r->run), "egress = \"direct\" may fail");
	} else {
		r->state = CHECK_OK;
		setf(r->detail, sizeof(r->detail), "%s (%s)", t->version, t->path);
		setf(r->run, sizeof(r->run), strcmp(id, "pasta") == 0
						     ? "available for egress = \"direct\""
						     : "not used: egress = \"direct\" uses pasta (docs/adr/0122)");
	}
}

static void row_ptrace(struct ctx *c)
{
	const struct probe_results *p = c->p;
	int scope = p->sysctl.ptrace_scope;
	struct check_row *r = add(c, "ptrace_scope", "ptrace scope", false);
	char sv[48];
	if (scope < 0)
		setf(sv, sizeof(sv), "no Yama");
	else
		setf(sv, sizeof(sv), "kernel.yama.ptrace_scope=%d", scope);
	if (!p->ptrace.ok) {
		r->state = CHECK_UNAVAILABLE;
		char why[96];
		res_detail(why, sizeof(why), &p->ptrace);
		setf(r->detail, sizeof(r->detail), "%s; %s", sv, why);
		if (scope == 3)
			setf(r->remedy, sizeof(r->remedy), "ptrace_scope=3 can only be lowered by a reboot "
							   "(then sysctl -w kernel.yama.ptrace_scope=1)");
		else
			setf(r->remedy, sizeof(r->remedy), "sudo sysctl -w kernel.yama.ptrace_scope=1");
		setf(r->run, sizeof(r->run), "runs with [syscalls] notifier = true, and session mode, are refused: "
					     "the supervisor cannot read a trapped call's arguments");
		return;
	}
	setf(r->detail, sizeof(r->detail), "%s; supervisor can read a child's memory", sv);
	if (scope == 2) {
		r->state = CHECK_DEGRADED;
		setf(r->remedy, sizeof(r->remedy), "sudo sysctl -w kernel.yama.ptrace_scope=1 for session mode");
		setf(r->run, sizeof(r->run), "works (it owns the sandbox's user namespace); session "
					     "mode cannot read its processes' memory");
	} else {
		r->state = CHECK_OK;
		setf(r->run, sizeof(r->run), "the supervisor copies a trapped call's arguments once");
	}
}

static void row_pidfd(struct ctx *c)
{
	const struct probe_results *p = c->p;
	struct check_row *r = add(c, "pidfd", "pidfd_open/getfd", false);
	const struct probe_res *bad = !p->pidfd_open.ok ? &p->pidfd_open : !p->pidfd_getfd.ok ? &p->pidfd_getfd : NULL;
	if (bad) {
		r->state = CHECK_UNAVAILABLE;
		res_detail(r->detail, sizeof(r->detail), bad);
		setf(r->remedy, sizeof(r->remedy), "Linux >= 5.6 (pidfd_getfd); check ptrace scope");
		setf(r->run, sizeof(r->run), "runs with [syscalls] notifier = true are refused: connect checks "
					     "take the socket with pidfd_getfd");
		return;
	}
	r->state = CHECK_OK;
	setf(r->detail, sizeof(r->detail), "pidfd_open and pidfd_getfd of a child's fd work");
	setf(r->run, sizeof(r->run), "the supervisor acts on a sandboxed process's sockets");
}

static void row_openat2(struct ctx *c)
{
	struct check_row *r = res_row(c, "openat2", "openat2", true, &c->p->openat2, "works", CHECK_UNAVAILABLE);
	if (r->state == CHECK_OK) {
		setf(r->run, sizeof(r->run), "paths are resolved without following magic links");
		return;
	}
	setf(r->remedy, sizeof(r->remedy), "Linux >= 5.6");
	setf(r->run, sizeof(r->run), "refuses: paths cannot be resolved safely");
}

/* can run --allow-degraded=userns (docs/adr/0240): Landlock (with signal
 * scoping), the seccomp filter and a listener that can inject fds. */
static void row_userns_degraded(struct ctx *c)
{
	const struct probe_results *p = c->p;
	struct check_row *r = add(c, "userns_degraded", "no-userns mode", false);
	const char *missing = NULL;
	if (p->landlock.abi <= 0 || !p->landlock.fs.ok)
		missing = "Landlock";
	else if (!p->seccomp.filter.ok)
		missing = "a seccomp filter";
	else if (!p->seccomp.listener.ok || !p->seccomp.addfd.ok)
		missing = "the seccomp notification listener with ADDFD";
	else if (!p->openat2.ok)
		missing = "openat2";
	bool scoped = p->landlock.abi >= 6 && p->landlock.scope.ok;
	if (p->ns.userns.ok) {
		r->state = CHECK_OK;
		setf(r->detail, sizeof(r->detail), "not needed: user namespaces work%s",
		     missing ? "" : " (it would be available)");
		setf(r->run, sizeof(r->run), "--allow-degraded=userns changes nothing here");
		return;
	}
	if (missing) {
		r->state = CHECK_UNAVAILABLE;
		setf(r->detail, sizeof(r->detail), "unavailable: needs %s", missing);
		setf(r->remedy, sizeof(r->remedy), "make user namespaces work instead");
		setf(r->run, sizeof(r->run), "--allow-degraded=userns refuses too");
		return;
	}
	r->state = CHECK_DEGRADED;
	setf(r->detail, sizeof(r->detail), "available: Landlock ABI %d%s, seccomp, the supervisor",
	     p->landlock.abi, scoped ? " with signal scoping" : " WITHOUT signal scoping");
	userns_remedy(p, r->remedy, sizeof(r->remedy));
	setf(r->run, sizeof(r->run), "refuses unless --allow-degraded=userns%s: Landlock and seccomp, no "
				     "namespaces (docs/run.md)", scoped ? "" : ",landlock-scope");
}

size_t check_report_rows(const struct probe_results *p, struct check_row *rows, size_t max)
{
	struct ctx c = { .p = p, .rows = rows, .n = 0, .max = max };
	row_kernel(&c);
	row_userns(&c);
	for (int i = 0; i < PROBE_NS_COUNT; i++)
		row_ns(&c, (enum probe_ns)i);
	row_overlay(&c);
	row_seccomp(&c);
	rows_notify(&c);
	row_landlock(&c);
	row_landlock_enforce(&c);
	row_cgroup(&c);
	row_delegation(&c);
	row_apparmor(&c);
	row_sysctls(&c);
	row_userns_degraded(&c);
	row_tool(&c, "pasta", &p->pasta, "passt");
	row_tool(&c, "slirp4netns", &p->slirp4netns, "slirp4netns");
	row_ptrace(&c);
	row_pidfd(&c);
	row_openat2(&c);
	return c.n;
}

bool check_row_blocks(const struct check_row *row)
{
	return row->required && row->state == CHECK_UNAVAILABLE;
}

int check_report_exit(const struct check_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (check_row_blocks(&rows[i]))
			return 1;
	return 0;
}

const char *check_state_name(enum check_state s)
{
	switch (s) {
	case CHECK_OK:
		return "ok";
	case CHECK_DEGRADED:
		return "degraded";
	case CHECK_UNAVAILABLE:
		return "unavailable";
	}
	return "?";
}
