/* Victim selection: the one place a decision is made. A pure function of a
 * computed snapshot (mt_snapshot_compute() must have run): no I/O, no clock,
 * no globals, no logging; deterministic. The algorithm, its guarantees and its
 * tie-breaks are documented in doc/selection.md.
 *
 * Kill: among the candidates eligible for a kill (kill_inelig == 0), choose
 * the set X of minimum total cost such that, with the frees of kills still in
 * flight (within their grace) credited first,
 *     S(X) >= target_swap   and   R(X) + S(X) + stops(X) >= target_total
 * where target_swap = swap_deficit - pending swap, target_total =
 * ram_deficit + swap_deficit + growth_allowance - pending RAM - pending swap
 * (each at least 0). The deficit is projected over the time T the kill
 * takes to complete (projected_ms): growth_allowance = G x T with G the
 * node's growth (below), and a victim's growth over T counts as freed
 * (stops: killing it stops it). T is the completion time of the chosen set
 * itself (MT_KILL_* below), at least MT_KILL_HORIZON_MIN_MS. G is
 * the sum of the candidates' positive growth, or the node's growth_rate when
 * larger, no kill is in flight (the node's average still carries a
 * victim's growth after it is killed) and every candidate's growth is known
 * (an unsampled one may be the node's grower).
 * The set is minimal (removing any victim leaves a deficit). When no set
 * covers, covered is false and the set reaches the most that all eligible
 * candidates together can free, at the lowest cost. Among sets of equal
 * cost the one that stops the most growth wins (doc/selection.md,
 * "Tie-breaks"); no victim of the chosen set can be swapped for an eligible
 * candidate of no higher cost that grows faster and still covers.
 *
 * Throttle: with no deficit, when the bound is near (mt_select_throttle_due),
 * hold growers that may be throttled at a memory.high value from their
 * policy, lowest priority first, until their growth adds up to the node's. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot.h"

/* How long a kill takes to complete, from the decision to the victim's
 * memory being back (doc/control-law.md, "Kill-time growth allowance"; the
 * slow end of the guest's measurements under load): the cgroup.kill write
 * (median 0.3-3.9 ms, worst 36 ms) and the decision, then the exit, ~2.25
 * ms per MiB in RAM (224 ms for 100 MiB) and ~6 ms per MiB in zram (1.5 s
 * for 400 MiB half in zram). Victims of one set exit in parallel: a set
 * completes with its slowest victim. Disk swap is counted at the RAM rate. */
#define MT_KILL_WRITE_MS 40
#define MT_KILL_RAM_US_PER_MIB 2250
#define MT_KILL_ZRAM_US_PER_MIB 6000
/* The projection's horizon is the set's completion but never less than
 * this: the node timer's idle pace (lib/lifecycle.h MT_LC_TICK_MAX_MS), the
 * longest a crossing right after the kill's completion can wait for a look.
 * A 40 MiB victim's memory is back in 26-41 ms with process_mrelease (130
 * ms by the rates above); sized for that alone, a container growing at
 * tens of MiB/s crosses again within a second, and its victims go one per
 * crossing, each at the reserve's edge (issue 16: "3.5 s apart, each sized
 * to the deficit of that instant"). So one decision covers the growth for
 * as long as nothing else is sure to look. A victim that is itself the
 * grower cancels its own allowance (its growth counts as freed), so the
 * horizon only ever adds victims for growth a kill of theirs does not stop. */
#define MT_KILL_HORIZON_MIN_MS 1000
/* Rounds of the completion-time iteration (T from the horizon's floor, then
 * the chosen set's completion while that is longer): each round is one
 * search; only victims slower than the floor (~400 MiB in RAM, ~160 MiB in
 * zram) start a second. */
#define MT_KILL_PROJECT_ROUNDS 4

enum mt_action {
	MT_ACTION_NONE,
	MT_ACTION_THROTTLE,
	MT_ACTION_KILL,
	MT_ACTION__COUNT,
};

enum mt_method {
	MT_METHOD_NONE,      /* no kill search ran */
	MT_METHOD_EXACT,     /* proven best: optimal cost, tie-breaks settled */
	MT_METHOD_HEURISTIC, /* not proven (exact_max 0, or the work budget ran
	                      * out): the best set found; cost_bound says how
	                      * far from the optimum it can be */
	MT_METHOD__COUNT,
};

/* Why a candidate was or was not chosen. */
enum mt_reason {
	MT_REASON_KILL,          /* in the chosen kill set */
	MT_REASON_THROTTLE,      /* to be held at throttle_to */
	MT_REASON_NO_PRESSURE,   /* no deficit and the bound is not near */
	MT_REASON_INELIGIBLE,    /* see inelig (enum mt_inelig bits) */
	MT_REASON_DOMINATED,     /* enough cheaper candidates free at least as much
	                          * that an optimal set never needs it */
	MT_REASON_COSTLIER,      /* eligible, but the chosen set costs less */
	MT_REASON_NOT_NEEDED,    /* throttle: lower-priority growers hold enough
	                          * growth; kill: kills in flight already cover */
	MT_REASON__COUNT,
};

struct mt_explain {
	enum mt_reason reason;
	uint32_t inelig;       /* bits for the action considered (kill on a deficit,
	                        * else throttle) */
	uint64_t useful_swap;  /* its swap frees counted toward target_swap */
	uint64_t useful_total; /* its frees counted toward target_total (with stops) */
	uint64_t stops;        /* KILL: its positive growth over projected_ms, which
	                        * a kill of it removes from the projection */
	uint64_t throttle_to;  /* memory.high value when reason is THROTTLE */
	bool pool_paid;        /* THROTTLE: throttle_to is the pool rule's (zram,
	                        * select.c): the grower paying for pool RAM it
	                        * already took, not a squeeze, so the lifecycle
	                        * does not pace it by throttle.interval_ms */
};

struct mt_decision {
	enum mt_action action;
	enum mt_method method;
	bool covered;             /* KILL: the set covers the targets in full */
	bool throttle_due;        /* the bound is near (see above) */
	uint64_t pending_ram;     /* credited frees of kills in flight */
	uint64_t pending_swap;
	uint64_t target_swap;     /* after credit; see above */
	uint64_t target_total;    /* after credit, with growth_allowance */
	uint64_t projected_ms;    /* KILL phase: T, the deficit's projection horizon */
	uint64_t growth_rate;     /* KILL phase: G, bytes/s, the growth projected */
	uint64_t growth_allowance; /* G x T, in target_total */
	uint64_t freed_ram;       /* by the chosen kill set */
	uint64_t freed_swap;
	uint64_t cost;            /* total cost of the chosen kill set */
	uint64_t cost_bound;      /* KILL: proven lower bound on the optimum cost;
	                           * == cost when method is exact */
	size_t n_chosen;          /* victims or throttled groups */
	size_t *chosen;           /* snapshot indexes, ascending; owned */
	size_t n_explain;         /* == snapshot n_candidates */
	struct mt_explain *explain; /* by snapshot index; owned */
};

struct mt_select_opts {
	size_t exact_max;     /* run branch and bound when at most this many
	                       * candidates remain after reduced-cost fixing and
	                       * dominance; 0 = never (the heuristic alone) */
	uint64_t node_budget; /* work units for the exact search (one per node,
	                       * one per item a bound or dominance test scans);
	                       * beyond it the best set found is kept, with its
	                       * proven bound (method heuristic) */
};

/* No size limit; 200,000 work units: measured to keep the worst decision
 * near 1 ms at 1,000 candidates on this project's 2-core reference machine
 * (test/bench/bench_select). Deterministic: a count, never a clock. */
#define MT_SELECT_OPTS_DEFAULT ((struct mt_select_opts){ .exact_max = SIZE_MAX, .node_budget = 200000 })

/* Decides. opts may be NULL for the defaults. On success returns 0 and fills
 * *ret (release with mt_decision_free()); -ENOMEM on allocation failure. */
int mt_select(const struct mt_snapshot *s, const struct mt_select_opts *opts,
	      struct mt_decision *ret);

void mt_decision_free(struct mt_decision *d);

/* The bound is near, a hold due (no deficit yet): the total headroom is at
 * most the reserve, or RAM is within one ram_reserve of its reserve
 * (MemAvailable <= 2 x ram_reserve). One reserve of margin: the reserve is
 * what the operator sized to cover a kill's latency, and a hold acts within
 * a few ms of its write (doc/control-law.md), so a grower is held before
 * the deficit and killed, if it must be, at it. Never on growth alone: a
 * projected exhaustion minutes away is no reason to stall anyone. Pure. */
bool mt_select_throttle_due(const struct mt_node *n);

/* Whether a held grower's memory.high may be lowered below its usage:
 * only while RAM is near its reserve and swap has room for the pages that
 * reclaim then moves out (issue 16, "swap as room"). Pure. */
bool mt_select_may_tighten(const struct mt_node *n);

/* Whether a set (snapshot indexes) covers the targets of d; for tests and the
 * explanation. Pure. */
bool mt_decision_set_covers(const struct mt_snapshot *s, const struct mt_decision *d,
			    const size_t *set, size_t n);

/* What a kill of c counts toward target_total in d: its RAM and swap frees
 * and its positive growth over d->projected_ms. Pure. */
uint64_t mt_decision_frees_total(const struct mt_candidate *c, const struct mt_decision *d);

/* Stable names for output ("none", "throttle", "kill"; "exact", ...;
 * "kill", "throttle", "no-pressure", "ineligible", "dominated", "costlier",
 * "not-needed"); NULL when out of range. */
const char *mt_action_to_string(enum mt_action a);
const char *mt_method_to_string(enum mt_method m);
const char *mt_reason_to_string(enum mt_reason r);
/* Names of enum mt_inelig bits: "protected", "response", "kill-pending",
 * "kill-stuck", "nothing-to-free", "not-growing", "already-held", "kill-failed", "empty". */
const char *mt_inelig_to_string(uint32_t bit);
