/* libFuzzer target: cgroup.procs. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "cgroup_procs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mt_pids p = MT_PIDS_INIT;
	int r = mt_procs_parse((const char *)data, size, &p);

	if (r >= 0) {
		if ((size_t)r != p.n)
			abort();
		for (size_t i = 0; i < p.n; i++)
			if (p.pids[i] <= 0)
				abort();
	} else if (p.n != 0) {
		abort();
	}
	mt_pids_done(&p);
	return 0;
}
