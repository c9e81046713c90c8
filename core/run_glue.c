/* See run_glue.h. TEMPORARY: until the `recipe` and `seccomp` branches are
 * merged, their functions are weak references here; when absent, the
 * policy comes from a built-in stand-in for base.toml and seccomp reports
 * "not available" (so `can run` fails closed unless
 * --allow-degraded=seccomp). Remove the weak pragmas and the stand-in when
 * they land. */
#include "run_glue.h"
#include "recipe.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#pragma weak recipe_load_effective
#pragma weak expand_env_from_process
#pragma weak policy_init
#pragma weak plist_add
#pragma weak sc_build
#pragma weak sc_install
#pragma weak sc_free

static void stand_in_add(struct plist *l, const char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = (struct pstr){ xstrdup(s), { "<built-in base>", 0, 0 } };
}

/* A stand-in for base.toml: the system folders most programs need. */
static void stand_in_policy(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	static const char *const allow[] = {
		"/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32",
		"/etc/alternatives", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d",
		"/etc/localtime", "/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/hosts",
		"/etc/resolv.conf", "/etc/ssl", "/etc/ca-certificates", "/etc/gitconfig",
		"/etc/bash.bashrc", "/etc/profile", "/etc/inputrc", "/etc/mime.types",
		"/etc/python3", "/etc/python3.11", "/etc/terminfo", "/usr/share/terminfo",
	};
	for (size_t i = 0; i < ARRAY_LEN(allow); i++)
		stand_in_add(&p->fs.allow, allow[i]);
	const char *home = getenv("HOME");
	if (home && home[0] == '/') {
		static const char *const deny[] = { ".ssh", ".gnupg", ".aws", ".config/gcloud",
						    ".netrc", ".docker", ".kube" };
		for (size_t i = 0; i < ARRAY_LEN(deny); i++) {
			char *d = xasprintf("%s/%s", home, deny[i]);
			stand_in_add(&p->fs.deny, d);
			free(d);
		}
	}
	stand_in_add(&p->fs.deny, "/etc/shadow");
	stand_in_add(&p->proc.env_passthrough, "TERM");
	p->net.egress = (struct popt){ true, xstrdup("none"), { "<built-in base>", 0, 0 } };
}

int run_glue_policy(const char *const *names, size_t n, const char *cmd_path, struct policy *out)
{
	if (!recipe_load_effective) {
		if (n > 0) {
			can_warn("run: recipes are not supported by this build yet (-r %s)", names[0]);
			return CAN_EXIT_USAGE;
		}
		stand_in_policy(out);
		return 0;
	}
	struct expand_env env;
	expand_env_from_process(&env);
	struct diags d = { 0 };
	int rc = recipe_load_effective(names, n, cmd_path, &env, out, &d);
	if (rc) {
		diags_print(&d, stderr);
		diags_free(&d);
		return CAN_EXIT_USAGE;
	}
	diags_free(&d);
	return 0;
}

int run_glue_sc_build(const struct policy *p, const struct sc_options *o, struct sc_filter **out)
{
	*out = NULL;
	if (!sc_build || !sc_install)
		return 0;
	struct diags d = { 0 };
	*out = sc_build(p, o, &d);
	if (!*out) {
		diags_print(&d, stderr);
		diags_free(&d);
		return CAN_EXIT_USAGE;
	}
	diags_free(&d);
	return 1;
}

int run_glue_sc_install(struct sc_filter *f)
{
	return sc_install ? sc_install(f) : -ENOSYS;
}

void run_glue_sc_free(struct sc_filter *f)
{
	if (sc_free)
		sc_free(f);
}
