/* Human-readable numbers for the CLI's tables: sizes in binary units,
 * percentages and durations. Pure: no I/O, no locale, no globals.
 *
 * Every function writes a NUL-terminated string into buf and returns its
 * length, or -ENOBUFS when it does not fit in size bytes (buf then holds an
 * empty string when size > 0). MT_HUMANIZE_MAX bytes always suffice. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define MT_HUMANIZE_MAX 32

/* Bytes in IEC units: "0 B", "1023 B", "1.0 KiB", "118.2 MiB", "3.9 GiB",
 * "16.0 EiB". One decimal, rounded half up; a value that rounds to 1024.0
 * of a unit moves to the next ("1.0 MiB", never "1024.0 KiB"). */
int mt_humanize_bytes(uint64_t bytes, char *buf, size_t size);

/* Same with an explicit sign for rates and deltas: "+1.5 MiB", "-512 B",
 * "0 B". */
int mt_humanize_bytes_signed(int64_t bytes, char *buf, size_t size);

/* part/whole as a percentage with one decimal: "12.5%". A whole of 0 gives
 * "-" (undefined, never a guessed 0% or 100%). */
int mt_humanize_ratio(uint64_t part, uint64_t whole, char *buf, size_t size);

/* A percentage already in 0..100 (e.g. PSI avg10): "3.2%". Negative, NaN
 * and infinite values give "-". */
int mt_humanize_percent(double percent, char *buf, size_t size);

/* Milliseconds as the two largest units: "850ms", "12.3s", "5m12s",
 * "3h04m", "2d03h". */
int mt_humanize_duration_ms(uint64_t ms, char *buf, size_t size);
