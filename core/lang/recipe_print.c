/* Printing a policy: as TOML that parses back to the same policy (`show`),
 * as the same TOML with the origin of every value in a comment (`explain`),
 * and as JSON (`show --json`). Field order is the field table's. */
#include "lang/recipe_int.h"
#include "lang/schema.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

static void toml_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\t': fputs("\\t", out); break;
		case '\r': fputs("\\r", out); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

/* JSON escapes are a superset of what we need; same as TOML here. */
#define json_str toml_str

static void origin(FILE *out, enum print_mode m, struct srcpos at, const char *note)
{
	if (m != PRINT_EXPLAIN)
		return;
	fprintf(out, "  # %s:%d:%d", at.file ? at.file : "?", at.line, at.col);
	if (note)
		fprintf(out, " (%s)", note);
}

static bool is_list(enum ftype t)
{
	return t == FT_PATHS || t == FT_SYSCALLS || t == FT_IPS || t == FT_ENVNAMES ||
	       t == FT_METHODS || t == FT_GLOBS || t == FT_MEDIATYPES;
}

static bool field_set(const struct field *f, const void *base)
{
	const void *v = schema_ptr(f, (void *)base);
	if (is_list(f->type))
		return ((const struct plist *)v)->n > 0;
	switch (f->type) {
	case FT_BOOL: return ((const struct pbool *)v)->set;
	case FT_INT: return ((const struct pint *)v)->set;
	case FT_FLOAT: return ((const struct pdouble *)v)->set;
	case FT_STRING: case FT_ENUM: return ((const struct popt *)v)->set;
	case FT_DOMAIN: return ((const struct pstr *)v)->s != NULL;
	case FT_ENV: return ((const struct penv *)v)->n > 0;
	case FT_PORTS: return ((const struct policy *)base)->net.nports > 0;
	case FT_HOSTS: return ((const struct policy *)base)->nhosts > 0;
	default: return false;
	}
}

static void print_float(FILE *out, double x)
{
	/* The shortest form that reads back as the same double. */
	char buf[64];
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, x);
		if (strtod(buf, NULL) == x)
			break;
	}
	if (!strpbrk(buf, ".eEn")) /* TOML floats need a '.' or an exponent */
		strcat(buf, ".0");
	fputs(buf, out);
}

/* Why a listed value does not take effect, for `explain`. */
static const char *overridden(const struct policy *p, const struct field *f, const char *s,
			      char *buf, size_t n)
{
	if (!p)
		return NULL;
	if (strcmp(f->section, "syscalls") == 0 &&
	    (strcmp(f->key, "allow") == 0 || strcmp(f->key, "allow_extra") == 0)) {
		const struct plist *lists[] = { &p->sys.deny, &p->sys.deny_extra };
		for (size_t i = 0; i < 2; i++)
			for (size_t j = 0; j < lists[i]->n; j++)
				if (strcmp(lists[i]->v[j].s, s) == 0) {
					snprintf(buf, n, "no effect: denied at %s:%d",
						 lists[i]->v[j].at.file, lists[i]->v[j].at.line);
					return buf;
				}
	}
	if (strcmp(f->section, "filesystem") == 0 &&
	    (strcmp(f->key, "allow") == 0 || strcmp(f->key, "allow_write") == 0) &&
	    policy_fs_access(p, s) == FS_DENIED) {
		snprintf(buf, n, "no effect: denied or masked");
		return buf;
	}
	return NULL;
}

static void toml_field(FILE *out, enum print_mode m, const struct field *f, const void *base,
		       const struct policy *p)
{
	const void *v = schema_ptr(f, (void *)base);
	if (is_list(f->type)) {
		const struct plist *l = v;
		fprintf(out, "%s = [\n", f->key);
		for (size_t i = 0; i < l->n; i++) {
			fputs("\t", out);
			toml_str(out, l->v[i].s);
			fputs(",", out);
			char buf[256];
			origin(out, m, l->v[i].at, overridden(p, f, l->v[i].s, buf, sizeof(buf)));
			fputs("\n", out);
		}
		fputs("]\n", out);
		return;
	}
	switch (f->type) {
	case FT_BOOL: {
		const struct pbool *b = v;
		fprintf(out, "%s = %s", f->key, b->v ? "true" : "false");
		origin(out, m, b->at, NULL);
		break;
	}
	case FT_INT: {
		const struct pint *i = v;
		fprintf(out, "%s = %lld", f->key, (long long)i->v);
		origin(out, m, i->at, NULL);
		break;
	}
	case FT_FLOAT: {
		const struct pdouble *d = v;
		fprintf(out, "%s = ", f->key);
		print_float(out, d->v);
		origin(out, m, d->at, NULL);
		break;
	}
	case FT_STRING: case FT_ENUM: {
		const struct popt *o = v;
		fprintf(out, "%s = ", f->key);
		toml_str(out, o->v);
		origin(out, m, o->at, NULL);
		break;
	}
	case FT_DOMAIN: {
		const struct pstr *s = v;
		fprintf(out, "%s = ", f->key);
		toml_str(out, s->s);
		origin(out, m, s->at, NULL);
		break;
	}
	case FT_PORTS: {
		const struct policy *pp = base;
		fputs("ports = [\n", out);
		for (size_t i = 0; i < pp->net.nports; i++) {
			const struct port_rule *r = &pp->net.ports[i];
			fprintf(out, "\t{ host = %d, sandbox = %d, protocol = ", r->host, r->sandbox);
			toml_str(out, r->protocol);
			fputs(" },", out);
			origin(out, m, r->at, NULL);
			fputs("\n", out);
		}
		fputs("]", out);
		break;
	}
	default:
		return;
	}
	fputs("\n", out);
}

/* [syscalls] allow and deny, the complete lists only the built-in default
 * may set: named in a comment, not printed as keys, so what `show` prints
 * loads back as a user recipe on top of that default (issue 12). explain
 * still lists them, commented out. */
static void baseline_list(FILE *out, enum print_mode m, const struct field *f, const void *base,
			  const struct policy *p)
{
	const struct plist *l = schema_ptr(f, (void *)base);
	fprintf(out, "# %s: the built-in default's %zu syscalls, not repeated here (only the "
		     "built-in default may set the complete list; `can recipe show --json` "
		     "lists them)\n", f->key, l->n);
	if (m != PRINT_EXPLAIN)
		return;
	for (size_t i = 0; i < l->n; i++) {
		fputs("#\t", out);
		toml_str(out, l->v[i].s);
		fputs(",", out);
		char buf[256];
		origin(out, m, l->v[i].at, overridden(p, f, l->v[i].s, buf, sizeof(buf)));
		fputs("\n", out);
	}
}

static void toml_env(FILE *out, enum print_mode m, const char *section, const struct penv *e)
{
	fprintf(out, "\n[%s.env]\n", section);
	for (size_t i = 0; i < e->n; i++) {
		fprintf(out, "%s = ", e->v[i].name);
		toml_str(out, e->v[i].value);
		origin(out, m, e->v[i].at, NULL);
		fputs("\n", out);
	}
}

static bool section_has(const char *section, const void *base)
{
	for (size_t i = 0; i < schema_nfields; i++) {
		const struct field *f = &schema_fields[i];
		if (strcmp(f->section, section) == 0 && f->type != FT_HOSTS && field_set(f, base))
			return true;
	}
	return false;
}

static void print_toml(const struct policy *p, enum print_mode m, FILE *out)
{
	bool first = true;
	for (size_t s = 0; s < schema_nsections; s++) {
		const char *sec = schema_sections[s].name;
		if (strcmp(sec, "host") == 0 || !section_has(sec, p))
			continue;
		if (sec[0]) {
			fprintf(out, "%s[%s]\n", first ? "" : "\n", sec);
		}
		first = false;
		const struct penv *env = NULL;
		for (size_t i = 0; i < schema_nfields; i++) {
			const struct field *f = &schema_fields[i];
			if (strcmp(f->section, sec) != 0 || f->type == FT_HOSTS || !field_set(f, p))
				continue;
			if (f->type == FT_ENV) {
				env = schema_ptr(f, (void *)p); /* a sub-table: after the keys */
				continue;
			}
			if (f->flags & F_DEFAULT_ONLY) {
				baseline_list(out, m, f, p, p);
				continue;
			}
			toml_field(out, m, f, p, p);
		}
		if (env)
			toml_env(out, m, sec, env);
	}
	for (size_t h = 0; h < p->nhosts; h++) {
		const struct host_rule *hr = &p->hosts[h];
		fprintf(out, "%s[[host]]", first ? "" : "\n");
		origin(out, m, hr->at, NULL);
		fputs("\n", out);
		first = false;
		for (size_t i = 0; i < schema_nfields; i++) {
			const struct field *f = &schema_fields[i];
			if (strcmp(f->section, "host") == 0 && field_set(f, hr))
				toml_field(out, m, f, hr, NULL);
		}
	}
}

/* --- JSON --- */

static void json_field(FILE *out, const struct field *f, const void *base, const char *ind)
{
	const void *v = schema_ptr(f, (void *)base);
	fprintf(out, "%s\"%s\": ", ind, f->key);
	if (is_list(f->type)) {
		const struct plist *l = v;
		fputs("[", out);
		for (size_t i = 0; i < l->n; i++) {
			fputs(i ? ", " : "", out);
			json_str(out, l->v[i].s);
		}
		fputs("]", out);
		return;
	}
	switch (f->type) {
	case FT_BOOL: fputs(((const struct pbool *)v)->v ? "true" : "false", out); break;
	case FT_INT: fprintf(out, "%lld", (long long)((const struct pint *)v)->v); break;
	case FT_FLOAT: print_float(out, ((const struct pdouble *)v)->v); break;
	case FT_STRING: case FT_ENUM: json_str(out, ((const struct popt *)v)->v); break;
	case FT_DOMAIN: json_str(out, ((const struct pstr *)v)->s); break;
	case FT_ENV: {
		const struct penv *e = v;
		fputs("{", out);
		for (size_t i = 0; i < e->n; i++) {
			fputs(i ? ", " : "", out);
			json_str(out, e->v[i].name);
			fputs(": ", out);
			json_str(out, e->v[i].value);
		}
		fputs("}", out);
		break;
	}
	case FT_PORTS: {
		const struct policy *pp = base;
		fputs("[", out);
		for (size_t i = 0; i < pp->net.nports; i++)
			fprintf(out, "%s{\"host\": %d, \"sandbox\": %d, \"protocol\": \"%s\"}",
				i ? ", " : "", pp->net.ports[i].host, pp->net.ports[i].sandbox,
				pp->net.ports[i].protocol);
		fputs("]", out);
		break;
	}
	default:
		fputs("null", out);
	}
}

static void json_section(FILE *out, const char *sec, const void *base, const char *ind)
{
	bool first = true;
	char sub_ind[16];
	snprintf(sub_ind, sizeof(sub_ind), "%s  ", ind);
	for (size_t i = 0; i < schema_nfields; i++) {
		const struct field *f = &schema_fields[i];
		if (strcmp(f->section, sec) != 0 || f->type == FT_HOSTS || !field_set(f, base))
			continue;
		fputs(first ? "\n" : ",\n", out);
		first = false;
		json_field(out, f, base, sub_ind);
	}
	/* one level of sub-sections: network.dlp */
	size_t len = strlen(sec);
	for (size_t s = 0; len && s < schema_nsections; s++) {
		const char *sub = schema_sections[s].name;
		if (strncmp(sub, sec, len) != 0 || sub[len] != '.' || !section_has(sub, base))
			continue;
		fprintf(out, "%s%s\"%s\": {", first ? "\n" : ",\n", sub_ind, sub + len + 1);
		first = false;
		json_section(out, sub, base, sub_ind);
		fprintf(out, "\n%s}", sub_ind);
	}
}

static void print_json(const struct policy *p, FILE *out)
{
	fputs("{", out);
	bool first = true;
	for (size_t i = 0; i < schema_nfields; i++) {
		const struct field *f = &schema_fields[i];
		if (f->section[0] || f->type == FT_HOSTS || !field_set(f, p))
			continue;
		fputs(first ? "\n" : ",\n", out);
		first = false;
		json_field(out, f, p, "  ");
	}
	for (size_t s = 0; s < schema_nsections; s++) {
		const char *sec = schema_sections[s].name;
		if (!sec[0] || strchr(sec, '.') || strcmp(sec, "host") == 0 ||
		    (!section_has(sec, p) && !(strcmp(sec, "network") == 0 &&
					       section_has("network.dlp", p))))
			continue;
		fprintf(out, "%s  \"%s\": {", first ? "\n" : ",\n", sec);
		first = false;
		json_section(out, sec, p, "  ");
		fputs("\n  }", out);
	}
	if (p->nhosts) {
		fprintf(out, "%s  \"host\": [", first ? "\n" : ",\n");
		first = false;
		for (size_t h = 0; h < p->nhosts; h++) {
			fprintf(out, "%s\n    {", h ? "," : "");
			json_section(out, "host", &p->hosts[h], "    ");
			fputs("\n    }", out);
		}
		fputs("\n  ]", out);
	}
	fputs(first ? "}\n" : "\n}\n", out);
}

void policy_print(const struct policy *p, enum print_mode mode, FILE *out)
{
	if (mode == PRINT_JSON)
		print_json(p, out);
	else
		print_toml(p, mode, out);
}
