/* The groups with a lifecycle state: see active.h. */
#include "active.h"

#include "lifecycle.h"

static bool wanted(const struct cg *c)
{
	return !c->dropped && !c->lc.gone && mt_lc_active(&c->lc);
}

static void unlist(struct cg *c)
{
	struct daemon *d = c->d;
	if (c->active_prev)
		c->active_prev->active_next = c->active_next;
	else
		d->active = c->active_next;
	if (c->active_next)
		c->active_next->active_prev = c->active_prev;
	else
		d->active_tail = c->active_prev;
	c->active_prev = c->active_next = NULL;
	c->active_listed = false;
	d->n_active--;
	cg_unref(c); /* last: it may free c */
}

void active_update(struct cg *c)
{
	bool want = wanted(c);
	if (want == c->active_listed)
		return;
	if (!want) {
		unlist(c);
		return;
	}
	struct daemon *d = c->d;
	cg_ref(c);
	c->active_listed = true;
	c->active_next = NULL;
	c->active_prev = d->active_tail;
	if (d->active_tail)
		d->active_tail->active_next = c;
	else
		d->active = c;
	d->active_tail = c;
	d->n_active++;
}

void active_after_step(struct cg *c, const struct mt_lc_input *in, const struct mt_lc_output *out)
{
	if (c)
		active_update(c);
	for (size_t i = 0; i < in->n_members; i++)
		active_update(in->members[i].ud);
	for (size_t i = 0; i < out->n_items; i++)
		if (out->items[i].m.ud)
			active_update(out->items[i].m.ud);
}

void active_for_each(struct daemon *d, int (*fn)(struct cg *c, void *ud), void *ud)
{
	for (struct cg *c = d->active; c; c = c->active_next)
		if (!c->dropped && fn(c, ud))
			return;
}

void active_clear(struct daemon *d)
{
	while (d->active)
		unlist(d->active);
}
