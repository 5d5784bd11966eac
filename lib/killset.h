/* The covering search behind mt_select(): choose items of minimum total
 * cost with sum(s) >= ts and sum(t) >= tt. Internal to lib/ (select.c and the
 * tests); pure, deterministic. The caller guarantees the targets are
 * coverable by all items together and that every cost is >= 1.
 *
 * The heuristic (ratio-greedy, then for each greedy prefix the cheapest
 * single item completing it, each pruned to a minimal set) gives the first
 * set; unless o->exact_max is 0 the exact search (LP bound, reduced-cost
 * fixing, dominance, branch and bound; doc/selection.md) proves it optimal
 * or improves it within o->node_budget units of work. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "select.h"

struct mt_killset_item {
	size_t idx;       /* caller's index (the snapshot's) */
	uint64_t s, t;    /* contributions, already capped at ts and tt */
	uint64_t cost;    /* >= 1 */
	uint64_t growth;  /* tie-break: growth_rate in bytes/s, 0 when not growing
	                   * or not known */
	bool growth_unknown; /* growth 0 because it was never measured (growth_known
	                      * false), not because the group is steady: ranks
	                      * between growers and steady groups */
	const char *path; /* tie-break; may be NULL */
};

/* Sets of equal cost: the larger total growth wins, then fewer victims,
 * then the smaller rank list. Every other tie is broken by the rank order
 * (cost asc, growth desc, unknown before steady, t desc, s desc, path, idx),
 * so the result does not depend on the order of items. Whatever the method,
 * the chosen set admits no swap of one victim for an unchosen item of no
 * higher cost and more growth that still covers (the growth guarantee of
 * doc/selection.md). dropped[k]
 * (n entries) tells whether items[k] was set aside as dominated. ret_chosen
 * (n entries) receives the chosen idx values, ascending; *ret_bound a proven
 * lower bound on the optimum cost (== *ret_cost when the cost is proven);
 * *ret_method exact when the set is proven best in the set order. Returns 0
 * or -ENOMEM. */
int mt_killset_solve(struct mt_killset_item *items, size_t n, uint64_t ts, uint64_t tt,
		     const struct mt_select_opts *o, bool *dropped, size_t *ret_chosen,
		     size_t *ret_n, uint64_t *ret_cost, uint64_t *ret_bound,
		     enum mt_method *ret_method);
