#include "look_cost.h"

#include <string.h>

void mt_look_cost_reset(struct mt_look_cost *c, uint32_t budget_ppm)
{
	memset(c, 0, sizeof *c);
	c->budget_ppm = budget_ppm ? budget_ppm : MT_IDLE_BUDGET_PPM;
}

void mt_look_cost_count(struct mt_look_cost *c, bool quiet)
{
	c->looks++;
	if (!quiet)
		c->clean = false;
}

bool mt_look_cost_due(const struct mt_look_cost *c, uint64_t now_us)
{
	return !c->started || now_us < c->start_us || now_us - c->start_us >= MT_LOOK_COST_WINDOW_US;
}

void mt_look_cost_close(struct mt_look_cost *c, uint64_t now_us, uint64_t cpu_ns)
{
	if (c->started && c->clean && c->looks > 0 && cpu_ns >= c->start_cpu_ns) {
		if (c->n > 0)
			c->head = (c->head + 1) % MT_LOOK_COST_WINDOWS;
		c->per_look_ns[c->head] = (cpu_ns - c->start_cpu_ns) / c->looks;
		if (c->n < MT_LOOK_COST_WINDOWS)
			c->n++;
	}
	c->started = true;
	c->clean = true;
	c->looks = 0;
	c->start_us = now_us;
	c->start_cpu_ns = cpu_ns;
}

uint64_t mt_look_cost_per_look_ns(const struct mt_look_cost *c)
{
	if (c->n == 0)
		return 0;
	uint64_t v[MT_LOOK_COST_WINDOWS];
	unsigned n = c->n;
	memcpy(v, c->per_look_ns, n * sizeof v[0]);
	for (unsigned i = 1; i < n; i++) /* insertion sort: at most 8 */
		for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[(n - 1) / 2];
}

uint64_t mt_look_cost_floor_us(const struct mt_look_cost *c)
{
	if (c->n == 0)
		return MT_LOOK_COST_FLOOR_START_US;
	uint64_t median = mt_look_cost_per_look_ns(c);
	/* floor / per_look = 1e6 / ppm; ns -> us: x 1e-3 */
	uint64_t us = median > UINT64_MAX / 1000 ? UINT64_MAX : median * 1000 / c->budget_ppm;
	if (us < MT_LOOK_COST_FLOOR_MIN_US)
		us = MT_LOOK_COST_FLOOR_MIN_US;
	if (us > MT_LOOK_COST_FLOOR_MAX_US)
		us = MT_LOOK_COST_FLOOR_MAX_US;
	return us;
}
