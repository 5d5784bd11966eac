/* Decision records: a bounded ring of the daemon's decisions, each a JSON
 * object (id, time, trigger, node figures, candidates considered, action,
 * predicted and measured effect), plus the snapshot each recent decision was
 * made from, in the snapshot format `memtriage simulate` reads.
 *
 * Memory is bounded by construction: the ring holds at most `capacity`
 * records and `snapshot_capacity` snapshots (those of the newest records
 * pushed with one; older ones are dropped first because a snapshot of 1,000
 * candidates is ~0.5 MiB of JSON). A record pushed without one evicts no
 * snapshot, so routine records (a held grower's pool payments, up to ten a
 * second) do not push out the snapshots `explain` needs. Pushing into a
 * full ring frees the oldest entry. The daemon's memory therefore does not grow with the number of
 * decisions.
 *
 * Ids are assigned by the ring, start at 1 and never repeat within a run.
 *
 * Return contract: >= 0 on success, a negative errno on failure. Borrowed
 * pointers (mt_record_ring_get, _snapshot) stay valid until the next push
 * or free. */
#pragma once

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct mt_record_ring;

/* capacity >= 1, snapshot_capacity <= capacity; -EINVAL otherwise. */
int mt_record_ring_new(size_t capacity, size_t snapshot_capacity, struct mt_record_ring **ret);
void mt_record_ring_free(struct mt_record_ring *ring);

/* Takes ownership of `record` (a JSON object; -EINVAL otherwise, and it is
 * then released) and of `snapshot` (may be NULL). Sets record["id"].
 * Returns 0 with *ret_id set. */
int mt_record_ring_push(struct mt_record_ring *ring, json_t *record, json_t *snapshot, uint64_t *ret_id);

/* The record with `id`, or NULL when it was never pushed or is evicted.
 * The caller may update it in place (measured effect, kill outcome). */
json_t *mt_record_ring_get(struct mt_record_ring *ring, uint64_t id);

/* The snapshot of record `id`, or NULL when not kept. */
json_t *mt_record_ring_snapshot(struct mt_record_ring *ring, uint64_t id);

/* Number of records held, and the id of the newest (0 when none). */
size_t mt_record_ring_count(const struct mt_record_ring *ring);
uint64_t mt_record_ring_last_id(const struct mt_record_ring *ring);

/* A new JSON array of the newest `max` records (new references), newest
 * first. Returns 0; -ENOMEM. */
int mt_record_ring_list(const struct mt_record_ring *ring, size_t max, json_t **ret);

/* One compact JSON line (no newline) for the log, keys in insertion order.
 * Returns the length; *ret to be freed with free(). */
int mt_record_to_line(const json_t *record, char **ret);
