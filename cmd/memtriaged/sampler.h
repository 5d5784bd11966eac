/* The candidates' usage between decisions: memory.current and
 * memory.swap.current through the fds watch.c keeps open (one pread at
 * offset 0 each: 5 us a cgroup in the guest, against 50-300 us for
 * openat+read+close), into each candidate's usage window
 * (lib/usage_window.h), so a decision knows who is growing without
 * reading anything for it. loop.c runs a pass on its looks, at the pace
 * lib/cadence.h sets; unpopulated candidates are skipped. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "daemon.h"

/* Samples one candidate now (no-op without its fds). Returns 0, or a
 * negative errno from the read (the cgroup gone: mt_errno_is_gone()). */
int sampler_sample(struct cg *c, uint64_t now_us);

/* A sample read elsewhere (the snapshot's own read of the same files). */
int sampler_add(struct cg *c, uint64_t now_us, uint64_t current, uint64_t swap);

/* One pass over every populated candidate (populated unknown counts as
 * populated): the list watch.c keeps of those with the sampler's fds open,
 * so empty candidates cost the pass nothing. Returns how many were
 * sampled. */
unsigned sampler_run(struct daemon *d, uint64_t now_us);

/* The candidate's recent growth in bytes/s (what a steady group's figures
 * move by reads 0: mt_usage_window_growth()); false when not known (fewer
 * than two samples spanning 100 ms). */
bool sampler_growth(const struct cg *c, int64_t *ret_rate);
