#include "humanize.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

__attribute__((format(printf, 3, 4)))
static int put(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size) {
		if (size > 0)
			buf[0] = '\0';
		return -ENOBUFS;
	}
	return n;
}

/* Splits bytes into a unit index and tenths of that unit, rounded half up;
 * 128-bit intermediates keep it exact for every uint64_t. */
static void split(uint64_t bytes, unsigned *ret_unit, uint64_t *ret_tenths)
{
	unsigned unit = 0;
	uint64_t div = 1;
	unsigned __int128 tenths;

	while (unit < 6 && bytes / div >= 1024)
		div *= 1024, unit++;
	tenths = ((unsigned __int128)bytes * 10 + div / 2) / div;
	if (tenths >= 10240 && unit < 6) {
		div *= 1024, unit++;
		tenths = ((unsigned __int128)bytes * 10 + div / 2) / div;
	}
	*ret_unit = unit;
	*ret_tenths = (uint64_t)tenths;
}

static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };

int mt_humanize_bytes(uint64_t bytes, char *buf, size_t size)
{
	unsigned unit;
	uint64_t tenths;

	if (bytes < 1024)
		return put(buf, size, "%llu B", (unsigned long long)bytes);
	split(bytes, &unit, &tenths);
	return put(buf, size, "%llu.%llu %s", (unsigned long long)(tenths / 10),
	           (unsigned long long)(tenths % 10), units[unit]);
}

int mt_humanize_bytes_signed(int64_t bytes, char *buf, size_t size)
{
	char tmp[MT_HUMANIZE_MAX];
	uint64_t mag = bytes < 0 ? (uint64_t)0 - (uint64_t)bytes : (uint64_t)bytes;

	mt_humanize_bytes(mag, tmp, sizeof(tmp));
	if (bytes == 0)
		return put(buf, size, "%s", tmp);
	return put(buf, size, "%c%s", bytes < 0 ? '-' : '+', tmp);
}

int mt_humanize_ratio(uint64_t part, uint64_t whole, char *buf, size_t size)
{
	if (whole == 0)
		return put(buf, size, "-");
	/* per-mille, rounded half up, in 128 bits so part * 1000 cannot wrap. */
	unsigned __int128 pm = ((unsigned __int128)part * 1000 + whole / 2) / whole;
	return put(buf, size, "%llu.%llu%%", (unsigned long long)(pm / 10),
	           (unsigned long long)(pm % 10));
}

int mt_humanize_percent(double percent, char *buf, size_t size)
{
	if (!isfinite(percent) || percent < 0)
		return put(buf, size, "-");
	return put(buf, size, "%.1f%%", percent);
}

int mt_humanize_duration_ms(uint64_t ms, char *buf, size_t size)
{
	unsigned long long s = ms / 1000;

	if (ms < 1000)
		return put(buf, size, "%llums", (unsigned long long)ms);
	if (s < 60)
		return put(buf, size, "%llu.%llus", s, (unsigned long long)(ms % 1000 / 100));
	if (s < 3600)
		return put(buf, size, "%llum%02llus", s / 60, s % 60);
	if (s < 86400)
		return put(buf, size, "%lluh%02llum", s / 3600, s % 3600 / 60);
	return put(buf, size, "%llud%02lluh", s / 86400, s % 86400 / 3600);
}
