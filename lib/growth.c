#include "growth.h"

#include <errno.h>

int mt_growth_init(struct mt_growth *g, uint64_t tau_usec)
{
	if (tau_usec == 0)
		return -EINVAL;
	*g = (struct mt_growth){ .tau_usec = tau_usec };
	return 0;
}

int mt_growth_update(struct mt_growth *g, uint64_t now_usec, uint64_t value)
{
	if (g->samples > 0 && now_usec < g->last_usec)
		return -EINVAL;
	if (g->samples == 0 || now_usec == g->last_usec) {
		g->last_usec = now_usec;
		g->last_value = value;
		if (g->samples == 0)
			g->samples = 1;
		return 0;
	}
	double dt = (double)(now_usec - g->last_usec) / 1e6;
	double inst = ((double)value - (double)g->last_value) / dt;
	if (g->samples == 1) {
		g->rate = inst;
	} else {
		double dtu = (double)(now_usec - g->last_usec);
		double w = dtu / (dtu + (double)g->tau_usec);
		g->rate += w * (inst - g->rate);
	}
	g->last_usec = now_usec;
	g->last_value = value;
	if (g->samples < 2)
		g->samples = 2;
	return 0;
}

double mt_growth_rate(const struct mt_growth *g)
{
	return g->samples >= 2 ? g->rate : 0.0;
}

uint64_t mt_growth_time_to_exhaustion(const struct mt_growth *g, uint64_t value, uint64_t bound)
{
	if (value >= bound)
		return 0;
	double rate = mt_growth_rate(g);
	if (!(rate > 0.0))
		return MT_GROWTH_NEVER;
	double usec = (double)(bound - value) / rate * 1e6;
	if (usec >= (double)(MT_GROWTH_NEVER - 1))
		return MT_GROWTH_NEVER - 1;
	return (uint64_t)usec;
}
