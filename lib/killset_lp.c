/* The LP relaxation of the covering knapsack, through its Lagrangian dual
 * (doc/selection.md, "The covering search"). Pure. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "killset_internal.h"

#define item mt_killset_item

/* The 1-D cutting-plane search for the swap multiplier ends on a piecewise
 * linear function in a handful of steps; the cap only bounds a pathological
 * case, whose bound is then weaker but still valid. */
#define LP_ITER_MAX 40
/* Relative tolerance for the cutting plane's stop: the bound is then within
 * 1e-9 of the LP optimum (a weaker bound, never an invalid one). */
#define LP_TOL 1e-9

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

void *mt__ks_lp_scratch_new(size_t n)
{
	return calloc(n + 1, sizeof(struct lpent));
}

int mt__ks_lp_solve(const struct mt__ks_ctx *c, void *scratch, double *ret_ls, double *ret_lt)
{
	struct lpent *e = scratch ? scratch : mt__ks_lp_scratch_new(c->n);
	if (!e)
		return -ENOMEM;
	int evals = 1;
	double g0, lt0, v0 = lp_eval(c, 0, e, &g0, &lt0);
	double best = v0, bls = 0, blt = lt0;
	if (g0 > 0 && c->ts > 0) {
		double lo = 0, hi = 0;
		for (size_t p = 0; p < c->n; p++)
			if (c->it[p].s > 0 && (double)c->it[p].cost / (double)c->it[p].s > hi)
				hi = (double)c->it[p].cost / (double)c->it[p].s;
		/* at hi every item with swap is free: the slope is ts - all s <= 0 */
		double g1, lt1, v1 = lp_eval(c, hi, e, &g1, &lt1);
		evals++;
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
			evals++;
			if (v > best) {
				best = v;
				bls = x;
				blt = lt;
			}
			if (top - v <= LP_TOL * (fabs(top) + 1) || g == 0)
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
	if (!scratch)
		free(e);
	*ret_ls = bls;
	*ret_lt = blt;
	return evals;
}

