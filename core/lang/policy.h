/* The policy model: one struct for a single recipe file and for the merged
 * effective policy. Every value remembers where it came from (file:line:col)
 * so `can recipe explain` and refusals can point at the line to edit.
 *
 * The field table in schema.c is the single source of truth for names,
 * types and merge rules; this struct is its storage. Keep the two in step.
 * Everything here is plain data: no syscalls, no globals. */
#ifndef CAN_POLICY_H
#define CAN_POLICY_H

#include "util/diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A value with its origin. */
struct pstr {
	char *s;
	struct srcpos at;
};

/* A list of strings; merge = union (first occurrence keeps its origin). */
struct plist {
	struct pstr *v;
	size_t n, cap;
};

/* Optional scalars: `set` says whether any recipe gave a value. */
struct pbool { bool set, v; struct srcpos at; };
struct pint { bool set; int64_t v; struct srcpos at; };
struct pdouble { bool set; double v; struct srcpos at; };
struct popt { bool set; char *v; struct srcpos at; }; /* optional string or enum */

/* env = { NAME = "value" } */
struct penv {
	struct { char *name; char *value; struct srcpos at; } *v;
	size_t n, cap;
};

/* [network] ports = [{ host = 8080, sandbox = 80, protocol = "tcp" }] */
struct port_rule {
	int host;          /* 1..65535 */
	int sandbox;       /* 1..65535 */
	char *protocol;    /* "tcp" or "udp" */
	struct srcpos at;
};

/* [[host]]: a per-destination egress contract. */
struct host_rule {
	struct pstr domain;           /* "api.example.com" or "*.example.com" */
	struct plist methods;         /* upper-case HTTP methods; empty = any */
	struct plist paths;           /* globs; empty = any */
	struct plist content_types;   /* empty = any */
	struct pint max_request_bytes;
	struct popt contract_mode;    /* "strict" | "relaxed" */
	struct pbool allow_credentials; /* DLP: tokens whose home this is may go here */
	struct pbool websocket;       /* Upgrade: websocket relayed after a 101 */
	struct srcpos at;             /* the [[host]] header */
};

struct policy {
	struct pbool strict;

	struct {
		struct plist allow, allow_write, deny, mask;
	} fs;

	struct {
		struct popt egress;           /* "none" | "proxy-only" | "direct" */
		struct plist allow_ips;
		struct pbool allow_host_loopback;
		struct popt contract_mode;    /* "strict" | "relaxed" */
		struct port_rule *ports;
		size_t nports;
		struct {
			struct pbool enabled, canary_tokens, decompress;
			struct pdouble dns_entropy_threshold;
			struct pint max_decode_depth, session_entropy_budget;
		} dlp;
	} net;

	struct host_rule *hosts;
	size_t nhosts;

	struct {
		struct plist allow_execve;
		struct penv env;
		struct plist env_passthrough;
		struct pint max_pids;
	} proc;

	struct {
		struct pint max_buffered_body_bytes, max_streamed_body_bytes;
		struct pint upstream_request_timeout_ms;
		struct popt upstream_scheme; /* "http" | "h2c" */
	} proxy;

	struct {
		struct popt name, description, version;
		struct plist match_prefix;
	} recipe;

	struct {
		struct pint cpu_percent, memory_mb;
	} res;

	struct {
		struct plist allow, deny;             /* absolute lists: default.toml only */
		struct plist allow_extra, deny_extra;
		struct pbool notifier;
		struct popt seccomp_mode;             /* "allow-list" | "deny-list" */
	} sys;
};

void policy_init(struct policy *p);
void policy_free(struct policy *p);

/* List helpers (used by the loader, merge and tests). */
void plist_add(struct plist *l, const char *s, struct srcpos at);
bool plist_has(const struct plist *l, const char *s);
/* Appends each string of src that dst lacks (first occurrence keeps its
 * origin, order kept); linear time. */
void plist_union(struct plist *dst, const struct plist *src);
void plist_free(struct plist *l);

/* Added with the recipe loader (core/lang/policy.c, core/lang/merge.c). */
void penv_set(struct penv *e, const char *name, const char *value, struct srcpos at);
struct host_rule *policy_add_host(struct policy *p);
struct port_rule *policy_add_port(struct policy *p);
void host_rule_free(struct host_rule *h);

/* Decisions on a merged, expanded policy. `deny` beats `allow` and
 * `allow_write` wherever either came from (DESIGN section 4). A path is
 * "under" an entry when it equals it or continues it after a '/'. */
enum fs_access { FS_NONE, FS_READ, FS_WRITE, FS_DENIED };
enum fs_access policy_fs_access(const struct policy *p, const char *path);
/* The folders that are always the sandbox's own, private, writable and
 * discarded at exit: /tmp, /var/tmp and /dev/shm. Named in [filesystem]
 * allow or allow_write they mean that private folder, never the host's
 * (docs/adr/0160). Returns the canonical spelling when `path` (expanded;
 * a trailing '/' is ignored) is one of them, else NULL. */
const char *policy_private_dir(const char *path);
extern const char *const policy_private_dirs[]; /* NULL-terminated */

/* allow or allow_extra, and neither deny nor deny_extra. */
bool policy_syscall_allowed(const struct policy *p, const char *name);

#endif
