/* Older spellings and what each is today. The seeds' examples, Canister's
 * published recipes and other sandboxes' files use these names; a user
 * copying one gets, at the offending key, the full line to write instead,
 * built from what they wrote (`allowed_ips = ["10.0.0.0/8"]` becomes
 * `allow_ips = ["10.0.0.0/8"]`), so the fix is a paste (issue 15).
 * [network] allow_domains, which most of Canister's published recipes use,
 * is the one alias: it loads as [[host]] blocks (recipe_load.c, ADR 0163). */
#include "lang/schema.h"
#include "lang/toml.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOSTS_TODAY "a [[host]] block with domain = \"...\" per domain"

const struct legacy_name schema_legacy[] = {
	{ "network", "deny_all", 0, LG_DENY_ALL,
	  "true: egress = \"none\" (\"proxy-only\" beside domains); false: egress = \"direct\"" },
	{ "network", "allow_domains", 0, LG_ALIAS,
	  "loaded (with a warning) as " HOSTS_TODAY ", contract_mode = \"relaxed\"" },
	{ "network", "allowed_domains", 0, LG_HOSTS, HOSTS_TODAY },
	{ "network", "domains", 0, LG_HOSTS, HOSTS_TODAY },
	{ "network", "mode", 0, LG_RENAME, "egress" },
	{ "network", "allowed_ips", 0, LG_RENAME, "allow_ips" },
	{ "filesystem", "allowed_paths", 0, LG_RENAME, "allow" },
	{ "filesystem", "allowed_dirs", 0, LG_RENAME, "allow" },
	{ "filesystem", "read_only", 0, LG_RENAME, "allow" },
	{ "filesystem", "writable", 0, LG_RENAME, "allow_write" },
	{ "filesystem", "read_write", 0, LG_RENAME, "allow_write" },
	{ "filesystem", "denied_paths", 0, LG_RENAME, "deny" },
	{ "process", "allow_exec", 0, LG_RENAME, "allow_execve" },
	{ "process", "pids_max", 0, LG_RENAME, "max_pids" },
	{ "process", "env_allow", 0, LG_RENAME, "env_passthrough" },
	{ "syscalls", "allowed", 0, LG_RENAME, "allow_extra" },
	{ "syscalls", "denied", 0, LG_RENAME, "deny_extra" },
	{ "syscalls", "mode", 0, LG_RENAME, "seccomp_mode" },
	{ "resources", "memory", 0, LG_RENAME, "memory_mb" },
	{ "resources", "cpu", 0, LG_RENAME, "cpu_percent" },
	{ "recipe", "baseline", 0, LG_DROP,
	  "nothing: delete the line; can has one syscall baseline (the built-in default), and a "
	  "tool's extra calls go in [syscalls] allow_extra" },
	{ "", "strict_mode", 0, LG_RENAME, "strict" },
	{ "", "profile", 1, LG_DROP,
	  "nothing: delete the [profile] table; can has one syscall baseline (the built-in "
	  "default), the name goes in [recipe] name" },
	{ "", "dlp", 1, LG_SECTION, "[network.dlp]" },
	{ "", "env", 1, LG_ENV, "env = { ... } in [process]" },
	{ "", "hosts", 1, LG_SECTION, "[[host]]" },
	{ "", "fs", 1, LG_SECTION, "[filesystem]" },
	{ "", "net", 1, LG_SECTION, "[network]" },
};
const size_t schema_nlegacy = sizeof(schema_legacy) / sizeof(schema_legacy[0]);

const struct legacy_name *schema_legacy_find(const char *section, const char *key, int is_section)
{
	for (size_t i = 0; i < schema_nlegacy; i++) {
		const struct legacy_name *l = &schema_legacy[i];
		if (l->is_section == is_section && strcmp(l->key, key) == 0 &&
		    (strcmp(l->section, "*") == 0 || strcmp(l->section, section) == 0))
			return l;
	}
	return NULL;
}

/* --- writing what the user wrote back as TOML --- */

static void write_str(FILE *out, const char *s, size_t len)
{
	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(out, "\\u%04x", c);
			else
				fputc(c, out);
		}
	}
	fputc('"', out);
}

static bool bare_key(const char *k)
{
	if (!k[0])
		return false;
	for (const char *p = k; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return false;
	return true;
}

static void write_key(FILE *out, const char *k)
{
	if (bare_key(k))
		fputs(k, out);
	else
		write_str(out, k, strlen(k));
}

static void write_value(FILE *out, const struct toml_value *v, int depth);

static void write_inline_table(FILE *out, const struct toml_table *t, int depth)
{
	fputs(t->n ? "{ " : "{", out);
	for (size_t i = 0; i < t->n; i++) {
		fputs(i ? ", " : "", out);
		write_key(out, t->kv[i].key);
		fputs(" = ", out);
		write_value(out, t->kv[i].val, depth + 1);
	}
	fputs(t->n ? " }" : "}", out);
}

static void write_value(FILE *out, const struct toml_value *v, int depth)
{
	if (depth > TOML_MAX_DEPTH) { /* the parser bounds it already; belt and braces */
		fputs("...", out);
		return;
	}
	switch (v->type) {
	case TOML_STRING: write_str(out, v->u.str.s, v->u.str.len); return;
	case TOML_INTEGER: fprintf(out, "%lld", (long long)v->u.i); return;
	case TOML_FLOAT: fprintf(out, "%.17g", v->u.f); return;
	case TOML_BOOL: fputs(v->u.b ? "true" : "false", out); return;
	case TOML_DATETIME: fputs(v->u.datetime, out); return;
	case TOML_ARRAY:
		fputc('[', out);
		for (size_t i = 0; i < v->u.arr.n; i++) {
			fputs(i ? ", " : "", out);
			write_value(out, v->u.arr.v[i], depth + 1);
		}
		fputc(']', out);
		return;
	case TOML_TABLE: write_inline_table(out, v->u.tab, depth); return;
	}
}

char *legacy_hosts_toml(const struct toml_value *v, int relaxed)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (!out)
		abort(); /* out of memory: as xmalloc does */
	for (size_t i = 0; v->type == TOML_ARRAY && i < v->u.arr.n; i++) {
		const struct toml_value *e = v->u.arr.v[i];
		if (e->type != TOML_STRING)
			continue;
		fprintf(out, "%s[[host]]\ndomain = ", i ? "\n" : "");
		write_str(out, e->u.str.s, e->u.str.len);
		fputs(relaxed ? "\ncontract_mode = \"relaxed\"\n" : "\n", out);
	}
	if (fclose(out) != 0)
		abort();
	return buf;
}

/* Indents every line after the first, so a block reads as one message. */
static char *indent_lines(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (!out)
		abort(); /* out of memory: as xmalloc does */
	for (const char *p = s; *p; p++) {
		fputc(*p, out);
		if (*p == '\n' && p[1] && p[1] != '\n')
			fputs("    ", out);
	}
	if (fclose(out) != 0)
		abort();
	size_t n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return buf;
}

char *legacy_corrected(const struct legacy_name *lg, const struct toml_kv *kv,
		       const struct toml_table *table)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	if (!out)
		abort(); /* out of memory: as xmalloc does */
	const struct toml_value *v = kv->val;
	switch (lg->kind) {
	case LG_RENAME:
		fprintf(out, "%s = ", lg->today);
		write_value(out, v, 0);
		break;
	case LG_DENY_ALL: {
		/* Canister: deny_all = true beside allow_domains meant "only
		 * those"; alone it meant no network; false meant unfiltered. */
		bool domains = table && (toml_get(table, "allow_domains") ||
					 toml_get(table, "allowed_domains") ||
					 toml_get(table, "domains"));
		if (v->type == TOML_BOOL && !v->u.b)
			fputs("egress = \"direct\"", out);
		else
			fputs(domains ? "egress = \"proxy-only\"" : "egress = \"none\"", out);
		break;
	}
	case LG_ENV:
		fputs("env = ", out);
		write_value(out, v, 0);
		fputs(" in [process]", out);
		break;
	case LG_HOSTS: {
		char *h = legacy_hosts_toml(v, 0);
		fputs(h[0] ? "these blocks, after the other tables:\n"
			   : "a [[host]] block with domain = \"...\" per domain", out);
		fputs(h, out);
		free(h);
		break;
	}
	case LG_LINE: case LG_SECTION: case LG_DROP: case LG_ALIAS:
		fputs(lg->today, out);
		break;
	}
	if (fclose(out) != 0)
		abort();
	char *r = indent_lines(buf);
	free(buf);
	return r;
}
