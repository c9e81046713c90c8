/* See manifest_update.h: the checksum file and the update plan. */
#include "lang/manifest_update.h"
#include "lang/recipe_int.h"
#include "util/sha256.h"
#include "util/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sums_free(struct sums *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].path);
	free(s->v);
	*s = (struct sums){ 0 };
}

static bool path_ok(const char *p)
{
	if (!p[0] || p[0] == '/' || strlen(p) > 255)
		return false;
	for (const char *s = p; *s; s++)
		if ((unsigned char)*s < ' ' || *s == '\\')
			return false;
	/* no "..", "." or empty segment */
	for (const char *s = p;;) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return false;
		if (!e)
			return true;
		s = e + 1;
	}
}

int sums_parse(const char *text, size_t len, struct sums *out, char *err, size_t errlen)
{
	*out = (struct sums){ 0 };
	int line = 0;
	for (size_t i = 0; i < len;) {
		line++;
		size_t e = i;
		while (e < len && text[e] != '\n')
			e++;
		char *l = xstrndup(text + i, e - i);
		size_t ll = strlen(l);
		bool nul = ll != e - i;
		i = e + 1;
		while (ll && (l[ll - 1] == '\r' || l[ll - 1] == ' '))
			l[--ll] = '\0';
		if (!ll || l[0] == '#') {
			free(l);
			continue;
		}
		const char *why = NULL;
		if (nul)
			why = "a NUL character";
		else if (ll < 67)
			why = "expected a 64-digit SHA-256 in hex, two spaces (or ' *') and a path";
		for (size_t k = 0; k < 64 && !why; k++)
			if (!isxdigit((unsigned char)l[k]))
				why = "expected a 64-digit SHA-256 in hex";
		if (!why && !(l[64] == ' ' && (l[65] == ' ' || l[65] == '*')))
			why = "expected two spaces (or ' *') after the digest";
		if (!why && !path_ok(l + 66))
			why = "the path must be relative, inside the source, without '..'";
		for (size_t k = 0; k < out->n && !why; k++)
			if (strcmp(out->v[k].path, l + 66) == 0)
				why = "this path is listed twice";
		if (why || out->n >= RECIPE_MAX_ENTRIES) {
			snprintf(err, errlen, UPDATE_SUMS_FILE ":%d: %s", line,
				 why ? why : "too many entries");
			free(l);
			sums_free(out);
			return -1;
		}
		out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
		struct sum_entry *s = &out->v[out->n++];
		for (size_t k = 0; k < 64; k++)
			s->hex[k] = (char)tolower((unsigned char)l[k]);
		s->hex[64] = '\0';
		s->path = xstrdup(l + 66);
		s->line = line;
		free(l);
	}
	return 0;
}

bool update_is_recipe_path(const char *path, bool top_level)
{
	const char *name = path;
	if (!top_level) {
		if (strncmp(path, "recipes/", 8) != 0)
			return false;
		name = path + 8;
	}
	size_t n = strlen(name);
	return n > 5 && !strchr(name, '/') && name[0] != '.' && strcmp(name + n - 5, ".toml") == 0;
}

static void plan_error(struct update_plan *p, char *msg)
{
	strv_push(&p->errors, &p->nerrors, msg);
}

void update_plan_make(const struct sums *sums, const struct update_file *src, size_t nsrc,
		      const struct update_file *cur, size_t ncur, struct update_plan *out)
{
	*out = (struct update_plan){ 0 };
	bool top_level = true;
	for (size_t i = 0; i < nsrc; i++)
		if (strncmp(src[i].path, "recipes/", 8) == 0)
			top_level = false;
	/* Every listed file is there and has its digest. */
	for (size_t k = 0; k < sums->n; k++) {
		const struct update_file *f = NULL;
		for (size_t i = 0; i < nsrc && !f; i++)
			if (strcmp(src[i].path, sums->v[k].path) == 0)
				f = &src[i];
		if (!f) {
			plan_error(out, xasprintf(UPDATE_SUMS_FILE ":%d: %s is listed but missing from "
						  "the source", sums->v[k].line, sums->v[k].path));
			continue;
		}
		char hex[65];
		sha256_hex(f->data, f->len, hex);
		if (strcmp(hex, sums->v[k].hex) != 0)
			plan_error(out, xasprintf("%s: checksum mismatch: SHA256SUMS says %s, the "
						  "file is %s", f->path, sums->v[k].hex, hex));
	}
	for (size_t i = 0; i < nsrc; i++) {
		const struct update_file *f = &src[i];
		if (!update_is_recipe_path(f->path, top_level))
			continue;
		bool listed = false;
		for (size_t k = 0; k < sums->n && !listed; k++)
			listed = strcmp(sums->v[k].path, f->path) == 0;
		if (!listed) {
			plan_error(out, xasprintf("%s: not listed in " UPDATE_SUMS_FILE, f->path));
			continue;
		}
		const char *name = strrchr(f->path, '/') ? strrchr(f->path, '/') + 1 : f->path;
		char stem[256];
		snprintf(stem, sizeof(stem), "%.*s", (int)(strlen(name) - 5), name);
		if (recipe_is_baseline(stem)) {
			plan_error(out, xasprintf("%s: '%s' is compiled into can and never loaded from "
						  "a folder; a source cannot replace it", f->path, stem));
			continue;
		}
		const struct update_file *c = NULL;
		for (size_t j = 0; j < ncur && !c; j++)
			if (strcmp(cur[j].path, name) == 0)
				c = &cur[j];
		out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
		out->v[out->n++] = (struct update_item){
			.name = xstrdup(name), .src = f, .cur = c,
			.action = !c ? UPDATE_NEW
				  : (c->len == f->len && memcmp(c->data, f->data, f->len) == 0)
					  ? UPDATE_SAME : UPDATE_CHANGED,
		};
	}
}

void update_plan_free(struct update_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].name);
	free(p->v);
	strv_free(p->errors, p->nerrors);
	*p = (struct update_plan){ 0 };
}
