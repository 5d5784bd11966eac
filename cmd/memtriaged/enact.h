/* The actor (enact.c): performs a step's actions (lib/lifecycle.h items
 * HOLD, RESTORE, TERM, KILL, KILL_OVER, FORGET) through lib/act.c, the only
 * code that writes to cgroupfs, and turns their results into events for the
 * next step (inbox.h). It decides nothing and logs nothing: the recorder
 * reads what it did from struct enact_result.
 *
 * A kill is written first: between the step that chose it and the write to
 * cgroup.kill there is no allocation and no formatting (a policy kill reads
 * the group's figures and cgroup.events into the stack before it). Writes
 * that may reclaim (memory.high below the usage: seconds under pressure) run
 * on libuv's thread pool, one at a time per cgroup, holding a reference and
 * a dup of the cgroup's fd; their result is a WRITTEN event. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "act.h"
#include "daemon.h"

struct enact_result {
	bool done;              /* the action was carried out (or attempted) */
	bool skipped;           /* a measured kill found nothing to kill */
	int r;                  /* RESTORE memory.high, KILL cgroup.kill: 0 or a negative errno */
	int signalled;          /* TERM: processes signalled */
	struct mt_kill_result kill;
	int mreleased;
	uint64_t t0_us, t1_us, t2_us; /* KILL: before cgroup.kill, after it, after process_mrelease */
};

/* Carries out every action of items[0..n) in order; res[i] for item i
 * (non-actions are left zeroed). */
void enact_perform(struct daemon *d, const struct mt_lc_item *items, size_t n, struct enact_result *res);
