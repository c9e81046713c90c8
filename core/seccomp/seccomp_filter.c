/* Compiles the merged [syscalls] policy into one classic-BPF seccomp
 * program (DESIGN section 5; docs/seccomp.md; ADR 0040).
 *
 * The program is three parts, run in order:
 *   1. a prologue we write by hand: kill on any architecture but x86_64 and
 *      on any x32 syscall number (nr >= 0x40000000);
 *   2. the fixed hardening (seccomp_rules.c), built by libseccomp with a
 *      default of ALLOW; each of its ALLOW returns is rewritten into a jump
 *      to part 3, so its refusals win over everything that follows;
 *   3. the policy: the recipe's allow-list (or deny-list), with the notify
 *      syscalls answered SECCOMP_RET_USER_NOTIF, built by libseccomp.
 * Two libseccomp filters are needed because libseccomp lets an
 * unconditional rule for a syscall override every conditional rule for it,
 * so "allow ioctl except TIOCSTI" cannot be said in one filter whose
 * default refuses. Stacking two kernel filters would say it too, but then
 * there would be two programs to test and to keep the listener on; one
 * program is what sc_export shows and what the tests evaluate. */
#include "seccomp/seccomp_filter.h"
#include "seccomp/seccomp_rules.h"
#include "util/kernel_compat.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* The x32 ABI marks its syscall numbers with this bit. */
#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif

struct sc_filter {
	struct sock_filter *prog;
	size_t n;
	bool listener;
	bool killable; /* installed with SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV */
};

/* ---- choosing actions ---- */

/* What the policy answers for a call it does not allow. */
static uint32_t policy_refusal(const struct sc_options *o)
{
	switch (o->mode) {
	case SC_MODE_STRICT: return SCMP_ACT_KILL_PROCESS;
	case SC_MODE_MONITOR: return o->monitor_via_notify ? SCMP_ACT_NOTIFY : SCMP_ACT_LOG;
	case SC_MODE_ENFORCE:
	default: return SCMP_ACT_ERRNO(EPERM);
	}
}

/* What the fixed hardening answers. Monitor mode does not relax it: no
 * recipe could allow these calls, so there is nothing to learn by letting
 * them through (ADR 0040). */
static uint32_t hardening_refusal(const struct sc_options *o)
{
	return o->mode == SC_MODE_STRICT ? SCMP_ACT_KILL_PROCESS : SCMP_ACT_ERRNO(EPERM);
}

/* ---- the policy's set of syscalls ---- */

static bool list_has(const struct plist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].s, s) == 0)
			return true;
	return false;
}

static bool notified(const struct sc_options *o, int nr)
{
	for (size_t i = 0; i < o->n_notify; i++)
		if (o->notify_nrs[i] == nr)
			return true;
	return false;
}

/* Checks every name in l; an unknown name is an error at its position,
 * and so is a fixed refusal when `allowing`. */
static void check_names(const struct plist *l, bool allowing, const char *key,
			struct diags *d)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *name = l->v[i].s;
		int nr = sc_syscall_nr(name);
		if (nr == SC_NR_UNKNOWN) {
			diags_add(d, l->v[i].at, "[syscalls] %s: unknown syscall '%s'", key, name);
			continue;
		}
		const char *why = allowing ? sc_fixed_refusal(name) : NULL;
		if (why)
			diags_add(d, l->v[i].at,
				  "[syscalls] %s: syscall '%s' cannot be allowed: %s "
				  "(can always refuses it; see docs/seccomp.md)",
				  key, name, why);
	}
}

static bool deny_listed(const struct policy *p, const char *name)
{
	return list_has(&p->sys.deny, name) || list_has(&p->sys.deny_extra, name);
}

/* Adds `name` with `act` unless it is the filter's default already
 * (libseccomp refuses such rules) or not a syscall of this architecture. */
static int add_plain(scmp_filter_ctx ctx, uint32_t dflt, uint32_t act, int nr)
{
	if (nr < 0 || act == dflt)
		return 0;
	int r = seccomp_rule_add(ctx, act, nr, 0);
	/* The same name may appear in two lists (allow and allow_extra). */
	return r == -EEXIST ? 0 : r;
}

/* newfstatat(dirfd, path, buf, flags) and statx(dirfd, path, flags, ...):
 * notified unless AT_EMPTY_PATH is set (sc_options.notify_skip_fd_stat). */
static int add_notify_unless_fd_stat(scmp_filter_ctx ctx, uint32_t dflt, int nr)
{
	unsigned arg = nr == SCMP_SYS(statx) ? 2 : 3;
	int r = 0;
	if (dflt != SCMP_ACT_ALLOW)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1,
				     SCMP_CMP(arg, SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH));
	/* Under -m the default action may be NOTIFY itself (would-be
	 * refusals): libseccomp refuses a rule that repeats the default. */
	if ((r == 0 || r == -EEXIST) && dflt != SCMP_ACT_NOTIFY)
		r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 1,
				     SCMP_CMP(arg, SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, 0));
	return r == -EEXIST ? 0 : r;
}

static bool fd_stat_nr(int nr) { return nr == SCMP_SYS(newfstatat) || nr == SCMP_SYS(statx); }

/* sendto(fd, buf, len, flags, addr, addrlen): notified only with an
 * address. Without one it is send() on a connected socket, which the
 * engine would only CONTINUE (every TCP write of curl or python is one):
 * the filter lets it through without a round trip. */
static int add_notify_sendto_with_addr(scmp_filter_ctx ctx, uint32_t dflt, int nr)
{
	int r = 0;
	if (dflt != SCMP_ACT_ALLOW)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_CMP(4, SCMP_CMP_EQ, 0));
	if ((r == 0 || r == -EEXIST) && dflt != SCMP_ACT_NOTIFY)
		r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 1, SCMP_CMP(4, SCMP_CMP_NE, 0));
	return r == -EEXIST ? 0 : r;
}

/* A notified syscall's rules: whole, or narrowed by its arguments. */
static int add_notify(scmp_filter_ctx ctx, uint32_t dflt, const struct sc_options *o, int nr)
{
	if (o->notify_skip_fd_stat && fd_stat_nr(nr))
		return add_notify_unless_fd_stat(ctx, dflt, nr);
	if (nr == SCMP_SYS(sendto))
		return add_notify_sendto_with_addr(ctx, dflt, nr);
	return add_plain(ctx, dflt, SCMP_ACT_NOTIFY, nr);
}

static int add_allowed(scmp_filter_ctx ctx, uint32_t dflt, const struct plist *l,
		       const struct policy *p, const struct sc_options *o)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *name = l->v[i].s;
		if (deny_listed(p, name))
			continue;
		int nr = sc_syscall_nr(name);
		int r = notified(o, nr) ? add_notify(ctx, dflt, o, nr)
					: add_plain(ctx, dflt, SCMP_ACT_ALLOW, nr);
		if (r < 0)
			return r;
	}
	return 0;
}

static int add_denied(scmp_filter_ctx ctx, uint32_t dflt, uint32_t refuse,
		      const struct plist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		int r = add_plain(ctx, dflt, refuse, sc_syscall_nr(l->v[i].s));
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- libseccomp filters to BPF ---- */

static scmp_filter_ctx new_ctx(uint32_t dflt)
{
	scmp_filter_ctx ctx = seccomp_init(dflt);
	if (!ctx)
		return NULL;
	/* The prologue kills foreign architectures already; this keeps each
	 * part safe on its own. */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) < 0 ||
	    /* A binary tree of syscall numbers instead of a linear scan. */
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0) {
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}

/* libseccomp 2.5 exports BPF only to a file descriptor. */
static int export_ctx(scmp_filter_ctx ctx, struct sock_filter **out, size_t *n)
{
	int fd = memfd_create("can-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = seccomp_export_bpf(ctx, fd);
	struct stat st;
	if (r == 0 && fstat(fd, &st) < 0)
		r = -errno;
	if (r == 0 && (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) != 0))
		r = -EINVAL;
	if (r < 0) {
		close(fd);
		return r;
	}
	*n = (size_t)st.st_size / sizeof(struct sock_filter);
	*out = xmalloc((size_t)st.st_size);
	if (pread(fd, *out, (size_t)st.st_size, 0) != st.st_size) {
		r = errno ? -errno : -EIO;
		free(*out);
		*out = NULL;
	}
	close(fd);
	return r;
}

#define STMT(c, kk) ((struct sock_filter){ .code = (c), .k = (kk) })
#define JUMP(c, kk, t, f) ((struct sock_filter){ .code = (c), .jt = (t), .jf = (f), .k = (kk) })

static const struct sock_filter prologue[] = {
	STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
	STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	JUMP(BPF_JMP | BPF_JGE | BPF_K, __X32_SYSCALL_BIT, 0, 1),
	STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
};

/* prologue + hard (ALLOW returns turned into jumps past its end) + pol. */
static int join(const struct sock_filter *hard, size_t nh, const struct sock_filter *pol,
		size_t np, struct sc_filter *f)
{
	size_t np0 = ARRAY_LEN(prologue);
	size_t n = np0 + nh + np;
	if (n > BPF_MAXINSNS)
		return -E2BIG;
	f->prog = xmalloc(n * sizeof(*f->prog));
	memcpy(f->prog, prologue, sizeof(prologue));
	for (size_t i = 0; i < nh; i++) {
		struct sock_filter in = hard[i];
		if (BPF_CLASS(in.code) == BPF_RET) {
			/* libseccomp returns constants only; anything else would
			 * be a verdict we cannot reason about: refuse to build. */
			if (BPF_RVAL(in.code) != BPF_K) {
				free(f->prog);
				f->prog = NULL;
				return -EINVAL;
			}
			if (in.k == SECCOMP_RET_ALLOW)
				in = STMT(BPF_JMP | BPF_JA, (uint32_t)(nh - i - 1));
		}
		f->prog[np0 + i] = in;
	}
	memcpy(f->prog + np0 + nh, pol, np * sizeof(*pol));
	f->n = n;
	return 0;
}

/* ---- the API ---- */

struct sc_filter *sc_build(const struct policy *p, const struct sc_options *o, struct diags *d)
{
	static const struct sc_options defaults = { .mode = SC_MODE_ENFORCE };
	if (!o)
		o = &defaults;
	size_t errors = d->n;
	bool deny_mode = p->sys.seccomp_mode.set && p->sys.seccomp_mode.v &&
			 strcmp(p->sys.seccomp_mode.v, "deny-list") == 0;
	if (p->sys.seccomp_mode.set && p->sys.seccomp_mode.v && !deny_mode &&
	    strcmp(p->sys.seccomp_mode.v, "allow-list") != 0)
		diags_add(d, p->sys.seccomp_mode.at,
			  "[syscalls] seccomp_mode: '%s' is not 'allow-list' or 'deny-list'",
			  p->sys.seccomp_mode.v);
	check_names(&p->sys.allow, true, "allow", d);
	check_names(&p->sys.allow_extra, true, "allow_extra", d);
	check_names(&p->sys.deny, false, "deny", d);
	check_names(&p->sys.deny_extra, false, "deny_extra", d);
	if (!deny_mode && p->sys.allow.n == 0 && p->sys.allow_extra.n == 0)
		diags_add(d, (struct srcpos){ 0 },
			  "[syscalls] allow: the allow-list is empty, so nothing could run "
			  "(is default.toml loaded?)");
	for (size_t i = 0; i < o->n_notify; i++)
		if (o->notify_nrs[i] < 0)
			diags_add(d, (struct srcpos){ 0 },
				  "seccomp: notify syscall number %d is not valid", o->notify_nrs[i]);
	if (d->n > errors)
		return NULL;

	uint32_t refuse = policy_refusal(o);
	uint32_t dflt = deny_mode ? SCMP_ACT_ALLOW : refuse;
	scmp_filter_ctx hard = new_ctx(SCMP_ACT_ALLOW), pol = new_ctx(dflt);
	struct sock_filter *hp = NULL, *pp = NULL;
	size_t nh = 0, np = 0;
	struct sc_filter *f = NULL;
	int r = -ENOMEM;
	if (!hard || !pol)
		goto out;
	r = sc_rules_add(hard, hardening_refusal(o), o->protect_pid, o->notify_hardened);
	if (r == 0 && o->protect_pid2 > 0)
		r = sc_rules_protect(hard, hardening_refusal(o), o->protect_pid2);
	if (r == 0 && o->host_shared)
		r = sc_rules_add_host_shared(hard, hardening_refusal(o));
	if (r < 0)
		goto out;
	if (deny_mode) {
		r = add_denied(pol, dflt, refuse, &p->sys.deny);
		if (r == 0)
			r = add_denied(pol, dflt, refuse, &p->sys.deny_extra);
		/* In a deny-list everything else is allowed: the notify calls
		 * still go to the supervisor. */
		for (size_t i = 0; r == 0 && i < o->n_notify; i++) {
			char *name = sc_syscall_name(o->notify_nrs[i]);
			if (name && deny_listed(p, name))
				;
			else
				r = add_notify(pol, dflt, o, o->notify_nrs[i]);
			free(name);
		}
	} else {
		r = add_allowed(pol, dflt, &p->sys.allow, p, o);
		if (r == 0)
			r = add_allowed(pol, dflt, &p->sys.allow_extra, p, o);
	}
	if (r < 0)
		goto out;
	if ((r = export_ctx(hard, &hp, &nh)) < 0 || (r = export_ctx(pol, &pp, &np)) < 0)
		goto out;
	f = xcalloc(1, sizeof(*f));
	r = join(hp, nh, pp, np, f);
	if (r < 0) {
		free(f);
		f = NULL;
		goto out;
	}
	f->listener = o->n_notify > 0 || (o->mode == SC_MODE_MONITOR && o->monitor_via_notify);
out:
	if (r < 0)
		diags_add(d, (struct srcpos){ 0 }, "seccomp: cannot build the filter: %s: %s",
			  errno_name(-r), r == -E2BIG ? "the filter has more than 4096 instructions"
						      : strerror(-r));
	free(hp);
	free(pp);
	if (hard)
		seccomp_release(hard);
	if (pol)
		seccomp_release(pol);
	return f;
}

int sc_export(const struct sc_filter *f, void **insns, size_t *n_insns)
{
	if (!f || !insns || !n_insns)
		return -EINVAL;
	*insns = xmalloc(f->n * sizeof(*f->prog));
	memcpy(*insns, f->prog, f->n * sizeof(*f->prog));
	*n_insns = f->n;
	return 0;
}

bool sc_has_listener(const struct sc_filter *f)
{
	return f && f->listener;
}

int sc_install(struct sc_filter *f)
{
	if (!f)
		return -EINVAL;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	struct sock_fprog fp = { .len = (unsigned short)f->n, .filter = f->prog };
	unsigned flags = 0;
	if (f->listener)
		flags = SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	/* libseccomp 2.5 cannot ask for WAIT_KILLABLE_RECV, which is one
	 * reason we load the program ourselves. Kernels before 5.19 answer
	 * EINVAL to the flag: retry without it. */
	int r = can_seccomp(SECCOMP_SET_MODE_FILTER, flags, &fp);
	if (r < 0 && errno == EINVAL && (flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)) {
		flags &= ~(unsigned)SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
		r = can_seccomp(SECCOMP_SET_MODE_FILTER, flags, &fp);
	}
	if (r < 0)
		return -errno;
	f->killable = (flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) != 0;
	return f->listener ? r : 0;
}

bool sc_installed_killable(const struct sc_filter *f)
{
	return f && f->killable;
}

void sc_free(struct sc_filter *f)
{
	if (!f)
		return;
	free(f->prog);
	free(f);
}
