/* /sys/block/zram<N>/mm_stat: a zram device's memory use.
 *
 * A positional format: one line of whitespace-separated decimals whose order
 * is fixed by Documentation/admin-guide/blockdev/zram.rst ("mm_stat"):
 *   1 orig_data_size    uncompressed bytes stored (same-filled pages included)
 *   2 compr_data_size   compressed bytes stored
 *   3 mem_used_total    RAM the pool holds, allocator overhead included
 *   4 mem_limit         cap on mem_used_total in bytes, 0 = no cap
 *   5 mem_used_max      high-water mark of mem_used_total
 *   6 same_pages        same-element-filled pages (no pool memory)
 *   7 pages_compacted   pages freed by compaction
 *   8 huge_pages        incompressible pages (4.18+)
 *   9 huge_pages_since  incompressible pages since setup (5.15+)
 * The kernel prints each field "%8llu" (right-aligned, space-padded) and
 * ends the line with '\n'. Fields 1-7 are required (the 4.x form); 8 and 9
 * are read when present; later fields are ignored (appended by newer
 * kernels).
 *
 * Return contract: 0 on success; -EBADMSG on garbage (fewer than 7 fields,
 * a non-decimal field, no final newline, a second line); -ERANGE on
 * overflow; -EFBIG when the file exceeds MT_ZRAM_MM_STAT_MAX bytes;
 * -ENOENT/-ENODEV from the reader when the device is gone (hot-removed). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 9 fields of up to 20 digits and a space. */
#define MT_ZRAM_MM_STAT_MAX 512

struct mt_zram_mm_stat {
	uint64_t orig_data_size;
	uint64_t compr_data_size;
	uint64_t mem_used_total;
	uint64_t mem_limit;
	uint64_t mem_used_max;
	uint64_t same_pages;
	uint64_t pages_compacted;
	uint64_t huge_pages;        /* valid when n_fields >= 8 */
	uint64_t huge_pages_since;  /* valid when n_fields >= 9 */
	unsigned n_fields;          /* as printed, 7 or more */
};

int mt_zram_mm_stat_parse(const char *buf, size_t len, struct mt_zram_mm_stat *ret);

/* Reads "zram<id>/mm_stat" below sys_block_fd (a directory fd for
 * /sys/block or a fixture). */
int mt_zram_mm_stat_read(int sys_block_fd, uint32_t id, struct mt_zram_mm_stat *ret);
