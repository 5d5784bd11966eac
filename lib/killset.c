#include "killset.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

/* Dominance counting is quadratic; above this many eligible candidates the
 * heuristic alone runs (measured: 256 candidates take ~0.1 ms). */
#define DOMINANCE_MAX 256

typedef unsigned __int128 u128;

#define item mt_killset_item

struct set {
	size_t *pos;    /* positions in the rank-ordered item array */
	size_t n;
	uint64_t cost;
};

struct ctx {
	struct item *it; /* in the caller's order; ties use rank_less() */
	size_t n;
	uint64_t ts, tt;
};

static uint64_t min64(uint64_t a, uint64_t b) { return a < b ? a : b; }
static uint64_t add_sat(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

static int item_rank_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	if (x->cost != y->cost)
		return x->cost < y->cost ? -1 : 1;
	if (x->growth != y->growth)
		return x->growth > y->growth ? -1 : 1;
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
 * t desc, s desc, path, caller's index. Items are never sorted by it as a whole (sorting
 * 10,000 items cost more than the whole search); it is asked pairwise. */
static bool rank_less(const struct ctx *c, size_t a, size_t b)
{
	return item_rank_cmp(&c->it[a], &c->it[b]) < 0;
}

static int rank_cmp_r(const void *a, const void *b, void *arg)
{
	const struct ctx *c = arg;
	return item_rank_cmp(&c->it[*(const size_t *)a], &c->it[*(const size_t *)b]);
}

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
	return a != b && rank_less(c, a, b);
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
	qsort_r(x->pos, x->n, sizeof(size_t), rank_cmp_r, (void *)c);
	for (size_t k = x->n; k-- > 0;)
		if (set_covers(c, x->pos, x->n, k)) {
			x->cost -= c->it[x->pos[k]].cost;
			memmove(&x->pos[k], &x->pos[k + 1], (x->n - k - 1) * sizeof(size_t));
			x->n--;
		}
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
static bool set_better(const struct ctx *c, const struct set *a, const struct set *b)
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
			return rank_less(c, a->pos[i], b->pos[i]);
	return false;
}

static void set_copy(struct set *dst, const struct set *src)
{
	memcpy(dst->pos, src->pos, src->n * sizeof(size_t));
	dst->n = src->n;
	dst->cost = src->cost;
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
			    (fit == SIZE_MAX || rank_less(c, p, fit)))
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

/* ---- exact: dominance, then branch and bound ---- */

struct bnb {
	const struct ctx *c;
	size_t m;
	size_t *order;          /* rank positions in search order */
	uint64_t *sufs, *suft;  /* suffix sums over the search order */
	size_t *by_s, *by_t;    /* search indexes by cost per byte of s, of t */
	size_t *stack;
	size_t depth;
	struct set *best;
	struct set cand;
	uint64_t nodes, budget;
	bool exhausted;
};

/* Fractional covering bound of one dimension over search indexes >= i. */
static double frac_bound(const struct bnb *b, const size_t *by, bool use_s, size_t i, uint64_t need)
{
	double lb = 0;
	uint64_t rem = need;
	for (size_t k = 0; k < b->m && rem > 0; k++) {
		size_t q = by[k];
		if (q < i)
			continue;
		const struct item *x = &b->c->it[b->order[q]];
		uint64_t v = use_s ? x->s : x->t;
		if (v == 0)
			break;
		if (v >= rem) {
			lb += (double)x->cost * ((double)rem / (double)v);
			rem = 0;
		} else {
			lb += (double)x->cost;
			rem -= v;
		}
	}
	return lb;
}

static void bnb_visit(struct bnb *b, size_t i, uint64_t ns, uint64_t nt, uint64_t cost)
{
	if (b->exhausted)
		return;
	if (ns == 0 && nt == 0) {
		b->cand.n = b->depth;
		b->cand.cost = cost;
		memcpy(b->cand.pos, b->stack, b->depth * sizeof(size_t));
		qsort_r(b->cand.pos, b->cand.n, sizeof(size_t), rank_cmp_r, (void *)b->c);
		if (set_better(b->c, &b->cand, b->best))
			set_copy(b->best, &b->cand);
		return;
	}
	if (i == b->m || b->sufs[i] < ns || b->suft[i] < nt)
		return;
	if (++b->nodes > b->budget) {
		b->exhausted = true;
		return;
	}
	double ls = frac_bound(b, b->by_s, true, i, ns), lt = frac_bound(b, b->by_t, false, i, nt);
	double lb = (double)cost + (ls > lt ? ls : lt);
	/* costs are integers: allow for rounding in the bound, never prune a tie */
	if (lb > (double)b->best->cost + 1e-6 * ((double)b->best->cost + 1))
		return;
	const struct item *x = &b->c->it[b->order[i]];
	b->stack[b->depth++] = b->order[i];
	bnb_visit(b, i + 1, ns - min64(x->s, ns), nt - min64(x->t, nt), cost + x->cost);
	b->depth--;
	bnb_visit(b, i + 1, ns, nt, cost);
}

struct sort_arg {
	const struct ctx *c;
	const size_t *order;
	bool use_s;
};

/* cost per byte ascending (cross-multiplied), zero-byte items last, then
 * search index: a deterministic order for the fractional bound. */
static int by_dim_cmp(const void *a, const void *b, void *arg)
{
	const struct sort_arg *sa = arg;
	size_t qa = *(const size_t *)a, qb = *(const size_t *)b;
	const struct item *x = &sa->c->it[sa->order[qa]], *y = &sa->c->it[sa->order[qb]];
	uint64_t vx = sa->use_s ? x->s : x->t, vy = sa->use_s ? y->s : y->t;
	if ((vx == 0) != (vy == 0))
		return vx == 0 ? 1 : -1;
	u128 l = (u128)x->cost * vy, r = (u128)y->cost * vx;
	if (l != r)
		return l < r ? -1 : 1;
	return qa < qb ? -1 : qa > qb;
}

/* Search order: best full-target ratio first, so that good sets are met
 * early and the bound prunes sooner. */
static int by_ratio_cmp(const void *a, const void *b, void *arg)
{
	const struct ctx *c = arg;
	size_t pa = *(const size_t *)a, pb = *(const size_t *)b;
	u128 ka = contrib(c, &c->it[pa], c->ts, c->tt), kb = contrib(c, &c->it[pb], c->ts, c->tt);
	if (ratio_better(c, ka, pa, kb, pb))
		return -1;
	return ratio_better(c, kb, pb, ka, pa) ? 1 : 0;
}

/* b dominates a: costs no more, frees at least as much toward both
 * targets and grows at least as fast (so swapping it in keeps the growth
 * tie-break); equal items are ordered by rank so the relation is a strict order. */
static bool dominates(const struct ctx *c, size_t b, size_t a)
{
	const struct item *x = &c->it[b], *y = &c->it[a];
	if (x->cost > y->cost || x->s < y->s || x->t < y->t || x->growth < y->growth)
		return false;
	return x->cost < y->cost || x->s > y->s || x->t > y->t || x->growth > y->growth || rank_less(c, b, a);
}

/* Marks dropped[p] for items that an optimal set never needs. Any optimal
 * set has at most kmax = floor(upper / cheapest cost) victims; an item with
 * at least kmax dominators has one outside any such set, and swapping it in
 * keeps the cover and does not raise the cost (doc/selection.md). */
static size_t dominance(const struct ctx *c, uint64_t upper, bool *dropped)
{
	uint64_t cmin = UINT64_MAX;
	for (size_t p = 0; p < c->n; p++)
		cmin = min64(cmin, c->it[p].cost);
	uint64_t kmax = upper / cmin;
	size_t kept = 0;
	for (size_t a = 0; a < c->n; a++) {
		uint64_t count = 0;
		for (size_t b = 0; b < c->n && count < kmax; b++)
			if (b != a && dominates(c, b, a))
				count++;
		dropped[a] = kmax > 0 && count >= kmax;
		kept += !dropped[a];
	}
	return kept;
}

static int exact(const struct ctx *c, const bool *dropped, size_t m, uint64_t budget,
		 struct set *best, bool *ret_proven)
{
	struct bnb b = { .c = c, .m = m, .best = best, .budget = budget };
	_cleanup_free_ size_t *order = calloc(m + 1, sizeof(size_t));
	_cleanup_free_ uint64_t *sufs = calloc(m + 1, sizeof(uint64_t));
	_cleanup_free_ uint64_t *suft = calloc(m + 1, sizeof(uint64_t));
	_cleanup_free_ size_t *by_s = calloc(m + 1, sizeof(size_t));
	_cleanup_free_ size_t *by_t = calloc(m + 1, sizeof(size_t));
	_cleanup_free_ size_t *stack = calloc(m + 1, sizeof(size_t));
	_cleanup_free_ size_t *cand = calloc(m + 1, sizeof(size_t));
	if (!order || !sufs || !suft || !by_s || !by_t || !stack || !cand)
		return -ENOMEM;
	size_t k = 0;
	for (size_t p = 0; p < c->n; p++)
		if (!dropped[p])
			order[k++] = p;
	qsort_r(order, m, sizeof(size_t), by_ratio_cmp, (void *)c);
	for (size_t i = m; i-- > 0;) {
		sufs[i] = add_sat(sufs[i + 1], c->it[order[i]].s);
		suft[i] = add_sat(suft[i + 1], c->it[order[i]].t);
		by_s[i] = by_t[i] = i;
	}
	struct sort_arg as = { c, order, true }, at = { c, order, false };
	qsort_r(by_s, m, sizeof(size_t), by_dim_cmp, &as);
	qsort_r(by_t, m, sizeof(size_t), by_dim_cmp, &at);
	b.order = order;
	b.sufs = sufs;
	b.suft = suft;
	b.by_s = by_s;
	b.by_t = by_t;
	b.stack = stack;
	b.cand.pos = cand;
	bnb_visit(&b, 0, c->ts, c->tt, 0);
	*ret_proven = !b.exhausted;
	return 0;
}

/* The kill search over the rank-ordered items; fills *best (pruned, sorted)
 * and dropped[] (dominated items). */
static int solve(const struct ctx *c, const struct mt_select_opts *o, struct set *best,
		 bool *dropped, enum mt_method *ret_method)
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
	set_copy(best, &g);
	if (comp.n > 0) {
		set_prune(c, &comp);
		if (set_better(c, &comp, best))
			set_copy(best, &comp);
	}
	*ret_method = MT_METHOD_HEURISTIC;
	if (c->n > DOMINANCE_MAX || o->exact_max == 0)
		return 0;
	size_t m = dominance(c, best->cost, dropped);
	if (m > o->exact_max)
		return 0;
	bool proven = false;
	int r = exact(c, dropped, m, o->node_budget, best, &proven);
	if (r < 0)
		return r;
	set_prune(c, best);
	if (proven)
		*ret_method = MT_METHOD_EXACT;
	return 0;
}

int mt_killset_solve(struct mt_killset_item *items, size_t n, uint64_t ts, uint64_t tt,
		     const struct mt_select_opts *o, bool *dropped, size_t *ret_chosen,
		     size_t *ret_n, uint64_t *ret_cost, enum mt_method *ret_method)
{
	struct ctx c = { .it = items, .n = n, .ts = ts, .tt = tt };
	_cleanup_free_ size_t *pos = calloc(n + 1, sizeof(size_t));
	if (!pos)
		return -ENOMEM;
	struct set best = { .pos = pos };
	memset(dropped, 0, n * sizeof(bool));
	*ret_n = 0;
	*ret_cost = 0;
	*ret_method = MT_METHOD_NONE;
	if (n == 0 || (ts == 0 && tt == 0))
		return 0;
	int r = solve(&c, o, &best, dropped, ret_method);
	if (r < 0)
		return r;
	for (size_t i = 0; i < best.n; i++)
		ret_chosen[i] = items[best.pos[i]].idx;
	qsort(ret_chosen, best.n, sizeof(size_t), idx_cmp);
	*ret_n = best.n;
	*ret_cost = best.cost;
	return 0;
}
