/* The node's look cadence: how soon memtriaged must look at /proc/meminfo
 * again so that a leak at the worst-case fault-in rate cannot cross from
 * where the node stands to its reserve unseen, and how near the node is
 * (which decides how often the lifecycle's TICK runs and how often the
 * candidates' usage is sampled). doc/control-law.md, "The law as built:
 * cadence and sampling", has the measured basis.
 *
 * Pure: no I/O, no clock; figures come from a computed struct mt_node
 * (mt_node_compute()), the rate from the daemon's configuration
 * (`fault_rate`, bytes per second). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "snapshot.h"

/* The default worst-case fault-in rate of one process, bytes/s: above every
 * 4 KiB-page rate measured (native 0.7-1.7 GiB/s, guest 0.1-0.5 GiB/s;
 * doc/control-law.md), so a leak at up to twice it is still seen before it
 * crosses (the look is due within half the time to cross). */
#define MT_FAULT_RATE_DEFAULT (UINT64_C(2) << 30)

/* Looks no closer than 10 ms: a /proc/meminfo read polled at 10 ms noticed
 * a 64 MiB crossing within 0-8 ms at every rate measured, and faster polling
 * only adds cost (one read is 22 us in the guest). Looks no further apart
 * than 1 s: the idle pace, as before. */
#define MT_CADENCE_FLOOR_US 10000
#define MT_CADENCE_CEIL_US 1000000
/* While the node is quiet -- outside the danger band (no deficit, headroom
 * above the reserve, RAM above twice its reserve) and its commit rose
 * slower than MT_CADENCE_QUIET_RATE since the last look -- looks are no
 * closer than the idle floor the caller passes: the idle budget
 * (look_cost.h: what a look costs, spread at 1.5 per mille; ~600 ms under
 * TCG, 100 ms natively). At 2 GiB/s a 512 MiB guest is always within a
 * second of a crossing and was looked at every 29-73 ms, 19-26 per mille
 * of a vCPU idle. The first look after a leak starts sees the rise and the
 * pace drops to the physics bound with the 10 ms floor, so the idle
 * floor's price is one interval: a leak at r is seen in time while the
 * headroom exceeds r x floor (the guest's fastest leak, 0.5 GiB/s, at
 * 600 ms: 300 MiB; natively 2 GiB/s at 100 ms: 200 MiB). 16 MiB/s: well
 * above the per-CPU charge stock and page cache noise of a quiet node (a
 * few MiB/s at most), far below the guest's slowest measured fault-in rate
 * (0.1 GiB/s); a leak slower than it needs 8 s to eat 128 MiB, 8-80 looks
 * at the idle floor. */
#define MT_CADENCE_QUIET_RATE (UINT64_C(16) << 20)

/* Whether a rise of the commit from `before` to `after` over `dt_us`
 * is slower than MT_CADENCE_QUIET_RATE (false for dt_us 0). */
bool mt_cadence_quiet(uint64_t before, uint64_t after, uint64_t dt_us);

/* A run of quiet looks. One interval between two looks says little at the
 * physics pace: 10-15 ms apart, a leak at 150 MiB/s that paused for one of
 * them read as quiet, and the idle floor it bought (500 ms) let it take
 * MemAvailable from 63 to 11 MiB unseen; the kernel reclaimed node-wide
 * before the first hold (vm guest, zram, 2 of 6 boots; doc/comparison.md,
 * session 8). So the node is quiet only after a run of quiet intervals
 * as long as the floor it buys: one unseen interval for one watched. */
struct mt_cadence_calm {
	bool running;
	uint64_t since_us; /* the run's start: the look before its first quiet interval */
};

/* Feeds the interval (prev_us, now_us] between two looks, quiet or not
 * (mt_cadence_quiet); true when a run of quiet intervals now spans at
 * least span_us. */
bool mt_cadence_calm_feed(struct mt_cadence_calm *c, bool quiet, uint64_t prev_us, uint64_t now_us,
                          uint64_t span_us);

/* Near: the lifecycle's TICK runs at every look (a kill decision on a
 * deficit must not wait); far: at most every MT_CADENCE_TICK_FAR_US. */
#define MT_CADENCE_NEAR_US 1000000
#define MT_CADENCE_TICK_FAR_US 500000
/* The candidates' usage: every 50 ms when the node is within 2 s of a
 * crossing at the worst-case rate (enough samples inside the usage
 * window's 0.5-1 s for a slope at the first decision), every 1 s when
 * far. */
#define MT_CADENCE_SAMPLE_NEAR_US 2000000
#define MT_CADENCE_SAMPLE_FAST_US 50000
#define MT_CADENCE_SAMPLE_SLOW_US 1000000

/* Microseconds a leak at fault_rate (> 0) needs to reach the first
 * crossing ahead: the min of the total headroom to the bound (headroom)
 * and, while RAM is still above its reserve, the RAM headroom to it
 * (mem_available - ram_reserve). 0 on a deficit. Once RAM is below its
 * reserve with swap room left, that crossing is behind: only the bound's
 * is ahead. */
uint64_t mt_cadence_time_to_cross_us(const struct mt_node *n, uint64_t fault_rate);

/* When the next look is due: half the time to cross, clamped to
 * [floor, MT_CADENCE_CEIL_US]: the floor idle_floor_us when the node is
 * quiet (idle_floor_us > 0: a run of quiet looks as long as that floor,
 * mt_cadence_calm_feed) and
 * outside the danger band (a deficit, headroom <= reserve or MemAvailable
 * <= 2 x ram_reserve: mt_cadence_in_band), MT_CADENCE_FLOOR_US otherwise. */
uint64_t mt_cadence_look_us(const struct mt_node *n, uint64_t fault_rate, uint64_t idle_floor_us);

/* The danger band: a deficit, or the bound near (as mt_select_throttle_due). */
bool mt_cadence_in_band(const struct mt_node *n);

/* Whether the node is within `within_us` of a crossing at fault_rate (a
 * deficit counts as within any). */
bool mt_cadence_near(const struct mt_node *n, uint64_t fault_rate, uint64_t within_us);
