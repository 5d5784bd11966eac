/* libFuzzer target: the watchdog variables (two NUL-separated values). */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "watchdog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 2);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = s[size + 1] = '\0';
	const char *pid = memchr(s, '\0', size) ? s + strlen(s) + 1 : NULL;
	uint64_t u = 0;
	int r = mt_watchdog_parse(s, pid, 1, &u);
	if (r == 1 && (u == 0 || mt_watchdog_period_ms(u) == 0))
		abort();
	if (r != 1 && r != 0 && r != -EINVAL)
		abort();
	free(s);
	return 0;
}
