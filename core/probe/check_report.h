/* The `can check` report: a pure function from probe results to rows, and
 * the two renderings (an aligned table for people, JSON for programs). */
#ifndef CAN_CHECK_REPORT_H
#define CAN_CHECK_REPORT_H

#include "probe/probe.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum check_state { CHECK_OK, CHECK_DEGRADED, CHECK_UNAVAILABLE };

struct check_row {
	char id[24];        /* stable machine name: "userns", "landlock_abi" */
	char name[24];      /* what the table shows: "user namespace" */
	enum check_state state;
	/* `can run` needs this by default: when it is unavailable, `can run`
	 * refuses (exit 126) and `can check` exits 1. */
	bool required;
	bool has_value;
	long value;         /* e.g. the Landlock ABI, when has_value */
	char detail[160];   /* what was found */
	char remedy[200];   /* what to do; empty when OK */
	char run[200];      /* what it means for `can run` */
};

#define CHECK_MAX_ROWS 40

/* Fills rows (at most max); returns how many. */
size_t check_report_rows(const struct probe_results *p, struct check_row *rows, size_t max);
/* true when `can run` refuses by default because of this row. */
bool check_row_blocks(const struct check_row *row);
/* 0 when nothing blocks `can run`, 1 otherwise. */
int check_report_exit(const struct check_row *rows, size_t n);
/* "ok", "degraded", "unavailable". */
const char *check_state_name(enum check_state s);
/* Aligned table, at most 100 columns, then a verdict line (the last line). */
void check_report_table(FILE *out, const struct check_row *rows, size_t n);
/* A JSON array of row objects. */
void check_report_json(FILE *out, const struct check_row *rows, size_t n);
/* A JSON string literal (quotes included), escaping what RFC 8259 requires;
 * bytes that are not valid UTF-8 become U+FFFD so the output always parses. */
void check_json_string(FILE *out, const char *s);

#endif
