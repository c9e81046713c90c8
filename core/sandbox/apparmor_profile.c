/* The AppArmor profile that lets an installed can create user namespaces
 * where kernel.apparmor_restrict_unprivileged_userns=1 (Ubuntu 24.04). Pure:
 * the profile text and its file name from the binary's real path. */
#include "sandbox/apparmor_profile.h"

#include <stdio.h>
#include <string.h>

/* AppArmor path rules treat these as pattern characters, and a quote or a
 * newline would end the rule: a binary path holding one gets no profile
 * rather than a profile that names something else. */
static bool path_ok(const char *p)
{
	if (p[0] != '/' || strlen(p) > 1024)
		return false;
	for (const char *c = p; *c; c++)
		if ((unsigned char)*c <= ' ' || strchr("*?[]{}^\"\\,#", *c))
			return false;
	return true;
}

int apparmor_profile_name(const char *exe, char *buf, size_t size)
{
	if (!path_ok(exe))
		return -1;
	/* /usr/bin/can -> usr.bin.can, AppArmor's own naming convention; one
	 * file per installed binary, so a second install gets its own. */
	size_t j = 0;
	for (const char *c = exe + 1; *c && j + 1 < size; c++)
		buf[j++] = *c == '/' ? '.' : *c;
	if (j + 1 >= size)
		return -1;
	buf[j] = '\0';
	return 0;
}

int apparmor_profile_text(const char *exe, char *buf, size_t size)
{
	char name[1100];
	if (apparmor_profile_name(exe, name, sizeof(name)) < 0)
		return -1;
	/* flags=(unconfined): the profile confines nothing, it only carries
	 * the userns permission; the sandbox's walls are can's own. */
	int n = snprintf(buf, size,
			 "# AppArmor profile for can, written by 'can setup'.\n"
			 "# It grants one thing: creating user namespaces, which\n"
			 "# kernel.apparmor_restrict_unprivileged_userns=1 denies to programs\n"
			 "# without a profile. It confines nothing (flags=(unconfined)).\n"
			 "abi <abi/4.0>,\n"
			 "include <tunables/global>\n"
			 "\n"
			 "profile %s %s flags=(unconfined) {\n"
			 "  userns,\n"
			 "\n"
			 "  include if exists <local/%s>\n"
			 "}\n", name, exe, name);
	return n > 0 && (size_t)n < size ? n : -1;
}

