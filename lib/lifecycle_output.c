/* The step's output: items appended as the step goes, the output freed
 * (see lifecycle_internal.h, lifecycle.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lifecycle_internal.h"

struct mt_lc_item *mt__lc_push(struct mt__lc_step *s, enum mt_lc_item_kind kind, const struct mt_lc_member *m,
                               uint64_t at_us)
{
	struct mt_lc_output *o = s->out;
	if (s->error)
		return NULL;
	if (o->n_items == o->cap_items) {
		size_t cap = o->cap_items ? o->cap_items * 2 : 16;
		struct mt_lc_item *v = realloc(o->items, cap * sizeof *v);
		if (!v) {
			s->error = -ENOMEM;
			return NULL;
		}
		o->items = v;
		o->cap_items = cap;
	}
	struct mt_lc_item *it = &o->items[o->n_items++];
	memset(it, 0, sizeof *it);
	it->kind = kind;
	if (m)
		it->m = *m;
	it->at_us = at_us;
	it->record = MT_LC_NONE;
	it->snap_index = MT_LC_NONE;
	return it;
}

size_t mt__lc_index_of(const struct mt__lc_step *s, const struct mt_lc_item *it)
{
	return it ? (size_t)(it - s->out->items) : MT_LC_NONE;
}

void mt_lc_output_free(struct mt_lc_output *out)
{
	if (out->decided)
		mt_decision_free(&out->decision);
	free(out->items);
	memset(out, 0, sizeof *out);
}
