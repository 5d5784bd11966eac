/* The lifecycle of a supervised group: where every decision of the daemon is
 * made, as data and one pure function.
 *
 * States (struct mt_lc_group), orthogonal parts:
 *   hold:  watched (held false) -> held at a level (held, level, the limits
 *          saved before the first write) -> watched again on release;
 *          a write on the thread pool is marked write_pending, a release
 *          asked for meanwhile release_pending. A hold is an episode that
 *          ends (policies/README.md, "Every hold ends"): released once the
 *          group stopped pushing (memory.events `high` still) and stayed
 *          below its release PSI for release_after_s, near the bound or
 *          not; or, for a policy that may kill, killed whole ("hold-limit")
 *          once it pushed for throttle.push_limit_s while the node has no
 *          swap room for it.
 *   kill:  none -> TERM (SIGTERM sent, grace running) -> SENT (cgroup.kill
 *          written, waiting for populated 0) -> none (done, failed, gone).
 *   gone:  the group's directory was removed or it is no longer watched.
 *   Dry-run shadows: shadow_level (the hold a dry run pretended, said once
 *   per value) and shadow_kill_until_ms (a pretended kill counts as in
 *   flight until then, so a dry run records one kill per deficit).
 *   Escalation window (policy.escalate) and pressure streak
 *   (policy.pressure) are kept per group too.
 *
 * mt_lc_step(): (states, snapshot, events since the last step, clock value,
 * each group's policy) -> (new states, items). Items are ACTIONS for the
 * daemon's actor (write memory.high, restore, SIGTERM with grace,
 * cgroup.kill, measure-then-kill for a policy kill), RECORDS for its
 * recorder (decisions, kill outcomes, kernel OOM kills seen, holds written
 * or pretended) and REQUESTS to its loop (a node-wide decision wanted).
 * No I/O, no clock reads, no logging, no globals; deterministic. Results of
 * actions come back as events of a later step.
 *
 * Return contract: 0, or -ENOMEM (the events before the failing one have
 * taken effect and their items are in the output). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "act.h"
#include "cgroup_events.h"
#include "growth.h"
#include "policy.h"
#include "psi.h"
#include "select.h"
#include "snapshot.h"

#define MT_LC_NONE SIZE_MAX

/* Defaults when a group has no policy (it cannot be held by one; kept for
 * a hold whose group lost its policy): release below 10 % PSI some after
 * 30 s calm, the policies' own defaults (policies/README.md). */
#define MT_LC_RELEASE_PSI_DEFAULT 10.0
#define MT_LC_RELEASE_AFTER_S_DEFAULT 30

/* The kernel signals a PSI trigger at most once per window, and again every
 * window while the stall stays above the threshold; a gap of two windows
 * plus this slack (the trigger's poll period is a tenth of the window; the
 * daemon's loop may be busy) ends a streak. */
#define MT_LC_PRESSURE_GAP_SLACK_MS 500

/* A near-bound decision that only throttles runs at most this often to
 * find new growers to hold; a deficit is decided on at every tick. A held
 * group whose level may be tightened (swap has room) asks for one every
 * policy throttle.interval_ms, which the parser keeps >= 100 ms. */
#define MT_LC_THROTTLE_DECISION_MS 500

/* The near-bound decision's pace while a held group pays for its zram pool
 * (lib/select.c, the pool rule): the pool it takes between two decisions is
 * RAM the node lends it. Measured in the guest (bench zram slice, 150
 * MiB/s, compressible pages): a held leaker swaps ~50 MiB/s at r ~ 1.75,
 * ~30 MiB/s of pool; 250 ms lent <= ~8 MiB, a third of the guest's 24 MiB
 * RAM reserve, and the kernel still reclaimed bystanders between payments
 * (vm swap-room-zram-defaults failed 2 of 6 and once in CI: 32-75 MiB of
 * theirs swapped). At 100 ms (<= ~3 MiB lent) it passed 9 of 10, and the
 * zram bench used 96-98 % of the room in 5 of 5 (doc/comparison.md,
 * session 6). */
#define MT_LC_POOL_DECISION_MS 100

/* Pushing against a hold: the held group's memory.events `high` count
 * rose. A task over memory.high is reclaimed and then made to sleep on
 * its return to user space, at most 2 s per return (the kernel's
 * MEMCG_MAX_HIGH_DELAY_JIFFIES), then charges again: a group still
 * pushing raises `high` at least every 2 s. A gap of 2.5 s (plus the
 * loop's slack) ends a push streak. */
#define MT_LC_PUSH_GAP_MS 2500

enum mt_lc_kill_phase {
	MT_LC_KILL_NONE,
	MT_LC_KILL_TERM,  /* SIGTERM sent, grace timer running */
	MT_LC_KILL_SENT,  /* cgroup.kill written (or being written), until populated 0 */
};

/* One group's state: zero-initialised for a new group, written only by
 * mt_lc_step(). */
struct mt_lc_group {
	bool gone;

	/* hold */
	bool held;                 /* memory.high is ours */
	bool write_pending;        /* a memory.high write is on the thread pool */
	bool release_pending;      /* release once that write is done */
	const char *release_why;   /* ... saying why (static text) */
	uint64_t level;            /* memory.high we wrote */
	uint64_t prev_level;       /* the level before the write in flight */
	bool write_first;          /* the write in flight begins the hold */
	uint64_t saved_high;       /* memory.high before the first write */
	uint64_t base;             /* memory.current + swap when the hold began */
	uint64_t base_level;       /* the level the hold began with */
	uint64_t base_swap;        /* memory.swap.current when the hold began */
	uint64_t calm_since_ms;    /* 0 = not calm */
	uint64_t level_ms;         /* when `level` was chosen (throttle.interval_ms) */
	bool push_streak;          /* memory.events `high` rose while held ... */
	uint64_t push_since_ms;    /* ... continuously since (gaps < MT_LC_PUSH_GAP_MS) */
	uint64_t push_last_ms;     /* ... last */
	uint64_t shadow_level;     /* dry run: the hold last pretended */
	/* An operator released it: held again only once it has grown past its
	 * size (memory.current + swap) at the first decision after, by more
	 * than MT_USAGE_NOISE_BYTES. The growth figure a decision reads
	 * spans seconds, so without this a group whose leak had stopped was
	 * held again 40 ms after `memtriage release` (vm
	 * daemon-throttle-swap in CI). */
	bool operator_released;
	uint64_t released_size;    /* that size; 0 = not yet seen */

	/* kill */
	enum mt_lc_kill_phase kill;
	uint64_t kill_started_ms;  /* also for a pretended kill */
	bool kill_stuck_reported;
	uint64_t kill_retried_ms;  /* a stuck kill's last retry */
	unsigned kill_failures;    /* consecutive failed kills */
	uint64_t kill_backoff_until_ms; /* not chosen for a kill before (lib/act.h) */
	uint64_t shadow_kill_until_ms;
	/* a kernel OOM kill seen in memory.events (oom_kill rose): credited
	 * like a kill of ours in flight until its memory is back */
	uint64_t oom_seen_ms;
	uint64_t oom_credit_until_ms; /* 0: none */

	/* policy.escalate window */
	bool esc_armed;
	uint64_t esc_window_start_ms;
	uint64_t esc_base;

	/* policy.pressure streak */
	uint64_t pressure_since_ms; /* beyond tolerance since (0: not) */
	uint64_t pressure_last_ms;  /* the trigger's last signal */
};

/* When the next TICK is due (out->next_tick_ms). The daemon looks at the
 * node at lib/cadence.h's pace (half the time a leak at the worst-case
 * fault-in rate needs to cross, 10 ms - 1 s) and posts a TICK at once when a
 * look finds a deficit, so a TICK paces only what else a step does: on a
 * deficit the cadence's look (10 ms); in danger (mt_lc_node_danger: the
 * bound near, projected-exhaustion decisions every 500 ms, holds checked)
 * the look, but no sooner than MT_LC_TICK_NEAR_MS; otherwise
 * MT_LC_TICK_MAX_MS, the idle pace (a TICK's members were once every
 * watched group: under TCG with 1,000 of them, at every 25 ms look, 39 per
 * mille of a vCPU against 6 at 1 s; the daemon now gives it only the
 * groups with a state). */
#define MT_LC_TICK_MAX_MS 1000
#define MT_LC_TICK_NEAR_MS 100

/* How long a kernel OOM kill inside a group is credited (its frees count
 * toward the deficit, it is not chosen): until its memory is back, which
 * the measured exits bound (doc/control-law.md, "Kill-time growth
 * allowance": populated 0 within 0.57 s for 400 MiB in RAM, 1.5 s half in
 * zram), or populated 0 if sooner; never beyond the kill timeout. The
 * window, not the group's figures, ends it: the OOM killer takes one
 * process, and what its survivors hold is a deficit again once the victim
 * has exited. */
#define MT_LC_OOM_CREDIT_MS 2000

/* The node's own state: when to decide. Zero-initialised, written only by
 * mt_lc_step(). */
struct mt_lc_node {
	uint64_t last_throttle_decision_ms;
	bool noop_kept;  /* a no-op decision asked to be kept (record_noop) was
	                  * kept since the last decision that changed something:
	                  * the next ones are only counted */
};

/* A group as one step sees it. */
struct mt_lc_member {
	struct mt_lc_group *g;           /* updated in place */
	const struct mt_policy *policy;  /* resolved now; NULL = none (never acted on) */
	void *ud;                        /* the caller's, handed back in items */
	/* TICK only, when mt_lc_wants_psi(): memory.pressure some avg10 (percent) */
	bool psi_valid;
	double psi_some_avg10;
};

/* The result of a memory.high write. */
struct mt_lc_write {
	int r;                     /* memory.high: 0 or a negative errno */
	uint64_t level;            /* memory.high written */
	uint64_t write_ms;         /* from queueing to done */
	bool refused;              /* not written at all (the hold file could not
	                            * record it): the hold is as before */
};

enum mt_lc_event_kind {
	MT_LC_EV_DECIDE,       /* a node-wide decision on in->snapshot */
	MT_LC_EV_TICK,         /* the node timer: whether to decide; stuck kills, calm holds
	                        * of in->members */
	MT_LC_EV_SHUTDOWN,     /* release every hold of in->members */
	MT_LC_EV_CANDIDACY,    /* m became (on) or stopped being (!on) a candidate */
	MT_LC_EV_EVENTS,       /* m's memory.events moved from old to now */
	MT_LC_EV_PRESSURE,     /* m's PSI trigger signalled */
	MT_LC_EV_POPULATED,    /* m's cgroup.events read (populated) */
	MT_LC_EV_GONE,         /* m removed (removed) or no longer watched */
	MT_LC_EV_WRITTEN,      /* m's memory.high write finished (write) */
	MT_LC_EV_KILLED,       /* cgroup.kill of m done: r (gone counts as done) */
	MT_LC_EV_KILL_SKIPPED, /* a measured kill of m found nothing to kill */
	MT_LC_EV_GRACE_OVER,   /* m's SIGTERM grace timer fired */
	MT_LC_EV_RELEASE,      /* an operator asked to release m */
};

struct mt_lc_event {
	enum mt_lc_event_kind kind;
	struct mt_lc_member m;      /* all but DECIDE, TICK, SHUTDOWN */
	uint64_t at_us;             /* when the notification arrived (0: none) */
	union {
		/* record_noop: keep the record of a decision that changes
		 * nothing, once per run of such decisions (a notification that
		 * should be explained, e.g. the node PSI trigger) */
		struct { const char *trigger, *detail; bool record_noop; } decide;
		struct {
			struct mt_node node;  /* computed (mt_node_compute) */
			uint64_t eta_us;      /* to exhaustion (lib/growth.h), MT_GROWTH_NEVER
			                       * when not growing */
			uint64_t fault_rate;  /* worst-case fault-in rate, bytes/s (lib/cadence.h);
			                       * 0: MT_FAULT_RATE_DEFAULT */
		} tick;
		struct { bool on; } candidacy;
		struct { struct mt_memory_events old, now; } events;
		struct { enum mt_psi_kind kind; } pressure;
		struct { bool populated; } populated;
		struct { bool removed; } gone;
		struct mt_lc_write write;
		struct { int r; } killed;
	};
};

enum mt_lc_item_kind {
	/* actions (the actor) */
	MT_LC_HOLD,          /* hold.level to memory.high on the thread pool (never
	                      * memory.swap.high: the held grower goes on into swap) */
	MT_LC_RESTORE,       /* restore.* back, inline (raising reclaims nothing) */
	MT_LC_TERM,          /* SIGTERM to the group, grace timer of kill.grace_ms,
	                      * watch populated */
	MT_LC_KILL,          /* cgroup.kill, then watch populated */
	MT_LC_KILL_OVER,     /* the kill ended: stop its grace timer and populated watch */
	MT_LC_FORGET,        /* the group is gone: drop the actor's handles */
	/* records (the recorder) */
	MT_LC_DECISION,      /* a node-wide decision: out->decision on in->snapshot */
	MT_LC_POLICY_KILL,   /* own-limit or pressure kill of one group */
	MT_LC_KILL_DONE,     /* populated 0 or removed */
	MT_LC_KILL_FAILED,
	MT_LC_KILL_GONE,     /* the group vanished before cgroup.kill: nothing was killed */
	MT_LC_KILL_STUCK,
	MT_LC_OOM_SEEN,      /* the kernel's OOM killer struck inside the group */
	MT_LC_HOLD_WRITTEN,  /* a hold's write finished */
	MT_LC_HOLD_SHADOW,   /* dry run: a hold pretended */
	MT_LC_KILL_SHADOW,   /* dry run: a kill pretended (after its measuring action,
	                      * for a policy kill: nothing when that was skipped) */
	/* requests (the loop) */
	MT_LC_WANT_DECISION, /* run a node-wide decision (trigger; detail: m's group, if any) */
};

struct mt_lc_item {
	enum mt_lc_item_kind kind;
	struct mt_lc_member m;      /* not for DECISION */
	uint64_t at_us;             /* the notification that led to it (0: none) */
	size_t record;              /* an action: the item index of its record (MT_LC_NONE) */
	size_t snap_index;          /* the snapshot candidate it concerns (MT_LC_NONE) */
	const char *trigger;        /* DECISION, POLICY_KILL, WANT_DECISION: static text */
	const char *detail;         /* DECISION: the event's detail (may be NULL) */
	const char *why;            /* RESTORE: "calm", "operator", "deferred", "shutdown",
	                             * "protected", "not-a-candidate", "killed" (its kill
	                             * completed) */
	bool keep;                  /* DECISION: a record is kept (else only counted): it
	                             * held or killed something, or asked to be kept
	                             * (record_noop) and none like it was since */
	bool measure;               /* TERM, KILL of a policy kill: read the group's
	                             * figures and populated first; nothing to kill:
	                             * skip and report KILL_SKIPPED; dry: measure only */
	bool dry;                   /* POLICY_KILL, TERM/KILL with measure: pretended */
	bool retry;                 /* KILL: a stuck kill written again */
	union {
		struct { uint64_t level; bool first; } hold;
		struct { uint64_t saved_high; } restore;
		struct { uint32_t grace_ms; } kill;
		struct { uint64_t took_ms; bool removed; } done;
		struct { int error; uint64_t backoff_ms; } failed;
		struct { uint64_t after_ms; } stuck;
		struct { uint64_t total, new_kills; } oom;
		struct mt_lc_write written;
		struct {            /* POLICY_KILL */
			bool pressure;                   /* else own-limit */
			enum mt_max_counter counter;
			uint64_t increments;
			uint32_t count, window_s;
			enum mt_psi_kind psi_kind;
			double percent;
			uint32_t window_ms, sustain_s;
			uint64_t stalled_ms;
			bool held;
			bool hold_limit;                 /* "hold-limit": pushed too long */
			uint64_t pushed_ms;              /* pushing against the hold for */
			uint32_t push_limit_s;
		} why_kill;
	};
};

struct mt_lc_input {
	uint64_t now_ms;                  /* the monotonic clock, passed in */
	bool dry_run;
	bool stopping;                    /* shutting down: a finished write is undone */
	uint64_t kill_timeout_ms;         /* plus the policy's grace: a kill is stuck after */
	struct mt_lc_node *node;          /* TICK: updated in place */
	const struct mt_snapshot *snapshot;    /* computed; for DECIDE */
	const struct mt_lc_member *snap_members; /* by snapshot candidate index */
	const struct mt_lc_member *members;    /* TICK, SHUTDOWN: groups with a state */
	size_t n_members;
	const struct mt_lc_event *events;
	size_t n_events;
};

/* Reused across steps: mt_lc_step() resets it first. */
struct mt_lc_output {
	struct mt_lc_item *items;
	size_t n_items, cap_items;
	bool decided;                /* a DECIDE ran: decision is set */
	struct mt_decision decision; /* the last DECIDE's, owned */
	int release_reply;           /* RELEASE: 0, or -ESRCH when not held */
	uint64_t next_tick_ms;       /* TICK: when to look at the node again */
};

int mt_lc_step(const struct mt_lc_input *in, struct mt_lc_output *out);
void mt_lc_output_free(struct mt_lc_output *out);

/* A kill of the group is under way, or in a dry run pretended to be: no
 * other decision may choose it. */
bool mt_lc_kill_pending(const struct mt_lc_group *g, bool dry_run, uint64_t now_ms);
/* What a snapshot carries for the group's kill credit (struct mt_candidate
 * kill_in_flight, kill_started_ms): our kill pending, or else a kernel OOM
 * kill within MT_LC_OOM_CREDIT_MS, which counts exactly like it. */
void mt_lc_kill_credit(const struct mt_lc_group *g, bool dry_run, uint64_t now_ms, bool *ret_in_flight,
		       uint64_t *ret_started_ms);
/* A kill of the group failed lately: it is not chosen again before its
 * back-off ends (mt_act_kill_backoff_ms). */
bool mt_lc_kill_backing_off(const struct mt_lc_group *g, uint64_t now_ms);
/* Whether the group's stall is beyond its policy's tolerance now. */
bool mt_lc_pressure_beyond(const struct mt_lc_group *g, const struct mt_policy *p, uint64_t now_ms);
/* TICK: whether the node is in danger (a deficit, or the bound near:
 * mt_select_throttle_due): decisions are due. */
bool mt_lc_node_danger(const struct mt_node *n);
/* Whether a held group is pushing against its hold now (see
 * MT_LC_PUSH_GAP_MS): it is not calm then. */
bool mt_lc_pushing(const struct mt_lc_group *g, uint64_t now_ms);
/* The growth a decision is to see for a group: what was measured, but
 * at least the least growth that counts (MT_USAGE_NOISE_BPS) while it is
 * held and pushing against its hold -- the hold hides its figure's rise,
 * not its demand. Without it a held leaker read 0 at the deficit beside
 * steady bystanders of equal cost, and a bystander was killed (sweep,
 * 1,000 extra cgroups, 50 MiB/s, the defaults). */
int64_t mt_lc_growth_seen(const struct mt_lc_group *g, uint64_t now_ms, int64_t measured);
/* TICK: whether the step will look at the group's memory.pressure (near
 * the bound or not: a hold ends there too). */
bool mt_lc_wants_psi(const struct mt_lc_group *g, const struct mt_policy *p, uint64_t now_ms);
/* Whether TICK or SHUTDOWN has anything to do with the group. */
bool mt_lc_active(const struct mt_lc_group *g);
/* The usage a policy's throttle floor and step resolve against: the usage
 * when the hold began while held, else `current`. */
uint64_t mt_lc_throttle_usage(const struct mt_lc_group *g, uint64_t current);
/* While held: true, with the level the hold began with and the group's
 * memory.swap.current then (the snapshot's mt_candidate.hold_*: the
 * selection charges a held grower for the zram pool its swap-out has added
 * since). Not held: false, both 0. */
bool mt_lc_hold_start(const struct mt_lc_group *g, uint64_t *ret_level, uint64_t *ret_swap);
