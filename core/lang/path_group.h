/* Path generalisation for the recipes monitor mode writes (pure; see
 * docs/adr/0205-suggest-generalises-paths.md).
 *
 * A monitored build touches hundreds of files under a few folders
 * (~/.cache/foo/..., /opt/sdk/lib/...); a recipe should name the folders.
 * path_group() maps the paths a run looked up to the entries a recipe
 * allows:
 *   - each path has an anchor: its shortest prefix that is not a shared
 *     container (/, /usr, /usr/lib, /etc, /opt, $HOME, $HOME/.config,
 *     $HOME/.local/share, another user's home, ...). Nothing is widened
 *     above its anchor, so no entry is ever $HOME, / or a shared folder;
 *   - a known cache ($HOME/.cache/NAME, ~/.npm, ~/.cargo/registry,
 *     ~/go/pkg/mod, ~/.m2/repository, /var/cache/NAME, ...) is its own
 *     anchor and is always named whole: its content changes run to run;
 *   - otherwise `min` or more paths under one anchor become their longest
 *     common folder; fewer stay as they are;
 *   - a widened entry never covers a deny path (a credential file): the
 *     group is split below the folder that would, down to exact paths;
 *   - a container looked up itself (a stat on the way down) is dropped
 *     when entries under it remain: they bring it into the view.
 * Nothing here touches the file system. */
#ifndef CAN_LANG_PATH_GROUP_H
#define CAN_LANG_PATH_GROUP_H

#include <stddef.h>

struct path_group_in {
	const char *home;        /* the user's home (a container), or NULL */
	const char *const *deny; /* no widened entry may cover one of these */
	size_t ndeny;
	size_t min;              /* paths under one anchor to widen; 0: 3 */
};

struct path_group_entry {
	char *path;    /* an absolute path: one seen, or a folder covering some */
	size_t covers; /* how many of the input paths it stands for */
	int cache;     /* a known cache (or in one): what a tool writes */
};

struct path_group_out {
	struct path_group_entry *v; /* sorted (strcmp), none under another */
	size_t n;
};

/* The entries that cover paths[0..n) (absolute, normalised: no "//",
 * "/./", "/../" or trailing '/'; others are ignored). Duplicates count
 * once. */
void path_group(const struct path_group_in *in, const char *const *paths, size_t n,
                struct path_group_out *out);
void path_group_out_free(struct path_group_out *o);

/* The length of the known cache folder path is in (path[0..len)), or 0
 * (home may be NULL). */
size_t path_group_cache(const char *home, const char *path);

/* Whether path is a shared container ($HOME, ~/.cache, /usr/lib, ...). */
int path_group_shared(const char *home, const char *path);

/* Whether path is dir or beneath it (a prefix ending at a '/'). */
int path_group_under(const char *dir, const char *path);

#endif
