/* The questions asked of a group's state, by the step and by the daemon
 * (see lifecycle.h): pure reads of struct mt_lc_group. */
#include "lifecycle.h"
#include "usage_window.h"

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

int64_t mt_lc_growth_seen(const struct mt_lc_group *g, uint64_t now_ms, int64_t measured)
{
	if (mt_lc_pushing(g, now_ms) && measured < MT_USAGE_NOISE_BPS)
		return MT_USAGE_NOISE_BPS;
	return measured;
}

bool mt_lc_wants_psi(const struct mt_lc_group *g, const struct mt_policy *p, uint64_t now_ms)
{
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

bool mt_lc_hold_start(const struct mt_lc_group *g, uint64_t *ret_level, uint64_t *ret_swap)
{
	*ret_level = g->held ? g->base_level : 0;
	*ret_swap = g->held ? g->base_swap : 0;
	return g->held;
}
