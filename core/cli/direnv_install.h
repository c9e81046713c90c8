/* The decisions behind `can direnv` (pure: no I/O): where direnv looks for
 * its library, and what --install does with what is already there. */
#ifndef CAN_CLI_DIRENV_INSTALL_H
#define CAN_CLI_DIRENV_INSTALL_H

#include <stdbool.h>

/* What lies at the target path now. */
enum direnv_existing {
	DIRENV_EX_NONE,      /* nothing */
	DIRENV_EX_SAME,      /* a regular file with exactly our bytes */
	DIRENV_EX_DIFFERENT, /* a regular file with other bytes */
	DIRENV_EX_SYMLINK,   /* a symbolic link (never followed) */
	DIRENV_EX_OTHER,     /* a directory, a FIFO, ...: never replaced */
};

enum direnv_action {
	DIRENV_WRITE,           /* write it (atomically) */
	DIRENV_KEEP,            /* already installed: nothing to do */
	DIRENV_REFUSE_CHANGED,  /* someone else's file: needs --force */
	DIRENV_REFUSE_NOT_FILE, /* not a file can replace */
};

enum direnv_action direnv_install_decide(enum direnv_existing ex, bool force);

/* The path of use_canister.sh as direnv finds it: $DIRENV_CONFIG/lib when
 * DIRENV_CONFIG is set, else ${XDG_CONFIG_HOME:-$HOME/.config}/direnv/lib
 * (a relative value is skipped: can does not guess its base). Arguments
 * are the variables' values or NULL. A malloc'd path, or NULL when there is
 * no absolute base (no HOME). */
char *direnv_lib_path(const char *direnv_config, const char *xdg_config_home, const char *home);

#endif
