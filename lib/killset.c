/* The heuristic half of the covering search and the driver; the exact half
 * is lib/killset_exact.c, the orders both use lib/killset_order.c. */
#include "killset.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "killset_internal.h"

typedef unsigned __int128 u128;

#define item mt_killset_item
#define set mt__ks_set
#define ctx mt__ks_ctx

static uint64_t min64(uint64_t a, uint64_t b) { return a < b ? a : b; }
static uint64_t add_sat(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

/* Progress an item makes toward the remaining needs, each need normalised by
 * its full target so that a byte of a small deficit weighs more than a byte
 * of a large one: min(s, ns)/ts + min(t, nt)/tt, scaled by ts*tt. */
static u128 contrib(const struct ctx *c, const struct item *x, uint64_t ns, uint64_t nt)
{
	return (u128)min64(x->s, ns) * (c->tt ? c->tt : 1) + (u128)min64(x->t, nt) * (c->ts ? c->ts : 1);
}

/* Whether (ka, a) has a strictly better ratio than (kb, b); ties go to the
 * lower rank. */
static bool ratio_better(const struct ctx *c, u128 ka, size_t a, u128 kb, size_t b)
{
	u128 l = ka * c->it[b].cost, r = kb * c->it[a].cost;
	if (l != r)
		return l > r;
	return a != b && mt__ks_rank_less(c, a, b);
}

static bool set_covers(const struct ctx *c, const size_t *pos, size_t n, size_t skip)
{
	uint64_t s = 0, t = 0;
	for (size_t i = 0; i < n; i++)
		if (i != skip) {
			s = add_sat(s, c->it[pos[i]].s);
			t = add_sat(t, c->it[pos[i]].t);
		}
	return s >= c->ts && t >= c->tt;
}

static int idx_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/* Removes victims, costliest (highest rank) first, while the rest covers.
 * One pass suffices: a victim needed at its turn stays needed as the set
 * only shrinks afterwards. Leaves pos sorted by rank. */
static void set_prune(const struct ctx *c, struct set *x)
{
	qsort_r(x->pos, x->n, sizeof(size_t), mt__ks_rank_cmp_r, (void *)c);
	for (size_t k = x->n; k-- > 0;)
		if (set_covers(c, x->pos, x->n, k)) {
			x->cost -= c->it[x->pos[k]].cost;
			memmove(&x->pos[k], &x->pos[k + 1], (x->n - k - 1) * sizeof(size_t));
			x->n--;
		}
}

/* ---- heuristic: ratio-greedy, then prefix + cheapest completion ---- */

/* Greedy by ratio of progress to cost: each step scans the items not yet
 * taken. An eager scan costs O(n) per step; victims sets are short (a
 * handful of steps), and measured faster than a lazy heap at 10,000 items,
 * whose stale keys all need re-evaluation once the remaining need shrinks
 * below most items' size. Fills g (in pick order); `in` is scratch. */
static void greedy(const struct ctx *c, struct set *g, bool *in)
{
	uint64_t ns = c->ts, nt = c->tt;
	memset(in, 0, c->n * sizeof(bool));
	g->n = 0;
	g->cost = 0;
	while (ns > 0 || nt > 0) {
		size_t best = SIZE_MAX;
		u128 bk = 0;
		for (size_t p = 0; p < c->n; p++) {
			if (in[p])
				continue;
			u128 k = contrib(c, &c->it[p], ns, nt);
			if (k > 0 && (best == SIZE_MAX || ratio_better(c, k, p, bk, best))) {
				best = p;
				bk = k;
			}
		}
		if (best == SIZE_MAX)
			return; /* not coverable: the caller guarantees it is */
		in[best] = true;
		g->pos[g->n++] = best;
		g->cost += c->it[best].cost;
		ns -= min64(c->it[best].s, ns);
		nt -= min64(c->it[best].t, nt);
	}
}

/* For every prefix of the greedy order, the prefix plus the cheapest single
 * item that completes the cover; keeps the cheapest such set in *best. The
 * empty prefix makes this the cheapest single candidate that covers alone. */
static void complete(const struct ctx *c, const struct set *g, bool *in, struct set *best)
{
	uint64_t ns = c->ts, nt = c->tt, cost = 0;
	best->n = 0;
	best->cost = UINT64_MAX;
	memset(in, 0, c->n * sizeof(bool));
	for (size_t j = 0; j < g->n; j++) {
		size_t fit = SIZE_MAX;
		for (size_t p = 0; p < c->n; p++)
			if (!in[p] && c->it[p].s >= ns && c->it[p].t >= nt &&
			    (fit == SIZE_MAX || mt__ks_rank_less(c, p, fit)))
				fit = p; /* rank order starts with cost: the cheapest fit */
		if (fit != SIZE_MAX && cost + c->it[fit].cost < best->cost) {
			memcpy(best->pos, g->pos, j * sizeof(size_t));
			best->pos[j] = fit;
			best->n = j + 1;
			best->cost = cost + c->it[fit].cost;
		}
		size_t q = g->pos[j];
		in[q] = true;
		cost += c->it[q].cost;
		ns -= min64(c->it[q].s, ns);
		nt -= min64(c->it[q].t, nt);
	}
}

/* The growth guarantee, on any set (the heuristic's, or one the budget cut
 * short; an exact set passes unchanged, being best in the set order): while
 * a victim can be swapped for an unchosen item of no higher cost and more
 * growth with the set still covering, swap it (the set only gets better in
 * the set order, so this ends) and prune again. O(victims x items) a round;
 * the rounds are capped (each one strictly raises the set's growth at no
 * more cost, so in practice one or two run). */
#define GROWTH_SWAP_ROUNDS 64
static void growth_swaps(const struct ctx *c, struct set *best, bool *in)
{
	for (int round = 0; round < GROWTH_SWAP_ROUNDS; round++) {
		uint64_t s = 0, t = 0;
		memset(in, 0, c->n * sizeof(bool));
		for (size_t i = 0; i < best->n; i++) {
			in[best->pos[i]] = true;
			s = add_sat(s, c->it[best->pos[i]].s);
			t = add_sat(t, c->it[best->pos[i]].t);
		}
		size_t vi = SIZE_MAX, vp = SIZE_MAX;
		for (size_t i = 0; i < best->n && vi == SIZE_MAX; i++) {
			const struct item *a = &c->it[best->pos[i]];
			for (size_t p = 0; p < c->n; p++) {
				const struct item *b = &c->it[p];
				if (in[p] || b->cost > a->cost || b->growth <= a->growth)
					continue;
				if (s - a->s + b->s >= c->ts && t - a->t + b->t >= c->tt &&
				    (vp == SIZE_MAX || mt__ks_rank_less(c, p, vp))) {
					vi = i;
					vp = p;
				}
			}
		}
		if (vi == SIZE_MAX)
			return;
		best->cost = best->cost - c->it[best->pos[vi]].cost + c->it[vp].cost;
		best->pos[vi] = vp;
		set_prune(c, best);
	}
}

/* The kill search: the heuristic's set, then the exact search from it;
 * fills *best (sorted by rank), dropped[] (dominated items) and the proven
 * lower bound. */
static int solve(const struct ctx *c, const struct mt_select_opts *o, struct set *best,
		 bool *dropped, uint64_t *ret_bound, enum mt_method *ret_method)
{
	_cleanup_free_ size_t *gpos = calloc(c->n, sizeof(size_t));
	_cleanup_free_ size_t *cpos = calloc(c->n, sizeof(size_t));
	_cleanup_free_ bool *in = calloc(c->n, sizeof(bool));
	if (!gpos || !cpos || !in)
		return -ENOMEM;
	struct set g = { .pos = gpos }, comp = { .pos = cpos };
	greedy(c, &g, in);
	complete(c, &g, in, &comp);
	set_prune(c, &g);
	mt__ks_set_copy(best, &g);
	if (comp.n > 0) {
		set_prune(c, &comp);
		if (mt__ks_set_better(c, &comp, best))
			mt__ks_set_copy(best, &comp);
	}
	struct mt__ks_exact_result er;
	int r = mt__ks_exact(c, o, o->exact_max > 0, best, dropped, &er);
	if (r < 0)
		return r;
	set_prune(c, best); /* a set cut short by the budget may carry a spare victim */
	growth_swaps(c, best, in);
	*ret_bound = er.bound < best->cost ? er.bound : best->cost;
	*ret_method = er.proven ? MT_METHOD_EXACT : MT_METHOD_HEURISTIC;
	return 0;
}

int mt_killset_solve(struct mt_killset_item *items, size_t n, uint64_t ts, uint64_t tt,
		     const struct mt_select_opts *o, bool *dropped, size_t *ret_chosen,
		     size_t *ret_n, uint64_t *ret_cost, uint64_t *ret_bound, enum mt_method *ret_method)
{
	struct ctx c = { .it = items, .n = n, .ts = ts, .tt = tt };
	_cleanup_free_ size_t *pos = calloc(n + 1, sizeof(size_t));
	if (!pos)
		return -ENOMEM;
	struct set best = { .pos = pos };
	memset(dropped, 0, n * sizeof(bool));
	*ret_n = 0;
	*ret_cost = 0;
	*ret_bound = 0;
	*ret_method = MT_METHOD_NONE;
	if (n == 0 || (ts == 0 && tt == 0))
		return 0;
	int r = solve(&c, o, &best, dropped, ret_bound, ret_method);
	if (r < 0)
		return r;
	for (size_t i = 0; i < best.n; i++)
		ret_chosen[i] = items[best.pos[i]].idx;
	qsort(ret_chosen, best.n, sizeof(size_t), idx_cmp);
	*ret_n = best.n;
	*ret_cost = best.cost;
	return 0;
}
