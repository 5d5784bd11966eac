/* The snapshot file: what the daemon writes and `memtriage simulate` reads.
 * Format documented in doc/snapshot-format.md ("memtriage-snapshot",
 * version 1). Only inputs are stored; derived fields are recomputed on read.
 *
 * Reading is strict: duplicate keys, unknown keys, missing keys, wrong types
 * and impossible values are errors, and every error message names the JSON
 * path of the offending value ("$.candidates[2].memory.anon: ..."), or the
 * line and column for a syntax error. */
#pragma once

#include <jansson.h>
#include <stddef.h>

#include "snapshot.h"

#define MT_SNAPSHOT_FORMAT "memtriage-snapshot"
#define MT_SNAPSHOT_VERSION 1

/* Parses len bytes of text (need not be NUL-terminated). On success returns
 * 0 and fills *ret, already passed through mt_snapshot_compute() (release
 * with mt_snapshot_free()). On bad input returns -EINVAL and writes a
 * one-line message (no trailing newline) into err[errlen]; -ENOMEM when
 * memory runs out. */
int mt_snapshot_from_json(const char *text, size_t len, struct mt_snapshot *ret,
			  char *err, size_t errlen);

/* The zram figures a decision used, for records and reports: {swap_total,
 * swap_free, orig_data_size, mem_used_total, ratio (null when the pool is
 * empty: unbounded), ratio_measured, capacity}; JSON null when the node has
 * no zram swap. n must have been through mt_node_compute(). A new
 * reference, NULL when memory runs out. */
json_t *mt_node_zram_figures_json(const struct mt_node *n);

/* Builds the JSON document of the snapshot's inputs. Returns 0 and a new
 * reference in *ret, or -ENOMEM. */
int mt_snapshot_to_json(const struct mt_snapshot *s, json_t **ret);
