/* Resolving a candidate's policy fields: the one place where a matched
 * struct mt_policy becomes the plain numbers a decision reads, shared by the
 * daemon and `memtriage simulate --policy-dir`. */
#pragma once

#include <stdint.h>

#include "policy.h"
#include "snapshot.h"

/* A kill whose group is still populated this long after cgroup.kill (plus
 * the policy's SIGTERM grace) is "stuck" and no longer credited: earlyoom
 * waits up to 10 s for a victim, oomd and systemd-oomd 15 s; cgroup.kill of
 * 1,000 tasks takes ~25 ms, so 10 s leaves room for slow exits (mm teardown
 * of many GiB) without hiding a group that will not die. */
#define MT_KILL_TIMEOUT_MS 10000

/* Fills c->policy (a copy of the name), priority, protected_, response,
 * throttle_floor and throttle_step (resolved against c->mem.current, so
 * c->mem must be filled first) and kill_grace_ms (kill_timeout_ms plus the
 * policy's SIGTERM grace). p == NULL means no policy applies: protected,
 * observe only. Replaces any previous c->policy string.
 * Returns 0 or -ENOMEM. */
int mt_candidate_apply_policy(struct mt_candidate *c, const struct mt_policy *p, uint64_t kill_timeout_ms);
