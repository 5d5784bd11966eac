#include "table.h"

#include <errno.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "humanize.h"

#define MAX_COLUMNS 32

struct mt_table {
	size_t n_columns;
	const char *const *columns;
	enum mt_fit fit[MAX_COLUMNS];
	size_t min_width[MAX_COLUMNS];
	unsigned drop[MAX_COLUMNS];
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
size_t mt_text_width(const char *s)
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

void mt_table_fit(struct mt_table *t, size_t column, enum mt_fit how, size_t min_width, unsigned drop)
{
	if (column >= t->n_columns || column >= MAX_COLUMNS)
		abort(); /* a programming error in a verb */
	t->fit[column] = how;
	t->min_width[column] = min_width;
	t->drop[column] = drop;
}

size_t mt_term_width(int fd)
{
	struct winsize ws;

	if (isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	const char *c = getenv("COLUMNS");
	char *end;
	unsigned long n = c ? strtoul(c, &end, 10) : 0;
	return c && *c && !*end && n > 0 && n < 100000 ? n : 0;
}

/* Byte offset of code point k in s (or its length). */
static size_t cp_offset(const char *s, size_t k)
{
	size_t i = 0;

	for (; s[i]; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80 && k-- == 0)
			return i;
	return i;
}

const char *mt_text_shorten(const char *s, size_t max, enum mt_fit how, char *buf, size_t size)
{
	size_t w = mt_text_width(s);

	if (w <= max || how == MT_FIT_KEEP)
		return s;
	if (max < 4) {
		snprintf(buf, size, "%.*s", (int)cp_offset(s, max), s);
		return buf;
	}
	if (how == MT_FIT_END) {
		snprintf(buf, size, "%.*s...", (int)cp_offset(s, max - 3), s);
		return buf;
	}
	/* Middle: keep the tail from the last '/' (the leaf names the
	 * workload), and at least a third of the room for the head, which
	 * says where it lives. */
	const char *leaf = strrchr(s, '/');
	size_t tail = leaf ? mt_text_width(leaf) : 0;
	size_t room = max - 3;
	if (tail > room - room / 3)
		tail = room - room / 3;
	if (tail == 0)
		tail = room / 2;
	size_t head = room - tail;
	snprintf(buf, size, "%.*s...%s", (int)cp_offset(s, head), s, s + cp_offset(s, w - tail));
	return buf;
}

/* Prints s within w columns: padded (aligned left or right), or, past
 * `budget` (what is left of the line), cut. Returns the columns used. */
static size_t put_cell(FILE *f, bool color, enum mt_color c, const char *s, size_t w,
                       enum mt_fit how, bool right, bool last, size_t budget)
{
	char buf[1024];

	if (w > budget)
		w = budget;
	s = mt_text_shorten(s, w, how == MT_FIT_KEEP ? MT_FIT_END : how, buf, sizeof(buf));
	size_t pad = w - mt_text_width(s);

	if (right)
		fprintf(f, "%*s", (int)pad, "");
	mt_color_fputs(f, color, c, s);
	if (!right && !last)
		fprintf(f, "%*s", (int)pad, "");
	return right || !last ? w : w - pad;
}

static const char *header(const struct mt_table *t, size_t c)
{
	const char *h = t->columns[c];
	return h[0] == '>' ? h + 1 : h;
}

/* Chooses the columns shown and their widths for `width` (see
 * mt_table_print); w[] holds the natural widths and becomes the chosen
 * ones, gone[] says which columns are dropped. */
static void layout(const struct mt_table *t, size_t *w, bool *gone, size_t width)
{
	size_t n = t->n_columns, minw[MAX_COLUMNS];

	for (size_t c = 0; c < n; c++) {
		size_t h = mt_text_width(header(t, c));
		minw[c] = t->fit[c] == MT_FIT_KEEP ? w[c] : t->min_width[c] > h ? t->min_width[c] : h;
		if (minw[c] > w[c])
			minw[c] = w[c];
	}
	for (;;) {
		size_t total = 0, shown = 0, worst = n;
		for (size_t c = 0; c < n; c++) {
			if (gone[c])
				continue;
			total += minw[c];
			shown++;
			if (t->drop[c] && (worst == n || t->drop[c] < t->drop[worst]))
				worst = c;
		}
		total += shown ? 2 * (shown - 1) : 0;
		if (total <= width || worst == n)
			break;
		gone[worst] = true;
	}
	size_t total = 0, shown = 0;
	for (size_t c = 0; c < n; c++)
		if (!gone[c]) {
			total += minw[c];
			shown++;
		}
	total += shown ? 2 * (shown - 1) : 0;
	/* Still too wide with nothing left to drop: the shortenable columns
	 * give up more, the rightmost first, down to 8 (or their header). */
	for (size_t c = n; c-- > 0 && total > width;) {
		if (gone[c] || t->fit[c] == MT_FIT_KEEP)
			continue;
		size_t h = mt_text_width(header(t, c)), floor = h > 8 ? h : 8;
		if (minw[c] <= floor)
			continue;
		size_t give = minw[c] - floor < total - width ? minw[c] - floor : total - width;
		minw[c] -= give;
		total -= give;
	}
	/* What is left beyond the minimums goes to the shortened columns, the
	 * one that lacks least first: short columns come back whole and the
	 * long one (a cgroup path) takes the rest. */
	size_t spare = width > total ? width - total : 0;
	bool done[MAX_COLUMNS] = { false };
	for (;;) {
		size_t best = n;
		for (size_t c = 0; c < n; c++)
			if (!gone[c] && !done[c] && (best == n || w[c] - minw[c] < w[best] - minw[best]))
				best = c;
		if (best == n)
			break;
		size_t extra = w[best] - minw[best];
		if (extra > spare)
			extra = spare;
		spare -= extra;
		w[best] = minw[best] + extra;
		done[best] = true;
	}
}

static void print_row(const struct mt_table *t, FILE *f, bool color, const size_t *w, const bool *gone, size_t width,
                      const char *const *cells, const enum mt_color *colors)
{
	size_t last = 0, budget = width ? width : SIZE_MAX, used = 0;

	for (size_t c = 0; c < t->n_columns; c++)
		if (!gone[c])
			last = c;
	for (size_t c = 0; c < t->n_columns && budget > used; c++) {
		if (gone[c])
			continue;
		if (used) {
			if (budget - used <= 2)
				break;
			fputs("  ", f);
			used += 2;
		}
		used += put_cell(f, color, colors ? colors[c] : MT_COLOR_BOLD, cells[c] ? cells[c] : "", w[c],
		                 t->fit[c], t->columns[c][0] == '>', c == last, budget - used);
	}
	fputc('\n', f);
}

int mt_table_print(const struct mt_table *t, FILE *f, bool color, size_t width)
{
	size_t w[MAX_COLUMNS] = { 0 };
	bool gone[MAX_COLUMNS] = { false };
	const char *head[MAX_COLUMNS];

	if (t->n_columns > MAX_COLUMNS)
		return -EINVAL;
	for (size_t c = 0; c < t->n_columns; c++) {
		head[c] = header(t, c);
		w[c] = mt_text_width(head[c]);
		for (size_t r = 0; r < t->n_rows; r++) {
			const char *s = t->cells[r * t->n_columns + c];
			size_t x = mt_text_width(s ? s : "");
			if (x > w[c])
				w[c] = x;
		}
	}
	if (width)
		layout(t, w, gone, width);
	print_row(t, f, color, w, gone, width, head, NULL);
	for (size_t r = 0; r < t->n_rows; r++)
		print_row(t, f, color, w, gone, width, (const char *const *)t->cells + r * t->n_columns,
		          t->colors + r * t->n_columns);
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
