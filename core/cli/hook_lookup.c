/* Finding the compiled-in hook files (hook_text.h): pure lookups, apart
 * from the CLI, so the unit tests can check them. */
#include "cli/hook_text.h"
#include "util/util.h"

#include <stdio.h>
#include <string.h>

static const char *const shells[] = { "bash", "zsh", "fish" };

const struct hook_text *hook_text_find(const char *name)
{
	for (size_t i = 0; i < hook_ntexts; i++)
		if (strcmp(hook_texts[i].name, name) == 0)
			return &hook_texts[i];
	return NULL;
}

const struct hook_text *hook_for_shell(const char *shell)
{
	for (size_t i = 0; i < ARRAY_LEN(shells); i++)
		if (strcmp(shell, shells[i]) == 0) {
			char file[16];
			snprintf(file, sizeof(file), "can.%s", shells[i]);
			return hook_text_find(file);
		}
	return NULL;
}
