/* The plain data one decision is made from: the node's memory figures and,
 * per candidate cgroup, its resolved policy and its memory counters.
 *
 * Who fills what:
 *   - the daemon (issue 6) fills every "input" field from /proc/meminfo,
 *     /proc/pressure/memory, the cgroup's memory.* files and the resolved
 *     policy, and supplies the time as a number (now_ms, a monotonic clock in
 *     milliseconds); nothing in lib/ reads a clock;
 *   - mt_snapshot_compute() fills every "derived" field, as a pure function
 *     of the inputs. `memtriage simulate` reads a snapshot file (see
 *     doc/snapshot-format.md) and calls the same function, so derived values
 *     in a file are never trusted: they are recomputed.
 * All sizes are bytes, all times milliseconds, all rates bytes per second.
 *
 * The node model (why the two deficits are what they are) is documented in
 * doc/selection.md, section "Node model"; in short, with
 *     ram_used  = MemTotal  - MemAvailable   (RAM the kernel cannot reclaim
 *                                             without swapping or killing)
 *     swap_used = SwapTotal - SwapFree
 *     commit    = ram_used + swap_used        (memory that needs a home)
 *     bound     = MemTotal + SwapTotal - ram_reserve - swap_reserve
 *     swap_deficit = max(0, swap_reserve - SwapFree)
 *     ram_over     = max(0, ram_reserve - MemAvailable)
 *     swap_room    = max(0, SwapFree - swap_reserve)
 *     ram_deficit  = max(0, ram_over - swap_room)
 * and a set of kills freeing R bytes of RAM and S bytes of swap covers the
 * deficits exactly when
 *     S >= swap_deficit   and   R + S >= ram_deficit + swap_deficit
 * (freed swap beyond the swap deficit is room the kernel can swap RAM into).
 *
 * zram swap (doc/selection.md, "zram") keeps swapped pages in RAM,
 * compressed at a ratio r, its pool already inside ram_used: a byte moved
 * into zram frees only f = 1 - 1/r bytes of RAM. So zram swap counts at f:
 *     commit = ram_used + disk swap used + zram swap used * f
 *     bound  = MemTotal + disk SwapTotal + zram capacity * f - reserve
 *     ram_deficit = max(0, ram_over - (disk room + zram room * f))
 * and swap_deficit is unchanged. With no zram swap every figure is as above.
 * Until zram holds MT_ZRAM_MEASURE_MIN, r is MT_ZRAM_ASSUMED_RATIO.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "response.h"

/* "Never" for eta_ms and for unset limits (memory.high/max "max"). */
#define MT_NEVER UINT64_MAX
#define MT_UNLIMITED UINT64_MAX

struct mt_node {
	/* inputs */
	uint64_t now_ms;          /* daemon-supplied monotonic time */
	uint64_t mem_total;       /* /proc/meminfo MemTotal */
	uint64_t mem_available;   /* /proc/meminfo MemAvailable */
	uint64_t swap_total;      /* /proc/meminfo SwapTotal */
	uint64_t swap_free;       /* /proc/meminfo SwapFree */
	uint64_t ram_reserve;     /* RAM kept free for the kernel and page cache */
	uint64_t swap_reserve;    /* swap kept free (0 when there is no swap) */
	double psi_some_avg10;    /* /proc/pressure/memory, percent */
	double psi_full_avg10;
	int64_t growth_rate;      /* d(commit)/dt, bytes/s, from the daemon's history */
	uint64_t eta_ms;          /* projected time until commit crosses the bound,
	                           * MT_NEVER when not growing (daemon-computed) */

	/* zram swap (inputs), summed over the swap devices that are zram
	 * (/proc/swaps Filename /dev/zram<N>); all 0 when none is. */
	uint64_t zram_swap_total;        /* /proc/swaps Size */
	uint64_t zram_swap_free;         /* /proc/swaps Size - Used */
	uint64_t zram_orig_data_size;    /* mm_stat orig_data_size */
	uint64_t zram_mem_used_total;    /* mm_stat mem_used_total (RAM the pools hold) */
	uint64_t zram_limited_swap_free; /* the part of zram_swap_free on devices
	                                  * whose mm_stat mem_limit is set */
	uint64_t zram_limit_room;        /* sum over those devices of
	                                  * max(0, mem_limit - mem_used_total) */

	/* derived by mt_snapshot_compute() */
	uint64_t reserve;         /* ram_reserve + swap_reserve */
	uint64_t bound;           /* mem_total + swap_total - reserve (0 if negative) */
	uint64_t commit;          /* (mem_total - mem_available) + (swap_total - swap_free) */
	uint64_t headroom;        /* max(0, bound - commit) */
	uint64_t ram_deficit;
	uint64_t swap_deficit;
	uint64_t swap_room;       /* effective free swap beyond swap_reserve, in
	                           * RAM bytes: disk room + zram room * f */
	bool zram_ratio_measured; /* r measured from mm_stat (orig_data_size >=
	                           * MT_ZRAM_MEASURE_MIN), else MT_ZRAM_ASSUMED_RATIO */
	double zram_ratio;        /* r in use (for display; the arithmetic is exact
	                           * in integers): orig_data_size / mem_used_total,
	                           * or the assumed ratio; 0 with no zram swap */
	uint64_t zram_capacity;   /* zram swap bytes the devices can hold:
	                           * zram_swap_total, less what mem_limit forbids */
	bool swap_has_room;       /* swap_room > max(0, ram_reserve - mem_available):
	                           * room is left in swap after the RAM already short
	                           * of its reserve is counted against it. While true a
	                           * grower held by memory.high goes on into swap (the
	                           * room it pays for), so pushing against the hold is
	                           * not a reason to kill and tightening moves more of
	                           * it out of RAM; false with no swap at all. */
	bool ram_near_reserve;    /* mem_available <= 2 * ram_reserve: RAM within one
	                           * reserve of its reserve (the reserve is the
	                           * operator's margin, as for headroom <= reserve).
	                           * With swap_has_room it is when the grower is held,
	                           * so that the kernel reclaims the grower's pages
	                           * into swap rather than the bystanders' (doc/
	                           * selection.md, "Throttling"). */
};

/* Below this much data in zram the ratio is not measured but assumed
 * (MT_ZRAM_ASSUMED_RATIO). 8 MiB (2048 pages), not 1: the first pages the
 * kernel's own reclaim moves are every process's odd ones, and they read
 * as incompressible -- measured in the guest (swap-room-zram-kill, all
 * containers' pages compressible): r = 1.09 at 1.1 MiB stored, 2.87 at
 * 6 MiB. 8 MiB is 80 ms of reclaim at 100 MiB/s, within a look; while
 * below it an overstated room costs at most 8 MiB * (1 - 1/2) = 4 MiB of
 * RAM (incompressible data stored at the prior), inside any reserve. */
#define MT_ZRAM_MEASURE_MIN (UINT64_C(8) << 20)

/* The ratio assumed while unmeasured: 2, f = 1/2 -- the low end of what
 * zram's compressors (lzo-rle, zstd) get on anonymous memory (2-4). Why
 * not 1 (f = 0, zram counted as no room until measured, the old rule):
 * that was never corrected, since the daemon then kills before the kernel
 * ever swaps, so the ratio is never measured (leaker killed at 126-148
 * MiB with ~280 MiB of zram room unused, issue 16). An overstated room is
 * bounded: as RAM nears its reserve the grower is held at memory.high
 * (ram_near_reserve, swap_has_room), so its own pages are the first to go
 * to zram, and MT_ZRAM_MEASURE_MIN stored measures it within a look; with
 * incompressible data f then drops to ~0, the room with it, and the RAM
 * deficit turns into a kill at that look (doc/selection.md, "zram"). */
#define MT_ZRAM_ASSUMED_RATIO 2

/* memory.stat fields (cgroup-v2.rst) and the limit files, in bytes. */
struct mt_candidate_mem {
	uint64_t anon;
	uint64_t shmem;
	uint64_t file;
	uint64_t file_dirty;
	uint64_t file_writeback;
	uint64_t kernel;             /* includes kernel_stack, pagetables, percpu,
	                              * vmalloc and both slab kinds */
	uint64_t kernel_stack;
	uint64_t pagetables;
	uint64_t percpu;
	uint64_t sock;               /* not part of `kernel` */
	uint64_t slab_reclaimable;
	uint64_t slab_unreclaimable;
	uint64_t unevictable;        /* overlaps anon and file (mlocked pages) */
	uint64_t swap_current;       /* memory.swap.current */
	uint64_t current;            /* memory.current */
	uint64_t high;               /* memory.high, MT_UNLIMITED for "max" */
	uint64_t max;                /* memory.max, MT_UNLIMITED for "max" */
};

/* Why a candidate may not be killed / throttled; a bit set, 0 = eligible. */
enum mt_inelig {
	MT_INELIG_PROTECTED        = 1 << 0, /* policy: protected */
	MT_INELIG_RESPONSE         = 1 << 1, /* policy response forbids the action */
	MT_INELIG_KILL_PENDING     = 1 << 2, /* killed within kill_grace_ms: its frees are
	                                      * credited to the deficit, not killed again */
	MT_INELIG_KILL_STUCK       = 1 << 3, /* killed longer than kill_grace_ms ago and
	                                      * still there: killing again frees nothing */
	MT_INELIG_NOTHING_TO_FREE  = 1 << 4, /* frees nothing toward the current deficits */
	MT_INELIG_NOT_GROWING      = 1 << 5, /* throttle only: growth_rate <= 0 */
	MT_INELIG_ALREADY_HELD     = 1 << 6, /* throttle only: memory.high already at or
	                                      * below the value we would set */
	MT_INELIG_KILL_FAILED      = 1 << 7, /* kill only: its last kill failed and its
	                                      * back-off runs (lib/act.h) */
	MT_INELIG_EMPTY            = 1 << 8, /* no process in its subtree (cgroup.events
	                                      * populated 0): a kill frees nothing a
	                                      * process holds, and a throttle holds none */
};

struct mt_candidate {
	/* identity (inputs; strings owned by the snapshot, k8s ones may be NULL) */
	char *path;                  /* relative to the cgroup2 mount, no leading '/' */
	char *k8s_namespace;
	char *k8s_pod;
	char *k8s_container;

	/* resolved policy (inputs) */
	char *policy;                /* name of the policy that matched */
	uint32_t priority;           /* 0..MT_PRIORITY_MAX; higher = more valuable */
	bool protected_;             /* never throttle, never kill */
	enum mt_response response;
	uint64_t throttle_floor;     /* never set memory.high below this */
	uint64_t throttle_step;      /* tighten memory.high by this per decision */
	uint64_t kill_grace_ms;      /* how long a kill may take before it is "stuck" */

	/* measurements (inputs) */
	struct mt_candidate_mem mem;
	int64_t growth_rate;         /* d(memory.current + swap)/dt, bytes/s */
	bool growth_known;           /* growth_rate comes from at least two samples;
	                              * false: not yet sampled, which is not "not
	                              * growing" (issue 16) */
	uint64_t age_ms;             /* time since the cgroup appeared */
	bool kill_in_flight;         /* cgroup.kill written, cgroup still populated */
	uint64_t kill_started_ms;    /* now_ms clock value of that write */
	bool shmem_survives;         /* its shmem lives on after a kill (tmpfs volume,
	                              * pod-level /dev/shm): do not count it as freed */
	bool kill_failed;            /* its last kill failed; not chosen again until
	                              * the daemon's back-off ends */
	bool unpopulated;            /* cgroup.events populated 0 */
	bool held;                   /* a hold of ours is on (the lifecycle's) */
	uint64_t hold_high;          /* while held: the memory.high it began with */
	uint64_t hold_swap;          /* while held: memory.swap.current when it began */

	/* derived by mt_snapshot_compute() */
	uint64_t frees_ram;          /* see mt_candidate_frees() */
	uint64_t frees_swap;
	uint64_t cost;               /* see mt_candidate_cost() */
	uint32_t kill_inelig;        /* enum mt_inelig bits for killing */
	uint32_t throttle_inelig;    /* enum mt_inelig bits for throttling */
};

/* Priorities are bounded so that costs and their sums stay exact in 64 bits
 * for any number of candidates a node can hold. */
#define MT_PRIORITY_MAX 1000000u

/* Node totals above 4 PiB are rejected as impossible: it keeps every product
 * the selection compares exact in 128-bit integers. */
#define MT_BYTES_MAX (UINT64_C(1) << 52)

struct mt_snapshot {
	struct mt_node node;
	struct mt_candidate *candidates; /* owned; n_candidates entries */
	size_t n_candidates;
};

/* Fills node->reserve, bound, commit, headroom, ram_deficit, swap_deficit,
 * swap_room and the zram figures from the node's inputs. Pure. Returns 0, or
 * -EINVAL when an input is impossible (mem_available > mem_total, swap_free >
 * swap_total, a total above MT_BYTES_MAX, a reserve above its total,
 * zram_swap_total > swap_total, zram_swap_free > zram_swap_total or >
 * swap_free, disk free swap (swap_free - zram_swap_free) above disk swap
 * (swap_total - zram_swap_total), zram_limited_swap_free > zram_swap_free, zram_mem_used_total >
 * mem_total, zram_orig_data_size or zram_limit_room above MT_BYTES_MAX). */
int mt_node_compute(struct mt_node *node);

/* The RAM zram's pool holds for `swapped` bytes stored in it: swapped x
 * mem_used_total / orig_data_size once the ratio is measured, swapped /
 * MT_ZRAM_ASSUMED_RATIO before; 0 with no zram swap. Rounded up (a byte of
 * pool is RAM). The pool is RAM no cgroup is charged for (memcg does not
 * charge zram on the 6.1 kernel), so a held grower's swap-out into zram
 * takes it from the node: the selection charges it back to the grower's
 * hold (select.h, "pool rule"). Pure; node as filled by mt_node_compute. */
uint64_t mt_node_zram_pool(const struct mt_node *node, uint64_t swapped);

/* The least RAM the pool rule holds a grower of a policy that may kill
 * to (its own page tables, stack and hot pages: below a few MiB it makes
 * no progress at all). The policy's floor does not bound the pool rule
 * there: the grower's RAM plus its pool stays what it was at the hold, so
 * storing r x its held level in zram takes its RAM to 0, and a 50 % floor
 * stopped the bench's leaker at 44-50 % of the swap room (doc/control-law.md,
 * "The pool rule"). Once held there on zram it can pay no more: each page
 * it pushes takes 1/r of a page from the node again, so the push limit
 * applies though swap has room (lifecycle_kill.c). A throttle-only policy
 * (never killed) keeps its floor. */
#define MT_POOL_RAM_MIN (UINT64_C(8) << 20)

/* What killing the group would free, in RAM and in swap (formula and sources
 * in doc/selection.md, "What a kill frees"):
 *   ram  = anon + shmem (unless shmem_survives) + sock
 *        + unreclaimable kernel memory (kernel - slab_reclaimable, or, when
 *          `kernel` is 0 on older kernels, kernel_stack + pagetables + percpu
 *          + slab_unreclaimable)
 *        + max(0, unevictable - anon - shmem)   (mlocked file pages)
 *   swap = swap_current
 * Clean, dirty and writeback page cache are not counted. Pure. */
void mt_candidate_frees(const struct mt_candidate *c, uint64_t *ret_ram, uint64_t *ret_swap);

/* The declared cost of killing the group: priority + 1. Linear so that a
 * policy author can read it: one kill at priority 499 weighs as much as five
 * kills at priority 99; the +1 makes every kill cost something, so that among
 * equally valued sets the one with fewer kills wins. Pure. */
uint64_t mt_candidate_cost(const struct mt_candidate *c);

/* Fills the node's derived fields and every candidate's frees, cost and
 * eligibility bits (kill_inelig, throttle_inelig) for the current deficits.
 * Pure. Returns 0 or -EINVAL (impossible node figures; priority above
 * MT_PRIORITY_MAX; response out of range). */
int mt_snapshot_compute(struct mt_snapshot *s);

/* Frees the candidates and their strings; leaves *s zeroed. NULL-safe. */
void mt_snapshot_free(struct mt_snapshot *s);
