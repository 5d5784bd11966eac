/* A watched cgroup's kept files (watch_files.c): the kill path's populated
 * tracking and the snapshot's files, for enact.c and decide.c, and below
 * them the helpers watch.c opens and closes a group's files with. */
#pragma once

#include <uv.h>

#include "daemon.h"
#include "snapshot_read.h"

/* Watches the cgroup's cgroup.events (during a kill; idempotent) and
 * reads it: 1 populated, 0 empty or gone, a negative errno when it cannot
 * be read. Each later change is queued as a POPULATED event. */
int watch_cg_track_populated(struct cg *c);

/* The fds a snapshot reads c's figures through: its memory.stat,
 * memory.high and memory.max opened at the first call and kept while it is
 * a candidate, with cgroup.events and the sampler's (-1: read by name). */
void watch_cg_snapshot_files(struct cg *c, struct mt_candidate_files *f);
void watch_cg_untrack_populated(struct cg *c);

/* Starts a UV_PRIORITIZED poll on fd: kernfs files always report readable,
 * so UV_READABLE would spin; their changes come as POLLPRI. Returns NULL
 * (and nothing to close) when the handle cannot be had. The caller owns
 * the fd and closes it after cg_poll_close(). */
struct cg_poll *cg_poll_start(struct cg *c, int fd, int tag, uv_poll_cb cb);
void cg_poll_close(struct cg_poll **pp);

/* cgroup.events kept open and watched; populated read now (which opens the
 * sampler's fds of a populated candidate). 0, or a negative errno. */
int watch_files_populated_open(struct cg *c);
void watch_files_populated_close(struct cg *c);

/* The sampler's fds (memory.current, memory.swap.current), on its list,
 * with a first sample; closing also closes the snapshot's. */
void watch_files_sampler_open(struct cg *c);
void watch_files_sampler_close(struct cg *c);
