/* The TOML 1.0 reader on bad input: every error, its message and its exact
 * line:col (1-based, columns in bytes), and adversarial inputs (NUL bytes,
 * invalid UTF-8, deep nesting, huge numbers, every truncation of a sample). */
#include "toml_cases.h"

#include "lang/toml.h"

#include <limits.h>

#define NUL_CASE(name, lit, want) { name, lit, want, sizeof(lit) - 1 }

static const struct tcase errors[] = {
	/* Encoding */
	NUL_CASE("NUL byte between statements", "a = 1\n\0b = 2", "ERR 2:1: NUL byte in input"),
	NUL_CASE("NUL byte in a string", "a = \"x\0\"", "ERR 1:7: NUL byte in input"),
	NUL_CASE("NUL byte in a comment", "# x\0", "ERR 1:4: NUL byte in input"),
	NUL_CASE("NUL byte in a key", "a\0 = 1", "ERR 1:2: NUL byte in input"),
	{ "invalid UTF-8 byte 0xff", "a = \"\xff\"", "ERR 1:6: invalid UTF-8 byte 0xff" },
	{ "invalid UTF-8 in a comment", "a = 1 # \xfe\n", "ERR 1:9: invalid UTF-8 byte 0xfe" },
	{ "lone continuation byte", "# \x80", "ERR 1:3: invalid UTF-8 byte 0x80" },
	{ "overlong 2-byte encoding of '/'", "a = \"\xc0\xaf\"", "ERR 1:6: invalid UTF-8: overlong encoding (byte 0xc0)" },
	{ "overlong 3-byte encoding", "a = '\xe0\x80\xaf'", "ERR 1:6: invalid UTF-8: overlong encoding (byte 0xe0)" },
	{ "overlong 4-byte encoding", "a = '\xf0\x80\x80\xaf'", "ERR 1:6: invalid UTF-8: overlong encoding (byte 0xf0)" },
	{ "UTF-8 encoded surrogate", "a = '\xed\xa0\x80'", "ERR 1:6: invalid UTF-8: encoded UTF-16 surrogate (byte 0xed)" },
	{ "UTF-8 above U+10FFFF", "a = '\xf4\x90\x80\x80'", "ERR 1:6: invalid UTF-8: code point above U+10FFFF (byte 0xf4)" },
	{ "truncated UTF-8 sequence", "a = '\xe2\x82'", "ERR 1:6: invalid UTF-8: truncated sequence (byte 0xe2)" },
	{ "truncated UTF-8 at end of input", "a = 1 # \xe2\x82", "ERR 1:9: invalid UTF-8: truncated sequence (byte 0xe2)" },
	{ "invalid UTF-8 after a syntax error is not reported first", "a = = 1 \xff",
	  "ERR 1:5: expected a value after '=', found '='" },

	{ "columns count from after a byte order mark", "\xef\xbb\xbf" "a = ?", "ERR 1:5: expected a value after '=', found '?'" },
	{ "byte order mark after the start", "a = 1\n\xef\xbb\xbf", "ERR 2:1: expected a key or a [table] header, found '\xef\xbb\xbf'" },

	/* Line counting across everything that can hold a newline */
	{ "lines after a multi-line basic string with CRLF", "a = \"\"\"\nx\r\ny\"\"\"\nb = ?", "ERR 4:5: expected a value after '=', found '?'" },
	{ "lines after a line-ending backslash", "a = \"\"\"x\\\n\n\r\n  y\"\"\"\nb = ?", "ERR 5:5: expected a value after '=', found '?'" },
	{ "lines after a multi-line literal", "a = '''\n\n'''\nb = ?", "ERR 4:5: expected a value after '=', found '?'" },
	{ "lines inside an array", "a = [\n1,\r\n# c\n2,\n?]", "ERR 5:1: expected a value or ']' in array, found '?'" },
	{ "column after a tab counts one byte", "\ta =\t?", "ERR 1:6: expected a value after '=', found '?'" },
	{ "column counts UTF-8 bytes", "a = 'é' ?", "ERR 1:10: expected a newline after the value, found '?'" },

	/* Keys and statements */
	{ "missing =", "foo bar = 1", "ERR 1:5: expected '=' after key 'foo', found 'bar'" },
	{ "missing = at end of line", "foo\n", "ERR 1:4: expected '=' after key 'foo', found end of line" },
	{ "missing = at end of input", "a.b", "ERR 1:4: expected '=' after key 'a.b', found end of input" },
	{ "missing value", "a =\n", "ERR 1:4: expected a value after '=', found end of line" },
	{ "missing value at end of input", "a = ", "ERR 1:5: expected a value after '=', found end of input" },
	{ "missing key", "= 1", "ERR 1:1: expected a key or a [table] header, found '='" },
	{ "empty dotted part", "a..b = 1", "ERR 1:3: expected a key after '.', found '.'" },
	{ "trailing dot", "a. = 1", "ERR 1:4: expected a key after '.', found '='" },
	{ "invalid bare key character", "a$ = 1", "ERR 1:2: expected '=' after key 'a', found '$'" },
	{ "non-ASCII bare key", "é = 1", "ERR 1:1: expected a key or a [table] header, found 'é'" },
	{ "two values on one line", "a = 1 b = 2", "ERR 1:7: expected a newline after the value, found 'b'" },
	{ "value after value", "a = \"x\" \"y\"", "ERR 1:9: expected a newline after the value, found a string" },
	{ "multi-line string as key", "\"\"\"a\"\"\" = 1", "ERR 1:1: a multi-line string cannot be a key" },
	{ "key with U+0000", "\"a\\u0000\" = 1", "ERR 1:1: keys cannot contain U+0000" },
	{ "key/value on header line", "[a] b = 1", "ERR 1:5: expected a newline after the [header], found 'b'" },
	{ "bare carriage return", "a = 1\rb = 2", "ERR 1:6: expected a newline after the value, found a carriage return not followed by a newline" },
	{ "control character outside strings", "a = 1\x01", "ERR 1:6: expected a newline after the value, found control character U+0001" },

	/* Strings */
	{ "unterminated basic string", "a = \"abc", "ERR 1:5: unterminated string" },
	{ "newline in basic string", "a = \"abc\nd\"", "ERR 1:5: unterminated string" },
	{ "unterminated literal string", "a = 'abc\n", "ERR 1:5: unterminated string" },
	{ "unterminated multi-line basic", "a = \"\"\"abc\n\n", "ERR 1:5: unterminated multi-line string" },
	{ "unterminated multi-line literal", "a = '''abc\n", "ERR 1:5: unterminated multi-line string" },
	{ "invalid escape \\q", "a = \"\\q\"", "ERR 1:6: invalid escape '\\q'" },
	{ "invalid escape \\x (TOML 1.1 only)", "a = \"\\x41\"", "ERR 1:6: invalid escape '\\x'" },
	{ "invalid escape \\e (TOML 1.1 only)", "a = \"\\e\"", "ERR 1:6: invalid escape '\\e'" },
	{ "invalid escape \\ space", "a = \"\\ \"", "ERR 1:6: invalid escape '\\ '" },
	{ "invalid escape with non-ASCII", "a = \"\\é\"", "ERR 1:6: invalid escape '\\é'" },
	{ "invalid escape in multi-line", "a = \"\"\"\nx\\q\"\"\"", "ERR 2:2: invalid escape '\\q'" },
	{ "backslash space not before newline", "a = \"\"\"x\\  y\"\"\"", "ERR 1:9: invalid escape '\\ '" },
	{ "line continuation in single-line string", "a = \"x\\\ny\"", "ERR 1:7: invalid escape '\\' at end of line (only multi-line strings can continue lines)" },
	{ "\\u with too few digits", "a = \"\\u12\"", "ERR 1:6: invalid escape '\\u12': expected 4 hex digits" },
	{ "\\U with too few digits", "a = \"\\U0001F60\"", "ERR 1:6: invalid escape '\\U0001F60': expected 8 hex digits" },
	{ "\\u lone high surrogate", "a = \"\\uD800\"", "ERR 1:6: invalid escape '\\uD800': surrogate code points are not allowed" },
	{ "\\u lone low surrogate", "a = \"\\udfff\"", "ERR 1:6: invalid escape '\\udfff': surrogate code points are not allowed" },
	{ "\\U surrogate", "a = \"\\U0000D800\"", "ERR 1:6: invalid escape '\\U0000D800': surrogate code points are not allowed" },
	{ "\\U above U+10FFFF", "a = \"\\U00110000\"", "ERR 1:6: invalid escape '\\U00110000': code point above U+10FFFF" },
	{ "\\U way above", "a = \"\\UFFFFFFFF\"", "ERR 1:6: invalid escape '\\UFFFFFFFF': code point above U+10FFFF" },
	{ "control character in basic string", "a = \"x\x01\"", "ERR 1:7: control character U+0001 in string" },
	{ "DEL in literal string", "a = 'x\x7f'", "ERR 1:7: control character U+007F in string" },
	{ "bare CR in multi-line string", "a = \"\"\"x\ry\"\"\"", "ERR 1:9: carriage return not followed by a newline in string" },
	{ "control character in multi-line literal", "a = '''\n\x1b'''", "ERR 2:1: control character U+001B in string" },
	{ "control character in comment", "# a\x01", "ERR 1:4: control character U+0001 in comment" },
	{ "bare CR in comment", "# a\rb", "ERR 1:4: carriage return not followed by a newline in comment" },
	{ "too many quotes after multi-line", "a = \"\"\"x\"\"\"\"\"\"", "ERR 1:14: unterminated string" },

	/* Numbers */
	{ "leading zero", "a = 0123", "ERR 1:5: invalid number '0123': leading zeros are not allowed" },
	{ "leading zero with sign", "a = -01", "ERR 1:5: invalid number '-01': leading zeros are not allowed" },
	{ "leading zero in float", "a = 01.5", "ERR 1:5: invalid number '01.5': leading zeros are not allowed" },
	{ "double underscore", "a = 1__0", "ERR 1:5: invalid number '1__0'" },
	{ "trailing underscore", "a = 1_", "ERR 1:5: invalid number '1_'" },
	{ "leading underscore", "a = _1", "ERR 1:5: invalid value '_1' (strings must be quoted)" },
	{ "underscore after prefix", "a = 0x_1", "ERR 1:5: invalid number '0x_1'" },
	{ "signed hex", "a = +0x10", "ERR 1:5: invalid number '+0x10'" },
	{ "uppercase prefix", "a = 0XFF", "ERR 1:5: invalid number '0XFF'" },
	{ "octal digit out of range", "a = 0o8", "ERR 1:5: invalid number '0o8'" },
	{ "empty prefix", "a = 0b", "ERR 1:5: invalid number '0b'" },
	{ "integer overflow", "a = 9223372036854775808", "ERR 1:5: integer '9223372036854775808' is out of range (64-bit signed)" },
	{ "negative integer overflow", "a = -9223372036854775809", "ERR 1:5: integer '-9223372036854775809' is out of range (64-bit signed)" },
	{ "huge integer", "a = 123456789012345678901234567890123456789012345678901234567890",
	  "ERR 1:5: integer '1234567890123456789012345678901234567890...' is out of range (64-bit signed)" },
	{ "hex overflow", "a = 0x8000000000000000", "ERR 1:5: integer '0x8000000000000000' is out of range (64-bit signed)" },
	{ "float without digits after dot", "a = 1.", "ERR 1:5: invalid number '1.'" },
	{ "float without leading digit", "a = .5", "ERR 1:5: invalid number '.5'" },
	{ "float dot before exponent", "a = 1.e5", "ERR 1:5: invalid number '1.e5'" },
	{ "float empty exponent", "a = 1e", "ERR 1:5: invalid number '1e'" },
	{ "float underscore before dot", "a = 1_.5", "ERR 1:5: invalid number '1_.5'" },
	{ "float overflow", "a = 1e400", "ERR 1:5: float '1e400' is out of range" },
	{ "capitalised inf", "a = Inf", "ERR 1:5: invalid value 'Inf' (strings must be quoted)" },
	{ "capitalised bool", "a = True", "ERR 1:5: invalid value 'True' (strings must be quoted)" },
	{ "unquoted string", "a = hello", "ERR 1:5: invalid value 'hello' (strings must be quoted)" },
	{ "bool with suffix", "a = truex", "ERR 1:5: invalid value 'truex' (strings must be quoted)" },

	/* Date-times */
	{ "month 13", "a = 1979-13-01", "ERR 1:5: invalid date-time '1979-13-01': month must be 01 to 12" },
	{ "day 32", "a = 1979-01-32", "ERR 1:5: invalid date-time '1979-01-32': day out of range for the month" },
	{ "February 29 of a non-leap year", "a = 1900-02-29", "ERR 1:5: invalid date-time '1900-02-29': day out of range for the month" },
	{ "day 0", "a = 1979-01-00", "ERR 1:5: invalid date-time '1979-01-00': day out of range for the month" },
	{ "hour 24", "a = 24:00:00", "ERR 1:5: invalid date-time '24:00:00': hour must be 00 to 23" },
	{ "minute 60", "a = 1979-05-27T07:60:00", "ERR 1:5: invalid date-time '1979-05-27T07:60:00': minute must be 00 to 59" },
	{ "second 61", "a = 07:00:61", "ERR 1:5: invalid date-time '07:00:61': second must be 00 to 60" },
	{ "offset hour 24", "a = 1979-05-27T07:00:00+24:00", "ERR 1:5: invalid date-time '1979-05-27T07:00:00+24:00': offset hour must be 00 to 23" },
	{ "time without seconds (TOML 1.1 only)", "a = 07:32", "ERR 1:5: invalid date-time '07:32'" },
	{ "five-digit year", "a = 10000-01-01", "ERR 1:5: invalid date-time '10000-01-01'" },
	{ "negative exponent is still a number", "a = 1e-_1", "ERR 1:5: invalid number '1e-_1'" },
	{ "single-digit month", "a = 1979-5-27", "ERR 1:5: invalid date-time '1979-5-27'" },
	{ "fraction without digits", "a = 07:32:00.", "ERR 1:5: invalid date-time '07:32:00.'" },
	{ "datetime with trailing garbage", "a = 1979-05-27T07:32:00Zx", "ERR 1:5: invalid date-time '1979-05-27T07:32:00Zx'" },

	/* Arrays */
	{ "unterminated array", "a = [1, 2", "ERR 1:10: expected ',' or ']' in array (opened at 1:5), found end of input" },
	{ "missing comma", "a = [1 2]", "ERR 1:8: expected ',' or ']' in array (opened at 1:5), found an integer" },
	{ "double comma", "a = [1,,2]", "ERR 1:8: expected a value or ']' in array, found ','" },
	{ "leading comma", "a = [,1]", "ERR 1:6: expected a value or ']' in array, found ','" },
	{ "array unterminated across lines", "a = [\n1,\n", "ERR 3:1: expected a value or ']' in array, found end of input" },
	{ "key/value inside array", "a = [b = 1]", "ERR 1:6: invalid value 'b' (strings must be quoted)" },

	/* Inline tables */
	{ "newline in inline table", "a = { b = 1,\n c = 2 }", "ERR 1:13: newline in inline table (opened at 1:5): inline tables must be on one line" },
	{ "newline at inline table start", "a = {\n}", "ERR 1:6: newline in inline table (opened at 1:5): inline tables must be on one line" },
	{ "trailing comma in inline table", "a = { b = 1, }", "ERR 1:14: trailing comma in inline table (opened at 1:5)" },
	{ "missing comma in inline table", "a = { b = 1 c = 2 }", "ERR 1:13: expected ',' or '}' in inline table (opened at 1:5), found 'c'" },
	{ "unterminated inline table", "a = { b = 1", "ERR 1:12: expected ',' or '}' in inline table (opened at 1:5), found end of input" },
	{ "missing = in inline table", "a = { b }", "ERR 1:9: expected '=' after key 'b', found '}'" },
	{ "duplicate key in inline table", "a = { b = 1, b = 2 }", "ERR 1:14: duplicate key 'b' (first defined at 1:7)" },
	{ "inline table then dotted key extends it", "a = { b = 1 }\na.c = 2", "ERR 2:1: cannot add to inline table 'a' (defined at 1:5)" },
	{ "inline table then [header] extends it", "a = { b = 1 }\n[a.c]", "ERR 2:2: cannot add to inline table 'a' (defined at 1:5)" },
	{ "inline table then [header] redefines it", "a = {}\n[a]", "ERR 2:1: table [a] is already defined as an inline table at 1:5" },
	{ "nested inline table is closed too", "a = { b = { c = 1 } }\n[a.b.d]", "ERR 2:2: cannot add to inline table 'a' (defined at 1:5)" },
	{ "dotted table inside inline table is closed", "[t]\na = { b.c = 1 }\na.b.d = 2", "ERR 3:1: cannot add to inline table 'a' (defined at 2:5)" },
	{ "inline table key both value and table", "a = { b = 1, b.c = 2 }", "ERR 1:14: key 'b' is already an integer (defined at 1:7), not a table" },

	/* Tables and semantic rules */
	{ "duplicate key", "a = 1\nb = 2\na = 3", "ERR 3:1: duplicate key 'a' (first defined at 1:1)" },
	{ "duplicate quoted and bare key", "a = 1\n\"a\" = 2", "ERR 2:1: duplicate key 'a' (first defined at 1:1)" },
	{ "duplicate key shown quoted", "\"a b\" = 1\n'a b' = 2", "ERR 2:1: duplicate key '\"a b\"' (first defined at 1:1)" },
	{ "duplicate key in table", "[t]\nx = 1\n  x = 2", "ERR 3:3: duplicate key 'x' (first defined at 2:1)" },
	{ "duplicate dotted key", "a.b = 1\na.b = 2", "ERR 2:3: duplicate key 'b' (first defined at 1:3)" },
	{ "value then dotted table", "a = 1\na.b = 2", "ERR 2:1: key 'a' is already an integer (defined at 1:1), not a table" },
	{ "dotted table then value", "a.b = 1\na = 2", "ERR 2:1: duplicate key 'a' (first defined at 1:1)" },
	{ "table defined twice", "[a]\nx = 1\n[a]", "ERR 3:1: table [a] is defined twice (first at 1:1)" },
	{ "sub-table defined twice", "[a.b]\n[a]\n[a.b]", "ERR 3:1: table [a.b] is defined twice (first at 1:1)" },
	{ "implicit super-table defined twice", "[a.b]\n[a]\n[a]", "ERR 3:1: table [a] is defined twice (first at 2:1)" },
	{ "header for a dotted-key table", "[a]\nb.c = 1\n[a.b]", "ERR 3:1: table [a.b] was already defined by dotted keys at 2:1" },
	{ "header for a root dotted-key table", "a.b = 1\n[a]", "ERR 2:1: table [a] was already defined by dotted keys at 1:1" },
	{ "dotted key into a [header] table", "[a.b.c]\nz = 9\n[a]\nb.c.t = 1",
	  "ERR 4:3: cannot add to table 'b.c' with a dotted key: it has its own [header] at 1:1" },
	{ "header over a value", "a = 1\n[a]", "ERR 2:2: table [a] conflicts with key 'a' (defined at 1:1)" },
	{ "header through a value", "a = 1\n[a.b]", "ERR 2:2: key 'a' is already an integer (defined at 1:1), not a table" },
	{ "header through a static array", "a = [1]\n[a.b]", "ERR 2:2: key 'a' is already an array (defined at 1:1), not a table" },
	{ "[[x]] after static array", "x = [1]\n[[x]]", "ERR 2:1: cannot append to static array 'x' (defined at 1:1) with [[x]]" },
	{ "[[x]] after static array of tables", "x = [{a = 1}]\n[[x]]", "ERR 2:1: cannot append to static array 'x' (defined at 1:1) with [[x]]" },
	{ "[[x]] after table", "[x]\n[[x]]", "ERR 2:1: array of tables [[x]] conflicts with table [x] at 1:1" },
	{ "[[x]] after value", "x = 1\n[[x]]", "ERR 2:3: array of tables [[x]] conflicts with key 'x' (defined at 1:1)" },
	{ "[x] after [[x]]", "[[x]]\n[x]", "ERR 2:1: table [x] conflicts with array of tables [[x]] at 1:1" },
	{ "key after [[x]] already array", "[[x]]\n[t]\nq = 1\n[x.y]\n[t]", "ERR 5:1: table [t] is defined twice (first at 2:1)" },
	{ "dotted key through array of tables", "[[a]]\n[b]\n[[a.c]]\n[a]", "ERR 4:1: table [a] conflicts with array of tables [[a]] at 1:1" },
	{ "value then [[ ]] child", "[[a]]\nb = 1\n[[a.b]]", "ERR 3:5: array of tables [[a.b]] conflicts with key 'a.b' (defined at 2:1)" },

	{ "string then dotted table", "a = \"x\"\na.b = 1", "ERR 2:1: key 'a' is already a string (defined at 1:1), not a table" },
	{ "float then dotted table", "a = 1.5\na.b = 1", "ERR 2:1: key 'a' is already a float (defined at 1:1), not a table" },
	{ "boolean then header", "a = true\n[a.b]", "ERR 2:2: key 'a' is already a boolean (defined at 1:1), not a table" },
	{ "date-time then header", "a = 1979-05-27\n[a.b]", "ERR 2:2: key 'a' is already a date-time (defined at 1:1), not a table" },
	{ "dotted key through array of tables", "[[a.b]]\n[a]\nb.c = 1", "ERR 3:1: key 'b' is already an array of tables (defined at 1:5), not a table" },
	{ "duplicate key with newline shown escaped", "\"a\\nb\" = 1\n\"a\\nb\" = 2", "ERR 2:1: duplicate key '\"a\\nb\"' (first defined at 1:1)" },
	{ "duplicate key with tab and CR shown escaped", "\"\\t\\r\\u0001\\\\\" = 1\n\"\\t\\r\\u0001\\\\\" = 2",
	  "ERR 2:1: duplicate key '\"\\t\\r\\u0001\\\\\"' (first defined at 1:1)" },
	{ "duplicate empty key", "\"\" = 1\n'' = 2", "ERR 2:1: duplicate key '\"\"' (first defined at 1:1)" },
	{ "multi-line string after value", "a = 1 \"\"\"x\"\"\"", "ERR 1:7: expected a newline after the value, found a multi-line string" },
	{ "partial date at end of input", "a = 1979-05-2", "ERR 1:5: invalid date-time '1979-05-2'" },
	{ "partial time at end of input", "a = 1979-05-27T07:32:0", "ERR 1:5: invalid date-time '1979-05-27T07:32:0'" },
	{ "partial offset", "a = 1979-05-27T07:32:00+07", "ERR 1:5: invalid date-time '1979-05-27T07:32:00+07'" },
	{ "multi-line string ending in two quotes", "a = \"\"\"x\"\"", "ERR 1:5: unterminated multi-line string" },
	{ "escape at end of input", "a = \"x\\", "ERR 1:7: unterminated string" },
	{ "\\u at end of input", "a = \"\\u00", "ERR 1:6: invalid escape '\\u00': expected 4 hex digits" },
	{ "\\u cut by invalid UTF-8", "a = \"\\u00\xff", "ERR 1:10: invalid UTF-8 byte 0xff" },
	{ "exponent only at end", "a = 1e+", "ERR 1:5: invalid number '1e+'" },
	{ "sign only", "a = -", "ERR 1:5: invalid value '-' (strings must be quoted)" },

	/* Headers */
	{ "empty header", "[]", "ERR 1:2: expected a key after '[', found ']'" },
	{ "unterminated header", "[a", "ERR 1:3: expected ']' after [a, found end of input" },
	{ "header with newline", "[a\n]", "ERR 1:3: expected ']' after [a, found end of line" },
	{ "array header closed with ]", "[[a]", "ERR 1:4: expected ']]' after [[a, found ']'" },
	{ "unterminated array header", "[[a", "ERR 1:4: expected ']]' after [[a, found end of input" },
	{ "table header closed with ]]", "[a]]", "ERR 1:3: expected ']' after [a, found ']]'" },
	{ "spaced [[ is not an array header", "[ [a]]", "ERR 1:3: expected a key after '[', found '['" },
	{ "header with value", "[a = 1]", "ERR 1:4: expected ']' after [a, found '='" },

};

/* 64 nested arrays are fine; the 65th '[' is an error at its column. */
static void test_nesting_limit(void **state)
{
	(void)state;
	char b[256], want[256];
	for (int depth = 63; depth <= 65; depth++) {
		size_t len = (size_t)sprintf(b, "a = ");
		memset(b + len, '[', (size_t)depth);
		memset(b + len + depth, ']', (size_t)depth);
		len += 2 * (size_t)depth;
		char *got = toml_dump_parse(b, len);
		if (depth <= TOML_MAX_DEPTH) {
			snprintf(want, sizeof(want), "{a=%.*s%.*s}", depth, b + 4, depth, b + 4 + depth);
		} else {
			snprintf(want, sizeof(want), "ERR 1:%d: nesting deeper than 64", 4 + depth);
		}
		assert_string_equal(got, want);
		free(got);
	}
}

/* 100 000 '[' must be a clean error, not a stack overflow. */
static void test_deep_arrays(void **state)
{
	(void)state;
	size_t n = 100000;
	char *b = malloc(n + 4);
	memcpy(b, "a = ", 4);
	memset(b + 4, '[', n);
	char *got = toml_dump_parse(b, n + 4);
	assert_string_equal(got, "ERR 1:69: nesting deeper than 64");
	free(got);
	free(b);
}

static void test_deep_inline_tables(void **state)
{
	(void)state;
	size_t reps = 50000, len = 0;
	char *b = malloc(reps * 6 + 8);
	len += (size_t)sprintf(b, "a = ");
	for (size_t i = 0; i < reps; i++)
		len += (size_t)sprintf(b + len, "{b = ");
	char *got = toml_dump_parse(b, len);
	/* The 65th '{' is at column 5 + 64*5 = 325. */
	assert_string_equal(got, "ERR 1:325: nesting deeper than 64");
	free(got);
	free(b);
}

static void test_long_keys(void **state)
{
	(void)state;
	/* 64 parts is fine, 65 is an error at the 65th part. */
	char b[1024];
	size_t len = 0;
	for (int i = 0; i < 64; i++)
		len += (size_t)sprintf(b + len, "%sk", i ? "." : "");
	sprintf(b + len, " = 1");
	char *got = toml_dump_parse(b, strlen(b));
	assert_true(strncmp(got, "{k={k={k=", 9) == 0);
	free(got);
	sprintf(b + len, ".k = 1");
	got = toml_dump_parse(b, strlen(b));
	assert_string_equal(got, "ERR 1:129: key has more than 64 parts");
	free(got);
	/* A 100 000-part header: an error, not a 100 000-deep tree. */
	size_t n = 100000;
	char *h = malloc(n * 2 + 2);
	h[0] = '[';
	for (size_t i = 0; i < n; i++)
		memcpy(h + 1 + i * 2, "a.", 2);
	h[n * 2] = ']';
	got = toml_dump_parse(h, n * 2 + 1);
	assert_string_equal(got, "ERR 1:130: key has more than 64 parts");
	free(got);
	free(h);
}

static const char sample[] =
	"# sample\r\n"
	"title = \"T\\u00e9st \\\"q\\\"\"\n"
	"lit = 'C:\\x'\n"
	"ml = \"\"\"\nline \\\n  two\"\"\"\n"
	"mll = '''\nraw\n'''\n"
	"n = [1, -2, 0x1f, 0o7, 0b1, 1_000, 3.5e-2, inf, nan, true, 1979-05-27T07:32:00Z, 07:32:00]\n"
	"a.b.\"c\" = { x = [ { y = 1 }, [2] ], z = {} }\n"
	"[t.u]\nk = 1\n"
	"[[arr]]\nv = 'é'\n[arr.sub]\n[[arr]]\n";

/* Every prefix of the sample: parses or gives one error, never crashes
 * (run under ASan in the sanitizer build), never reads past the prefix. */
static void test_every_truncation(void **state)
{
	(void)state;
	size_t n = sizeof(sample) - 1;
	size_t ok = 0, bad = 0;
	for (size_t k = 0; k <= n; k++) {
		char *b = malloc(k ? k : 1);
		memcpy(b, sample, k);
		struct diags d = { 0 };
		struct toml_table *t = toml_parse("trunc.toml", b, k, &d);
		assert_true((t != NULL) != (d.n == 1));
		if (t)
			ok++;
		else
			bad++;
		if (!t) {
			assert_true(d.v[0].at.line >= 1);
			assert_true(d.v[0].at.col >= 1);
		}
		toml_free(t);
		diags_free(&d);
		free(b);
	}
	assert_true(ok > 10);
	assert_true(bad > 10);
	/* The whole sample is valid. */
	char *got = toml_dump_parse(sample, n);
	assert_true(got[0] == '{');
	free(got);
}

/* Every single-byte corruption of the sample: same guarantee. */
static void test_every_byte_flip(void **state)
{
	(void)state;
	size_t n = sizeof(sample) - 1;
	static const unsigned char subst[] = { 0x00, 0xff, '"', '\'', '[', ']', '{', '}', '=', '\n', '\\', '.', 0x80 };
	char *b = malloc(n);
	for (size_t k = 0; k < n; k++) {
		for (size_t s = 0; s < sizeof(subst); s++) {
			memcpy(b, sample, n);
			b[k] = (char)subst[s];
			struct diags d = { 0 };
			struct toml_table *t = toml_parse("flip.toml", b, n, &d);
			assert_true((t != NULL) != (d.n == 1));
			toml_free(t);
			diags_free(&d);
		}
	}
	free(b);
}

/* The diagnostic names the file and prints as file:line:col: error: msg. */
static void test_diag_format(void **state)
{
	(void)state;
	const char *src = "a = 1\nfoo bar";
	struct diags d = { 0 };
	assert_null(toml_parse("dir/recipe.toml", src, strlen(src), &d));
	char *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);
	diags_print(&d, f);
	fclose(f);
	assert_string_equal(out, "dir/recipe.toml:2:5: error: expected '=' after key 'foo', found 'bar'\n");
	free(out);
	diags_free(&d);
}

/* Errors are appended: a list that already holds diagnostics gets one more. */
static void test_diag_appended(void **state)
{
	(void)state;
	struct diags d = { 0 };
	diags_add(&d, (struct srcpos){ 0 }, "earlier");
	assert_null(toml_parse("x.toml", "a = ", 4, &d));
	assert_int_equal(d.n, 2);
	assert_string_equal(d.v[0].msg, "earlier");
	diags_free(&d);
}

/* Over 2 GiB is refused before a byte is read (positions are ints). */
static void test_too_large(void **state)
{
	(void)state;
	struct diags d = { 0 };
	static const char one[1] = { 'a' };
	assert_null(toml_parse("huge.toml", one, (size_t)INT_MAX + 1, &d));
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].at.line, 1);
	assert_string_equal(d.v[0].msg, "input too large (2147483648 bytes; the limit is 2 GiB)");
	diags_free(&d);
}

int main(void)
{
	struct CMUnitTest *tests = NULL;
	size_t n = 0;
	add_tcases(&tests, &n, errors, ARRAY_SIZE(errors));
	add_test(&tests, &n, "nesting limit is exactly 64", test_nesting_limit);
	add_test(&tests, &n, "100000 nested arrays", test_deep_arrays);
	add_test(&tests, &n, "50000 nested inline tables", test_deep_inline_tables);
	add_test(&tests, &n, "keys with too many parts", test_long_keys);
	add_test(&tests, &n, "every truncation of a sample", test_every_truncation);
	add_test(&tests, &n, "every single-byte corruption of a sample", test_every_byte_flip);
	add_test(&tests, &n, "diagnostic format", test_diag_format);
	add_test(&tests, &n, "input over 2 GiB refused without reading", test_too_large);
	add_test(&tests, &n, "diagnostic appended to a list", test_diag_appended);
	int rc = _cmocka_run_group_tests("toml_errors", tests, n, NULL, NULL);
	free(tests);
	return rc;
}
