/* libFuzzer target: zram mm_stat. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "zram.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mt_zram_mm_stat st;

	if (mt_zram_mm_stat_parse((const char *)data, size, &st) != 0)
		return 0;
	/* seven fields at least; the optional ones are 0 when not printed */
	if (st.n_fields < 7 || (st.n_fields < 8 && st.huge_pages) || (st.n_fields < 9 && st.huge_pages_since))
		abort();
	return 0;
}
