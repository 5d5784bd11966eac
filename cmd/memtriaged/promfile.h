/* The daemon's Prometheus textfile (issue 8): lib/metrics.h's exposition,
 * written atomically to <metrics_dir>/memtriage.prom for node_exporter's
 * textfile collector. Kept current: soon after each step that decided or
 * acted (on the next loop iteration, never inside the notification-to-action
 * path) and every PROMFILE_PERIOD_MS for the node gauges, which it takes
 * from the daemon's last node reading (d->node_seen). It reads the step's
 * outputs and the recorder's counters; nothing here decides or acts.
 * No-ops without --metrics-dir. Failures to write are logged once per kind,
 * not fatal. */
#pragma once

#include <stdbool.h>

#include "daemon.h"

#define PROMFILE_NAME "memtriage.prom"

/* Opens the directory (main() checked that it exists and is writable),
 * writes the first file, starts the timer. Returns 0, or a negative errno
 * (logged; the daemon then runs without metrics). */
int promfile_start(struct daemon *d);
void promfile_stop(struct daemon *d);

/* Something changed (a decision, an action): write soon. */
void promfile_changed(struct daemon *d);

/* A kill completed or a throttle step was taken (decide.c), with
 * the decision's trigger as the reason; counted under the cgroup's
 * Kubernetes names (empty labels, and the cgroup's own name as the container, for
 * a cgroup that is not a Kubernetes container). */
void promfile_count_kill(struct cg *c, uint64_t record_id);
void promfile_count_throttle(struct cg *c, uint64_t record_id);
/* A kill a dry run decided and did not carry out (report.c). */
void promfile_count_dry_run_kill(struct cg *c, uint64_t record_id);

/* A memory.high write finished with result r (0 or a negative errno):
 * counted as a throttle, a failure, or nothing (the cgroup went away). */
void promfile_throttle_done(struct cg *c, uint64_t record_id, int r);

/* An action that failed (cgroup.kill or memory.high write). */
void promfile_action_failed(struct daemon *d, bool kill);

/* A policy load or reload was attempted. */
void promfile_reloaded(struct daemon *d, bool ok);
