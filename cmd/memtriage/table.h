/* Aligned text tables for the CLI's human output, and the small helpers
 * that turn the daemon's JSON members into cells. A missing or null member
 * is shown as "-": the CLI never guesses a value the daemon did not send. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

/* SGR colours for cells; MT_COLOR_NONE prints plain. Used only when the
 * table is printed with colour on (a terminal, NO_COLOR unset). */
enum mt_color {
	MT_COLOR_NONE,
	MT_COLOR_BOLD,
	MT_COLOR_RED,
	MT_COLOR_YELLOW,
	MT_COLOR_GREEN,
	MT_COLOR_DIM,
};

struct mt_table;

/* Columns are given as "NAME" (left-aligned) or ">NAME" (right-aligned, for
 * numbers). Returns NULL only when out of memory. */
struct mt_table *mt_table_new(size_t n_columns, const char *const *columns);
void mt_table_free(struct mt_table *t);

/* Starts a new row; then mt_table_cell fills its cells left to right. */
void mt_table_row(struct mt_table *t);
void mt_table_cell(struct mt_table *t, const char *text, enum mt_color color);
__attribute__((format(printf, 3, 4)))
void mt_table_cellf(struct mt_table *t, enum mt_color color, const char *fmt, ...);

/* How a column gives way when the table is wider than its width. */
enum mt_fit {
	MT_FIT_KEEP,    /* never shortened */
	MT_FIT_END,     /* cells cut at the end: "ineligible: prot..." */
	MT_FIT_MIDDLE,  /* cut in the middle, the last path component kept */
};

/* Declares how column c fits: shortened (`how`) to no less than min_width
 * (and never below its header), and dropped in the order of `drop` (1
 * first, then 2, ...; 0 never). Columns default to KEEP, never dropped. */
void mt_table_fit(struct mt_table *t, size_t column, enum mt_fit how, size_t min_width, unsigned drop);

/* Prints the header (bold when coloured) and the rows, columns separated by
 * two spaces, the last column unpadded. With width > 0 no line is longer
 * than width: first the droppable columns go (in their order) until the
 * others fit at their minimum widths, then the shortenable columns share
 * what is left, and a table that still does not fit is cut at width --
 * never wrapped. width 0 prints everything. Returns 0 or -EIO (-EINVAL
 * past 32 columns). */
int mt_table_print(const struct mt_table *t, FILE *f, bool color, size_t width);

/* The width to fit tables to on fd: the terminal's (TIOCGWINSZ), else
 * $COLUMNS when it is a positive number, else 0 (not a terminal: no limit). */
size_t mt_term_width(int fd);

/* Display width of s: UTF-8 code points. */
size_t mt_text_width(const char *s);

/* s shortened to at most max code points the way `how` says, into buf
 * (size bytes); s itself when it fits. */
const char *mt_text_shorten(const char *s, size_t max, enum mt_fit how, char *buf, size_t size);

/* Writes `s` in `color` (or plain) to f. */
void mt_color_fputs(FILE *f, bool color, enum mt_color c, const char *s);

/* Member accessors: the cell text for a member of `o`, "-" when absent or
 * null or of the wrong type. buf must hold MT_CELL_MAX bytes. */
#define MT_CELL_MAX 64
const char *mt_cell_bytes(json_t *o, const char *key, char *buf);        /* "1.5 GiB" */
const char *mt_cell_bytes_signed(json_t *o, const char *key, char *buf); /* "+1.0 MiB" */
const char *mt_cell_percent(json_t *o, const char *key, char *buf);      /* "3.2%" */
const char *mt_cell_int(json_t *o, const char *key, char *buf);          /* "42" */
const char *mt_cell_str(json_t *o, const char *key);                     /* as is */
const char *mt_cell_duration(json_t *o, const char *key, char *buf);     /* "5m12s" */
/* A Unix-epoch-ms member as local "YYYY-MM-DD HH:MM:SS". */
const char *mt_cell_time(json_t *o, const char *key, char *buf);

/* A string or integer member as text ("42"): ids are either. */
const char *mt_cell_id(json_t *o, const char *key, char *buf);
/* When something happened: "time_unix_ms" as local time, else a "time"
 * string (ISO 8601) as sent. */
const char *mt_cell_when(json_t *o, char *buf);
/* a[key] when present and not null, else b[key] (NULL when neither). */
json_t *mt_member(json_t *a, json_t *b, const char *key);

/* An unsigned integer member: true and *ret set when present and >= 0. */
bool mt_json_u64(json_t *o, const char *key, uint64_t *ret);

/* "namespace/pod/container" from a candidate's "k8s" member (container
 * optional), or "-" when it lacks namespace or pod. */
const char *mt_cell_k8s(json_t *candidate, char *buf, size_t size);

/* Who a candidate is: "namespace/pod/container" when the "k8s" member has
 * them, else its "path"; paths longer than `max` (0 = never) keep their
 * last component and as much of the start as fits, with "..." between.
 * Writes into buf (size bytes). */
const char *mt_cell_who(json_t *candidate, size_t max, char *buf, size_t size);
