/* The pure decisions of `can direnv` (direnv_install.h). */
#include "cli/direnv_install.h"
#include "util/util.h"

#include <stddef.h>

enum direnv_action direnv_install_decide(enum direnv_existing ex, bool force)
{
	switch (ex) {
	case DIRENV_EX_NONE:
		return DIRENV_WRITE;
	case DIRENV_EX_SAME:
		return DIRENV_KEEP;
	case DIRENV_EX_DIFFERENT:
	case DIRENV_EX_SYMLINK:
		/* Perhaps the user's own edit, or a link into a dotfiles
		 * repository: replaced only when asked to. */
		return force ? DIRENV_WRITE : DIRENV_REFUSE_CHANGED;
	case DIRENV_EX_OTHER:
		break;
	}
	return DIRENV_REFUSE_NOT_FILE;
}

static bool absolute(const char *p)
{
	return p && p[0] == '/';
}

char *direnv_lib_path(const char *direnv_config, const char *xdg_config_home, const char *home)
{
	if (absolute(direnv_config))
		return xasprintf("%s/lib/use_canister.sh", direnv_config);
	if (absolute(xdg_config_home))
		return xasprintf("%s/direnv/lib/use_canister.sh", xdg_config_home);
	if (absolute(home))
		return xasprintf("%s/.config/direnv/lib/use_canister.sh", home);
	return NULL;
}
