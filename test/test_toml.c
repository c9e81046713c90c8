/* The TOML 1.0 reader on valid input: every value type, every escape, every
 * structural rule, the tree's positions and flags, and the lookup helpers.
 * Errors (message and line:col) are in test_toml_errors.c. */
#include "toml_cases.h"

#include "lang/toml.h"

static const struct tcase valid[] = {
	/* Document structure */
	{ "empty document", "", "{}" },
	{ "only comments and blank lines", "# c\n\n   # d\n\t\n", "{}" },
	{ "key/value without final newline", "a = 1", "{a=1}" },
	{ "CRLF line endings", "a = 1\r\nb = 2\r\n", "{a=1,b=2}" },
	{ "whitespace around =", "a=1\n b\t=\t2 \n", "{a=1,b=2}" },
	{ "comment after value", "a = 1 # one\n", "{a=1}" },
	{ "comment with UTF-8 and tab", "# é \t ☃\na = 1", "{a=1}" },
	{ "UTF-8 byte order mark at the start", "\xef\xbb\xbf" "a = 1", "{a=1}" },
	{ "byte order mark alone", "\xef\xbb\xbf", "{}" },
	{ "document order kept", "z = 1\na = 2\nm = 3", "{z=1,a=2,m=3}" },

	/* Keys */
	{ "bare keys with - and _", "bare_key-1 = 1\n1234 = 2\n-_- = 3", "{bare_key-1=1,1234=2,-_-=3}" },
	{ "bare key that looks like a bool", "true = 1\nfalse = 2", "{true=1,false=2}" },
	{ "quoted keys", "\"a b\" = 1\n'c.d' = 2\n\"\" = 3", "{\"a b\"=1,\"c.d\"=2,\"\"=3}" },
	{ "quoted key with escape", "\"\\u00e9\" = 1", "{\"é\"=1}" },
	{ "quoted key same as bare", "a = 1\n\"b\" = 2", "{a=1,b=2}" },
	{ "dotted keys", "a.b.c = 1\na.b.d = 2\na.e = 3", "{a={b={c=1,d=2},e=3}}" },
	{ "dotted keys with whitespace", "a . b\t.c = 1", "{a={b={c=1}}}" },
	{ "dotted key with quoted parts", "site.\"google.com\" = true", "{site={\"google.com\"=true}}" },
	{ "number-like dotted key", "3.14159 = 'pi'", "{3={14159=\"pi\"}}" },
	{ "dotted keys out of order (allowed, discouraged)", "apple.type = 1\norange.type = 2\napple.skin = 3",
	  "{apple={type=1,skin=3},orange={type=2}}" },

	/* Strings */
	{ "basic string", "s = \"hello\"", "{s=\"hello\"}" },
	{ "empty strings", "a = \"\"\nb = ''", "{a=\"\",b=\"\"}" },
	{ "every simple escape", "s = \"\\b\\t\\n\\f\\r\\\"\\\\\"", "{s=\"\\u0008\\u0009\\u000A\\u000C\\u000D\\\"\\\\\"}" },
	{ "\\u escape", "s = \"\\u0041\\u00e9\\u20AC\"", "{s=\"Aé€\"}" },
	{ "\\U escape", "s = \"\\U0001F600\\U00000041\"", "{s=\"😀A\"}" },
	{ "\\u escape of U+0000", "s = \"a\\u0000b\"", "{s=\"a\\u0000b\"}" },
	{ "largest code point", "s = \"\\U0010FFFF\"", "{s=\"\xf4\x8f\xbf\xbf\"}" },
	{ "code points around the surrogates", "s = \"\\uD7FF\\uE000\"", "{s=\"\xed\x9f\xbf\xee\x80\x80\"}" },
	{ "tab in basic string", "s = \"a\tb\"", "{s=\"a\\u0009b\"}" },
	{ "UTF-8 in strings", "s = \"日本語 ☃\"", "{s=\"日本語 ☃\"}" },
	{ "literal string keeps backslashes", "s = 'C:\\Users\\x'", "{s=\"C:\\\\Users\\\\x\"}" },
	{ "literal string with double quotes", "s = 'say \"hi\"'", "{s=\"say \\\"hi\\\"\"}" },
	{ "multi-line basic", "s = \"\"\"\nRoses\nViolets\"\"\"", "{s=\"Roses\\u000AViolets\"}" },
	{ "multi-line basic without first newline", "s = \"\"\"a\nb\"\"\"", "{s=\"a\\u000Ab\"}" },
	{ "multi-line basic CRLF first newline", "s = \"\"\"\r\na\r\nb\"\"\"", "{s=\"a\\u000Ab\"}" },
	{ "multi-line basic line-ending backslash", "s = \"\"\"\nThe quick \\\n\n   brown \\\n   fox.\"\"\"",
	  "{s=\"The quick brown fox.\"}" },
	{ "line-ending backslash with trailing spaces", "s = \"\"\"a \\  \t\n  b\"\"\"", "{s=\"a b\"}" },
	{ "line-ending backslash with CRLF", "s = \"\"\"a\\\r\n\r\n  b\"\"\"", "{s=\"ab\"}" },
	{ "multi-line basic with escapes", "s = \"\"\"\\t\\u00e9\\\"\"\"\"", "{s=\"\\u0009é\\\"\"}" },
	{ "quotes inside multi-line basic", "s = \"\"\"a \"b\" \"\"c\"\" d\"\"\"", "{s=\"a \\\"b\\\" \\\"\\\"c\\\"\\\" d\"}" },
	{ "one quote before closing", "s = \"\"\"a\"\"\"\"", "{s=\"a\\\"\"}" },
	{ "two quotes before closing", "s = \"\"\"a\"\"\"\"\"", "{s=\"a\\\"\\\"\"}" },
	{ "empty multi-line basic", "s = \"\"\"\"\"\"", "{s=\"\"}" },
	{ "multi-line literal", "s = '''\nI [dw]on't need \\d{2}\n'''", "{s=\"I [dw]on't need \\\\d{2}\\u000A\"}" },
	{ "quotes inside multi-line literal", "s = '''a ''b'' c''''", "{s=\"a ''b'' c'\"}" },
	{ "two quotes before closing literal", "s = '''a'''''", "{s=\"a''\"}" },
	{ "multi-line literal CRLF normalised", "s = '''a\r\nb'''", "{s=\"a\\u000Ab\"}" },
	{ "tab in multi-line strings", "a = \"\"\"\t\"\"\"\nb = '''\t'''", "{a=\"\\u0009\",b=\"\\u0009\"}" },
	{ "string followed by comment", "s = \"a#b\" # c", "{s=\"a#b\"}" },

	/* Integers */
	{ "decimal integers", "a = 0\nb = +99\nc = 42\nd = -17\ne = -0\nf = +0", "{a=0,b=99,c=42,d=-17,e=0,f=0}" },
	{ "underscores between digits", "a = 1_000\nb = 5_349_221\nc = 1_2_3_4_5", "{a=1000,b=5349221,c=12345}" },
	{ "hex, octal, binary", "a = 0xDEADBEEF\nb = 0xdead_beef\nc = 0o755\nd = 0b1101_0110\ne = 0x0\nf = 0o0_1",
	  "{a=3735928559,b=3735928559,c=493,d=214,e=0,f=1}" },
	{ "hex with leading zeros", "a = 0x000000ff", "{a=255}" },
	{ "int64 limits", "a = 9223372036854775807\nb = -9223372036854775808",
	  "{a=9223372036854775807,b=-9223372036854775808}" },
	{ "non-decimal int64 max", "a = 0x7FFFFFFFFFFFFFFF\nb = 0o777777777777777777777\nc = 0b111111111111111111111111111111111111111111111111111111111111111",
	  "{a=9223372036854775807,b=9223372036854775807,c=9223372036854775807}" },

	/* Floats */
	{ "fractional floats", "a = +1.0\nb = 3.1415\nc = -0.01", "{a=1f,b=3.1415000000000002f,c=-0.01f}" },
	{ "exponent floats", "a = 5e+22\nb = 1e06\nc = -2E-2\nd = 6.626e-34",
	  "{a=4.9999999999999996e+22f,b=1000000f,c=-0.02f,d=6.6259999999999998e-34f}" },
	{ "underscores in floats", "a = 224_617.445_991_228\nb = 1e1_0", "{a=224617.44599122801f,b=10000000000f}" },
	{ "zero floats", "a = 0.0\nb = -0.0\nc = +0.0\nd = 0e0", "{a=0f,b=-0f,c=0f,d=0f}" },
	{ "inf and nan", "a = inf\nb = +inf\nc = -inf\nd = nan\ne = +nan\nf = -nan",
	  "{a=inf,b=inf,c=-inf,d=nan,e=nan,f=-nan}" },
	{ "tiny float underflows quietly", "a = 1e-400", "{a=0f}" },

	/* Booleans */
	{ "booleans", "t = true\nf = false", "{t=true,f=false}" },

	/* Date-times: kept as written, shape and ranges checked */
	{ "offset date-times", "a = 1979-05-27T07:32:00Z\nb = 1979-05-27T00:32:00-07:00\nc = 1979-05-27T00:32:00.999999+07:00",
	  "{a=dt(1979-05-27T07:32:00Z),b=dt(1979-05-27T00:32:00-07:00),c=dt(1979-05-27T00:32:00.999999+07:00)}" },
	{ "space delimiter and lowercase", "a = 1979-05-27 07:32:00Z\nb = 1979-05-27t07:32:00z",
	  "{a=dt(1979-05-27 07:32:00Z),b=dt(1979-05-27t07:32:00z)}" },
	{ "local date-time, date, time", "a = 1979-05-27T07:32:00\nb = 1979-05-27\nc = 07:32:00\nd = 00:32:00.999999",
	  "{a=dt(1979-05-27T07:32:00),b=dt(1979-05-27),c=dt(07:32:00),d=dt(00:32:00.999999)}" },
	{ "leap day and leap second", "a = 2000-02-29\nb = 2024-02-29\nc = 23:59:60", "{a=dt(2000-02-29),b=dt(2024-02-29),c=dt(23:59:60)}" },
	{ "date followed by comment", "a = 1979-05-27 # birthday", "{a=dt(1979-05-27)}" },

	/* Arrays */
	{ "arrays", "a = [1, 2, 3]\nb = []\nc = [ ]", "{a=[1,2,3],b=[],c=[]}" },
	{ "mixed types allowed in 1.0", "a = [0.1, \"x\", 1, true, [1], {b = 1}, 1979-05-27]",
	  "{a=[0.10000000000000001f,\"x\",1,true,[1],{b=1},dt(1979-05-27)]}" },
	{ "nested arrays", "a = [[1, 2], [\"a\", [3]], []]", "{a=[[1,2],[\"a\",[3]],[]]}" },
	{ "trailing comma", "a = [1, 2,]", "{a=[1,2]}" },
	{ "newlines and comments inside arrays", "a = [ # start\n  1, # one\n\n  2 # two\n  , 3\n # end\n]",
	  "{a=[1,2,3]}" },
	{ "CRLF inside arrays", "a = [\r\n1,\r\n2\r\n]", "{a=[1,2]}" },
	{ "array of inline tables", "points = [ { x = 1, y = 2 }, { x = 7 } ]", "{points=[{x=1,y=2},{x=7}]}" },

	/* Inline tables */
	{ "inline table", "name = { first = \"Tom\", last = \"P\" }", "{name={first=\"Tom\",last=\"P\"}}" },
	{ "empty inline table", "a = {}\nb = { }", "{a={},b={}}" },
	{ "inline table with dotted keys", "a = { b.c = 1, b.d = 2, e = 3 }", "{a={b={c=1,d=2},e=3}}" },
	{ "nested inline tables", "a = { b = { c = { d = 1 } } }", "{a={b={c={d=1}}}}" },
	{ "inline table with array with newlines", "a = { b = [\n1,\n2] }", "{a={b=[1,2]}}" },
	{ "multi-line string inside inline table", "a = { b = \"\"\"x\ny\"\"\", c = 1 }\nd = 2",
	  "{a={b=\"x\\u000Ay\",c=1},d=2}" },
	{ "inline table inside [table]", "[t]\na = { x = 1 }", "{t={a={x=1}}}" },

	/* Tables */
	{ "tables", "[a]\nx = 1\n[b]\ny = 2", "{a={x=1},b={y=2}}" },
	{ "empty table", "[a]", "{a={}}" },
	{ "header whitespace and quoted parts", "[ a . \"b c\" . 'd' ]\nx = 1", "{a={\"b c\"={d={x=1}}}}" },
	{ "super-table defined after sub-table", "[x.y.z.w]\n[x]\na = 1", "{x={y={z={w={}}},a=1}}" },
	{ "sub-tables of a dotted-key table", "[fruit]\napple.color = 'red'\n[fruit.apple.texture]\nsmooth = true",
	  "{fruit={apple={color=\"red\",texture={smooth=true}}}}" },
	{ "header followed by comment", "[a] # c\nx = 1", "{a={x=1}}" },
	{ "root keys before first header", "a = 1\n[t]\nb = 2", "{a=1,t={b=2}}" },
	{ "dotted key through implicit table", "[a.b.c]\n[a]\nb.d = 1", "{a={b={c={},d=1}}}" },

	/* Arrays of tables */
	{ "array of tables", "[[p]]\nn = 1\n[[p]]\n[[p]]\nn = 3", "{p=[{n=1},{},{n=3}]}" },
	{ "sub-tables of array elements",
	  "[[fruits]]\nname = 'apple'\n[fruits.physical]\ncolor = 'red'\n[[fruits.varieties]]\nname = 'red delicious'\n"
	  "[[fruits.varieties]]\nname = 'granny'\n[[fruits]]\nname = 'banana'\n[[fruits.varieties]]\nname = 'plantain'",
	  "{fruits=[{name=\"apple\",physical={color=\"red\"},varieties=[{name=\"red delicious\"},{name=\"granny\"}]},"
	  "{name=\"banana\",varieties=[{name=\"plantain\"}]}]}" },
	{ "array of tables header whitespace", "[[ a . b ]]\nx = 1", "{a={b=[{x=1}]}}" },
	{ "array of tables inside implicit table", "[a.b]\n[[a.c]]\n[a]\nd = 1", "{a={b={},c=[{}],d=1}}" },
};

static void test_positions(void **state)
{
	(void)state;
	const char *src = "# c\na = 1\n[t]\n  b = \"x\"\nc.d = [1, {e = 2}]\n[[arr]]\n";
	struct diags d = { 0 };
	struct toml_table *t = toml_parse("pos.toml", src, strlen(src), &d);
	assert_non_null(t);
	assert_int_equal(d.n, 0);
	assert_int_equal(t->at.line, 1);
	assert_int_equal(t->at.col, 1);
	assert_string_equal(t->at.file, "pos.toml");
	assert_int_equal(t->kv[0].key_at.line, 2);
	assert_int_equal(t->kv[0].key_at.col, 1);
	assert_int_equal(t->kv[0].val->at.line, 2);
	assert_int_equal(t->kv[0].val->at.col, 5);
	const struct toml_value *tv = toml_get(t, "t");
	assert_non_null(tv);
	assert_int_equal(tv->type, TOML_TABLE);
	assert_true(tv->u.tab->defined);
	assert_false(tv->u.tab->implicit);
	assert_int_equal(tv->u.tab->at.line, 3);
	assert_int_equal(tv->u.tab->at.col, 1);
	const struct toml_table *tt = tv->u.tab;
	assert_int_equal(tt->kv[0].key_at.line, 4);
	assert_int_equal(tt->kv[0].key_at.col, 3);
	assert_int_equal(tt->kv[0].val->at.col, 7);
	const struct toml_value *cd = toml_get_path(t, "t.c.d");
	assert_non_null(cd);
	assert_int_equal(cd->type, TOML_ARRAY);
	assert_false(cd->u.arr.of_tables);
	assert_int_equal(cd->at.line, 5);
	assert_int_equal(cd->at.col, 7);
	assert_int_equal(cd->u.arr.v[1]->at.col, 11);
	assert_true(cd->u.arr.v[1]->u.tab->is_inline);
	assert_true(toml_get_path(t, "t.c")->u.tab->dotted);
	const struct toml_value *arr = toml_get(t, "arr");
	assert_true(arr->u.arr.of_tables);
	assert_int_equal(arr->u.arr.n, 1);
	assert_int_equal(arr->u.arr.v[0]->at.line, 6);
	assert_null(toml_get(t, "nope"));
	assert_null(toml_get_path(t, "a.b"));
	assert_null(toml_get_path(t, "t.nope"));
	toml_free(t);
	diags_free(&d);
}

static void test_implicit_flags(void **state)
{
	(void)state;
	const char *src = "[a.b]\n";
	struct diags d = { 0 };
	struct toml_table *t = toml_parse("f.toml", src, strlen(src), &d);
	assert_non_null(t);
	const struct toml_value *a = toml_get(t, "a");
	assert_true(a->u.tab->implicit);
	assert_false(a->u.tab->defined);
	assert_true(toml_get(a->u.tab, "b")->u.tab->defined);
	toml_free(t);
}

static void test_type_names(void **state)
{
	(void)state;
	assert_string_equal(toml_type_name(TOML_STRING), "string");
	assert_string_equal(toml_type_name(TOML_INTEGER), "integer");
	assert_string_equal(toml_type_name(TOML_FLOAT), "float");
	assert_string_equal(toml_type_name(TOML_BOOL), "boolean");
	assert_string_equal(toml_type_name(TOML_DATETIME), "date-time");
	assert_string_equal(toml_type_name(TOML_ARRAY), "array");
	assert_string_equal(toml_type_name(TOML_TABLE), "table");
}

static void test_string_with_nul_has_length(void **state)
{
	(void)state;
	const char *src = "s = \"a\\u0000b\"";
	struct diags d = { 0 };
	struct toml_table *t = toml_parse("n.toml", src, strlen(src), &d);
	const struct toml_value *s = toml_get(t, "s");
	assert_int_equal(s->u.str.len, 3);
	assert_memory_equal(s->u.str.s, "a\0b", 4);
	toml_free(t);
}

/* The buffer is not NUL-terminated: parse from a heap block of exactly len
 * bytes so AddressSanitizer catches any read past it. */
static void test_exact_buffer(void **state)
{
	(void)state;
	const char *docs[] = { "a = 1", "a = \"x\"", "a = 'x'", "a = [1,2]", "a = 1979-05-27", "a = tru",
			       "a = \"\"\"x\"\"\"", "[t]", "[[t]]", "# c", "a.b = {c = 1}", "a = 1e5", "a = \"\\u00" };
	for (size_t i = 0; i < ARRAY_SIZE(docs); i++) {
		size_t n = strlen(docs[i]);
		char *b = malloc(n);
		memcpy(b, docs[i], n);
		struct diags d = { 0 };
		struct toml_table *t = toml_parse("x.toml", b, n, &d);
		assert_true((t != NULL) != (d.n == 1));
		toml_free(t);
		diags_free(&d);
		free(b);
	}
}

/* A 10 MB recipe: one table with ~600 000 keys and a long array. Must parse
 * (the duplicate check is hashed, not quadratic) and be complete. */
static void test_ten_megabytes(void **state)
{
	(void)state;
	size_t cap = 11u << 20, len = 0;
	char *b = malloc(cap);
	size_t keys = 0;
	while (len < (8u << 20)) {
		len += (size_t)sprintf(b + len, "key_%zu = \"value %zu\"\n", keys, keys);
		keys++;
	}
	len += (size_t)sprintf(b + len, "[arr]\nv = [");
	size_t items = 0;
	while (len < (10u << 20) - 16) {
		len += (size_t)sprintf(b + len, "%zu,", items);
		items++;
	}
	len += (size_t)sprintf(b + len, "]\n");
	char *exact = malloc(len);
	memcpy(exact, b, len);
	free(b);
	struct diags d = { 0 };
	struct toml_table *t = toml_parse("big.toml", exact, len, &d);
	assert_non_null(t);
	assert_int_equal(t->n, keys + 1);
	assert_string_equal(toml_get(t, "key_12345")->u.str.s, "value 12345");
	assert_int_equal(toml_get_path(t, "arr.v")->u.arr.n, items);
	toml_free(t);
	free(exact);
	diags_free(&d);
}

/* Same big table with the last key repeated: reported with both positions. */
static void test_ten_megabytes_duplicate(void **state)
{
	(void)state;
	size_t cap = 11u << 20, len = 0, keys = 0;
	char *b = malloc(cap);
	while (len < (10u << 20)) {
		len += (size_t)sprintf(b + len, "k%zu = %zu\n", keys, keys);
		keys++;
	}
	len += (size_t)sprintf(b + len, "k7 = 0\n");
	struct diags d = { 0 };
	struct toml_table *t = toml_parse("big.toml", b, len, &d);
	assert_null(t);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].at.line, (int)keys + 1);
	assert_string_equal(d.v[0].msg, "duplicate key 'k7' (first defined at 8:1)");
	free(b);
	diags_free(&d);
}

/* Large tables use the hash index; lookups must agree with a scan, and a
 * table extended by hand afterwards (index now stale) still finds keys. */
static void test_index_and_fallback(void **state)
{
	(void)state;
	char src[4096];
	size_t len = 0;
	for (int i = 0; i < 100; i++)
		len += (size_t)sprintf(src + len, "k%d = %d\n", i, i);
	struct diags d = { 0 };
	struct toml_table *t = toml_parse("i.toml", src, len, &d);
	assert_non_null(t);
	assert_non_null(t->index);
	for (int i = 0; i < 100; i++) {
		char k[16];
		sprintf(k, "k%d", i);
		const struct toml_value *v = toml_get(t, k);
		assert_non_null(v);
		assert_int_equal(v->u.i, i);
	}
	assert_null(toml_get(t, "k100"));
	assert_null(toml_get(t, ""));
	/* Append one kv by hand, as code building a tree might. */
	if (t->n == t->cap) {
		t->cap *= 2;
		t->kv = realloc(t->kv, t->cap * sizeof(*t->kv));
	}
	struct toml_value *v = calloc(1, sizeof(*v));
	v->type = TOML_BOOL;
	v->u.b = true;
	t->kv[t->n++] = (struct toml_kv){ .key = strdup("extra"), .val = v };
	assert_ptr_equal(toml_get(t, "extra"), v);
	assert_non_null(toml_get(t, "k42"));
	toml_free(t);
}

/* A table built with designated initializers (no index) works with the
 * lookup helpers, and NULL arguments are answered with NULL. */
static void test_hand_built(void **state)
{
	(void)state;
	struct toml_value inner = { .type = TOML_INTEGER, .u.i = 7 };
	struct toml_kv ikv = { .key = "port", .val = &inner };
	struct toml_table sub = { .kv = &ikv, .n = 1, .cap = 1 };
	struct toml_value subv = { .type = TOML_TABLE, .u.tab = &sub };
	struct toml_kv kv = { .key = "server", .val = &subv };
	struct toml_table root = { .kv = &kv, .n = 1, .cap = 1 };
	assert_ptr_equal(toml_get(&root, "server"), &subv);
	assert_ptr_equal(toml_get_path(&root, "server.port"), &inner);
	assert_null(toml_get_path(&root, "server.port.x"));
	assert_null(toml_get_path(&root, "server."));
	assert_null(toml_get(NULL, "x"));
	assert_null(toml_get(&root, NULL));
	assert_null(toml_get_path(NULL, "x"));
	assert_null(toml_get_path(&root, NULL));
	toml_free(NULL);
	toml_value_free(NULL);
}

/* The same document parsed twice gives the same tree, and keys made by
 * different routes (bare, quoted, dotted, header) land in one table. */
static void test_routes_to_one_table(void **state)
{
	(void)state;
	const char *src = "[a]\nx = 1\n[a.\"b\"]\ny = 2\n[a.'c']\n[\"a\".d]\n";
	char *one = toml_dump_parse(src, strlen(src));
	char *two = toml_dump_parse(src, strlen(src));
	assert_string_equal(one, "{a={x=1,b={y=2},c={},d={}}}");
	assert_string_equal(one, two);
	free(one);
	free(two);
}

int main(void)
{
	struct CMUnitTest *tests = NULL;
	size_t n = 0;
	add_tcases(&tests, &n, valid, ARRAY_SIZE(valid));
	add_test(&tests, &n, "positions of keys, values and tables", test_positions);
	add_test(&tests, &n, "implicit and defined flags", test_implicit_flags);
	add_test(&tests, &n, "type names", test_type_names);
	add_test(&tests, &n, "string with U+0000 keeps its length", test_string_with_nul_has_length);
	add_test(&tests, &n, "buffer read exactly to len", test_exact_buffer);
	add_test(&tests, &n, "10 MB recipe parses", test_ten_megabytes);
	add_test(&tests, &n, "10 MB recipe with a duplicate key", test_ten_megabytes_duplicate);
	add_test(&tests, &n, "hash index and stale-index fallback", test_index_and_fallback);
	add_test(&tests, &n, "hand-built tables and NULL arguments", test_hand_built);
	add_test(&tests, &n, "one table reached by several routes", test_routes_to_one_table);
	int rc = _cmocka_run_group_tests("toml", tests, n, NULL, NULL);
	free(tests);
	return rc;
}
