/* The recorder (recorder.c): what a step decided and what the actor did,
 * kept and told. It reads the step's input and output, the actor's results
 * and the measured effect of finished kills; it writes only its own parts
 * (the record ring, d->last_snapshot, the counters, each cgroup's rec) and
 * the log. It decides nothing and acts on nothing.
 *
 * Records (lib/record.h) are kept after the actions they describe have been
 * carried out -- a kill is written before its record is formatted -- and a
 * decision's "decision" log line comes after the lines of its actions. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "daemon.h"
#include "enact.h"

/* What a finished kill left behind, measured after its step (KILL_DONE
 * items): the group's memory.current and memory.swap.current (0 when gone)
 * and the node's MemAvailable + SwapFree (0: not measured). */
struct recorder_after {
	uint64_t ram, swap;
	uint64_t node_free;
};

/* Keeps and logs item i of `out` with res[i] and after[i]. */
void recorder_step(struct daemon *d, const struct mt_lc_input *in, const struct mt_lc_output *out,
                   const struct enact_result *res, const struct recorder_after *after);

/* The trigger of record `id` ("unrecorded" when it is gone or has none):
 * the reason kill reports and metrics give. */
const char *recorder_reason(struct daemon *d, uint64_t id);
