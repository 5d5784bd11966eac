/* libFuzzer target: memory.stat. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "memstat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mt_memstat st;

	if (mt_memstat_parse((const char *)data, size, &st) == 0 &&
	    (!mt_memstat_has(&st, anon) || !mt_memstat_has(&st, file)))
		abort();
	return 0;
}
