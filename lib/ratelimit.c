#include "ratelimit.h"

static bool window_over(const struct mt_ratelimit *rl, uint64_t interval_ms, uint64_t now_ms)
{
	return !rl->open || now_ms < rl->window_start || now_ms - rl->window_start >= interval_ms;
}

bool mt_ratelimit_allow(struct mt_ratelimit *rl, uint64_t interval_ms, unsigned burst,
                        uint64_t now_ms, uint64_t *ret_suppressed)
{
	if (window_over(rl, interval_ms, now_ms)) {
		rl->open = true;
		rl->window_start = now_ms;
		rl->passed = 0;
	}
	if (rl->passed >= burst) {
		rl->suppressed++;
		return false;
	}
	rl->passed++;
	*ret_suppressed = rl->suppressed;
	rl->suppressed = 0;
	return true;
}

uint64_t mt_ratelimit_take_expired(struct mt_ratelimit *rl, uint64_t interval_ms, uint64_t now_ms)
{
	if (!rl->suppressed || !window_over(rl, interval_ms, now_ms))
		return 0;
	uint64_t n = rl->suppressed;
	rl->suppressed = 0;
	rl->open = false;
	return n;
}
