#include "reserve.h"

#include <errno.h>

int mt_reserve_split(const struct mt_size *reserve, uint64_t mem_total, uint64_t swap_total, uint64_t *ret_ram,
                     uint64_t *ret_swap)
{
	uint64_t ram, swap;
	if (reserve->percent) {
		ram = mt_size_resolve(reserve, mem_total);
		swap = mt_size_resolve(reserve, swap_total);
	} else {
		unsigned __int128 all = (unsigned __int128)mem_total + swap_total;
		swap = all ? (uint64_t)((unsigned __int128)reserve->bytes * swap_total / all) : 0;
		ram = reserve->bytes - swap;
	}
	*ret_ram = ram;
	*ret_swap = swap;
	return ram >= mem_total || swap > swap_total ? -ERANGE : 0;
}
