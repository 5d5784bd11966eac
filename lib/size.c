#include "size.h"

#include <errno.h>
#include <string.h>

static const struct {
	const char *suffix;
	uint64_t factor;
} units[] = {
	{ "Ki", 1ULL << 10 }, { "Mi", 1ULL << 20 }, { "Gi", 1ULL << 30 }, { "Ti", 1ULL << 40 },
	{ "K", 1000ULL }, { "M", 1000000ULL }, { "G", 1000000000ULL }, { "T", 1000000000000ULL },
};

/* Reads digits [. digits]; returns the number of bytes consumed or -EINVAL.
 * *ret_frac holds the fraction scaled to 10^max_frac. */
static int read_decimal(const char *s, unsigned max_frac, uint64_t *ret_int, uint64_t *ret_frac,
			bool *ret_has_frac)
{
	const char *p = s;
	uint64_t v = 0, frac = 0;
	unsigned nfrac = 0;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*ret_has_frac = false;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -EINVAL;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (++nfrac > max_frac)
				return -EINVAL;
			frac = frac * 10 + (uint64_t)(*p - '0');
		}
		*ret_has_frac = true;
	}
	for (; nfrac < max_frac; nfrac++)
		frac *= 10;
	*ret_int = v;
	*ret_frac = frac;
	return (int)(p - s);
}

int mt_size_parse(const char *s, bool allow_percent, struct mt_size *ret)
{
	uint64_t iv, frac;
	bool has_frac;
	size_t len = strlen(s);

	if (len == 0 || len > 64)
		return -EINVAL;
	if (s[len - 1] == '%') {
		if (!allow_percent)
			return -EINVAL;
		int n = read_decimal(s, 2, &iv, &frac, &has_frac);
		if (n < 0)
			return n;
		if ((size_t)n != len - 1)
			return -EINVAL;
		if (iv > 100 || (iv == 100 && frac > 0))
			return -ERANGE;
		*ret = (struct mt_size){ .percent = true, .basis_points = (uint32_t)(iv * 100 + frac) };
		return 0;
	}
	int n = read_decimal(s, 3, &iv, &frac, &has_frac);
	if (n < 0)
		return n;
	const char *rest = s + n;
	if (*rest == '\0') {
		if (has_frac)
			return -EINVAL; /* a fraction of a byte */
		*ret = (struct mt_size){ .bytes = iv };
		return 0;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(rest, units[i].suffix) != 0)
			continue;
		uint64_t f = units[i].factor;
		if (iv > UINT64_MAX / f)
			return -ERANGE;
		uint64_t b = iv * f;
		/* frac is in thousandths; f >= 1000 so f / 1000 is exact for the
		 * decimal units and loses nothing that matters for binary ones. */
		uint64_t fb = frac * (f / 1000) + frac * (f % 1000) / 1000;
		if (b > UINT64_MAX - fb)
			return -ERANGE;
		*ret = (struct mt_size){ .bytes = b + fb };
		return 0;
	}
	return -EINVAL;
}

uint64_t mt_size_resolve(const struct mt_size *size, uint64_t whole)
{
	if (!size->percent)
		return size->bytes;
	/* whole / 10000 * bp + remainder part: no overflow for any uint64_t whole. */
	return whole / 10000 * size->basis_points + whole % 10000 * size->basis_points / 10000;
}
