/* `can update`'s decisions, pure: the checksum file of a recipe source
 * (SHA256SUMS, in sha256sum's format), and what an update would do to the
 * user's recipes folder. cli/cmd_update.c fetches (git), shows the diff,
 * asks and writes; nothing here touches a file.
 *
 * A source is a git repository holding recipes in recipes/NAME.toml (or NAME.toml
 * at its top when it has no recipes/ folder) and SHA256SUMS at its top. The
 * update is refused, with nothing changed, when a recipe is not listed in
 * SHA256SUMS, a listed file is missing, or a digest differs. */
#ifndef CAN_MANIFEST_UPDATE_H
#define CAN_MANIFEST_UPDATE_H

#include <stdbool.h>
#include <stddef.h>

#define UPDATE_SUMS_FILE "SHA256SUMS"

struct sum_entry {
	char hex[65];  /* lower case */
	char *path;    /* relative to the source's top: "recipes/node.toml" */
	int line;
};
struct sums {
	struct sum_entry *v;
	size_t n;
};

/* Parses "HEX  PATH" or "HEX *PATH" lines; blank lines and '#' comments
 * are skipped. 0, or -1 with "SHA256SUMS:LINE: why" in err. */
int sums_parse(const char *text, size_t len, struct sums *out, char *err, size_t errlen);
void sums_free(struct sums *s);

/* A file as the update sees it: its path (in the source: relative to the
 * top; in the user's folder: the file name) and content. */
struct update_file {
	const char *path;
	const char *data;
	size_t len;
};

enum update_action { UPDATE_SAME, UPDATE_NEW, UPDATE_CHANGED };
struct update_item {
	char *name;              /* the file name in the user's folder: "node.toml" */
	const struct update_file *src, *cur; /* cur NULL for a new one */
	enum update_action action;
};
struct update_plan {
	struct update_item *v;
	size_t n;
	char **errors;           /* each a full sentence; any = refuse everything */
	size_t nerrors;
};

/* src: every file of the source that is a recipe (see above) plus every
 * file SHA256SUMS names that exists; cur: the user's recipe files. */
void update_plan_make(const struct sums *sums, const struct update_file *src, size_t nsrc,
		      const struct update_file *cur, size_t ncur, struct update_plan *out);
void update_plan_free(struct update_plan *p);

/* A source path is a recipe: "recipes/NAME.toml", or "NAME.toml" when
 * top_level (the source has no recipes/ folder). */
bool update_is_recipe_path(const char *path, bool top_level);

#endif
