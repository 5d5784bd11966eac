/* The candidates' usage between decisions: see sampler.h. */
#include "sampler.h"


#include "cgroup_value.h"

int sampler_sample(struct cg *c, uint64_t now_us)
{
	if (c->current_fd < 0)
		return 0;
	uint64_t cur = 0, swap = 0;
	int r = mt_value_read_fd(c->current_fd, &cur);
	if (r < 0)
		return r;
	if (c->swap_current_fd >= 0 && (r = mt_value_read_fd(c->swap_current_fd, &swap)) < 0)
		return r;
	return sampler_add(c, now_us, cur, swap);
}

int sampler_add(struct cg *c, uint64_t now_us, uint64_t current, uint64_t swap)
{
	c->sampled_current = current;
	c->sampled_swap = swap;
	return mt_usage_window_add(&c->usage, now_us, current + swap);
}

/* Every sample of a pass carries the pass's time: loop.c keeps a pass
 * within 1/20 of the interval between passes (SAMPLE_DUTY), so a stamp is
 * early by at most 5 % of one interval, and the slope, which spans 2-20 of
 * them, by 2.5 % or less, against a growth cut of 1 MiB/s: a clock read
 * per candidate would buy nothing a decision uses. */
unsigned sampler_run(struct daemon *d, uint64_t now)
{
	unsigned n = 0;
	d->last_sample_us = now;
	for (struct cg *c = d->sampled; c; c = c->sampled_next)
		if (sampler_sample(c, now) == 0)
			n++;
	return n;
}

bool sampler_growth(const struct cg *c, int64_t *ret_rate)
{
	return mt_usage_window_growth(&c->usage, ret_rate);
}
