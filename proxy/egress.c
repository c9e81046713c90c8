/* The proxy's pure egress decisions (see egress.h). */
#include "proxy/egress.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Messages are cut to their buffers on purpose (a 2 KiB path in a
 * refusal is cut, not grown); paths in patches are limited to 300 bytes. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#define AT_FMT "%s:%d"
#define AT_ARGS(a) ((a).file ? (a).file : "?"), (a).line

static void refuse(struct egress_decision *d, int status, const char *error)
{
	d->verdict = EGRESS_REFUSE;
	d->status = status;
	d->error = error;
}

/* Lower-cases and checks a host name: letters, digits, '-', '.', no empty
 * label; one trailing dot dropped. An all-numeric name that is not a
 * canonical dotted quad (2130706433, 0x7f.0.0.1, 0177.0.0.1, 127.1) is
 * refused: resolvers read those as addresses, each its own way. */
static bool norm_host(const char *s, size_t n, struct egress_target *t, char *why, size_t wl)
{
	if (n > 0 && s[0] == '[') {
		if (n < 3 || s[n - 1] != ']' || n - 2 >= sizeof(t->host)) {
			snprintf(why, wl, "a bracketed IPv6 address is malformed");
			return false;
		}
		memcpy(t->host, s + 1, n - 2);
		t->host[n - 2] = '\0';
		for (char *c = t->host; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (!strchr(t->host, ':') || !ip_parse(t->host, &t->ip)) {
			snprintf(why, wl, "'%s' is not an IPv6 address", t->host);
			return false;
		}
		t->is_ip = true;
		return true;
	}
	if (n > 0 && s[n - 1] == '.')
		n--;
	if (n == 0 || n >= sizeof(t->host)) {
		snprintf(why, wl, "the host name is empty or too long");
		return false;
	}
	bool numeric = true;
	for (size_t i = 0; i < n; i++) {
		char c = (char)tolower((unsigned char)s[i]);
		if (!(isalnum((unsigned char)c) || c == '-' || c == '.')) {
			snprintf(why, wl, "the host name holds '%c'%s", s[i],
				 s[i] == '@' ? " (userinfo is refused: user@host)" : "");
			return false;
		}
		if (c == '.' && (i == 0 || s[i - 1] == '.')) {
			snprintf(why, wl, "the host name has an empty label");
			return false;
		}
		if (!(isdigit((unsigned char)c) || c == '.' || c == 'x'))
			numeric = false;
		t->host[i] = c;
	}
	t->host[n] = '\0';
	/* A name whose last label is all digits or hex (0x..) reads as an IPv4
	 * literal to some resolver. */
	const char *last = strrchr(t->host, '.');
	last = last ? last + 1 : t->host;
	bool last_numeric = *last && (strspn(last, "0123456789") == strlen(last) ||
				      (last[0] == '0' && last[1] == 'x'));
	if (numeric || last_numeric) {
		if (!ip_parse(t->host, &t->ip)) {
			snprintf(why, wl, "'%s' is not a canonical IPv4 address (a.b.c.d in decimal)",
				 t->host);
			return false;
		}
		t->is_ip = true;
	}
	return true;
}

static bool parse_port(const char *s, size_t n, int *port)
{
	if (n == 0 || n > 5)
		return false;
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	if (v < 1 || v > 65535)
		return false;
	*port = v;
	return true;
}

/* host[:port] with the port optional (default_port) or required (0). */
static bool parse_hostport(const char *s, size_t n, int default_port, struct egress_target *t,
			   char *why, size_t wl)
{
	if (memchr(s, '@', n)) {
		snprintf(why, wl, "userinfo (user@host) is refused in a proxy target");
		return false;
	}
	size_t hn = n;
	const char *colon = NULL;
	if (n > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', n);
		if (!close) {
			snprintf(why, wl, "a bracketed IPv6 address is not closed");
			return false;
		}
		hn = (size_t)(close - s) + 1;
		if (hn < n) {
			if (s[hn] != ':') {
				snprintf(why, wl, "junk after the IPv6 address");
				return false;
			}
			colon = s + hn;
		}
	} else {
		for (size_t i = 0; i < n; i++)
			if (s[i] == ':') {
				if (colon) {
					snprintf(why, wl, "an IPv6 address must be in brackets");
					return false;
				}
				colon = s + i;
			}
		if (colon)
			hn = (size_t)(colon - s);
	}
	if (colon) {
		if (!parse_port(colon + 1, n - (size_t)(colon + 1 - s), &t->port)) {
			snprintf(why, wl, "the port is not a number from 1 to 65535");
			return false;
		}
	} else if (default_port) {
		t->port = default_port;
	} else {
		snprintf(why, wl, "CONNECT needs host:port");
		return false;
	}
	return norm_host(s, hn, t, why, wl);
}

bool egress_parse_authority(const char *s, size_t n, struct egress_target *t, char *why,
			    size_t whylen)
{
	memset(t, 0, sizeof(*t));
	return parse_hostport(s, n, 0, t, why, whylen);
}

bool egress_parse_absolute(const char *s, size_t n, struct egress_target *t, char *why,
			   size_t whylen)
{
	memset(t, 0, sizeof(*t));
	if (n < 7 || strncasecmp(s, "http://", 7) != 0) {
		if (n >= 8 && strncasecmp(s, "https://", 8) == 0)
			snprintf(why, whylen, "https:// in a request line: use CONNECT for TLS");
		else if (n > 0 && s[0] == '/')
			snprintf(why, whylen, "an origin-form target (%.*s): this is a proxy, set "
				 "HTTP_PROXY and send the absolute URL", (int)(n > 64 ? 64 : n), s);
		else
			snprintf(why, whylen, "only http:// URLs are proxied as plain HTTP");
		return false;
	}
	const char *a = s + 7, *end = s + n;
	const char *slash = a;
	while (slash < end && *slash != '/' && *slash != '?' && *slash != '#')
		slash++;
	if (!parse_hostport(a, (size_t)(slash - a), 80, t, why, whylen))
		return false;
	size_t pn = (size_t)(end - slash);
	if (pn + 2 > sizeof(t->path)) {
		snprintf(why, whylen, "the URL is too long");
		return false;
	}
	if (pn == 0 || *slash != '/')
		t->path[0] = '/';
	memcpy(t->path + (pn == 0 || *slash != '/'), slash, pn);
	return true;
}

bool egress_host_matches(const struct egress_target *t, const char *host, size_t n,
			 int default_port)
{
	struct egress_target h;
	char why[128];
	memset(&h, 0, sizeof(h));
	if (!parse_hostport(host, n, default_port, &h, why, sizeof(why)))
		return false;
	return strcmp(h.host, t->host) == 0 && h.port == t->port;
}

const struct host_rule *egress_find_host(const struct policy *p, const char *host)
{
	const struct host_rule *best = NULL;
	size_t best_len = 0;
	for (size_t i = 0; i < p->nhosts; i++) {
		const char *d = p->hosts[i].domain.s;
		if (!d)
			continue;
		if (strcasecmp(d, host) == 0)
			return &p->hosts[i];
		if (d[0] == '*' && d[1] == '.') {
			size_t sl = strlen(d + 1), hl = strlen(host); /* ".suffix" */
			if (hl > sl && strcasecmp(host + hl - sl, d + 1) == 0 && sl > best_len) {
				best = &p->hosts[i];
				best_len = sl;
			}
		}
	}
	return best;
}

static bool strict_mode(const struct popt *m)
{
	return !(m->set && m->v && strcmp(m->v, "relaxed") == 0);
}

/* The allow_ips entry that covers the address (every port of it). */
static const struct pstr *allow_ips_entry(const struct policy *p, const struct ip16 *a, int port)
{
	for (size_t i = 0; i < p->net.allow_ips.n; i++) {
		struct ip_net n;
		if (ip_net_parse(p->net.allow_ips.v[i].s, &n) && ip_net_covers(&n, a, port))
			return &p->net.allow_ips.v[i];
	}
	return NULL;
}

void egress_decide_dest(const struct policy *p, const struct egress_target *t, bool connect,
			struct egress_decision *d)
{
	memset(d, 0, sizeof(*d));
	int def = connect ? 443 : 80;
	char ipbuf[64];
	snprintf(d->what, sizeof(d->what), "%s %s:%d", connect ? "CONNECT" : "HTTP to", t->host,
		 t->port);
	if (strcmp(t->host, EGRESS_HOST_LOOPBACK) == 0) {
		if (p->net.allow_host_loopback.set && p->net.allow_host_loopback.v) {
			d->host_loopback = true;
			return;
		}
		refuse(d, 403, "policy-blocked");
		snprintf(d->reason, sizeof(d->reason), "%s is the host's loopback, and [network] "
			 "allow_host_loopback is not true", EGRESS_HOST_LOOPBACK);
		snprintf(d->patch, sizeof(d->patch), "[network]\nallow_host_loopback = true\n");
		return;
	}
	if (t->is_ip) {
		if (allow_ips_entry(p, &t->ip, t->port))
			return;
		ip_format(&t->ip, ipbuf, sizeof(ipbuf));
		refuse(d, 403, "policy-blocked");
		snprintf(d->reason, sizeof(d->reason), "an IP address is reached only when [network] "
			 "allow_ips lists it; names go through [[host]] blocks");
		snprintf(d->patch, sizeof(d->patch), "[network]\nallow_ips = [\"%s\"]\n", ipbuf);
		return;
	}
	const struct host_rule *h = egress_find_host(p, t->host);
	d->rule = h;
	if (!h) {
		if (!strict_mode(&p->net.contract_mode)) {
			d->relaxed = true;
		} else {
			refuse(d, 403, "policy-blocked");
			if (p->net.contract_mode.set)
				snprintf(d->reason, sizeof(d->reason), "no [[host]] block names %s, and "
					 "[network] contract_mode = \"strict\" (" AT_FMT ")", t->host,
					 AT_ARGS(p->net.contract_mode.at));
			else
				snprintf(d->reason, sizeof(d->reason), "no [[host]] block names %s "
					 "([network] contract_mode is \"strict\" by default)", t->host);
			snprintf(d->patch, sizeof(d->patch), "[[host]]\ndomain = \"%s\"\n", t->host);
			return;
		}
	}
	/* Another port: only on an address allow_ips covers, which the
	 * lookup decides (egress_vet_addr); without any entry, refuse now. */
	if (t->port != def && p->net.allow_ips.n == 0) {
		refuse(d, 403, "policy-blocked");
		snprintf(d->reason, sizeof(d->reason), "%s%s%s%s allows port %d only (%s); another "
			 "port is reached only on an address that [network] allow_ips lists", h ? "the [[host]] block for " : "", h ? h->domain.s : "",
			 h ? " " : "names ", h ? "" : "", def, connect ? "CONNECT" : "plain HTTP");
		if (h) {
			size_t l = strlen(d->reason);
			snprintf(d->reason + l, sizeof(d->reason) - l, " (" AT_FMT ")", AT_ARGS(h->at));
		}
		/* No patch: the address is not known before the lookup, and a
		 * patch must validate as it is. */
	}
}

void egress_vet_addr(const struct policy *p, const struct egress_target *t, bool connect,
		     const struct ip16 *a, struct egress_decision *d)
{
	memset(d, 0, sizeof(*d));
	int def = connect ? 443 : 80;
	char ipbuf[64];
	ip_format(a, ipbuf, sizeof(ipbuf));
	snprintf(d->what, sizeof(d->what), "%s %s:%d (%s)", connect ? "CONNECT" : "HTTP to",
		 t->host, t->port, ipbuf);
	const char *range = ip_internal_range(a);
	bool covered = allow_ips_entry(p, a, t->port) != NULL;
	if (range && !covered) {
		refuse(d, 403, "policy-blocked");
		snprintf(d->reason, sizeof(d->reason), "%s resolves to %s, a %s address; those are "
			 "reached only when [network] allow_ips lists them", t->host, ipbuf, range);
		snprintf(d->patch, sizeof(d->patch), "[network]\nallow_ips = [\"%s\"]\n", ipbuf);
		return;
	}
	if (t->port != def && !covered) {
		refuse(d, 403, "policy-blocked");
		snprintf(d->reason, sizeof(d->reason), "port %d of %s: a port other than %d is "
			 "reached only on an address that [network] allow_ips lists", t->port, ipbuf, def);
		snprintf(d->patch, sizeof(d->patch), "[network]\nallow_ips = [\"%s\"]\n", ipbuf);
	}
}

bool egress_path_glob(const char *g, const char *s)
{
	for (;;) {
		if (*g == '\0')
			return *s == '\0';
		if (g[0] == '*' && g[1] == '*') {
			g += 2;
			for (const char *k = s;; k++) {
				if (egress_path_glob(g, k))
					return true;
				if (*k == '\0')
					return false;
			}
		}
		if (*g == '*') {
			g++;
			for (const char *k = s;; k++) {
				if (egress_path_glob(g, k))
					return true;
				if (*k == '\0' || *k == '/')
					return false;
			}
		}
		if (*g != *s)
			return false;
		g++;
		s++;
	}
}

static bool in_list(const struct plist *l, const char *s, size_t n, bool nocase)
{
	for (size_t i = 0; i < l->n; i++)
		if (strlen(l->v[i].s) == n &&
		    (nocase ? strncasecmp(l->v[i].s, s, n) : strncmp(l->v[i].s, s, n)) == 0)
			return true;
	return false;
}

void egress_decide_request(const struct policy *p, const struct egress_target *t,
			   const struct egress_request *r, struct egress_decision *d)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->what, sizeof(d->what), "%s %s%s", r->method, t->host, r->path);
	const struct host_rule *h = egress_find_host(p, t->host);
	d->rule = h;
	if (!h)
		return; /* egress_decide_dest allowed it: no contract to hold it to */
	bool strict = h->contract_mode.set ? strict_mode(&h->contract_mode)
					   : strict_mode(&p->net.contract_mode);
	char path[2048];
	size_t pl = strcspn(r->path, "?#");
	snprintf(path, sizeof(path), "%.*s", (int)pl, r->path);
	const char *dom = h->domain.s;
	if (!(r->skip & EGRESS_SKIP_METHOD) && h->methods.n &&
	    !in_list(&h->methods, r->method, strlen(r->method), false)) {
		refuse(d, 405, "contract-refused");
		snprintf(d->reason, sizeof(d->reason), "the [[host]] block for %s (" AT_FMT ") lists "
			 "methods without %s", dom, AT_ARGS(h->methods.v[0].at), r->method);
		snprintf(d->patch, sizeof(d->patch), "[[host]]\ndomain = \"%s\"\nmethods = [\"%s\"]\n",
			 dom, r->method);
	} else if (!(r->skip & EGRESS_SKIP_PATH) && h->paths.n) {
		bool ok = false;
		for (size_t i = 0; i < h->paths.n && !ok; i++)
			ok = egress_path_glob(h->paths.v[i].s, path);
		if (!ok) {
			refuse(d, 403, "contract-refused");
			snprintf(d->reason, sizeof(d->reason), "the [[host]] block for %s (" AT_FMT ") "
				 "lists paths, and none matches %.300s", dom, AT_ARGS(h->paths.v[0].at), path);
			/* No patch for a path that would not be itself in a TOML
			 * string or a glob (a client could send a quote or a glob to have
			 * a wider rule suggested): monitor mode refuses it then. */
			if (!strpbrk(path, "\"\\*") && strlen(path) <= 300)
				snprintf(d->patch, sizeof(d->patch), "[[host]]\ndomain = \"%s\"\n"
					 "paths = [\"%s\"]\n", dom, path);
		}
	}
	if (d->verdict == EGRESS_ALLOW && !(r->skip & EGRESS_SKIP_TYPE) && h->content_types.n &&
	    r->content_type) {
		size_t n = strcspn(r->content_type, "; \t");
		if (!in_list(&h->content_types, r->content_type, n, true)) {
			refuse(d, 415, "contract-refused");
			snprintf(d->reason, sizeof(d->reason), "the [[host]] block for %s (" AT_FMT ") "
				 "lists content_types without %.*s", dom,
				 AT_ARGS(h->content_types.v[0].at), (int)n, r->content_type);
			snprintf(d->patch, sizeof(d->patch), "[[host]]\ndomain = \"%s\"\n"
				 "content_types = [\"%.*s\"]\n", dom, (int)n, r->content_type);
		}
	}
	if (d->verdict == EGRESS_ALLOW && !(r->skip & EGRESS_SKIP_SIZE) && h->max_request_bytes.set &&
	    r->body_bytes > (uint64_t)h->max_request_bytes.v) {
		refuse(d, 413, "body-too-large");
		snprintf(d->reason, sizeof(d->reason), "the body is %llu bytes, and the [[host]] block "
			 "for %s has max_request_bytes = %lld (" AT_FMT ")",
			 (unsigned long long)r->body_bytes, dom, (long long)h->max_request_bytes.v,
			 AT_ARGS(h->max_request_bytes.at));
		snprintf(d->patch, sizeof(d->patch), "[[host]]\ndomain = \"%s\"\nmax_request_bytes = "
			 "%llu\n", dom, (unsigned long long)r->body_bytes);
	}
	if (d->verdict == EGRESS_REFUSE && !strict && d->status != 413) {
		/* relaxed: logged, not refused (the size limit always holds) */
		d->verdict = EGRESS_ALLOW;
		d->relaxed = true;
	}
}
