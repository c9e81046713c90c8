/* See proxy_tags.h. A linear table: a few hundred entries at most, each
 * looked at once per connect and once per accept. */
#include "shell/proxy_tags.h"

#include <string.h>

void proxy_tags_init(struct proxy_tags *t)
{
	memset(t, 0, sizeof(*t));
}

bool proxy_tags_record(struct proxy_tags *t, uint16_t port, const struct policy_set *set)
{
	if (!port || !set || set->n < 1 || set->n > POLICY_SET_MAX)
		return false;
	struct proxy_tag *slot = NULL, *oldest = NULL;
	for (size_t i = 0; i < PROXY_TAGS_MAX; i++) {
		struct proxy_tag *e = &t->v[i];
		if (e->port == port) {
			slot = e;
			break;
		}
		if (!e->port && !slot)
			slot = e;
		if (e->port && (!oldest || e->seq < oldest->seq))
			oldest = e;
	}
	if (!slot) {
		if (!oldest) /* PROXY_TAGS_MAX is not 0; for the analysers */
			return false;
		slot = oldest;
		t->evicted++;
	}
	slot->port = port;
	slot->seq = ++t->seq;
	slot->set = *set;
	return true;
}

bool proxy_tags_take(struct proxy_tags *t, uint16_t port, struct policy_set *out)
{
	if (!port)
		return false;
	for (size_t i = 0; i < PROXY_TAGS_MAX; i++) {
		struct proxy_tag *e = &t->v[i];
		if (e->port != port)
			continue;
		*out = e->set;
		memset(e, 0, sizeof(*e));
		return true;
	}
	return false;
}

unsigned proxy_tags_count(const struct proxy_tags *t)
{
	unsigned n = 0;
	for (size_t i = 0; i < PROXY_TAGS_MAX; i++)
		n += t->v[i].port != 0;
	return n;
}
