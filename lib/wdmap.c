/* inotify watch descriptors to pointers: see wdmap.h. */
#include "wdmap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The first allocation; shrinking never goes below it. */
#define WDMAP_MIN 256

static size_t find_pos(const struct mt_wdmap *m, int wd)
{
	size_t lo = 0, hi = m->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (m->v[mid].wd < wd)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void *mt_wdmap_get(const struct mt_wdmap *m, int wd)
{
	size_t p = find_pos(m, wd);
	return p < m->n && m->v[p].wd == wd ? m->v[p].ptr : NULL;
}

int mt_wdmap_put(struct mt_wdmap *m, int wd, void *ptr)
{
	size_t p = find_pos(m, wd);
	if (p < m->n && m->v[p].wd == wd) {
		m->v[p].ptr = ptr;
		return 0;
	}
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : WDMAP_MIN;
		struct mt_wdmap_entry *v = realloc(m->v, cap * sizeof *v);
		if (!v)
			return -ENOMEM;
		m->v = v;
		m->cap = cap;
	}
	memmove(&m->v[p + 1], &m->v[p], (m->n - p) * sizeof m->v[0]);
	m->v[p] = (struct mt_wdmap_entry){ .wd = wd, .ptr = ptr };
	m->n++;
	return 0;
}

void mt_wdmap_del(struct mt_wdmap *m, int wd)
{
	size_t p = find_pos(m, wd);
	if (p < m->n && m->v[p].wd == wd) {
		memmove(&m->v[p], &m->v[p + 1], (m->n - p - 1) * sizeof m->v[0]);
		m->n--;
	}
	if (m->n < m->cap / 4 && m->cap > WDMAP_MIN) {
		struct mt_wdmap_entry *v = realloc(m->v, m->cap / 2 * sizeof *v);
		if (v) {
			m->v = v;
			m->cap /= 2;
		}
	}
}

void mt_wdmap_free(struct mt_wdmap *m)
{
	free(m->v);
	memset(m, 0, sizeof *m);
}
