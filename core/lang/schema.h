/* The recipe schema: ONE table of every field a recipe may contain.
 *
 * The loader (recipe_load.c) checks files against it, merge.c merges by its
 * rules, expand.c expands the fields it marks, recipe_print.c prints in its
 * order, and docs/recipes.md + docs/merge.md are generated from it
 * (`can recipe reference`). Adding a field = one row here + its storage in
 * struct policy (core/lang/policy.h). */
#ifndef CAN_SCHEMA_H
#define CAN_SCHEMA_H

#include "lang/policy.h"

#include <stddef.h>
#include <stdint.h>

enum ftype {
	FT_BOOL,
	FT_INT,       /* integer in [lo, hi] */
	FT_FLOAT,     /* float (an integer is accepted) in [flo, fhi] */
	FT_STRING,
	FT_ENUM,      /* string, one of `values` */
	FT_PATHS,     /* array of absolute paths; variables allowed */
	FT_SYSCALLS,  /* array of syscall names known to libseccomp */
	FT_IPS,       /* array of IP addresses or CIDR ranges */
	FT_ENVNAMES,  /* array of environment variable names */
	FT_ENV,       /* table NAME = "value" */
	FT_PORTS,     /* array of { host = N, sandbox = N, protocol = "tcp"|"udp" } */
	FT_HOSTS,     /* [[host]] array of tables (top level only) */
	FT_DOMAIN,    /* host name or *.suffix */
	FT_METHODS,   /* array of HTTP methods */
	FT_GLOBS,     /* array of URL path globs starting with '/' */
	FT_MEDIATYPES /* array of type/subtype */
};

enum mrule {
	MR_UNION, /* lists: union, first occurrence keeps its origin */
	MR_OR,    /* tightening or granting booleans: true if any layer says true */
	MR_LAST,  /* scalar modes: the last layer that sets it wins */
	MR_MAX,   /* limits: the largest value wins */
	MR_MIN,   /* thresholds where smaller is stricter */
	MR_ENV,   /* per variable name, last wins */
	MR_PORTS, /* per (host port, protocol), last wins */
	MR_HOSTS, /* per domain: merged field by field with the host rules */
	MR_KEY,   /* the key that identifies a [[host]] block */
};

enum {
	F_DEFAULT_ONLY = 1 << 0, /* only the built-in default.toml may set it */
	F_VARS = 1 << 1,         /* $VARIABLES and ~ are expanded after merging */
	F_ABSOLUTE = 1 << 2,     /* must be an absolute path after expansion */
};

struct field {
	const char *section; /* "" top level, "network.dlp", "host" = inside [[host]] */
	const char *key;
	enum ftype type;
	const char *const *values; /* FT_ENUM: NULL-terminated */
	size_t off;                /* offsetof(struct policy) or, for "host", offsetof(struct host_rule) */
	enum mrule merge;
	unsigned flags;
	int64_t lo, hi;            /* FT_INT range */
	double flo, fhi;           /* FT_FLOAT range */
	const char *dflt;          /* the default when unset, for the docs */
	const char *doc;
	const char *merge_doc;     /* why this rule, for docs/merge.md */
	const char *merge_test;    /* the unit test that proves the row (test/test_merge.c) */
};

struct section_doc {
	const char *name; /* as in field.section */
	const char *doc;
};

extern const struct field schema_fields[];
extern const size_t schema_nfields;
extern const struct section_doc schema_sections[];
extern const size_t schema_nsections;

const struct field *schema_find(const char *section, const char *key);
/* "array of strings", "integer", ... as used in error messages and docs. */
const char *schema_type_name(const struct field *f);
/* Field storage inside a policy (or inside a host_rule for section "host"). */
static inline void *schema_ptr(const struct field *f, void *base)
{
	return (char *)base + f->off;
}

/* Older spellings (the seeds' examples, Canister's published recipes, other
 * tools) and what each is today (legacy.c). Most are errors whose message
 * prints the full corrected line; an alias is loaded, with a warning that
 * prints its replacement. */
enum legacy_kind {
	LG_RENAME,   /* the same value under another key: today = that key */
	LG_LINE,     /* one fixed line: today = the line */
	LG_SECTION,  /* a table renamed: today = its header */
	LG_DENY_ALL, /* [network] deny_all: egress, depending on the value */
	LG_ENV,      /* [env] NAME = "v": env = { ... } in [process] */
	LG_HOSTS,    /* a list of domains: one [[host]] block each */
	LG_DROP,     /* no equivalent here: today = what to do instead */
	LG_ALIAS,    /* loaded as [[host]] blocks, with a warning (allow_domains) */
};
struct legacy_name {
	const char *section; /* where it was written; "*" = any section */
	const char *key;     /* old key, or old section name when is_section */
	int is_section;
	enum legacy_kind kind;
	const char *today;   /* what to write today, for the docs and the message */
};
extern const struct legacy_name schema_legacy[];
extern const size_t schema_nlegacy;
const struct legacy_name *schema_legacy_find(const char *section, const char *key, int is_section);
/* The full corrected text for an older spelling written as KV in TABLE
 * (malloc'd): a line such as `allow = ["/x"]`, or several lines (each after
 * the first indented) for [[host]] blocks. */
struct toml_kv;
struct toml_table;
char *legacy_corrected(const struct legacy_name *lg, const struct toml_kv *kv,
		       const struct toml_table *table);
/* [[host]] blocks for the domains in V (an array of strings), as TOML text
 * (malloc'd), with contract_mode = "relaxed" when RELAXED. */
struct toml_value;
char *legacy_hosts_toml(const struct toml_value *v, int relaxed);

/* Edit distance (optimal string alignment) and the best candidate within a
 * sensible distance, or NULL. */
size_t edit_distance(const char *a, const char *b);
const char *did_you_mean(const char *word, const char *const *cands, size_t n);

#endif
