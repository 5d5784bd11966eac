/* A candidate's recent usage (memory.current + memory.swap.current): a
 * small ring of (time, bytes) samples the daemon's sampler fills between
 * decisions, and the slope over the last window, so that the first
 * decision near the bound already knows who is growing (issue 16).
 *
 * Pure: no I/O, no clock (callers pass CLOCK_MONOTONIC microseconds), no
 * allocation. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* 32 samples: at the sampler's fastest pace (50 ms) 1.6 s of history,
 * more than the slope's window. */
#define MT_USAGE_WINDOW_SAMPLES 32
/* The slope spans the samples of the last second (at least the
 * MT_USAGE_WINDOW_MIN_US the growth needs to be known): long enough that
 * the per-CPU charge stock's steps (64 pages per CPU) average out, short
 * enough that a leak starting now shows within a second. */
#define MT_USAGE_WINDOW_US 1000000
/* Growth is known once two samples span 100 ms: at 50 ms a sample, the
 * third one near the bound. */
#define MT_USAGE_WINDOW_MIN_US 100000

/* What memory.current + memory.swap.current of a group that allocates
 * nothing moves by, measured under zram pressure in the guest (2 vCPUs,
 * test/bench/growth-noise.sh, doc/control-law.md "The sampler"): the
 * per-CPU charge stock (up to 64 pages a CPU, counted in memory.current),
 * freed swap slots waiting in a CPU's return cache (up to 64 a CPU, still
 * in memory.swap.current after the page came back), the group's own file
 * pages reclaimed and faulted back; swapcached stayed at 4-16 KiB (zram
 * swaps in around the swap cache), so subtracting it changes nothing. A
 * steady group read 301-727 KiB/s at worst over a second (the sweep's held
 * one 280), a new candidate's first 100 ms span up to ten times that; so a
 * slope counts as growth only when the figure moved by at least
 * MT_USAGE_NOISE_BYTES over its span and at MT_USAGE_NOISE_BPS or more:
 * above every steady figure, below what a 2 MiB/s leak adds under the same
 * churn (1.3 MiB/s or more). A 1 MiB/s leak reads 0 about half the time. */
#define MT_USAGE_NOISE_BYTES (UINT64_C(1) << 20)
#define MT_USAGE_NOISE_BPS (INT64_C(1) << 20)

/* A leak slower than the noise cut (a leak at any speed must be seen
 * before its deficit: a slow one's deficit is a coin toss between equal
 * costs otherwise) shows over a minute: one sample in every
 * MT_USAGE_SLOW_EVERY_US is kept in a second ring of MT_USAGE_SLOW_SAMPLES
 * (64 s at 8 s apart). The noise is bounded in size, not rate, so over a
 * long span a small move is a trend: growth counts when each half of the
 * span, at least MT_USAGE_SLOW_MIN_US in all, moved by
 * MT_USAGE_NOISE_BYTES in the same direction -- a sustained trend, not one
 * step (a start-up allocation a minute ago moves one half only). It sees
 * a leak of 2 x 1 MiB per 64 s (32 KiB/s) within a minute, of 128 KiB/s
 * within 16 s. */
#define MT_USAGE_SLOW_SAMPLES 8
#define MT_USAGE_SLOW_EVERY_US 8000000
#define MT_USAGE_SLOW_MIN_US 16000000

struct mt_usage_sample {
	uint64_t t_us;
	uint64_t bytes;
};

struct mt_usage_window {
	struct mt_usage_sample s[MT_USAGE_WINDOW_SAMPLES];
	unsigned head;   /* index of the newest sample */
	unsigned n;      /* samples held, <= MT_USAGE_WINDOW_SAMPLES */
	struct mt_usage_sample slow[MT_USAGE_SLOW_SAMPLES];
	unsigned slow_head, slow_n;
};

/* Empties the window (a new candidate, or its history lost). */
void mt_usage_window_reset(struct mt_usage_window *w);

/* Adds a sample. Returns -EINVAL when t_us is before the newest sample;
 * a sample at the newest's time replaces its value. */
int mt_usage_window_add(struct mt_usage_window *w, uint64_t t_us, uint64_t bytes);

/* The slope in bytes per second between the newest sample and the oldest
 * one no more than MT_USAGE_WINDOW_US before it (or, when that pair spans
 * less than MT_USAGE_WINDOW_MIN_US, the newest older sample that spans
 * it). Returns false (and *ret_rate 0) when no pair spans
 * MT_USAGE_WINDOW_MIN_US: growth not known. */
bool mt_usage_window_slope(const struct mt_usage_window *w, int64_t *ret_rate);

/* The slope as growth: the last half-window's slope when it is the
 * larger and rose by MT_USAGE_NOISE_BYTES at MT_USAGE_NOISE_BPS or more (a
 * grower that began inside the window: the whole window's slope averages
 * in the time before, and the first decision's projection undercounted a
 * 52 MiB/s grower as 38 MB/s); else the whole window's, 0 unless the
 * figure moved by MT_USAGE_NOISE_BYTES over the slope's span and the rate
 * is MT_USAGE_NOISE_BPS or more either way; else the slow ring's trend
 * when there is one (above); false (and 0) when not known, as
 * mt_usage_window_slope(). */
bool mt_usage_window_growth(const struct mt_usage_window *w, int64_t *ret_rate);

/* The newest sample; false when empty. */
bool mt_usage_window_last(const struct mt_usage_window *w, struct mt_usage_sample *ret);
