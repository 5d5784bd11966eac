/* The provider's view of the daemon's latest snapshot (provider.c,
 * metrics.c): the snapshot JSON the last decision kept, parsed and computed
 * once per decision (not per query: a client asking `status` in a loop costs
 * a lookup, not a parse), so the socket can answer with the derived figures
 * (headroom, deficits, frees, cost, ineligibility) without touching cgroupfs. */
#pragma once

#include <jansson.h>

#include "daemon.h"
#include "snapshot.h"

/* The computed snapshot of d->last_snapshot, or NULL before the first one
 * (or when it does not parse: logged once). Borrowed until the next decision. */
const struct mt_snapshot *view_snapshot(struct daemon *d);

/* Unix epoch milliseconds of a now_ms() value. */
int64_t view_unix_ms(uint64_t mono_ms);

/* The snapshot's node with its derived figures (commit, bound, headroom,
 * ram_deficit, swap_deficit) and "measured_unix_ms"; NULL before the first
 * snapshot. New reference. */
json_t *view_node_json(struct daemon *d);

/* {"candidates": [...]} ranked, as doc/protocol.md describes. New reference. */
json_t *view_candidates_json(struct daemon *d);
