/* Session mode's user side, the pure parts: what `can direnv --install`
 * does with what is already there, where direnv finds its library, and
 * that the compiled-in hook texts are the shell hooks (one per shell, none
 * for others). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "cli/direnv_install.h"
#include "cli/hook_text.h"

static void install_decisions(void **state)
{
	(void)state;
	assert_int_equal(direnv_install_decide(DIRENV_EX_NONE, false), DIRENV_WRITE);
	assert_int_equal(direnv_install_decide(DIRENV_EX_NONE, true), DIRENV_WRITE);
	assert_int_equal(direnv_install_decide(DIRENV_EX_SAME, false), DIRENV_KEEP);
	assert_int_equal(direnv_install_decide(DIRENV_EX_SAME, true), DIRENV_KEEP);
	/* someone's edited copy, or a link into their dotfiles: only on --force */
	assert_int_equal(direnv_install_decide(DIRENV_EX_DIFFERENT, false), DIRENV_REFUSE_CHANGED);
	assert_int_equal(direnv_install_decide(DIRENV_EX_DIFFERENT, true), DIRENV_WRITE);
	assert_int_equal(direnv_install_decide(DIRENV_EX_SYMLINK, false), DIRENV_REFUSE_CHANGED);
	assert_int_equal(direnv_install_decide(DIRENV_EX_SYMLINK, true), DIRENV_WRITE);
	/* a directory or a FIFO is never replaced, even with --force */
	assert_int_equal(direnv_install_decide(DIRENV_EX_OTHER, false), DIRENV_REFUSE_NOT_FILE);
	assert_int_equal(direnv_install_decide(DIRENV_EX_OTHER, true), DIRENV_REFUSE_NOT_FILE);
}

static void expect_path(const char *dc, const char *xdg, const char *home, const char *want)
{
	char *p = direnv_lib_path(dc, xdg, home);
	if (!want) {
		assert_null(p);
		return;
	}
	assert_non_null(p);
	assert_string_equal(p, want);
	free(p);
}

static void lib_paths(void **state)
{
	(void)state;
	expect_path(NULL, NULL, "/home/u", "/home/u/.config/direnv/lib/use_canister.sh");
	expect_path(NULL, "/x/cfg", "/home/u", "/x/cfg/direnv/lib/use_canister.sh");
	expect_path("/d", "/x/cfg", "/home/u", "/d/lib/use_canister.sh");
	/* relative values are skipped, never resolved against the cwd */
	expect_path("rel", "also-rel", "/home/u", "/home/u/.config/direnv/lib/use_canister.sh");
	expect_path(NULL, NULL, NULL, NULL);
	expect_path(NULL, NULL, "relative-home", NULL);
	expect_path("", "", "", NULL);
}

static void hook_texts_are_the_hooks(void **state)
{
	(void)state;
	const char *shells[] = { "bash", "zsh", "fish" };
	for (size_t i = 0; i < 3; i++) {
		const struct hook_text *h = hook_for_shell(shells[i]);
		assert_non_null(h);
		assert_int_equal(strlen(h->text), h->len);
		/* each starts the session through the check, guarded */
		assert_non_null(strstr(h->text, "can session --check"));
		assert_non_null(strstr(h->text, "exec can session --"));
		assert_non_null(strstr(h->text, "CANISTER_SESSION_OFF"));
		assert_non_null(strstr(h->text, "canister 1 refresh"));
	}
	assert_null(hook_for_shell("tcsh"));
	assert_null(hook_for_shell(""));
	assert_null(hook_for_shell("bash "));
	const struct hook_text *u = hook_text_find("use_canister.sh");
	assert_non_null(u);
	assert_non_null(strstr(u->text, "use_canister()"));
	assert_non_null(strstr(u->text, "canister 1 declare"));
	assert_null(hook_text_find("nothing.sh"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(install_decisions),
		cmocka_unit_test(lib_paths),
		cmocka_unit_test(hook_texts_are_the_hooks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
