#include <errno.h>

#include "check.h"
#include "growth.h"

#define MIB (1024ull * 1024ull)
#define SEC 1000000ull

static double dabs(double x) { return x < 0 ? -x : x; }

static void test_init(void)
{
	struct mt_growth g;
	CHECK_INT(mt_growth_init(&g, 0), -EINVAL);
	CHECK_INT(mt_growth_init(&g, 5 * SEC), 0);
	CHECK(mt_growth_rate(&g) == 0.0);
	CHECK_U64(mt_growth_time_to_exhaustion(&g, 10, 100), MT_GROWTH_NEVER);
}

static void test_constant_rate(void)
{
	struct mt_growth g;
	mt_growth_init(&g, 5 * SEC);
	/* 10 MiB/s, sampled every 100 ms */
	for (unsigned i = 0; i <= 50; i++)
		CHECK_INT(mt_growth_update(&g, i * SEC / 10, 100 * MIB + i * MIB), 0);
	CHECK(dabs(mt_growth_rate(&g) - 10.0 * MIB) < 1.0);
	/* 200 MiB left at 10 MiB/s: 20 s */
	uint64_t tte = mt_growth_time_to_exhaustion(&g, 300 * MIB, 500 * MIB);
	CHECK(tte > 20 * SEC - 1000 && tte < 20 * SEC + 1000);
	CHECK_U64(mt_growth_time_to_exhaustion(&g, 500 * MIB, 500 * MIB), 0);
	CHECK_U64(mt_growth_time_to_exhaustion(&g, 600 * MIB, 500 * MIB), 0);
}

static void test_ewma_step(void)
{
	struct mt_growth g;
	mt_growth_init(&g, 1 * SEC);
	mt_growth_update(&g, 0, 0);
	mt_growth_update(&g, SEC, 0);          /* rate 0 */
	CHECK(mt_growth_rate(&g) == 0.0);
	/* one sample covering exactly tau at 100 B/s: weight 1/2 */
	mt_growth_update(&g, 2 * SEC, 100);
	CHECK(mt_growth_rate(&g) == 50.0);
	/* same instant: value replaced, rate unchanged */
	double before = mt_growth_rate(&g);
	CHECK_INT(mt_growth_update(&g, 2 * SEC, 5000), 0);
	CHECK(mt_growth_rate(&g) == before);
	CHECK_U64(g.last_value, 5000);
	/* time going backwards is refused */
	CHECK_INT(mt_growth_update(&g, SEC, 1), -EINVAL);
}

static void test_shrinking(void)
{
	struct mt_growth g;
	mt_growth_init(&g, SEC);
	mt_growth_update(&g, 0, 1000);
	mt_growth_update(&g, SEC, 500);
	CHECK(mt_growth_rate(&g) == -500.0);
	CHECK_U64(mt_growth_time_to_exhaustion(&g, 500, 1000), MT_GROWTH_NEVER);
}

int main(void)
{
	test_init();
	test_constant_rate();
	test_ewma_step();
	test_shrinking();
	return mt_check_status();
}
