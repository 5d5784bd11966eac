/* One step of the daemon (decide.c): takes the inbox's events one at a
 * time, gathers what the step reads (a snapshot for a node-wide decision,
 * the held groups' memory.pressure for a tick), runs the pure lifecycle step
 * (lib/lifecycle.h), hands its actions to the actor (enact.h), then lets the
 * recorder, the kill reports and the metrics file read what happened, and
 * queues the decisions the step asked for. The only caller of mt_lc_step().
 *
 *   inbox -> decide_drain: gather -> mt_lc_step -> enact_perform
 *                          -> recorder_step -> report, promfile -> inbox */
#pragma once

#include "daemon.h"

/* Steps until the inbox is empty; a nested call (an event posted from
 * within a step's own work) returns at once. loop.c installs it as d->kick. */
void decide_drain(struct daemon *d);

/* An operator's release of c's hold: 0, -ESRCH when memtriage does not hold
 * it, or the restore's error. */
int decide_release(struct daemon *d, struct cg *c);

/* The node's measured inputs: /proc/meminfo, PSI, /proc/swaps and zram
 * mm_stat (mt_snapshot_read_node + mt_snapshot_read_zram), kept in
 * d->node_seen for the metrics file. 0 or a negative errno. */
int decide_read_node(struct daemon *d, struct mt_node *n);

/* The node timer's look at AT_US (now_us(), the caller's wakeup):
 * /proc/meminfo through a kept-open fd (one pread), zram figures only where
 * there is swap, PSI as last read (the look does not need it). Kept in
 * d->node_seen. 0 or a negative errno. */
int decide_look_node(struct daemon *d, struct mt_node *n, uint64_t at_us);

/* Frees the step's buffers (at exit, after the loop has run dry). */
void decide_free(void);
