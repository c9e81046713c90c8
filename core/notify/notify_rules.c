/* Compiles the merged policy into the engine's rules, keeping each rule's
 * recipe position so that an event can say which line decided.
 *
 *   [filesystem] allow       -> read + exec        ("filesystem.allow")
 *   [filesystem] allow_write -> read + write + exec ("filesystem.allow_write")
 *   [filesystem] deny, mask  -> deny (beats every allow)
 *   [process] allow_execve   -> exec list (a path, or a folder ending in '/');
 *                               empty = exec not restricted beyond deny
 *   [network] allow_ips      -> destinations (address or CIDR, optional port)
 *   bind() of inet sockets    -> allowed; abstract unix names -> refused
 *
 * The proxy's address and the DNS stub are added by the caller with
 * notify_rules_add_net(..., "proxy", ...): they are not in the recipe.
 * Paths must be absolute after variable expansion; anything else is a
 * recipe error reported at its position. */
#include "notify/notify.h"
#include "lang/policy.h"
#include "util/util.h"

#include <string.h>

static int add_list(struct notify_rules *r, const struct plist *l, const char *list, unsigned access,
                    const char *field, struct diags *d)
{
	int bad = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (notify_rules_add_path(r, list, l->v[i].s, access, field, l->v[i].at) < 0) {
			diags_add(d, l->v[i].at, "%s entry '%s' must be an absolute path without '..'", field,
			          l->v[i].s);
			bad = -1;
		}
	}
	return bad;
}

int notify_rules_compile(struct notify_rules *r, const struct policy *p, struct diags *d)
{
	int bad = 0;
	notify_rules_init(r);
	bad |= add_list(r, &p->fs.allow, "allow", NOTIFY_READ | NOTIFY_EXEC, "filesystem.allow", d);
	bad |= add_list(r, &p->fs.allow_write, "allow", NOTIFY_READ | NOTIFY_WRITE | NOTIFY_EXEC,
	                "filesystem.allow_write", d);
	bad |= add_list(r, &p->fs.deny, "deny", 0, "filesystem.deny", d);
	bad |= add_list(r, &p->fs.mask, "deny", 0, "filesystem.mask", d);
	bad |= add_list(r, &p->proc.allow_execve, "exec", NOTIFY_EXEC, "process.allow_execve", d);
	for (size_t i = 0; i < p->net.allow_ips.n; i++) {
		const struct pstr *s = &p->net.allow_ips.v[i];
		if (notify_rules_add_net(r, s->s, "network.allow_ips", s->at) < 0) {
			diags_add(d, s->at, "network.allow_ips entry '%s' is not an IP address or CIDR range", s->s);
			bad = -1;
		}
	}
	/* An egress mode of "direct" is the explicit opt-out: no address
	 * rules. Anything else restricts connect() even with no allow_ips
	 * (then only the proxy and DNS stub the caller adds are reachable). */
	if (!(p->net.egress.set && p->net.egress.v && strcmp(p->net.egress.v, "direct") == 0))
		r->restrict_net = true;
	/* Listening reaches no one by itself: what leaves is what connect and
	 * send decide. Abstract unix sockets stay refused: in session mode they
	 * are the host's (X11, D-Bus); `can run`, whose network namespace is
	 * its own, may set allow_abstract_unix. */
	r->allow_inet_bind = true;
	return bad ? -1 : 0;
}

bool notify_rules_reads_in_kernel(const struct notify_rules *r)
{
	if (!r)
		return false;
	for (; r; r = r->also)
		if (!r->reads_in_kernel)
			return false;
	return true;
}
