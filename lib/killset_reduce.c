/* Reduction before the branch and bound (doc/selection.md, "The covering
 * search", steps 2 and 3): reduced-cost fixing and dominance. Pure. */
#include <stdlib.h>

#include "killset_internal.h"

#define item mt_killset_item

static uint64_t min64(uint64_t a, uint64_t b) { return a < b ? a : b; }

/* b dominates a: costs no more, frees at least as much toward both targets
 * and grows at least as fast (so swapping it in keeps the growth tie-break:
 * a non-grower never drops a grower of equal cost), and at equal growth is
 * no less likely to grow (a known steady item never drops one whose growth
 * is unknown); equal items are ordered by rank so the relation is a strict
 * order. Then b ranks before a whenever it dominates, so the swap also keeps
 * the last tie-break. */
static bool dominates(const struct mt__ks_ctx *c, size_t b, size_t a)
{
	const struct item *x = &c->it[b], *y = &c->it[a];
	if (x->cost > y->cost || x->s < y->s || x->t < y->t || x->growth < y->growth)
		return false;
	if (x->growth == y->growth && y->growth_unknown && !x->growth_unknown)
		return false;
	return mt__ks_rank_less(c, b, a);
}

/* cost asc, t desc, s desc, growth desc, then rank: a dominator is always
 * earlier (see dominates()). */
static int dom_order_cmp(const void *a, const void *b, void *arg)
{
	const struct mt__ks_ctx *c = arg;
	const struct item *x = &c->it[*(const size_t *)a], *y = &c->it[*(const size_t *)b];
	if (x->cost != y->cost)
		return x->cost < y->cost ? -1 : 1;
	if (x->t != y->t)
		return x->t > y->t ? -1 : 1;
	if (x->s != y->s)
		return x->s > y->s ? -1 : 1;
	if (x->growth != y->growth)
		return x->growth > y->growth ? -1 : 1;
	return mt__ks_rank_cmp_r(a, b, arg);
}

void mt__ks_reduce(const struct mt__ks_ctx *c, const double *d, double lag, double eps, uint64_t ub,
		   bool *dropped, struct mt__ks_core *k, uint64_t *work, uint64_t budget)
{
	double gap = (double)ub - lag + eps;
	uint64_t cmin = UINT64_MAX;
	k->nf = k->m = 0;
	k->cost = 0;
	k->ns = c->ts;
	k->nt = c->tt;
	for (size_t p = 0; p < c->n; p++) {
		if (d[p] > gap || dropped[p])
			continue;
		if (d[p] < -gap) {
			k->forced[k->nf++] = p;
			k->cost += c->it[p].cost;
			k->ns -= min64(c->it[p].s, k->ns);
			k->nt -= min64(c->it[p].t, k->nt);
		} else {
			k->pos[k->m++] = p;
			cmin = min64(cmin, c->it[p].cost);
		}
	}
	if (k->m == 0 || ub < k->cost)
		return;
	/* In dominance order every dominator of an item comes before it; an
	 * item stops scanning at its kmax-th dominator. The scan counts as work
	 * and stops dropping once the budget is spent (dropping less is safe). */
	uint64_t kmax = (ub - k->cost) / cmin;
	if (kmax == 0)
		return;
	qsort_r(k->pos, k->m, sizeof(size_t), dom_order_cmp, (void *)c);
	for (size_t a = 0; a < k->m; a++) {
		uint64_t cnt = 0;
		size_t p = k->pos[a];
		/* distinct dominators, dropped ones included: the swap argument
		 * needs only that one of them is outside the set */
		for (size_t q = 0; q < a && cnt < kmax && *work < budget; q++, (*work)++)
			if (dominates(c, k->pos[q], p))
				cnt++;
		if (cnt >= kmax)
			dropped[p] = true;
	}
	size_t kept = 0;
	for (size_t a = 0; a < k->m; a++)
		if (!dropped[k->pos[a]])
			k->pos[kept++] = k->pos[a];
	k->m = kept;
}

