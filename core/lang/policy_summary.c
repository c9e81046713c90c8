/* One-line summaries of a policy, for `can recipe list` (issues 12, 16):
 * what a recipe grants, and the baseline's syscall counts. Pure: they read
 * a loaded policy and write a string. */
#include "lang/recipe_int.h"
#include "lang/syscall_refusals.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

/* Up to SHOWN entries of l, then "+N more". */
static void some(FILE *out, const struct plist *l)
{
	enum { SHOWN = 2 };
	for (size_t i = 0; i < l->n && i < SHOWN; i++)
		fprintf(out, "%s%s", i ? ", " : "", l->v[i].s);
	if (l->n > SHOWN)
		fprintf(out, " +%zu more", l->n - SHOWN);
}

struct parts {
	FILE *out;
	bool any;
};

static void part(struct parts *pt, const char *label, const struct plist *l)
{
	if (!l->n)
		return;
	fprintf(pt->out, "%s%s ", pt->any ? "; " : "", label);
	some(pt->out, l);
	pt->any = true;
}

char *policy_grants_line(const struct policy *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (!out)
		abort(); /* out of memory: as xmalloc does */
	struct parts pt = { out, false };
	part(&pt, "writes", &p->fs.allow_write);
	part(&pt, "reads", &p->fs.allow);
	part(&pt, "hides", &p->fs.deny);
	if (p->net.egress.set || p->nhosts) {
		fputs(pt.any ? "; " : "", out);
		if (p->net.egress.set)
			fprintf(out, "egress %s%s", p->net.egress.v, p->nhosts ? " to " : "");
		else
			fputs("hosts ", out); /* egress is the composing recipe's */
		for (size_t i = 0; i < p->nhosts && i < 2; i++)
			fprintf(out, "%s%s", i ? ", " : "", p->hosts[i].domain.s);
		if (p->nhosts > 2)
			fprintf(out, " +%zu more", p->nhosts - 2);
		pt.any = true;
	}
	part(&pt, "ips", &p->net.allow_ips);
	part(&pt, "runs", &p->proc.allow_execve);
	part(&pt, "env", &p->proc.env_passthrough);
	part(&pt, "syscalls", &p->sys.allow_extra);
	part(&pt, "denies syscalls", &p->sys.deny_extra);
	if (!pt.any)
		fputs("nothing beyond the baseline", out);
	if (fclose(out) != 0)
		abort();
	return buf;
}

void policy_syscall_counts(const struct policy *p, size_t *allowed, size_t *always_refused)
{
	size_t n = 0;
	const struct plist *lists[] = { &p->sys.allow, &p->sys.allow_extra };
	for (size_t k = 0; k < ARRAY_LEN(lists); k++)
		for (size_t i = 0; i < lists[k]->n; i++) {
			const char *s = lists[k]->v[i].s;
			if (k == 1 && plist_has(&p->sys.allow, s))
				continue; /* counted once */
			if (policy_syscall_allowed(p, s) && !syscall_refusal_why(s))
				n++;
		}
	*allowed = n;
	*always_refused = syscall_nrefusals;
}
