/* A rate limit for repetitive events: at most `burst` events in each window
 * of `interval_ms`, counting the rest as suppressed. The window opens at the
 * first event after the previous one closed. Pure: the caller passes the
 * time, nothing is read or printed, and a zero-initialised struct is an
 * idle limiter ready for use. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct mt_ratelimit {
	bool open;              /* a window is running */
	uint64_t window_start;  /* ms, when open */
	unsigned passed;        /* events let through in this window */
	uint64_t suppressed;    /* events held back since the last one let through */
};

/* Whether an event at now_ms may be reported. Returns true and sets
 * *ret_suppressed to the number of events suppressed since the last one
 * let through (then resets it), or returns false and counts this one.
 * A clock that goes backwards opens a new window. burst 0 lets nothing
 * through. */
bool mt_ratelimit_allow(struct mt_ratelimit *rl, uint64_t interval_ms, unsigned burst,
                        uint64_t now_ms, uint64_t *ret_suppressed);

/* Once the window that suppressed events has closed (now_ms at or past its
 * end), hands their count over: returns it and resets, for a caller that
 * reports the end of a flood without waiting for the next event. Returns
 * 0 while the window is still open or when nothing was suppressed. */
uint64_t mt_ratelimit_take_expired(struct mt_ratelimit *rl, uint64_t interval_ms, uint64_t now_ms);
