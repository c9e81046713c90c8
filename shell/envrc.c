/* See envrc.h. Strict on purpose: a declaration the supervisor reads
 * differently from the shell would be a policy nobody approved, so any
 * character the shell could give a meaning to (quotes, $, ;, #, \ ...)
 * makes the declaration invalid instead of guessed at. */
#include "shell/envrc.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool blank(char c) { return c == ' ' || c == '\t'; }

static bool word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("._-+@/:", c) != NULL;
}

/* The next blank-separated word of [*p, end): its start and length, or
 * 0 when there is none. */
static size_t next_word(const char **p, const char *end, const char **w)
{
	while (*p < end && blank(**p))
		(*p)++;
	*w = *p;
	while (*p < end && !blank(**p))
		(*p)++;
	return (size_t)(*p - *w);
}

static void invalid(struct envrc_decl *d, int line, const char *what)
{
	if (d->invalid)
		return;
	d->invalid = true;
	snprintf(d->reason, sizeof(d->reason), ".envrc line %d: %s", line, what);
}

static bool valid_name(const char *w, size_t n)
{
	if (n == 0 || w[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!word_char(w[i]))
			return false;
	return true;
}

static void parse_line(struct envrc_decl *d, const char *p, const char *end, int line)
{
	const char *w, *start = p;
	size_t n = next_word(&p, end, &w);
	bool use = n == 3 && memcmp(w, "use", 3) == 0;
	n = use ? next_word(&p, end, &w) : 0;
	if (!use || n != 8 || memcmp(w, "canister", 8) != 0) {
		/* `use canister` anywhere else on a line (after `&&`, as
		 * `canister;`...) is a declaration this reader would miss. */
		while (start < end && blank(*start))
			start++;
		if (start < end && *start != '#' && memmem(start, (size_t)(end - start), "canister", 8) &&
		    memmem(start, (size_t)(end - start), "use", 3)) {
			d->declared = true;
			invalid(d, line, "`use canister` must start its line, followed by its words only");
		}
		return;
	}
	d->declared = true;
	for (;;) {
		n = next_word(&p, end, &w);
		if (n == 0)
			return;
		const char *name = NULL;
		size_t nlen = 0;
		if ((n == 2 && memcmp(w, "-r", 2) == 0) || (n == 8 && memcmp(w, "--recipe", 8) == 0)) {
			nlen = next_word(&p, end, &name);
			if (nlen == 0) {
				invalid(d, line, "-r/--recipe without a recipe name");
				return;
			}
		} else if (n > 9 && memcmp(w, "--recipe=", 9) == 0) {
			name = w + 9;
			nlen = n - 9;
		} else if (valid_name(w, n)) {
			if (d->sandbox) {
				invalid(d, line, "more than one sandbox name");
				return;
			}
			d->sandbox = xstrndup(w, n);
			continue;
		} else {
			invalid(d, line, "a word that is not -r NAME, --recipe NAME, --recipe=NAME or a "
			                 "sandbox name (no quotes, variables or comments)");
			return;
		}
		if (!valid_name(name, nlen)) {
			invalid(d, line, "a recipe name with characters other than letters, digits and "
			                 "._-+@/:");
			return;
		}
		strv_push(&d->recipes, &d->nrecipes, xstrndup(name, nlen));
	}
}

int envrc_parse(const char *text, size_t len, struct envrc_decl *d)
{
	memset(d, 0, sizeof(*d));
	const char *p = text, *end = text + len;
	int line = 1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		if (memchr(p, '\0', (size_t)(le - p))) {
			const char *q = p;
			const char *w;
			size_t n = next_word(&q, le, &w);
			if (n == 3 && memcmp(w, "use", 3) == 0) {
				/* Maybe a declaration: none can be read for sure. */
				d->declared = true;
				invalid(d, line, "a NUL byte");
			}
		} else {
			/* A line continued with a backslash is refused as a word. */
			parse_line(d, p, le, line);
		}
		p = nl ? nl + 1 : end;
		line++;
	}
	return 0;
}

void envrc_decl_free(struct envrc_decl *d)
{
	strv_free(d->recipes, d->nrecipes);
	free(d->sandbox);
	memset(d, 0, sizeof(*d));
}
