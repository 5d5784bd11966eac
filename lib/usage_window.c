#include "usage_window.h"

#include <errno.h>
#include <string.h>

void mt_usage_window_reset(struct mt_usage_window *w)
{
	memset(w, 0, sizeof *w);
}

/* The i-th newest sample (0 = newest), i < w->n. */
static const struct mt_usage_sample *nth(const struct mt_usage_window *w, unsigned i)
{
	return &w->s[(w->head + MT_USAGE_WINDOW_SAMPLES - i) % MT_USAGE_WINDOW_SAMPLES];
}

int mt_usage_window_add(struct mt_usage_window *w, uint64_t t_us, uint64_t bytes)
{
	if (w->n > 0) {
		const struct mt_usage_sample *last = nth(w, 0);
		if (t_us < last->t_us)
			return -EINVAL;
		if (t_us == last->t_us) {
			w->s[w->head].bytes = bytes;
			return 0;
		}
		w->head = (w->head + 1) % MT_USAGE_WINDOW_SAMPLES;
	}
	w->s[w->head] = (struct mt_usage_sample){ .t_us = t_us, .bytes = bytes };
	if (w->n < MT_USAGE_WINDOW_SAMPLES)
		w->n++;
	if (w->slow_n == 0 || t_us - w->slow[w->slow_head].t_us >= MT_USAGE_SLOW_EVERY_US) {
		if (w->slow_n > 0)
			w->slow_head = (w->slow_head + 1) % MT_USAGE_SLOW_SAMPLES;
		w->slow[w->slow_head] = w->s[w->head];
		if (w->slow_n < MT_USAGE_SLOW_SAMPLES)
			w->slow_n++;
	}
	return 0;
}

/* The pair the slope spans (see mt_usage_window_slope) over window_us;
 * false when none spans MT_USAGE_WINDOW_MIN_US. */
static bool pair_within(const struct mt_usage_window *w, uint64_t window_us, const struct mt_usage_sample **ret_new,
			const struct mt_usage_sample **ret_old)
{
	if (w->n < 2)
		return false;
	const struct mt_usage_sample *new = nth(w, 0), *old = NULL;
	for (unsigned i = 1; i < w->n; i++) {
		const struct mt_usage_sample *s = nth(w, i);
		uint64_t span = new->t_us - s->t_us;
		if (span > window_us && old && new->t_us - old->t_us >= MT_USAGE_WINDOW_MIN_US)
			break; /* old is the oldest inside the window and spans enough */
		old = s;
		if (span > window_us)
			break; /* the one just outside: the nearest that spans enough */
	}
	if (new->t_us - old->t_us < MT_USAGE_WINDOW_MIN_US)
		return false;
	*ret_new = new;
	*ret_old = old;
	return true;
}

static bool slope_pair(const struct mt_usage_window *w, const struct mt_usage_sample **ret_new,
		       const struct mt_usage_sample **ret_old)
{
	return pair_within(w, MT_USAGE_WINDOW_US, ret_new, ret_old);
}

/* |delta| <= 2^64, span >= 1e5 us: the quotient fits in 64 bits */
static int64_t rate_of(const struct mt_usage_sample *new, const struct mt_usage_sample *old)
{
	return (int64_t)(((double)new->bytes - (double)old->bytes) * 1e6 / (double)(new->t_us - old->t_us));
}

bool mt_usage_window_slope(const struct mt_usage_window *w, int64_t *ret_rate)
{
	const struct mt_usage_sample *new, *old;
	*ret_rate = 0;
	if (!slope_pair(w, &new, &old))
		return false;
	*ret_rate = rate_of(new, old);
	return true;
}

/* The i-th newest of the slow ring, i < w->slow_n. */
static const struct mt_usage_sample *slow_nth(const struct mt_usage_window *w, unsigned i)
{
	return &w->slow[(w->slow_head + MT_USAGE_SLOW_SAMPLES - i) % MT_USAGE_SLOW_SAMPLES];
}

/* The slow ring's trend from its oldest sample through its middle one to
 * the newest sample of all; 0 unless both halves moved by
 * MT_USAGE_NOISE_BYTES the same way over MT_USAGE_SLOW_MIN_US. */
static int64_t slow_trend(const struct mt_usage_window *w)
{
	if (w->slow_n < 3 || w->n == 0)
		return 0;
	const struct mt_usage_sample *new = nth(w, 0), *old = slow_nth(w, w->slow_n - 1),
				     *mid = slow_nth(w, (w->slow_n - 1) / 2);
	if (new->t_us - old->t_us < MT_USAGE_SLOW_MIN_US)
		return 0;
	int64_t first = (int64_t)mid->bytes - (int64_t)old->bytes, second = (int64_t)new->bytes - (int64_t)mid->bytes;
	const int64_t cut = (int64_t)MT_USAGE_NOISE_BYTES;
	if ((first >= cut && second >= cut) || (first <= -cut && second <= -cut))
		return rate_of(new, old);
	return 0;
}

bool mt_usage_window_growth(const struct mt_usage_window *w, int64_t *ret_rate)
{
	const struct mt_usage_sample *new, *old;
	*ret_rate = 0;
	if (!slope_pair(w, &new, &old))
		return false;
	uint64_t moved = new->bytes > old->bytes ? new->bytes - old->bytes : old->bytes - new->bytes;
	int64_t rate = rate_of(new, old);
	/* a grower that started inside the window: its last half is the rate
	 * (the whole window's slope averages in the time before it began) */
	const struct mt_usage_sample *hn, *ho;
	if (pair_within(w, MT_USAGE_WINDOW_US / 2, &hn, &ho) && ho != old && hn->bytes >= ho->bytes + MT_USAGE_NOISE_BYTES &&
	    rate_of(hn, ho) > rate && rate_of(hn, ho) >= MT_USAGE_NOISE_BPS) {
		*ret_rate = rate_of(hn, ho);
		return true;
	}
	if (moved >= MT_USAGE_NOISE_BYTES && (rate >= MT_USAGE_NOISE_BPS || rate <= -MT_USAGE_NOISE_BPS))
		*ret_rate = rate;
	else
		*ret_rate = slow_trend(w);
	return true;
}

bool mt_usage_window_last(const struct mt_usage_window *w, struct mt_usage_sample *ret)
{
	if (w->n == 0)
		return false;
	*ret = *nth(w, 0);
	return true;
}
