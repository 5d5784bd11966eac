/* The exact half of the covering search (doc/selection.md, "The covering
 * search"): the LP relaxation's bound and multipliers, reduced-cost fixing,
 * dominance, then a depth-first branch and bound over what is left, under a
 * deterministic work budget. Pure. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "killset_internal.h"

#define item mt_killset_item

/* Dominance counting is quadratic in the core; beyond this many items the
 * core is searched as it is (measured: 256 items take ~0.1 ms). */
#define DOMINANCE_MAX 256
/* The 1-D cutting-plane search for the swap multiplier ends on a piecewise
 * linear function in a handful of steps (at most 9 seen on the benchmark's
 * families); the cap only bounds a pathological case, whose bound is then
 * weaker but still valid. */
#define LP_ITER_MAX 40
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

/* ---- the LP relaxation ----
 * min sum c x  s.t.  sum s x >= ts, sum t x >= tt, 0 <= x <= 1.
 * Its Lagrangian dual, for multipliers ls, lt >= 0,
 *     L(ls, lt) = ls ts + lt tt + sum_i min(0, c_i - ls s_i - lt t_i),
 * is a lower bound on every covering set's cost for any ls, lt >= 0, so a
 * multiplier that is not quite optimal only weakens the bound. For fixed ls
 * the best lt is the break ratio of a fractional knapsack on t with costs
 * c - ls s, found by weighted selection in O(n); phi(ls) = max over lt is
 * concave and piecewise linear in ls, maximised by a 1-D cutting-plane
 * search. */

struct lpent {
	double key; /* (c - ls s) / t */
	double w;   /* t */
	double v;   /* c - ls s */
	double s;
};

static void lp_swap(struct lpent *a, size_t i, size_t j)
{
	struct lpent t = a[i];
	a[i] = a[j];
	a[j] = t;
}

/* Among e[0..n), in ascending key order, the entry at which the cumulative w
 * first reaches need (> 0): returns its index after reordering e, with the w,
 * v and s sums of the entries before it; n when all of w falls short. */
static size_t wselect(struct lpent *e, size_t n, double need, double *ret_w, double *ret_v, double *ret_s)
{
	size_t lo = 0, hi = n;
	double wb = 0, vb = 0, sb = 0;
	while (lo < hi) {
		double a = e[lo].key, b = e[lo + (hi - lo) / 2].key, c = e[hi - 1].key;
		double piv = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
		/* three-way partition: [lo, lt) < piv, [lt, gt) == piv, [gt, hi) > piv */
		size_t lt = lo, i = lo, gt = hi;
		while (i < gt) {
			if (e[i].key < piv)
				lp_swap(e, lt++, i++);
			else if (e[i].key > piv)
				lp_swap(e, i, --gt);
			else
				i++;
		}
		double wl = 0, vl = 0, sl = 0;
		for (size_t k = lo; k < lt; k++) {
			wl += e[k].w;
			vl += e[k].v;
			sl += e[k].s;
		}
		if (wb + wl >= need && lt > lo) {
			hi = lt;
			continue;
		}
		wb += wl;
		vb += vl;
		sb += sl;
		for (size_t k = lt; k < gt; k++) {
			if (wb + e[k].w >= need) {
				*ret_w = wb;
				*ret_v = vb;
				*ret_s = sb;
				return k;
			}
			wb += e[k].w;
			vb += e[k].v;
			sb += e[k].s;
		}
		lo = gt;
	}
	return n;
}

/* phi(ls): returns the bound, the subgradient ts - S(x) in *ret_slope and the
 * best lt in *ret_lt. */
static double lp_eval(const struct mt__ks_ctx *c, double ls, struct lpent *e, double *ret_slope, double *ret_lt)
{
	double val = ls * (double)c->ts, sfix = 0, tfix = 0;
	size_t m = 0;
	for (size_t p = 0; p < c->n; p++) {
		const struct item *x = &c->it[p];
		double cs = (double)x->cost - ls * (double)x->s;
		if (cs <= 0) {
			val += cs;
			sfix += (double)x->s;
			tfix += (double)x->t;
		} else if (x->t > 0)
			e[m++] = (struct lpent){ cs / (double)x->t, (double)x->t, cs, (double)x->s };
	}
	double need = (double)c->tt - tfix;
	*ret_lt = 0;
	if (need > 0) {
		double wb = 0, vb = 0, sb = 0;
		size_t k = wselect(e, m, need, &wb, &vb, &sb);
		if (k == m)
			return INFINITY; /* not coverable: excluded by the caller */
		double f = (need - wb) / e[k].w;
		val += vb + f * e[k].v;
		sfix += sb + f * e[k].s;
		*ret_lt = e[k].key;
	}
	*ret_slope = (double)c->ts - sfix;
	return val;
}

static void lp_solve(const struct mt__ks_ctx *c, struct lpent *e, double *ret_ls, double *ret_lt)
{
	double g0, lt0, v0 = lp_eval(c, 0, e, &g0, &lt0);
	double best = v0, bls = 0, blt = lt0;
	if (g0 > 0 && c->ts > 0) {
		double lo = 0, hi = 0;
		for (size_t p = 0; p < c->n; p++)
			if (c->it[p].s > 0 && (double)c->it[p].cost / (double)c->it[p].s > hi)
				hi = (double)c->it[p].cost / (double)c->it[p].s;
		/* at hi every item with swap is free: the slope is ts - all s <= 0 */
		double g1, lt1, v1 = lp_eval(c, hi, e, &g1, &lt1);
		if (v1 > best) {
			best = v1;
			bls = hi;
			blt = lt1;
		}
		for (int k = 0; k < LP_ITER_MAX && g1 < 0; k++) {
			double x = (v1 - v0 + g0 * lo - g1 * hi) / (g0 - g1);
			if (!(x > lo && x < hi))
				break;
			double top = v0 + g0 * (x - lo), g, lt, v = lp_eval(c, x, e, &g, &lt);
			if (v > best) {
				best = v;
				bls = x;
				blt = lt;
			}
			if (top - v <= REL_EPS * (fabs(top) + 1) || g == 0)
				break;
			if (g > 0) {
				lo = x;
				v0 = v;
				g0 = g;
			} else {
				hi = x;
				v1 = v;
				g1 = g;
			}
		}
	}
	*ret_ls = bls;
	*ret_lt = blt;
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

/* ---- dominance ---- */

/* b dominates a: costs no more, frees at least as much toward both targets
 * and grows at least as fast (so swapping it in keeps the growth tie-break);
 * equal items are ordered by rank so the relation is a strict order. */
static bool dominates(const struct mt__ks_ctx *c, size_t b, size_t a)
{
	const struct item *x = &c->it[b], *y = &c->it[a];
	if (x->cost > y->cost || x->s < y->s || x->t < y->t || x->growth < y->growth)
		return false;
	return x->cost < y->cost || x->s > y->s || x->t > y->t || x->growth > y->growth ||
	       mt__ks_rank_less(c, b, a);
}

/* ---- branch and bound ---- */

struct bnb {
	const struct mt__ks_ctx *c;
	size_t m;
	const size_t *order;     /* core positions, by reduced cost then rank */
	const double *sufneg;    /* suffix sums of min(0, reduced cost) */
	const uint64_t *sufs, *suft;
	const size_t *by_s, *by_t; /* search indexes by cost per byte of s, of t */
	double ls, lt, eps;
	uint64_t g;              /* gcd of the core's costs */
	size_t *stack;           /* forced items, then the current branch */
	size_t depth;
	struct mt__ks_set *best, cand;
	uint64_t work, budget;
	bool exhausted;
	uint64_t open;           /* least bound of a subtree left unexplored */
};

/* Fractional covering bound of one dimension over search indexes >= i. */
static double frac_bound(struct bnb *b, const size_t *by, bool use_s, size_t i, uint64_t need)
{
	double lb = 0;
	uint64_t rem = need;
	for (size_t k = 0; k < b->m && rem > 0; k++) {
		size_t q = by[k];
		b->work++;
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
	if (ns == 0 && nt == 0) {
		b->cand.n = b->depth;
		b->cand.cost = cost;
		memcpy(b->cand.pos, b->stack, b->depth * sizeof(size_t));
		qsort_r(b->cand.pos, b->cand.n, sizeof(size_t), mt__ks_rank_cmp_r, (void *)b->c);
		if (mt__ks_set_better(b->c, &b->cand, b->best))
			mt__ks_set_copy(b->best, &b->cand);
		return;
	}
	if (i == b->m || b->sufs[i] < ns || b->suft[i] < nt)
		return;
	if (++b->work > b->budget) {
		b->exhausted = true;
		if (cost < b->open)
			b->open = cost; /* what is spent is a bound on the subtree */
		return;
	}
	/* Lagrangian bound at the root multipliers (O(1)), then the two
	 * one-dimensional fractional bounds (O(m)) when it does not cut. A tie
	 * is never cut: the tie-breaks need every set of the best cost. */
	double lag = (double)cost + b->ls * (double)ns + b->lt * (double)nt + b->sufneg[i];
	uint64_t lb = round_bound(cost, lag, b->eps, b->g);
	if (lb > b->best->cost)
		return;
	double fs = frac_bound(b, b->by_s, true, i, ns), ft = frac_bound(b, b->by_t, false, i, nt);
	uint64_t lf = round_bound(cost, (double)cost + (fs > ft ? fs : ft), b->eps, b->g);
	lb = lf > lb ? lf : lb;
	if (lb > b->best->cost)
		return;
	const struct item *x = &b->c->it[b->order[i]];
	b->stack[b->depth++] = b->order[i];
	bnb_visit(b, i + 1, ns - min64(x->s, ns), nt - min64(x->t, nt), cost + x->cost);
	b->depth--;
	if (!b->exhausted)
		bnb_visit(b, i + 1, ns, nt, cost);
	if (b->exhausted && lb < b->open)
		b->open = lb; /* this subtree was not finished */
}

struct dim_arg {
	const struct mt__ks_ctx *c;
	const size_t *order;
	bool use_s;
};

/* cost per byte ascending (cross-multiplied), zero-byte items last, then
 * search index: a deterministic order for the fractional bound. */
static int by_dim_cmp(const void *a, const void *b, void *arg)
{
	const struct dim_arg *da = arg;
	size_t qa = *(const size_t *)a, qb = *(const size_t *)b;
	const struct item *x = &da->c->it[da->order[qa]], *y = &da->c->it[da->order[qb]];
	uint64_t vx = da->use_s ? x->s : x->t, vy = da->use_s ? y->s : y->t;
	if ((vx == 0) != (vy == 0))
		return vx == 0 ? 1 : -1;
	unsigned __int128 l = (unsigned __int128)x->cost * vy, r = (unsigned __int128)y->cost * vx;
	if (l != r)
		return l < r ? -1 : 1;
	return qa < qb ? -1 : qa > qb;
}

struct rc_arg {
	const struct mt__ks_ctx *c;
	const double *d;
};

/* Reduced cost ascending, then rank: a good set early, and an order that
 * does not depend on the caller's. */
static int by_rc_cmp(const void *a, const void *b, void *arg)
{
	const struct rc_arg *ra = arg;
	size_t pa = *(const size_t *)a, pb = *(const size_t *)b;
	if (ra->d[pa] != ra->d[pb])
		return ra->d[pa] < ra->d[pb] ? -1 : 1;
	return mt__ks_rank_cmp_r(a, b, (void *)ra->c);
}

int mt__ks_exact(const struct mt__ks_ctx *c, const struct mt_select_opts *o, bool search,
		 struct mt__ks_set *best, bool *dropped, struct mt__ks_exact_result *ret)
{
	size_t n = c->n;
	*ret = (struct mt__ks_exact_result){ .bound = 0 };
	_cleanup_free_ struct lpent *e = calloc(n + 1, sizeof(*e));
	_cleanup_free_ double *d = calloc(n + 1, sizeof(double));
	_cleanup_free_ size_t *core = calloc(n + 1, sizeof(size_t));
	_cleanup_free_ size_t *stack = calloc(n + 1, sizeof(size_t));
	if (!e || !d || !core || !stack)
		return -ENOMEM;

	double ls, lt;
	lp_solve(c, e, &ls, &lt);
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

	/* Reduced-cost fixing: a set of cost <= best costs at least lag plus
	 * every positive reduced cost it takes and every negative one it leaves,
	 * so an item beyond the gap either way is out of (or in) every set that
	 * can still win or tie. */
	double gap = (double)best->cost - lag + eps;
	size_t nf = 0, m = 0;
	uint64_t ns = c->ts, nt = c->tt, cost = 0, cmin = UINT64_MAX;
	for (size_t p = 0; p < n; p++) {
		if (d[p] > gap)
			continue;
		if (d[p] < -gap) {
			stack[nf++] = p;
			cost += c->it[p].cost;
			ns -= min64(c->it[p].s, ns);
			nt -= min64(c->it[p].t, nt);
		} else {
			core[m++] = p;
			cmin = min64(cmin, c->it[p].cost);
		}
	}

	/* Dominance within the core: any set that can win has at most kmax core
	 * victims; an item with kmax dominators in the core has one outside the
	 * set, and swapping it in gives a set at least as good in the set
	 * order. Dominators of a core item are never fixed out (their reduced
	 * cost is no higher). */
	if (m > 0 && m <= DOMINANCE_MAX && best->cost >= cost) {
		uint64_t kmax = (best->cost - cost) / cmin;
		size_t k = 0;
		for (size_t a = 0; a < m; a++) {
			uint64_t cnt = 0;
			for (size_t q = 0; q < m && cnt < kmax; q++)
				if (q != a && dominates(c, core[q], core[a]))
					cnt++;
			ret->work += m;
			if (kmax > 0 && cnt >= kmax)
				dropped[core[a]] = true;
			else
				core[k++] = core[a];
		}
		m = k;
	}
	if (m > o->exact_max)
		return 0;

	_cleanup_free_ double *sufneg = calloc(m + 1, sizeof(double));
	_cleanup_free_ uint64_t *sufs = calloc(m + 1, sizeof(uint64_t));
	_cleanup_free_ uint64_t *suft = calloc(m + 1, sizeof(uint64_t));
	_cleanup_free_ size_t *by_s = calloc(m + 1, sizeof(size_t));
	_cleanup_free_ size_t *by_t = calloc(m + 1, sizeof(size_t));
	_cleanup_free_ size_t *cand = calloc(n + 1, sizeof(size_t));
	if (!sufneg || !sufs || !suft || !by_s || !by_t || !cand)
		return -ENOMEM;
	struct rc_arg ra = { c, d };
	qsort_r(core, m, sizeof(size_t), by_rc_cmp, &ra);
	uint64_t gc = 0;
	for (size_t i = m; i-- > 0;) {
		const struct item *x = &c->it[core[i]];
		sufneg[i] = sufneg[i + 1] + (d[core[i]] < 0 ? d[core[i]] : 0);
		sufs[i] = add_sat(sufs[i + 1], x->s);
		suft[i] = add_sat(suft[i + 1], x->t);
		by_s[i] = by_t[i] = i;
		gc = gcd64(gc, x->cost);
	}
	struct dim_arg as = { c, core, true }, at = { c, core, false };
	qsort_r(by_s, m, sizeof(size_t), by_dim_cmp, &as);
	qsort_r(by_t, m, sizeof(size_t), by_dim_cmp, &at);

	struct bnb b = { .c = c, .m = m, .order = core, .sufneg = sufneg, .sufs = sufs, .suft = suft,
	                 .by_s = by_s, .by_t = by_t, .ls = ls, .lt = lt, .eps = eps, .g = gc ? gc : 1,
	                 .stack = stack, .depth = nf, .best = best, .cand = { .pos = cand },
	                 .work = ret->work, .budget = o->node_budget, .open = UINT64_MAX };
	bnb_visit(&b, 0, ns, nt, cost);
	ret->work = b.work;
	ret->proven = !b.exhausted;
	if (ret->proven)
		ret->bound = best->cost;
	else
		ret->bound = min64(best->cost, b.open > ret->bound ? b.open : ret->bound);
	return 0;
}
