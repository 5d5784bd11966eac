/* The exact half of the covering search (doc/selection.md, "The covering
 * search"): from the LP bound (lib/killset_lp.c) and the reduction
 * (lib/killset_reduce.c), a depth-first branch and bound in two phases, the
 * optimum cost and then its tie-breaks, under a deterministic work budget.
 * Pure. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "killset_internal.h"

#define item mt_killset_item

/* Relative slack on every floating bound: sums of at most a few thousand
 * doubles err by far less (~1e-13); a bound is only ever rounded toward the
 * weaker side, so the proof holds. */
#define REL_EPS 1e-9

static uint64_t min64(uint64_t a, uint64_t b) { return a < b ? a : b; }
static uint64_t add_sat(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

static uint64_t gcd64(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* The smallest cost >= base + (lb - base) in steps of g: every set's
 * remaining cost is a sum of costs that are multiples of g. */
static uint64_t round_bound(uint64_t base, double lb, double eps, uint64_t g)
{
	double r = lb - (double)base - eps;
	if (!(r > 0))
		return base;
	double q = ceil(r / (double)g);
	if (q >= 1e18 / (double)g)
		return UINT64_MAX;
	return add_sat(base, (uint64_t)q * g);
}

/* ---- branch and bound ----
 * Phase 1 proves the optimum cost: depth-first, include first, in reduced
 * cost order (good sets early), a node cut when its bound cannot beat the
 * best cost. Phase 2 settles the tie-breaks among sets of that cost: the
 * same search in rank order, where include-first meets sets in the order of
 * the last tie-break (the smaller rank list first), so a later set that only
 * equals the best in cost, growth and count never wins, and a node is cut
 * when it cannot beat the best's growth (a fractional knapsack of growth
 * per cost over the cost left) or its count (the fewest items that could
 * cover what is left). */

struct bnb {
	const struct mt__ks_ctx *c;
	size_t m;
	size_t *order;           /* core positions in search order */
	double *sufneg;          /* suffix sums of min(0, reduced cost) */
	uint64_t *sufs, *suft;
	size_t *by_s, *by_t;     /* search indexes by cost per byte of s, of t */
	size_t *by_g, ng;        /* growers by growth per cost, descending */
	size_t *by_gd, ngd;      /* growers of positive reduced cost by growth per
	                          * reduced cost, descending */
	uint64_t *sufg0;         /* suffix sums of growth where reduced cost <= 0 */
	size_t *big_s, *big_t;   /* search indexes by s, by t, descending */
	const double *d;
	double ls, lt, eps;
	uint64_t g;              /* gcd of the core's costs */
	size_t *stack, depth;    /* forced items, then the current branch */
	struct mt__ks_set *best, cand;
	uint64_t best_growth;
	uint64_t work, budget;
	bool exhausted;
	uint64_t open;           /* least bound of a subtree left unexplored */
	int phase;
	bool strict;
	struct item *sub;        /* scratch: the node's residual instance */
	size_t *subq, nsub;      /* its items' search indexes */
	double sub_ls, sub_lt;   /* its multipliers */
	uint8_t *fix;            /* per search index: FIX_OUT, FIX_IN by an
	                          * ancestor's reduced costs, else 0 */
	size_t *undo, nundo;
	uint64_t K;              /* phase 2: cost weight of the growth LP bound; 0 = none */
	uint64_t *reach;         /* phase 2: per search index, the bitset of the
	                          * sums (in units of g) its suffix can make, up to
	                          * the best cost; NULL when too large */
	size_t words;
	void *lpscratch;             /* phase 2: the best is the first of its class met */
};

enum { FIX_OUT = 1, FIX_IN = 2 };

/* Fractional covering bound of one dimension over search indexes >= i. */
static double frac_bound(struct bnb *b, const size_t *by, bool use_s, size_t i, uint64_t need)
{
	double lb = 0;
	uint64_t rem = need;
	for (size_t k = 0; k < b->m && rem > 0; k++) {
		size_t q = by[k];
		b->work++;
		if (q < i || b->fix[q] == FIX_OUT)
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

/* The most growth items at search indexes >= i can add within cost left. */
static uint64_t growth_bound(struct bnb *b, size_t i, uint64_t left)
{
	unsigned __int128 sum = 0;
	for (size_t k = 0; k < b->ng && left > 0; k++) {
		size_t q = b->by_g[k];
		b->work++;
		if (q < i)
			continue;
		const struct item *x = &b->c->it[b->order[q]];
		if (x->cost <= left) {
			sum += x->growth;
			left -= x->cost;
		} else {
			sum += (unsigned __int128)x->growth * left / x->cost;
			left = 0;
		}
	}
	return sum > UINT64_MAX ? UINT64_MAX : (uint64_t)sum;
}

/* The same bound through the reduced costs: a completion that ties costs
 * at least the node's Lagrangian bound plus the positive reduced costs it
 * takes, so those may add up to pen = best cost - bound at most; growers of
 * reduced cost <= 0 come free. Rounded up: never below the true bound. */
static uint64_t growth_bound_rc(struct bnb *b, size_t i, double pen)
{
	unsigned __int128 sum = b->sufg0[i];
	for (size_t k = 0; k < b->ngd && pen > 0; k++) {
		size_t q = b->by_gd[k];
		b->work++;
		if (q < i)
			continue;
		const struct item *x = &b->c->it[b->order[q]];
		double dv = b->d[b->order[q]];
		if (dv <= pen) {
			sum += x->growth;
			pen -= dv;
		} else {
			sum += (uint64_t)((double)x->growth * (pen / dv)) + 1;
			pen = 0;
		}
	}
	return sum > UINT64_MAX ? UINT64_MAX : (uint64_t)sum;
}

/* The fewest items at search indexes >= i that reach need in one dimension. */
static size_t count_bound(struct bnb *b, const size_t *big, bool use_s, size_t i, uint64_t need)
{
	size_t cnt = 0;
	for (size_t k = 0; k < b->m && need > 0; k++) {
		size_t q = big[k];
		b->work++;
		if (q < i)
			continue;
		uint64_t v = use_s ? b->c->it[b->order[q]].s : b->c->it[b->order[q]].t;
		need -= min64(v, need);
		cnt++;
	}
	return cnt;
}

/* The LP bound of the node's residual instance: the free items with their
 * contributions capped at what is still needed, multipliers re-fitted. With
 * K > 0 the costs are K c - g instead (the growth bound below). */
static double node_lp(struct bnb *b, size_t i, uint64_t ns, uint64_t nt, uint64_t K, double *ret_mag)
{
	size_t k = 0;
	for (size_t q = i; q < b->m; q++) {
		if (b->fix[q] == FIX_OUT)
			continue;
		struct item x = b->c->it[b->order[q]];
		if (K)
			x.cost = K * x.cost - x.growth; /* >= 1 by the choice of K */
		x.s = min64(x.s, ns);
		x.t = min64(x.t, nt);
		if (x.s || x.t) {
			b->subq[k] = q;
			b->sub[k++] = x;
		}
	}
	struct mt__ks_ctx sc = { .it = b->sub, .n = k, .ts = ns, .tt = nt };
	double ls, lt;
	int ev = mt__ks_lp_solve(&sc, b->lpscratch, &ls, &lt);
	b->nsub = k;
	b->sub_ls = ls;
	b->sub_lt = lt;
	b->work += (uint64_t)(ev > 0 ? ev : 1) * k + (b->m - i);
	double lag = ls * (double)ns + lt * (double)nt, mag = fabs(lag);
	for (size_t q = 0; q < k; q++) {
		double dv = (double)b->sub[q].cost - ls * (double)b->sub[q].s - lt * (double)b->sub[q].t;
		if (dv < 0) {
			lag += dv;
			mag -= dv;
		}
	}
	*ret_mag = mag;
	return lag;
}

/* The cost weight K for the growth bound at the root of phase 2: the
 * bound K B - LP(K c - g) is convex in K; golden section over [Kmin,
 * 1024 Kmin], Kmin the least K that keeps every cost K c - g >= 1. 0 when
 * there is no grower or K c would not fit in 62 bits. */
static uint64_t growth_weight(struct bnb *b, uint64_t ns, uint64_t nt, uint64_t B)
{
	uint64_t kmin = 0, cmax = 0;
	for (size_t q = 0; q < b->m; q++) {
		const struct item *x = &b->c->it[b->order[q]];
		uint64_t k = x->growth / x->cost + 1;
		kmin = k > kmin ? k : kmin;
		cmax = x->cost > cmax ? x->cost : cmax;
	}
	if (b->ng == 0 || kmin > (UINT64_C(1) << 52) / cmax || b->m == 0)
		return 0;
	const double phi = 0.6180339887498949;
	double lo = (double)kmin, hi = 1024.0 * (double)kmin, mag;
	for (int it = 0; it < 24; it++) {
		double x1 = hi - phi * (hi - lo), x2 = lo + phi * (hi - lo);
		uint64_t k1 = (uint64_t)x1, k2 = (uint64_t)x2;
		double f1 = (double)k1 * (double)B - node_lp(b, 0, ns, nt, k1, &mag);
		double f2 = (double)k2 * (double)B - node_lp(b, 0, ns, nt, k2, &mag);
		if (f1 <= f2)
			hi = x2;
		else
			lo = x1;
	}
	return (uint64_t)((lo + hi) / 2);
}

/* The subset sums of every suffix of the search order, as bitsets over
 * 0..top (costs in units of g). Skipped (NULL) beyond REACH_WORDS words. */
#define REACH_WORDS (1u << 16)
static uint64_t *reach_new(struct bnb *b, uint64_t top)
{
	size_t words = (size_t)(top / 64 + 1);
	if (top > (UINT64_C(1) << 32) || (b->m + 1) > REACH_WORDS / words)
		return NULL;
	uint64_t *r = calloc((b->m + 1) * words, sizeof(uint64_t));
	if (!r)
		return NULL;
	r[b->m * words] = 1; /* the empty sum */
	for (size_t i = b->m; i-- > 0;) {
		const uint64_t *nx = r + (i + 1) * words;
		uint64_t *cur = r + i * words, sh = b->c->it[b->order[i]].cost / b->g;
		size_t ws = (size_t)(sh / 64), bs = (size_t)(sh % 64);
		for (size_t w = 0; w < words; w++) {
			uint64_t v = nx[w];
			if (w >= ws) {
				v |= nx[w - ws] << bs;
				if (bs && w > ws)
					v |= nx[w - ws - 1] >> (64 - bs);
			}
			cur[w] = v;
		}
		b->work += words;
	}
	b->words = words;
	return r;
}

static uint64_t set_growth(const struct mt__ks_ctx *c, const struct mt__ks_set *x)
{
	uint64_t g = 0;
	for (size_t i = 0; i < x->n; i++)
		g = add_sat(g, c->it[x->pos[i]].growth);
	return g;
}

static void bnb_leaf(struct bnb *b, uint64_t cost)
{
	b->cand.n = b->depth;
	b->cand.cost = cost;
	memcpy(b->cand.pos, b->stack, b->depth * sizeof(size_t));
	qsort_r(b->cand.pos, b->cand.n, sizeof(size_t), mt__ks_rank_cmp_r, (void *)b->c);
	uint64_t g = set_growth(b->c, &b->cand);
	if (mt__ks_set_better(b->c, &b->cand, b->best)) {
		mt__ks_set_copy(b->best, &b->cand);
		b->best_growth = g;
		b->strict = true;
	} else if (cost == b->best->cost && g == b->best_growth && b->cand.n == b->best->n)
		b->strict = true; /* the first of the best's class met: the best itself */
}

static void bnb_visit(struct bnb *b, size_t i, uint64_t ns, uint64_t nt, uint64_t cost, uint64_t growth)
{
	if (ns == 0 && nt == 0) {
		b->work += b->depth; /* the leaf's sort and comparison */
		bnb_leaf(b, cost);
		return;
	}
	if (i == b->m || b->sufs[i] < ns || b->suft[i] < nt)
		return;
	if (b->fix[i]) {
		/* settled by an ancestor: one branch, bounded there */
		const struct item *x = &b->c->it[b->order[i]];
		if (b->fix[i] == FIX_OUT) {
			bnb_visit(b, i + 1, ns, nt, cost, growth);
			return;
		}
		b->stack[b->depth++] = b->order[i];
		bnb_visit(b, i + 1, ns - min64(x->s, ns), nt - min64(x->t, nt), cost + x->cost,
			  add_sat(growth, x->growth));
		b->depth--;
		return;
	}
	if (++b->work > b->budget) {
		b->exhausted = true;
		if (cost < b->open)
			b->open = cost; /* what is spent is a bound on the subtree */
		return;
	}
	/* Lagrangian bound at the root multipliers (O(1)), then the two
	 * one-dimensional fractional bounds (O(m)) when it does not cut. */
	uint64_t cut = b->phase == 1 ? b->best->cost : add_sat(b->best->cost, 1);
	double lag = (double)cost + b->ls * (double)ns + b->lt * (double)nt + b->sufneg[i];
	uint64_t lb = round_bound(cost, lag, b->eps, b->g);
	if (lb >= cut)
		return;
	double fs = frac_bound(b, b->by_s, true, i, ns), ft = frac_bound(b, b->by_t, false, i, nt);
	uint64_t lf = round_bound(cost, (double)cost + (fs > ft ? fs : ft), b->eps, b->g);
	lb = lf > lb ? lf : lb;
	if (lb >= cut)
		return;
	double mag, nl = node_lp(b, i, ns, nt, 0, &mag);
	uint64_t ln = round_bound(cost, (double)cost + nl, REL_EPS * (mag + (double)cost + 1), b->g);
	lb = ln > lb ? ln : lb;
	if (lb >= cut)
		return;
	/* Reduced-cost fixing for the subtree, at the node's multipliers: what
	 * can still win costs at most cut - 1. */
	size_t undo0 = b->nundo;
	double gap = (double)(cut - 1) - ((double)cost + nl) + REL_EPS * (mag + (double)cost + 1);
	for (size_t k = 0; k < b->nsub; k++) {
		size_t q = b->subq[k];
		if (b->fix[q])
			continue;
		const struct item *y = &b->sub[k];
		double dv = (double)y->cost - b->sub_ls * (double)y->s - b->sub_lt * (double)y->t;
		if (dv > gap || dv < -gap) {
			b->fix[q] = dv > gap ? FIX_OUT : FIX_IN;
			b->undo[b->nundo++] = q;
		}
	}
	b->work += b->nsub;
	if (b->phase == 2 && b->reach) {
		/* a tie costs exactly the best: the rest must be a subset sum */
		uint64_t r = (b->best->cost - cost) / b->g;
		if (!(b->reach[i * b->words + r / 64] >> (r % 64) & 1))
			return;
	}
	if (b->phase == 2) {
		uint64_t gub = add_sat(growth, growth_bound(b, i, b->best->cost - cost));
		double pen = (double)b->best->cost - lag + b->eps;
		uint64_t gr = add_sat(growth, growth_bound_rc(b, i, pen));
		gub = gr < gub ? gr : gub;
		if (gub < b->best_growth)
			return;
		if (gub >= b->best_growth && b->K) {
			/* a tie with growth G costs K C* - G in costs K c - g, and no
			 * covering set costs less than the LP bound */
			double gm, lp = node_lp(b, i, ns, nt, b->K, &gm);
			double u = (double)growth + (double)b->K * (double)(b->best->cost - cost) - lp;
			u = floor(u + REL_EPS * (gm + (double)b->K * (double)b->best->cost) + 1e-6);
			uint64_t gl = u <= 0 ? 0 : u >= 1.8e19 ? UINT64_MAX : (uint64_t)u;
			gub = gl < gub ? gl : gub;
			if (gub < b->best_growth)
				return;
		}
		if (gub == b->best_growth) {
			size_t cs = count_bound(b, b->big_s, true, i, ns), ct = count_bound(b, b->big_t, false, i, nt);
			size_t nlb = b->depth + (cs > ct ? cs : ct);
			if (b->strict ? nlb >= b->best->n : nlb > b->best->n)
				return;
		}
	}
	const struct item *x = &b->c->it[b->order[i]];
	if (b->fix[i] != FIX_OUT) {
		b->stack[b->depth++] = b->order[i];
		bnb_visit(b, i + 1, ns - min64(x->s, ns), nt - min64(x->t, nt), cost + x->cost,
			  add_sat(growth, x->growth));
		b->depth--;
	}
	if (!b->exhausted && b->fix[i] != FIX_IN)
		bnb_visit(b, i + 1, ns, nt, cost, growth);
	while (b->nundo > undo0)
		b->fix[b->undo[--b->nundo]] = 0;
	if (b->exhausted && lb < b->open)
		b->open = lb; /* this subtree was not finished */
}

struct dim_arg {
	const struct mt__ks_ctx *c;
	const size_t *order;
	int key; /* 0: cost per s, 1: cost per t, 2: growth per cost desc, 3: s desc, 4: t desc,
	          * 5: growth per reduced cost desc */
	const double *d;
};

/* The orders the bounds scan, over search indexes; ties by search index. */
static int by_dim_cmp(const void *a, const void *b, void *arg)
{
	const struct dim_arg *da = arg;
	size_t qa = *(const size_t *)a, qb = *(const size_t *)b;
	const struct item *x = &da->c->it[da->order[qa]], *y = &da->c->it[da->order[qb]];
	unsigned __int128 l = 0, r = 0;
	if (da->key == 5) {
		double ka = (double)x->growth / da->d[da->order[qa]], kb = (double)y->growth / da->d[da->order[qb]];
		if (ka != kb)
			return ka > kb ? -1 : 1;
		return qa < qb ? -1 : qa > qb;
	}
	switch (da->key) {
	case 0:
	case 1: {
		uint64_t vx = da->key == 0 ? x->s : x->t, vy = da->key == 0 ? y->s : y->t;
		if ((vx == 0) != (vy == 0))
			return vx == 0 ? 1 : -1;
		l = (unsigned __int128)x->cost * vy;
		r = (unsigned __int128)y->cost * vx;
		break;
	}
	case 2:
		l = (unsigned __int128)y->growth * x->cost;
		r = (unsigned __int128)x->growth * y->cost;
		break;
	case 3:
		l = y->s;
		r = x->s;
		break;
	default:
		l = y->t;
		r = x->t;
		break;
	}
	if (l != r)
		return l < r ? -1 : 1;
	return qa < qb ? -1 : qa > qb;
}

struct rc_arg {
	const struct mt__ks_ctx *c;
	const double *d;
};

/* Reduced cost ascending, then rank. */
static int by_rc_cmp(const void *a, const void *b, void *arg)
{
	const struct rc_arg *ra = arg;
	size_t pa = *(const size_t *)a, pb = *(const size_t *)b;
	if (ra->d[pa] != ra->d[pb])
		return ra->d[pa] < ra->d[pb] ? -1 : 1;
	return mt__ks_rank_cmp_r(a, b, (void *)ra->c);
}

/* Sorts the core into search order for the phase and fills the suffix sums
 * and the bounds' orders; starts the stack with the forced items. */
static void bnb_prepare(struct bnb *b, const struct mt__ks_core *k, int phase)
{
	const struct mt__ks_ctx *c = b->c;
	struct rc_arg ra = { c, b->d };
	b->phase = phase;
	b->m = k->m;
	memcpy(b->order, k->pos, k->m * sizeof(size_t));
	if (phase == 1)
		qsort_r(b->order, b->m, sizeof(size_t), by_rc_cmp, &ra);
	else
		qsort_r(b->order, b->m, sizeof(size_t), mt__ks_rank_cmp_r, (void *)c);
	uint64_t gc = 0;
	b->sufneg[b->m] = 0;
	b->sufs[b->m] = b->suft[b->m] = 0;
	b->ng = b->ngd = 0;
	b->sufg0[b->m] = 0;
	for (size_t i = b->m; i-- > 0;) {
		const struct item *x = &c->it[b->order[i]];
		double dv = b->d[b->order[i]];
		b->sufneg[i] = b->sufneg[i + 1] + (dv < 0 ? dv : 0);
		b->sufs[i] = add_sat(b->sufs[i + 1], x->s);
		b->suft[i] = add_sat(b->suft[i + 1], x->t);
		b->by_s[i] = b->by_t[i] = b->big_s[i] = b->big_t[i] = i;
		if (x->growth > 0)
			b->by_g[b->ng++] = i;
		if (x->growth > 0 && dv > 0)
			b->by_gd[b->ngd++] = i;
		b->sufg0[i] = add_sat(b->sufg0[i + 1], dv <= 0 ? x->growth : 0);
		gc = gcd64(gc, x->cost);
	}
	b->g = gc ? gc : 1;
	struct dim_arg as = { c, b->order, 0, NULL }, at = { c, b->order, 1, NULL }, ag = { c, b->order, 2, NULL };
	struct dim_arg bs = { c, b->order, 3, NULL }, bt = { c, b->order, 4, NULL }, gd = { c, b->order, 5, b->d };
	qsort_r(b->by_s, b->m, sizeof(size_t), by_dim_cmp, &as);
	qsort_r(b->by_t, b->m, sizeof(size_t), by_dim_cmp, &at);
	if (phase == 2) {
		qsort_r(b->by_g, b->ng, sizeof(size_t), by_dim_cmp, &ag);
		qsort_r(b->by_gd, b->ngd, sizeof(size_t), by_dim_cmp, &gd);
		qsort_r(b->big_s, b->m, sizeof(size_t), by_dim_cmp, &bs);
		qsort_r(b->big_t, b->m, sizeof(size_t), by_dim_cmp, &bt);
	}
	memcpy(b->stack, k->forced, k->nf * sizeof(size_t));
	b->depth = k->nf;
}

int mt__ks_exact(const struct mt__ks_ctx *c, const struct mt_select_opts *o, bool search,
		 struct mt__ks_set *best, bool *dropped, struct mt__ks_exact_result *ret)
{
	size_t n = c->n;
	*ret = (struct mt__ks_exact_result){ .bound = 0 };
	_cleanup_free_ double *d = calloc(n + 1, sizeof(double));
	if (!d)
		return -ENOMEM;
	double ls, lt;
	if (mt__ks_lp_solve(c, NULL, &ls, &lt) < 0)
		return -ENOMEM;
	double lag = ls * (double)c->ts + lt * (double)c->tt, mag = lag;
	uint64_t g = 0;
	for (size_t p = 0; p < n; p++) {
		d[p] = (double)c->it[p].cost - ls * (double)c->it[p].s - lt * (double)c->it[p].t;
		if (d[p] < 0) {
			lag += d[p];
			mag -= d[p];
		}
		g = gcd64(g, c->it[p].cost);
	}
	double eps = REL_EPS * (mag + 1);
	ret->bound = min64(round_bound(0, lag, eps, g), best->cost);
	if (!search)
		return 0;

	/* one allocation for every array of the search, n + 1 entries each */
	enum { Z_FORCED, Z_POS, Z_ORDER, Z_BYS, Z_BYT, Z_BYG, Z_BYGD, Z_BIGS, Z_BIGT, Z_STACK, Z_CAND, Z_SUBQ, Z_UNDO, Z_N };
	_cleanup_free_ size_t *z = calloc((n + 1) * Z_N, sizeof(size_t));
	_cleanup_free_ double *sufneg = calloc(n + 1, sizeof(double));
	_cleanup_free_ uint64_t *sufs = calloc(3 * (n + 1), sizeof(uint64_t));
	_cleanup_free_ struct item *sub = calloc(n + 1, sizeof(*sub));
	_cleanup_free_ void *lpscratch = mt__ks_lp_scratch_new(n);
	_cleanup_free_ uint8_t *fix = calloc(n + 1, 1);
	if (!z || !sufneg || !sufs || !sub || !lpscratch || !fix)
		return -ENOMEM;
#define Z(k) (z + (size_t)(k) * (n + 1))
	struct mt__ks_core k = { .forced = Z(Z_FORCED), .pos = Z(Z_POS) };
	struct bnb b = { .c = c, .order = Z(Z_ORDER), .sufneg = sufneg, .sufs = sufs, .suft = sufs + n + 1, .sufg0 = sufs + 2 * (n + 1),
	                 .by_s = Z(Z_BYS), .by_t = Z(Z_BYT), .by_g = Z(Z_BYG), .by_gd = Z(Z_BYGD), .big_s = Z(Z_BIGS),
	                 .big_t = Z(Z_BIGT), .d = d, .ls = ls, .lt = lt, .eps = eps, .stack = Z(Z_STACK),
	                 .best = best, .cand = { .pos = Z(Z_CAND) }, .best_growth = set_growth(c, best),
	                 .budget = o->node_budget, .open = UINT64_MAX, .sub = sub, .lpscratch = lpscratch,
	                 .subq = Z(Z_SUBQ), .fix = fix, .undo = Z(Z_UNDO) };
#undef Z
	mt__ks_reduce(c, d, lag, eps, best->cost, dropped, &k, &b.work, b.budget);
	if (k.m > o->exact_max)
		return 0;
	bnb_prepare(&b, &k, 1);
	bnb_visit(&b, 0, k.ns, k.nt, k.cost, 0);
	if (b.exhausted) {
		ret->work = b.work;
		ret->bound = min64(best->cost, b.open > ret->bound ? b.open : ret->bound);
		return 0;
	}
	ret->bound = best->cost;

	mt__ks_reduce(c, d, lag, eps, best->cost, dropped, &k, &b.work, b.budget);
	bnb_prepare(&b, &k, 2);
	b.strict = false;
	uint64_t fg = 0;
	for (size_t i = 0; i < k.nf; i++)
		fg = add_sat(fg, c->it[k.forced[i]].growth);
	b.K = best->cost >= k.cost ? growth_weight(&b, k.ns, k.nt, best->cost - k.cost) : 0;
	_cleanup_free_ uint64_t *reach = NULL;
	if (best->cost >= k.cost && (best->cost - k.cost) % b.g == 0)
		b.reach = reach = reach_new(&b, (best->cost - k.cost) / b.g);
	bnb_visit(&b, 0, k.ns, k.nt, k.cost, fg);
	ret->work = b.work;
	ret->proven = !b.exhausted;
	return 0;
}
