#include "table.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "humanize.h"

struct mt_table {
	size_t n_columns;
	const char *const *columns;
	char **cells;            /* row-major, n_rows * n_columns */
	enum mt_color *colors;
	size_t n_rows, cap_rows;
	size_t next;             /* next cell to fill in the current row */
};

struct mt_table *mt_table_new(size_t n_columns, const char *const *columns)
{
	struct mt_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->n_columns = n_columns;
	t->columns = columns;
	return t;
}

void mt_table_free(struct mt_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_rows * t->n_columns; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->colors);
	free(t);
}

void mt_table_row(struct mt_table *t)
{
	if (t->n_rows == t->cap_rows) {
		size_t cap = t->cap_rows ? t->cap_rows * 2 : 16;
		char **cells = realloc(t->cells, cap * t->n_columns * sizeof(*cells));
		if (!cells)
			abort(); /* the CLI cannot print half a table */
		t->cells = cells;
		enum mt_color *colors = realloc(t->colors, cap * t->n_columns * sizeof(*colors));
		if (!colors)
			abort();
		t->colors = colors;
		t->cap_rows = cap;
	}
	for (size_t i = 0; i < t->n_columns; i++) {
		t->cells[t->n_rows * t->n_columns + i] = NULL;
		t->colors[t->n_rows * t->n_columns + i] = MT_COLOR_NONE;
	}
	t->n_rows++;
	t->next = 0;
}

void mt_table_cell(struct mt_table *t, const char *text, enum mt_color color)
{
	if (t->n_rows == 0 || t->next >= t->n_columns)
		abort(); /* a programming error in a verb */
	size_t i = (t->n_rows - 1) * t->n_columns + t->next++;
	t->cells[i] = strdup(text ? text : "-");
	if (!t->cells[i])
		abort();
	t->colors[i] = color;
}

void mt_table_cellf(struct mt_table *t, enum mt_color color, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	mt_table_cell(t, buf, color);
}

/* Display width: UTF-8 code points (cgroup and Kubernetes names are ASCII
 * in practice; a wide character would only misalign its own row). */
static size_t width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

static const char *const sgr[] = {
	[MT_COLOR_NONE] = "", [MT_COLOR_BOLD] = "\033[1m", [MT_COLOR_RED] = "\033[31m",
	[MT_COLOR_YELLOW] = "\033[33m", [MT_COLOR_GREEN] = "\033[32m", [MT_COLOR_DIM] = "\033[2m",
};

void mt_color_fputs(FILE *f, bool color, enum mt_color c, const char *s)
{
	if (color && c != MT_COLOR_NONE)
		fprintf(f, "%s%s\033[0m", sgr[c], s);
	else
		fputs(s, f);
}

static void put_cell(FILE *f, bool color, enum mt_color c, const char *s, size_t w,
                     bool right, bool last)
{
	size_t pad = w - width(s);

	if (right)
		fprintf(f, "%*s", (int)pad, "");
	mt_color_fputs(f, color, c, s);
	if (!right && !last)
		fprintf(f, "%*s", (int)pad, "");
}

int mt_table_print(const struct mt_table *t, FILE *f, bool color)
{
	size_t w[32] = { 0 };

	if (t->n_columns > 32)
		return -EINVAL;
	for (size_t c = 0; c < t->n_columns; c++) {
		const char *h = t->columns[c];
		w[c] = width(h[0] == '>' ? h + 1 : h);
		for (size_t r = 0; r < t->n_rows; r++) {
			const char *s = t->cells[r * t->n_columns + c];
			size_t x = width(s ? s : "");
			if (x > w[c])
				w[c] = x;
		}
	}
	for (size_t c = 0; c < t->n_columns; c++) {
		const char *h = t->columns[c];
		bool right = h[0] == '>';
		put_cell(f, color, MT_COLOR_BOLD, right ? h + 1 : h, w[c], right,
		         c + 1 == t->n_columns);
		fputs(c + 1 == t->n_columns ? "\n" : "  ", f);
	}
	for (size_t r = 0; r < t->n_rows; r++)
		for (size_t c = 0; c < t->n_columns; c++) {
			const char *s = t->cells[r * t->n_columns + c];
			put_cell(f, color, t->colors[r * t->n_columns + c], s ? s : "", w[c],
			         t->columns[c][0] == '>', c + 1 == t->n_columns);
			fputs(c + 1 == t->n_columns ? "\n" : "  ", f);
		}
	return ferror(f) ? -EIO : 0;
}

bool mt_json_u64(json_t *o, const char *key, uint64_t *ret)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return false;
	*ret = (uint64_t)json_integer_value(v);
	return true;
}

const char *mt_cell_bytes(json_t *o, const char *key, char *buf)
{
	uint64_t v;

	if (!mt_json_u64(o, key, &v))
		return "-";
	mt_humanize_bytes(v, buf, MT_CELL_MAX);
	return buf;
}

const char *mt_cell_bytes_signed(json_t *o, const char *key, char *buf)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		return "-";
	mt_humanize_bytes_signed(json_integer_value(v), buf, MT_CELL_MAX);
	return buf;
}

const char *mt_cell_percent(json_t *o, const char *key, char *buf)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_number(v))
		return "-";
	mt_humanize_percent(json_number_value(v), buf, MT_CELL_MAX);
	return buf;
}

const char *mt_cell_int(json_t *o, const char *key, char *buf)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		return "-";
	snprintf(buf, MT_CELL_MAX, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	return buf;
}

const char *mt_cell_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : "-";
}

const char *mt_cell_duration(json_t *o, const char *key, char *buf)
{
	uint64_t v;

	if (!mt_json_u64(o, key, &v))
		return "-";
	mt_humanize_duration_ms(v, buf, MT_CELL_MAX);
	return buf;
}

const char *mt_cell_time(json_t *o, const char *key, char *buf)
{
	uint64_t ms;
	struct tm tm;

	if (!mt_json_u64(o, key, &ms))
		return "-";
	time_t t = (time_t)(ms / 1000);
	if (!localtime_r(&t, &tm) || strftime(buf, MT_CELL_MAX, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		return "-";
	return buf;
}

const char *mt_cell_id(json_t *o, const char *key, char *buf)
{
	json_t *v = json_object_get(o, key);

	if (json_is_integer(v))
		return mt_cell_int(o, key, buf);
	return json_is_string(v) ? json_string_value(v) : "-";
}

const char *mt_cell_when(json_t *o, char *buf)
{
	if (json_object_get(o, "time_unix_ms"))
		return mt_cell_time(o, "time_unix_ms", buf);
	return mt_cell_str(o, "time");
}

json_t *mt_member(json_t *a, json_t *b, const char *key)
{
	json_t *v = json_object_get(a, key);

	if (v && !json_is_null(v))
		return v;
	v = json_object_get(b, key);
	return v && !json_is_null(v) ? v : NULL;
}

const char *mt_cell_k8s(json_t *candidate, char *buf, size_t size)
{
	json_t *k8s = json_object_get(candidate, "k8s");
	if (!json_is_object(k8s)) /* the snapshot format's name for it */
		k8s = json_object_get(candidate, "kubernetes");
	const char *ns = json_string_value(json_object_get(k8s, "namespace"));
	const char *pod = json_string_value(json_object_get(k8s, "pod"));
	const char *ctr = json_string_value(json_object_get(k8s, "container"));

	if (!ns || !pod)
		return "-";
	snprintf(buf, size, "%s/%s%s%s", ns, pod, ctr ? "/" : "", ctr ? ctr : "");
	return buf;
}

const char *mt_cell_who(json_t *candidate, size_t max, char *buf, size_t size)
{
	if (mt_cell_k8s(candidate, buf, size) == buf)
		return buf;
	const char *path = json_string_value(json_object_get(candidate, "path"));
	if (!path)
		return "-";
	size_t n = strlen(path);
	if (max == 0 || n <= max || max < 16) {
		snprintf(buf, size, "%s", path);
		return buf;
	}
	/* Keep the tail (the leaf names the workload) and some of the head. */
	const char *leaf = strrchr(path, '/');
	size_t tail = leaf ? n - (size_t)(leaf - path) : n;
	/* A leaf too long to keep whole still shows where it lives. */
	if (tail + 3 + 12 > max)
		tail = max - 3 - 12;
	size_t head = max - 3 - tail;
	snprintf(buf, size, "%.*s...%s", (int)head, path, path + n - tail);
	return buf;
}
