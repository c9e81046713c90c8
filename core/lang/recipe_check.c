/* Syntax checks of single values in a recipe: syscall names (libseccomp),
 * IP addresses and CIDR ranges, host names for [[host]] domain, HTTP
 * methods, URL path globs, content types, environment variable names and
 * paths. Each returns NULL when the value is fine, else the message to
 * report (a static string or `buf`). Pure functions: no I/O. */
#include "lang/recipe_int.h"
#include "lang/schema.h"
#include "lang/syscall_refusals.h"
#include "util/util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>


static const char *const http_methods[] = { "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH",
					    "OPTIONS", "CONNECT", "TRACE" };

static const char *check_syscall(const char *s, char *buf, size_t n)
{
	if (seccomp_syscall_resolve_name(s) != __NR_SCMP_ERROR)
		return NULL;
	/* The names libseccomp knows for this architecture, for a suggestion. */
	static const char *names[1024];
	static size_t nnames;
	if (!nnames)
		for (int nr = 0; nr < 1024; nr++) {
			char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
			if (name && nnames < ARRAY_LEN(names))
				names[nnames++] = name; /* kept for the life of the process */
			else
				free(name);
		}
	const char *sug = did_you_mean(s, names, nnames);
	if (sug)
		snprintf(buf, n, "unknown syscall '%s'; did you mean '%s'?", s, sug);
	else
		snprintf(buf, n, "unknown syscall '%s' (not known to libseccomp)", s);
	return buf;
}

static const char *check_ip(const char *s, char *buf, size_t n)
{
	char addr[64];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(addr))
		goto bad;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	unsigned char bin[16];
	int maxbits;
	if (inet_pton(AF_INET, addr, bin) == 1)
		maxbits = 32;
	else if (inet_pton(AF_INET6, addr, bin) == 1)
		maxbits = 128;
	else
		goto bad;
	if (slash) {
		const char *q = slash + 1;
		if (!*q || strlen(q) > 3)
			goto bad;
		for (const char *c = q; *c; c++)
			if (!isdigit((unsigned char)*c))
				goto bad;
		if (atoi(q) > maxbits)
			goto bad;
	}
	return NULL;
bad:
	snprintf(buf, n, "'%s' is not an IP address or CIDR range (e.g. 10.0.0.0/8, ::1)", s);
	return buf;
}

bool recipe_env_name_ok(const char *s)
{
	if (!(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (const char *c = s; *c; c++)
		if (!(isalnum((unsigned char)*c) || *c == '_'))
			return false;
	return true;
}

static bool label_ok(const char *s, size_t len)
{
	if (len == 0 || len > 63 || s[0] == '-' || s[len - 1] == '-')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-'))
			return false;
	return true;
}

/* Exact host name or "*.suffix"; lower case; not an IP address. */
const char *recipe_check_domain(const char *s, char *buf, size_t n)
{
	const char *name = s;
	if (s[0] == '*') {
		if (s[1] != '.') {
			snprintf(buf, n, "domain '%s': a wildcard must be a whole first label, as in "
					 "'*.example.com'", s);
			return buf;
		}
		name = s + 2;
	}
	unsigned char bin[16];
	if (inet_pton(AF_INET, name, bin) == 1 || inet_pton(AF_INET6, name, bin) == 1) {
		snprintf(buf, n, "domain '%s' is an IP address; put addresses in [network] allow_ips", s);
		return buf;
	}
	bool upper = false;
	for (const char *c = s; *c; c++)
		upper |= isupper((unsigned char)*c);
	if (upper) {
		char low[256];
		size_t i = 0;
		for (; i < sizeof(low) - 1 && s[i]; i++)
			low[i] = (char)tolower((unsigned char)s[i]);
		low[i] = '\0';
		snprintf(buf, n, "domain '%s' must be lower case; did you mean '%s'?", s, low);
		return buf;
	}
	size_t len = strlen(name);
	bool ok = len > 0 && len <= 253;
	for (const char *l = name; ok;) {
		const char *dot = strchr(l, '.');
		size_t ll = dot ? (size_t)(dot - l) : strlen(l);
		ok = label_ok(l, ll);
		if (!dot)
			break;
		l = dot + 1;
	}
	if (!ok) {
		snprintf(buf, n, "domain '%s' is not a valid host name (letters, digits and '-' in "
				 "dot-separated labels, or '*.' followed by one)", s);
		return buf;
	}
	return NULL;
}

static bool token_char(char c)
{
	return isalnum((unsigned char)c) || strchr("!#$&-^_.+", c);
}

const char *recipe_check_elem(const struct field *f, const char *s, char *buf, size_t n)
{
	switch (f->type) {
	case FT_PATHS: {
		char *err = NULL;
		char *x = expand_path(s, NULL, &err);
		if (!x) {
			snprintf(buf, n, "%s", err);
			free(err);
			return buf;
		}
		const char *why = path_problem(x);
		free(x);
		if (why) {
			snprintf(buf, n, "'%s' %s", s, why);
			return buf;
		}
		return NULL;
	}
	case FT_SYSCALLS: {
		const char *bad = check_syscall(s, buf, n);
		if (bad)
			return bad;
		/* Asking to allow an always-refused call is a recipe error here,
		 * at its position, rather than a wall failure when the filter is
		 * built; and the way out is not to drop the filter (ADR 0165). */
		const char *why = strncmp(f->key, "allow", 5) == 0 ? syscall_refusal_why(s) : NULL;
		if (!why)
			return NULL;
		snprintf(buf, n, "'%s' is always refused: %s; no recipe can allow it (see "
				 "docs/seccomp.md and docs/adr/0165-ptrace-stays-refused.md)", s, why);
		return buf;
	}
	case FT_IPS:
		return check_ip(s, buf, n);
	case FT_ENVNAMES:
		if (recipe_env_name_ok(s))
			return NULL;
		snprintf(buf, n, "'%s' is not an environment variable name", s);
		return buf;
	case FT_METHODS:
		for (size_t i = 0; i < ARRAY_LEN(http_methods); i++)
			if (strcmp(s, http_methods[i]) == 0)
				return NULL;
		for (size_t i = 0; i < ARRAY_LEN(http_methods); i++)
			if (strcasecmp(s, http_methods[i]) == 0) {
				snprintf(buf, n, "unknown HTTP method '%s'; did you mean '%s'?", s,
					 http_methods[i]);
				return buf;
			}
		snprintf(buf, n, "unknown HTTP method '%s'; expected one of GET, HEAD, POST, PUT, "
				 "DELETE, PATCH, OPTIONS, CONNECT, TRACE", s);
		return buf;
	case FT_GLOBS:
		if (s[0] != '/') {
			snprintf(buf, n, "path glob '%s' must start with '/'", s);
			return buf;
		}
		for (const char *c = s; *c; c++)
			if ((unsigned char)*c <= ' ' || *c == 0x7f) {
				snprintf(buf, n, "path glob '%s' contains a space or control character", s);
				return buf;
			}
		return NULL;
	case FT_MEDIATYPES: {
		const char *slash = strchr(s, '/');
		bool ok = slash && slash != s && slash[1];
		for (const char *c = s; ok && *c; c++)
			ok = c == slash || token_char(*c) || *c == '*';
		if (ok)
			return NULL;
		snprintf(buf, n, "'%s' is not a content type (type/subtype, e.g. application/json)", s);
		return buf;
	}
	default:
		return NULL;
	}
}
