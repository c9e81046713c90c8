/* `can init`'s decisions, as pure functions over plain data: what kind of
 * project a folder listing shows, which recipes to pre-select (each with a
 * one-line reason), and the canister.toml, `can run` line and JSON that
 * come out of it. cli/cmd_init.c asks the questions and writes the files;
 * nothing here touches a file or the terminal. */
#ifndef CAN_MANIFEST_INIT_H
#define CAN_MANIFEST_INIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define INIT_MAX_RECIPES 12
#define INIT_MAX_ENV 6
#define INIT_MAX_NOTES 6
#define INIT_NOTE_LEN 320

/* What the folder shows. language and tool are NULL when nothing was
 * recognised; why names the file that decided it. */
struct init_detect {
	const char *language; /* "node", "python", "go", "rust", "elixir", "ruby", "java", "c", "nix" */
	const char *tool;     /* "npm", "pnpm", "yarn", "bun", "pip", "uv", "poetry", "pdm",
			       * "pipenv", "go", "cargo", "mix", "bundler", "maven", "gradle",
			       * "cmake", "meson", "nix" */
	char why[160];        /* "package.json and package-lock.json" */
	/* Other ecosystems seen too (a Python tool in a Node project...). */
	const char *others[8];
	size_t nothers;
};

/* names: the entries of the project folder (file names, no paths). */
void init_detect(const char *const *names, size_t n, struct init_detect *out);

/* The answers to the questions; NULL or "" = the default. */
struct init_answers {
	const char *name;      /* sandbox name; default "test" */
	const char *language;  /* overrides the detected one */
	const char *toolchain; /* "system" (default), "nvm", "pyenv", "asdf", "nix", "homebrew", "rustup" */
	const char *editor;    /* "none" (default), "neovim", "vscode", "helix", "emacs" */
	const char *network;   /* "none" (default) or "proxy" */
	const char *command;   /* a command string; default per tool */
	const char *recipes;   /* space-separated; replaces the pre-selection */
};

struct init_recipe {
	char name[64];
	char reason[160];
	bool available; /* a recipe of that name can be found */
};

struct init_plan {
	char name[65];
	const char *language, *tool;
	char description[160];
	struct init_recipe recipes[INIT_MAX_RECIPES]; /* the available ones are written */
	size_t nrecipes;
	char command[512];       /* as a string, split by manifest_split_command */
	bool command_shell;      /* it needs a shell: written as ["sh", "-c", command] */
	const char *egress;      /* "none" or "proxy-only" */
	struct { const char *name, *value, *why; } env[INIT_MAX_ENV];
	size_t nenv;
	char notes[INIT_MAX_NOTES][INIT_NOTE_LEN];
	size_t nnotes;
};

/* Whether a recipe can be found (recipe lookup in can; a table in tests). */
typedef bool (*init_recipe_exists)(const char *name, void *ctx);

/* The plan for detection d and answers a. 0, or -1 with why in err (an
 * answer that cannot be used: an unknown language, a bad name). */
int init_plan_make(const struct init_detect *d, const struct init_answers *a,
		   init_recipe_exists exists, void *ctx, struct init_plan *p, char *err,
		   size_t errlen);

/* canister.toml for the plan (malloc'd). */
char *init_plan_toml(const struct init_plan *p);
/* The equivalent `can run` line (malloc'd, no newline). */
char *init_plan_run_line(const struct init_plan *p);
/* The plan as one JSON object, with the detection. */
void init_plan_json(const struct init_detect *d, const struct init_plan *p, FILE *out);

/* Names of the languages, tool chains, editors the questions offer
 * (NULL-terminated), for prompts and did-you-mean. */
extern const char *const init_languages[];
extern const char *const init_toolchains[];
extern const char *const init_editors[];

#endif
