/* libFuzzer target: /proc/meminfo. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "meminfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mt_meminfo mi;

	/* every value is a kB count converted to bytes */
	if (mt_meminfo_parse((const char *)data, size, &mi) == 0 &&
	    (mi.mem_total % 1024 || mi.committed_as % 1024 || mi.swap_free % 1024))
		abort();
	return 0;
}
