/* The provider's view of the daemon's latest snapshot (provider.c,
 * metrics.c): the snapshot JSON the last decision kept, parsed and computed
 * once per decision (not per query: a client asking `status` in a loop costs
 * a lookup, not a parse), so the socket can answer with the derived figures
 * (headroom, deficits, frees, cost, ineligibility) without touching cgroupfs. */
#pragma once

#include <jansson.h>

#include "daemon.h"
#include "proto.h"
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

/* The socket provider's generation (serve.h "Cached replies"):
 *   candidates: what a row shows changes only with the tree (candidates,
 *     names, policy, memory.events: d->tree_gen, watch.c) or with a step
 *     (throttled, kill_in_flight, growth, the snapshot: d->step_gen,
 *     decide.c), each bumped within the loop callback that made the change
 *     (replies are served from the loop's idle callback, never in the
 *     middle of another); plus a counter of its own bumped here when the wall
 *     clock has moved by more than 1 ms against now_ms() since the last
 *     reply was built (a clock step: measured_unix_ms would change; 1 ms is
 *     the rounding of two millisecond clocks read one after the other,
 *     which two replies built back to back already differ by);
 *   snapshot: d->decisions (the recorder replaces d->last_snapshot right
 *     after counting a decision, and nothing else replaces or changes it);
 *   status (uptime_ms changes every millisecond) and policies (a few
 *     hundred bytes): 0, never cached. */
uint64_t view_generation(struct daemon *d, enum mt_proto_cmd cmd);
