/* The lifecycle of a supervised group: see lifecycle.h. The step itself:
 * each event handed to the hold and kill parts (lifecycle_internal.h), the
 * node-wide TICK (when to look, when to decide) and DECIDE. */
#include <errno.h>

#include "cadence.h"
#include "lifecycle_internal.h"

static bool node_deficit(const struct mt_node *n)
{
	return n->ram_deficit > 0 || n->swap_deficit > 0;
}

bool mt_lc_node_danger(const struct mt_node *n)
{
	return node_deficit(n) || mt_select_throttle_due(n);
}

static uint64_t next_tick_ms(const struct mt_lc_event *ev, bool danger)
{
	uint64_t rate = ev->tick.fault_rate ? ev->tick.fault_rate : MT_FAULT_RATE_DEFAULT;
	uint64_t ms = (mt_cadence_look_us(&ev->tick.node, rate, false) + 999) / 1000; /* the TICK's own pace: never the idle floor */
	if (node_deficit(&ev->tick.node))
		return ms;
	if (!danger)
		return MT_LC_TICK_MAX_MS;
	return ms < MT_LC_TICK_NEAR_MS ? MT_LC_TICK_NEAR_MS : ms;
}

/* How often a near-bound decision runs: every MT_LC_THROTTLE_DECISION_MS
 * to find new growers, more often when a held group may be tightened
 * (swap has room) and its policy's interval_ms is shorter, and every
 * MT_LC_POOL_DECISION_MS while a held group may be paying for its zram
 * pool. */
static uint64_t near_decision_ms(const struct mt_lc_input *in, const struct mt_node *node)
{
	uint64_t ms = MT_LC_THROTTLE_DECISION_MS;
	if (!mt_select_may_tighten(node))
		return ms;
	for (size_t i = 0; i < in->n_members; i++) {
		const struct mt_lc_member *m = &in->members[i];
		if (m->g->held && node->zram_swap_total > 0 && MT_LC_POOL_DECISION_MS < ms)
			ms = MT_LC_POOL_DECISION_MS;
		if (m->g->held && m->policy && m->policy->throttle.interval_ms < ms)
			ms = m->policy->throttle.interval_ms;
	}
	return ms;
}

/* When to decide: on a deficit at every tick, near the bound at most every
 * near_decision_ms. */
static void on_tick_node(struct mt__lc_step *s, const struct mt_lc_event *ev, bool danger)
{
	const struct mt_lc_input *in = s->in;
	const char *trigger = NULL;
	if (node_deficit(&ev->tick.node)) {
		trigger = "commit-over-bound";
	} else if (danger && in->node &&
	           in->now_ms - in->node->last_throttle_decision_ms >= near_decision_ms(in, &ev->tick.node)) {
		in->node->last_throttle_decision_ms = in->now_ms;
		trigger = "near-bound";
	}
	if (!trigger)
		return;
	struct mt_lc_item *it = mt__lc_push(s, MT_LC_WANT_DECISION, NULL, ev->at_us);
	if (it)
		it->trigger = trigger;
}

static int on_decide(struct mt__lc_step *s, const struct mt_lc_event *ev)
{
	const struct mt_lc_input *in = s->in;
	struct mt_lc_output *o = s->out;
	const struct mt_snapshot *snap = in->snapshot;
	if (in->stopping)
		return 0;
	if (!snap || (snap->n_candidates && !in->snap_members) || o->decided)
		return -EINVAL; /* one decision per step, on a snapshot */
	struct mt_decision *dec = &o->decision;
	int r = mt_select(snap, NULL, dec);
	if (r < 0)
		return r;
	o->decided = true;
	struct mt_lc_item *rec = mt__lc_push(s, MT_LC_DECISION, NULL, ev->at_us);
	if (!rec)
		return s->error;
	rec->trigger = ev->decide.trigger;
	rec->detail = ev->decide.detail;
	size_t ri = mt__lc_index_of(s, rec);
	for (size_t i = 0; i < dec->n_chosen; i++) {
		size_t k = dec->chosen[i];
		const struct mt_lc_member *m = &in->snap_members[k];
		if (dec->action == MT_ACTION_KILL)
			mt__lc_kill_start(s, m, ri, k, ev->at_us, false);
		else if (dec->action == MT_ACTION_THROTTLE)
			mt__lc_hold(s, m, &snap->candidates[k], k, !dec->explain[k].pool_paid, dec->explain[k].throttle_to,
			            ri, ev->at_us);
	}
	if (s->error)
		return s->error;
	/* A decision that changed nothing (no hold written or pretended, no
	 * kill started) is only counted: near the bound one runs every
	 * MT_LC_THROTTLE_DECISION_MS, and the records ring keeps only the
	 * newest few snapshots `explain` needs. One asked to be kept is kept
	 * once per run of them. */
	bool changed = s->out->n_items > ri + 1;
	rec = &s->out->items[ri];
	if (changed) {
		rec->keep = true;
		if (in->node)
			in->node->noop_kept = false;
	} else if (ev->decide.record_noop && !(in->node && in->node->noop_kept)) {
		rec->keep = true;
		if (in->node)
			in->node->noop_kept = true;
	}
	return 0;
}

static void on_event(struct mt__lc_step *s, const struct mt_lc_event *ev)
{
	const struct mt_lc_input *in = s->in;
	const struct mt_lc_member *m = &ev->m;
	struct mt_lc_group *g = m->g;
	switch (ev->kind) {
	case MT_LC_EV_DECIDE: {
		int r = on_decide(s, ev);
		if (r < 0 && !s->error)
			s->error = r;
		return;
	}
	case MT_LC_EV_TICK: {
		bool danger = mt_lc_node_danger(&ev->tick.node);
		s->out->next_tick_ms = next_tick_ms(ev, danger);
		on_tick_node(s, ev, danger);
		for (size_t i = 0; i < in->n_members; i++) {
			mt__lc_on_tick_kill(s, &in->members[i]);
			mt__lc_on_tick_retry(s, &in->members[i]);
			mt__lc_on_tick_push(s, &in->members[i], &ev->tick.node);
			mt__lc_on_tick_hold(s, &in->members[i]);
		}
		return;
	}
	case MT_LC_EV_SHUTDOWN:
		for (size_t i = 0; i < in->n_members; i++)
			mt__lc_release(s, &in->members[i], "shutdown");
		return;
	default:
		break;
	}
	if (!g)
		return;
	switch (ev->kind) {
	case MT_LC_EV_CANDIDACY:
		if (ev->candidacy.on)
			g->esc_armed = false;
		else if (g->held) /* no longer supervised: our limit must not outlive that */
			mt__lc_release(s, m, m->policy && m->policy->is_protected ? "protected" : "not-a-candidate");
		return;
	case MT_LC_EV_EVENTS:
		if (!g->gone)
			mt__lc_on_events(s, ev);
		return;
	case MT_LC_EV_PRESSURE:
		if (!g->gone)
			mt__lc_on_pressure(s, ev);
		return;
	case MT_LC_EV_POPULATED:
		if (!ev->populated.populated)
			g->oom_credit_until_ms = 0; /* everything a kill frees is back */
		if (g->kill != MT_LC_KILL_NONE && !ev->populated.populated) {
			mt__lc_kill_over(s, m, true, false, ev->at_us);
			/* the episode is over with the group: a process started
			 * in it again (a restarted service) is not born held */
			if (g->held)
				mt__lc_release(s, m, "killed");
		}
		return;
	case MT_LC_EV_GONE:
		if (g->gone)
			return;
		if (g->kill != MT_LC_KILL_NONE)
			mt__lc_kill_over(s, m, ev->gone.removed, true, ev->at_us);
		struct mt_lc_item *fg = mt__lc_push(s, MT_LC_FORGET, m, ev->at_us);
		if (!fg)
			return;
		fg->done.removed = ev->gone.removed;
		g->gone = true;
		return;
	case MT_LC_EV_WRITTEN:
		mt__lc_on_written(s, ev);
		return;
	case MT_LC_EV_KILLED:
		mt__lc_on_killed(s, ev);
		return;
	case MT_LC_EV_KILL_SKIPPED:
		mt__lc_on_kill_skipped(s, ev);
		return;
	case MT_LC_EV_GRACE_OVER:
		mt__lc_on_grace_over(s, ev);
		return;
	case MT_LC_EV_RELEASE:
		s->out->release_reply = mt__lc_release(s, m, "operator");
		return;
	default:
		return;
	}
}

int mt_lc_step(const struct mt_lc_input *in, struct mt_lc_output *out)
{
	struct mt__lc_step s = { .in = in, .out = out };
	out->n_items = 0;
	if (out->decided)
		mt_decision_free(&out->decision);
	out->decided = false;
	out->release_reply = 0;
	out->next_tick_ms = MT_LC_TICK_MAX_MS;
	for (size_t i = 0; i < in->n_events && !s.error; i++)
		on_event(&s, &in->events[i]);
	return s.error;
}
