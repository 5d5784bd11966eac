/* libFuzzer target: PSI files, and the trigger formatter on fuzzed numbers. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "psi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mt_psi p;
	char buf[MT_PSI_TRIGGER_MAX];

	(void)mt_psi_parse((const char *)data, size, &p);
	if (size >= 17) {
		uint64_t stall, window;
		int r;

		memcpy(&stall, data, 8);
		memcpy(&window, data + 8, 8);
		r = mt_psi_trigger_format(data[16] & 1 ? MT_PSI_FULL : MT_PSI_SOME, stall, window, buf, sizeof(buf));
		if (r >= 0 && (window < MT_PSI_WINDOW_MIN_US || window > MT_PSI_WINDOW_MAX_US || stall == 0 ||
			       stall > window || (size_t)r != strlen(buf)))
			abort();
	}
	return 0;
}
