/* Kill reports (issue 8): when a kill completes (its group reports
 * populated 0), one line of lib/killreport.h to /dev/kmsg, where
 * node-problem-detector turns it into a Kubernetes Event, and a
 * "kill-report" log event with the same facts and the Kubernetes names.
 * A kill that fails or gets stuck has no report: its record says so. */
#pragma once

#include <stdbool.h>

#include "daemon.h"

/* At the kill's start (before SIGTERM or cgroup.kill): the group's
 * memory.current and memory.swap.current, so that the report can give the
 * measured RAM and swap frees apart. */
void report_kill_begin(struct cg *c);

/* The kill is done; `gone`: the cgroup was already removed (nothing left). */
void report_kill_done(struct cg *c, bool gone);
