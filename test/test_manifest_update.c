/* can update's pure parts: SHA-256 against FIPS 180-4's examples, the
 * SHA256SUMS parser and its errors, and the update plan: new, changed and
 * unchanged recipes, and every reason to refuse (unlisted, missing,
 * mismatch, a baseline name). */
#include "recipe_test.h"
#include "lang/manifest_update.h"
#include "util/sha256.h"

static void sha256_vectors(void **state)
{
	(void)state;
	char h[65];
	sha256_hex("abc", 3, h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_hex("", 0, h);
	assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	sha256_hex(m, strlen(m), h);
	assert_string_equal(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* a million 'a', fed in uneven pieces */
	struct sha256 c;
	unsigned char d[32];
	char a[997];
	memset(a, 'a', sizeof(a));
	sha256_init(&c);
	size_t left = 1000000;
	for (size_t k = 1; left; k = k % 997 + 1) {
		size_t n = k < left ? k : left;
		sha256_update(&c, a, n);
		left -= n;
	}
	sha256_final(&c, d);
	for (int i = 0; i < 32; i++)
		snprintf(h + 2 * i, 3, "%02x", d[i]);
	assert_string_equal(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

#define HEX_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static void sums_parsing(void **state)
{
	(void)state;
	const char *ok = "# checksums\n\n" HEX_ABC "  recipes/a.toml\n"
			 "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD *b.toml\r\n";
	struct sums s;
	char err[256];
	assert_int_equal(sums_parse(ok, strlen(ok), &s, err, sizeof(err)), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.v[0].path, "recipes/a.toml");
	assert_int_equal(s.v[0].line, 3);
	assert_string_equal(s.v[1].hex, HEX_ABC);
	assert_string_equal(s.v[1].path, "b.toml");
	sums_free(&s);
	static const struct { const char *text, *err; } bad[] = {
		{ "abc  x.toml\n", "SHA256SUMS:1: expected a 64-digit SHA-256 in hex, two spaces (or ' *') and a path" },
		{ "\n" HEX_ABC " x.toml\n", "SHA256SUMS:2: expected two spaces (or ' *') after the digest" },
		{ HEX_ABC "  ../x.toml\n", "SHA256SUMS:1: the path must be relative, inside the source, without '..'" },
		{ HEX_ABC "  /etc/x\n", "SHA256SUMS:1: the path must be relative, inside the source, without '..'" },
		{ HEX_ABC "  a//b\n", "SHA256SUMS:1: the path must be relative, inside the source, without '..'" },
		{ HEX_ABC "  a\n" HEX_ABC "  a\n", "SHA256SUMS:2: this path is listed twice" },
		{ "zz7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  a\n", "SHA256SUMS:1: expected a 64-digit SHA-256 in hex" },
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		if (sums_parse(bad[i].text, strlen(bad[i].text), &s, err, sizeof(err)) != -1)
			fail_msg("case %zu parsed", i);
		assert_string_equal(err, bad[i].err);
		assert_int_equal(s.n, 0);
	}
	const char nul[] = HEX_ABC "  a\0b\n";
	assert_int_equal(sums_parse(nul, sizeof(nul) - 1, &s, err, sizeof(err)), -1);
	assert_string_equal(err, "SHA256SUMS:1: a NUL character");
}

static char *sums_for(const struct update_file *f, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);
	for (size_t i = 0; i < n; i++) {
		char h[65];
		sha256_hex(f[i].data, f[i].len, h);
		fprintf(o, "%s  %s\n", h, f[i].path);
	}
	fclose(o);
	return buf;
}

#define F(p, s) { p, s, sizeof(s) - 1 }

static void plan_new_changed_same(void **state)
{
	(void)state;
	const struct update_file src[] = { F("recipes/a.toml", "strict = true\n"),
					   F("recipes/b.toml", "[filesystem]\nallow = [\"/b\"]\n"),
					   F("recipes/c.toml", "\n"), F("README.md", "hi\n") };
	const struct update_file cur[] = { F("b.toml", "[filesystem]\nallow = [\"/old\"]\n"),
					   F("c.toml", "\n"), F("mine.toml", "\n") };
	char *text = sums_for(src, 4);
	struct sums s;
	char err[256];
	assert_int_equal(sums_parse(text, strlen(text), &s, err, sizeof(err)), 0);
	struct update_plan p;
	update_plan_make(&s, src, 4, cur, 3, &p);
	assert_int_equal(p.nerrors, 0);
	assert_int_equal(p.n, 3); /* README is checked, not installed; mine.toml is left alone */
	assert_string_equal(p.v[0].name, "a.toml");
	assert_int_equal(p.v[0].action, UPDATE_NEW);
	assert_int_equal(p.v[1].action, UPDATE_CHANGED);
	assert_ptr_equal(p.v[1].cur, &cur[0]);
	assert_int_equal(p.v[2].action, UPDATE_SAME);
	update_plan_free(&p);
	sums_free(&s);
	free(text);
}

static void plan_refusals(void **state)
{
	(void)state;
	const struct update_file good[] = { F("recipes/a.toml", "strict = true\n"),
					    F("recipes/default.toml", "\n") };
	char *text = sums_for(good, 2);
	struct sums s;
	char err[256];
	assert_int_equal(sums_parse(text, strlen(text), &s, err, sizeof(err)), 0);
	/* a.toml changed after SHA256SUMS was made; x.toml never listed;
	 * default.toml is the compiled-in baseline */
	const struct update_file src[] = { F("recipes/a.toml", "strict = false\n"),
					   F("recipes/x.toml", "\n"),
					   F("recipes/default.toml", "\n") };
	struct update_plan p;
	update_plan_make(&s, src, 3, NULL, 0, &p);
	assert_int_equal(p.nerrors, 3);
	assert_non_null(strstr(p.errors[0], "recipes/a.toml: checksum mismatch: SHA256SUMS says "));
	assert_string_equal(p.errors[1], "recipes/x.toml: not listed in SHA256SUMS");
	assert_string_equal(p.errors[2], "recipes/default.toml: 'default' is compiled into can and "
					 "never loaded from a folder; a source cannot replace it");
	update_plan_free(&p);
	/* a listed file that is missing */
	update_plan_make(&s, src, 0, NULL, 0, &p);
	assert_int_equal(p.nerrors, 2);
	assert_string_equal(p.errors[0], "SHA256SUMS:1: recipes/a.toml is listed but missing from "
					 "the source");
	update_plan_free(&p);
	sums_free(&s);
	free(text);
}

static void recipe_paths(void **state)
{
	(void)state;
	assert_true(update_is_recipe_path("recipes/node.toml", false));
	assert_false(update_is_recipe_path("node.toml", false));
	assert_false(update_is_recipe_path("recipes/sub/node.toml", false));
	assert_false(update_is_recipe_path("recipes/.hidden.toml", false));
	assert_true(update_is_recipe_path("node.toml", true));
	assert_false(update_is_recipe_path("README.md", true));
	assert_false(update_is_recipe_path(".toml", true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sha256_vectors),
		cmocka_unit_test(sums_parsing),
		cmocka_unit_test(plan_new_changed_same),
		cmocka_unit_test(plan_refusals),
		cmocka_unit_test(recipe_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
