/* The decision path: snapshot (lib/snapshot_read) -> decide (lib/select,
 * pure) -> act (lib/act, skipped in dry run) -> record (lib/record, log).
 * Also the event-driven pieces that lead to or follow a decision: a
 * candidate's memory.events escalation, a kill's completion (cgroup.events
 * populated 0), throttle release. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nodefig.h"
#include "act.h"
#include "cgroup_value.h"
#include "daemon.h"
#include "view.h"
#include "decision_json.h"
#include "fileio.h"
#include "log.h"
#include "names.h" /* names */
#include "promfile.h" /* metrics */
#include "psi.h"
#include "record.h"
#include "select.h"
#include "snapshot_json.h"
#include "snapshot_read.h"

/* Candidates listed in one record: the chosen ones and then the largest;
 * bounds a record's size whatever the number of containers. */
#define RECORD_CANDIDATES_MAX 16
/* memory.current + swap.current of a group that allocates nothing still
 * moves: per-CPU charge stock (64 pages per CPU), page cache coming and
 * going, swap-in after reclaim. Below 256 KiB/s a group counts as not
 * growing, so a steady group is never throttled for noise. */
#define GROWTH_NOISE_BPS (256 * 1024)

static const char *name_or_empty(const char *s)
{
	return s ? s : "";
}

static json_t *node_json(const struct mt_node *n)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:I, s:o}",
	                 "mem_total", (json_int_t)n->mem_total, "mem_available", (json_int_t)n->mem_available,
	                 "swap_total", (json_int_t)n->swap_total, "swap_free", (json_int_t)n->swap_free,
	                 "commit", (json_int_t)n->commit, "bound", (json_int_t)n->bound,
	                 "headroom", (json_int_t)n->headroom, "ram_deficit", (json_int_t)n->ram_deficit,
	                 "swap_deficit", (json_int_t)n->swap_deficit, "growth_rate", (json_int_t)n->growth_rate,
	                 "eta_ms", (json_int_t)(n->eta_ms == MT_NEVER ? -1 : (json_int_t)n->eta_ms),
	                 "psi_some_avg10", n->psi_some_avg10, "swap_room", (json_int_t)n->swap_room,
	                 "zram", mt_node_zram_figures_json(n));
}

static json_t *candidate_json(const struct mt_candidate *c, const struct mt_explain *e)
{
	json_t *o = json_pack("{s:s, s:s, s:i, s:s, s:I, s:I, s:I, s:I, s:I}", "cgroup", c->path,
	                      "policy", name_or_empty(c->policy), "priority", (int)c->priority,
	                      "response", mt_response_to_string(c->response), "current", (json_int_t)c->mem.current,
	                      "frees_ram", (json_int_t)c->frees_ram, "frees_swap", (json_int_t)c->frees_swap,
	                      "cost", (json_int_t)c->cost, "growth_rate", (json_int_t)c->growth_rate);
	if (o)
		json_object_set_new(o, "k8s", names_candidate_k8s(c)); /* names */
	if (!o || !e)
		return o;
	json_object_set_new(o, "reason", json_string(mt_reason_to_string(e->reason)));
	if (e->inelig)
		json_object_set_new(o, "inelig", mt_inelig_to_json(e->inelig));
	if (e->reason == MT_REASON_THROTTLE)
		json_object_set_new(o, "throttle_to", json_integer((json_int_t)e->throttle_to));
	return o;
}

static int cmp_frees_desc(const void *a, const void *b, void *ud)
{
	const struct mt_snapshot *s = ud;
	const struct mt_candidate *x = &s->candidates[*(const size_t *)a], *y = &s->candidates[*(const size_t *)b];
	uint64_t fx = x->frees_ram + x->frees_swap, fy = y->frees_ram + y->frees_swap;
	return fx < fy ? 1 : fx > fy ? -1 : strcmp(x->path, y->path);
}

static json_t *considered_json(const struct mt_snapshot *s, const struct mt_decision *dec)
{
	json_t *a = json_array();
	size_t n = s->n_candidates;
	size_t *order = calloc(n ? n : 1, sizeof *order);
	if (!a || !order) {
		free(order);
		return a;
	}
	size_t k = 0;
	for (size_t i = 0; i < dec->n_chosen; i++)
		order[k++] = dec->chosen[i];
	size_t first_rest = k;
	for (size_t i = 0; i < n; i++) {
		bool chosen = false;
		for (size_t j = 0; j < dec->n_chosen; j++)
			chosen |= dec->chosen[j] == i;
		if (!chosen)
			order[k++] = i;
	}
	qsort_r(order + first_rest, k - first_rest, sizeof *order, cmp_frees_desc, (void *)s);
	for (size_t i = 0; i < k && i < RECORD_CANDIDATES_MAX; i++)
		json_array_append_new(a, candidate_json(&s->candidates[order[i]],
		                                        dec->explain ? &dec->explain[order[i]] : NULL));
	free(order);
	return a;
}

static void iso_now(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	char b[32];
	strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%03ldZ", b, ts.tv_nsec / 1000000);
}

/* A kill of c is under way -- or, in a dry run, pretended to be -- so no
 * other decision may choose it again. */
static bool kill_pending(const struct cg *c, uint64_t now)
{
	return c->kill_in_flight || (c->d->opts.dry_run && now < c->dry_kill_until_ms);
}

static json_t *record_new(struct daemon *d, const char *trigger, const char *detail)
{
	char t[48];
	iso_now(t, sizeof t);
	return json_pack("{s:s, s:I, s:s, s:s, s:b}", "time", t, "mono_ms", (json_int_t)now_ms(), "trigger", trigger,
	                 "detail", name_or_empty(detail), "dry_run", d->opts.dry_run);
}

/* Keeps a record in the ring (memory only) and returns its id, 0 when it
 * could not be kept; record_announce() then logs it and updates metrics. */
static uint64_t record_keep(struct daemon *d, json_t *rec, json_t *snap)
{
	uint64_t id = 0;
	return mt_record_ring_push(d->records, rec, snap, &id) < 0 ? 0 : id;
}

static void record_announce(struct daemon *d, uint64_t id)
{
	log_event(LOG_NOTICE, "decision", json_deep_copy(mt_record_ring_get(d->records, id)));
	promfile_changed(d); /* metrics */
}


/* Updates record `id` (if still in the ring) and logs the update. */
void decide_record_update(struct daemon *d, uint64_t id, const char *event, json_t *fields)
{
	json_t *r = id ? mt_record_ring_get(d->records, id) : NULL;
	if (r && fields)
		json_object_update(r, fields);
	if (fields)
		json_object_set_new(fields, "decision", json_integer((json_int_t)id));
	log_event(LOG_NOTICE, event, fields);
}

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
	return 0;
}

uint64_t decide_node_free_bytes(struct daemon *d)
{
	struct mt_node n = { 0 };
	if (mt_snapshot_read_node(d->proc_fd, &n) < 0)
		return 0;
	return n.mem_available + n.swap_free;
}

uint64_t decide_cg_bytes(struct cg *c, uint64_t *ret_ram, uint64_t *ret_swap)
{
	uint64_t cur = 0, swap = 0;
	mt_value_read_at(c->dir_fd, "memory.current", &cur);
	mt_value_read_at(c->dir_fd, "memory.swap.current", &swap);
	if (ret_ram)
		*ret_ram = cur;
	if (ret_swap)
		*ret_swap = swap;
	return cur + swap;
}

/* --- snapshot --- */
struct build_ctx {
	struct mt_snapshot *s;
	struct cg **cgs;
	size_t cap;
	int error;
};

static int build_cb(struct cg *c, void *ud)
{
	struct build_ctx *b = ud;
	struct daemon *d = c->d;
	if (b->s->n_candidates == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		void *a = realloc(b->s->candidates, cap * sizeof b->s->candidates[0]);
		void *g = a ? realloc(b->cgs, cap * sizeof b->cgs[0]) : NULL;
		if (a)
			b->s->candidates = a;
		if (!a || !g) {
			b->error = -ENOMEM;
			return 1;
		}
		b->cgs = g;
		b->cap = cap;
	}
	struct mt_candidate *m = &b->s->candidates[b->s->n_candidates];
	memset(m, 0, sizeof *m);
	int r = mt_snapshot_read_candidate(c->dir_fd, m);
	if (r < 0) {
		static struct mt_ratelimit read_failures; /* every tick, for each broken group */
		if (!mt_errno_is_gone(r))
			log_msg_limited(&read_failures, LOG_WARNING, "%s: reading its memory figures: %s", c->relpath,
			                strerror(-r));
		return 0; /* vanished mid-read: not in this snapshot */
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
	uint64_t usage = c->throttled ? c->throttle_base : m->mem.current;
	m->throttle_floor = p ? mt_size_resolve(&p->throttle.floor, usage) : 0;
	m->throttle_step = p ? mt_size_resolve(&p->throttle.step, usage) : 0;
	m->kill_grace_ms = d->opts.kill_timeout_ms + (p ? p->kill.grace_ms : 0);
	uint64_t now = now_ms();
	mt_growth_update(&c->growth, now_us(), m->mem.current + m->mem.swap_current);
	m->growth_rate = (int64_t)mt_growth_rate(&c->growth);
	if (m->growth_rate < GROWTH_NOISE_BPS && m->growth_rate > -GROWTH_NOISE_BPS)
		m->growth_rate = 0;
	m->age_ms = now - c->appeared_ms;
	m->kill_in_flight = kill_pending(c, now);
	m->kill_started_ms = c->kill_started_ms;
	m->kill_failed = now < c->kill_backoff_until_ms;
	b->cgs[b->s->n_candidates++] = c;
	return 0;
}

static int build_snapshot(struct daemon *d, struct mt_snapshot *s, struct cg ***ret_cgs)
{
	memset(s, 0, sizeof *s);
	struct mt_node *n = &s->node;
	int r = decide_read_node(d, n);
	if (r < 0)
		return r;
	n->now_ms = now_ms();
	n->growth_rate = (int64_t)mt_growth_rate(&d->node_growth);
	n->throttle_horizon_ms = d->opts.horizon_ms;
	struct build_ctx b = { .s = s };
	watch_for_each_candidate(d, build_cb, &b);
	*ret_cgs = b.cgs;
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

void decide_run(struct daemon *d, const char *trigger, const char *detail, bool record_noop)
{
	if (d->stopping)
		return;
	view_changed(d); /* candidates' growth, the snapshot */
	uint64_t woke_us = now_us();
	struct mt_snapshot s;
	struct cg **cgs = NULL;
	int r = build_snapshot(d, &s, &cgs);
	if (r < 0) {
		log_msg(LOG_ERR, "building the snapshot: %s", strerror(-r));
		mt_snapshot_free(&s);
		free(cgs);
		return;
	}
	struct mt_decision dec;
	r = mt_select(&s, NULL, &dec);
	if (r < 0) {
		log_msg(LOG_ERR, "selection failed: %s", strerror(-r));
		mt_snapshot_free(&s);
		free(cgs);
		return;
	}
	d->decisions++;
	json_t *snap = NULL;
	mt_snapshot_to_json(&s, &snap);
	json_decref(d->last_snapshot);
	d->last_snapshot = snap ? json_incref(snap) : NULL;

	if (dec.action == MT_ACTION_NONE && !record_noop) {
		mt_decision_free(&dec);
		mt_snapshot_free(&s);
		free(cgs);
		json_decref(snap);
		return;
	}
	json_t *rec = record_new(d, trigger, detail);
	json_object_set_new(rec, "node", node_json(&s.node));
	json_object_set_new(rec, "action", json_string(mt_action_to_string(dec.action)));
	json_object_set_new(rec, "method", json_string(mt_method_to_string(dec.method)));
	if (dec.action == MT_ACTION_KILL) {
		json_object_set_new(rec, "covered", json_boolean(dec.covered));
		/* "cost 7, optimum >= 6": the bound equals the cost when proven */
		json_object_set_new(rec, "cost", json_integer((json_int_t)dec.cost));
		json_object_set_new(rec, "cost_bound", json_integer((json_int_t)dec.cost_bound));
	}
	json_t *targets = json_array();
	for (size_t i = 0; i < dec.n_chosen; i++) {
		const struct mt_candidate *m = &s.candidates[dec.chosen[i]];
		json_array_append_new(targets, json_string(m->path));
	}
	json_object_set_new(rec, "targets", targets);
	json_object_set_new(rec, "predicted", json_pack("{s:I, s:I}", "ram", (json_int_t)dec.freed_ram, "swap",
	                                                (json_int_t)dec.freed_swap));
	json_object_set_new(rec, "candidates_total", json_integer((json_int_t)s.n_candidates));
	json_object_set_new(rec, "considered", considered_json(&s, &dec));
	if (dec.action != MT_ACTION_NONE)
		json_object_set_new(rec, "outcome", json_string(d->opts.dry_run ? "dry-run" : "pending"));
	uint64_t id = record_keep(d, rec, snap);

	for (size_t i = 0; i < dec.n_chosen; i++) {
		size_t k = dec.chosen[i];
		struct cg *c = cgs[k];
		const struct mt_candidate *m = &s.candidates[k];
		c->kill_notified_us = woke_us;
		if (dec.action == MT_ACTION_KILL)
			enact_kill(c, id, m->frees_ram, m->frees_swap, m->mem.current, m->mem.swap_current,
			           s.node.mem_available + s.node.swap_free);
		else if (dec.action == MT_ACTION_THROTTLE)
			enact_throttle(c, m, dec.explain[k].throttle_to, id);
	}
	if (id)
		record_announce(d, id); /* logged after acting: no I/O before the kills */
	mt_decision_free(&dec);
	mt_snapshot_free(&s);
	free(cgs);
	/* Each failed group is excluded for its back-off, so this recursion
	 * ends within as many rounds as there are candidates. */
	if (d->kill_failed_redecide) {
		d->kill_failed_redecide = false;
		decide_run(d, "kill-failed", NULL, false);
	}
}

/* --- a candidate's memory.events --- */
static uint64_t escalate_counter(const struct mt_memory_events *e, enum mt_max_counter k)
{
	switch (k) {
	case MT_MAX_COUNTER_OOM_KILL: return e->oom_kill;
	case MT_MAX_COUNTER_OOM: return e->oom;
	case MT_MAX_COUNTER_MAX: return e->max;
	}
	return 0;
}

/* A kill the policy asked for itself (an escalation on its own limit, its
 * pressure tolerance): the record is kept first (memory only, so that the
 * kill's report, metrics and outcome find its trigger), then the kill, then
 * the log line -- the notification-to-action path does no logging. The
 * policy's reason goes under `why_key`. */
static void policy_kill(struct cg *c, const char *trigger, const char *why_key, json_t *why, uint64_t notified_us)
{
	struct daemon *d = c->d;
	struct mt_candidate m = { 0 };
	if (mt_snapshot_read_candidate(c->dir_fd, &m) < 0) {
		json_decref(why);
		return;
	}
	struct mt_cgroup_events ce; /* ops: an emptied group (its kill just done) has nothing to kill; re-killing */
	if (mt_cgroup_events_read_at(c->dir_fd, &ce) == 0 && !ce.populated) { /* ops: re-inits a closing uv_poll */
		json_decref(why);
		return;
	}
	uint64_t fr = 0, fs = 0;
	mt_candidate_frees(&m, &fr, &fs);
	c->kill_notified_us = notified_us;
	json_t *rec = record_new(d, trigger, c->relpath);
	json_object_set_new(rec, "action", json_string("kill"));
	json_object_set_new(rec, "targets", json_pack("[s]", c->relpath));
	json_object_set_new(rec, "victims_k8s", json_pack("{s:o}", c->relpath, names_cg_k8s(c))); /* names */
	json_object_set_new(rec, why_key, why);
	json_object_set_new(rec, "predicted", json_pack("{s:I, s:I}", "ram", (json_int_t)fr, "swap", (json_int_t)fs));
	json_object_set_new(rec, "notified_us", json_integer((json_int_t)notified_us));
	json_object_set_new(rec, "outcome", json_string(d->opts.dry_run ? "dry-run" : "pending"));
	uint64_t id = record_keep(d, rec, NULL);
	enact_kill(c, id, fr, fs, m.mem.current, m.mem.swap_current, 0);
	if (id)
		record_announce(d, id);
}

static void own_limit_kill(struct cg *c, uint64_t count, uint64_t notified_us)
{
	const struct mt_policy *p = c->policy;
	policy_kill(c, "own-limit", "escalate",
	            json_pack("{s:s, s:I, s:i, s:i}", "counter", mt_max_counter_to_string(p->escalate.counter),
	                      "increments", (json_int_t)count, "count", (int)p->escalate.count, "window_s",
	                      (int)p->escalate.window_s),
	            notified_us);
}

/* --- a candidate's pressure tolerance (policy.pressure) --- */
/* The kernel signals a trigger at most once per window, and again every
 * window while the stall stays above the threshold; a gap of two windows
 * plus this slack (the trigger's poll period is a tenth of the window; the
 * daemon's loop may be busy) ends a streak. */
#define PRESSURE_GAP_SLACK_MS 500

static uint64_t pressure_gap_ms(const struct mt_policy *p)
{
	return 2 * (uint64_t)p->pressure.window_ms + PRESSURE_GAP_SLACK_MS;
}

bool decide_pressure_beyond(const struct cg *c, uint64_t now)
{
	const struct mt_policy *p = c->policy;
	return p && p->pressure.set && c->pressure_since_ms && now - c->pressure_last_ms <= pressure_gap_ms(p);
}

void decide_on_pressure(struct cg *c, enum mt_psi_kind kind)
{
	struct daemon *d = c->d;
	const struct mt_policy *p = c->policy;
	uint64_t notified_us = now_us(), now = notified_us / 1000;
	if (!p || !p->pressure.set)
		return;
	if (!decide_pressure_beyond(c, now))
		c->pressure_since_ms = now;
	c->pressure_last_ms = now;
	uint64_t stalled_ms = now - c->pressure_since_ms;
	if (stalled_ms < (uint64_t)p->pressure.sustain_s * 1000 || !mt_response_may_kill(p->response) ||
	    kill_pending(c, now) || now < c->kill_backoff_until_ms) {
		/* within tolerance, or a policy that never kills (the group
		 * stays held: decide_check_throttles sees no calm) */
		decide_run(d, "candidate-psi", c->relpath, false);
		return;
	}
	c->pressure_since_ms = 0;
	bool some = kind == MT_PSI_SOME;
	policy_kill(c, "pressure", "pressure",
	            json_pack("{s:s, s:f, s:i, s:i, s:I, s:b}", "kind", some ? "some" : "full", "percent",
	                      some ? p->pressure.some_pct : p->pressure.full_pct, "window_ms",
	                      (int)p->pressure.window_ms, "sustain_s", (int)p->pressure.sustain_s, "stalled_ms",
	                      (json_int_t)stalled_ms, "throttled", c->throttled),
	            notified_us);
}

void decide_on_events(struct cg *c)
{
	struct daemon *d = c->d;
	uint64_t notified_us = now_us();
	if (c->events_fd < 0)
		return;
	struct mt_memory_events e;
	int r = mt_memory_events_read_fd(c->events_fd, &e);
	if (r < 0) {
		/* removed: kernfs polls POLLERR forever; the inotify IN_DELETE
		 * drops the cgroup, until then stop listening */
		if (c->events_poll)
			uv_poll_stop(&c->events_poll->handle);
		return;
	}
	struct mt_memory_events old = c->events;
	bool had = c->events_valid;
	c->events = e;
	c->events_valid = true;
	view_changed(d);
	if (!had)
		return;
	if (e.oom_kill > old.oom_kill)
		log_event(LOG_WARNING, "kernel-oom-kill",
		          json_pack("{s:s, s:I, s:I}", "cgroup", c->relpath, "oom_kill", (json_int_t)e.oom_kill, "new",
		                    (json_int_t)(e.oom_kill - old.oom_kill)));
	const struct mt_policy *p = c->policy;
	uint64_t now = now_ms();
	if (!p || !p->escalate.set || !mt_response_may_kill(p->response) || kill_pending(c, now) ||
	    now < c->kill_backoff_until_ms)
		return;
	uint64_t v = escalate_counter(&e, p->escalate.counter);
	if (!c->escalate_armed || now - c->escalate_window_start_ms > (uint64_t)p->escalate.window_s * 1000) {
		c->escalate_armed = true;
		c->escalate_window_start_ms = now;
		c->escalate_base = escalate_counter(&old, p->escalate.counter);
	}
	if (v >= c->escalate_base + p->escalate.count) {
		c->escalate_armed = false;
		own_limit_kill(c, v - c->escalate_base, notified_us);
	}
}
