#include "select.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "killset.h"

static uint64_t min64(uint64_t a, uint64_t b) { return a < b ? a : b; }
static uint64_t max64(uint64_t a, uint64_t b) { return a > b ? a : b; }
static uint64_t sub0(uint64_t a, uint64_t b) { return a > b ? a - b : 0; }
static uint64_t add_sat(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

static const char *const action_names[MT_ACTION__COUNT] = {
	[MT_ACTION_NONE] = "none",
	[MT_ACTION_THROTTLE] = "throttle",
	[MT_ACTION_KILL] = "kill",
};

static const char *const method_names[MT_METHOD__COUNT] = {
	[MT_METHOD_NONE] = "none",
	[MT_METHOD_EXACT] = "exact",
	[MT_METHOD_HEURISTIC] = "heuristic",
};

static const char *const reason_names[MT_REASON__COUNT] = {
	[MT_REASON_KILL] = "kill",
	[MT_REASON_THROTTLE] = "throttle",
	[MT_REASON_NO_PRESSURE] = "no-pressure",
	[MT_REASON_INELIGIBLE] = "ineligible",
	[MT_REASON_DOMINATED] = "dominated",
	[MT_REASON_COSTLIER] = "costlier",
	[MT_REASON_NOT_NEEDED] = "not-needed",
};

const char *mt_action_to_string(enum mt_action a)
{
	return (unsigned)a < MT_ACTION__COUNT ? action_names[a] : NULL;
}

const char *mt_method_to_string(enum mt_method m)
{
	return (unsigned)m < MT_METHOD__COUNT ? method_names[m] : NULL;
}

const char *mt_reason_to_string(enum mt_reason r)
{
	return (unsigned)r < MT_REASON__COUNT ? reason_names[r] : NULL;
}

const char *mt_inelig_to_string(uint32_t bit)
{
	switch (bit) {
	case MT_INELIG_PROTECTED: return "protected";
	case MT_INELIG_RESPONSE: return "response";
	case MT_INELIG_KILL_PENDING: return "kill-pending";
	case MT_INELIG_KILL_STUCK: return "kill-stuck";
	case MT_INELIG_NOTHING_TO_FREE: return "nothing-to-free";
	case MT_INELIG_NOT_GROWING: return "not-growing";
	case MT_INELIG_ALREADY_HELD: return "already-held";
	case MT_INELIG_KILL_FAILED: return "kill-failed";
	case MT_INELIG_EMPTY: return "empty";
	default: return NULL;
	}
}

/* Bytes a rate adds over ms milliseconds. */
static uint64_t over_ms(uint64_t rate, uint64_t ms)
{
	unsigned __int128 v = (unsigned __int128)rate * ms / 1000;
	return v > UINT64_MAX ? UINT64_MAX : (uint64_t)v;
}

static uint64_t growth_pos(const struct mt_candidate *c)
{
	return c->growth_rate > 0 ? (uint64_t)c->growth_rate : 0;
}

/* What a kill of c removes from the projected deficit over T ms: its frees
 * and the growth it would have added meanwhile. */
static uint64_t frees_total(const struct mt_candidate *c, uint64_t t_ms)
{
	return add_sat(add_sat(c->frees_ram, c->frees_swap), over_ms(growth_pos(c), t_ms));
}

static void useful(const struct mt_candidate *c, uint64_t ts, uint64_t tt, uint64_t t_ms,
		   uint64_t *ret_s, uint64_t *ret_t)
{
	*ret_s = min64(c->frees_swap, ts);
	*ret_t = min64(frees_total(c, t_ms), tt);
}

uint64_t mt_decision_frees_total(const struct mt_candidate *c, const struct mt_decision *d)
{
	return frees_total(c, d->projected_ms);
}

bool mt_decision_set_covers(const struct mt_snapshot *s, const struct mt_decision *d,
			    const size_t *set, size_t n)
{
	uint64_t sw = 0, tot = 0;
	for (size_t i = 0; i < n; i++) {
		const struct mt_candidate *c = &s->candidates[set[i]];
		sw = add_sat(sw, c->frees_swap);
		tot = add_sat(tot, frees_total(c, d->projected_ms));
	}
	return sw >= d->target_swap && tot >= d->target_total;
}

/* The time from the decision until c's memory is back after a kill. */
static uint64_t kill_completion_ms(const struct mt_snapshot *s, const struct mt_candidate *c)
{
	uint64_t swap_us = s->node.zram_swap_total > 0 ? MT_KILL_ZRAM_US_PER_MIB : MT_KILL_RAM_US_PER_MIB;
	unsigned __int128 us = (unsigned __int128)c->frees_ram * MT_KILL_RAM_US_PER_MIB +
			       (unsigned __int128)c->frees_swap * swap_us;
	us >>= 20;
	return add_sat(MT_KILL_WRITE_MS, us / 1000 > UINT64_MAX ? UINT64_MAX : (uint64_t)(us / 1000));
}

/* Targets after credit, projected over t_ms (see select.h). */
static void project(const struct mt_snapshot *s, struct mt_decision *d, uint64_t t_ms)
{
	const struct mt_node *node = &s->node;
	uint64_t g = 0;
	bool pending = false, unknown = false;
	for (size_t i = 0; i < s->n_candidates; i++) {
		const struct mt_candidate *c = &s->candidates[i];
		if (c->kill_inelig & (MT_INELIG_KILL_PENDING | MT_INELIG_KILL_STUCK)) {
			pending = pending || (c->kill_inelig & MT_INELIG_KILL_PENDING);
			continue; /* killed: no longer growing */
		}
		unknown = unknown || (c->growth_rate <= 0 && !c->growth_known);
		g = add_sat(g, growth_pos(c));
	}
	/* The node's growth beyond the candidates' is growth no kill of theirs
	 * is known to stop; while a candidate's growth is unknown it may be
	 * that one's (a leaker not yet sampled), and projecting it as growth
	 * to make room for would take bystanders along with the leaker. */
	if (!pending && !unknown && node->growth_rate > 0)
		g = max64(g, (uint64_t)node->growth_rate);
	d->projected_ms = t_ms;
	d->growth_rate = g;
	d->growth_allowance = over_ms(g, t_ms);
	d->target_swap = sub0(node->swap_deficit, d->pending_swap);
	d->target_total = sub0(add_sat(add_sat(node->ram_deficit, node->swap_deficit), d->growth_allowance),
			       add_sat(d->pending_ram, d->pending_swap));
}

/* The kill phase: targets after credit, coverability, search, explanation. */
static int decide_kill(const struct mt_snapshot *s, const struct mt_select_opts *o,
		       struct mt_decision *d)
{
	size_t n = s->n_candidates;
	_cleanup_free_ struct mt_killset_item *items = calloc(n + 1, sizeof(*items));
	_cleanup_free_ bool *dropped = calloc(n + 1, sizeof(bool));
	if (!items || !dropped)
		return -ENOMEM;

	size_t m = 0;
	uint64_t all_s = 0, all_t = 0;
	for (size_t i = 0; i < n; i++) {
		const struct mt_candidate *c = &s->candidates[i];
		struct mt_explain *e = &d->explain[i];
		useful(c, d->target_swap, d->target_total, d->projected_ms, &e->useful_swap, &e->useful_total);
		e->inelig = c->kill_inelig;
		if (e->inelig == 0 && e->useful_swap == 0 && e->useful_total == 0)
			e->inelig = MT_INELIG_NOTHING_TO_FREE;
		if (e->inelig) {
			e->reason = MT_REASON_INELIGIBLE;
			continue;
		}
		e->reason = MT_REASON_COSTLIER;
		e->stops = over_ms(growth_pos(c), d->projected_ms);
		/* a measured rate <= 0 is steady; no measurement is neither */
		items[m++] = (struct mt_killset_item){ .idx = i, .cost = c->cost, .path = c->path,
		                                       .growth = growth_pos(c),
		                                       .growth_unknown = c->growth_rate <= 0 && !c->growth_known };
		all_s = add_sat(all_s, e->useful_swap);
		all_t = add_sat(all_t, e->useful_total);
	}

	/* Nothing covers: aim at what all eligible candidates together reach. */
	d->covered = all_s >= d->target_swap && all_t >= d->target_total;
	uint64_t ts = min64(d->target_swap, all_s), tt = min64(d->target_total, all_t);
	for (size_t k = 0; k < m; k++)
		useful(&s->candidates[items[k].idx], ts, tt, d->projected_ms, &items[k].s, &items[k].t);

	int r = mt_killset_solve(items, m, ts, tt, o, dropped, d->chosen, &d->n_chosen,
				 &d->cost, &d->cost_bound, &d->method);
	if (r < 0)
		return r;
	for (size_t k = 0; k < m; k++)
		if (dropped[k])
			d->explain[items[k].idx].reason = MT_REASON_DOMINATED;
	for (size_t k = 0; k < d->n_chosen; k++) {
		const struct mt_candidate *c = &s->candidates[d->chosen[k]];
		d->explain[d->chosen[k]].reason = MT_REASON_KILL;
		d->freed_ram = add_sat(d->freed_ram, c->frees_ram);
		d->freed_swap = add_sat(d->freed_swap, c->frees_swap);
	}
	d->action = d->n_chosen > 0 ? MT_ACTION_KILL : MT_ACTION_NONE;
	return 0;
}

/* The kill phase over the completion time of its own set: from the
 * horizon's floor, re-projected over the chosen set's completion while that
 * is longer (T only grows, and takes one of the candidates' completion
 * times, so this ends; capped at MT_KILL_PROJECT_ROUNDS). */
static int decide_projected(const struct mt_snapshot *s, const struct mt_select_opts *o,
			    struct mt_decision *d)
{
	uint64_t t_ms = MT_KILL_HORIZON_MIN_MS;
	for (int round = 1;; round++) {
		project(s, d, t_ms);
		d->n_chosen = 0;
		d->cost = d->cost_bound = d->freed_ram = d->freed_swap = 0;
		d->method = MT_METHOD_NONE;
		d->action = MT_ACTION_NONE;
		d->covered = true;
		memset(d->explain, 0, s->n_candidates * sizeof(*d->explain));
		if (d->target_swap == 0 && d->target_total == 0) {
			for (size_t i = 0; i < s->n_candidates; i++) {
				d->explain[i].inelig = s->candidates[i].kill_inelig;
				d->explain[i].reason = d->explain[i].inelig ? MT_REASON_INELIGIBLE
									    : MT_REASON_NOT_NEEDED;
			}
			return 0;
		}
		int r = decide_kill(s, o, d);
		if (r < 0)
			return r;
		uint64_t done = MT_KILL_HORIZON_MIN_MS;
		for (size_t k = 0; k < d->n_chosen; k++)
			done = max64(done, kill_completion_ms(s, &s->candidates[d->chosen[k]]));
		if (done <= t_ms || round == MT_KILL_PROJECT_ROUNDS)
			return 0;
		t_ms = done;
	}
}

bool mt_select_throttle_due(const struct mt_node *n)
{
	return n->headroom <= n->reserve || n->ram_near_reserve;
}

bool mt_select_may_tighten(const struct mt_node *n)
{
	return n->ram_near_reserve && n->swap_has_room;
}

/* Less than this owed is not paid yet: each payment is a memory.high
 * write and a kept decision record, and the pool rule runs every
 * MT_LC_POOL_DECISION_MS; 1 MiB is ~30 ms of the guest's held leaker's
 * pool growth (~30 MiB/s), and ~4 % of its smallest RAM reserve. */
#define POOL_PAY_MIN (UINT64_C(1) << 20)

/* The pool rule: the level at which a held grower's RAM plus the zram pool
 * its own swap-out has added since the hold began stays what it was then:
 * the level it began with less the pool its swap growth since takes
 * (mt_node_zram_pool). zram's pool is RAM outside every cgroup, so without
 * it the grower held at a constant memory.high still takes ~1/r of a page
 * of node RAM for each page it allocates, RAM falls, and the kernel's
 * global reclaim takes the bystanders' pages (doc/comparison.md, zram:
 * their swap peaked at 30-49 MiB). All of its swap is counted as zram's
 * when the node has zram (a disk share, if any, is then charged too: a
 * tighter hold, never a looser one). */
static uint64_t pool_paid_level(const struct mt_node *n, const struct mt_candidate *c)
{
	uint64_t grown = sub0(c->mem.swap_current, c->hold_swap);
	return sub0(c->hold_high, mt_node_zram_pool(n, grown));
}

/* memory.high for a grower: hold it at its current size. One held already
 * -- memory.high within one step above its usage, or below it (reclaim to
 * a hold overshoots a little; a limit far above the usage, the kubelet's
 * MemoryQoS one, is not a hold) -- stays at its level, and is tightened
 * only when `tighten` (mt_select_may_tighten: RAM near its reserve and swap
 * has room): with disk swap by one step, each step moving that much more of
 * the grower into swap, RAM it gives back to the others; with zram to the
 * pool rule (pool_paid_level) when that is lower, never by a step: a step into
 * zram gives back only 1 - 1/r of itself and spends the floor the pool rule
 * needs later, and the pool rule alone keeps the node's RAM where it was
 * when the hold began. Without swap room a tighter hold frees nothing and
 * only stalls it, and the lifecycle's push limit ends the hold. (Holding it
 * at its usage again each time would ratchet the hold down by reclaim's
 * overshoot, a squeeze nobody decided.) Never below the policy's floor,
 * but for the pool rule of a policy that may kill: down to MT_POOL_RAM_MIN
 * (snapshot.h: paying for its pool is not a squeeze). */
static uint64_t throttle_value(const struct mt_node *n, const struct mt_candidate *c, bool tighten, bool *paid)
{
	const struct mt_candidate_mem *m = &c->mem;
	uint64_t v = m->current;
	*paid = false;
	if (m->high != MT_UNLIMITED && m->high < add_sat(m->current, max64(c->throttle_step, 1))) {
		v = m->high;
		if (tighten && n->zram_swap_total > 0 && c->held) {
			uint64_t to = pool_paid_level(n, c);
			if (add_sat(to, POOL_PAY_MIN) <= v)
				v = to;
			*paid = true;
			if (mt_response_may_kill(c->response))
				return max64(v, min64(MT_POOL_RAM_MIN, m->high));
		} else if (tighten && n->zram_swap_total == 0) {
			v = sub0(v, c->throttle_step);
		}
	}
	return max64(v, c->throttle_floor);
}

static int idx_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

struct grower {
	size_t idx;
	const struct mt_candidate *c;
};

/* Lowest priority first, then the fastest grower, then path, then index. */
static int grower_cmp(const void *a, const void *b)
{
	const struct grower *x = a, *y = b;
	if (x->c->priority != y->c->priority)
		return x->c->priority < y->c->priority ? -1 : 1;
	if (x->c->growth_rate != y->c->growth_rate)
		return x->c->growth_rate > y->c->growth_rate ? -1 : 1;
	int r = strcmp(x->c->path ? x->c->path : "", y->c->path ? y->c->path : "");
	if (r)
		return r;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int decide_throttle(const struct mt_snapshot *s, struct mt_decision *d)
{
	const struct mt_node *node = &s->node;
	size_t n = s->n_candidates, m = 0;

	d->throttle_due = mt_select_throttle_due(node);
	bool tighten = mt_select_may_tighten(node);
	_cleanup_free_ struct grower *g = calloc(n + 1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct mt_candidate *c = &s->candidates[i];
		struct mt_explain *e = &d->explain[i];
		e->inelig = c->throttle_inelig;
		if (!e->inelig) {
			e->throttle_to = throttle_value(node, c, tighten, &e->pool_paid);
			if (e->throttle_to >= min64(c->mem.high, c->mem.max))
				e->inelig = MT_INELIG_ALREADY_HELD;
		}
		if (!d->throttle_due)
			e->reason = MT_REASON_NO_PRESSURE;
		else if (e->inelig)
			e->reason = MT_REASON_INELIGIBLE;
		else {
			e->reason = MT_REASON_NOT_NEEDED;
			g[m++] = (struct grower){ i, c };
		}
	}
	if (!d->throttle_due)
		return 0;
	qsort(g, m, sizeof(*g), grower_cmp);
	/* Hold growers until their growth adds up to the node's; when the node
	 * is not growing (near the bound by level alone), hold every grower. */
	int64_t held = 0;
	for (size_t k = 0; k < m; k++) {
		if (node->growth_rate > 0 && held >= node->growth_rate)
			break;
		d->explain[g[k].idx].reason = MT_REASON_THROTTLE;
		d->chosen[d->n_chosen++] = g[k].idx;
		held = g[k].c->growth_rate > INT64_MAX - held ? INT64_MAX : held + g[k].c->growth_rate;
	}
	qsort(d->chosen, d->n_chosen, sizeof(size_t), idx_cmp);
	d->action = d->n_chosen > 0 ? MT_ACTION_THROTTLE : MT_ACTION_NONE;
	return 0;
}

void mt_decision_free(struct mt_decision *d)
{
	if (!d)
		return;
	free(d->chosen);
	free(d->explain);
	memset(d, 0, sizeof(*d));
}

int mt_select(const struct mt_snapshot *s, const struct mt_select_opts *opts,
	      struct mt_decision *ret)
{
	struct mt_select_opts o = opts ? *opts : MT_SELECT_OPTS_DEFAULT;
	const struct mt_node *node = &s->node;
	struct mt_decision d = { .action = MT_ACTION_NONE, .method = MT_METHOD_NONE };
	int r;

	d.n_explain = s->n_candidates;
	d.explain = calloc(s->n_candidates + 1, sizeof(*d.explain));
	d.chosen = calloc(s->n_candidates + 1, sizeof(size_t));
	if (!d.explain || !d.chosen) {
		mt_decision_free(&d);
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->n_candidates; i++) {
		const struct mt_candidate *c = &s->candidates[i];
		if (c->kill_inelig & MT_INELIG_KILL_PENDING) {
			d.pending_ram = add_sat(d.pending_ram, c->frees_ram);
			d.pending_swap = add_sat(d.pending_swap, c->frees_swap);
		}
	}
	d.target_swap = sub0(node->swap_deficit, d.pending_swap);
	d.target_total = sub0(add_sat(node->ram_deficit, node->swap_deficit),
			      add_sat(d.pending_ram, d.pending_swap));
	d.covered = true;

	if (node->ram_deficit > 0 || node->swap_deficit > 0)
		r = decide_projected(s, &o, &d);
	else
		r = decide_throttle(s, &d);
	if (r < 0) {
		mt_decision_free(&d);
		return r;
	}
	*ret = d;
	return 0;
}
