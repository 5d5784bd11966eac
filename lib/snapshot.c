#include "snapshot.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint64_t sub0(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* x * num / den rounded down, saturated; den > 0. */
static uint64_t mul_div(uint64_t x, uint64_t num, uint64_t den)
{
	unsigned __int128 p = (unsigned __int128)x * num / den;
	return p > UINT64_MAX ? UINT64_MAX : (uint64_t)p;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static bool zram_inputs_valid(const struct mt_node *n)
{
	return n->zram_swap_total <= n->swap_total && n->zram_swap_free <= n->zram_swap_total &&
	       n->zram_swap_free <= n->swap_free && n->zram_limited_swap_free <= n->zram_swap_free &&
	       n->swap_free - n->zram_swap_free <= n->swap_total - n->zram_swap_total &&
	       n->zram_mem_used_total <= n->mem_total && n->zram_orig_data_size <= MT_BYTES_MAX &&
	       n->zram_limit_room <= MT_BYTES_MAX;
}

/* r = orig / pool: measured once zram holds MT_ZRAM_MEASURE_MIN, else the
 * assumed MT_ZRAM_ASSUMED_RATIO (orig:pool as r:1). */
static void zram_ratio_parts(const struct mt_node *n, uint64_t *orig, uint64_t *pool)
{
	*orig = n->zram_ratio_measured ? n->zram_orig_data_size : MT_ZRAM_ASSUMED_RATIO;
	*pool = n->zram_ratio_measured ? n->zram_mem_used_total : 1;
}

uint64_t mt_node_zram_pool(const struct mt_node *n, uint64_t swapped)
{
	if (n->zram_swap_total == 0)
		return 0;
	uint64_t orig, pool;
	zram_ratio_parts(n, &orig, &pool);
	unsigned __int128 p = ((unsigned __int128)swapped * pool + orig - 1) / orig;
	return p > UINT64_MAX ? UINT64_MAX : (uint64_t)p;
}

int mt_node_compute(struct mt_node *n)
{
	if (n->mem_available > n->mem_total || n->swap_free > n->swap_total ||
	    n->mem_total > MT_BYTES_MAX || n->swap_total > MT_BYTES_MAX ||
	    n->ram_reserve > n->mem_total || n->swap_reserve > n->swap_total || !zram_inputs_valid(n))
		return -EINVAL;

	/* f = num / den, the RAM one byte moved into zram saves (1 - 1/r,
	 * r = orig / pool). Measured once zram holds MT_ZRAM_MEASURE_MIN;
	 * r <= 1 (incompressible data plus allocator overhead) gives f = 0.
	 * Unmeasured: r = MT_ZRAM_ASSUMED_RATIO, as if orig:pool were r:1. */
	n->zram_ratio_measured = n->zram_swap_total > 0 && n->zram_orig_data_size >= MT_ZRAM_MEASURE_MIN;
	uint64_t orig, pool;
	zram_ratio_parts(n, &orig, &pool);
	uint64_t num = sub0(orig, pool), den = orig;
	n->zram_ratio = !n->zram_swap_total ? 0.0 : pool ? (double)orig / (double)pool : INFINITY;

	/* A device's mem_limit caps its pool: limit_room pool bytes hold
	 * limit_room * r swap bytes (all when the pool is empty, r infinite). */
	uint64_t limit_cap = pool ? mul_div(n->zram_limit_room, orig, pool) : UINT64_MAX;
	uint64_t zram_free = (n->zram_swap_free - n->zram_limited_swap_free) +
			     min_u64(n->zram_limited_swap_free, limit_cap);
	uint64_t zram_used = n->zram_swap_total - n->zram_swap_free;
	uint64_t disk_total = n->swap_total - n->zram_swap_total;
	uint64_t disk_used = disk_total - (n->swap_free - n->zram_swap_free);
	n->zram_capacity = zram_used + zram_free;

	n->reserve = add_sat(n->ram_reserve, n->swap_reserve);
	n->bound = sub0(add_sat(add_sat(n->mem_total, disk_total), mul_div(n->zram_capacity, num, den)),
			n->reserve);
	n->commit = (n->mem_total - n->mem_available) + disk_used + mul_div(zram_used, num, den);
	n->headroom = sub0(n->bound, n->commit);
	n->swap_deficit = sub0(n->swap_reserve, n->swap_free);

	/* The swap reserve is kept out of zram's free swap first, disk's after.
	 * So every freed swap byte, disk or zram, counts in full toward the
	 * deficits (zram: f as room, 1/r as pool RAM), which is what the
	 * selection's R + S >= ram_deficit + swap_deficit needs (proof in
	 * doc/selection.md, "zram"); the reserve counts at zram's worth, f. */
	uint64_t room = sub0(n->swap_free, n->swap_reserve);
	uint64_t zram_room = sub0(n->zram_swap_free, n->swap_reserve);
	uint64_t disk_room = room - zram_room;
	n->swap_room = disk_room + mul_div(min_u64(zram_room, zram_free), num, den);
	uint64_t ram_over = sub0(n->ram_reserve, n->mem_available);
	n->ram_deficit = sub0(ram_over, n->swap_room);
	n->swap_has_room = n->swap_room > ram_over;
	n->ram_near_reserve = n->mem_available <= add_sat(n->ram_reserve, n->ram_reserve);
	return 0;
}

void mt_candidate_frees(const struct mt_candidate *c, uint64_t *ret_ram, uint64_t *ret_swap)
{
	const struct mt_candidate_mem *m = &c->mem;
	uint64_t shmem = c->shmem_survives ? 0 : m->shmem;
	uint64_t kernel;

	if (m->kernel > 0)
		kernel = sub0(m->kernel, m->slab_reclaimable);
	else
		kernel = add_sat(add_sat(m->kernel_stack, m->pagetables),
				 add_sat(m->percpu, m->slab_unreclaimable));
	/* unevictable overlaps anon and shmem; only the rest (mlocked
	 * file pages) is added, a lower bound for it. */
	uint64_t mlocked_file = sub0(m->unevictable, add_sat(m->anon, m->shmem));
	uint64_t ram = add_sat(add_sat(m->anon, shmem), add_sat(m->sock, kernel));
	*ret_ram = add_sat(ram, mlocked_file);
	*ret_swap = m->swap_current;
}

uint64_t mt_candidate_cost(const struct mt_candidate *c)
{
	return (uint64_t)c->priority + 1;
}

int mt_snapshot_compute(struct mt_snapshot *s)
{
	struct mt_node *n = &s->node;
	int r = mt_node_compute(n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < s->n_candidates; i++) {
		struct mt_candidate *c = &s->candidates[i];
		uint32_t k = 0, t = 0;

		if (c->priority > MT_PRIORITY_MAX || (unsigned)c->response >= MT_RESPONSE__COUNT)
			return -EINVAL;
		mt_candidate_frees(c, &c->frees_ram, &c->frees_swap);
		c->cost = mt_candidate_cost(c);
		if (c->protected_) {
			k |= MT_INELIG_PROTECTED;
			t |= MT_INELIG_PROTECTED;
		}
		if (!mt_response_may_kill(c->response))
			k |= MT_INELIG_RESPONSE;
		if (!mt_response_may_throttle(c->response))
			t |= MT_INELIG_RESPONSE;
		if (c->kill_in_flight) {
			uint32_t why = sub0(n->now_ms, c->kill_started_ms) <= c->kill_grace_ms
				? MT_INELIG_KILL_PENDING : MT_INELIG_KILL_STUCK;
			k |= why;
			t |= why;
		}
		/* Every freed byte counts toward R + S >= ram + swap deficit,
		 * so only a group that frees nothing can never help. */
		if (c->frees_ram == 0 && c->frees_swap == 0)
			k |= MT_INELIG_NOTHING_TO_FREE;
		if (c->growth_rate <= 0)
			t |= MT_INELIG_NOT_GROWING;
		if (c->kill_failed)
			k |= MT_INELIG_KILL_FAILED;
		if (c->unpopulated) {
			k |= MT_INELIG_EMPTY;
			t |= MT_INELIG_EMPTY;
		}
		c->kill_inelig = k;
		c->throttle_inelig = t;
	}
	return 0;
}

void mt_snapshot_free(struct mt_snapshot *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_candidates; i++) {
		struct mt_candidate *c = &s->candidates[i];
		free(c->path);
		free(c->k8s_namespace);
		free(c->k8s_pod);
		free(c->k8s_container);
		free(c->policy);
	}
	free(s->candidates);
	memset(s, 0, sizeof(*s));
}
