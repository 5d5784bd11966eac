/* The inbox: events for the next step of the lifecycle (lib/lifecycle.h).
 * Whatever learns something -- the watcher's notifications, the actor's
 * results, the loop's timers, the socket's commands -- puts an event here;
 * only decide.c takes them out, one step each. An event about a cgroup
 * holds a reference on it (cg_ref) until the step that takes it is done,
 * so a cgroup dropped meanwhile is still there to be stepped on. */
#pragma once

#include <stdbool.h>

#include "daemon.h"

/* An event of `kind` about c (NULL: a node-wide one), stamped now. */
struct mt_lc_event inbox_event(struct cg *c, enum mt_lc_event_kind kind);

/* Queues a copy of ev. 0, or -ENOMEM (the event is lost; logged by the
 * caller when it matters). */
int inbox_push(struct daemon *d, const struct mt_lc_event *ev);

/* inbox_push(), then d->kick() to run the steps now: for the libuv
 * callbacks that are the first to learn something. Inside a step's own
 * work the kick returns at once and the step's caller takes the event. */
void inbox_post(struct daemon *d, const struct mt_lc_event *ev);

/* Takes the oldest event into *ret; false when there is none. The caller
 * drops its reference (cg_unref(ret->m.ud)) once the event is stepped. */
bool inbox_take(struct daemon *d, struct mt_lc_event *ret);

void inbox_free(struct daemon *d);
