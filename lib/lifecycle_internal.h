/* Shared between the step's parts, which call downward only:
 * lib/lifecycle.c (the events' dispatch, the node-wide TICK and DECIDE,
 * mt_lc_step) -> lib/lifecycle_hold.c (holds) and lib/lifecycle_kill.c
 * (kills); all three -> lib/lifecycle_output.c (the step's output); the
 * hold and kill parts -> lib/lifecycle_group.c (the questions asked of a
 * group's state, public in lifecycle.h). The hold and the kill parts never
 * call each other. Not a public interface. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lifecycle.h"

struct mt__lc_step {
	const struct mt_lc_input *in;
	struct mt_lc_output *out;
	int error;
};

/* lib/lifecycle_output.c. A new item at the end of the output, zeroed but
 * for kind, m (when not NULL), at_us and record = snap_index = MT_LC_NONE.
 * NULL once the step failed: s->error is then -ENOMEM, and nothing is
 * pushed again. A later push may move the items: keep an index
 * (mt__lc_index_of), not a pointer, across one. */
struct mt_lc_item *mt__lc_push(struct mt__lc_step *s, enum mt_lc_item_kind kind, const struct mt_lc_member *m,
                               uint64_t at_us);
/* The index of an item pushed in this step, MT_LC_NONE for NULL. */
size_t mt__lc_index_of(const struct mt__lc_step *s, const struct mt_lc_item *it);

/* lib/lifecycle_hold.c. A decision's throttle of m to `to`, candidate k of
 * the snapshot (c), decision record rec: the first step saves the limits
 * the snapshot read; one write at a time per group. */
void mt__lc_hold(struct mt__lc_step *s, const struct mt_lc_member *m, const struct mt_candidate *c, size_t k, bool paced,
                 uint64_t to, size_t rec, uint64_t at_us);
/* 0, or -ESRCH when the group is not held. A hold whose write is still on
 * the thread pool is released once the write is done. */
int mt__lc_release(struct mt__lc_step *s, const struct mt_lc_member *m, const char *why);
/* WRITTEN: a hold's write finished. */
void mt__lc_on_written(struct mt__lc_step *s, const struct mt_lc_event *ev);
/* TICK, per member: a calm hold ends. */
void mt__lc_on_tick_hold(struct mt__lc_step *s, const struct mt_lc_member *m);

/* lib/lifecycle_kill.c. A decision's (measure false) or a policy's kill of
 * m, decision record rec, snapshot candidate k; nothing when one is under
 * way already. */
void mt__lc_kill_start(struct mt__lc_step *s, const struct mt_lc_member *m, size_t rec, size_t k, uint64_t at_us,
                       bool measure);
/* The kill of m ended (record: with a KILL_DONE record). */
void mt__lc_kill_over(struct mt__lc_step *s, const struct mt_lc_member *m, bool record, bool removed,
                      uint64_t at_us);
/* TICK, per member: a kill past its timeout is reported stuck, once ... */
void mt__lc_on_tick_kill(struct mt__lc_step *s, const struct mt_lc_member *m);
/* ... and written again every kill timeout. */
void mt__lc_on_tick_retry(struct mt__lc_step *s, const struct mt_lc_member *m);
/* TICK, per member: a hold pushed against too long, without swap room on
 * the node, ends in a "hold-limit" kill. */
void mt__lc_on_tick_push(struct mt__lc_step *s, const struct mt_lc_member *m, const struct mt_node *node);
/* KILLED, KILL_SKIPPED, GRACE_OVER: a kill's outcome and phases. */
void mt__lc_on_killed(struct mt__lc_step *s, const struct mt_lc_event *ev);
void mt__lc_on_kill_skipped(struct mt__lc_step *s, const struct mt_lc_event *ev);
void mt__lc_on_grace_over(struct mt__lc_step *s, const struct mt_lc_event *ev);
/* EVENTS, PRESSURE of a group not gone: kernel OOM kills seen, pushes
 * against a hold, and the policy kills they lead to (own-limit, pressure). */
void mt__lc_on_events(struct mt__lc_step *s, const struct mt_lc_event *ev);
void mt__lc_on_pressure(struct mt__lc_step *s, const struct mt_lc_event *ev);
