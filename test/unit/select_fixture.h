/* Builders shared by the selection tests and the benchmark: a node with
 * given deficits and candidates whose frees are exactly (ram, swap). */
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"

#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)

/* A node whose RAM is over its reserve by ram_over bytes and whose swap is
 * short of its reserve by swap_short bytes (each may be 0): with swap_short >
 * 0 there is no swap room, so ram_deficit == ram_over. */
static inline void fx_node(struct mt_node *n, uint64_t ram_over, uint64_t swap_short)
{
	memset(n, 0, sizeof(*n));
	n->now_ms = 1000000;
	n->mem_total = 64 * GiB;
	n->ram_reserve = 2 * GiB;
	n->mem_available = n->ram_reserve - ram_over;
	n->swap_total = 16 * GiB;
	n->swap_reserve = 2 * GiB;
	n->swap_free = swap_short ? n->swap_reserve - swap_short : n->swap_reserve;
	n->eta_ms = MT_NEVER;
}

static inline struct mt_candidate *fx_add(struct mt_snapshot *s, const char *path,
					  uint32_t priority, uint64_t ram, uint64_t swap)
{
	struct mt_candidate *c;
	s->candidates = realloc(s->candidates, (s->n_candidates + 1) * sizeof(*c));
	if (!s->candidates)
		abort();
	c = &s->candidates[s->n_candidates++];
	memset(c, 0, sizeof(*c));
	c->path = strdup(path);
	c->policy = strdup("test");
	c->priority = priority;
	c->response = MT_RESPONSE_THROTTLE_THEN_KILL;
	c->kill_grace_ms = 10000;
	c->mem.anon = ram;
	c->mem.swap_current = swap;
	c->mem.current = ram;
	c->mem.high = MT_UNLIMITED;
	c->mem.max = MT_UNLIMITED;
	return c;
}
