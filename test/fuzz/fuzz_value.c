/* libFuzzer target: single-value files. */
#include <stddef.h>
#include <stdint.h>

#include "cgroup_value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t v;

	(void)mt_value_parse((const char *)data, size, &v);
	return 0;
}
