/* Growth of the node's commit: an exponentially weighted moving average of
 * the growth rate, the time left before the commit reaches its bound, and
 * how soon to look again.
 *
 * Pure: no I/O, no clock (callers pass CLOCK_MONOTONIC microseconds), no
 * allocation. The daemon feeds it one /proc/meminfo reading per timer tick
 * and uses mt_growth_interval() to re-arm the timer: slow while the node is
 * far from its bound or shrinking, fast as exhaustion nears.
 *
 * Return contract: 0 on success, a negative errno on bad input. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define MT_GROWTH_NEVER UINT64_MAX

struct mt_growth {
	uint64_t tau_usec;     /* EWMA time constant */
	uint64_t last_usec;    /* time of the last sample */
	uint64_t last_value;   /* bytes at the last sample */
	double rate;           /* bytes per second, EWMA; negative when shrinking */
	unsigned samples;      /* samples seen (rate valid from 2) */
};

/* tau_usec > 0: a step change in the rate is ~63 % reflected after tau.
 * Returns -EINVAL for tau_usec == 0. */
int mt_growth_init(struct mt_growth *g, uint64_t tau_usec);

/* Adds a sample taken at now_usec. The first sample only primes the state.
 * The weight of a new rate is dt / (dt + tau) (a first-order low-pass filter,
 * no libm), so irregular intervals (the adaptive timer) weigh samples by the
 * time they cover.
 * Returns -EINVAL when now_usec is before the last sample; a sample at the
 * same instant replaces the value without changing the rate. */
int mt_growth_update(struct mt_growth *g, uint64_t now_usec, uint64_t value);

/* Rate in bytes per second, 0 before two samples. */
double mt_growth_rate(const struct mt_growth *g);

/* Projected microseconds until `value` reaches `bound` at the current rate:
 * 0 when value >= bound; MT_GROWTH_NEVER when the rate is <= 0 or unknown. */
uint64_t mt_growth_time_to_exhaustion(const struct mt_growth *g, uint64_t value, uint64_t bound);

/* Re-check interval bounds.
 *   min_usec: floor; /proc/meminfo is read in ~10 us, but memory.stat and PSI
 *             lag by ~2 s anyway, so faster than ~50 ms buys nothing.
 *   max_usec: ceiling while idle; memory.events and PSI notifications cover
 *             sudden events, the timer only catches slow drift.
 *   checks_before: how many looks we want before projected exhaustion. */
struct mt_growth_interval_params {
	uint64_t min_usec;
	uint64_t max_usec;
	unsigned checks_before;
};

/* Picks the next interval: tte / checks_before clamped to [min, max];
 * max when tte is MT_GROWTH_NEVER; min when tte is 0.
 * Returns -EINVAL on min > max, min == 0 or checks_before == 0. */
int mt_growth_interval(const struct mt_growth_interval_params *p, uint64_t tte_usec, uint64_t *ret_usec);
