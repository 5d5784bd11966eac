/* The inbox: see inbox.h. A ring that grows by doubling: after the first
 * few steps, queueing allocates nothing. */
#include "inbox.h"

#include <errno.h>
#include <string.h>

struct mt_lc_event inbox_event(struct cg *c, enum mt_lc_event_kind kind)
{
	struct mt_lc_event ev = { .kind = kind, .at_us = now_us() };
	if (c) {
		ev.m.ud = c;
		ev.m.g = &c->lc;
		ev.m.policy = c->policy;
	}
	return ev;
}

int inbox_push(struct daemon *d, const struct mt_lc_event *ev)
{
	struct inbox *q = &d->inbox;
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 64;
		struct mt_lc_event *v = malloc(cap * sizeof *v);
		if (!v)
			return -ENOMEM;
		for (size_t i = 0; i < q->n; i++)
			v[i] = q->v[(q->head + i) % q->cap];
		free(q->v);
		q->v = v;
		q->cap = cap;
		q->head = 0;
	}
	q->v[(q->head + q->n) % q->cap] = *ev;
	q->n++;
	if (ev->m.ud)
		cg_ref(ev->m.ud);
	return 0;
}

void inbox_post(struct daemon *d, const struct mt_lc_event *ev)
{
	if (inbox_push(d, ev) == 0 && d->kick)
		d->kick(d);
}

bool inbox_take(struct daemon *d, struct mt_lc_event *ret)
{
	struct inbox *q = &d->inbox;
	if (!q->n)
		return false;
	*ret = q->v[q->head];
	q->head = (q->head + 1) % q->cap;
	q->n--;
	return true;
}

void inbox_free(struct daemon *d)
{
	struct mt_lc_event ev;
	while (inbox_take(d, &ev))
		if (ev.m.ud)
			cg_unref(ev.m.ud);
	free(d->inbox.v);
	memset(&d->inbox, 0, sizeof d->inbox);
}
