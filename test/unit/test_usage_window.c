#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "cadence.h"
#include "check.h"
#include "usage_window.h"

#define MIB (UINT64_C(1) << 20)
#define MS 1000u

static void test_empty_and_one(void)
{
	struct mt_usage_window w;
	int64_t r = 7;
	mt_usage_window_reset(&w);
	CHECK(!mt_usage_window_slope(&w, &r));
	CHECK(r == 0);
	struct mt_usage_sample s;
	CHECK(!mt_usage_window_last(&w, &s));
	CHECK_INT(mt_usage_window_add(&w, 1000, 5 * MIB), 0);
	CHECK(!mt_usage_window_slope(&w, &r));
	CHECK(mt_usage_window_last(&w, &s) && s.bytes == 5 * MIB && s.t_us == 1000);
	/* back in time: refused; same time: replaces */
	CHECK_INT(mt_usage_window_add(&w, 999, 1), -EINVAL);
	CHECK_INT(mt_usage_window_add(&w, 1000, 6 * MIB), 0);
	CHECK(mt_usage_window_last(&w, &s) && s.bytes == 6 * MIB);
	CHECK(w.n == 1);
}

static void test_known_needs_span(void)
{
	struct mt_usage_window w;
	int64_t r;
	mt_usage_window_reset(&w);
	/* 50 ms apart: the second sample spans 50 ms, not known */
	mt_usage_window_add(&w, 0, 0);
	mt_usage_window_add(&w, 50 * MS, 5 * MIB);
	CHECK(!mt_usage_window_slope(&w, &r));
	/* the third spans 100 ms: known, 100 MiB/s */
	mt_usage_window_add(&w, 100 * MS, 10 * MIB);
	CHECK(mt_usage_window_slope(&w, &r));
	CHECK(r == (int64_t)(100 * MIB));
}

static void test_window_follows_recent(void)
{
	struct mt_usage_window w;
	int64_t r;
	mt_usage_window_reset(&w);
	/* 2 s flat, then 10 MiB/s for 1 s, sampled every 50 ms */
	uint64_t t = 0, b = 100 * MIB;
	for (; t <= 2000 * MS; t += 50 * MS)
		mt_usage_window_add(&w, t, b);
	CHECK(mt_usage_window_slope(&w, &r) && r == 0);
	for (unsigned i = 0; i < 20; i++) {
		t += 50 * MS;
		b += MIB / 2;
		mt_usage_window_add(&w, t, b);
	}
	/* the last second holds only the growth: 10 MiB/s */
	CHECK(mt_usage_window_slope(&w, &r));
	CHECK(r > (int64_t)(9 * MIB) && r <= (int64_t)(10 * MIB));
	/* shrinking: negative */
	t += 500 * MS;
	mt_usage_window_add(&w, t, 0);
	CHECK(mt_usage_window_slope(&w, &r) && r < 0);
}

static void test_sparse_samples(void)
{
	struct mt_usage_window w;
	int64_t r;
	mt_usage_window_reset(&w);
	/* 1 s apart (the far pace): the pair spanning just over the window */
	mt_usage_window_add(&w, 0, 0);
	mt_usage_window_add(&w, 1200 * MS, 12 * MIB);
	CHECK(mt_usage_window_slope(&w, &r));
	CHECK(r == (int64_t)(10 * MIB));
	/* then a fast one 20 ms later: still the older pair's span counts */
	mt_usage_window_add(&w, 1220 * MS, 12 * MIB + MIB / 5);
	CHECK(mt_usage_window_slope(&w, &r));
	CHECK(r > (int64_t)(9 * MIB) && r < (int64_t)(11 * MIB));
}

static void test_ring_wraps(void)
{
	struct mt_usage_window w;
	int64_t r;
	mt_usage_window_reset(&w);
	for (unsigned i = 0; i < 3 * MT_USAGE_WINDOW_SAMPLES; i++)
		mt_usage_window_add(&w, (uint64_t)i * 10 * MS, (uint64_t)i * MIB);
	CHECK(w.n == MT_USAGE_WINDOW_SAMPLES);
	/* 1 MiB per 10 ms = 100 MiB/s, over the 310 ms the ring holds */
	CHECK(mt_usage_window_slope(&w, &r));
	CHECK(r == (int64_t)(100 * MIB));
}

#define KIB (UINT64_C(1) << 10)
#define OLD_NOISE_BPS (256 * 1024) /* the cut before growth-noise.sh's figures */

/* A group that allocates nothing, under zram pressure (the shape
 * test/bench/growth-noise.sh measured: up to 467-553 KiB/s over a second):
 * its figure climbs 560 KiB in a second (charge stock refilled, swap slots
 * waiting in the CPUs' return caches, its file pages faulted back), then
 * falls back as reclaim takes them, sampled every 50 ms. */
static uint64_t steady_at(uint64_t t_us)
{
	uint64_t phase = t_us % (2000 * MS), up = 560 * KIB;
	uint64_t lift = phase <= 1000 * MS ? up * phase / (1000 * MS) : up * (2000 * MS - phase) / (1000 * MS);
	return 144 * MIB + lift;
}

static void test_growth_not_noise(void)
{
	struct mt_usage_window w;
	int64_t r;
	mt_usage_window_reset(&w);
	/* 4 s of a steady group, looked at after each sample: the plain slope
	 * crosses the old 256 KiB/s cut on the climbs, the growth never moves */
	bool old_counted = false;
	for (uint64_t t = 0; t <= 4000 * MS; t += 50 * MS) {
		mt_usage_window_add(&w, t, steady_at(t));
		int64_t slope;
		bool known = mt_usage_window_slope(&w, &slope);
		old_counted = old_counted || (known && (slope >= OLD_NOISE_BPS || slope <= -OLD_NOISE_BPS));
		CHECK(mt_usage_window_growth(&w, &r) == known);
		if (r != 0)
			fprintf(stderr, "steady at %" PRIu64 " ms: growth %" PRId64 "\n", t / MS, r);
		CHECK(r == 0);
	}
	CHECK(old_counted);
	/* a new candidate: 100 ms after its first sample a 256 KiB charge-stock
	 * step is 2.5 MiB/s, but moved under 1 MiB: not growth, though known */
	mt_usage_window_reset(&w);
	mt_usage_window_add(&w, 0, 50 * MIB);
	mt_usage_window_add(&w, 50 * MS, 50 * MIB + 256 * KIB);
	mt_usage_window_add(&w, 100 * MS, 50 * MIB + 256 * KIB);
	CHECK(mt_usage_window_slope(&w, &r) && r == (int64_t)(2560 * KIB));
	CHECK(mt_usage_window_growth(&w, &r) && r == 0);
	/* not known stays not known */
	mt_usage_window_reset(&w);
	mt_usage_window_add(&w, 0, 0);
	mt_usage_window_add(&w, 50 * MS, 8 * MIB);
	r = 1;
	CHECK(!mt_usage_window_growth(&w, &r) && r == 0);
}

/* A slow leak on top of the same churn still reads as growth: at 2 MiB/s
 * (the slowest the law has to see: doc/control-law.md) and 10 MiB/s, and
 * a group that frees 2 MiB/s reads as shrinking. */
static void test_growth_slow_leak(void)
{
	static const int64_t rates[] = { 2, 10, -2 };
	for (unsigned k = 0; k < 3; k++) {
		struct mt_usage_window w;
		int64_t r, rate = rates[k] * (int64_t)MIB;
		mt_usage_window_reset(&w);
		for (uint64_t t = 0; t <= 4000 * MS; t += 50 * MS) {
			int64_t b = (int64_t)steady_at(t) + rate * (int64_t)t / 1000000;
			mt_usage_window_add(&w, t, (uint64_t)b);
			if (t < 1000 * MS)
				continue;
			CHECK(mt_usage_window_growth(&w, &r));
			/* the churn's 560 KiB/s either way at most */
			if (r < rate - (int64_t)(600 * KIB) || r > rate + (int64_t)(600 * KIB))
				fprintf(stderr, "leak %" PRId64 " MiB/s at %" PRIu64 " ms: growth %" PRId64 "\n",
					rates[k], t / MS, r);
			CHECK(r >= rate - (int64_t)(600 * KIB) && r <= rate + (int64_t)(600 * KIB));
		}
	}
}

/* Slower than the cut: at the sampler's far pace (1 s), a 64 KiB/s leak
 * on top of the churn reads as its rate once the slow ring spans enough;
 * a steady group, and one that stepped up once (a start-up allocation),
 * never read as growing; a slow shrink reads as shrinking. */
static void test_growth_below_cut(void)
{
	static const int64_t kibps[] = { 64, 0, -128 };
	for (unsigned k = 0; k < 3; k++) {
		struct mt_usage_window w;
		int64_t r, rate = kibps[k] * (int64_t)KIB;
		bool seen = false;
		mt_usage_window_reset(&w);
		for (uint64_t t = 0; t <= 120000 * MS; t += 1000 * MS) {
			int64_t b = (int64_t)steady_at(t) + rate * (int64_t)(t / MS) / 1000;
			mt_usage_window_add(&w, t, (uint64_t)b);
			CHECK(!(t >= 1000 * MS) || mt_usage_window_growth(&w, &r));
			if (t < 1000 * MS)
				continue;
			if (rate == 0)
				CHECK(r == 0);
			else if (r != 0) {
				seen = true;
				CHECK(r > rate - (int64_t)(32 * KIB) && r < rate + (int64_t)(32 * KIB));
			}
			/* by a minute in, the trend is seen */
			if (t >= 60000 * MS && rate != 0)
				CHECK(r != 0);
		}
		CHECK(seen == (rate != 0));
	}
	/* a 40 MiB step at 10 s, then steady: growth while the step is inside
	 * the fast window, never after it from the slow ring */
	struct mt_usage_window w;
	int64_t r;
	mt_usage_window_reset(&w);
	for (uint64_t t = 0; t <= 120000 * MS; t += 1000 * MS) {
		mt_usage_window_add(&w, t, steady_at(t) + (t >= 10000 * MS ? 40 * MIB : 0));
		CHECK(!(t >= 1000 * MS) || mt_usage_window_growth(&w, &r));
		if (t >= 12000 * MS) {
			if (r != 0)
				fprintf(stderr, "step at %" PRIu64 " ms: growth %" PRId64 "\n", t / MS, r);
			CHECK(r == 0);
		}
	}
}

/* A grower that started 600 ms ago at 52 MiB/s, sampled every 50 ms:
 * the whole second's slope averages in the 400 ms before it began (31
 * MiB/s); the growth is its last half's, the rate it grows at now (the
 * growing deficit's projection counts it: daemon-grow-deficit). */
static void test_growth_just_started(void)
{
	struct mt_usage_window w;
	int64_t r, slope, rate = 52 * (int64_t)MIB;
	mt_usage_window_reset(&w);
	for (uint64_t t = 0; t <= 3000 * MS; t += 50 * MS) {
		uint64_t b = 100 * MIB + (t > 2400 * MS ? (uint64_t)(rate * (int64_t)(t - 2400 * MS) / 1000000) : 0);
		mt_usage_window_add(&w, t, b);
	}
	CHECK(mt_usage_window_slope(&w, &slope));
	CHECK(slope < rate * 2 / 3);
	CHECK(mt_usage_window_growth(&w, &r));
	if (r < rate - (int64_t)MIB || r > rate + (int64_t)MIB)
		fprintf(stderr, "just started: growth %" PRId64 ", slope %" PRId64 "\n", r, slope);
	CHECK(r >= rate - (int64_t)MIB && r <= rate + (int64_t)MIB);
}

static struct mt_node node(uint64_t total, uint64_t avail, uint64_t ram_reserve)
{
	struct mt_node n = { .mem_total = total, .mem_available = avail, .ram_reserve = ram_reserve };
	CHECK_INT(mt_node_compute(&n), 0);
	return n;
}

static void test_cadence(void)
{
	const uint64_t rate = MT_FAULT_RATE_DEFAULT; /* 2 GiB/s */
	/* 8 GiB node, 4 GiB + reserve free: 2 s to cross, look in 1 s */
	struct mt_node n = node(8192 * MIB, 4096 * MIB + 400 * MIB, 400 * MIB);
	CHECK_U64(mt_cadence_time_to_cross_us(&n, rate), 2000000);
	CHECK_U64(mt_cadence_look_us(&n, rate, 250000), 1000000);
	CHECK(!mt_cadence_near(&n, rate, MT_CADENCE_NEAR_US));
	CHECK(mt_cadence_near(&n, rate, 3000000));
	/* far more room: clamped to 1 s */
	n = node(65536 * MIB, 60000 * MIB, 400 * MIB);
	CHECK_U64(mt_cadence_look_us(&n, rate, 250000), MT_CADENCE_CEIL_US);
	/* 256 MiB left: 125 ms to cross, but outside the danger band the idle
	 * floor */
	n = node(512 * MIB, 256 * MIB + 24 * MIB, 24 * MIB);
	CHECK_U64(mt_cadence_time_to_cross_us(&n, rate), 125000);
	CHECK(!mt_cadence_in_band(&n));
	CHECK_U64(mt_cadence_look_us(&n, rate, 250000), 250000);
	/* not quiet (the commit rose 4 MiB or more since the last look): the
	 * physics pace, 62.5 ms */
	CHECK_U64(mt_cadence_look_us(&n, rate, 0), 62500);
	/* 1 GiB left on a 2 GiB node: 500 ms to cross, look in 250 ms */
	n = node(2048 * MIB, 1024 * MIB + 100 * MIB, 100 * MIB);
	CHECK_U64(mt_cadence_look_us(&n, rate, 250000), 250000);
	/* inside the band (MemAvailable 48 MiB = 2 x reserve): 12 ms to
	 * cross, look in 6 ms, held at the 10 ms floor */
	n = node(512 * MIB, 48 * MIB, 24 * MIB);
	CHECK(mt_cadence_in_band(&n));
	CHECK_U64(mt_cadence_look_us(&n, rate, 250000), MT_CADENCE_FLOOR_US);
	/* a band of 4 GiB RAM reserve: 2 GiB above it is 1 s to cross, look in 500 ms */
	n = node(65536 * MIB, 6144 * MIB, 4096 * MIB);
	CHECK(mt_cadence_in_band(&n));
	CHECK_U64(mt_cadence_look_us(&n, rate, 250000), 500000);
	/* 10 MiB left: the floor */
	n = node(512 * MIB, 34 * MIB, 24 * MIB);
	CHECK_U64(mt_cadence_look_us(&n, rate, 250000), MT_CADENCE_FLOOR_US);
	/* a deficit: the floor, and near */
	n = node(512 * MIB, 20 * MIB, 24 * MIB);
	CHECK(n.ram_deficit > 0);
	CHECK_U64(mt_cadence_time_to_cross_us(&n, rate), 0);
	CHECK_U64(mt_cadence_look_us(&n, rate, 250000), MT_CADENCE_FLOOR_US);
	CHECK(mt_cadence_near(&n, rate, 1));
	/* swap: the RAM reserve's crossing comes first */
	n = (struct mt_node){ .mem_total = 4096 * MIB, .mem_available = 1024 * MIB + 200 * MIB,
	                      .swap_total = 4096 * MIB, .swap_free = 4096 * MIB,
	                      .ram_reserve = 200 * MIB, .swap_reserve = 200 * MIB };
	CHECK_INT(mt_node_compute(&n), 0);
	CHECK_U64(mt_cadence_time_to_cross_us(&n, rate), 500000);
	/* RAM past its reserve, swap room left: only the bound ahead */
	n.mem_available = 100 * MIB;
	n.swap_free = 2048 * MIB + 200 * MIB;
	CHECK_INT(mt_node_compute(&n), 0);
	CHECK(n.ram_deficit == 0 && n.swap_deficit == 0);
	CHECK_U64(mt_cadence_time_to_cross_us(&n, rate), (uint64_t)(n.headroom * 1000000 / rate));
	/* quiet: a rise slower than 16 MiB/s; a fall is quiet; no time, not */
	CHECK(mt_cadence_quiet(100 * MIB, 100 * MIB + 4 * MIB - 1, 250000));
	CHECK(!mt_cadence_quiet(100 * MIB, 100 * MIB + 4 * MIB, 250000));
	CHECK(mt_cadence_quiet(100 * MIB, 90 * MIB, 250000));
	CHECK(!mt_cadence_quiet(100 * MIB, 100 * MIB, 0));
	CHECK(!mt_cadence_quiet(0, 75 * MIB, 250000)); /* a leak at 300 MiB/s */
	/* calm: a run of quiet intervals as long as the span; a loud one ends it */
	struct mt_cadence_calm calm = { 0 };
	CHECK(!mt_cadence_calm_feed(&calm, true, 1000000, 1012000, 500000));  /* 12 ms: a pause, not calm */
	CHECK(!mt_cadence_calm_feed(&calm, true, 1012000, 1499999, 500000));
	CHECK(mt_cadence_calm_feed(&calm, true, 1499999, 1500000, 500000));   /* 500 ms of quiet */
	CHECK(mt_cadence_calm_feed(&calm, true, 1500000, 2000000, 500000));
	CHECK(!mt_cadence_calm_feed(&calm, false, 2000000, 2010000, 500000)); /* the leak again */
	CHECK(!mt_cadence_calm_feed(&calm, true, 2010000, 2022000, 500000));  /* a new run from 2.01 s */
	CHECK(!mt_cadence_calm_feed(&calm, true, 2022000, 2509999, 500000));
	CHECK(mt_cadence_calm_feed(&calm, true, 2509999, 2510000, 500000));
	CHECK(!mt_cadence_calm_feed(&calm, true, 2510000, 2000000, 500000)); /* a clock going back: no run */
	CHECK(!mt_cadence_calm_feed(&calm, true, 2000000, 2100000, 500000));
	/* a rate of 0 is taken as 1 byte/s, never a division by zero */
	CHECK(mt_cadence_look_us(&n, 0, 250000) == MT_CADENCE_CEIL_US);
}

int main(void)
{
	test_empty_and_one();
	test_known_needs_span();
	test_window_follows_recent();
	test_sparse_samples();
	test_ring_wraps();
	test_growth_not_noise();
	test_growth_slow_leak();
	test_growth_below_cut();
	test_growth_just_started();
	test_cadence();
	return mt_check_status();
}
