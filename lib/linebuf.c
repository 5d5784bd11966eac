#include "linebuf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* First allocation: one typical request or small reply fits without
 * growing, and a client that sends nothing costs nothing. */
#define LINEBUF_INITIAL 4096

int mt_linebuf_init(struct mt_linebuf *lb, size_t max_line)
{
	if (max_line < 1 || max_line > ((size_t)-1) / 4)
		return -EINVAL;
	*lb = (struct mt_linebuf){ .max_line = max_line };
	return 0;
}

void mt_linebuf_done(struct mt_linebuf *lb)
{
	free(lb->buf);
	*lb = (struct mt_linebuf){ .max_line = lb->max_line };
}

long mt_linebuf_space(struct mt_linebuf *lb, char **ret_tail)
{
	size_t limit = lb->max_line + 1;

	if (lb->start > 0) {
		/* Compact: consumed lines are handed out already. */
		memmove(lb->buf, lb->buf + lb->start, lb->end - lb->start);
		lb->end -= lb->start;
		lb->start = 0;
	}
	if (lb->end >= limit)
		return 0;
	if (lb->end == lb->size) {
		size_t size = lb->size ? lb->size * 2 : LINEBUF_INITIAL;
		if (size > limit)
			size = limit;
		char *buf = realloc(lb->buf, size);
		if (!buf)
			return -ENOMEM;
		lb->buf = buf;
		lb->size = size;
	}
	*ret_tail = lb->buf + lb->end;
	return (long)(lb->size - lb->end);
}

void mt_linebuf_commit(struct mt_linebuf *lb, size_t n)
{
	lb->end += n;
}

long mt_linebuf_feed(struct mt_linebuf *lb, const void *data, size_t n)
{
	size_t taken = 0;

	while (taken < n) {
		char *tail;
		long room = mt_linebuf_space(lb, &tail);
		if (room < 0)
			return room;
		if (room == 0)
			break;
		size_t k = n - taken < (size_t)room ? n - taken : (size_t)room;
		memcpy(tail, (const char *)data + taken, k);
		mt_linebuf_commit(lb, k);
		taken += k;
	}
	return (long)taken;
}

int mt_linebuf_pop(struct mt_linebuf *lb, char **ret_line, size_t *ret_len)
{
	size_t left = lb->end - lb->start - lb->scanned;
	char *nl = left ? memchr(lb->buf + lb->start + lb->scanned, '\n', left) : NULL;

	if (!nl) {
		lb->scanned = lb->end - lb->start;
		if (lb->scanned > lb->max_line)
			return -EMSGSIZE;
		return 0;
	}
	size_t len = (size_t)(nl - (lb->buf + lb->start));
	*nl = '\0';
	*ret_line = lb->buf + lb->start;
	*ret_len = len;
	lb->start += len + 1;
	lb->scanned = 0;
	return 1;
}
