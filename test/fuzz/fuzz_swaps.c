/* libFuzzer target: /proc/swaps. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "swaps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mt_swaps s;

	if (mt_swaps_parse((const char *)data, size, &s) != 0)
		return 0;
	/* sizes are KiB counts in bytes; a device never uses more than it has */
	if (s.n > MT_SWAPS_MAX)
		abort();
	for (size_t i = 0; i < s.n; i++)
		if (s.dev[i].size % 1024 || s.dev[i].used % 1024 || s.dev[i].used > s.dev[i].size ||
		    (!s.dev[i].zram && s.dev[i].zram_id))
			abort();
	return 0;
}
