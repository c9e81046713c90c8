/* Rendering the `can check` rows: an aligned table for people (at most 100
 * columns, a verdict as the last line) and a JSON array for programs. Pure:
 * rows in, text out. */
#include "probe/check_report.h"

#include <stdio.h>
#include <string.h>

/* ---- table ---- */

#define COL_NAME 22
#define COL_STATE 13
#define COL_TEXT (COL_NAME + COL_STATE)
#define WIDTH 100

/* Prints text starting at column `col` (the cursor is already there),
 * wrapping at spaces so no line passes WIDTH; continuation lines are
 * indented to `indent`. */
static void wrap(FILE *out, const char *text, int col, int indent)
{
	const char *s = text;
	int avail = WIDTH - col;
	while (*s) {
		int len = (int)strlen(s);
		if (len <= avail) {
			fputs(s, out);
			break;
		}
		int cut = avail;
		while (cut > 0 && s[cut] != ' ')
			cut--;
		if (cut == 0)
			cut = avail; /* one long word: hard break */
		fwrite(s, 1, (size_t)cut, out);
		s += cut;
		while (*s == ' ')
			s++;
		fprintf(out, "\n%*s", indent, "");
		avail = WIDTH - indent;
	}
	fputc('\n', out);
}

static const char *state_label(enum check_state s)
{
	switch (s) {
	case CHECK_OK:
		return "OK";
	case CHECK_DEGRADED:
		return "degraded";
	case CHECK_UNAVAILABLE:
		return "unavailable";
	}
	return "?";
}

void check_report_table(FILE *out, const struct check_row *rows, size_t n)
{
	fprintf(out, "%-*s%-*s%s\n", COL_NAME, "FEATURE", COL_STATE, "STATE", "DETAIL");
	size_t degraded = 0, missing_opt = 0;
	for (size_t i = 0; i < n; i++) {
		const struct check_row *r = &rows[i];
		fprintf(out, "%-*s%-*s", COL_NAME, r->name, COL_STATE, state_label(r->state));
		wrap(out, r->detail, COL_TEXT, COL_TEXT);
		if (r->state != CHECK_OK) {
			if (r->remedy[0]) {
				fprintf(out, "%*sfix: ", COL_TEXT, "");
				wrap(out, r->remedy, COL_TEXT + 5, COL_TEXT + 5);
			}
			if (r->run[0]) {
				fprintf(out, "%*scan run: ", COL_TEXT, "");
				wrap(out, r->run, COL_TEXT + 9, COL_TEXT + 9);
			}
			if (r->state == CHECK_DEGRADED)
				degraded++;
			else if (!r->required)
				missing_opt++;
		}
	}
	char blocking[512] = "";
	size_t nb = 0;
	for (size_t i = 0; i < n; i++) {
		if (!check_row_blocks(&rows[i]))
			continue;
		size_t l = strlen(blocking);
		snprintf(blocking + l, sizeof(blocking) - l, "%s%s", nb++ ? ", " : "", rows[i].name);
	}
	if (nb)
		fprintf(out, "can run: cannot run by default; missing: %s\n", blocking);
	else
		fprintf(out, "can run: ready (%zu degraded, %zu optional missing)\n", degraded, missing_opt);
}

/* ---- JSON ---- */

/* Length of the valid UTF-8 sequence at s, or 0 when invalid. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n;
	unsigned min;
	unsigned cp;
	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0) {
		n = 2, cp = c & 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3, cp = c & 0x0f, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4, cp = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void check_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	while (*p) {
		unsigned char c = *p;
		switch (c) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '\b':
			fputs("\\b", out);
			break;
		case '\f':
			fputs("\\f", out);
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				fprintf(out, "\\u%04x", c);
			} else if (c >= 0x80) {
				size_t n = utf8_len(p);
				if (n == 0) {
					fputs("\\ufffd", out);
				} else {
					fwrite(p, 1, n, out);
					p += n - 1;
				}
			} else {
				fputc(c, out);
			}
		}
		p++;
	}
	fputc('"', out);
}

static void json_field(FILE *out, const char *key, const char *value, bool null_if_empty)
{
	fprintf(out, ", \"%s\": ", key);
	if (null_if_empty && (!value || !value[0]))
		fputs("null", out);
	else
		check_json_string(out, value);
}

void check_report_json(FILE *out, const struct check_row *rows, size_t n)
{
	fputs("[\n", out);
	for (size_t i = 0; i < n; i++) {
		const struct check_row *r = &rows[i];
		fputs("  {\"id\": ", out);
		check_json_string(out, r->id);
		json_field(out, "name", r->name, false);
		json_field(out, "state", check_state_name(r->state), false);
		fprintf(out, ", \"required\": %s, \"blocks_run\": %s", r->required ? "true" : "false",
			check_row_blocks(r) ? "true" : "false");
		if (r->has_value)
			fprintf(out, ", \"value\": %ld", r->value);
		json_field(out, "detail", r->detail, false);
		json_field(out, "remedy", r->remedy, true);
		json_field(out, "can_run", r->run, false);
		fprintf(out, "}%s\n", i + 1 < n ? "," : "");
	}
	fputs("]\n", out);
}
