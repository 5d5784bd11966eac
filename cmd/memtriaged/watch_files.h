/* A watched cgroup's kept files (watch_files.c); watch.c's helpers. The
 * public half (the kill path's populated tracking, the snapshot's files)
 * is in watch.h. */
#pragma once

#include <uv.h>

#include "daemon.h"

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
