/* Test helpers: struct policy built by hand for the seccomp tests (the
 * recipe loader's policy_init/plist_add live elsewhere; these stay in the
 * tests so core/ does not depend on them). */
#ifndef CAN_TEST_SECCOMP_POLICY_H
#define CAN_TEST_SECCOMP_POLICY_H

#include "lang/policy.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void tp_add(struct plist *l, const char *s, int line)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = (struct pstr){ .s = xstrdup(s),
				      .at = { .file = "test.toml", .line = line, .col = 1 } };
}

/* Adds every whitespace-separated word of `words`. */
static inline void tp_add_words(struct plist *l, const char *words)
{
	char *copy = xstrdup(words), *save = NULL;
	for (char *w = strtok_r(copy, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save))
		tp_add(l, w, 1);
	free(copy);
}

/* Adds every name in a file, one per line; '#' starts a comment. */
static inline int tp_add_file(struct plist *l, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[256];
	int n = 0;
	while (fgets(line, sizeof(line), f)) {
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		tp_add_words(l, line);
		n++;
	}
	fclose(f);
	return n;
}

/* Reads the quoted names of the `allow = [...]` and `deny = [...]` arrays of
 * recipes/default.toml with a deliberately dumb scanner, so the live tests
 * can check the shipped list before the recipe loader is merged. Returns
 * the number of names, -1 when the file is missing. */
static inline int tp_add_default_toml(struct policy *p, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[1024];
	struct plist *in = NULL;
	int n = 0, lineno = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		char *s = line;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!in && strncmp(s, "allow = [", 9) == 0)
			in = &p->sys.allow;
		else if (!in && strncmp(s, "deny = [", 8) == 0)
			in = &p->sys.deny;
		if (!in)
			continue;
		for (char *q = strchr(s, '"'); q; q = strchr(q, '"')) {
			char *end = strchr(q + 1, '"');
			if (!end)
				break;
			*end = 0;
			tp_add(in, q + 1, lineno);
			n++;
			q = end + 1;
		}
		if (strchr(s, ']'))
			in = NULL;
	}
	fclose(f);
	return n;
}

static inline void tp_free_list(struct plist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].s);
	free(l->v);
	*l = (struct plist){ 0 };
}

static inline void tp_free(struct policy *p)
{
	tp_free_list(&p->sys.allow);
	tp_free_list(&p->sys.allow_extra);
	tp_free_list(&p->sys.deny);
	tp_free_list(&p->sys.deny_extra);
	free(p->sys.seccomp_mode.v);
	memset(p, 0, sizeof(*p));
}

#endif
