/* The groups whose lifecycle state a TICK must see (decide.c): held, a
 * memory.high write in flight, a kill in progress (mt_lc_active). Kept as
 * the steps change them, so that a TICK visits those few and not every
 * watched group: a walk of 1,000 idle groups once a second cost 0.4-0.7 ms
 * of guest CPU under TCG, about a tenth of the daemon's idle cost
 * (doc/control-law.md, "The idle cost"). Only mt_lc_step() changes a
 * group's state: the event's group's, the TICK's or shutdown's members',
 * and a decision's choices', each of which it names in an output item (a
 * hold, a kill: test_lifecycle checks it for every decision). So updating
 * those after each step keeps the list exact. */
#pragma once

#include "daemon.h"

/* After a step that may have changed c->lc: lists c (taking a reference)
 * when it has a state and is still watched, unlists it (dropping that
 * reference, which may free a dropped c) otherwise. */
void active_update(struct cg *c);

/* After mt_lc_step(in, out) for an event on c (NULL: the node's): updates
 * c, in's members and the groups out's items name (every ud a struct cg). */
void active_after_step(struct cg *c, const struct mt_lc_input *in, const struct mt_lc_output *out);

/* fn for each listed group that is still watched, in the order they were
 * listed; stops at the first nonzero return. fn must not update the list. */
void active_for_each(struct daemon *d, int (*fn)(struct cg *c, void *ud), void *ud);

/* Unlists every group (at exit, after the last step). */
void active_clear(struct daemon *d);
