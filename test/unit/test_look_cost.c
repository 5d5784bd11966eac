/* The idle floor the looks' measured cost buys (lib/look_cost.h). */
#include <stdio.h>

#include "cadence.h"
#include "check.h"
#include "look_cost.h"

#define S 1000000u /* us */

/* n quiet looks over one window costing cpu_ns in all */
static void window(struct mt_look_cost *c, uint64_t *t, uint64_t *cpu, unsigned n, uint64_t cpu_ns, bool quiet)
{
	for (unsigned i = 0; i < n; i++)
		mt_look_cost_count(c, quiet);
	*t += S;
	*cpu += cpu_ns;
	CHECK(mt_look_cost_due(c, *t));
	mt_look_cost_close(c, *t, *cpu);
}

static void test_floor(void)
{
	struct mt_look_cost c;
	uint64_t t = 5 * S, cpu = 123456789;
	mt_look_cost_reset(&c, 0);
	CHECK_INT(c.budget_ppm, MT_IDLE_BUDGET_PPM);
	CHECK_U64(mt_look_cost_floor_us(&c), MT_LOOK_COST_FLOOR_START_US);
	CHECK_U64(mt_look_cost_per_look_ns(&c), 0);
	CHECK(mt_look_cost_due(&c, t));
	mt_look_cost_close(&c, t, cpu); /* opens the first window */
	CHECK_U64(mt_look_cost_floor_us(&c), MT_LOOK_COST_FLOOR_START_US);
	CHECK(!mt_look_cost_due(&c, t + S - 1));
	/* TCG: 4 looks a second costing 0.6 ms each -> 400 ms keeps 1.5 per mille */
	window(&c, &t, &cpu, 4, 2400000, true);
	CHECK_U64(mt_look_cost_floor_us(&c), 400000);
	CHECK_U64(mt_look_cost_per_look_ns(&c), 600000);
	/* a window with a decision in it costs more: the median counts (of
	 * two, the lower) */
	window(&c, &t, &cpu, 2, 40000000, true);
	CHECK_U64(mt_look_cost_floor_us(&c), 400000);
	window(&c, &t, &cpu, 4, 2700000, true);
	CHECK_U64(mt_look_cost_floor_us(&c), 450000);
	/* a window in the danger band is not measured at all */
	window(&c, &t, &cpu, 100, 1000, false);
	CHECK_U64(mt_look_cost_floor_us(&c), 450000);
	/* native: 20 us a look would be 13 ms; at least 100 ms */
	for (int i = 0; i < 4; i++)
		window(&c, &t, &cpu, 10, 200000, true);
	CHECK_U64(mt_look_cost_floor_us(&c), MT_LOOK_COST_FLOOR_MIN_US);
	/* 8 windows later the cheap ones are forgotten: 3 ms a look -> 500 ms at most */
	for (int i = 0; i < MT_LOOK_COST_WINDOWS; i++)
		window(&c, &t, &cpu, 1, 3000000, true);
	CHECK_U64(mt_look_cost_floor_us(&c), MT_LOOK_COST_FLOOR_MAX_US);
	/* a window without looks keeps nothing; the clock going back reopens */
	window(&c, &t, &cpu, 0, 5000, true);
	CHECK_U64(mt_look_cost_floor_us(&c), MT_LOOK_COST_FLOOR_MAX_US);
	CHECK(mt_look_cost_due(&c, t - 1));
}

/* A configured budget spreads the same looks differently, still within
 * the floor's bounds. */
static void test_budget(void)
{
	struct mt_look_cost c;
	uint64_t t = 5 * S, cpu = 0;
	mt_look_cost_reset(&c, 3000); /* twice the default */
	mt_look_cost_close(&c, t, cpu);
	window(&c, &t, &cpu, 4, 2400000, true); /* 0.6 ms a look */
	CHECK_U64(mt_look_cost_floor_us(&c), 200000);
	mt_look_cost_reset(&c, 1000); /* forgets the window */
	CHECK_U64(mt_look_cost_floor_us(&c), MT_LOOK_COST_FLOOR_START_US);
	mt_look_cost_close(&c, t, cpu);
	window(&c, &t, &cpu, 4, 1600000, true); /* 0.4 ms a look */
	CHECK_U64(mt_look_cost_floor_us(&c), 400000);
	mt_look_cost_reset(&c, MT_IDLE_BUDGET_PPM_MAX); /* 10 %: clamped */
	mt_look_cost_close(&c, t, cpu);
	window(&c, &t, &cpu, 4, 2400000, true);
	CHECK_U64(mt_look_cost_floor_us(&c), MT_LOOK_COST_FLOOR_MIN_US);
}

/* The floor applies only when quiet and outside the band. */
static void test_cadence_takes_floor(void)
{
	struct mt_node n = { .mem_total = 512u << 20, .mem_available = 400u << 20, .ram_reserve = 32u << 20 };
	CHECK_INT(mt_node_compute(&n), 0);
	CHECK_U64(mt_cadence_look_us(&n, MT_FAULT_RATE_DEFAULT, 450000), 450000);
	CHECK_U64(mt_cadence_look_us(&n, MT_FAULT_RATE_DEFAULT, 0), (uint64_t)(368u << 20) * 1000000 / MT_FAULT_RATE_DEFAULT / 2);
	n.mem_available = 60u << 20; /* within 2 x ram_reserve: the band */
	CHECK_INT(mt_node_compute(&n), 0);
	CHECK_U64(mt_cadence_look_us(&n, MT_FAULT_RATE_DEFAULT, 450000), MT_CADENCE_FLOOR_US);
}

int main(void)
{
	test_floor();
	test_budget();
	test_cadence_takes_floor();
	return mt_check_status();
}
