/* A group's inotify watch (watch_add.c). Without its watch a group's new
 * children are never seen, so a group whose watch could not be added is
 * marked (cg.unwatched, counted in d->n_unwatched: status and metrics show
 * it); watch_retry.c tries it again on the node timer. */
#pragma once

#include "daemon.h"

/* Adds c's inotify watch (the tree's mask). 0, or a negative errno with c
 * marked unwatched and the failure logged through a rate limit. */
int watch_add(struct cg *c);

/* The same, for a group marked unwatched: on success it is marked watched;
 * on failure it stays marked and nothing is logged (the retry pass sums its
 * failures up in one line). */
int watch_add_again(struct cg *c);
