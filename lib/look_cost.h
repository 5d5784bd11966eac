/* What a look costs the daemon, measured by the daemon, and the idle floor
 * it buys: while the node is quiet the looks are spaced so that the
 * daemon's whole idle CPU -- the looks' wakeups, /proc/meminfo reads and
 * everything else it does once a second -- stays within
 * MT_IDLE_BUDGET_PPM of a core, whatever the platform charges for a
 * wakeup. Under TCG a look costs ~0.9 ms of guest CPU (the wakeup alone
 * 0.3-0.6 ms: doc/control-law.md, "Idle"), so a fixed 250 ms floor cost
 * 2.8-2.9 per mille against a 2 per mille budget; natively a look is
 * ~10-25 us and the same budget affords looks 10-25 times closer than
 * 250 ms. The floor's price is one interval of an unseen leak (cadence.h),
 * so the cheaper the look, the smaller the price.
 *
 * Pure: callers pass CLOCK_MONOTONIC microseconds and the process's CPU
 * time (CLOCK_PROCESS_CPUTIME_ID, ns), read once per window. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* The default budget (config `idle_budget_ppm`), 1.5 per mille: the
 * issue's 2 per mille less a margin for the noise of a shared host. The
 * budget can move the floor only within [MT_LOOK_COST_FLOOR_MIN_US,
 * MT_LOOK_COST_FLOOR_MAX_US]. */
#define MT_IDLE_BUDGET_PPM 1500
#define MT_IDLE_BUDGET_PPM_MIN 100
#define MT_IDLE_BUDGET_PPM_MAX 100000
/* One window a second, the median (the lower one of an even count) of the
 * last 8 counts: a window with a decision, a reload or a burst of socket
 * requests costs more than its looks and must not slow the looks for long,
 * and the cheapest is biased low (the least of 8 noisy windows spent 1.9
 * per mille at a 1.5 budget in the guest). */
#define MT_LOOK_COST_WINDOW_US 1000000
#define MT_LOOK_COST_WINDOWS 8
/* The quiet floor stays within [100 ms, 500 ms]: 100 ms, so that a native
 * node wakes at most 10 times a second idle (timer wakeups keep a CPU out
 * of its deep idle states); 500 ms, because a loaded host makes every look
 * dearer exactly when it slows everything else: in the sweep beside a CI
 * run a look cost 1.36 ms, the floor rose to 904 ms, and a 400 MiB/s leak
 * from 432 MiB of headroom crossed unseen (the kernel's OOM killer first).
 * At 500 ms the guest's fastest leak (0.5 GiB/s) eats 250 MiB unseen.
 * Before the first window is measured it is MT_LOOK_COST_FLOOR_START_US,
 * the floor as it was. */
#define MT_LOOK_COST_FLOOR_MIN_US 100000
#define MT_LOOK_COST_FLOOR_MAX_US 500000
#define MT_LOOK_COST_FLOOR_START_US 250000

struct mt_look_cost {
	uint64_t start_us, start_cpu_ns; /* the open window's start */
	unsigned looks;                  /* looks in the open window */
	bool started, clean;             /* clean: every look in it quiet */
	uint64_t per_look_ns[MT_LOOK_COST_WINDOWS]; /* closed windows' CPU per look */
	unsigned n, head;
	uint32_t budget_ppm;             /* idle CPU, parts per million of a core */
};

/* Forgets every window and sets the budget: budget_ppm within
 * [MT_IDLE_BUDGET_PPM_MIN, MT_IDLE_BUDGET_PPM_MAX], or 0 for
 * MT_IDLE_BUDGET_PPM. Before the first call the struct is not usable. */
void mt_look_cost_reset(struct mt_look_cost *c, uint32_t budget_ppm);

/* Counts a look; `quiet` as the look's cadence (a window with a look in
 * the danger band is not an idle window and is not measured). */
void mt_look_cost_count(struct mt_look_cost *c, bool quiet);

/* Whether the open window is due to close at now_us (or none is open). */
bool mt_look_cost_due(const struct mt_look_cost *c, uint64_t now_us);

/* Closes the open window at now_us with the process's CPU time then and
 * opens the next. A clean window with looks keeps its CPU per look. */
void mt_look_cost_close(struct mt_look_cost *c, uint64_t now_us, uint64_t cpu_ns);

/* The kept windows' median CPU per look, ns (0 before any). */
uint64_t mt_look_cost_per_look_ns(const struct mt_look_cost *c);

/* The quiet floor: the kept windows' median CPU per look spread at
 * the budget, within [MT_LOOK_COST_FLOOR_MIN_US,
 * MT_LOOK_COST_FLOOR_MAX_US]; MT_LOOK_COST_FLOOR_START_US before any. */
uint64_t mt_look_cost_floor_us(const struct mt_look_cost *c);
