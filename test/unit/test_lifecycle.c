/* lib/lifecycle: every transition, one table row each. A row is a sequence
 * of events on one group; after each, the items the step returned (in
 * order, as short words) and the group's state are compared to the row. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lifecycle.h"
#include "usage_window.h"
#include "select_fixture.h"

enum pol { P_NONE, P_KILL, P_GRACE, P_ESC, P_PSI, P_PSI_HOLD, P_PROT, P_OBSERVE, P_THROTTLE };

static struct mt_policy make_policy(enum pol k)
{
	struct mt_policy p = { .name = (char *)"t", .priority = 10, .response = MT_RESPONSE_THROTTLE_THEN_KILL };
	p.throttle.release_after_s = 2;
	p.throttle.release_psi_some = 10.0;
	p.throttle.interval_ms = 1000;
	p.throttle.push_limit_s = 5;
	switch (k) {
	case P_THROTTLE: p.response = MT_RESPONSE_THROTTLE; break;
	case P_GRACE: p.kill.grace_ms = 500; break;
	case P_ESC:
		p.escalate.set = true;
		p.escalate.counter = MT_MAX_COUNTER_OOM_KILL;
		p.escalate.count = 2;
		p.escalate.window_s = 10;
		break;
	case P_PSI_HOLD: p.response = MT_RESPONSE_THROTTLE; /* fall through */
	case P_PSI:
		p.pressure.set = true;
		p.pressure.some_pct = 50;
		p.pressure.full_pct = -1;
		p.pressure.window_ms = 1000;
		p.pressure.sustain_s = 2;
		break;
	case P_PROT: p.is_protected = true; p.response = MT_RESPONSE_OBSERVE; p.priority = 0; break;
	case P_OBSERVE: p.response = MT_RESPONSE_OBSERVE; break;
	default: break;
	}
	return p;
}

enum ev {
	E_END, E_DECIDE_KILL, E_DECIDE_HOLD, E_DECIDE_GREW, E_DECIDE_CALM, E_DECIDE_TIGHT, E_DECIDE_POOL, E_TICK, E_TICK_ROOM, E_TICK_ZRAM, E_SHUTDOWN, E_CAND,
	E_EVENTS, E_HIGH, E_PSI, E_POP, E_GONE, E_WRITTEN, E_KILLED, E_SKIPPED, E_GRACE, E_RELEASE, E_DRY, E_POLICY,
	E_REFUSED,
};

struct stepdef {
	enum ev ev;
	long arg;            /* see run() */
	uint64_t dt_ms;      /* clock advance before the event */
	const char *items;   /* expected items */
	const char *state;   /* expected state, NULL: not checked */
};

struct row {
	const char *name;
	enum pol policy;
	struct stepdef steps[16];
};

struct world {
	struct mt_lc_group g;
	struct mt_lc_node node;
	struct mt_policy p;
	bool has_policy;
	bool dry, stopping;
	uint64_t now;
	struct mt_memory_events ev;
	struct mt_lc_output out;
	int reply;
};

static void snapshot(struct mt_snapshot *s, enum ev kind)
{
	memset(s, 0, sizeof *s);
	/* a deficit of 256 MiB: the one candidate covers it; near the bound
	 * without a deficit: a grower to hold */
	fx_node(&s->node, kind == E_DECIDE_KILL ? 256 * MiB : 0, 0);
	struct mt_candidate *c = fx_add(s, "app", 10, 1 * GiB, 0);
	c->growth_rate = kind == E_DECIDE_HOLD || kind == E_DECIDE_GREW || kind == E_DECIDE_TIGHT ? 64 * MiB : 0;
	if (kind == E_DECIDE_GREW) /* the grower, 2 MiB larger */
		c->mem.current += 2 * MiB;
	c->throttle_step = 64 * MiB;
	if (kind == E_DECIDE_POOL) {
		/* the same with zram swap: held at its usage with no swap, 256
		 * MiB swapped since at the assumed 2:1 -- 128 MiB of pool to pay */
		c->growth_rate = 64 * MiB;
		s->node.swap_free = s->node.zram_swap_free = s->node.zram_swap_total = s->node.swap_total;
		c->mem.high = 1 * GiB;
		c->mem.swap_current = 256 * MiB;
	}
	if (kind == E_DECIDE_TIGHT) {
		/* RAM near its reserve, swap with room; held at its usage and
		 * still growing: a step lower is due */
		s->node.swap_free = s->node.swap_total;
		c->mem.high = 1 * GiB;
	}
	CHECK_INT(mt_snapshot_compute(s), 0);
}

static const char *kind_word(const struct mt_lc_item *it, char *buf, size_t size)
{
	switch (it->kind) {
	case MT_LC_HOLD: return it->hold.first ? "HOLD1" : "HOLD";
	case MT_LC_RESTORE: snprintf(buf, size, "RESTORE:%s", it->why); return buf;
	case MT_LC_TERM: return it->measure ? "TERMm" : "TERM";
	case MT_LC_KILL: return it->dry ? "KILLd" : it->measure ? "KILLm" : it->retry ? "KILLr" : "KILL";
	case MT_LC_KILL_OVER: return "OVER";
	case MT_LC_FORGET: return "FORGET";
	case MT_LC_DECISION: return it->keep ? "DECISION" : "DECISION-";
	case MT_LC_POLICY_KILL: snprintf(buf, size, "POLICY:%s%s", it->trigger, it->dry ? "-dry" : ""); return buf;
	case MT_LC_KILL_DONE: return it->done.removed ? "DONE-removed" : "DONE";
	case MT_LC_KILL_FAILED: return "FAILED";
	case MT_LC_KILL_GONE: return "GONE";
	case MT_LC_KILL_STUCK: return "STUCK";
	case MT_LC_OOM_SEEN: return "OOM";
	case MT_LC_HOLD_WRITTEN: return "WRITTEN";
	case MT_LC_HOLD_SHADOW: return "SHADOW";
	case MT_LC_KILL_SHADOW: return "SHADOWKILL";
	case MT_LC_WANT_DECISION: return it->trigger[0] == 'c' && it->trigger[1] == 'o' ? "WANT-deficit" : "WANT";
	}
	return "?";
}

static void state_string(const struct mt_lc_group *g, char *buf, size_t size)
{
	static const char *const phase[] = { "none", "term", "sent" };
	snprintf(buf, size, "held=%d wp=%d rp=%d kill=%s gone=%d", g->held, g->write_pending, g->release_pending,
	         phase[g->kill], g->gone);
}

/* Runs one event; returns the items as words separated by spaces. */
static const char *run(struct world *w, const struct stepdef *sd)
{
	static char words[512];
	struct mt_lc_member m = { .g = &w->g, .policy = w->has_policy ? &w->p : NULL };
	struct mt_lc_event e = { .m = m, .at_us = w->now * 1000 };
	struct mt_snapshot snap = { 0 };
	struct mt_lc_input in = { .kill_timeout_ms = 10000, .node = &w->node, .events = &e, .n_events = 1 };
	w->now += sd->dt_ms;
	switch (sd->ev) {
	case E_DECIDE_KILL:
	case E_DECIDE_HOLD:
	case E_DECIDE_GREW:
	case E_DECIDE_CALM:
	case E_DECIDE_TIGHT:
	case E_DECIDE_POOL:
		snapshot(&snap, sd->ev);
		/* as the daemon fills them (decide.c) */
		snap.node.now_ms = w->now;
		mt_lc_kill_credit(&w->g, w->dry, w->now, &snap.candidates[0].kill_in_flight,
				  &snap.candidates[0].kill_started_ms);
		snap.candidates[0].kill_failed = mt_lc_kill_backing_off(&w->g, w->now);
		snap.candidates[0].held = mt_lc_hold_start(&w->g, &snap.candidates[0].hold_high,
							   &snap.candidates[0].hold_swap);
		CHECK_INT(mt_snapshot_compute(&snap), 0);
		in.snapshot = &snap;
		in.snap_members = &m;
		e.kind = MT_LC_EV_DECIDE;
		e.decide.trigger = "test";
		e.decide.record_noop = sd->arg;
		break;
	case E_TICK:
	case E_TICK_ROOM:
	case E_TICK_ZRAM:
		/* arg: PSI some avg10 in percent; < 0: the node near its bound
		 * (no headroom beyond the reserve), else far from it; no swap
		 * room. E_TICK_ROOM: RAM near its reserve, swap with room;
		 * E_TICK_ZRAM: the same, the swap zram. */
		e.kind = MT_LC_EV_TICK;
		fx_node(&e.tick.node, 0, 0);
		if (sd->ev == E_TICK_ZRAM)
			e.tick.node.zram_swap_free = e.tick.node.zram_swap_total = e.tick.node.swap_total;
		if (sd->ev == E_TICK_ROOM || sd->ev == E_TICK_ZRAM)
			e.tick.node.swap_free = e.tick.node.swap_total;
		else if (sd->arg >= 0)
			e.tick.node.mem_available = 32 * GiB;
		CHECK_INT(mt_node_compute(&e.tick.node), 0);
		e.tick.eta_us = MT_GROWTH_NEVER;
		m.psi_valid = mt_lc_wants_psi(&w->g, m.policy, w->now);
		m.psi_some_avg10 = (double)sd->arg;
		in.members = &m;
		in.n_members = 1;
		break;
	case E_SHUTDOWN:
		w->stopping = true;
		e.kind = MT_LC_EV_SHUTDOWN;
		in.members = &m;
		in.n_members = 1;
		break;
	case E_CAND: e.kind = MT_LC_EV_CANDIDACY; e.candidacy.on = sd->arg; break;
	case E_EVENTS:
		/* arg: new oom_kill increments */
		e.kind = MT_LC_EV_EVENTS;
		e.events.old = w->ev;
		w->ev.oom_kill += (uint64_t)sd->arg;
		w->ev.max += 1;
		e.events.now = w->ev;
		break;
	case E_HIGH:
		/* arg: new `high` increments (charged past the hold) */
		e.kind = MT_LC_EV_EVENTS;
		e.events.old = w->ev;
		w->ev.high += (uint64_t)sd->arg;
		e.events.now = w->ev;
		break;
	case E_PSI: e.kind = MT_LC_EV_PRESSURE; e.pressure.kind = MT_PSI_SOME; break;
	case E_POP: e.kind = MT_LC_EV_POPULATED; e.populated.populated = sd->arg; break;
	case E_GONE: e.kind = MT_LC_EV_GONE; e.gone.removed = sd->arg; break;
	case E_WRITTEN:
		/* arg: r of memory.high */
		e.kind = MT_LC_EV_WRITTEN;
		e.write.r = (int)sd->arg;
		break;
	case E_KILLED: e.kind = MT_LC_EV_KILLED; e.killed.r = (int)sd->arg; break;
	case E_REFUSED: /* the hold file could not record it: nothing written */
		e.kind = MT_LC_EV_WRITTEN;
		e.write.r = (int)sd->arg;
		e.write.refused = true;
		break;
	case E_SKIPPED: e.kind = MT_LC_EV_KILL_SKIPPED; break;
	case E_GRACE: e.kind = MT_LC_EV_GRACE_OVER; break;
	case E_RELEASE: e.kind = MT_LC_EV_RELEASE; break;
	case E_DRY: w->dry = sd->arg; return "";
	case E_POLICY: /* a reload: arg is the new policy */
		w->p = make_policy((enum pol)sd->arg);
		w->has_policy = sd->arg != P_NONE;
		return "";
	case E_END: return "";
	}
	in.now_ms = w->now;
	in.dry_run = w->dry;
	in.stopping = w->stopping;
	bool was_active = mt_lc_active(&w->g);
	int r = mt_lc_step(&in, &w->out);
	CHECK_INT(r, 0);
	/* What the daemon's list of groups with a state relies on
	 * (cmd/memtriaged/active.h): a decision that changes whether a group
	 * has one names that group in an item. */
	if (e.kind == MT_LC_EV_DECIDE && mt_lc_active(&w->g) != was_active) {
		bool named = false;
		for (size_t i = 0; i < w->out.n_items; i++)
			named |= w->out.items[i].m.g == &w->g;
		CHECK(named);
	}
	w->reply = w->out.release_reply;
	words[0] = '\0';
	size_t n = 0;
	for (size_t i = 0; i < w->out.n_items; i++) {
		char buf[64];
		n += (size_t)snprintf(words + n, sizeof words - n, "%s%s", i ? " " : "",
		                      kind_word(&w->out.items[i], buf, sizeof buf));
	}
	mt_snapshot_free(&snap);
	return words;
}

static const struct row rows[] = {
	/* --- holds --- */
	{ "hold: first step saves limits, write, calm release", P_KILL, {
		{ E_DECIDE_HOLD, 0, 0, "DECISION HOLD1", "held=1 wp=1 rp=0 kill=none gone=0" },
		/* one write at a time: nothing changed, only counted */
		{ E_DECIDE_HOLD, 0, 100, "DECISION-", "held=1 wp=1 rp=0 kill=none gone=0" },
		{ E_WRITTEN, 0, 0, "WRITTEN", "held=1 wp=0 rp=0 kill=none gone=0" },
		{ E_DECIDE_HOLD, 0, 100, "DECISION-", NULL }, /* the same value: already written */
		{ E_TICK, 20, 100, "", NULL },   /* PSI above release_psi_some: not calm */
		{ E_TICK, 1, 100, "", NULL },    /* calm from now */
		{ E_TICK, 1, 1000, "", NULL },
		{ E_TICK, 1, 1000, "RESTORE:calm", "held=0 wp=0 rp=0 kill=none gone=0" },
		{ E_TICK, 1, 5000, "", NULL },
	} },
	{ "hold: pushing resets calm; near the bound, a hold that stopped pushing ends", P_KILL, {
		{ E_DECIDE_HOLD, 0, 0, "DECISION HOLD1", NULL },
		{ E_WRITTEN, 0, 0, "WRITTEN", NULL },
		{ E_TICK, -1, 0, "WANT", NULL },     /* near: a decision; calm from now */
		{ E_HIGH, 3, 1500, "", NULL },       /* charged past its hold: not calm */
		{ E_TICK, -1, 600, "WANT", NULL },   /* pushing */
		{ E_TICK, -1, 1900, "WANT", "held=1 wp=0 rp=0 kill=none gone=0" }, /* 2.5 s since: still */
		{ E_TICK, -1, 1, "", NULL },         /* the streak is over: calm from now */
		{ E_TICK, -1, 1999, "WANT", "held=1 wp=0 rp=0 kill=none gone=0" },
		{ E_TICK, -1, 1, "RESTORE:calm", "held=0 wp=0 rp=0 kill=none gone=0" }, /* still near */
		{ E_DECIDE_HOLD, 0, 100, "DECISION HOLD1", "held=1 wp=1 rp=0 kill=none gone=0" }, /* growing again */
	} },
	{ "hold-limit: pushing for push_limit_s with no swap room: killed whole", P_KILL, {
		{ E_DECIDE_HOLD, 0, 0, "DECISION HOLD1", NULL },
		{ E_WRITTEN, 0, 0, "WRITTEN", NULL },
		{ E_HIGH, 1, 10, "", NULL },         /* the streak begins */
		{ E_TICK, 1, 1000, "", NULL },
		{ E_HIGH, 1, 1000, "", NULL },
		{ E_HIGH, 1, 2000, "", NULL },
		{ E_TICK, 1, 999, "", "held=1 wp=0 rp=0 kill=none gone=0" }, /* 4999 ms */
		{ E_TICK, 1, 1, "POLICY:hold-limit KILLm", "held=1 wp=0 rp=0 kill=sent gone=0" },
		{ E_HIGH, 1, 100, "", NULL },
		{ E_TICK, 1, 6000, "", NULL },       /* being killed: not again, not released */
		{ E_POP, 0, 0, "DONE OVER RESTORE:killed", "held=0 wp=0 rp=0 kill=none gone=0" },
	} },
	{ "hold-limit: a gap of more than 2.5 s starts a new streak", P_KILL, {
		{ E_DECIDE_HOLD, 0, 0, "DECISION HOLD1", NULL },
		{ E_WRITTEN, 0, 0, "WRITTEN", NULL },
		{ E_HIGH, 1, 0, "", NULL },
		{ E_HIGH, 1, 2000, "", NULL },
		{ E_HIGH, 1, 2501, "", NULL },       /* a new streak from here */
		{ E_HIGH, 1, 2000, "", NULL },
		{ E_HIGH, 1, 2000, "", NULL },
		{ E_TICK, 1, 999, "", NULL },        /* 4999 ms into this streak */
		{ E_TICK, 1, 1, "POLICY:hold-limit KILLm", NULL },
	} },
	{ "hold-limit: with swap room, pushing into swap is paid for, not punished", P_KILL, {
		{ E_DECIDE_HOLD, 0, 0, "DECISION HOLD1", NULL },
		{ E_WRITTEN, 0, 0, "WRITTEN", NULL },
		{ E_HIGH, 1, 0, "", NULL },
		{ E_TICK_ROOM, 50, 2000, "WANT", NULL },
		{ E_HIGH, 1, 0, "", NULL },
		{ E_TICK_ROOM, 50, 2000, "WANT", NULL },
		{ E_HIGH, 1, 0, "", NULL },
		{ E_TICK_ROOM, 50, 2000, "WANT", NULL },
		{ E_HIGH, 1, 0, "", NULL },
		{ E_TICK_ROOM, 50, 2000, "WANT", "held=1 wp=0 rp=0 kill=none gone=0" }, /* 8 s */
		{ E_TICK, 50, 0, "POLICY:hold-limit KILLm", NULL }, /* the room is gone */
	} },
	{ "hold: a throttle-only group is never killed; released once it stops pushing", P_THROTTLE, {
		{ E_DECIDE_HOLD, 0, 0, "DECISION HOLD1", NULL },
		{ E_WRITTEN, 0, 0, "WRITTEN", NULL },
		{ E_HIGH, 1, 0, "", NULL },
		{ E_HIGH, 1, 2000, "", NULL },
		{ E_HIGH, 1, 2000, "", NULL },
		{ E_HIGH, 1, 2000, "", NULL },
		{ E_TICK, 1, 100, "", "held=1 wp=0 rp=0 kill=none gone=0" }, /* pushed 6.1 s */
		{ E_TICK, 1, 2500, "", NULL },       /* calm from now */
		{ E_TICK, 1, 2000, "RESTORE:calm", "held=0 wp=0 rp=0 kill=none gone=0" },
	} },
	{ "hold: tightened with swap room at most every interval_ms", P_KILL, {
		{ E_DECIDE_HOLD, 0, 0, "DECISION HOLD1", NULL },
		{ E_WRITTEN, 0, 0, "WRITTEN", NULL },
		{ E_DECIDE_TIGHT, 0, 999, "DECISION-", "held=1 wp=0 rp=0 kill=none gone=0" },
		{ E_DECIDE_TIGHT, 0, 1, "DECISION HOLD", "held=1 wp=1 rp=0 kill=none gone=0" },
		{ E_WRITTEN, 0, 0, "WRITTEN", NULL },
		{ E_DECIDE_TIGHT, 0, 5000, "DECISION-", NULL }, /* that level is written */
	} },
	{ "hold: paying for the zram pool is not paced by interval_ms", P_KILL, {
		{ E_DECIDE_HOLD, 0, 0, "DECISION HOLD1", NULL },
		{ E_WRITTEN, 0, 0, "WRITTEN", NULL },
		{ E_DECIDE_POOL, 0, 1, "DECISION HOLD", "held=1 wp=1 rp=0 kill=none gone=0" },
		{ E_WRITTEN, 0, 0, "WRITTEN", NULL },
		{ E_DECIDE_POOL, 0, 1, "DECISION-", NULL }, /* that level is written */
	} },
	{ "hold: release asked for during the write is deferred to its end", P_KILL, {
		{ E_DECIDE_HOLD, 0, 0, "DECISION HOLD1", NULL },
		{ E_RELEASE, 0, 0, "", "held=1 wp=1 rp=1 kill=none gone=0" },
		{ E_WRITTEN, 0, 0, "WRITTEN RESTORE:deferred", "held=0 wp=0 rp=0 kill=none gone=0" },
		{ E_RELEASE, 0, 0, "", "held=0 wp=0 rp=0 kill=none gone=0" }, /* -ESRCH, checked below */
	} },
	{ "hold: operator release when not writing", P_KILL, {
		{ E_DECIDE_HOLD, 0, 0, "DECISION HOLD1", NULL },
		{ E_WRITTEN, 0, 0, "WRITTEN", NULL },
		{ E_RELEASE, 0, 0, "RESTORE:operator", "held=0 wp=0 rp=0 kill=none gone=0" },
	} },
	{ "hold: after an operator release, held again only once it has grown", P_KILL, {
		{ E_DECIDE_HOLD, 0, 0, "DECISION HOLD1", NULL },
		{ E_WRITTEN, 0, 0, "WRITTEN", NULL },
		{ E_RELEASE, 0, 0, "RESTORE:operator", "held=0 wp=0 rp=0 kill=none gone=0" },
		/* its growth figure still says 64 MiB/s: its size is noted */
		{ E_DECIDE_HOLD, 0, 40, "DECISION-", "held=0 wp=0 rp=0 kill=none gone=0" },
		{ E_DECIDE_HOLD, 0, 100, "DECISION-", "held=0 wp=0 rp=0 kill=none gone=0" }, /* not grown */
		{ E_DECIDE_GREW, 0, 100, "DECISION HOLD1", "held=1 wp=1 rp=0 kill=none gone=0" },
		{ E_WRITTEN, 0, 0, "WRITTEN", NULL },
		{ E_TICK, 1, 100, "", NULL },
		{ E_TICK, 1, 5000, "RESTORE:calm", "held=0 wp=0 rp=0 kill=none gone=0" },
		/* a calm release is not the operator's: held again at once */
		{ E_DECIDE_HOLD, 0, 100, "DECISION HOLD1", "held=1 wp=1 rp=0 kill=none gone=0" },
	} },
	{ "hold: an operator release asked for during the write holds off the same way", P_KILL, {
		{ E_DECIDE_HOLD, 0, 0, "DECISION HOLD1", NULL },
		{ E_RELEASE, 0, 0, "", "held=1 wp=1 rp=1 kill=none gone=0" },
		{ E_WRITTEN, 0, 0, "WRITTEN RESTORE:deferred", "held=0 wp=0 rp=0 kill=none gone=0" },
		{ E_DECIDE_HOLD, 0, 40, "DECISION-", "held=0 wp=0 rp=0 kill=none gone=0" },
		{ E_DECIDE_GREW, 0, 100, "DECISION HOLD1", "held=1 wp=1 rp=0 kill=none gone=0" },
	} },
	{ "hold: a failed write keeps the hold (its limits are restored later)", P_KILL, {
		{ E_DECIDE_HOLD, 0, 0, "DECISION HOLD1", NULL },
		{ E_WRITTEN, -EACCES, 0, "WRITTEN", "held=1 wp=0 rp=0 kill=none gone=0" },
		{ E_SHUTDOWN, 0, 0, "RESTORE:shutdown", "held=0 wp=0 rp=0 kill=none gone=0" },
	} },
	{ "hold: stops being a candidate while held: released", P_KILL, {
		{ E_DECIDE_HOLD, 0, 0, "DECISION HOLD1", NULL },
		{ E_WRITTEN, 0, 0, "WRITTEN", NULL },
		{ E_CAND, 0, 0, "RESTORE:not-a-candidate", "held=0 wp=0 rp=0 kill=none gone=0" },
		{ E_CAND, 1, 0, "", NULL },
	} },
	{ "hold: a reload that protects a held group releases it", P_KILL, {
		{ E_DECIDE_HOLD, 0, 0, "DECISION HOLD1", NULL },
		{ E_WRITTEN, 0, 0, "WRITTEN", NULL },
		{ E_POLICY, P_PROT, 0, "", NULL },
		{ E_CAND, 0, 0, "RESTORE:protected", "held=0 wp=0 rp=0 kill=none gone=0" },
	} },
	{ "hold: protected while its write is running: released after it", P_KILL, {
		{ E_DECIDE_HOLD, 0, 0, "DECISION HOLD1", NULL },
		{ E_POLICY, P_PROT, 0, "", NULL },
		{ E_CAND, 0, 0, "", "held=1 wp=1 rp=1 kill=none gone=0" },
		{ E_WRITTEN, 0, 0, "WRITTEN RESTORE:protected", "held=0 wp=0 rp=0 kill=none gone=0" }, /* its reason kept */
	} },
	{ "hold: shutdown during a write restores when it ends", P_KILL, {
		{ E_DECIDE_HOLD, 0, 0, "DECISION HOLD1", NULL },
		{ E_SHUTDOWN, 0, 0, "", "held=1 wp=1 rp=1 kill=none gone=0" },
		{ E_GONE, 0, 0, "FORGET", "held=1 wp=1 rp=1 kill=none gone=1" }, /* no longer watched */
		{ E_WRITTEN, 0, 0, "WRITTEN RESTORE:shutdown", "held=0 wp=0 rp=0 kill=none gone=1" },
		{ E_DECIDE_HOLD, 0, 0, "", NULL }, /* stopping: no decisions */
	} },
	{ "hold: removed while held", P_KILL, {
		{ E_DECIDE_HOLD, 0, 0, "DECISION HOLD1", NULL },
		{ E_WRITTEN, 0, 0, "WRITTEN", NULL },
		{ E_GONE, 1, 0, "FORGET", "held=1 wp=0 rp=0 kill=none gone=1" },
		{ E_EVENTS, 1, 0, "", NULL },
	} },
	{ "hold: dry run pretends each value once", P_KILL, {
		{ E_DRY, 1, 0, "", NULL },
		{ E_DECIDE_HOLD, 0, 0, "DECISION SHADOW", "held=0 wp=0 rp=0 kill=none gone=0" },
		{ E_DECIDE_HOLD, 0, 100, "DECISION-", NULL },
		{ E_RELEASE, 0, 0, "", NULL },
	} },
	{ "decision: nothing to do, kept only when asked, once per run of them", P_KILL, {
		{ E_DECIDE_CALM, 0, 0, "DECISION-", NULL },
		{ E_DECIDE_CALM, 1, 0, "DECISION", "held=0 wp=0 rp=0 kill=none gone=0" },
		{ E_DECIDE_CALM, 1, 100, "DECISION-", NULL }, /* the same again: counted */
		{ E_DECIDE_HOLD, 0, 100, "DECISION HOLD1", NULL },
		{ E_DECIDE_CALM, 1, 100, "DECISION", NULL },  /* after a change: kept again */
	} },
	/* --- kills --- */
	{ "kill: written, done at populated 0", P_KILL, {
		{ E_DECIDE_KILL, 0, 0, "DECISION KILL", "held=0 wp=0 rp=0 kill=sent gone=0" },
		{ E_DECIDE_KILL, 0, 10, "DECISION-", NULL }, /* in flight: credited, nothing left to do, not chosen */
		{ E_KILLED, 0, 0, "", "held=0 wp=0 rp=0 kill=sent gone=0" },
		{ E_POP, 1, 0, "", NULL },
		{ E_POP, 0, 40, "DONE OVER", "held=0 wp=0 rp=0 kill=none gone=0" },
		{ E_POP, 0, 0, "", NULL },
	} },
	{ "kill: the group vanished before the write", P_KILL, {
		{ E_DECIDE_KILL, 0, 0, "DECISION KILL", NULL },
		{ E_KILLED, -ENOENT, 0, "GONE OVER", "held=0 wp=0 rp=0 kill=none gone=0" },
		{ E_GONE, 1, 0, "FORGET", "held=0 wp=0 rp=0 kill=none gone=1" },
	} },
	{ "kill: removed before populated 0 was seen", P_KILL, {
		{ E_DECIDE_KILL, 0, 0, "DECISION KILL", NULL },
		{ E_KILLED, 0, 0, "", NULL },
		{ E_GONE, 1, 0, "DONE-removed OVER FORGET", "held=0 wp=0 rp=0 kill=none gone=1" },
	} },
	{ "kill: no longer watched (shutdown) leaves no outcome", P_KILL, {
		{ E_DECIDE_KILL, 0, 0, "DECISION KILL", NULL },
		{ E_KILLED, 0, 0, "", NULL },
		{ E_GONE, 0, 0, "OVER FORGET", "held=0 wp=0 rp=0 kill=none gone=1" },
	} },
	{ "kill: the write failed", P_KILL, {
		{ E_DECIDE_KILL, 0, 0, "DECISION KILL", NULL },
		{ E_KILLED, -EBUSY, 0, "FAILED OVER WANT", "held=0 wp=0 rp=0 kill=none gone=0" }, /* the next set */
		{ E_DECIDE_KILL, 0, 0, "DECISION-", NULL },     /* backing off: not chosen, and no one else */
		{ E_DECIDE_KILL, 0, 5000, "DECISION KILL", NULL }, /* its 5 s back-off is over */
		{ E_KILLED, -EBUSY, 0, "FAILED OVER WANT", NULL },
		{ E_DECIDE_KILL, 0, 9999, "DECISION-", NULL },  /* the second back-off is 10 s */
		{ E_DECIDE_KILL, 0, 1, "DECISION KILL", NULL },
		{ E_KILLED, 0, 0, "", NULL },                   /* a kill that worked ends the count */
		{ E_POP, 0, 0, "DONE OVER", "held=0 wp=0 rp=0 kill=none gone=0" },
	} },
	{ "kill: stuck once after timeout, then written again every timeout", P_KILL, {
		{ E_DECIDE_KILL, 0, 0, "DECISION KILL", NULL },
		{ E_KILLED, 0, 0, "", NULL },
		{ E_TICK, 0, 10000, "", NULL },
		{ E_TICK, 0, 1, "STUCK", "held=0 wp=0 rp=0 kill=sent gone=0" },
		{ E_TICK, 0, 1000, "", NULL },
		{ E_TICK, 0, 9000, "KILLr", NULL },
		{ E_KILLED, 0, 0, "", NULL },
		{ E_TICK, 0, 9999, "", NULL },
		{ E_TICK, 0, 1, "KILLr", NULL },
		{ E_POP, 0, 0, "DONE OVER", NULL },
	} },
	{ "own limit: not while its failed kill backs off", P_ESC, {
		{ E_EVENTS, 2, 0, "OOM POLICY:own-limit KILLm", NULL },
		{ E_KILLED, -EBUSY, 0, "FAILED OVER WANT", NULL },
		{ E_EVENTS, 2, 100, "OOM", NULL },
		{ E_EVENTS, 2, 4900, "OOM POLICY:own-limit KILLm", NULL },
	} },
	{ "hold: a hold the hold file refused is no hold", P_KILL, {
		{ E_DECIDE_HOLD, 0, 0, "DECISION HOLD1", NULL },
		{ E_REFUSED, -ENOSPC, 0, "WRITTEN", "held=0 wp=0 rp=0 kill=none gone=0" },
		{ E_RELEASE, 0, 0, "", NULL },
	} },
	{ "kill: SIGTERM grace, then cgroup.kill", P_GRACE, {
		{ E_DECIDE_KILL, 0, 0, "DECISION TERM", "held=0 wp=0 rp=0 kill=term gone=0" },
		{ E_GRACE, 0, 500, "KILL", "held=0 wp=0 rp=0 kill=sent gone=0" },
		{ E_GRACE, 0, 0, "", NULL },
		{ E_KILLED, 0, 0, "", NULL },
		{ E_POP, 0, 0, "DONE OVER", "held=0 wp=0 rp=0 kill=none gone=0" },
	} },
	{ "kill: exits during its grace", P_GRACE, {
		{ E_DECIDE_KILL, 0, 0, "DECISION TERM", NULL },
		{ E_POP, 0, 100, "DONE OVER", "held=0 wp=0 rp=0 kill=none gone=0" },
		{ E_GRACE, 0, 400, "", NULL },
	} },
	{ "kill: of a held group (the hold outlives it until released)", P_KILL, {
		{ E_DECIDE_HOLD, 0, 0, "DECISION HOLD1", NULL },
		{ E_WRITTEN, 0, 0, "WRITTEN", NULL },
		{ E_DECIDE_KILL, 0, 0, "DECISION KILL", "held=1 wp=0 rp=0 kill=sent gone=0" },
		{ E_SHUTDOWN, 0, 0, "RESTORE:shutdown", "held=0 wp=0 rp=0 kill=sent gone=0" },
	} },
	{ "kill: of a held group: released once it is empty", P_KILL, {
		{ E_DECIDE_HOLD, 0, 0, "DECISION HOLD1", NULL },
		{ E_WRITTEN, 0, 0, "WRITTEN", NULL },
		{ E_DECIDE_KILL, 0, 0, "DECISION KILL", "held=1 wp=0 rp=0 kill=sent gone=0" },
		{ E_KILLED, 0, 0, "", NULL },
		{ E_POP, 0, 10, "DONE OVER RESTORE:killed", "held=0 wp=0 rp=0 kill=none gone=0" },
	} },
	{ "kill: dry run pretends one kill per timeout", P_KILL, {
		{ E_DRY, 1, 0, "", NULL },
		{ E_DECIDE_KILL, 0, 0, "DECISION SHADOWKILL", "held=0 wp=0 rp=0 kill=none gone=0" },
		{ E_DECIDE_KILL, 0, 5000, "DECISION-", NULL }, /* pretended in flight: credited, nothing left to do */
		{ E_DRY, 0, 0, "", NULL },
		{ E_DECIDE_KILL, 0, 0, "DECISION KILL", NULL }, /* dry run off: real */
	} },
	{ "kill: no longer a candidate while being killed: the kill goes on", P_KILL, {
		{ E_DECIDE_KILL, 0, 0, "DECISION KILL", NULL },
		{ E_CAND, 0, 0, "", "held=0 wp=0 rp=0 kill=sent gone=0" },
		{ E_POP, 0, 0, "DONE OVER", "held=0 wp=0 rp=0 kill=none gone=0" },
	} },
	{ "kill: stuck counts the SIGTERM grace", P_GRACE, {
		{ E_DECIDE_KILL, 0, 0, "DECISION TERM", NULL },
		{ E_TICK, 0, 10500, "", "held=0 wp=0 rp=0 kill=term gone=0" },
		{ E_TICK, 0, 1, "STUCK", NULL },
	} },
	{ "kill: a pretended kill is never stuck, never done", P_KILL, {
		{ E_DRY, 1, 0, "", NULL },
		{ E_DECIDE_KILL, 0, 0, "DECISION SHADOWKILL", NULL },
		{ E_TICK, 0, 20000, "", NULL },
		{ E_POP, 0, 0, "", "held=0 wp=0 rp=0 kill=none gone=0" },
		{ E_GONE, 1, 0, "FORGET", NULL },
	} },
	{ "shutdown: nothing held, nothing to do", P_KILL, {
		{ E_SHUTDOWN, 0, 0, "", "held=0 wp=0 rp=0 kill=none gone=0" },
		{ E_PSI, 0, 0, "", NULL },
	} },
	/* --- policy kills --- */
	{ "own limit: count increments within the window kill", P_ESC, {
		{ E_EVENTS, 1, 0, "OOM", NULL },
		{ E_EVENTS, 0, 100, "", NULL },
		{ E_EVENTS, 1, 100, "OOM POLICY:own-limit KILLm", "held=0 wp=0 rp=0 kill=sent gone=0" },
		{ E_EVENTS, 5, 100, "OOM", NULL }, /* kill pending: counted, not re-killed */
		{ E_POP, 0, 0, "DONE OVER", NULL },
	} },
	{ "own limit: the window expires", P_ESC, {
		{ E_EVENTS, 1, 0, "OOM", NULL },
		{ E_EVENTS, 1, 10001, "OOM", "held=0 wp=0 rp=0 kill=none gone=0" }, /* a new window */
		{ E_EVENTS, 1, 100, "OOM POLICY:own-limit KILLm", NULL },
	} },
	{ "own limit: nothing left to kill", P_ESC, {
		{ E_EVENTS, 2, 0, "OOM POLICY:own-limit KILLm", NULL },
		{ E_SKIPPED, 0, 0, "OVER", "held=0 wp=0 rp=0 kill=none gone=0" },
	} },
	{ "own limit: a candidate again starts a new window", P_ESC, {
		{ E_EVENTS, 1, 0, "OOM", NULL },
		{ E_CAND, 1, 0, "", NULL },
		{ E_EVENTS, 1, 100, "OOM", NULL },
		{ E_EVENTS, 1, 100, "OOM POLICY:own-limit KILLm", NULL },
	} },
	{ "own limit: dry run measures, writes nothing", P_ESC, {
		{ E_DRY, 1, 0, "", NULL },
		{ E_EVENTS, 2, 0, "OOM POLICY:own-limit-dry KILLd SHADOWKILL", "held=0 wp=0 rp=0 kill=none gone=0" },
		{ E_EVENTS, 2, 100, "OOM", NULL }, /* pretended in flight */
		{ E_EVENTS, 2, 10000, "OOM POLICY:own-limit-dry KILLd SHADOWKILL", NULL }, /* the pretence is over */
	} },
	{ "own limit: a policy that never kills only records OOM kills", P_OBSERVE, {
		{ E_EVENTS, 5, 0, "OOM", "held=0 wp=0 rp=0 kill=none gone=0" },
	} },
	{ "pressure: within tolerance asks for a decision, beyond it kills", P_PSI, {
		{ E_PSI, 0, 0, "WANT", NULL },
		{ E_PSI, 0, 1000, "WANT", NULL },
		{ E_PSI, 0, 1000, "POLICY:pressure KILLm", "held=0 wp=0 rp=0 kill=sent gone=0" },
		{ E_PSI, 0, 1000, "WANT", NULL }, /* kill pending */
	} },
	{ "pressure: a gap ends the streak", P_PSI, {
		{ E_PSI, 0, 0, "WANT", NULL },
		{ E_PSI, 0, 1000, "WANT", NULL },
		{ E_PSI, 0, 2501, "WANT", NULL }, /* 2 windows + 500 ms passed: a new streak */
		{ E_PSI, 0, 1000, "WANT", NULL },
		{ E_PSI, 0, 1000, "POLICY:pressure KILLm", NULL },
	} },
	{ "pressure: a policy that never kills stays held (no calm while beyond)", P_PSI_HOLD, {
		{ E_DECIDE_HOLD, 0, 0, "DECISION HOLD1", NULL },
		{ E_WRITTEN, 0, 0, "WRITTEN", NULL },
		{ E_PSI, 0, 0, "WANT", NULL },
		{ E_TICK, 1, 1000, "", NULL },
		{ E_PSI, 0, 0, "WANT", NULL },
		{ E_TICK, 1, 2000, "", NULL },
		{ E_PSI, 0, 500, "WANT", "held=1 wp=0 rp=0 kill=none gone=0" },
		{ E_TICK, 1, 3000, "", NULL },  /* beyond ended (gap): calm from now */
		{ E_TICK, 1, 2000, "RESTORE:calm", NULL },
	} },
	/* --- kernel OOM kills, credited like ours (issue 16) --- */
	{ "oom: a kernel OOM kill is credited like a kill in flight until its window ends", P_KILL, {
		{ E_EVENTS, 1, 0, "OOM", "held=0 wp=0 rp=0 kill=none gone=0" },
		{ E_DECIDE_KILL, 0, 10, "DECISION-", NULL },   /* credited: covers, not chosen */
		{ E_DECIDE_KILL, 0, 1989, "DECISION-", NULL }, /* 1999 ms: still */
		{ E_DECIDE_KILL, 0, 1, "DECISION KILL", "held=0 wp=0 rp=0 kill=sent gone=0" }, /* 2 s: back */
	} },
	{ "oom: the credit ends when the group is empty", P_KILL, {
		{ E_EVENTS, 1, 0, "OOM", NULL },
		{ E_DECIDE_KILL, 0, 10, "DECISION-", NULL },
		{ E_POP, 0, 50, "", "held=0 wp=0 rp=0 kill=none gone=0" },
		{ E_DECIDE_KILL, 0, 10, "DECISION KILL", NULL }, /* nothing credited any more */
	} },
	{ "oom: a new OOM kill restarts the window", P_KILL, {
		{ E_EVENTS, 1, 0, "OOM", NULL },
		{ E_EVENTS, 1, 1500, "OOM", NULL },
		{ E_DECIDE_KILL, 0, 1000, "DECISION-", NULL }, /* 1 s after the second */
		{ E_DECIDE_KILL, 0, 1000, "DECISION KILL", NULL },
	} },
	{ "oom: during our own kill, ours is what is credited", P_KILL, {
		{ E_DECIDE_KILL, 0, 0, "DECISION KILL", NULL },
		{ E_EVENTS, 1, 10, "OOM", "held=0 wp=0 rp=0 kill=sent gone=0" },
		{ E_DECIDE_KILL, 0, 3000, "DECISION-", NULL },  /* ours in flight (grace 10 s) */
		{ E_POP, 0, 0, "DONE OVER", "held=0 wp=0 rp=0 kill=none gone=0" },
		{ E_DECIDE_KILL, 0, 10, "DECISION KILL", NULL },
	} },
	{ "oom: a policy's own-limit escalation still counts OOM kills under credit", P_ESC, {
		{ E_EVENTS, 1, 0, "OOM", NULL },
		{ E_DECIDE_KILL, 0, 10, "DECISION-", NULL },
		{ E_EVENTS, 1, 100, "OOM POLICY:own-limit KILLm", "held=0 wp=0 rp=0 kill=sent gone=0" },
	} },
	{ "no policy: notifications change nothing", P_NONE, {
		{ E_EVENTS, 3, 0, "OOM", NULL },
		{ E_PSI, 0, 0, "", NULL },
		{ E_RELEASE, 0, 0, "", "held=0 wp=0 rp=0 kill=none gone=0" },
	} },
	{ "gone: late notifications are ignored", P_ESC, {
		{ E_GONE, 1, 0, "FORGET", NULL },
		{ E_EVENTS, 2, 0, "", NULL },
		{ E_PSI, 0, 0, "", NULL },
		{ E_GRACE, 0, 0, "", NULL },
		{ E_GONE, 1, 0, "", "held=0 wp=0 rp=0 kill=none gone=1" },
	} },
};

#define SD(e, a, dt) (&(struct stepdef){ .ev = (e), .arg = (a), .dt_ms = (dt) })

static void run_row(const struct row *r)
{
	struct world w = { .now = 1000000 };
	w.p = make_policy(r->policy);
	w.has_policy = r->policy != P_NONE;
	for (size_t i = 0; i < sizeof r->steps / sizeof r->steps[0] && r->steps[i].ev != E_END; i++) {
		const struct stepdef *sd = &r->steps[i];
		const char *got = run(&w, sd);
		if (sd->ev == E_DRY || sd->ev == E_POLICY)
			continue;
		if (strcmp(got, sd->items) != 0) {
			fprintf(stderr, "%s, step %zu: items \"%s\", expected \"%s\"\n", r->name, i + 1, got, sd->items);
			mt_check_failures++;
		}
		char st[128];
		state_string(&w.g, st, sizeof st);
		if (sd->state && strcmp(st, sd->state) != 0) {
			fprintf(stderr, "%s, step %zu: state \"%s\", expected \"%s\"\n", r->name, i + 1, st, sd->state);
			mt_check_failures++;
		}
	}
	mt_lc_output_free(&w.out);
}

/* The figures items carry, beyond their kind. */
static void test_item_details(void)
{
	struct world w = { .now = 1000000 };
	w.p = make_policy(P_KILL);
	w.has_policy = true;
	run(&w, SD(E_DECIDE_HOLD, 0, 0));
	const struct mt_lc_item *it = &w.out.items[1];
	CHECK_INT(it->kind, MT_LC_HOLD);
	CHECK_U64(it->record, 0);
	CHECK_U64(it->snap_index, 0);
	CHECK_U64(w.out.decision.explain[0].throttle_to, it->hold.level);
	CHECK_U64(it->hold.level, 1 * GiB); /* the first hold: at its usage */
	CHECK_U64(w.g.saved_high, MT_UNLIMITED);
	CHECK_U64(w.g.base, 1 * GiB);
	CHECK_U64(mt_lc_throttle_usage(&w.g, 5), 1 * GiB);
	/* the hold's start, for the selection's pool rule (zram) */
	uint64_t lv = 1, sw = 1;
	CHECK(mt_lc_hold_start(&w.g, &lv, &sw));
	CHECK_U64(lv, 1 * GiB);
	CHECK_U64(sw, 0);
	run(&w, SD(E_WRITTEN, 0, 0));
	run(&w, SD(E_RELEASE, 0, 0));
	CHECK(!mt_lc_hold_start(&w.g, &lv, &sw));
	CHECK_U64(lv, 0);
	CHECK_INT(w.out.items[0].kind, MT_LC_RESTORE);
	CHECK_U64(w.out.items[0].restore.saved_high, MT_UNLIMITED);
	CHECK_INT(w.reply, 0);
	run(&w, SD(E_RELEASE, 0, 0));
	CHECK_INT(w.reply, -ESRCH);

	/* a kill's done item says how long it took; stuck says since when */
	run(&w, SD(E_DECIDE_KILL, 0, 0));
	CHECK_INT(w.out.items[1].kind, MT_LC_KILL);
	CHECK_U64(w.out.items[1].record, 0);
	CHECK_U64(w.out.items[1].at_us, w.now * 1000);
	run(&w, SD(E_TICK, 0, 10500));
	CHECK_INT(w.out.items[0].kind, MT_LC_KILL_STUCK);
	CHECK_U64(w.out.items[0].stuck.after_ms, 10500);
	run(&w, SD(E_POP, 0, 250));
	CHECK_INT(w.out.items[0].kind, MT_LC_KILL_DONE);
	CHECK_U64(w.out.items[0].done.took_ms, 10750);

	/* own limit: the record's reason */
	struct world e = { .now = 1000000 };
	e.p = make_policy(P_ESC);
	e.has_policy = true;
	run(&e, SD(E_EVENTS, 3, 0));
	CHECK_INT(e.out.n_items, 3);
	CHECK_INT(e.out.items[0].kind, MT_LC_OOM_SEEN);
	CHECK_U64(e.out.items[0].oom.total, 3);
	CHECK_U64(e.out.items[0].oom.new_kills, 3);
	CHECK_STR(e.out.items[1].trigger, "own-limit");
	CHECK_U64(e.out.items[1].why_kill.increments, 3);
	CHECK_INT(e.out.items[1].why_kill.count, 2);
	CHECK_U64(e.out.items[2].record, 1);

	/* pressure: the record's reason */
	struct world p = { .now = 1000000 };
	p.p = make_policy(P_PSI);
	p.has_policy = true;
	run(&p, SD(E_PSI, 0, 0));
	run(&p, SD(E_PSI, 0, 1000));
	run(&p, SD(E_PSI, 0, 1000));
	CHECK_STR(p.out.items[0].trigger, "pressure");
	CHECK(p.out.items[0].why_kill.pressure);
	CHECK_U64(p.out.items[0].why_kill.stalled_ms, 2000);
	CHECK(p.out.items[0].why_kill.percent == 50.0);
	CHECK(p.out.items[1].measure);
	CHECK_U64(p.g.pressure_since_ms, 0);

	/* hold-limit: how long it pushed, against which limit */
	struct world h = { .now = 1000000 };
	h.p = make_policy(P_KILL);
	h.has_policy = true;
	run(&h, SD(E_DECIDE_HOLD, 0, 0));
	run(&h, SD(E_WRITTEN, 0, 0));
	run(&h, SD(E_HIGH, 1, 0));
	run(&h, SD(E_HIGH, 1, 2000));
	run(&h, SD(E_HIGH, 1, 2000));
	run(&h, SD(E_HIGH, 1, 2000));
	run(&h, SD(E_TICK, 1, 700));
	CHECK_INT(h.out.n_items, 2);
	CHECK_STR(h.out.items[0].trigger, "hold-limit");
	CHECK(h.out.items[0].why_kill.hold_limit && h.out.items[0].why_kill.held);
	CHECK_U64(h.out.items[0].why_kill.pushed_ms, 6700);
	CHECK_INT(h.out.items[0].why_kill.push_limit_s, 5);
	CHECK(h.out.items[1].measure);
	CHECK(!h.g.push_streak);
	mt_lc_output_free(&h.out);
	mt_lc_output_free(&w.out);
	mt_lc_output_free(&e.out);
	mt_lc_output_free(&p.out);
}

/* A policy kill with a SIGTERM grace measures before the SIGTERM. */
static void test_policy_kill_grace(void)
{
	struct world w = { .now = 1000000 };
	w.p = make_policy(P_ESC);
	w.p.kill.grace_ms = 300;
	w.has_policy = true;
	const char *got = run(&w, SD(E_EVENTS, 2, 0));
	CHECK_STR(got, "OOM POLICY:own-limit TERMm");
	CHECK_INT(w.out.items[2].kill.grace_ms, 300);
	CHECK_INT(w.g.kill, MT_LC_KILL_TERM);
	got = run(&w, SD(E_GRACE, 0, 300));
	CHECK_STR(got, "KILL");
	mt_lc_output_free(&w.out);
}

/* A held group pushing against its hold is seen growing at least at the
 * least growth that counts; one not pushing, or not held, as measured. */
static void test_growth_seen(void)
{
	struct world w = { .now = 1000000 };
	w.p = make_policy(P_KILL);
	w.has_policy = true;
	CHECK(mt_lc_growth_seen(&w.g, w.now, 0) == 0);
	run(&w, SD(E_DECIDE_HOLD, 0, 0));
	run(&w, SD(E_WRITTEN, 0, 0));
	CHECK(mt_lc_growth_seen(&w.g, w.now, 0) == 0); /* held, not pushing */
	run(&w, SD(E_HIGH, 1, 10));
	CHECK(mt_lc_growth_seen(&w.g, w.now, 0) == MT_USAGE_NOISE_BPS);
	CHECK(mt_lc_growth_seen(&w.g, w.now, 5 * MT_USAGE_NOISE_BPS) == 5 * MT_USAGE_NOISE_BPS);
	CHECK(mt_lc_growth_seen(&w.g, w.now + 10000, 0) == 0); /* the streak is over */
	mt_lc_output_free(&w.out);
}

/* On zram a held grower pushing with swap room is paid for (the pool
 * rule) until its hold is down to MT_POOL_RAM_MIN; from there each page
 * it pushes takes node RAM again, so the push limit applies though swap
 * has room. */
static void test_push_limit_at_pool_min(void)
{
	for (int at_min = 0; at_min < 2; at_min++) {
		struct world w = { .now = 1000000 };
		w.p = make_policy(P_KILL);
		w.has_policy = true;
		CHECK_STR(run(&w, SD(E_DECIDE_HOLD, 0, 0)), "DECISION HOLD1");
		CHECK_STR(run(&w, SD(E_WRITTEN, 0, 0)), "WRITTEN");
		if (at_min)
			w.g.level = MT_POOL_RAM_MIN;
		/* pushing for 8 s: killed at the 6 s tick when at the least */
		int killed_at = -1;
		for (int i = 0; i < 4; i++) {
			run(&w, SD(E_HIGH, 1, 0));
			if (strstr(run(&w, SD(E_TICK_ZRAM, 50, 2000)), "POLICY:hold-limit KILLm") && killed_at < 0)
				killed_at = i;
		}
		CHECK_INT(killed_at, at_min ? 2 : -1);
		mt_lc_output_free(&w.out);
	}
}

/* RAM near its reserve is danger, with or without swap room: a decision
 * every MT_LC_THROTTLE_DECISION_MS holds the grower (into swap when there
 * is room), even with the bound (RAM + swap) far away. */
static void test_tick_ram_near_swap_room(void)
{
	struct mt_lc_node node = { 0 };
	struct mt_lc_output out = { 0 };
	struct mt_lc_event e = { .kind = MT_LC_EV_TICK, .tick.eta_us = MT_GROWTH_NEVER };
	struct mt_lc_input in = { .now_ms = 100000, .node = &node, .events = &e, .n_events = 1 };
	static const struct { uint64_t avail, swap_free; bool want; } t[] = {
		{ 3 * GiB, 16 * GiB, true },   /* RAM within one reserve (2 GiB) of it, all swap free */
		{ 4 * GiB, 16 * GiB, true },   /* at 2 x reserve */
		{ 5 * GiB, 16 * GiB, false },  /* RAM not near */
		{ 3 * GiB, 2 * GiB, true },    /* no swap room: near by headroom (1 GiB <= 4 GiB) */
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		fx_node(&e.tick.node, 0, 0);
		e.tick.node.mem_available = t[i].avail;
		e.tick.node.swap_free = t[i].swap_free;
		CHECK_INT(mt_node_compute(&e.tick.node), 0);
		CHECK(e.tick.node.ram_near_reserve == (t[i].avail <= 4 * GiB));
		CHECK(e.tick.node.swap_has_room == (t[i].swap_free > 2 * GiB));
		CHECK(mt_lc_node_danger(&e.tick.node) == t[i].want);
		in.now_ms += MT_LC_THROTTLE_DECISION_MS;
		CHECK_INT(mt_lc_step(&in, &out), 0);
		CHECK_INT(out.n_items, t[i].want ? 1 : 0);
		if (t[i].want && out.n_items == 1)
			CHECK_STR(out.items[0].trigger, "near-bound");
	}
	mt_lc_output_free(&out);
}

/* When to decide: a deficit at every tick, the bound near at most every
 * MT_LC_THROTTLE_DECISION_MS, far from it never; projected exhaustion,
 * however close, is not near (issue 16: it acted far too early). */
static void test_tick_decisions(void)
{
	struct mt_lc_node node = { 0 };
	struct mt_lc_output out = { 0 };
	struct mt_lc_event e = { .kind = MT_LC_EV_TICK, .tick.eta_us = MT_GROWTH_NEVER };
	struct mt_lc_input in = { .now_ms = 100000, .node = &node, .events = &e, .n_events = 1 };
	/* next: the next TICK, half the headroom (the bound's, or RAM's above
	 * its reserve, whichever is crossed first) at 2 GiB/s (the default
	 * worst-case fault-in rate) within 100 ms - 1 s, 10 ms on a deficit;
	 * growth decides neither the pace nor whether the bound is near.
	 * room: swap free beyond its reserve (swap_free = swap_total) */
	static const struct { uint64_t ram_over, avail; bool room; uint64_t eta_us, dt_ms; const char *want; uint64_t next; } t[] = {
		{ 0, 32 * GiB, false, MT_GROWTH_NEVER, 0, NULL, 1000 },          /* far: 30 GiB of headroom */
		{ 0, 0, false, MT_GROWTH_NEVER, 0, "near-bound", 100 },          /* near: headroom <= reserve */
		{ 0, 0, false, MT_GROWTH_NEVER, 499, NULL, 100 },                /* near again within 500 ms */
		{ 0, 0, false, MT_GROWTH_NEVER, 1, "near-bound", 100 },
		{ 64 * MiB, 0, false, MT_GROWTH_NEVER, 0, "commit-over-bound", 10 }, /* a deficit: every tick */
		{ 64 * MiB, 0, false, 4000000, 0, "commit-over-bound", 10 },
		{ 0, 32 * GiB, false, 29999000, 500, NULL, 1000 },               /* growth alone is no reason */
		{ 0, 32 * GiB, false, 80000, 500, NULL, 1000 },                  /* nor does it make looks faster */
		/* RAM within one ram_reserve of its reserve, swap with room */
		{ 0, 4 * GiB, true, MT_GROWTH_NEVER, 500, "near-bound", 500 },   /* 2 GiB above: 1 s to cross */
		{ 0, 4 * GiB + 1, true, MT_GROWTH_NEVER, 500, NULL, 1000 }, /* not near: the idle pace */
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		fx_node(&e.tick.node, t[i].ram_over, 0);
		if (t[i].avail)
			e.tick.node.mem_available = t[i].avail;
		if (t[i].room)
			e.tick.node.swap_free = e.tick.node.swap_total;
		CHECK_INT(mt_node_compute(&e.tick.node), 0);
		e.tick.eta_us = t[i].eta_us;
		in.now_ms += t[i].dt_ms;
		CHECK_INT(mt_lc_step(&in, &out), 0);
		CHECK_U64(out.next_tick_ms, t[i].next);
		if (!t[i].want) {
			CHECK_INT(out.n_items, 0);
			continue;
		}
		CHECK_INT(out.n_items, 1);
		if (out.n_items == 1) {
			CHECK_INT(out.items[0].kind, MT_LC_WANT_DECISION);
			CHECK_STR(out.items[0].trigger, t[i].want);
			CHECK(out.items[0].m.ud == NULL);
		}
	}
	/* a configured rate: 512 MiB at 512 MiB/s is 1 s to cross, look in 500 ms */
	fx_node(&e.tick.node, 0, 0);
	e.tick.node.mem_available = 2 * GiB + 512 * MiB;
	CHECK_INT(mt_node_compute(&e.tick.node), 0);
	e.tick.fault_rate = 512 * MiB;
	CHECK_INT(mt_lc_step(&in, &out), 0);
	CHECK_U64(out.next_tick_ms, 500);
	mt_lc_output_free(&out);
}

/* Near the bound, a decision every MT_LC_THROTTLE_DECISION_MS; sooner, at a
 * held group's throttle.interval_ms, only while swap has room to tighten
 * into. */
static void test_near_decision_pace(void)
{
	for (int room = 0; room < 3; room++) {
		struct mt_policy p = make_policy(P_KILL);
		p.throttle.interval_ms = room == 2 ? 1000 : 200;
		struct mt_lc_group g = { .held = true };
		struct mt_lc_member m = { .g = &g, .policy = &p };
		struct mt_lc_node node = { 0 };
		struct mt_lc_output out = { 0 };
		struct mt_lc_event e = { .kind = MT_LC_EV_TICK, .tick.eta_us = MT_GROWTH_NEVER };
		struct mt_lc_input in = { .now_ms = 100000, .node = &node, .members = &m, .n_members = 1,
		                          .events = &e, .n_events = 1 };
		fx_node(&e.tick.node, 0, 0);
		if (room)
			e.tick.node.swap_free = e.tick.node.swap_total;
		if (room == 2) /* zram: the pool's pace, MT_LC_POOL_DECISION_MS, beats interval_ms */
			e.tick.node.zram_swap_total = e.tick.node.zram_swap_free = e.tick.node.swap_total;
		CHECK_INT(mt_node_compute(&e.tick.node), 0);
		CHECK(mt_lc_node_danger(&e.tick.node));
		static const struct { uint64_t dt; bool want_without, want_with; } t[] = {
			{ 0, true, true }, { 199, false, false }, { 1, false, true }, { 300, true, true },
		};
		static const struct { uint64_t dt; bool want; } z[] = {
			{ 0, true }, { MT_LC_POOL_DECISION_MS - 1, false }, { 1, true }, { MT_LC_POOL_DECISION_MS, true },
		};
		if (room == 2) {
			for (size_t i = 0; i < sizeof z / sizeof z[0]; i++) {
				in.now_ms += z[i].dt;
				CHECK_INT(mt_lc_step(&in, &out), 0);
				CHECK(z[i].want == (out.n_items == 1 && out.items[0].kind == MT_LC_WANT_DECISION));
			}
			mt_lc_output_free(&out);
			continue;
		}
		for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
			in.now_ms += t[i].dt;
			CHECK_INT(mt_lc_step(&in, &out), 0);
			bool want = out.n_items == 1 && out.items[0].kind == MT_LC_WANT_DECISION;
			CHECK(want == (room ? t[i].want_with : t[i].want_without));
			CHECK(out.n_items <= 1);
		}
		mt_lc_output_free(&out);
	}
}

/* Several events in one step are taken in order; two decisions are refused. */
static void test_batch(void)
{
	struct mt_policy p = make_policy(P_KILL);
	struct mt_lc_group g = { 0 };
	struct mt_lc_member m = { .g = &g, .policy = &p };
	struct mt_snapshot snap;
	snapshot(&snap, E_DECIDE_KILL);
	struct mt_lc_event ev[3] = {
		{ .kind = MT_LC_EV_DECIDE, .decide = { .trigger = "t" } },
		{ .kind = MT_LC_EV_KILLED, .m = m },
		{ .kind = MT_LC_EV_POPULATED, .m = m },
	};
	struct mt_lc_input in = { .now_ms = 5, .kill_timeout_ms = 1, .snapshot = &snap, .snap_members = &m,
	                          .events = ev, .n_events = 3 };
	struct mt_lc_output out = { 0 };
	CHECK_INT(mt_lc_step(&in, &out), 0);
	CHECK_INT(out.n_items, 4); /* DECISION KILL DONE OVER */
	CHECK_INT(out.items[2].kind, MT_LC_KILL_DONE);
	CHECK_INT(g.kill, MT_LC_KILL_NONE);
	ev[1] = ev[0];
	in.n_events = 2;
	CHECK_INT(mt_lc_step(&in, &out), -EINVAL);
	/* a node without candidates is decided on too (its snapshot is kept) */
	struct mt_snapshot empty = { 0 };
	fx_node(&empty.node, 0, 0);
	CHECK_INT(mt_snapshot_compute(&empty), 0);
	in.snapshot = &empty;
	in.snap_members = NULL;
	in.n_events = 1;
	CHECK_INT(mt_lc_step(&in, &out), 0);
	CHECK(out.decided);
	CHECK_INT(out.n_items, 1);
	CHECK_INT(out.items[0].kind, MT_LC_DECISION);
	mt_snapshot_free(&empty);
	mt_lc_output_free(&out);
	mt_snapshot_free(&snap);
}

int main(void)
{
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		run_row(&rows[i]);
	test_item_details();
	test_policy_kill_grace();
	test_tick_ram_near_swap_room();
	test_push_limit_at_pool_min();
	test_growth_seen();
	test_tick_decisions();
	test_near_decision_pace();
	test_batch();
	return mt_check_status();
}
