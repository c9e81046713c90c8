/* Protocol upgrades against the host's contract (see upgrade.h). */
#include "proxy/upgrade.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool is_space(char ch) { return ch == ' ' || ch == '\t'; }

enum upgrade_kind upgrade_kind(const char *value, size_t n)
{
	if (!value)
		return UPGRADE_NONE;
	size_t i = 0;
	while (i < n) {
		while (i < n && (is_space(value[i]) || value[i] == ','))
			i++;
		size_t s = i;
		while (i < n && value[i] != ',' && value[i] != '/' && !is_space(value[i]))
			i++;
		size_t len = i - s;
		while (i < n && value[i] != ',')
			i++; /* "/13", spaces: not part of the name */
		if (!len)
			continue;
		if (len == 9 && strncasecmp(value + s, "websocket", 9) == 0)
			return UPGRADE_WEBSOCKET;
	}
	/* any other Upgrade field, even an empty one, asks for a protocol
	 * the proxy does not relay */
	return UPGRADE_OTHER;
}

void upgrade_decide(const struct policy *p, const struct egress_target *t, const char *method,
		    struct egress_decision *d)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->what, sizeof(d->what), "WebSocket %.20s %.200s%.80s", method, t->host,
		 t->path);
	const struct host_rule *h = egress_find_host(p, t->host);
	d->rule = h;
	if (strcmp(method, "GET") != 0) {
		d->verdict = EGRESS_REFUSE;
		d->status = 400;
		d->error = "bad-request";
		snprintf(d->reason, sizeof(d->reason), "a WebSocket upgrade is a GET (RFC 6455), "
			 "not %s", method);
		return;
	}
	if (h && h->websocket.set && h->websocket.v)
		return;
	d->verdict = EGRESS_REFUSE;
	d->status = 403;
	d->error = "contract-refused";
	const char *dom = h ? h->domain.s : t->host;
	if (h)
		snprintf(d->reason, sizeof(d->reason), "the [[host]] block for %s (%s:%d) does not "
			 "set websocket = true: after a 101 the connection would carry frames that "
			 "no contract describes and DLP does not scan", dom,
			 h->at.file ? h->at.file : "?", h->at.line);
	else
		snprintf(d->reason, sizeof(d->reason), "no [[host]] block for %s sets websocket = "
			 "true: after a 101 the connection would carry frames that no contract "
			 "describes and DLP does not scan", dom);
	snprintf(d->patch, sizeof(d->patch), "[[host]]\ndomain = \"%s\"\nwebsocket = true\n", dom);
}
