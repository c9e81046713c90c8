/* Merging recipes left to right (DESIGN section 4). Every field follows the
 * rule its row in the field table names (schema.c); docs/merge.md is
 * generated from the same rows and test/test_merge.c has one test per row.
 * Values keep the origin of the layer that decided them, so `can recipe
 * explain` can point at the line that matters. */
#include "lang/recipe.h"
#include "lang/schema.h"
#include "util/util.h"

#include <stdlib.h>
#include <string.h>

static bool is_list(enum ftype t)
{
	return t == FT_PATHS || t == FT_SYSCALLS || t == FT_IPS || t == FT_ENVNAMES ||
	       t == FT_METHODS || t == FT_GLOBS || t == FT_MEDIATYPES;
}

static void set_opt(struct popt *d, const struct popt *s)
{
	free(d->v);
	d->v = xstrdup(s->v);
	d->set = true;
	d->at = s->at;
}

static void merge_value(const struct field *f, void *dst, const void *src)
{
	if (is_list(f->type)) {
		plist_union(dst, src);
		return;
	}
	switch (f->type) {
	case FT_BOOL: {
		struct pbool *d = dst;
		const struct pbool *s = src;
		if (!s->set)
			return;
		if (f->merge == MR_OR) {
			/* The first layer that said true keeps the credit. */
			if (!d->set || (!d->v && s->v))
				*d = *s;
		} else {
			*d = *s;
		}
		return;
	}
	case FT_INT: {
		struct pint *d = dst;
		const struct pint *s = src;
		if (!s->set)
			return;
		if (!d->set || f->merge == MR_LAST || (f->merge == MR_MAX && s->v > d->v) ||
		    (f->merge == MR_MIN && s->v < d->v))
			*d = *s;
		return;
	}
	case FT_FLOAT: {
		struct pdouble *d = dst;
		const struct pdouble *s = src;
		if (!s->set)
			return;
		if (!d->set || f->merge == MR_LAST || (f->merge == MR_MAX && s->v > d->v) ||
		    (f->merge == MR_MIN && s->v < d->v))
			*d = *s;
		return;
	}
	case FT_STRING: case FT_ENUM: {
		const struct popt *s = src;
		if (s->set)
			set_opt(dst, s);
		return;
	}
	case FT_DOMAIN: {
		struct pstr *d = dst;
		const struct pstr *s = src;
		if (!d->s) {
			d->s = xstrdup(s->s);
			d->at = s->at;
		}
		return;
	}
	case FT_ENV: {
		const struct penv *s = src;
		for (size_t i = 0; i < s->n; i++)
			penv_set(dst, s->v[i].name, s->v[i].value, s->v[i].at);
		return;
	}
	default:
		return; /* ports and hosts are merged by their own functions */
	}
}

static void merge_host(struct host_rule *d, const struct host_rule *s)
{
	if (!d->domain.s)
		d->at = s->at;
	for (size_t i = 0; i < schema_nfields; i++) {
		const struct field *f = &schema_fields[i];
		if (strcmp(f->section, "host") == 0)
			merge_value(f, schema_ptr(f, d), schema_ptr(f, (void *)s));
	}
}

static void merge_hosts(struct policy *dst, const struct policy *src)
{
	for (size_t i = 0; i < src->nhosts; i++) {
		const struct host_rule *s = &src->hosts[i];
		struct host_rule *d = NULL;
		for (size_t j = 0; j < dst->nhosts && !d; j++)
			if (strcmp(dst->hosts[j].domain.s, s->domain.s) == 0)
				d = &dst->hosts[j];
		if (!d)
			d = policy_add_host(dst);
		merge_host(d, s);
	}
}

static void merge_ports(struct policy *dst, const struct policy *src)
{
	for (size_t i = 0; i < src->net.nports; i++) {
		const struct port_rule *s = &src->net.ports[i];
		struct port_rule *d = NULL;
		for (size_t j = 0; j < dst->net.nports && !d; j++)
			if (dst->net.ports[j].host == s->host &&
			    strcmp(dst->net.ports[j].protocol, s->protocol) == 0)
				d = &dst->net.ports[j];
		if (!d) {
			d = policy_add_port(dst);
			d->host = s->host;
			d->protocol = xstrdup(s->protocol);
		}
		d->sandbox = s->sandbox;
		d->at = s->at;
	}
}

void policy_merge(struct policy *dst, const struct policy *src)
{
	for (size_t i = 0; i < schema_nfields; i++) {
		const struct field *f = &schema_fields[i];
		if (strcmp(f->section, "host") == 0)
			continue;
		if (f->type == FT_HOSTS)
			merge_hosts(dst, src);
		else if (f->type == FT_PORTS)
			merge_ports(dst, src);
		else
			merge_value(f, schema_ptr(f, dst), schema_ptr(f, (void *)src));
	}
}
