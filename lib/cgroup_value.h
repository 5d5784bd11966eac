/* Single-value cgroup files: memory.current, memory.max, memory.high,
 * memory.min, memory.low, memory.swap.current, memory.swap.max,
 * memory.peak, memory.oom.group (and any other "N\n" or "max\n" file).
 *
 * Format: one decimal or the word "max", then one newline, nothing else.
 * "max" yields MT_VALUE_MAX (lib/kv.h). memory.oom.group yields 0 or 1.
 *
 * Return contract: 0 on success; -EBADMSG on anything else than the format
 * above (empty, spaces, two lines, missing newline, non-numeric); -ERANGE on
 * overflow; -EFBIG when the file exceeds MT_VALUE_FILE_MAX bytes; -ENOENT /
 * -ENODEV when the cgroup or file is gone (mt_errno_is_gone()). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kv.h"

/* "18446744073709551615\n" is 21 bytes; anything longer is not a value. */
#define MT_VALUE_FILE_MAX 32

int mt_value_parse(const char *buf, size_t len, uint64_t *ret);

/* Reads `name` below the cgroup directory fd. */
int mt_value_read_at(int dir_fd, const char *name, uint64_t *ret);

/* Reads an fd kept open (hot path: no open/close per read, one pread at
 * offset 0: a cgroup value file is generated whole on each read). */
int mt_value_read_fd(int fd, uint64_t *ret);
