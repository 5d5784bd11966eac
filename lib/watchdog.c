/* The watchdog request: see watchdog.h. */
#include "watchdog.h"

#include <errno.h>
#include <stdbool.h>

static bool parse_u64(const char *s, uint64_t *ret)
{
	uint64_t v = 0;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		unsigned d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*ret = v;
	return true;
}

int mt_watchdog_parse(const char *usec, const char *pid, pid_t self, uint64_t *ret_usec)
{
	if (!usec)
		return 0;
	uint64_t u, p;
	if (!parse_u64(usec, &u) || u == 0)
		return -EINVAL;
	if (pid) {
		if (!parse_u64(pid, &p) || p == 0 || p > (uint64_t)INT32_MAX)
			return -EINVAL;
		if ((pid_t)p != self)
			return 0;
	}
	*ret_usec = u;
	return 1;
}

uint64_t mt_watchdog_period_ms(uint64_t timeout_usec)
{
	uint64_t ms = timeout_usec / 2 / 1000;
	return ms ? ms : 1;
}
