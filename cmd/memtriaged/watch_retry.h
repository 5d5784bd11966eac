/* Groups whose inotify watch could not be added (watch_retry.c). Without
 * its watch a group's new children are never seen, so such a group is
 * marked (cg.unwatched, counted in d->n_unwatched: status and metrics show
 * it) and the watch is tried again on the node timer until it is in place;
 * then the group is rescanned for what was created meanwhile. */
#pragma once

#include "daemon.h"

/* Adds c's inotify watch (the tree's mask). 0, or a negative errno with c
 * marked unwatched and the failure logged through a rate limit. */
int watch_retry_add_watch(struct cg *c);

/* On the node timer: at most once per WATCH_RETRY_INTERVAL_MS, and only
 * while some group is unwatched, tries their watches again and rescans each
 * group whose watch is now in place. Queues what the rescans find and kicks. */
void watch_retry(struct daemon *d);
