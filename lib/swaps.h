/* /proc/swaps: the active swap devices, each with its size and use.
 *
 * Format (mm/swapfile.c swap_show): a header line naming the columns,
 *   Filename                                Type            Size            Used            Priority
 * then one line per device, whitespace-separated, Size and Used in KiB.
 * Columns are found by their header name, never by position: Filename,
 * Size and Used are required, others are ignored. Filenames cannot hold
 * whitespace (the kernel escapes " \t\n\\" as octal), so whitespace splits.
 * A device is zram when its Filename is /dev/zram<N> (N decimal).
 *
 * Return contract: 0 on success; -EBADMSG on garbage (no header, a missing
 * required column, a row whose field count differs from the header's, a
 * non-decimal Size/Used, Used > Size, a missing final newline); -ERANGE
 * when KiB overflow u64 bytes; -E2BIG for more than MT_SWAPS_MAX devices;
 * -EFBIG when the file exceeds MT_SWAPS_FILE_MAX bytes; other negative
 * errno from open/read. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The kernel allows at most MAX_SWAPFILES (32 minus a few reserved types)
 * active swap areas (include/linux/swap.h). */
#define MT_SWAPS_MAX 32
/* A line is at most a PATH_MAX filename (4 KiB, x4 when escaped) plus
 * ~60 bytes of columns; 32 such lines. */
#define MT_SWAPS_FILE_MAX (MT_SWAPS_MAX * 16448 + 128)

struct mt_swap {
	bool zram;          /* Filename is /dev/zram<zram_id> */
	uint32_t zram_id;
	uint64_t size;      /* bytes */
	uint64_t used;      /* bytes */
};

struct mt_swaps {
	size_t n;
	struct mt_swap dev[MT_SWAPS_MAX];
};

int mt_swaps_parse(const char *buf, size_t len, struct mt_swaps *ret);

/* Reads "swaps" below proc_fd (a directory fd for /proc or a fixture):
 * into a 4 KiB stack buffer, or a heap one of MT_SWAPS_FILE_MAX when the
 * file is larger. */
int mt_swaps_read(int proc_fd, struct mt_swaps *ret);
