/* One step of the daemon: see decide.h. */
#include "decide.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "active.h"
#include "cgroup_value.h"
#include "enact.h"
#include "fileio.h"
#include "inbox.h"
#include "lifecycle.h"
#include "log.h"
#include "nodefig.h"
#include "promfile.h" /* metrics */
#include "psi.h"
#include "recorder.h"
#include "report.h"
#include "sampler.h"
#include "snapshot_read.h"
#include "watch.h"
#include "watch_files.h"

/* An empty group holding at least this much (a tmpfs, page cache left by
 * its processes) is shown in a decision as ineligible ("empty"), so that
 * `explain` says why it was not chosen; below it, nothing to explain. */
#define EMPTY_SHOWN_MIN (UINT64_C(1) << 20)

/* One daemon per process: the step's reusable buffers (after the first
 * steps a step allocates nothing of its own before the actor acts). */
static struct {
	struct mt_lc_output out;
	struct enact_result *res;
	struct recorder_after *after;
	size_t cap;
	struct mt_lc_member *members;
	size_t n_members, cap_members;
} st;

int decide_read_node(struct daemon *d, struct mt_node *n)
{
	int r = mt_snapshot_read_node(d->proc_fd, n);
	if (r < 0)
		return r;
	/* Unreadable zram figures must not blind the daemon: the node is then
	 * judged as before zram accounting (all swap as disk swap, full room),
	 * and the log says so once per distinct error. */
	r = mt_snapshot_read_zram(d->proc_fd, d->sys_block_fd, n);
	if (r < 0 && r != d->zram_read_error)
		log_msg(LOG_WARNING, "reading zram figures (/proc/swaps, /sys/block/zram*/mm_stat): %s; "
		        "swap is counted as disk swap until they can be read", strerror(-r));
	else if (r == 0 && d->zram_read_error < 0)
		log_msg(LOG_NOTICE, "zram figures readable again");
	d->zram_read_error = r < 0 ? r : 0;
	d->node_seen = *n;
	d->node_seen_ms = now_ms();
	return 0;
}

int decide_look_node(struct daemon *d, struct mt_node *n, uint64_t at_us)
{
	if (d->meminfo_fd < 0) {
		d->meminfo_fd = openat(d->proc_fd, "meminfo", O_RDONLY | O_CLOEXEC);
		if (d->meminfo_fd < 0)
			return -errno;
	}
	int r = mt_snapshot_read_meminfo_fd(d->meminfo_fd, n);
	if (r < 0)
		return r;
	n->psi_some_avg10 = d->node_seen.psi_some_avg10;
	n->psi_full_avg10 = d->node_seen.psi_full_avg10;
	if (n->swap_total > 0) {
		r = mt_snapshot_read_zram(d->proc_fd, d->sys_block_fd, n);
		if (r < 0) /* as decide_read_node: all swap as disk swap; it logs */
			n->zram_swap_total = n->zram_swap_free = n->zram_orig_data_size = n->zram_mem_used_total =
				n->zram_limited_swap_free = n->zram_limit_room = 0;
	}
	d->node_seen = *n;
	d->node_seen_ms = at_us / 1000;
	return 0;
}

static struct mt_lc_member member_of(struct cg *c)
{
	return (struct mt_lc_member){ .g = &c->lc, .policy = c->policy, .ud = c };
}

static int add_member(struct mt_lc_member m)
{
	if (st.n_members == st.cap_members) {
		size_t cap = st.cap_members ? st.cap_members * 2 : 64;
		struct mt_lc_member *v = realloc(st.members, cap * sizeof *v);
		if (!v)
			return -ENOMEM;
		st.members = v;
		st.cap_members = cap;
	}
	st.members[st.n_members++] = m;
	return 0;
}

/* --- gathering: a snapshot --- */
struct build_ctx {
	struct daemon *d;
	struct mt_snapshot *s;
	size_t cap;
	int error;
};

static int build_cb(struct cg *c, void *ud)
{
	struct build_ctx *b = ud;
	struct daemon *d = b->d;
	if (b->s->n_candidates == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		void *a = realloc(b->s->candidates, cap * sizeof b->s->candidates[0]);
		if (!a) {
			b->error = -ENOMEM;
			return 1;
		}
		b->s->candidates = a;
		b->cap = cap;
	}
	struct mt_candidate *m = &b->s->candidates[b->s->n_candidates];
	memset(m, 0, sizeof *m);
	/* An empty group cannot be chosen (MT_INELIG_EMPTY): its figures are
	 * the sampler's, so a thousand empty cgroups put no memory.stat read
	 * on the path to cgroup.kill. One that holds nothing either (below
	 * EMPTY_SHOWN_MIN) is left out of the snapshot altogether: a thousand
	 * of them made every near-bound decision walk, copy and explain a
	 * thousand entries on the loop thread, and the looks starved (the
	 * sweep's extra1000 rows: the kernel's OOM killer first). */
	int r = 0;
	if (c->populated_known && !c->populated) {
		if (c->sampled_current + c->sampled_swap < EMPTY_SHOWN_MIN)
			return 0;
		m->unpopulated = true;
		m->mem.current = c->sampled_current;
		m->mem.swap_current = c->sampled_swap;
		m->mem.high = m->mem.max = MT_UNLIMITED;
	} else {
		struct mt_candidate_files f;
		watch_cg_snapshot_files(c, &f);
		r = mt_snapshot_read_candidate_files(c->dir_fd, &f, m);
		if (r == 0)
			sampler_add(c, now_us(), m->mem.current, m->mem.swap_current);
	}
	if (r < 0) {
		static struct mt_ratelimit read_failures; /* every tick, for each broken group */
		if (!mt_errno_is_gone(r))
			log_msg_limited(&read_failures, LOG_WARNING, "%s: reading its memory figures: %s", c->relpath,
			                strerror(-r));
		return 0; /* vanished mid-read: not in this snapshot */
	}
	if (add_member(member_of(c)) < 0) {
		b->error = -ENOMEM;
		return 1;
	}
	const struct mt_policy *p = c->policy;
	m->path = strdup(c->relpath);
	m->policy = strdup(p ? p->name : "");
	if (c->id.named) {
		m->k8s_namespace = strdup(c->id.k8s_namespace);
		m->k8s_pod = strdup(c->id.pod);
		m->k8s_container = c->id.container[0] ? strdup(c->id.container) : NULL;
	}
	m->priority = p ? (uint32_t)p->priority : 0;
	m->protected_ = p ? p->is_protected : true;
	m->response = p ? p->response : MT_RESPONSE_OBSERVE;
	/* The policy's floor is a share of the usage when throttling began. */
	uint64_t usage = mt_lc_throttle_usage(&c->lc, m->mem.current);
	m->throttle_floor = p ? mt_size_resolve(&p->throttle.floor, usage) : 0;
	m->throttle_step = p ? mt_size_resolve(&p->throttle.step, usage) : 0;
	m->held = mt_lc_hold_start(&c->lc, &m->hold_high, &m->hold_swap);
	m->kill_grace_ms = d->opts.kill_timeout_ms + (p ? p->kill.grace_ms : 0);
	uint64_t now = now_ms();
	/* the sampler's recent slope, not a fresh read of every group */
	m->growth_known = sampler_growth(c, &m->growth_rate);
	m->growth_rate = mt_lc_growth_seen(&c->lc, now, m->growth_rate);
	m->age_ms = now - c->appeared_ms;
	mt_lc_kill_credit(&c->lc, d->opts.dry_run, now, &m->kill_in_flight, &m->kill_started_ms);
	m->kill_failed = mt_lc_kill_backing_off(&c->lc, now);
	b->s->n_candidates++;
	return 0;
}

static int build_snapshot(struct daemon *d, struct mt_snapshot *s)
{
	memset(s, 0, sizeof *s);
	struct mt_node *n = &s->node;
	int r = decide_read_node(d, n);
	if (r < 0)
		return r;
	n->now_ms = now_ms();
	n->growth_rate = (int64_t)mt_growth_rate(&d->node_growth);
	struct build_ctx b = { .d = d, .s = s };
	watch_for_each_candidate(d, build_cb, &b);
	if (b.error < 0)
		return b.error;
	r = nodefig_compute(d, n, "snapshot", true);
	if (r < 0)
		return r;
	n->eta_ms = mt_growth_time_to_exhaustion(&d->node_growth, n->commit, n->bound);
	if (n->eta_ms != MT_GROWTH_NEVER)
		n->eta_ms /= 1000;
	else
		n->eta_ms = MT_NEVER;
	return mt_snapshot_compute(s);
}

/* --- gathering: the groups with a state (active.h), for a tick or shutdown --- */
struct active_ctx {
	struct daemon *d;
	bool tick;
	int error;
};

static int active_cb(struct cg *c, void *ud)
{
	struct active_ctx *x = ud;
	if (!mt_lc_active(&c->lc))
		return 0;
	struct mt_lc_member m = member_of(c);
	struct mt_psi psi;
	if (x->tick && mt_lc_wants_psi(&c->lc, c->policy, now_ms()) &&
	    mt_psi_read_at(c->dir_fd, "memory.pressure", &psi) == 0) {
		m.psi_valid = true;
		m.psi_some_avg10 = psi.some.avg10 / 100.0;
	}
	if (add_member(m) < 0) {
		x->error = -ENOMEM;
		return 1;
	}
	return 0;
}

/* --- after the actor: what finished kills left --- */
static void measure_after(struct daemon *d, const struct mt_lc_item *it, struct recorder_after *a)
{
	struct cg *c = it->m.ud;
	memset(a, 0, sizeof *a);
	if (it->kind != MT_LC_KILL_DONE)
		return;
	if (!it->done.removed && c->dir_fd >= 0) {
		mt_value_read_at(c->dir_fd, "memory.current", &a->ram);
		mt_value_read_at(c->dir_fd, "memory.swap.current", &a->swap);
	}
	struct mt_node n = { 0 };
	if (c->rec.node_before && mt_snapshot_read_node(d->proc_fd, &n) == 0)
		a->node_free = n.mem_available + n.swap_free;
}

/* A pretended policy kill whose measuring found nothing to kill (its
 * record was not kept either). */
static bool shadow_skipped(const struct mt_lc_output *out, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (out->items[j].kind == MT_LC_KILL && out->items[j].record == out->items[i].record &&
		    st.res[j].skipped)
			return true;
	return false;
}

/* The readers of a step's outputs besides the recorder, and the requests
 * it made. */
static void after_step(struct daemon *d, const struct mt_lc_output *out)
{
	bool changed = false;
	for (size_t i = 0; i < out->n_items; i++) {
		const struct mt_lc_item *it = &out->items[i];
		struct cg *c = it->m.ud;
		switch (it->kind) {
		case MT_LC_KILL_DONE:
			report_kill_done(c, st.after[i].ram, st.after[i].swap); /* kill report, counted (report.c) */
			break;
		case MT_LC_KILL_SHADOW:
			if (!shadow_skipped(out, i)) /* kmsg line, metric */
				report_dry_run_kill(c, c->rec.kill_record_id, c->rec.pred_ram, c->rec.pred_swap);
			break;
		case MT_LC_HOLD_WRITTEN:
			promfile_throttle_done(c, c->rec.hold_record_id, it->written.r); /* metrics */
			break;
		case MT_LC_KILL_FAILED:
			promfile_action_failed(d, true); /* metrics */
			break;
		case MT_LC_WANT_DECISION: {
			struct mt_lc_event ev = inbox_event(c, MT_LC_EV_DECIDE);
			ev.at_us = it->at_us;
			ev.decide.trigger = it->trigger;
			ev.decide.detail = c ? c->relpath : NULL; /* c is referenced by the event */
			inbox_push(d, &ev);
			continue;
		}
		default:
			break;
		}
		changed = true;
	}
	if (changed)
		promfile_changed(d); /* metrics */
}

static int reserve(size_t n)
{
	if (n <= st.cap)
		return 0;
	size_t cap = st.cap ? st.cap : 16;
	while (cap < n)
		cap *= 2;
	void *r = realloc(st.res, cap * sizeof *st.res);
	if (r)
		st.res = r;
	void *a = r ? realloc(st.after, cap * sizeof *st.after) : NULL;
	if (!r || !a)
		return -ENOMEM;
	st.after = a;
	st.cap = cap;
	return 0;
}

static void step(struct daemon *d, struct mt_lc_event *ev)
{
	struct cg *c = ev->m.ud;
	struct mt_snapshot s = { 0 };
	struct mt_lc_input in = { .now_ms = now_ms(), .dry_run = d->opts.dry_run, .stopping = d->stopping,
	                          .kill_timeout_ms = d->opts.kill_timeout_ms,
	                          .node = &d->lc_node, .events = ev, .n_events = 1 };
	st.n_members = 0;
	if (c)
		ev->m.policy = c->policy; /* as resolved now */
	if (ev->kind == MT_LC_EV_DECIDE) {
		if (d->stopping)
			return;
		int r = build_snapshot(d, &s);
		if (r < 0) {
			log_msg(LOG_ERR, "building the snapshot: %s", strerror(-r));
			mt_snapshot_free(&s);
			return;
		}
		in.snapshot = &s;
		in.snap_members = st.members;
	} else if (ev->kind == MT_LC_EV_TICK || ev->kind == MT_LC_EV_SHUTDOWN) {
		bool tick = ev->kind == MT_LC_EV_TICK;
		struct active_ctx x = { .d = d, .tick = tick };
		active_for_each(d, active_cb, &x);
		in.members = st.members;
		in.n_members = st.n_members;
	}
	int r = mt_lc_step(&in, &st.out);
	active_after_step(c, &in, &st.out);
	if (r < 0)
		log_msg(LOG_ERR, "%s: %s", ev->kind == MT_LC_EV_DECIDE ? "selection failed" : "a lifecycle step failed",
		        strerror(-r));
	if (reserve(st.out.n_items) < 0) {
		/* the states have moved: the actions must still happen; only
		 * their records are lost */
		log_msg(LOG_ERR, "keeping a step's results: %s; acting without recording", strerror(ENOMEM));
		for (size_t i = 0; i < st.out.n_items; i++) {
			struct enact_result one;
			enact_perform(d, &st.out.items[i], 1, &one);
		}
		mt_snapshot_free(&s);
		return;
	}
	enact_perform(d, st.out.items, st.out.n_items, st.res);
	for (size_t i = 0; i < st.out.n_items; i++)
		measure_after(d, &st.out.items[i], &st.after[i]);
	recorder_step(d, &in, &st.out, st.res, st.after);
	after_step(d, &st.out);
	if (ev->kind == MT_LC_EV_TICK)
		d->next_tick_ms = st.out.next_tick_ms;
	if (ev->kind == MT_LC_EV_RELEASE) {
		d->release_reply = st.out.release_reply;
		for (size_t i = 0; i < st.out.n_items; i++)
			if (st.out.items[i].kind == MT_LC_RESTORE) {
				int e = st.res[i].r;
				d->release_reply = mt_errno_is_gone(e) ? 0 : e;
			}
	}
	/* What the status view shows (held, being killed, growth, the
	 * snapshot) changes only in a step that returned items; a quiet tick
	 * keeps its cached replies. */
	if (st.out.n_items)
		d->step_gen++;
	mt_snapshot_free(&s);
}

void decide_drain(struct daemon *d)
{
	if (d->draining)
		return;
	d->draining = true;
	struct mt_lc_event ev;
	while (inbox_take(d, &ev)) {
		step(d, &ev);
		if (ev.m.ud)
			cg_unref(ev.m.ud);
	}
	d->draining = false;
}

int decide_release(struct daemon *d, struct cg *c)
{
	struct mt_lc_event ev = inbox_event(c, MT_LC_EV_RELEASE);
	if (inbox_push(d, &ev) < 0)
		return -ENOMEM;
	d->release_reply = -ESRCH;
	decide_drain(d);
	return d->release_reply;
}

void decide_free(void)
{
	mt_lc_output_free(&st.out);
	free(st.res);
	free(st.after);
	free(st.members);
	memset(&st, 0, sizeof st);
}
