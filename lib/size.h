/* Sizes as policy and configuration files write them.
 *
 * Accepted spellings (no spaces, case-sensitive):
 *   "1048576"            bytes
 *   "512Ki" "512Mi" "2Gi" "1Ti"   powers of 1024 (as Kubernetes writes them)
 *   "500K" "512M" "2G" "1T"       powers of 1000; a fraction of up to 3 digits
 *                                  is allowed with a unit ("1.5Gi")
 *   "25%" "2.5%" "0.25%"          a percentage, 0..100, up to 2 decimals,
 *                                  only where the caller allows it
 * JSON integers (bytes) are handled by the caller, not here. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct mt_size {
	bool percent;           /* true: basis_points is set, bytes is 0 */
	uint32_t basis_points;  /* hundredths of a percent, 0..10000 */
	uint64_t bytes;
};

/* Parses s into *ret. Returns 0; -EINVAL for a malformed string (or a
 * percentage where allow_percent is false); -ERANGE for a value past
 * UINT64_MAX bytes or above 100%. */
int mt_size_parse(const char *s, bool allow_percent, struct mt_size *ret);

/* Resolves a size against `whole` (for a percentage): bytes, or
 * whole * basis_points / 10000 rounded down. */
uint64_t mt_size_resolve(const struct mt_size *size, uint64_t whole);
