/* The orders of the covering search (doc/selection.md, "Tie-breaks"): the
 * candidate rank and the set order, the primitives the heuristic
 * (lib/killset.c), the reduction (lib/killset_reduce.c) and the exact search
 * (lib/killset_exact.c) share. Pure. */
#include <string.h>

#include "killset_internal.h"

#define item mt_killset_item
#define set mt__ks_set
#define ctx mt__ks_ctx

static uint64_t add_sat(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

static int item_rank_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	if (x->cost != y->cost)
		return x->cost < y->cost ? -1 : 1;
	if (x->growth != y->growth)
		return x->growth > y->growth ? -1 : 1;
	if (x->growth_unknown != y->growth_unknown)
		return x->growth_unknown ? -1 : 1;
	if (x->t != y->t)
		return x->t > y->t ? -1 : 1;
	if (x->s != y->s)
		return x->s > y->s ? -1 : 1;
	int r = strcmp(x->path ? x->path : "", y->path ? y->path : "");
	if (r)
		return r;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The documented total order used for every tie: cost asc, growth desc,
 * unknown growth before known steady, t desc, s desc, path, caller's index. Items are never sorted by it as a whole (sorting
 * 10,000 items cost more than the whole search); it is asked pairwise. */
bool mt__ks_rank_less(const struct ctx *c, size_t a, size_t b)
{
	return item_rank_cmp(&c->it[a], &c->it[b]) < 0;
}

int mt__ks_rank_cmp_r(const void *a, const void *b, void *arg)
{
	const struct ctx *c = arg;
	return item_rank_cmp(&c->it[*(const size_t *)a], &c->it[*(const size_t *)b]);
}

static uint64_t set_growth(const struct ctx *c, const struct set *x)
{
	uint64_t g = 0;
	for (size_t i = 0; i < x->n; i++)
		g = add_sat(g, c->it[x->pos[i]].growth);
	return g;
}

/* Total order on sets: cost, then the larger total growth (at equal
 * declared value, stop what is growing: it is what brought the node
 * here and will again), then fewer victims, then the lexicographically
 * smaller list of ranks (both sets sorted by rank). */
bool mt__ks_set_better(const struct ctx *c, const struct set *a, const struct set *b)
{
	if (a->cost != b->cost)
		return a->cost < b->cost;
	uint64_t ga = set_growth(c, a), gb = set_growth(c, b);
	if (ga != gb)
		return ga > gb;
	if (a->n != b->n)
		return a->n < b->n;
	for (size_t i = 0; i < a->n; i++)
		if (a->pos[i] != b->pos[i])
			return mt__ks_rank_less(c, a->pos[i], b->pos[i]);
	return false;
}

void mt__ks_set_copy(struct set *dst, const struct set *src)
{
	memcpy(dst->pos, src->pos, src->n * sizeof(size_t));
	dst->n = src->n;
	dst->cost = src->cost;
}

