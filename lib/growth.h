/* Growth of the node's commit: an exponentially weighted moving average of
 * the growth rate and the time left before the commit reaches its bound
 * (whether exhaustion is projected within the horizon). How soon to look
 * again is lib/cadence.h's, from the headroom and the worst-case rate, not
 * from this average (which lags a leak that just started).
 *
 * Pure: no I/O, no clock (callers pass CLOCK_MONOTONIC microseconds), no
 * allocation. The daemon feeds it one /proc/meminfo reading per look.
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
