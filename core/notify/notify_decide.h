/* Pure decisions of the notification engine: plain structs in, a verdict
 * out. No syscalls, no globals, so every rule has a unit test without a
 * kernel (test/test_notify_decide.c).
 *
 * Paths given to these functions are what the supervisor actually opened
 * or resolved (absolute, symlinks resolved, as the target sees them), never
 * the string the target passed. */
#ifndef CAN_NOTIFY_DECIDE_H
#define CAN_NOTIFY_DECIDE_H

#include "util/diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

enum notify_access {
	NOTIFY_READ = 1,
	NOTIFY_WRITE = 2,
	NOTIFY_EXEC = 4,
	/* On an allow rule: it grants no connect or send to unix sockets
	 * under it (session mode's shared /tmp holds the user's tmux, X11 and
	 * ssh-agent sockets; a layer reaches only sockets a recipe names). */
	NOTIFY_NO_CONNECT = 8,
};

/* A path rule: an absolute prefix, matched on whole components
 * ("/a/b" covers "/a/b" and "/a/b/c", not "/a/bc"). An exec rule whose
 * text does not end in "/" matches exactly that file. */
struct notify_path_rule {
	char *path;          /* normalised: absolute, no trailing '/', "/" itself kept */
	unsigned access;     /* NOTIFY_* this rule grants; for a deny rule, what it
	                      * refuses (0 = everything, the recipes' deny) */
	bool exact;          /* exec rules: this file only */
	const char *field;   /* "filesystem.allow", for messages (static) */
	struct srcpos at;    /* recipe position; line 0 = built in */
};

/* A network destination: address/prefix and port (0 = any port). */
struct notify_net_rule {
	int family;          /* AF_INET or AF_INET6 */
	uint8_t addr[16];    /* network byte order; 4 bytes used for AF_INET */
	int prefix;          /* bits */
	uint16_t port;       /* host byte order; 0 = any */
	const char *field;   /* "network.allow_ips", "proxy", "dns stub" (static) */
	char *text;          /* as written, for messages */
	struct srcpos at;
};

struct notify_rules {
	/* Filesystem. restrict_fs false: paths are not checked at all. */
	bool restrict_fs;
	struct notify_path_rule *allow, *deny;
	size_t nallow, ndeny;
	/* Read-only carve-outs inside writable trees (can run without a mount
	 * namespace, docs/adr/0240): no write to the path, beneath it, or to a
	 * folder above it (renaming or removing that would replace it). */
	struct notify_path_rule *readonly;
	size_t nreadonly;
	/* The errno for a read refused by a deny rule or for want of an allow
	 * rule; 0 = EACCES. ENOENT when the view is to look like the full
	 * sandbox's, where such paths do not exist (tools take EACCES on a
	 * config file as fatal, ENOENT as "none"). Writes get EACCES. */
	int hidden_errno;
	/* Exec: restrict_exec false = any file (still subject to deny). */
	bool restrict_exec;
	struct notify_path_rule *exec;
	size_t nexec;
	/* Network: restrict_net false = any destination. */
	bool restrict_net;
	struct notify_net_rule *net;
	size_t nnet;
	bool allow_abstract_unix;   /* connect/bind/sendto to abstract AF_UNIX names */
	/* Session mode (docs/adr/0261): a connect to the session proxy (the
	 * engine's notify_config.proxy_port) is allowed, and tagged with the
	 * caller's rules; egress_policy is what the proxy then holds that
	 * client to (a struct policy; never read by the engine). */
	bool session_proxy;
	const void *egress_policy;
	bool allow_inet_bind;       /* bind() of AF_INET/AF_INET6 sockets */
	/* Loopback is the sandbox's own (notify_loopback_is_own): a connect
	 * or send to 127.0.0.0/8, ::1 or ::ffff:127.x reaches only what the
	 * sandbox itself listens on, and is allowed without allow_ips
	 * (docs/adr/0125). Off in session mode and the no-namespace mode,
	 * where loopback is the host's. */
	bool own_loopback;
	/* Another rule set that must allow the call too (session mode: a
	 * process in several layers, each of which applies). Not owned. Every
	 * notify_decide_* walks the chain and answers with the first refusal. */
	const struct notify_rules *also;
	/* Under /proc, a process's entry (/proc/<pid>/...) is opened only for
	 * that process itself or its threads (session mode: the supervisor's
	 * open of another process's mem or environ would pass the kernel's
	 * checks, which look at the supervisor). Any set of a chain. */
	bool proc_own_only;
	/* A folder may be opened read-only even where no rule lets it be read
	 * (its names, never its files' contents): session mode's shells open
	 * the folder they cd to (fish), and must be able to leave a layer.
	 * Any set of a chain. Decided on the object opened, not the path. */
	bool open_dirs;
	/* The process is in a Landlock domain that says what this rule set
	 * says about reading (session mode's Landlock-at-exec, docs/adr/0250):
	 * an open without write intent in its flags (a register: no O_WRONLY,
	 * O_RDWR, O_CREAT, O_TRUNC, O_TMPFILE; not openat2, whose flags are in
	 * memory) is answered CONTINUE and decided by the kernel. Writes,
	 * path changes, exec and the network stay decided here. Applies only
	 * when every set of the chain has it. */
	bool reads_in_kernel;
};

/* Whether any rule set of the chain restricts the filesystem, exec or the
 * network (the engine answers CONTINUE when none does). */
bool notify_rules_any_fs(const struct notify_rules *r);
bool notify_rules_any_exec(const struct notify_rules *r);
bool notify_rules_any_net(const struct notify_rules *r);
/* Whether every rule set of the chain has reads_in_kernel. */
bool notify_rules_reads_in_kernel(const struct notify_rules *r);

/* Where the engine's processes have their network (docs/adr/0125). */
enum notify_netns {
	NOTIFY_NETNS_RUN,       /* `can run`: the sandbox's own network namespace */
	NOTIFY_NETNS_RUN_HOST,  /* `can run` without namespaces: the host's network */
	NOTIFY_NETNS_SESSION,   /* session layers: the host's network */
};
/* Whether loopback belongs to the sandbox alone there (own_loopback):
 * only in `can run`'s own network namespace, where the host's loopback
 * services are absent (pasta maps no gateway to them, ADR 0122). */
bool notify_loopback_is_own(enum notify_netns where);
/* Whether addr (network order; 4 bytes for AF_INET, 16 for AF_INET6) is a
 * loopback address: 127.0.0.0/8 or ::1 (a v4-mapped address is judged as
 * the IPv4 address it maps to, before this). */
bool notify_addr_is_loopback(int family, const uint8_t *addr);

enum notify_verdict { NOTIFY_ALLOW = 0, NOTIFY_REFUSE = 1 };

struct notify_decision {
	enum notify_verdict verdict;
	int err;               /* errno to answer when refused */
	const char *field;     /* which rule list decided ("filesystem.deny"), or the default */
	const char *rule;      /* the rule's text (path or address), may be NULL */
	struct srcpos at;      /* where that rule was written; line 0 = default/built in */
};

enum notify_net_op { NOTIFY_NET_CONNECT, NOTIFY_NET_BIND, NOTIFY_NET_SEND };

/* A connect to the session proxy (docs/adr/0261): allowed when every set
 * of the chain that restricts the network has session_proxy (a layer
 * whose egress is "none" keeps its processes from it). */
struct notify_decision notify_decide_session_proxy(const struct notify_rules *r);

void notify_rules_init(struct notify_rules *r);
void notify_rules_free(struct notify_rules *r);
/* Adds a path rule. list: "allow", "deny", "readonly" or "exec". Returns 0, or -1 when
 * path is not absolute. The path is normalised ("//", "/./", trailing "/";
 * ".." is refused with -1: a rule must say what it means). */
int notify_rules_add_path(struct notify_rules *r, const char *list, const char *path,
                          unsigned access, const char *field, struct srcpos at);
/* Adds a destination from text: "10.0.0.0/8", "192.168.1.1", "::1",
 * "fd00::/8", "127.0.0.1:8080" or "[::1]:53" (port optional). Returns 0 or -1
 * when the text is not one of these. */
int notify_rules_add_net(struct notify_rules *r, const char *text, const char *field, struct srcpos at);
/* Parses the same syntax into a rule without adding it (tests, diagnostics). */
int notify_parse_net(const char *text, struct notify_net_rule *out);

/* Normalises an absolute path lexically into out (size PATH_MAX): collapses
 * "//" and "/./", drops a trailing '/'. Returns -1 for relative paths or
 * any ".." component. */
int notify_normalize_path(const char *in, char *out, size_t size);
/* The path an absolute path names when no symlink is on the way: "."
 * dropped, ".." removes the previous component (and stays at "/"), as
 * the kernel walks it. -1 when out is too small or in is relative. */
int notify_lexical_path(const char *in, char *out, size_t size);
/* Whether rule path covers path (component-wise prefix). */
bool notify_path_covers(const char *rule, const char *path);

/* What an open(2) with these flags needs (NOTIFY_READ/WRITE). O_PATH needs
 * nothing (it grants no data access), but deny rules still apply. */
unsigned notify_open_access(int flags);

/* open/openat/openat2/creat of path (what was actually resolved). */
struct notify_decision notify_decide_open(const struct notify_rules *r, const char *path, int flags);
/* A path change (unlink, mkdir, rename's both ends, chmod, truncate...):
 * needs NOTIFY_WRITE on path. */
struct notify_decision notify_decide_write(const struct notify_rules *r, const char *path);
/* A lookup (access, stat) of path, lexically absolute: refused with
 * hidden_errno when a deny rule covers it, or when no allow rule covers it
 * and it is no folder on the way to one (those exist in the full view:
 * /, /home...). Allowed when restrict_fs is off or hidden_errno is 0. */
struct notify_decision notify_decide_lookup(const struct notify_rules *r, const char *path);
/* execve/execveat of path (resolved file). */
struct notify_decision notify_decide_exec(const struct notify_rules *r, const char *path);
/* connect/bind/sendto/sendmsg with this address. For AF_UNIX pathname
 * sockets, unix_path is the resolved socket path (NULL for abstract or
 * unnamed addresses). */
struct notify_decision notify_decide_net(const struct notify_rules *r, enum notify_net_op op,
                                         const struct sockaddr *sa, socklen_t len,
                                         const char *unix_path);

/* Formats a socket address for events: "1.2.3.4:80", "[::1]:53",
 * "unix:/path", "unix:@abstract", "family 17". Pure. */
void notify_format_sockaddr(const struct sockaddr *sa, socklen_t len, char *out, size_t size);
/* Decodes open flags: "O_WRONLY|O_CREAT|O_CLOEXEC". Pure. */
void notify_format_open_flags(int flags, char *out, size_t size);

#endif
