/* Pure decisions of the notification engine (see notify_decide.h).
 * Order of precedence everywhere: a deny rule beats any allow rule, wherever
 * either came from (DESIGN section 4); then an allow rule that grants the
 * needed access; otherwise the default refusal. */
#include "notify/notify_decide.h"
#include "util/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

void notify_rules_init(struct notify_rules *r)
{
	memset(r, 0, sizeof(*r));
}

static void free_paths(struct notify_path_rule *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

void notify_rules_free(struct notify_rules *r)
{
	free_paths(r->allow, r->nallow);
	free_paths(r->deny, r->ndeny);
	free_paths(r->readonly, r->nreadonly);
	free_paths(r->exec, r->nexec);
	for (size_t i = 0; i < r->nnet; i++)
		free(r->net[i].text);
	free(r->net);
	memset(r, 0, sizeof(*r));
}

int notify_normalize_path(const char *in, char *out, size_t size)
{
	if (!in || in[0] != '/' || size < 2)
		return -1;
	size_t o = 0;
	out[o++] = '/';
	const char *p = in;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *e = strchrnul(p, '/');
		size_t len = (size_t)(e - p);
		if (len == 1 && p[0] == '.') {
			p = e;
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.')
			return -1;
		if (o > 1) {
			if (o + 1 >= size)
				return -1;
			out[o++] = '/';
		}
		if (o + len >= size)
			return -1;
		memcpy(out + o, p, len);
		o += len;
		p = e;
	}
	out[o] = '\0';
	return 0;
}

int notify_lexical_path(const char *in, char *out, size_t size)
{
	if (!in || in[0] != '/' || size < 2)
		return -1;
	size_t o = 1;
	out[0] = '/';
	out[1] = '\0';
	for (const char *p = in; *p;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *e = strchrnul(p, '/');
		size_t len = (size_t)(e - p);
		if (len == 1 && p[0] == '.') {
			p = e;
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 1 && out[o - 1] != '/')
				o--;
			if (o > 1)
				o--;
			out[o] = '\0';
			p = e;
			continue;
		}
		if (o > 1) {
			if (o + 1 >= size)
				return -1;
			out[o++] = '/';
		}
		if (o + len >= size)
			return -1;
		memcpy(out + o, p, len);
		o += len;
		out[o] = '\0';
		p = e;
	}
	return 0;
}

bool notify_path_covers(const char *rule, const char *path)
{
	if (strcmp(rule, "/") == 0)
		return path[0] == '/';
	size_t n = strlen(rule);
	return strncmp(rule, path, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

int notify_rules_add_path(struct notify_rules *r, const char *list, const char *path,
                          unsigned access, const char *field, struct srcpos at)
{
	char norm[PATH_MAX];
	if (notify_normalize_path(path, norm, sizeof(norm)) < 0)
		return -1;
	struct notify_path_rule **v;
	size_t *n;
	if (strcmp(list, "allow") == 0) {
		v = &r->allow, n = &r->nallow;
		r->restrict_fs = true;
	} else if (strcmp(list, "deny") == 0) {
		v = &r->deny, n = &r->ndeny;
		r->restrict_fs = true;
	} else if (strcmp(list, "readonly") == 0) {
		v = &r->readonly, n = &r->nreadonly;
		r->restrict_fs = true;
	} else if (strcmp(list, "exec") == 0) {
		v = &r->exec, n = &r->nexec;
		r->restrict_exec = true;
	} else {
		return -1;
	}
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	size_t len = strlen(path);
	(*v)[*n] = (struct notify_path_rule){
		.path = xstrdup(norm),
		.access = access,
		/* An exec entry names one file unless written as a folder. */
		.exact = strcmp(list, "exec") == 0 && len > 0 && path[len - 1] != '/',
		.field = field,
		.at = at,
	};
	(*n)++;
	return 0;
}

static int parse_port(const char *s, uint16_t *port)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < 1 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int notify_parse_net(const char *text, struct notify_net_rule *out)
{
	char buf[128];
	if (!text || strlen(text) >= sizeof(buf))
		return -1;
	memset(out, 0, sizeof(*out));
	strcpy(buf, text);
	char *addr = buf, *port = NULL, *pfx = NULL;
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');
		if (!close)
			return -1;
		*close = '\0';
		addr = buf + 1;
		if (close[1] == ':')
			port = close + 2;
		else if (close[1] != '\0')
			return -1;
	} else if (strchr(buf, '.') && strchr(buf, ':')) {
		/* "1.2.3.4:80" (an IPv4 address with a port) */
		port = strrchr(buf, ':');
		*port++ = '\0';
	}
	pfx = strchr(addr, '/');
	if (pfx)
		*pfx++ = '\0';
	if (inet_pton(AF_INET, addr, out->addr) == 1) {
		out->family = AF_INET;
		out->prefix = 32;
	} else if (inet_pton(AF_INET6, addr, out->addr) == 1) {
		out->family = AF_INET6;
		out->prefix = 128;
	} else {
		return -1;
	}
	if (pfx) {
		char *end;
		errno = 0;
		long v = strtol(pfx, &end, 10);
		if (errno || *end || end == pfx || v < 0 || v > out->prefix)
			return -1;
		out->prefix = (int)v;
	}
	if (port && parse_port(port, &out->port) < 0)
		return -1;
	return 0;
}

int notify_rules_add_net(struct notify_rules *r, const char *text, const char *field, struct srcpos at)
{
	struct notify_net_rule nr;
	if (notify_parse_net(text, &nr) < 0)
		return -1;
	nr.field = field;
	nr.text = xstrdup(text);
	nr.at = at;
	r->net = xrealloc(r->net, (r->nnet + 1) * sizeof(*r->net));
	r->net[r->nnet++] = nr;
	r->restrict_net = true;
	return 0;
}

unsigned notify_open_access(int flags)
{
	if (flags & O_PATH)
		return 0;
	unsigned a = 0;
	switch (flags & O_ACCMODE) {
	case O_RDONLY: a = NOTIFY_READ; break;
	case O_WRONLY: a = NOTIFY_WRITE; break;
	default: a = NOTIFY_READ | NOTIFY_WRITE; break;
	}
	if (flags & (O_CREAT | O_TRUNC | O_APPEND))
		a |= NOTIFY_WRITE;
	return a;
}

static struct notify_decision allow_by(const struct notify_path_rule *rule)
{
	return (struct notify_decision){ NOTIFY_ALLOW, 0, rule->field, rule->path, rule->at };
}

static struct notify_decision refuse_by(const struct notify_path_rule *rule, int err)
{
	return (struct notify_decision){ NOTIFY_REFUSE, err, rule->field, rule->path, rule->at };
}

/* A deny rule refuses every access, or, when its access is not 0, only
 * those (session mode's runtime directory: readable, never writable). */
static const struct notify_path_rule *find_deny_for(const struct notify_rules *r, const char *path,
                                                    unsigned need)
{
	for (size_t i = 0; i < r->ndeny; i++) {
		if (r->deny[i].access != 0 && !(r->deny[i].access & need))
			continue;
		if (notify_path_covers(r->deny[i].path, path))
			return &r->deny[i];
		/* A path change of a folder above a denied path (rename, rmdir)
		 * would move the denied path away and let another take its
		 * place: `mv .git .x; edit .x/config; mv .x .git`. A mount
		 * point refuses that in can run; here the rule must. */
		if ((need & NOTIFY_WRITE) && notify_path_covers(path, r->deny[i].path))
			return &r->deny[i];
	}
	return NULL;
}


/* The allow rule granting all of need; the longest such prefix, so that the
 * event names the most specific rule. */
static const struct notify_path_rule *find_allow(const struct notify_rules *r, const char *path,
                                                 unsigned need)
{
	const struct notify_path_rule *best = NULL;
	for (size_t i = 0; i < r->nallow; i++) {
		const struct notify_path_rule *a = &r->allow[i];
		if ((a->access & need) != need || !notify_path_covers(a->path, path))
			continue;
		if (!best || strlen(a->path) > strlen(best->path))
			best = a;
	}
	return best;
}

static struct notify_decision decide_path(const struct notify_rules *r, const char *path,
                                          unsigned need, const char *default_field)
{
	struct notify_decision d = { NOTIFY_ALLOW, 0, "unrestricted", NULL, { NULL, 0, 0 } };
	if (!r->restrict_fs || !path)
		return d;
	int hidden = r->hidden_errno && !(need & NOTIFY_WRITE) ? r->hidden_errno : EACCES;
	const struct notify_path_rule *deny = find_deny_for(r, path, need);
	if (deny)
		return refuse_by(deny, hidden);
	if (need & NOTIFY_WRITE) {
		/* The path itself, beneath it, or a folder above it. */
		for (size_t i = 0; i < r->nreadonly; i++)
			if (notify_path_covers(r->readonly[i].path, path) ||
			    notify_path_covers(path, r->readonly[i].path))
				return refuse_by(&r->readonly[i], EROFS);
	}
	if (need == 0) {
		d.field = "filesystem (no data access)";
		return d;
	}
	const struct notify_path_rule *allow = find_allow(r, path, need);
	if (allow)
		return allow_by(allow);
	d.verdict = NOTIFY_REFUSE;
	d.err = hidden;
	d.field = default_field;
	return d;
}

static struct notify_decision open_one(const struct notify_rules *r, const char *path, int flags)
{
	unsigned need = notify_open_access(flags);
	return decide_path(r, path, need,
	                   need & NOTIFY_WRITE ? "no filesystem.allow_write rule covers it"
	                                       : "no filesystem.allow rule covers it");
}

static struct notify_decision write_one(const struct notify_rules *r, const char *path)
{
	return decide_path(r, path, NOTIFY_WRITE, "no filesystem.allow_write rule covers it");
}

/* Only a deny rule for every kind of access hides a path from a lookup. */
static struct notify_decision lookup_one(const struct notify_rules *r, const char *path)
{
	struct notify_decision d = { NOTIFY_ALLOW, 0, "unrestricted", NULL, { NULL, 0, 0 } };
	if (!r->restrict_fs || !r->hidden_errno || !path)
		return d;
	const struct notify_path_rule *deny = find_deny_for(r, path, 0);
	if (deny)
		return refuse_by(deny, r->hidden_errno);
	for (size_t i = 0; i < r->nallow; i++)
		if (notify_path_covers(r->allow[i].path, path) ||
		    notify_path_covers(path, r->allow[i].path))
			return allow_by(&r->allow[i]);
	d.verdict = NOTIFY_REFUSE;
	d.err = r->hidden_errno;
	d.field = "no filesystem.allow rule covers it";
	return d;
}

static struct notify_decision exec_one(const struct notify_rules *r, const char *path)
{
	struct notify_decision d = { NOTIFY_ALLOW, 0, "unrestricted", NULL, { NULL, 0, 0 } };
	if (!path) {
		d.verdict = NOTIFY_REFUSE;
		d.err = EACCES;
		d.field = "unresolved executable";
		return d;
	}
	const struct notify_path_rule *deny = r->restrict_fs ? find_deny_for(r, path, NOTIFY_EXEC) : NULL;
	if (deny)
		return refuse_by(deny, EACCES);
	if (!r->restrict_exec)
		return d;
	for (size_t i = 0; i < r->nexec; i++) {
		const struct notify_path_rule *e = &r->exec[i];
		if (e->exact ? strcmp(e->path, path) == 0 : notify_path_covers(e->path, path))
			return allow_by(e);
	}
	d.verdict = NOTIFY_REFUSE;
	d.err = EACCES;
	d.field = "no process.allow_execve entry names it";
	/* The recipe line that decided is the list's (its first entry). */
	if (r->nexec > 0)
		d.at = r->exec[0].at;
	return d;
}

/* Matches addr (network order, 4 or 16 bytes) against a prefix. */
static bool prefix_match(const uint8_t *a, const uint8_t *net, int bits)
{
	int full = bits / 8, rest = bits % 8;
	if (memcmp(a, net, (size_t)full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == (net[full] & mask);
}

bool notify_loopback_is_own(enum notify_netns where)
{
	return where == NOTIFY_NETNS_RUN;
}

bool notify_addr_is_loopback(int family, const uint8_t *addr)
{
	static const uint8_t lo6[16] = { [15] = 1 };
	if (family == AF_INET)
		return addr[0] == 127;
	return family == AF_INET6 && memcmp(addr, lo6, sizeof(lo6)) == 0;
}

static struct notify_decision decide_inet(const struct notify_rules *r, enum notify_net_op op,
                                          int family, const uint8_t *addr, uint16_t port)
{
	struct notify_decision d = { NOTIFY_ALLOW, 0, "unrestricted", NULL, { NULL, 0, 0 } };
	if (op == NOTIFY_NET_BIND) {
		if (!r->restrict_net || r->allow_inet_bind)
			return d;
		d.verdict = NOTIFY_REFUSE;
		d.err = EACCES;
		d.field = "binding network sockets is not allowed";
		return d;
	}
	if (!r->restrict_net)
		return d;
	for (size_t i = 0; i < r->nnet; i++) {
		const struct notify_net_rule *n = &r->net[i];
		if (n->family != family || (n->port && n->port != port))
			continue;
		if (prefix_match(addr, n->addr, n->prefix))
			return (struct notify_decision){ NOTIFY_ALLOW, 0, n->field, n->text, n->at };
	}
	/* The sandbox's own loopback (after the named rules, so an event
	 * still says "proxy" or "dns stub"): only its own listeners are
	 * there, the proxy's and the DNS stub's included. */
	if (r->own_loopback && notify_addr_is_loopback(family, addr)) {
		d.field = "the sandbox's own loopback";
		return d;
	}
	d.verdict = NOTIFY_REFUSE;
	d.err = EACCES;
	d.field = "not the proxy, the DNS stub or a network.allow_ips entry";
	/* The recipe line that decided is the list's (its first entry). */
	for (size_t i = 0; i < r->nnet; i++)
		if (r->net[i].at.line > 0) {
			d.at = r->net[i].at;
			break;
		}
	return d;
}

static struct notify_decision unix_one(const struct notify_rules *r, const char *path);

static struct notify_decision net_one(const struct notify_rules *r, enum notify_net_op op,
                                      const struct sockaddr *sa, socklen_t len,
                                      const char *unix_path)
{
	struct notify_decision d = { NOTIFY_ALLOW, 0, "unrestricted", NULL, { NULL, 0, 0 } };
	if (!sa || len < (socklen_t)sizeof(sa_family_t)) {
		/* No address: the kernel uses the connected peer. */
		d.field = "no address";
		return d;
	}
	switch (sa->sa_family) {
	case AF_UNSPEC:
		/* connect(AF_UNSPEC) dissolves an association; it reaches no one. */
		d.field = "AF_UNSPEC";
		return d;
	case AF_INET: {
		if (len < (socklen_t)sizeof(struct sockaddr_in))
			break;
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		return decide_inet(r, op, AF_INET, (const uint8_t *)&in->sin_addr, ntohs(in->sin_port));
	}
	case AF_INET6: {
		if (len < (socklen_t)sizeof(struct sockaddr_in6))
			break;
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		const uint8_t *a = (const uint8_t *)&in6->sin6_addr;
		/* ::ffff:a.b.c.d reaches the IPv4 address: judge it as IPv4,
		 * or an IPv4 deny could be bypassed through a dual-stack socket. */
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
			return decide_inet(r, op, AF_INET, a + 12, ntohs(in6->sin6_port));
		return decide_inet(r, op, AF_INET6, a, ntohs(in6->sin6_port));
	}
	case AF_UNIX: {
		const struct sockaddr_un *un = (const struct sockaddr_un *)sa;
		if (len <= (socklen_t)offsetof(struct sockaddr_un, sun_path)) {
			d.field = "unnamed unix socket";
			return d;
		}
		if (un->sun_path[0] == '\0') {
			if (!r->restrict_net || r->allow_abstract_unix) {
				d.field = r->restrict_net ? "abstract unix sockets allowed" : "unrestricted";
				return d;
			}
			d.verdict = NOTIFY_REFUSE;
			d.err = EACCES;
			d.field = "abstract unix sockets are not allowed";
			return d;
		}
		/* A pathname socket is a file: the filesystem rules decide
		 * (connecting needs write permission on it, as in the kernel). */
		if (op == NOTIFY_NET_BIND)
			return write_one(r, unix_path);
		if (!unix_path) {
			d.verdict = NOTIFY_REFUSE;
			d.err = EACCES;
			d.field = "unresolved unix socket path";
			return d;
		}
		return unix_one(r, unix_path);
	}
	case AF_NETLINK:
		/* socket() rules in the BPF filter decide which netlink families
		 * exist; the address names the kernel, not a peer outside. */
		d.field = "AF_NETLINK";
		return d;
	default:
		break;
	}
	if (!r->restrict_net)
		return d;
	d.verdict = NOTIFY_REFUSE;
	d.err = EACCES;
	d.field = "address family not allowed";
	return d;
}

/* A connect/send to a pathname unix socket: write access, from an allow
 * rule that does not carry NOTIFY_NO_CONNECT. */
static struct notify_decision unix_one(const struct notify_rules *r, const char *path)
{
	struct notify_decision d = { NOTIFY_ALLOW, 0, "unrestricted", NULL, { NULL, 0, 0 } };
	if (!r->restrict_fs || !path)
		return d;
	const struct notify_path_rule *deny = find_deny_for(r, path, NOTIFY_WRITE);
	if (deny)
		return refuse_by(deny, EACCES);
	const struct notify_path_rule *best = NULL;
	for (size_t i = 0; i < r->nallow; i++) {
		const struct notify_path_rule *a = &r->allow[i];
		if (!(a->access & NOTIFY_WRITE) || (a->access & NOTIFY_NO_CONNECT) ||
		    !notify_path_covers(a->path, path))
			continue;
		if (!best || strlen(a->path) > strlen(best->path))
			best = a;
	}
	if (best)
		return allow_by(best);
	d.verdict = NOTIFY_REFUSE;
	d.err = EACCES;
	d.field = "no filesystem.allow_write rule covers the socket";
	return d;
}

/* ---- chains: every rule set must allow ---- */

#define CHAIN(call)                                                  \
	do {                                                         \
		struct notify_decision d = call;                     \
		for (r = r->also; r && d.verdict == NOTIFY_ALLOW; r = r->also) \
			d = call;                                    \
		return d;                                            \
	} while (0)

struct notify_decision notify_decide_open(const struct notify_rules *r, const char *path, int flags)
{
	CHAIN(open_one(r, path, flags));
}

struct notify_decision notify_decide_write(const struct notify_rules *r, const char *path)
{
	CHAIN(write_one(r, path));
}

struct notify_decision notify_decide_lookup(const struct notify_rules *r, const char *path)
{
	CHAIN(lookup_one(r, path));
}

struct notify_decision notify_decide_exec(const struct notify_rules *r, const char *path)
{
	CHAIN(exec_one(r, path));
}

struct notify_decision notify_decide_net(const struct notify_rules *r, enum notify_net_op op,
                                         const struct sockaddr *sa, socklen_t len,
                                         const char *unix_path)
{
	CHAIN(net_one(r, op, sa, len, unix_path));
}

static struct notify_decision proxy_one(const struct notify_rules *r)
{
	if (!r->restrict_net)
		return (struct notify_decision){ NOTIFY_ALLOW, 0, "unrestricted", NULL, { NULL, 0, 0 } };
	if (r->session_proxy)
		return (struct notify_decision){ NOTIFY_ALLOW, 0, "session proxy", NULL, { NULL, 0, 0 } };
	return (struct notify_decision){ NOTIFY_REFUSE, EACCES,
	                                 "the session proxy (a layer's egress is not \"proxy-only\")",
	                                 NULL, { NULL, 0, 0 } };
}

struct notify_decision notify_decide_session_proxy(const struct notify_rules *r)
{
	CHAIN(proxy_one(r));
}

bool notify_rules_any_fs(const struct notify_rules *r)
{
	for (; r; r = r->also)
		if (r->restrict_fs)
			return true;
	return false;
}

bool notify_rules_any_exec(const struct notify_rules *r)
{
	for (; r; r = r->also)
		if (r->restrict_exec)
			return true;
	return false;
}

bool notify_rules_any_net(const struct notify_rules *r)
{
	for (; r; r = r->also)
		if (r->restrict_net)
			return true;
	return false;
}

void notify_format_sockaddr(const struct sockaddr *sa, socklen_t len, char *out, size_t size)
{
	char a[INET6_ADDRSTRLEN];
	if (!sa || len < (socklen_t)sizeof(sa_family_t)) {
		snprintf(out, size, "(none)");
		return;
	}
	switch (sa->sa_family) {
	case AF_INET:
		if (len >= (socklen_t)sizeof(struct sockaddr_in)) {
			const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
			inet_ntop(AF_INET, &in->sin_addr, a, sizeof(a));
			snprintf(out, size, "%s:%u", a, ntohs(in->sin_port));
			return;
		}
		break;
	case AF_INET6:
		if (len >= (socklen_t)sizeof(struct sockaddr_in6)) {
			const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
			inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof(a));
			snprintf(out, size, "[%s]:%u", a, ntohs(in6->sin6_port));
			return;
		}
		break;
	case AF_UNIX: {
		const struct sockaddr_un *un = (const struct sockaddr_un *)sa;
		size_t n = len - offsetof(struct sockaddr_un, sun_path);
		if (len <= (socklen_t)offsetof(struct sockaddr_un, sun_path)) {
			snprintf(out, size, "unix:(unnamed)");
			return;
		}
		if (n > sizeof(un->sun_path))
			n = sizeof(un->sun_path);
		if (un->sun_path[0] == '\0')
			snprintf(out, size, "unix:@%.*s", (int)(n - 1), un->sun_path + 1);
		else
			snprintf(out, size, "unix:%.*s", (int)strnlen(un->sun_path, n), un->sun_path);
		return;
	}
	case AF_UNSPEC:
		snprintf(out, size, "AF_UNSPEC");
		return;
	default:
		break;
	}
	snprintf(out, size, "family %d", sa->sa_family);
}

void notify_format_open_flags(int flags, char *out, size_t size)
{
	static const struct { int bit; const char *name; } names[] = {
		{ O_CREAT, "O_CREAT" }, { O_EXCL, "O_EXCL" }, { O_NOCTTY, "O_NOCTTY" },
		{ O_TRUNC, "O_TRUNC" }, { O_APPEND, "O_APPEND" }, { O_NONBLOCK, "O_NONBLOCK" },
		{ O_DSYNC, "O_DSYNC" }, { O_DIRECT, "O_DIRECT" }, { 0100000 /* the kernel's O_LARGEFILE */, "O_LARGEFILE" },
		{ O_DIRECTORY, "O_DIRECTORY" }, { O_NOFOLLOW, "O_NOFOLLOW" }, { O_NOATIME, "O_NOATIME" },
		{ O_CLOEXEC, "O_CLOEXEC" }, { O_PATH, "O_PATH" }, { __O_TMPFILE, "O_TMPFILE" },
	};
	const char *acc = (flags & O_ACCMODE) == O_RDONLY ? "O_RDONLY"
	                : (flags & O_ACCMODE) == O_WRONLY ? "O_WRONLY"
	                : (flags & O_ACCMODE) == O_RDWR ? "O_RDWR" : "O_ACCMODE";
	size_t o = (size_t)snprintf(out, size, "%s", acc);
	int rest = flags & ~O_ACCMODE;
	for (size_t i = 0; i < ARRAY_LEN(names) && o < size; i++) {
		if (names[i].bit && (rest & names[i].bit) == names[i].bit) {
			o += (size_t)snprintf(out + o, size - o, "|%s", names[i].name);
			rest &= ~names[i].bit;
		}
	}
	if (rest && o < size)
		snprintf(out + o, size - o, "|0x%x", (unsigned)rest);
}
