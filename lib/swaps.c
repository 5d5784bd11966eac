#include "swaps.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fileio.h"
#include "kv.h"

/* The header has five columns today; room for a few more. */
#define COLUMNS_MAX 16

struct span {
	const char *s;
	size_t len;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Splits line[0..len) at runs of spaces/tabs into at most `max` words.
 * Returns the word count, or -EBADMSG when there are more than `max`. */
static int split(const char *line, size_t len, struct span *w, size_t max)
{
	size_t n = 0, i = 0;
	while (i < len) {
		while (i < len && is_space(line[i]))
			i++;
		if (i == len)
			break;
		size_t start = i;
		while (i < len && !is_space(line[i]))
			i++;
		if (n == max)
			return -EBADMSG;
		w[n++] = (struct span){ line + start, i - start };
	}
	return (int)n;
}

static bool span_is(struct span w, const char *word)
{
	return w.len == strlen(word) && memcmp(w.s, word, w.len) == 0;
}

static int parse_kib(struct span w, uint64_t *ret)
{
	uint64_t kib;
	int r = mt_u64_parse(w.s, w.len, &kib);
	if (r < 0)
		return r;
	if (kib > UINT64_MAX / 1024)
		return -ERANGE;
	*ret = kib * 1024;
	return 0;
}

/* "/dev/zram<N>": the name zram's block devices get (drivers/block/zram),
 * N in decimal without leading zeros, as /sys/block names them. */
static bool zram_name(struct span w, uint32_t *ret_id)
{
	static const char prefix[] = "/dev/zram";
	size_t p = sizeof(prefix) - 1;
	uint64_t id;
	if (w.len <= p || memcmp(w.s, prefix, p) != 0 || (w.s[p] == '0' && w.len > p + 1) ||
	    mt_u64_parse(w.s + p, w.len - p, &id) < 0 || id > UINT32_MAX)
		return false;
	*ret_id = (uint32_t)id;
	return true;
}

/* Next line of buf at *pos, without its newline. 1, 0 at the end, -EBADMSG
 * when the last line has no newline. */
static int next_line(const char *buf, size_t len, size_t *pos, struct span *ret)
{
	if (*pos >= len)
		return 0;
	const char *nl = memchr(buf + *pos, '\n', len - *pos);
	if (!nl)
		return -EBADMSG;
	*ret = (struct span){ buf + *pos, (size_t)(nl - (buf + *pos)) };
	*pos = (size_t)(nl - buf) + 1;
	return 1;
}

int mt_swaps_parse(const char *buf, size_t len, struct mt_swaps *ret)
{
	struct span w[COLUMNS_MAX], line;
	size_t pos = 0;
	int col_name = -1, col_size = -1, col_used = -1;

	int r = next_line(buf, len, &pos, &line);
	if (r <= 0)
		return -EBADMSG;
	int ncol = split(line.s, line.len, w, COLUMNS_MAX);
	if (ncol < 0)
		return ncol;
	for (int i = 0; i < ncol; i++) {
		int *col = span_is(w[i], "Filename") ? &col_name : span_is(w[i], "Size") ? &col_size
			 : span_is(w[i], "Used") ? &col_used : NULL;
		if (col && *col >= 0)
			return -EBADMSG; /* a column named twice */
		if (col)
			*col = i;
	}
	if (col_name < 0 || col_size < 0 || col_used < 0)
		return -EBADMSG;

	struct mt_swaps s = { 0 };
	while ((r = next_line(buf, len, &pos, &line)) > 0) {
		int n = split(line.s, line.len, w, COLUMNS_MAX);
		if (n < 0)
			return n;
		if (n != ncol)
			return -EBADMSG;
		if (s.n == MT_SWAPS_MAX)
			return -E2BIG;
		struct mt_swap *d = &s.dev[s.n];
		if ((r = parse_kib(w[col_size], &d->size)) < 0 || (r = parse_kib(w[col_used], &d->used)) < 0)
			return r;
		if (d->used > d->size)
			return -EBADMSG;
		d->zram = zram_name(w[col_name], &d->zram_id);
		s.n++;
	}
	if (r < 0)
		return r;
	*ret = s;
	return 0;
}

/* A usual /proc/swaps is a few hundred bytes: read into the stack first and
 * take the heap (half a MiB, the worst case) only when that is too small.
 * The daemon reads it every tick and is mlockall'd (MCL_FUTURE), so a heap
 * buffer of that size would be mapped and populated each time. */
#define SWAPS_STACK_BUF 4096

int mt_swaps_read(int proc_fd, struct mt_swaps *ret)
{
	char small[SWAPS_STACK_BUF];
	int n = mt_read_at(proc_fd, "swaps", small, sizeof small);
	if (n >= 0)
		return mt_swaps_parse(small, (size_t)n, ret);
	if (n != -EFBIG)
		return n;
	_cleanup_free_ char *buf = malloc(MT_SWAPS_FILE_MAX);
	if (!buf)
		return -ENOMEM;
	n = mt_read_at(proc_fd, "swaps", buf, MT_SWAPS_FILE_MAX);
	return n < 0 ? n : mt_swaps_parse(buf, (size_t)n, ret);
}
