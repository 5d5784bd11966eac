/* The reserve: memory kept free below RAM + swap, split between the two in
 * proportion to their sizes so that each deficit has its own floor: a
 * percentage applies to each (p% of RAM, p% of swap), bytes are shared
 * (swap's part = bytes x SwapTotal / (MemTotal + SwapTotal)). All of it on
 * RAM would leave swap free to fill to its last page with no deficit ever
 * seen. Recomputed from every reading of MemTotal and SwapTotal, so swap
 * enabled, grown or shrunk later keeps its share. Pure. */
#pragma once

#include <stdint.h>

#include "size.h"

/* Fills *ret_ram and *ret_swap. -ERANGE when the reserve leaves nothing to
 * supervise: its RAM part at least MemTotal (a node whose every byte is
 * reserve is always in deficit), or its swap part above SwapTotal. */
int mt_reserve_split(const struct mt_size *reserve, uint64_t mem_total, uint64_t swap_total, uint64_t *ret_ram,
                     uint64_t *ret_swap);
