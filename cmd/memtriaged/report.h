/* Kill reports (issue 8): when a kill completes (its group reports
 * populated 0), one line of lib/killreport.h to /dev/kmsg, where
 * node-problem-detector turns it into a Kubernetes Event, and a
 * "kill-report" log event with the same facts and the Kubernetes names.
 * A kill that fails or gets stuck has no report: its record says so. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "daemon.h"

/* The kill is done; ram and swap: what the group still holds (0 when it is
 * removed), measured once by the caller. The frees reported are the
 * differences from the figures the kill was decided on (c->rec.before_*), so
 * the path from notification to cgroup.kill reads nothing extra for it. */
void report_kill_done(struct cg *c, uint64_t ram, uint64_t swap);

/* A dry run decided to kill c (and does not): the same line with
 * "dry-run-kill" and the predicted frees to /dev/kmsg, the dry-run kill
 * counted in the metrics, a "dry-run-kill-report" log event; so a fleet in
 * dry run shows what enforcing would have done where operators look. */
void report_dry_run_kill(struct cg *c, uint64_t record_id, uint64_t pred_ram, uint64_t pred_swap);
