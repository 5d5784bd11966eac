#include "cadence.h"

static uint64_t bytes_to_us(uint64_t bytes, uint64_t rate)
{
	/* bytes <= MT_BYTES_MAX (2^52): 128-bit keeps the product exact */
	unsigned __int128 us = (unsigned __int128)bytes * 1000000u / rate;
	return us > UINT64_MAX ? UINT64_MAX : (uint64_t)us;
}

uint64_t mt_cadence_time_to_cross_us(const struct mt_node *n, uint64_t fault_rate)
{
	if (fault_rate == 0)
		fault_rate = 1;
	if (n->ram_deficit > 0 || n->swap_deficit > 0)
		return 0;
	uint64_t room = n->headroom;
	if (n->mem_available > n->ram_reserve && n->mem_available - n->ram_reserve < room)
		room = n->mem_available - n->ram_reserve;
	return bytes_to_us(room, fault_rate);
}

bool mt_cadence_in_band(const struct mt_node *n)
{
	return n->ram_deficit > 0 || n->swap_deficit > 0 || n->headroom <= n->reserve || n->ram_near_reserve;
}

uint64_t mt_cadence_look_us(const struct mt_node *n, uint64_t fault_rate, uint64_t idle_floor_us)
{
	uint64_t us = mt_cadence_time_to_cross_us(n, fault_rate) / 2;
	uint64_t floor = idle_floor_us > MT_CADENCE_FLOOR_US && !mt_cadence_in_band(n) ? idle_floor_us
	                                                                              : MT_CADENCE_FLOOR_US;
	if (us < floor)
		us = floor;
	if (us > MT_CADENCE_CEIL_US)
		us = MT_CADENCE_CEIL_US;
	return us;
}

bool mt_cadence_near(const struct mt_node *n, uint64_t fault_rate, uint64_t within_us)
{
	return mt_cadence_time_to_cross_us(n, fault_rate) < within_us;
}

bool mt_cadence_quiet(uint64_t before, uint64_t after, uint64_t dt_us)
{
	if (dt_us == 0)
		return false;
	if (after <= before)
		return true;
	/* rise / dt < rate, without division: both sides exact in 128 bits */
	return (unsigned __int128)(after - before) * 1000000u < (unsigned __int128)MT_CADENCE_QUIET_RATE * dt_us;
}

bool mt_cadence_calm_feed(struct mt_cadence_calm *c, bool quiet, uint64_t prev_us, uint64_t now_us,
                          uint64_t span_us)
{
	if (!quiet || now_us < prev_us) {
		c->running = false;
		return false;
	}
	if (!c->running) {
		c->running = true;
		c->since_us = prev_us;
	}
	return now_us - c->since_us >= span_us;
}
