/* libFuzzer target: /proc/meminfo, the full parse and the look's. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "meminfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mt_meminfo mi;

	/* every value is a kB count converted to bytes */
	int full = mt_meminfo_parse((const char *)data, size, &mi);
	if (full == 0 && (mi.mem_total % 1024 || mi.committed_as % 1024 || mi.swap_free % 1024))
		abort();
	/* the look's parse reads less, never differently: whatever the full
	 * parse accepts it accepts with the same four figures */
	struct mt_meminfo node;
	int r = mt_meminfo_parse_node((const char *)data, size, &node);
	if (full == 0 && (r != 0 || node.mem_total != mi.mem_total || node.mem_available != mi.mem_available ||
	                  node.swap_total != mi.swap_total || node.swap_free != mi.swap_free))
		abort();
	if (r == 0 && (node.mem_total % 1024 || node.swap_free % 1024))
		abort();
	return 0;
}
