/* The mount plan (see mount_plan.h). Order matters and is decided here:
 *   1. the tmpfs root, private /tmp, minimal /dev, fresh /proc;
 *   2. binds of allow (ro), allow_write (rw) and the cwd (rw), parents
 *      before children so a nested entry lands on top of its parent;
 *   3. files of the cwd that configure code run later OUTSIDE the sandbox
 *      (canister.toml, .canister/, .envrc, .git/config, .git/hooks,
 *      .git/modules), read-only over the cwd bind;
 *   4. deny (hide) and mask, so they cover whatever is beneath them;
 *   5. the DLP's fake credentials, over what deny hid (ADR 0148).
 * deny beats allow wherever either came from: a bind at or under a denied
 * path is dropped, and the denied path itself is hidden when a bound tree
 * would otherwise show it. */
#include "sandbox/mount_plan.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const mount_proc_masked[] = {
	"/proc/kcore", "/proc/keys", "/proc/sysrq-trigger", "/proc/kallsyms",
	"/proc/timer_list", "/proc/sched_debug", "/proc/latency_stats",
	"/proc/timer_stats", "/proc/kmsg", "/proc/config.gz", NULL,
};

const char *const mount_dev_nodes[] = {
	"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty", NULL,
};

bool mount_path_normalize(char *path)
{
	if (!path || path[0] != '/')
		return false;
	char *w = path;
	const char *r = path;
	while (*r) {
		while (*r == '/')
			r++;
		if (!*r)
			break;
		const char *end = strchr(r, '/');
		size_t len = end ? (size_t)(end - r) : strlen(r);
		if (len == 1 && r[0] == '.') {
			r += len;
			continue;
		}
		if (len == 2 && r[0] == '.' && r[1] == '.')
			return false;
		*w++ = '/';
		memmove(w, r, len);
		w += len;
		r += len;
	}
	if (w == path)
		*w++ = '/';
	*w = '\0';
	return true;
}

bool mount_path_under(const char *path, const char *dir)
{
	if (strcmp(dir, "/") == 0)
		return path[0] == '/';
	size_t n = strlen(dir);
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static size_t depth(const char *p)
{
	size_t d = 0;
	for (; *p; p++)
		d += *p == '/';
	return strcmp(p, "/") == 0 ? 0 : d;
}

static void push(struct mount_plan *pl, enum mnt_kind k, enum mnt_need need, const char *src,
		 const char *dst, bool exec)
{
	if (pl->n == pl->cap) {
		pl->cap = pl->cap ? pl->cap * 2 : 16;
		pl->ops = xrealloc(pl->ops, pl->cap * sizeof(*pl->ops));
	}
	pl->ops[pl->n++] = (struct mnt_op){ .kind = k,
					    .need = need,
					    .src = src ? xstrdup(src) : NULL,
					    .dst = xstrdup(dst),
					    .exec = exec };
}

void mount_plan_free(struct mount_plan *pl)
{
	for (size_t i = 0; i < pl->n; i++) {
		free(pl->ops[i].src);
		free(pl->ops[i].dst);
	}
	free(pl->ops);
	*pl = (struct mount_plan){ 0 };
}

struct bind {
	char *path;
	bool rw;
	enum mnt_need need;
};

static int cmp_bind(const void *a, const void *b)
{
	const struct bind *x = a, *y = b;
	size_t dx = depth(x->path), dy = depth(y->path);
	if (dx != dy)
		return dx < dy ? -1 : 1;
	return strcmp(x->path, y->path);
}

static int cmp_str_depth(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	size_t dx = depth(x), dy = depth(y);
	if (dx != dy)
		return dx < dy ? -1 : 1;
	return strcmp(x, y);
}

/* Normalised copies of a list; NULL with err set on a bad path. */
static char **norm_list(const struct plist *l, const char *what, char *err, size_t errlen)
{
	char **v = xcalloc(l->n + 1, sizeof(char *));
	for (size_t i = 0; i < l->n; i++) {
		v[i] = xstrdup(l->v[i].s);
		if (!mount_path_normalize(v[i])) {
			snprintf(err, errlen, "[filesystem] %s: '%s' is not an absolute path without '..'",
				 what, l->v[i].s);
			for (size_t j = 0; j <= i; j++)
				free(v[j]);
			free(v);
			return NULL;
		}
	}
	return v;
}

static void free_list(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

static const char *denied_by(char **deny, const char *path)
{
	for (char **d = deny; *d; d++)
		if (mount_path_under(path, *d))
			return *d;
	return NULL;
}

static void add_bind(struct bind **bs, size_t *n, const char *path, bool rw, enum mnt_need need)
{
	for (size_t i = 0; i < *n; i++) {
		if (strcmp((*bs)[i].path, path) == 0) {
			(*bs)[i].rw |= rw;
			if (need == MNT_REQUIRED)
				(*bs)[i].need = MNT_REQUIRED;
			return;
		}
	}
	*bs = xrealloc(*bs, (*n + 1) * sizeof(**bs));
	(*bs)[(*n)++] = (struct bind){ xstrdup(path), rw, need };
}

/* Is `path` shown by something the plan mounts from the host? */
static bool visible(const struct bind *bs, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (mount_path_under(path, bs[i].path))
			return true;
	return false;
}

int mount_plan_build(const struct mount_plan_in *in, struct mount_plan *out, char *err,
		     size_t errlen)
{
	*out = (struct mount_plan){ 0 };
	char **allow = NULL, **allow_w = NULL, **deny = NULL, **mask = NULL;
	struct bind *bs = NULL;
	size_t nb = 0;
	int rc = -1;
	char *cwd = xstrdup(in->cwd ? in->cwd : "");

	if (!(allow = norm_list(&in->p->fs.allow, "allow", err, errlen)) ||
	    !(allow_w = norm_list(&in->p->fs.allow_write, "allow_write", err, errlen)) ||
	    !(deny = norm_list(&in->p->fs.deny, "deny", err, errlen)) ||
	    !(mask = norm_list(&in->p->fs.mask, "mask", err, errlen)))
		goto out;
	if (!mount_path_normalize(cwd)) {
		snprintf(err, errlen, "working directory '%s' is not an absolute path", in->cwd);
		goto out;
	}
	const char *d;
	if ((d = denied_by(deny, cwd))) {
		snprintf(err, errlen, "the working directory %s is denied by [filesystem] deny '%s'",
			 cwd, d);
		goto out;
	}
	if (strcmp(cwd, "/") == 0) {
		snprintf(err, errlen, "cannot run from / (it would bind the whole host writable)");
		goto out;
	}

	/* /tmp, /var/tmp, /dev/shm in allow or allow_write mean the sandbox's
	 * own private folder, never the host's (docs/adr/0160): no bind. /tmp
	 * and /dev/shm are private always; /var/tmp when a recipe names it. */
	bool private_var_tmp = false;
	for (char **p = allow; *p; p++) {
		if (policy_private_dir(*p)) {
			private_var_tmp |= strcmp(policy_private_dir(*p), "/var/tmp") == 0;
			continue;
		}
		if (strcmp(*p, "/") == 0) {
			snprintf(err, errlen,
				 "[filesystem] allow = [\"/\"] would show the whole host; list folders");
			goto out;
		}
		add_bind(&bs, &nb, *p, false, MNT_OPTIONAL);
	}
	for (char **p = allow_w; *p; p++) {
		if (policy_private_dir(*p)) {
			private_var_tmp |= strcmp(policy_private_dir(*p), "/var/tmp") == 0;
			continue;
		}
		if (strcmp(*p, "/") == 0) {
			snprintf(err, errlen,
				 "[filesystem] allow_write = [\"/\"] would expose the whole host; list folders");
			goto out;
		}
		add_bind(&bs, &nb, *p, true, MNT_REQUIRED);
	}
	add_bind(&bs, &nb, cwd, true, MNT_REQUIRED);

	/* deny beats allow; /proc and /dev are built by us, never bound whole. */
	size_t k = 0;
	for (size_t i = 0; i < nb; i++) {
		const char *p = bs[i].path;
		if (denied_by(deny, p) || mount_path_under(p, "/proc") || strcmp(p, "/dev") == 0) {
			free(bs[i].path);
			continue;
		}
		bs[k++] = bs[i];
	}
	nb = k;
	qsort(bs, nb, sizeof(*bs), cmp_bind);

	push(out, MNT_ROOT_TMPFS, MNT_REQUIRED, NULL, "/", false);
	push(out, MNT_TMPFS, MNT_REQUIRED, NULL, "/tmp", true);
	push(out, MNT_DEV, MNT_REQUIRED, NULL, "/dev", false);
	push(out, MNT_PROC, MNT_REQUIRED, NULL, "/proc", false);
	char *home = NULL;
	if (in->home && in->home[0] == '/') {
		home = xstrdup(in->home);
		if (!mount_path_normalize(home) || strcmp(home, "/") == 0) {
			free(home);
			home = NULL;
		}
	}
	for (size_t i = 0; i < nb; i++) {
		push(out, bs[i].rw ? MNT_BIND_RW : MNT_BIND_RO, bs[i].need, bs[i].path, bs[i].path,
		     true);
		out->ops[out->n - 1].create = bs[i].rw && home && strcmp(bs[i].path, cwd) != 0 &&
					      strcmp(bs[i].path, home) != 0 &&
					      mount_path_under(bs[i].path, home);
	}
	free(home);
	/* After the binds: over a read-only /var from the host, if any. */
	if (private_var_tmp)
		push(out, MNT_TMPFS, MNT_REQUIRED, NULL, "/var/tmp", true);

	/* Read-only inside, even in a writable cwd: the project's own policy,
	 * and what makes the user's own tools run code after the sandbox is
	 * gone. A planted .git/hooks/pre-commit, core.fsmonitor or
	 * core.hooksPath in .git/config (also per submodule, under
	 * .git/modules), or an .envrc would run with all of the user's rights
	 * at their next `git` or `cd`. Objects, refs and the index stay
	 * writable, so git status/add/commit work inside. */
	static const struct {
		const char *name;
		/* A missing hooks or modules folder would otherwise be the
		 * sandbox's to create and fill: it is made empty first, when
		 * .git itself exists (mount_exec.c). */
		bool make_if_missing;
		/* In a linked worktree or a submodule, .git is a file naming
		 * the real git folder ("gitdir: ..."): rewritten from inside,
		 * it would point the user's next `git` at a folder the sandbox
		 * filled with hooks. It is read-only when it is a file; a .git
		 * folder stays writable (objects, refs, index). */
		bool not_dir;
	} own[] = {
		{ "canister.toml", false, false }, { ".canister", false, false },
		{ ".envrc", false, false },        { ".git", false, true },
		{ ".git/config", false, false },   { ".git/hooks", true, false },
		{ ".git/modules", true, false },
	};
	for (size_t i = 0; i < ARRAY_LEN(own); i++) {
		char *p = xasprintf("%s/%s", cwd, own[i].name);
		if (!denied_by(deny, p)) {
			push(out, MNT_BIND_RO, MNT_OPTIONAL, p, p, false);
			out->ops[out->n - 1].create = own[i].make_if_missing;
			out->ops[out->n - 1].not_dir = own[i].not_dir;
		}
		free(p);
	}
	/* The egress proxy's CA bundle over the system trust store (the host's
	 * roots and the run's CA): read-only, after the binds that show /etc. */
	if (in->ca_bundle)
		push(out, MNT_BIND_RO, MNT_REQUIRED, in->ca_bundle, MOUNT_CA_BUNDLE_DST, false);
	/* The DNS stub's resolv.conf and hosts (ADR 0109), the same way. */
	if (in->resolv_conf)
		push(out, MNT_BIND_RO, MNT_REQUIRED, in->resolv_conf, "/etc/resolv.conf", false);
	if (in->hosts)
		push(out, MNT_BIND_RO, MNT_REQUIRED, in->hosts, "/etc/hosts", false);

	size_t nd = 0, nm = 0;
	while (deny[nd])
		nd++;
	while (mask[nm])
		nm++;
	qsort(deny, nd, sizeof(char *), cmp_str_depth);
	qsort(mask, nm, sizeof(char *), cmp_str_depth);
	for (char **p = deny; *p; p++)
		if (visible(bs, nb, *p))
			push(out, MNT_HIDE, MNT_OPTIONAL, *p, *p, false);
	for (char **p = mask; *p; p++)
		if (!denied_by(deny, *p) &&
		    (visible(bs, nb, *p) || mount_path_under(*p, "/proc") ||
		     mount_path_under(*p, "/dev")))
			push(out, MNT_MASK, MNT_OPTIONAL, *p, *p, false);
	/* Canaries over the hides: a mount point under a host bind that does
	 * not exist there would be created on the host, so it is skipped. */
	for (size_t i = 0; i < in->nfakes; i++) {
		const struct mount_fake *fk = &in->fakes[i];
		char *dst = xstrdup(fk->dst);
		if (mount_path_normalize(dst) && strcmp(dst, "/") != 0 &&
		    (fk->exists || !visible(bs, nb, dst)))
			push(out, MNT_BIND_RO, MNT_REQUIRED, fk->src, dst, false);
		free(dst);
	}
	rc = 0;
out:
	for (size_t i = 0; i < nb; i++)
		free(bs[i].path);
	free(bs);
	free_list(allow);
	free_list(allow_w);
	free_list(deny);
	free_list(mask);
	free(cwd);
	if (rc)
		mount_plan_free(out);
	return rc;
}
