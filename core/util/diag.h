/* Diagnostics: errors found in recipe files, each with file:line:col.
 * Parsers append to a list instead of printing, so `can recipe validate`
 * can report every error and tests can compare messages exactly. */
#ifndef CAN_DIAG_H
#define CAN_DIAG_H

#include <stdio.h>

struct srcpos {
	const char *file; /* not owned; lives as long as the loaded source */
	int line;         /* 1-based; 0 = unknown */
	int col;          /* 1-based, in bytes; 0 = unknown */
};

struct diag {
	struct srcpos at;
	char *msg; /* e.g. "unknown key 'deny_all' in [filesystem]; did you mean 'deny'?" */
};

struct diags {
	struct diag *v;
	size_t n, cap;
	/* Warnings: printed, never a reason to fail. Kept apart from the
	 * errors so every `d->n` check keeps meaning "errors". */
	struct diag *w;
	size_t nw, wcap;
};

void diags_add(struct diags *d, struct srcpos at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A warning; one with the same message as an earlier one is dropped, so a
 * warning about a rule is said once however many files trigger it. */
void diags_warn(struct diags *d, struct srcpos at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prints "file:line:col: warning: msg" for each warning, then
 * "file:line:col: error: msg" for each error, in order. */
void diags_print(const struct diags *d, FILE *out);
void diags_free(struct diags *d);



/* File names in positions are interned: the returned pointer lives until
 * exit, so positions can outlive the buffers they were parsed from. */
const char *srcfile_intern(const char *name);
#endif
