/* Parse-by-key helpers shared by every cgroupfs and /proc reader.
 *
 * Kernel files are read whole into a buffer (lib/fileio.h) and parsed from
 * memory, so the parsers need no files (unit tests, fuzzers).
 *
 * Error contract shared by every parser built on these helpers:
 *   -EBADMSG  garbage: a line without its separator, an empty key, a value
 *             that is not a plain decimal, a missing final newline, a
 *             duplicate known key, a missing required key;
 *   -ERANGE   a number that does not fit in its type;
 *   -EFBIG    (from the readers) the file is larger than the reader's
 *             buffer, i.e. it would have been truncated.
 * Unknown keys are ignored: kernels add keys over time and an older binary
 * must keep working. Duplicates of unknown keys are therefore not seen. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The word "max" in a limit file (memory.max, memory.high, ...). */
#define MT_VALUE_MAX UINT64_MAX

/* Parses exactly `len` bytes of plain decimal (no sign, no spaces, no
 * leading "0x"; leading zeros allowed) into *ret.
 * 0 on success; -EBADMSG on empty or non-digit input; -ERANGE on overflow. */
int mt_u64_parse(const char *s, size_t len, uint64_t *ret);

/* Like mt_u64_parse, but the exact word "max" yields MT_VALUE_MAX.
 * A decimal equal to UINT64_MAX is -ERANGE (it would be ambiguous). */
int mt_limit_parse(const char *s, size_t len, uint64_t *ret);

/* One "key<sep>value" line, pointing into the caller's buffer (not
 * NUL-terminated). */
struct mt_kv_line {
	const char *key;
	size_t key_len;
	const char *value;
	size_t value_len;
};

/* Takes the next line of buf[0..len) starting at *pos and splits it at the
 * first `sep`. Advances *pos past the newline.
 * Returns 1 with *ret filled, 0 at the end of the buffer, -EBADMSG when the
 * line has no `sep`, an empty key, or no terminating newline. */
int mt_kv_next_line(const char *buf, size_t len, size_t *pos, char sep, struct mt_kv_line *ret);

/* Takes the next space-separated "key=value" token of s[0..len) starting at
 * *pos (as in PSI lines "avg10=0.00 total=0").
 * Returns 1 with *ret filled, 0 when only spaces remain, -EBADMSG on a token
 * without '=' or with an empty key. */
int mt_kv_next_token(const char *s, size_t len, size_t *pos, struct mt_kv_line *ret);

/* A known key of a table-driven file: the value (a u64) is stored at
 * `offset` inside the caller's struct. At most 64 fields per table (the
 * presence mask is a uint64_t; bit i = fields[i]). */
struct mt_kv_field {
	const char *key;
	size_t offset;
	bool required;
};

/* Returns the index of `key` in fields, or -ENOENT. */
int mt_kv_field_find(const struct mt_kv_field *fields, size_t n_fields, const char *key, size_t key_len);

/* Parses a whole file of "key<sep>value\n" lines with u64 values against
 * `fields`, storing into `out` and setting bit i of *ret_present for each
 * field i seen. Unknown keys are ignored (their values are not checked).
 * Returns 0; -EBADMSG / -ERANGE as above (duplicate or missing required key
 * included); -EINVAL if n_fields > 64. */
int mt_kv_parse(const char *buf, size_t len, char sep, const struct mt_kv_field *fields, size_t n_fields,
		void *out, uint64_t *ret_present);
