/* libFuzzer target: memory.events, memory.swap.events, cgroup.events. */
#include <stddef.h>
#include <stdint.h>

#include "cgroup_events.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct mt_memory_events me;
	struct mt_swap_events se;
	struct mt_cgroup_events ce;

	(void)mt_memory_events_parse(s, size, &me);
	(void)mt_swap_events_parse(s, size, &se);
	(void)mt_cgroup_events_parse(s, size, &ce);
	return 0;
}
