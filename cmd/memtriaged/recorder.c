/* The recorder: see recorder.h. */
#include "recorder.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decision_json.h"
#include "fileio.h"
#include "log.h"
#include "names.h" /* names */
#include "record.h"
#include "snapshot_json.h"

/* Candidates listed in one record: the chosen ones and then the largest;
 * bounds a record's size whatever the number of containers. */
#define RECORD_CANDIDATES_MAX 16

static const char *name_or_empty(const char *s)
{
	return s ? s : "";
}

static json_int_t limit_json(uint64_t v)
{
	return v == MT_UNLIMITED ? -1 : (json_int_t)v;
}

static json_t *node_json(const struct mt_node *n)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:I, s:b, s:b, s:o}",
	                 "mem_total", (json_int_t)n->mem_total, "mem_available", (json_int_t)n->mem_available,
	                 "swap_total", (json_int_t)n->swap_total, "swap_free", (json_int_t)n->swap_free,
	                 "commit", (json_int_t)n->commit, "bound", (json_int_t)n->bound,
	                 "headroom", (json_int_t)n->headroom, "ram_deficit", (json_int_t)n->ram_deficit,
	                 "swap_deficit", (json_int_t)n->swap_deficit, "growth_rate", (json_int_t)n->growth_rate,
	                 "eta_ms", (json_int_t)(n->eta_ms == MT_NEVER ? -1 : (json_int_t)n->eta_ms),
	                 "psi_some_avg10", n->psi_some_avg10, "swap_room", (json_int_t)n->swap_room,
	                 "swap_has_room", n->swap_has_room, "ram_near_reserve", n->ram_near_reserve,
	                 "zram", mt_node_zram_figures_json(n));
}

static json_t *candidate_json(const struct mt_candidate *c, const struct mt_explain *e)
{
	json_t *o = json_pack("{s:s, s:s, s:i, s:s, s:I, s:I, s:I, s:I, s:I, s:b}", "cgroup", c->path,
	                      "policy", name_or_empty(c->policy), "priority", (int)c->priority,
	                      "response", mt_response_to_string(c->response), "current", (json_int_t)c->mem.current,
	                      "frees_ram", (json_int_t)c->frees_ram, "frees_swap", (json_int_t)c->frees_swap,
	                      "cost", (json_int_t)c->cost, "growth_rate", (json_int_t)c->growth_rate,
	                      "growth_known", c->growth_known);
	if (o)
		json_object_set_new(o, "k8s", names_candidate_k8s(c)); /* names */
	if (!o || !e)
		return o;
	json_object_set_new(o, "reason", json_string(mt_reason_to_string(e->reason)));
	if (e->inelig)
		json_object_set_new(o, "inelig", mt_inelig_to_json(e->inelig));
	if (e->reason == MT_REASON_THROTTLE) {
		json_object_set_new(o, "throttle_to", json_integer((json_int_t)e->throttle_to));
		json_object_set_new(o, "pool_paid", json_boolean(e->pool_paid));
	}
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

static json_t *record_new(struct daemon *d, const char *trigger, const char *detail)
{
	char t[48];
	iso_now(t, sizeof t);
	return json_pack("{s:s, s:I, s:s, s:s, s:b}", "time", t, "mono_ms", (json_int_t)now_ms(), "trigger", trigger,
	                 "detail", name_or_empty(detail), "dry_run", d->opts.dry_run);
}

/* Keeps a record in the ring (memory only); its id, 0 when it could not
 * be kept. */
static uint64_t record_keep(struct daemon *d, json_t *rec, json_t *snap)
{
	uint64_t id = 0;
	return mt_record_ring_push(d->records, rec, snap, &id) < 0 ? 0 : id;
}

/* Updates record `id` (if still in the ring) and logs the update. */
static void record_update(struct daemon *d, uint64_t id, const char *event, json_t *fields)
{
	json_t *r = id ? mt_record_ring_get(d->records, id) : NULL;
	if (r && fields)
		json_object_update(r, fields);
	if (fields)
		json_object_set_new(fields, "decision", json_integer((json_int_t)id));
	log_event(LOG_NOTICE, event, fields);
}

const char *recorder_reason(struct daemon *d, uint64_t id)
{
	/* The ring keeps 256 records, far more than are made during one
	 * kill's timeout. */
	json_t *rec = id ? mt_record_ring_get(d->records, id) : NULL;
	const char *reason = rec ? json_string_value(json_object_get(rec, "trigger")) : NULL;
	return reason && *reason ? reason : "unrecorded";
}

/* --- pass 1: records kept, ids handed to the cgroups they concern --- */
/* Whether every hold a decision writes is a held grower's pool payment
 * (select.h, pool_paid): routine, up to one every MT_LC_POOL_DECISION_MS
 * per paying group, so its record keeps no snapshot and evicts none. */
static bool only_pool_payments(const struct mt_decision *dec)
{
	if (dec->action != MT_ACTION_THROTTLE || dec->n_chosen == 0 || !dec->explain)
		return false;
	for (size_t i = 0; i < dec->n_chosen; i++)
		if (!dec->explain[dec->chosen[i]].pool_paid)
			return false;
	return true;
}

static uint64_t keep_decision(struct daemon *d, const struct mt_lc_input *in, const struct mt_lc_output *out,
                              const struct mt_lc_item *it)
{
	const struct mt_snapshot *s = in->snapshot;
	const struct mt_decision *dec = &out->decision;
	d->decisions++;
	json_t *snap = NULL;
	mt_snapshot_to_json(s, &snap);
	json_decref(d->last_snapshot);
	d->last_snapshot = snap ? json_incref(snap) : NULL;
	if (!it->keep) {
		json_decref(snap);
		return 0;
	}
	if (only_pool_payments(dec)) {
		json_decref(snap);
		snap = NULL;
	}
	json_t *rec = record_new(d, it->trigger, it->detail);
	json_object_set_new(rec, "node", node_json(&s->node));
	json_object_set_new(rec, "action", json_string(mt_action_to_string(dec->action)));
	json_object_set_new(rec, "method", json_string(mt_method_to_string(dec->method)));
	if (dec->action == MT_ACTION_KILL) {
		json_object_set_new(rec, "covered", json_boolean(dec->covered));
		/* "cost 7, optimum >= 6": the bound equals the cost when proven */
		json_object_set_new(rec, "cost", json_integer((json_int_t)dec->cost));
		json_object_set_new(rec, "cost_bound", json_integer((json_int_t)dec->cost_bound));
		/* the deficit projected over the kill's completion (lib/select.h) */
		json_object_set_new(rec, "projection",
		                    json_pack("{s:I, s:I, s:I, s:I}", "ms", (json_int_t)dec->projected_ms, "growth_rate",
		                              (json_int_t)dec->growth_rate, "growth_allowance",
		                              (json_int_t)dec->growth_allowance, "target_total",
		                              (json_int_t)dec->target_total));
	}
	json_t *targets = json_array();
	for (size_t i = 0; i < dec->n_chosen; i++)
		json_array_append_new(targets, json_string(s->candidates[dec->chosen[i]].path));
	json_object_set_new(rec, "targets", targets);
	json_object_set_new(rec, "predicted", json_pack("{s:I, s:I}", "ram", (json_int_t)dec->freed_ram, "swap",
	                                                (json_int_t)dec->freed_swap));
	json_object_set_new(rec, "candidates_total", json_integer((json_int_t)s->n_candidates));
	json_object_set_new(rec, "considered", considered_json(s, dec));
	if (dec->action != MT_ACTION_NONE)
		json_object_set_new(rec, "outcome", json_string(d->opts.dry_run ? "dry-run" : "pending"));
	return record_keep(d, rec, snap);
}

static json_t *why_json(const struct mt_lc_item *it)
{
	if (it->why_kill.hold_limit)
		return json_pack("{s:I, s:i}", "pushed_ms", (json_int_t)it->why_kill.pushed_ms, "push_limit_s",
		                 (int)it->why_kill.push_limit_s);
	if (!it->why_kill.pressure)
		return json_pack("{s:s, s:I, s:i, s:i}", "counter", mt_max_counter_to_string(it->why_kill.counter),
		                 "increments", (json_int_t)it->why_kill.increments, "count", (int)it->why_kill.count,
		                 "window_s", (int)it->why_kill.window_s);
	return json_pack("{s:s, s:f, s:i, s:i, s:I, s:b}", "kind", it->why_kill.psi_kind == MT_PSI_SOME ? "some" : "full",
	                 "percent", it->why_kill.percent, "window_ms", (int)it->why_kill.window_ms, "sustain_s",
	                 (int)it->why_kill.sustain_s, "stalled_ms", (json_int_t)it->why_kill.stalled_ms, "throttled",
	                 it->why_kill.held);
}

/* An own-limit or pressure kill, from the figures the actor measured. */
static uint64_t keep_policy_kill(struct daemon *d, const struct mt_lc_item *it, uint64_t *ret_fr, uint64_t *ret_fs)
{
	struct cg *c = it->m.ud;
	struct mt_candidate m = { .mem = c->act.measured };
	mt_candidate_frees(&m, ret_fr, ret_fs);
	json_t *rec = record_new(d, it->trigger, c->relpath);
	json_object_set_new(rec, "action", json_string("kill"));
	json_object_set_new(rec, "targets", json_pack("[s]", c->relpath));
	json_object_set_new(rec, "victims_k8s", json_pack("{s:o}", c->relpath, names_cg_k8s(c))); /* names */
	json_object_set_new(rec, it->why_kill.hold_limit ? "hold" : it->why_kill.pressure ? "pressure" : "escalate",
	                    why_json(it));
	json_object_set_new(rec, "predicted", json_pack("{s:I, s:I}", "ram", (json_int_t)*ret_fr, "swap",
	                                                (json_int_t)*ret_fs));
	json_object_set_new(rec, "notified_us", json_integer((json_int_t)it->at_us));
	json_object_set_new(rec, "outcome", json_string(it->dry ? "dry-run" : "pending"));
	return record_keep(d, rec, NULL);
}

/* The action item that carries out record item ri (there is at most one
 * for a policy kill). */
static size_t action_of(const struct mt_lc_output *out, size_t ri)
{
	for (size_t i = ri + 1; i < out->n_items; i++)
		if (out->items[i].record == ri)
			return i;
	return MT_LC_NONE;
}

static void keep_records(struct daemon *d, const struct mt_lc_input *in, const struct mt_lc_output *out,
                         const struct enact_result *res, uint64_t *ids)
{
	for (size_t i = 0; i < out->n_items; i++) {
		const struct mt_lc_item *it = &out->items[i];
		if (it->kind == MT_LC_DECISION) {
			ids[i] = keep_decision(d, in, out, it);
		} else if (it->kind == MT_LC_POLICY_KILL) {
			size_t a = action_of(out, i);
			if (a == MT_LC_NONE || res[a].skipped)
				continue; /* nothing was left to kill: no record */
			struct cg *c = it->m.ud;
			uint64_t fr = 0, fs = 0;
			ids[i] = keep_policy_kill(d, it, &fr, &fs);
			c->rec.pred_ram = fr;
			c->rec.pred_swap = fs;
			c->rec.before_ram = c->act.measured.current;
			c->rec.before_swap = c->act.measured.swap_current;
			c->rec.node_before = 0;
		}
	}
	/* the ids go to the cgroups acted on */
	for (size_t i = 0; i < out->n_items; i++) {
		const struct mt_lc_item *it = &out->items[i];
		struct cg *c = it->m.ud;
		if (it->record == MT_LC_NONE)
			continue;
		uint64_t id = ids[it->record];
		if (it->kind == MT_LC_HOLD)
			c->rec.hold_record_id = id;
		if (it->kind != MT_LC_KILL && it->kind != MT_LC_TERM && it->kind != MT_LC_KILL_SHADOW)
			continue;
		if (it->kind == MT_LC_KILL_SHADOW && !id)
			continue; /* its policy kill found nothing: no record, no pretence */
		c->rec.kill_record_id = id;
		c->rec.notified_us = it->at_us;
		if (it->snap_index != MT_LC_NONE) {
			const struct mt_snapshot *s = in->snapshot;
			const struct mt_candidate *m = &s->candidates[it->snap_index];
			c->rec.pred_ram = m->frees_ram;
			c->rec.pred_swap = m->frees_swap;
			c->rec.before_ram = m->mem.current;
			c->rec.before_swap = m->mem.swap_current;
			c->rec.node_before = s->node.mem_available + s->node.swap_free;
		}
	}
}

/* --- pass 2: the log --- */
static void log_kill(struct daemon *d, struct cg *c, const struct enact_result *r)
{
	if (r->r < 0)
		return; /* nothing killed: the next step's KILL_FAILED or KILL_GONE */
	d->kills++;
	json_t *ev = json_pack("{s:s, s:s, s:i, s:i, s:i, s:I, s:I, s:I, s:I, s:I}", "cgroup", c->relpath, "method",
	                       mt_kill_method_to_string(r->kill.method), "pids", r->kill.pids, "mreleased", r->mreleased,
	                       "signalled", r->kill.signalled, "notified_us", (json_int_t)c->rec.notified_us, "acted_us",
	                       (json_int_t)r->t1_us, "kill_us", (json_int_t)(r->t1_us - r->t0_us), "mrelease_us",
	                       (json_int_t)(r->t2_us - r->t1_us), "decision", (json_int_t)c->rec.kill_record_id);
	if (ev && r->kill.method == MT_KILL_FREEZE_SIGNAL)
		json_object_update_new(ev, json_pack("{s:i, s:b, s:b}", "rounds", (int)r->kill.rounds, "frozen",
		                                     r->kill.frozen, "survivors", r->kill.survivors));
	log_event(LOG_WARNING, "kill", ev);
	if (r->kill.pin_error < 0)
		/* the kill went ahead; only process_mrelease misses the unpinned */
		log_msg(LOG_NOTICE, "%s: pinned %s of its processes before the kill (%s)", c->relpath,
		        r->kill.pids ? "only some" : "none", strerror(-r->kill.pin_error));
	if (r->kill.thaw_error < 0 && !mt_errno_is_gone(r->kill.thaw_error))
		/* a survivor of the fallback kill stays frozen: say so */
		log_msg(LOG_ERR, "%s: thawing after the fallback kill: %s; a surviving process stays frozen",
		        c->relpath, strerror(-r->kill.thaw_error));
	c->rec.notified_us = 0;
}

static void log_written(struct cg *c, const struct mt_lc_write *w)
{
	json_t *ev = json_pack("{s:s, s:I, s:I, s:s, s:I, s:I}", "cgroup", c->relpath, "memory_high",
	                       (json_int_t)w->level, "saved_high", limit_json(c->lc.saved_high), "result",
	                       w->r < 0 ? strerror(-w->r) : "ok", "write_ms", (json_int_t)w->write_ms, "decision",
	                       (json_int_t)c->rec.hold_record_id);
	log_event(LOG_WARNING, "throttle", ev);
}

static void log_release(struct daemon *d, struct cg *c, const struct mt_lc_item *it, const struct enact_result *r)
{
	json_t *ev = json_pack("{s:s, s:I}", "cgroup", c->relpath, "memory_high", limit_json(it->restore.saved_high));
	if (ev) {
		json_object_set_new(ev, "why", json_string(it->why));
		json_object_set_new(ev, "result", json_string(r->r < 0 ? strerror(-r->r) : "ok"));
	}
	d->releases++;
	log_event(LOG_NOTICE, "release", ev);
}

static void log_item(struct daemon *d, const struct mt_lc_item *it, const struct enact_result *r,
                     const struct recorder_after *after, uint64_t record_id)
{
	struct cg *c = it->m.ud;
	switch (it->kind) {
	case MT_LC_HOLD:
		d->throttles++;
		return;
	case MT_LC_HOLD_SHADOW:
		log_event(LOG_WARNING, "throttle", json_pack("{s:s, s:I, s:b, s:I}", "cgroup", c->relpath, "memory_high",
		                                             (json_int_t)it->hold.level, "dry_run", true, "decision",
		                                             (json_int_t)record_id));
		return;
	case MT_LC_HOLD_WRITTEN:
		log_written(c, &it->written);
		return;
	case MT_LC_RESTORE:
		log_release(d, c, it, r);
		return;
	case MT_LC_TERM:
		if (r->done)
			log_event(LOG_WARNING, "terminate",
			          json_pack("{s:s, s:i, s:i, s:I}", "cgroup", c->relpath, "signalled", r->signalled, "grace_ms",
			                    (int)it->kill.grace_ms, "decision", (json_int_t)c->rec.kill_record_id));
		return;
	case MT_LC_KILL:
		if (it->retry)
			log_event(LOG_WARNING, "kill-retry", json_pack("{s:s, s:I}", "cgroup", c->relpath, "decision",
			                                               (json_int_t)c->rec.kill_record_id));
		if (r->done && !it->dry)
			log_kill(d, c, r);
		return;
	case MT_LC_KILL_FAILED:
		record_update(d, c->rec.kill_record_id, "kill-failed",
		              json_pack("{s:s, s:s, s:s, s:I}", "cgroup", c->relpath, "outcome", "failed", "error",
		                        strerror(-it->failed.error), "backoff_ms", (json_int_t)it->failed.backoff_ms));
		return;
	case MT_LC_KILL_GONE:
		record_update(d, c->rec.kill_record_id, "kill-gone",
		              json_pack("{s:s, s:s}", "cgroup", c->relpath, "outcome", "gone"));
		return;
	case MT_LC_KILL_STUCK:
		record_update(d, c->rec.kill_record_id, "kill-stuck",
		              json_pack("{s:s, s:s, s:I}", "cgroup", c->relpath, "outcome", "stuck", "after_ms",
		                        (json_int_t)it->stuck.after_ms));
		return;
	case MT_LC_KILL_DONE: {
		uint64_t left = after->ram + after->swap;
		uint64_t before = c->rec.before_ram + c->rec.before_swap;
		/* node-wide effect, when the node was measured before the kill */
		int64_t node_delta = c->rec.node_before && after->node_free
		                             ? (int64_t)after->node_free - (int64_t)c->rec.node_before : 0;
		record_update(d, c->rec.kill_record_id, "kill-done",
		              json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "cgroup", c->relpath, "outcome", "exited",
		                        "took_ms", (json_int_t)it->done.took_ms, "predicted_bytes",
		                        (json_int_t)(c->rec.pred_ram + c->rec.pred_swap), "measured_group_bytes",
		                        (json_int_t)(before > left ? before - left : 0), "measured_node_bytes",
		                        (json_int_t)node_delta, "group_left_bytes", (json_int_t)left));
		return;
	}
	case MT_LC_OOM_SEEN:
		log_event(LOG_WARNING, "kernel-oom-kill",
		          json_pack("{s:s, s:I, s:I}", "cgroup", c->relpath, "oom_kill", (json_int_t)it->oom.total, "new",
		                    (json_int_t)it->oom.new_kills));
		return;
	default:
		return;
	}
}

void recorder_step(struct daemon *d, const struct mt_lc_input *in, const struct mt_lc_output *out,
                   const struct enact_result *res, const struct recorder_after *after)
{
	uint64_t ids_small[16] = { 0 };
	uint64_t *ids = out->n_items <= 16 ? ids_small : calloc(out->n_items, sizeof *ids);
	if (!ids)
		return;
	keep_records(d, in, out, res, ids);
	for (size_t i = 0; i < out->n_items; i++) {
		const struct mt_lc_item *it = &out->items[i];
		log_item(d, it, &res[i], &after[i], it->record == MT_LC_NONE ? 0 : ids[it->record]);
	}
	/* the decisions last: after the lines of what they did */
	for (size_t i = 0; i < out->n_items; i++)
		if (ids[i])
			log_event(LOG_NOTICE, "decision", json_deep_copy(mt_record_ring_get(d->records, ids[i])));
	if (ids != ids_small)
		free(ids);
}
