/* The watched cgroup tree (watch.c): one struct cg per directory below the
 * supervised root, its fds and libuv handles. What it learns becomes
 * lifecycle events in the inbox; it decides nothing and calls nothing above
 * it (the inbox's kick and the two directory hooks are set by loop.c). */
#pragma once

#include "daemon.h"

/* Opens the inotify fd and scans the tree from opts.root. 0 or a negative
 * errno. Candidacy events of the scan wait in the inbox. */
int watch_start(struct daemon *d);
/* Drops every cgroup (GONE, not removed: the daemon stops watching). */
void watch_stop(struct daemon *d);
/* After an inotify overflow: drops vanished cgroups, adds new ones. */
int watch_rescan(struct daemon *d);
/* The same below c: drops its vanished descendants, adds new ones (each
 * added group is watched, or marked unwatched: watch_add.h). */
void watch_cg_rescan(struct cg *c);
/* Re-resolves every cgroup's names, policy and candidacy (after a reload
 * of the policies or the names); changes queue events, nothing is kicked. */
void watch_resolve_all(struct daemon *d);

struct cg *watch_find(struct daemon *d, const char *relpath);
/* For each candidate, children before parents; stops when fn returns
 * non-zero. fn must not add or drop cgroups. */
void watch_for_each_candidate(struct daemon *d, int (*fn)(struct cg *c, void *ud), void *ud);
/* For each group eligible by itself but held out because a protected or
 * own group (guard) lies below it (lib/candidacy.h); stops when fn returns
 * non-zero. */
void watch_for_each_held_out(struct daemon *d, int (*fn)(struct cg *c, struct cg *guard, void *ud), void *ud);
/* The same over every cgroup of the tree. */
void watch_for_each(struct daemon *d, int (*fn)(struct cg *c, void *ud), void *ud);
