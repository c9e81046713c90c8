/* The layer declaration in a directory's .envrc: its `use canister ...`
 * lines (docs/session.md). The supervisor reads the file itself; nothing
 * here runs it. Pure. */
#ifndef CAN_SHELL_ENVRC_H
#define CAN_SHELL_ENVRC_H

#include <stdbool.h>
#include <stddef.h>

struct envrc_decl {
	bool declared;       /* at least one `use canister` line */
	bool invalid;        /* a line that is not one of the accepted forms */
	char reason[160];    /* why invalid ("line 3: ...") */
	char **recipes;      /* -r NAME / --recipe NAME / --recipe=NAME, in order */
	size_t nrecipes;
	char *sandbox;       /* a bare NAME: the manifest's sandbox (one at most) */
};

/* Reads every `use canister` line of text: after leading blanks the words
 * `use` and `canister`, then blank-separated words. A word may hold
 * letters, digits and . _ - + @ / : only (no quoting, no expansion, no
 * comment): anything else makes the declaration invalid, with the line in
 * reason. Lines that do not start with `use canister` are other direnv
 * code and ignored. Returns 0 (d filled; free with envrc_decl_free). */
int envrc_parse(const char *text, size_t len, struct envrc_decl *d);
void envrc_decl_free(struct envrc_decl *d);

#endif
