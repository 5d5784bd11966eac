/* The covering search behind mt_select(): choose items of minimum total
 * cost with sum(s) >= ts and sum(t) >= tt. Internal to lib/ (select.c and the
 * tests); pure, deterministic. The caller guarantees the targets are
 * coverable by all items together and that every cost is >= 1.
 *
 * Exact (branch and bound, after dropping dominated items) when at most
 * o->exact_max items remain and the search ends within o->node_budget nodes;
 * otherwise the heuristic: ratio-greedy, then for each greedy prefix the
 * cheapest single item completing it (the empty prefix gives the cheapest
 * single cover), each pruned to a minimal set; the cheaper result wins. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "select.h"

struct mt_killset_item {
	size_t idx;       /* caller's index (the snapshot's) */
	uint64_t s, t;    /* contributions, already capped at ts and tt */
	uint64_t cost;    /* >= 1 */
	uint64_t growth;  /* tie-break: growth_rate in bytes/s, 0 when not growing */
	const char *path; /* tie-break; may be NULL */
};

/* Sets of equal cost: the larger total growth wins, then fewer victims,
 * then the smaller rank list. Every other tie is broken by the rank order
 * (cost asc, growth desc, t desc, s desc, path, idx), so the result does not
 * depend on the order of items. dropped[k]
 * (n entries) tells whether items[k] was set aside as dominated. ret_chosen
 * (n entries) receives the chosen idx values, ascending. Returns 0 or
 * -ENOMEM. */
int mt_killset_solve(struct mt_killset_item *items, size_t n, uint64_t ts, uint64_t tt,
		     const struct mt_select_opts *o, bool *dropped, size_t *ret_chosen,
		     size_t *ret_n, uint64_t *ret_cost, uint64_t *ret_bound,
		     enum mt_method *ret_method);
