/* Shared between the covering search's parts, which call downward only:
 * lib/killset.c (the heuristic, the driver) -> lib/killset_exact.c (the
 * proof: branch and bound) -> lib/killset_reduce.c (reduced-cost fixing,
 * dominance) and lib/killset_lp.c (the LP bound); all of them ->
 * lib/killset_order.c (the candidate rank, the set order). Not a public
 * interface. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "killset.h"

struct mt__ks_ctx {
	struct mt_killset_item *it; /* in the caller's order; ties use rank order */
	size_t n;
	uint64_t ts, tt;
};

struct mt__ks_set {
	size_t *pos;    /* positions in it[] */
	size_t n;
	uint64_t cost;
};

/* lib/killset_order.c. The documented candidate order (cost asc, growth
 * desc, unknown growth before steady, t desc, s desc, path, idx): whether
 * it[a] ranks before it[b]. */
bool mt__ks_rank_less(const struct mt__ks_ctx *c, size_t a, size_t b);
/* qsort_r comparator on positions, arg = the context. */
int mt__ks_rank_cmp_r(const void *a, const void *b, void *arg);
/* The documented set order; both sets' pos sorted by rank. */
bool mt__ks_set_better(const struct mt__ks_ctx *c, const struct mt__ks_set *a, const struct mt__ks_set *b);
void mt__ks_set_copy(struct mt__ks_set *dst, const struct mt__ks_set *src);

struct mt__ks_exact_result {
	bool proven;     /* the search ended within the budget: best is optimal */
	uint64_t bound;  /* proven lower bound on the optimum cost (<= best cost) */
	uint64_t work;   /* work units spent */
};

/* Improves *best (a covering set, pruned or not) toward the optimum under the
 * documented set order. Marks dropped[p] for items an optimal set never needs
 * by dominance. search false: only the root bound is computed (no branch and
 * bound). Returns 0 or -ENOMEM. */
int mt__ks_exact(const struct mt__ks_ctx *c, const struct mt_select_opts *o, bool search,
		 struct mt__ks_set *best, bool *dropped, struct mt__ks_exact_result *ret);

/* Multipliers (ls, lt) >= 0 that (nearly) maximise the LP relaxation's
 * Lagrangian dual L(ls, lt) = ls ts + lt tt + sum min(0, c - ls s - lt t),
 * a lower bound on the cost of every covering set for any ls, lt >= 0. The
 * items must reach both targets together. scratch: NULL, or from
 * mt__ks_lp_scratch_new() for at least c->n items (free() it). Returns the
 * number of O(n) evaluations it took (>= 1), or -ENOMEM. */
int mt__ks_lp_solve(const struct mt__ks_ctx *c, void *scratch, double *ret_ls, double *ret_lt);
void *mt__ks_lp_scratch_new(size_t n);

struct mt__ks_core {
	size_t *forced, nf;    /* in every set that can win or tie */
	size_t *pos, m;        /* the items left to search */
	uint64_t cost, ns, nt; /* the forced items' cost, the needs they leave */
};

/* Reduced-cost fixing against the upper bound ub, then dominance. A set of
 * cost <= ub costs at least lag plus every positive reduced cost it takes and
 * every negative one it leaves, so an item beyond the gap either way is out
 * of (or in) every set that can still win or tie. Then, within what is left,
 * any such set has at most kmax searched victims; an item with kmax
 * dominators among them has one outside the set, and swapping it in gives a
 * set at least as good in the set order (a dominator's reduced cost is no
 * higher, so it is never fixed out).
 * d[] are the reduced costs at multipliers whose Lagrangian bound is lag
 * (eps its floating slack); k->forced and k->pos need c->n entries each.
 * Marks dropped[] (and skips items already dropped); counts the dominance
 * scan in *work, dropping no more once it reaches budget. */
void mt__ks_reduce(const struct mt__ks_ctx *c, const double *d, double lag, double eps, uint64_t ub,
		   bool *dropped, struct mt__ks_core *k, uint64_t *work, uint64_t budget);
