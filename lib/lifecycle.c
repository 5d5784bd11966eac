/* The lifecycle of a supervised group: see lifecycle.h. */
#include "lifecycle.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cadence.h"
#include "fileio.h"

struct step {
	const struct mt_lc_input *in;
	struct mt_lc_output *out;
	int error;
};

static struct mt_lc_item *push(struct step *s, enum mt_lc_item_kind kind, const struct mt_lc_member *m,
                               uint64_t at_us)
{
	struct mt_lc_output *o = s->out;
	if (s->error)
		return NULL;
	if (o->n_items == o->cap_items) {
		size_t cap = o->cap_items ? o->cap_items * 2 : 16;
		struct mt_lc_item *v = realloc(o->items, cap * sizeof *v);
		if (!v) {
			s->error = -ENOMEM;
			return NULL;
		}
		o->items = v;
		o->cap_items = cap;
	}
	struct mt_lc_item *it = &o->items[o->n_items++];
	memset(it, 0, sizeof *it);
	it->kind = kind;
	if (m)
		it->m = *m;
	it->at_us = at_us;
	it->record = MT_LC_NONE;
	it->snap_index = MT_LC_NONE;
	return it;
}

static size_t index_of(const struct step *s, const struct mt_lc_item *it)
{
	return it ? (size_t)(it - s->out->items) : MT_LC_NONE;
}

bool mt_lc_kill_backing_off(const struct mt_lc_group *g, uint64_t now_ms)
{
	return now_ms < g->kill_backoff_until_ms;
}

bool mt_lc_kill_pending(const struct mt_lc_group *g, bool dry_run, uint64_t now_ms)
{
	return g->kill != MT_LC_KILL_NONE || (dry_run && now_ms < g->shadow_kill_until_ms);
}

void mt_lc_kill_credit(const struct mt_lc_group *g, bool dry_run, uint64_t now_ms, bool *ret_in_flight,
		       uint64_t *ret_started_ms)
{
	*ret_in_flight = true;
	*ret_started_ms = g->kill_started_ms;
	if (mt_lc_kill_pending(g, dry_run, now_ms))
		return;
	*ret_started_ms = g->oom_seen_ms;
	*ret_in_flight = !g->gone && now_ms < g->oom_credit_until_ms;
}

static uint64_t pressure_gap_ms(const struct mt_policy *p)
{
	return 2 * (uint64_t)p->pressure.window_ms + MT_LC_PRESSURE_GAP_SLACK_MS;
}

bool mt_lc_pressure_beyond(const struct mt_lc_group *g, const struct mt_policy *p, uint64_t now_ms)
{
	return p && p->pressure.set && g->pressure_since_ms && now_ms - g->pressure_last_ms <= pressure_gap_ms(p);
}

bool mt_lc_pushing(const struct mt_lc_group *g, uint64_t now_ms)
{
	return g->held && g->push_streak && now_ms - g->push_last_ms <= MT_LC_PUSH_GAP_MS;
}

bool mt_lc_wants_psi(const struct mt_lc_group *g, const struct mt_policy *p, bool danger, uint64_t now_ms)
{
	(void)danger; /* a hold ends near the bound too */
	return g->held && !mt_lc_pushing(g, now_ms) && !mt_lc_pressure_beyond(g, p, now_ms);
}

bool mt_lc_active(const struct mt_lc_group *g)
{
	return g->held || g->write_pending || g->kill != MT_LC_KILL_NONE;
}

uint64_t mt_lc_throttle_usage(const struct mt_lc_group *g, uint64_t current)
{
	return g->held ? g->base : current;
}

/* --- hold --- */
static void restore(struct step *s, const struct mt_lc_member *m, const char *why)
{
	struct mt_lc_group *g = m->g;
	struct mt_lc_item *it = push(s, MT_LC_RESTORE, m, 0);
	if (!it)
		return;
	it->why = why;
	it->restore.saved_high = g->saved_high;
	g->held = false;
	g->calm_since_ms = 0;
	g->push_streak = false;
}

/* 0, or -ESRCH when the group is not held. A hold whose write is still on
 * the thread pool is released once the write is done. */
static int release(struct step *s, const struct mt_lc_member *m, const char *why)
{
	struct mt_lc_group *g = m->g;
	if (!g->held)
		return -ESRCH;
	if (g->write_pending) {
		/* an operator's or a calm release says it waited; losing the
		 * candidacy keeps its reason */
		g->release_pending = true;
		if (!g->release_why || strcmp(why, "operator") != 0)
			g->release_why = strcmp(why, "operator") == 0 || strcmp(why, "calm") == 0 ? "deferred" : why;
		return 0;
	}
	restore(s, m, why);
	return 0;
}

/* A decision's throttle of m to `to`: the first step saves the limits the
 * snapshot read; one write at a time per group. */
static void hold(struct step *s, const struct mt_lc_member *m, const struct mt_candidate *c, size_t k,
                 uint64_t to, size_t rec, uint64_t at_us)
{
	struct mt_lc_group *g = m->g;
	if (g->write_pending)
		return; /* the previous step is still being reclaimed to */
	if (g->held && to == g->level)
		return; /* already written */
	uint32_t interval = m->policy ? m->policy->throttle.interval_ms : MT_LC_THROTTLE_DECISION_MS;
	if (g->held && to < g->level && s->in->now_ms - g->level_ms < interval)
		return; /* tightened at most every throttle.interval_ms */
	if (s->in->dry_run) {
		/* decisions repeat every tick while the node is near: say each
		 * value once */
		if (g->shadow_level == to)
			return;
		struct mt_lc_item *it = push(s, MT_LC_HOLD_SHADOW, m, at_us);
		if (!it)
			return;
		g->shadow_level = to;
		it->hold.level = to;
		it->record = rec;
		it->snap_index = k;
		return;
	}
	struct mt_lc_item *it = push(s, MT_LC_HOLD, m, at_us);
	if (!it)
		return;
	it->hold.first = !g->held;
	it->hold.level = to;
	it->record = rec;
	it->snap_index = k;
	if (!g->held) {
		g->saved_high = c->mem.high;
		g->base = c->mem.current + c->mem.swap_current;
		g->held = true;
		g->push_streak = false; /* a new episode */
	}
	g->prev_level = g->level;
	g->write_first = it->hold.first;
	g->level = to;
	g->level_ms = s->in->now_ms;
	g->calm_since_ms = 0;
	g->write_pending = true;
}

static void on_written(struct step *s, const struct mt_lc_event *ev)
{
	const struct mt_lc_member *m = &ev->m;
	struct mt_lc_group *g = m->g;
	if (!g->write_pending)
		return;
	g->write_pending = false;
	if (ev->write.refused) {
		/* nothing written: the hold stays as it was (none, or the
		 * previous level) */
		if (g->write_first)
			g->held = false;
		g->level = g->prev_level;
	}
	struct mt_lc_item *it = push(s, MT_LC_HOLD_WRITTEN, m, ev->at_us);
	if (it)
		it->written = ev->write;
	if (g->release_pending || s->in->stopping) {
		const char *why = s->in->stopping ? "shutdown" : g->release_why ? g->release_why : "deferred";
		g->release_pending = false;
		g->release_why = NULL;
		if (g->held)
			restore(s, m, why);
	}
}

/* Calm: not pushing, not beyond its pressure tolerance, PSI some below the
 * policy's release level; release_after_s of calm ends the hold, whether
 * or not the node is still near the bound (a hold that waited for the
 * node to recover would last as long as the node stays near: forever, when
 * the held group is what keeps it there). A group that grows again is
 * held again by a later decision. */
static void on_tick_hold(struct step *s, const struct mt_lc_member *m)
{
	struct mt_lc_group *g = m->g;
	const struct mt_policy *p = m->policy;
	uint64_t now = s->in->now_ms;
	if (!g->held || g->kill != MT_LC_KILL_NONE)
		return; /* a group being killed keeps its hold until it is gone */
	double limit = p ? p->throttle.release_psi_some : MT_LC_RELEASE_PSI_DEFAULT;
	uint32_t after_s = p ? p->throttle.release_after_s : MT_LC_RELEASE_AFTER_S_DEFAULT;
	bool calm = !mt_lc_pushing(g, now) && !mt_lc_pressure_beyond(g, p, now);
	if (calm && m->psi_valid)
		calm = m->psi_some_avg10 < limit;
	if (!calm) {
		g->calm_since_ms = 0;
		return;
	}
	if (g->calm_since_ms == 0)
		g->calm_since_ms = now;
	if (now - g->calm_since_ms >= (uint64_t)after_s * 1000)
		release(s, m, "calm");
}

/* --- kill --- */
static void kill_start(struct step *s, const struct mt_lc_member *m, size_t rec, size_t k, uint64_t at_us,
                       bool measure)
{
	struct mt_lc_group *g = m->g;
	const struct mt_lc_input *in = s->in;
	if (g->kill != MT_LC_KILL_NONE)
		return;
	g->kill_started_ms = in->now_ms;
	g->kill_stuck_reported = false;
	uint32_t grace = m->policy ? m->policy->kill.grace_ms : 0;
	if (in->dry_run) {
		/* What a real kill would be for the next decisions: in flight
		 * until the timeout. A policy kill still measures the group
		 * (its record predicts what the kill would free). */
		g->shadow_kill_until_ms = in->now_ms + in->kill_timeout_ms;
		if (measure) {
			struct mt_lc_item *it = push(s, MT_LC_KILL, m, at_us);
			if (it) {
				it->measure = it->dry = true;
				it->record = rec;
			}
		}
		struct mt_lc_item *sh = push(s, MT_LC_KILL_SHADOW, m, at_us);
		if (sh) {
			sh->record = rec;
			sh->snap_index = k;
			sh->dry = true;
		}
		return;
	}
	struct mt_lc_item *it = push(s, grace ? MT_LC_TERM : MT_LC_KILL, m, at_us);
	if (!it)
		return;
	it->kill.grace_ms = grace;
	it->measure = measure;
	it->record = rec;
	it->snap_index = k;
	g->kill = grace ? MT_LC_KILL_TERM : MT_LC_KILL_SENT;
}

static void kill_over(struct step *s, const struct mt_lc_member *m, bool record, bool removed, uint64_t at_us)
{
	struct mt_lc_group *g = m->g;
	if (record) {
		struct mt_lc_item *it = push(s, MT_LC_KILL_DONE, m, at_us);
		if (!it)
			return;
		it->done.took_ms = s->in->now_ms - g->kill_started_ms;
		it->done.removed = removed;
	}
	if (!push(s, MT_LC_KILL_OVER, m, at_us))
		return;
	g->kill = MT_LC_KILL_NONE;
}

/* An own-limit or pressure kill: the record first (the kill's action
 * names it), then the kill, which measures the group before it writes. */
static struct mt_lc_item *policy_kill(struct step *s, const struct mt_lc_member *m, const char *trigger,
                                      uint64_t at_us)
{
	struct mt_lc_item *rec = push(s, MT_LC_POLICY_KILL, m, at_us);
	if (!rec)
		return NULL;
	rec->trigger = trigger;
	rec->dry = s->in->dry_run;
	size_t ri = index_of(s, rec);
	kill_start(s, m, ri, MT_LC_NONE, at_us, true);
	return s->error ? NULL : &s->out->items[ri];
}

/* A held group of a policy that may kill, pushing against its hold for
 * push_limit_s while the node has no swap room for it: it cannot shrink,
 * and the longer it is held the longer it stalls itself and the node. It
 * is killed whole. With swap room it is paid for: it pushes into swap,
 * and is killed at the bound by the deficit decision. */
static void on_tick_push(struct step *s, const struct mt_lc_member *m, const struct mt_node *node)
{
	struct mt_lc_group *g = m->g;
	const struct mt_policy *p = m->policy;
	uint64_t now = s->in->now_ms;
	if (!p || g->gone || !mt_response_may_kill(p->response) || !mt_lc_pushing(g, now) ||
	    node->swap_has_room || mt_lc_kill_pending(g, s->in->dry_run, now) ||
	    mt_lc_kill_backing_off(g, now))
		return;
	uint64_t pushed_ms = now - g->push_since_ms;
	if (pushed_ms < (uint64_t)p->throttle.push_limit_s * 1000)
		return;
	g->push_streak = false; /* a new streak if it outlives this kill */
	struct mt_lc_item *rec = policy_kill(s, m, "hold-limit", 0);
	if (!rec)
		return;
	rec->why_kill.hold_limit = true;
	rec->why_kill.held = true;
	rec->why_kill.pushed_ms = pushed_ms;
	rec->why_kill.push_limit_s = p->throttle.push_limit_s;
}

static void on_tick_kill(struct step *s, const struct mt_lc_member *m)
{
	struct mt_lc_group *g = m->g;
	uint64_t now = s->in->now_ms;
	uint64_t limit = s->in->kill_timeout_ms + (m->policy ? m->policy->kill.grace_ms : 0);
	if (g->kill == MT_LC_KILL_NONE || g->kill_stuck_reported || now - g->kill_started_ms <= limit)
		return;
	struct mt_lc_item *it = push(s, MT_LC_KILL_STUCK, m, 0);
	if (!it)
		return;
	g->kill_stuck_reported = true;
	g->kill_retried_ms = now;
	it->stuck.after_ms = now - g->kill_started_ms;
}

/* A stuck kill is written again every kill timeout (a survivor of the
 * fallback, a process forked past it) until the group empties. */
static void on_tick_retry(struct step *s, const struct mt_lc_member *m)
{
	struct mt_lc_group *g = m->g;
	uint64_t now = s->in->now_ms;
	if (g->kill != MT_LC_KILL_SENT || !g->kill_stuck_reported || g->gone ||
	    now - g->kill_retried_ms < s->in->kill_timeout_ms)
		return;
	struct mt_lc_item *it = push(s, MT_LC_KILL, m, 0);
	if (!it)
		return;
	it->retry = true;
	g->kill_retried_ms = now;
}

static void on_killed(struct step *s, const struct mt_lc_event *ev)
{
	const struct mt_lc_member *m = &ev->m;
	struct mt_lc_group *g = m->g;
	int r = ev->killed.r;
	if (g->kill != MT_LC_KILL_SENT)
		return;
	if (r < 0 && !mt_errno_is_gone(r)) {
		/* Excluded for a back-off, and the next set chosen at once:
		 * one group that cannot be killed must not block every kill. */
		struct mt_lc_item *it = push(s, MT_LC_KILL_FAILED, m, ev->at_us);
		if (!it)
			return;
		g->kill_failures++;
		it->failed.error = r;
		it->failed.backoff_ms = mt_act_kill_backoff_ms(g->kill_failures);
		g->kill_backoff_until_ms = s->in->now_ms + it->failed.backoff_ms;
		kill_over(s, m, false, false, ev->at_us);
		struct mt_lc_item *want = push(s, MT_LC_WANT_DECISION, NULL, ev->at_us);
		if (want)
			want->trigger = "kill-failed";
		return;
	}
	if (r == 0)
		g->kill_failures = 0; else if (r < 0) {
		/* vanished before the write: nothing was killed, and no
		 * populated 0 will ever come; its record ends */
		if (!push(s, MT_LC_KILL_GONE, m, ev->at_us))
			return;
		kill_over(s, m, false, true, ev->at_us);
	}
	/* else: done when the group reports populated 0 */
}

/* --- notifications --- */
static uint64_t escalate_counter(const struct mt_memory_events *e, enum mt_max_counter k)
{
	switch (k) {
	case MT_MAX_COUNTER_OOM_KILL: return e->oom_kill;
	case MT_MAX_COUNTER_OOM: return e->oom;
	case MT_MAX_COUNTER_MAX: return e->max;
	}
	return 0;
}

static void on_events(struct step *s, const struct mt_lc_event *ev)
{
	const struct mt_lc_member *m = &ev->m;
	struct mt_lc_group *g = m->g;
	const struct mt_memory_events *old = &ev->events.old, *now_e = &ev->events.now;
	const struct mt_policy *p = m->policy;
	uint64_t now = s->in->now_ms;
	if (now_e->oom_kill > old->oom_kill) {
		struct mt_lc_item *it = push(s, MT_LC_OOM_SEEN, m, ev->at_us);
		if (!it)
			return;
		it->oom.total = now_e->oom_kill;
		it->oom.new_kills = now_e->oom_kill - old->oom_kill;
		uint64_t window = s->in->kill_timeout_ms < MT_LC_OOM_CREDIT_MS ? s->in->kill_timeout_ms
										: MT_LC_OOM_CREDIT_MS;
		g->oom_seen_ms = now;
		g->oom_credit_until_ms = now + window;
	}
	if (g->held && now_e->high > old->high) {
		/* charged past its hold: pushing, and not calm */
		if (!mt_lc_pushing(g, now)) {
			g->push_streak = true;
			g->push_since_ms = now;
		}
		g->push_last_ms = now;
		g->calm_since_ms = 0;
	}
	if (!p || !p->escalate.set || !mt_response_may_kill(p->response) || mt_lc_kill_pending(g, s->in->dry_run, now) ||
	    mt_lc_kill_backing_off(g, now))
		return;
	uint64_t v = escalate_counter(now_e, p->escalate.counter);
	if (!g->esc_armed || now - g->esc_window_start_ms > (uint64_t)p->escalate.window_s * 1000) {
		g->esc_armed = true;
		g->esc_window_start_ms = now;
		g->esc_base = escalate_counter(old, p->escalate.counter);
	}
	if (v < g->esc_base + p->escalate.count)
		return;
	g->esc_armed = false;
	struct mt_lc_item *rec = policy_kill(s, m, "own-limit", ev->at_us);
	if (!rec)
		return;
	rec->why_kill.counter = p->escalate.counter;
	rec->why_kill.increments = v - g->esc_base;
	rec->why_kill.count = p->escalate.count;
	rec->why_kill.window_s = p->escalate.window_s;
}

static void on_pressure(struct step *s, const struct mt_lc_event *ev)
{
	const struct mt_lc_member *m = &ev->m;
	struct mt_lc_group *g = m->g;
	const struct mt_policy *p = m->policy;
	uint64_t now = s->in->now_ms;
	if (!p || !p->pressure.set)
		return;
	if (!mt_lc_pressure_beyond(g, p, now))
		g->pressure_since_ms = now;
	g->pressure_last_ms = now;
	uint64_t stalled_ms = now - g->pressure_since_ms;
	if (stalled_ms < (uint64_t)p->pressure.sustain_s * 1000 || !mt_response_may_kill(p->response) ||
	    mt_lc_kill_pending(g, s->in->dry_run, now) || mt_lc_kill_backing_off(g, now)) {
		/* within tolerance, or a policy that never kills (the group
		 * stays held: a tick sees no calm) */
		struct mt_lc_item *it = push(s, MT_LC_WANT_DECISION, m, ev->at_us);
		if (it)
			it->trigger = "candidate-psi";
		return;
	}
	g->pressure_since_ms = 0;
	bool some = ev->pressure.kind == MT_PSI_SOME;
	struct mt_lc_item *rec = policy_kill(s, m, "pressure", ev->at_us);
	if (!rec)
		return;
	rec->why_kill.pressure = true;
	rec->why_kill.psi_kind = ev->pressure.kind;
	rec->why_kill.percent = some ? p->pressure.some_pct : p->pressure.full_pct;
	rec->why_kill.window_ms = p->pressure.window_ms;
	rec->why_kill.sustain_s = p->pressure.sustain_s;
	rec->why_kill.stalled_ms = stalled_ms;
	rec->why_kill.held = g->held;
}

/* --- node-wide --- */
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
	uint64_t ms = (mt_cadence_look_us(&ev->tick.node, rate) + 999) / 1000;
	if (node_deficit(&ev->tick.node))
		return ms;
	if (!danger)
		return MT_LC_TICK_MAX_MS;
	return ms < MT_LC_TICK_NEAR_MS ? MT_LC_TICK_NEAR_MS : ms;
}

/* How often a near-bound decision runs: every MT_LC_THROTTLE_DECISION_MS
 * to find new growers, more often when a held group may be tightened
 * (swap has room) and its policy's interval_ms is shorter. */
static uint64_t near_decision_ms(const struct mt_lc_input *in, const struct mt_node *node)
{
	uint64_t ms = MT_LC_THROTTLE_DECISION_MS;
	if (!mt_select_may_tighten(node))
		return ms;
	for (size_t i = 0; i < in->n_members; i++) {
		const struct mt_lc_member *m = &in->members[i];
		if (m->g->held && m->policy && m->policy->throttle.interval_ms < ms)
			ms = m->policy->throttle.interval_ms;
	}
	return ms;
}

/* When to decide: on a deficit at every tick, near the bound at most every
 * near_decision_ms. */
static void on_tick_node(struct step *s, const struct mt_lc_event *ev, bool danger)
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
	struct mt_lc_item *it = push(s, MT_LC_WANT_DECISION, NULL, ev->at_us);
	if (it)
		it->trigger = trigger;
}

static int on_decide(struct step *s, const struct mt_lc_event *ev)
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
	struct mt_lc_item *rec = push(s, MT_LC_DECISION, NULL, ev->at_us);
	if (!rec)
		return s->error;
	rec->trigger = ev->decide.trigger;
	rec->detail = ev->decide.detail;
	size_t ri = index_of(s, rec);
	for (size_t i = 0; i < dec->n_chosen; i++) {
		size_t k = dec->chosen[i];
		const struct mt_lc_member *m = &in->snap_members[k];
		if (dec->action == MT_ACTION_KILL)
			kill_start(s, m, ri, k, ev->at_us, false);
		else if (dec->action == MT_ACTION_THROTTLE)
			hold(s, m, &snap->candidates[k], k, dec->explain[k].throttle_to, ri, ev->at_us);
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

static void on_event(struct step *s, const struct mt_lc_event *ev)
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
			on_tick_kill(s, &in->members[i]);
			on_tick_retry(s, &in->members[i]);
			on_tick_push(s, &in->members[i], &ev->tick.node);
			on_tick_hold(s, &in->members[i]);
		}
		return;
	}
	case MT_LC_EV_SHUTDOWN:
		for (size_t i = 0; i < in->n_members; i++)
			release(s, &in->members[i], "shutdown");
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
			release(s, m, m->policy && m->policy->is_protected ? "protected" : "not-a-candidate");
		return;
	case MT_LC_EV_EVENTS:
		if (!g->gone)
			on_events(s, ev);
		return;
	case MT_LC_EV_PRESSURE:
		if (!g->gone)
			on_pressure(s, ev);
		return;
	case MT_LC_EV_POPULATED:
		if (!ev->populated.populated)
			g->oom_credit_until_ms = 0; /* everything a kill frees is back */
		if (g->kill != MT_LC_KILL_NONE && !ev->populated.populated) {
			kill_over(s, m, true, false, ev->at_us);
			/* the episode is over with the group: a process started
			 * in it again (a restarted service) is not born held */
			if (g->held)
				release(s, m, "killed");
		}
		return;
	case MT_LC_EV_GONE:
		if (g->gone)
			return;
		if (g->kill != MT_LC_KILL_NONE)
			kill_over(s, m, ev->gone.removed, true, ev->at_us);
		struct mt_lc_item *fg = push(s, MT_LC_FORGET, m, ev->at_us);
		if (!fg)
			return;
		fg->done.removed = ev->gone.removed;
		g->gone = true;
		return;
	case MT_LC_EV_WRITTEN:
		on_written(s, ev);
		return;
	case MT_LC_EV_KILLED:
		on_killed(s, ev);
		return;
	case MT_LC_EV_KILL_SKIPPED:
		if (g->kill != MT_LC_KILL_NONE && !push(s, MT_LC_KILL_OVER, m, ev->at_us))
			return;
		g->kill = MT_LC_KILL_NONE;
		g->shadow_kill_until_ms = 0;
		return;
	case MT_LC_EV_GRACE_OVER:
		if (g->kill == MT_LC_KILL_TERM && !g->gone) {
			if (!push(s, MT_LC_KILL, m, ev->at_us))
				return;
			g->kill = MT_LC_KILL_SENT;
		}
		return;
	case MT_LC_EV_RELEASE:
		s->out->release_reply = release(s, m, "operator");
		return;
	default:
		return;
	}
}

int mt_lc_step(const struct mt_lc_input *in, struct mt_lc_output *out)
{
	struct step s = { .in = in, .out = out };
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

void mt_lc_output_free(struct mt_lc_output *out)
{
	if (out->decided)
		mt_decision_free(&out->decision);
	free(out->items);
	memset(out, 0, sizeof *out);
}
