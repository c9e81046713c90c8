#include "util/diag.h"
#include "util/util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void diags_add(struct diags *d, struct srcpos at, const char *fmt, ...)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->v = xrealloc(d->v, d->cap * sizeof(*d->v));
	}
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = xstrdup("(out of memory formatting diagnostic)");
	va_end(ap);
	d->v[d->n++] = (struct diag){ .at = at, .msg = msg };
}

void diags_warn(struct diags *d, struct srcpos at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = xstrdup("(out of memory formatting diagnostic)");
	va_end(ap);
	for (size_t i = 0; i < d->nw; i++)
		if (strcmp(d->w[i].msg, msg) == 0) {
			free(msg);
			return;
		}
	if (d->nw == d->wcap) {
		d->wcap = d->wcap ? d->wcap * 2 : 8;
		d->w = xrealloc(d->w, d->wcap * sizeof(*d->w));
	}
	d->w[d->nw++] = (struct diag){ .at = at, .msg = msg };
}

static void print_one(const struct diag *g, const char *kind, FILE *out)
{
	const char *f = g->at.file ? g->at.file : "<input>";
	if (g->at.line > 0)
		fprintf(out, "%s:%d:%d: %s: %s\n", f, g->at.line, g->at.col, kind, g->msg);
	else
		fprintf(out, "%s: %s: %s\n", f, kind, g->msg);
}

void diags_print(const struct diags *d, FILE *out)
{
	for (size_t i = 0; i < d->nw; i++)
		print_one(&d->w[i], "warning", out);
	for (size_t i = 0; i < d->n; i++)
		print_one(&d->v[i], "error", out);
}

void diags_free(struct diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].msg);
	free(d->v);
	for (size_t i = 0; i < d->nw; i++)
		free(d->w[i].msg);
	free(d->w);
	*d = (struct diags){ 0 };
}

#include <string.h>

const char *srcfile_intern(const char *name)
{
	static char **names;
	static size_t n;
	if (!name)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return names[i];
	names = xrealloc(names, (n + 1) * sizeof(*names));
	names[n] = xstrdup(name);
	return names[n++];
}
