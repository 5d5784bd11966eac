/* Holds: a decision's throttle written, released, restored; the calm
 * that ends a hold (see lifecycle.h, "hold"). */
#include <errno.h>
#include <string.h>

#include "lifecycle_internal.h"
#include "usage_window.h"

static void restore(struct mt__lc_step *s, const struct mt_lc_member *m, const char *why)
{
	struct mt_lc_group *g = m->g;
	struct mt_lc_item *it = mt__lc_push(s, MT_LC_RESTORE, m, 0);
	if (!it)
		return;
	it->why = why;
	it->restore.saved_high = g->saved_high;
	g->held = false;
	g->calm_since_ms = 0;
	g->push_streak = false;
}

int mt__lc_release(struct mt__lc_step *s, const struct mt_lc_member *m, const char *why)
{
	struct mt_lc_group *g = m->g;
	if (!g->held)
		return -ESRCH;
	if (strcmp(why, "operator") == 0) {
		g->operator_released = true;
		g->released_size = 0;
	}
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

void mt__lc_hold(struct mt__lc_step *s, const struct mt_lc_member *m, const struct mt_candidate *c, size_t k, bool paced,
                 uint64_t to, size_t rec, uint64_t at_us)
{
	struct mt_lc_group *g = m->g;
	if (g->write_pending)
		return; /* the previous step is still being reclaimed to */
	if (g->held && to == g->level)
		return; /* already written */
	if (!g->held && g->operator_released) {
		uint64_t size = c->mem.current + c->mem.swap_current;
		if (g->released_size == 0) {
			g->released_size = size ? size : 1;
			return;
		}
		if (size <= g->released_size + MT_USAGE_NOISE_BYTES)
			return; /* not grown since the operator's release */
		g->operator_released = false;
	}
	uint32_t interval = m->policy ? m->policy->throttle.interval_ms : MT_LC_THROTTLE_DECISION_MS;
	if (paced && g->held && to < g->level && s->in->now_ms - g->level_ms < interval)
		return; /* tightened at most every throttle.interval_ms (paying for
		         * the zram pool is not paced: select.h, pool_paid) */
	if (s->in->dry_run) {
		/* decisions repeat every tick while the node is near: say each
		 * value once */
		if (g->shadow_level == to)
			return;
		struct mt_lc_item *it = mt__lc_push(s, MT_LC_HOLD_SHADOW, m, at_us);
		if (!it)
			return;
		g->shadow_level = to;
		it->hold.level = to;
		it->record = rec;
		it->snap_index = k;
		return;
	}
	struct mt_lc_item *it = mt__lc_push(s, MT_LC_HOLD, m, at_us);
	if (!it)
		return;
	it->hold.first = !g->held;
	it->hold.level = to;
	it->record = rec;
	it->snap_index = k;
	if (!g->held) {
		g->saved_high = c->mem.high;
		g->base = c->mem.current + c->mem.swap_current;
		g->base_level = to;
		g->base_swap = c->mem.swap_current;
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

void mt__lc_on_written(struct mt__lc_step *s, const struct mt_lc_event *ev)
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
	struct mt_lc_item *it = mt__lc_push(s, MT_LC_HOLD_WRITTEN, m, ev->at_us);
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
void mt__lc_on_tick_hold(struct mt__lc_step *s, const struct mt_lc_member *m)
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
		mt__lc_release(s, m, "calm");
}
