/* The recipe `can run -m` and `can recipe suggest` print (pure; see
 * run_notify.h and docs/adr/0200-monitor-observes-then-continues.md).
 *
 * From the report's items it writes a recipe that `can recipe validate`
 * accepts and that, added with -r, lets the same run go through with
 * nothing refused: system calls the filter refused, every program run
 * (pinned as [process] allow_execve: a recipe written from a run should
 * let that run's programs run and no others), addresses connected to,
 * and host paths the view lacked (read: allow; written: allow_write).
 * Grouped so that a person can read it: programs by folder, paths with
 * three or more siblings collapsed into their folder (never into a
 * top-level folder or the home folder itself), $HOME and $CWD written as
 * variables, and a comment per group. Paths a deny rule hides are listed
 * in a comment, never allowed: deny beats allow, and they are credentials. */
#include "lang/path_group.h"
#include "sandbox/run_notify.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
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

/* Whether path is dir or beneath it (plain string prefix at a '/'). */
static bool under(const char *dir, const char *path)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return strncmp(dir, path, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* The path as a recipe writes it: $CWD/..., $HOME/... ($CWD first: it
 * is usually inside $HOME and the more telling name). */
static char *with_vars(const struct run_report *r, const char *p)
{
	if (r->cwd && r->cwd[1] && under(r->cwd, p))
		return xasprintf("$CWD%s", p + strlen(r->cwd));
	if (r->home && r->home[1] && under(r->home, p))
		return xasprintf("$HOME%s", p + strlen(r->home));
	return xstrdup(p);
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

/* "ADDR:53" with ADDR not loopback: a DNS query to a name server outside.
 * The sandbox has only lo, so allow_ips cannot make it reach one; names
 * are reached through the egress proxy instead. */
static bool dns_outside(const char *a)
{
	size_t n = strlen(a);
	if (n < 4 || strcmp(a + n - 3, ":53") != 0)
		return false;
	return strncmp(a, "127.", 4) != 0 && strncmp(a, "[::1]", 5) != 0;
}

/* allow_ips takes the address of a connect, except a DNS query outside. */
static char *conn_ip(const char *a)
{
	return dns_outside(a) ? NULL : addr_ip(a);
}

/* A path a recipe can name: absolute, not a memfd or deleted file. */
static bool nameable(const char *p)
{
	return p[0] == '/' && !strstr(p, " (deleted)") && strncmp(p, "/memfd:", 7) != 0;
}

struct list {
	char **v;
	size_t n;
	size_t *cov; /* after group_paths: paths seen per entry */
};

static void list_add(struct list *l, char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0) {
			free(s);
			return;
		}
	strv_push(&l->v, &l->n, s);
}

static void list_free(struct list *l)
{
	strv_free(l->v, l->n);
	free(l->cov);
	*l = (struct list){ 0 };
}

/* The items of these kinds, mapped through fn (NULL: dropped). */
static void collect(const struct run_report *r, const char *const *kinds, char *(*fn)(const char *),
                    struct list *out)
{
	for (size_t i = 0; i < r->n; i++)
		for (const char *const *k = kinds; *k; k++)
			if (strcmp(r->v[i].kind, *k) == 0) {
				char *v = fn(r->v[i].what);
				if (v)
					list_add(out, v);
			}
}

/* Removes the entries at or under dir (none when dir is NULL). */
static void drop_under(struct list *l, const char *dir)
{
	if (!dir)
		return;
	for (size_t i = 0; i < l->n;) {
		if (under(dir, l->v[i])) {
			free(l->v[i]);
			l->v[i] = l->v[--l->n];
		} else {
			i++;
		}
	}
}

/* Removes the entries of l that an entry of by covers (order kept). */
static void drop_covered(struct list *l, const struct list *by)
{
	size_t k = 0;
	for (size_t i = 0; i < l->n; i++) {
		bool covered = false;
		for (size_t j = 0; j < by->n && !covered; j++)
			covered = under(by->v[j], l->v[i]);
		if (covered) {
			free(l->v[i]);
			continue;
		}
		if (l->cov)
			l->cov[k] = l->cov[i];
		l->v[k++] = l->v[i];
	}
	l->n = k;
}

/* Removes the shared containers of l (a stat of ~/.cache on the way to
 * ~/.cache/tool) with an entry of by beneath: that entry brings the
 * folder into the view, and allowing the container would allow all of it. */
static void drop_shared_above(const struct run_report *r, struct list *l, const struct list *by)
{
	size_t k = 0;
	for (size_t i = 0; i < l->n; i++) {
		bool above = false;
		for (size_t j = 0; j < by->n && !above; j++)
			above = strcmp(by->v[j], l->v[i]) != 0 && under(l->v[i], by->v[j]);
		if (above && path_group_shared(r->home, l->v[i])) {
			free(l->v[i]);
			continue;
		}
		if (l->cov)
			l->cov[k] = l->cov[i];
		l->v[k++] = l->v[i];
	}
	l->n = k;
}

static char *dup_any(const char *s) { return xstrdup(s); }
static char *dup_nameable(const char *s) { return nameable(s) ? xstrdup(s) : NULL; }

static char *parent_of(const char *p)
{
	const char *s = strrchr(p, '/');
	return s && s != p ? xstrndup(p, (size_t)(s - p)) : xstrdup("/");
}

/* Generalises the paths (lang/path_group.h: caches whole, common folders
 * under an anchor, never $HOME, / or over a deny rule or a hidden path).
 * Sorted on return, with how many paths seen each entry stands for. */
static void group_paths(const struct run_report *r, const struct list *hid, struct list *l)
{
	const char **deny = xcalloc(r->ndeny + hid->n + 1, sizeof(*deny));
	size_t nd = 0;
	for (size_t i = 0; i < r->ndeny; i++)
		deny[nd++] = r->deny[i];
	for (size_t i = 0; i < hid->n; i++)
		deny[nd++] = hid->v[i];
	struct path_group_in in = { .home = r->home, .deny = deny, .ndeny = nd };
	struct path_group_out o;
	path_group(&in, (const char *const *)l->v, l->n, &o);
	free(deny);
	list_free(l);
	l->cov = xcalloc(o.n + 1, sizeof(*l->cov));
	for (size_t i = 0; i < o.n; i++) {
		l->cov[l->n] = o.v[i].covers;
		strv_push(&l->v, &l->n, o.v[i].path);
	}
	free(o.v);
}

static void put_entry(const struct run_report *r, FILE *out, const char *p, size_t cov)
{
	fputc('\t', out);
	char *v = with_vars(r, p);
	put_toml_string(out, v);
	free(v);
	if (cov > 1)
		fprintf(out, ", # %zu paths seen under it\n", cov);
	else
		fputs(",\n", out);
}

/* key = [ ... with a comment line before each folder's entries; the
 * caller closes the array. */
static void put_paths(const struct run_report *r, FILE *out, const char *key, const struct list *l,
                      const char *why)
{
	fprintf(out, "# %s\n%s = [\n", why, key);
	char *last = NULL;
	for (size_t i = 0; i < l->n; i++) {
		char *dir = parent_of(l->v[i]);
		if (!last || strcmp(last, dir) != 0) {
			size_t k = 0;
			for (size_t j = i; j < l->n; j++) {
				char *pj = parent_of(l->v[j]);
				k += strcmp(pj, dir) == 0;
				free(pj);
			}
			char *d = with_vars(r, dir);
			fprintf(out, "\t# %s (%zu)\n", d, k);
			free(d);
			free(last);
			last = dir;
		} else {
			free(dir);
		}
		put_entry(r, out, l->v[i], l->cov ? l->cov[i] : 1);
	}
	free(last);
}

static void put_words(FILE *out, const char *key, const struct list *l, const char *why)
{
	fprintf(out, "# %s\n%s = [", why, key);
	for (size_t i = 0; i < l->n; i++) {
		fputs(i ? ", " : "", out);
		put_toml_string(out, l->v[i]);
	}
	fputs("]\n", out);
}

/* Programs: those in the working directory or the private /tmp are
 * what the run built or wrote; their names change from run to run, so
 * the folder is allowed (and said so). */
static void group_programs(const struct run_report *r, struct list *l, bool *cwd, bool *tmp)
{
	struct list out = { 0 };
	for (size_t i = 0; i < l->n; i++) {
		if (r->cwd && r->cwd[1] && under(r->cwd, l->v[i]))
			*cwd = true;
		else if (under("/tmp", l->v[i]))
			*tmp = true;
		else
			list_add(&out, xstrdup(l->v[i]));
	}
	list_free(l);
	qsort(out.v, out.n, sizeof(*out.v), cmp_str);
	*l = out;
}

void run_report_patch(const struct run_report *r, FILE *out)
{
	static const char *const k_sys[] = { "syscall", NULL };
	static const char *const k_exec[] = { "exec", "ran", NULL };
	static const char *const k_conn[] = { "connect", NULL };
	static const char *const k_read[] = { "path", NULL };
	static const char *const k_write[] = { "write", NULL };
	static const char *const k_hidden[] = { "hidden", NULL };
	struct list sys = { 0 }, exec = { 0 }, conn = { 0 }, rd = { 0 }, wr = { 0 }, hid = { 0 };
	collect(r, k_sys, dup_any, &sys);
	collect(r, k_exec, dup_nameable, &exec);
	collect(r, k_conn, conn_ip, &conn);
	const char *dns = NULL;
	for (size_t i = 0; i < r->n && !dns; i++)
		if (strcmp(r->v[i].kind, "connect") == 0 && dns_outside(r->v[i].what))
			dns = r->v[i].what;
	collect(r, k_read, dup_nameable, &rd);
	collect(r, k_write, dup_nameable, &wr);
	collect(r, k_hidden, dup_any, &hid);
	if (sys.n) {
		fputs("\n[syscalls]\n", out);
		qsort(sys.v, sys.n, sizeof(*sys.v), cmp_str);
		put_words(out, "allow_extra", &sys, "refused by the default filter");
	}
	if (exec.n) {
		bool cwd = false, tmp = false;
		group_programs(r, &exec, &cwd, &tmp);
		fputs("\n[process]\n", out);
		bool ran = false;
		for (size_t i = 0; i < r->n && !ran; i++)
			ran = strcmp(r->v[i].kind, "ran") == 0;
		put_paths(r, out, "allow_execve", &exec,
		          ran ? "every program the run started" : "programs refused");
		if (cwd)
			fputs("\t# built or written by the run: the working directory\n\t\"$CWD\",\n", out);
		if (tmp)
			fputs("\t# written by the run: its private /tmp\n\t\"/tmp\",\n", out);
		fputs("]\n", out);
	}
	if (conn.n || dns) {
		fputs("\n[network]\n", out);
		if (dns)
			fprintf(out, "# a name was looked up (DNS to %s): the sandbox has no name server;\n"
			             "# names are reached through the egress proxy (HTTP_PROXY). Run again\n"
			             "# with this, and add the [[host]] blocks the proxy's report names.\n"
			             "egress = \"proxy-only\"\n", dns);
		if (conn.n)
			put_words(out, "allow_ips", &conn, "addresses connected to");
	}
	/* The working directory is always in the view: a path under it that the
	 * check after the answer (ADR 0200) saw missing inside and present on
	 * the host was created in between (pip unpacking into .venv). As an
	 * allow_write entry it would make can create it as a folder on the
	 * next run (test/recipe_tools_suggest.sh). */
	drop_under(&rd, r->cwd);
	drop_under(&wr, r->cwd);
	/* A known cache looked into is one the tool writes (it failed, or
	 * would, on the first file it created; ADR 0205): allowed writable. */
	for (size_t i = 0; i < rd.n;) {
		if (path_group_cache(r->home, rd.v[i])) {
			list_add(&wr, rd.v[i]);
			rd.v[i] = rd.v[--rd.n];
		} else {
			i++;
		}
	}
	/* Writes first: a path written is allowed writable, and its read entry
	 * (or a read folder the generalisation makes of it) is redundant. */
	group_paths(r, &hid, &wr);
	drop_covered(&rd, &wr);
	group_paths(r, &hid, &rd);
	drop_covered(&rd, &wr);
	drop_shared_above(r, &rd, &wr);
	if (rd.n || wr.n) {
		fputs("\n[filesystem]\n", out);
		if (rd.n) {
			put_paths(r, out, "allow", &rd, "looked up, present on the host, missing from the view");
			fputs("]\n", out);
		}
		if (wr.n) {
			put_paths(r, out, "allow_write", &wr, "written or created, missing from the view");
			fputs("]\n", out);
		}
	}
	if (hid.n) {
		qsort(hid.v, hid.n, sizeof(*hid.v), cmp_str);
		fputs("\n# Looked up but hidden by a deny rule (credentials: not allowed here; pass a\n"
		      "# token in the environment instead, see the recipe's comments):\n", out);
		for (size_t i = 0; i < hid.n; i++) {
			char *v = with_vars(r, hid.v[i]);
			fprintf(out, "#   %s\n", v);
			free(v);
		}
	}
	list_free(&sys);
	list_free(&exec);
	list_free(&conn);
	list_free(&rd);
	list_free(&wr);
	list_free(&hid);
}
