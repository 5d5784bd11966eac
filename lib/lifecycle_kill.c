/* Kills: a decision's and a policy's (own-limit, pressure, hold-limit),
 * their phases and outcomes, stuck kills retried; the notifications that
 * lead to policy kills (see lifecycle.h, "kill"). */
#include "fileio.h"
#include "lifecycle_internal.h"

void mt__lc_kill_start(struct mt__lc_step *s, const struct mt_lc_member *m, size_t rec, size_t k, uint64_t at_us,
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
			struct mt_lc_item *it = mt__lc_push(s, MT_LC_KILL, m, at_us);
			if (it) {
				it->measure = it->dry = true;
				it->record = rec;
			}
		}
		struct mt_lc_item *sh = mt__lc_push(s, MT_LC_KILL_SHADOW, m, at_us);
		if (sh) {
			sh->record = rec;
			sh->snap_index = k;
			sh->dry = true;
		}
		return;
	}
	struct mt_lc_item *it = mt__lc_push(s, grace ? MT_LC_TERM : MT_LC_KILL, m, at_us);
	if (!it)
		return;
	it->kill.grace_ms = grace;
	it->measure = measure;
	it->record = rec;
	it->snap_index = k;
	g->kill = grace ? MT_LC_KILL_TERM : MT_LC_KILL_SENT;
}

void mt__lc_kill_over(struct mt__lc_step *s, const struct mt_lc_member *m, bool record, bool removed,
                      uint64_t at_us)
{
	struct mt_lc_group *g = m->g;
	if (record) {
		struct mt_lc_item *it = mt__lc_push(s, MT_LC_KILL_DONE, m, at_us);
		if (!it)
			return;
		it->done.took_ms = s->in->now_ms - g->kill_started_ms;
		it->done.removed = removed;
	}
	if (!mt__lc_push(s, MT_LC_KILL_OVER, m, at_us))
		return;
	g->kill = MT_LC_KILL_NONE;
}

/* An own-limit or pressure kill: the record first (the kill's action
 * names it), then the kill, which measures the group before it writes. */
static struct mt_lc_item *policy_kill(struct mt__lc_step *s, const struct mt_lc_member *m, const char *trigger,
                                      uint64_t at_us)
{
	struct mt_lc_item *rec = mt__lc_push(s, MT_LC_POLICY_KILL, m, at_us);
	if (!rec)
		return NULL;
	rec->trigger = trigger;
	rec->dry = s->in->dry_run;
	size_t ri = mt__lc_index_of(s, rec);
	mt__lc_kill_start(s, m, ri, MT_LC_NONE, at_us, true);
	return s->error ? NULL : &s->out->items[ri];
}

/* Whether a held group's pushing goes into swap it pays for: swap has
 * room, and on zram its hold is above the pool rule's least RAM (below
 * it, each page it pushes takes 1/r of a page from the node: snapshot.h
 * MT_POOL_RAM_MIN). */
static bool pays_for_its_push(const struct mt_lc_group *g, const struct mt_node *node)
{
	return node->swap_has_room && (node->zram_swap_total == 0 || g->level > MT_POOL_RAM_MIN);
}

/* A held group of a policy that may kill, pushing against its hold for
 * push_limit_s while it does not pay for its push: it cannot shrink,
 * and the longer it is held the longer it stalls itself and the node. It
 * is killed whole. While it pays it pushes into swap, and is killed at
 * the bound by the deficit decision. */
void mt__lc_on_tick_push(struct mt__lc_step *s, const struct mt_lc_member *m, const struct mt_node *node)
{
	struct mt_lc_group *g = m->g;
	const struct mt_policy *p = m->policy;
	uint64_t now = s->in->now_ms;
	if (!p || g->gone || !mt_response_may_kill(p->response) || !mt_lc_pushing(g, now) ||
	    pays_for_its_push(g, node) || mt_lc_kill_pending(g, s->in->dry_run, now) ||
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

void mt__lc_on_tick_kill(struct mt__lc_step *s, const struct mt_lc_member *m)
{
	struct mt_lc_group *g = m->g;
	uint64_t now = s->in->now_ms;
	uint64_t limit = s->in->kill_timeout_ms + (m->policy ? m->policy->kill.grace_ms : 0);
	if (g->kill == MT_LC_KILL_NONE || g->kill_stuck_reported || now - g->kill_started_ms <= limit)
		return;
	struct mt_lc_item *it = mt__lc_push(s, MT_LC_KILL_STUCK, m, 0);
	if (!it)
		return;
	g->kill_stuck_reported = true;
	g->kill_retried_ms = now;
	it->stuck.after_ms = now - g->kill_started_ms;
}

/* A stuck kill is written again every kill timeout (a survivor of the
 * fallback, a process forked past it) until the group empties. */
void mt__lc_on_tick_retry(struct mt__lc_step *s, const struct mt_lc_member *m)
{
	struct mt_lc_group *g = m->g;
	uint64_t now = s->in->now_ms;
	if (g->kill != MT_LC_KILL_SENT || !g->kill_stuck_reported || g->gone ||
	    now - g->kill_retried_ms < s->in->kill_timeout_ms)
		return;
	struct mt_lc_item *it = mt__lc_push(s, MT_LC_KILL, m, 0);
	if (!it)
		return;
	it->retry = true;
	g->kill_retried_ms = now;
}

void mt__lc_on_killed(struct mt__lc_step *s, const struct mt_lc_event *ev)
{
	const struct mt_lc_member *m = &ev->m;
	struct mt_lc_group *g = m->g;
	int r = ev->killed.r;
	if (g->kill != MT_LC_KILL_SENT)
		return;
	if (r < 0 && !mt_errno_is_gone(r)) {
		/* Excluded for a back-off, and the next set chosen at once:
		 * one group that cannot be killed must not block every kill. */
		struct mt_lc_item *it = mt__lc_push(s, MT_LC_KILL_FAILED, m, ev->at_us);
		if (!it)
			return;
		g->kill_failures++;
		it->failed.error = r;
		it->failed.backoff_ms = mt_act_kill_backoff_ms(g->kill_failures);
		g->kill_backoff_until_ms = s->in->now_ms + it->failed.backoff_ms;
		mt__lc_kill_over(s, m, false, false, ev->at_us);
		struct mt_lc_item *want = mt__lc_push(s, MT_LC_WANT_DECISION, NULL, ev->at_us);
		if (want)
			want->trigger = "kill-failed";
		return;
	}
	if (r == 0)
		g->kill_failures = 0; else if (r < 0) {
		/* vanished before the write: nothing was killed, and no
		 * populated 0 will ever come; its record ends */
		if (!mt__lc_push(s, MT_LC_KILL_GONE, m, ev->at_us))
			return;
		mt__lc_kill_over(s, m, false, true, ev->at_us);
	}
	/* else: done when the group reports populated 0 */
}

void mt__lc_on_kill_skipped(struct mt__lc_step *s, const struct mt_lc_event *ev)
{
	const struct mt_lc_member *m = &ev->m;
	struct mt_lc_group *g = m->g;
	if (g->kill != MT_LC_KILL_NONE && !mt__lc_push(s, MT_LC_KILL_OVER, m, ev->at_us))
		return;
	g->kill = MT_LC_KILL_NONE;
	g->shadow_kill_until_ms = 0;
}

void mt__lc_on_grace_over(struct mt__lc_step *s, const struct mt_lc_event *ev)
{
	const struct mt_lc_member *m = &ev->m;
	struct mt_lc_group *g = m->g;
	if (g->kill == MT_LC_KILL_TERM && !g->gone) {
		if (!mt__lc_push(s, MT_LC_KILL, m, ev->at_us))
			return;
		g->kill = MT_LC_KILL_SENT;
	}
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

void mt__lc_on_events(struct mt__lc_step *s, const struct mt_lc_event *ev)
{
	const struct mt_lc_member *m = &ev->m;
	struct mt_lc_group *g = m->g;
	const struct mt_memory_events *old = &ev->events.old, *now_e = &ev->events.now;
	const struct mt_policy *p = m->policy;
	uint64_t now = s->in->now_ms;
	if (now_e->oom_kill > old->oom_kill) {
		struct mt_lc_item *it = mt__lc_push(s, MT_LC_OOM_SEEN, m, ev->at_us);
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

void mt__lc_on_pressure(struct mt__lc_step *s, const struct mt_lc_event *ev)
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
		struct mt_lc_item *it = mt__lc_push(s, MT_LC_WANT_DECISION, m, ev->at_us);
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
