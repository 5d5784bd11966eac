/* Carrying out decisions (lib/act.c does the writes): group kills with an
 * optional SIGTERM grace, their completion (cgroup.events populated 0) and
 * measured effect; throttles and their release. Dry run changes nothing. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act.h"
#include "cgroup_value.h"
#include "daemon.h"
#include "view.h"
#include "fileio.h"
#include "log.h"
#include "psi.h"
#include "record.h"
#include "promfile.h" /* metrics */
#include "report.h"
#include "holdfile.h"

/* --- act: kill --- */
static void kill_now(struct cg *c)
{
	struct daemon *d = c->d;
	struct mt_kill_result res = { 0 };
	struct mt_kill_pins *pins = NULL;
	uint64_t t0 = now_us();
	int r = mt_act_kill_group(c->dir_fd, &res, &pins);
	uint64_t t1 = now_us();
	int mreleased = mt_act_mrelease(pins);
	uint64_t t2 = now_us();
	mt_act_pins_free(pins);
	if (mt_errno_is_gone(r)) {
		/* gone before the kill: nothing was killed, and its record ends */
		decide_record_update(d, c->kill_record_id, "kill-gone",
		              json_pack("{s:s, s:s}", "cgroup", c->relpath, "outcome", "gone"));
		watch_cg_kill_done(c);
		return;
	}
	if (r < 0) {
		/* Excluded for a back-off, and the next set chosen at once: one
		 * group that cannot be killed must not block every kill. */
		c->kill_failures++;
		uint64_t backoff = mt_act_kill_backoff_ms(c->kill_failures);
		c->kill_backoff_until_ms = now_ms() + backoff;
		d->kill_failed_redecide = true;
		decide_record_update(d, c->kill_record_id, "kill-failed",
		              json_pack("{s:s, s:s, s:s, s:I}", "cgroup", c->relpath, "outcome", "failed", "error",
		                        strerror(-r), "backoff_ms", (json_int_t)backoff));
		c->kill_in_flight = false;
		view_changed(d);
		promfile_action_failed(d, true); /* metrics */
		return;
	}
	c->kill_failures = 0;
	d->kills++;
	json_t *ev = json_pack("{s:s, s:s, s:i, s:i, s:i, s:I, s:I, s:I, s:I, s:I}", "cgroup", c->relpath, "method",
	                       mt_kill_method_to_string(res.method), "pids", res.pids, "mreleased", mreleased,
	                       "signalled", res.signalled, "notified_us", (json_int_t)c->kill_notified_us, "acted_us",
	                       (json_int_t)t1, "kill_us", (json_int_t)(t1 - t0), "mrelease_us", (json_int_t)(t2 - t1),
	                       "decision", (json_int_t)c->kill_record_id);
	if (ev && res.method == MT_KILL_FREEZE_SIGNAL)
		json_object_update_new(ev, json_pack("{s:i, s:b, s:b}", "rounds", (int)res.rounds, "frozen", res.frozen,
		                                     "survivors", res.survivors));
	log_event(LOG_WARNING, "kill", ev);
	if (res.pin_error < 0)
		/* the kill went ahead; only process_mrelease misses the unpinned */
		log_msg(LOG_NOTICE, "%s: pinned %s of its processes before the kill (%s)", c->relpath,
		        res.pids ? "only some" : "none", strerror(-res.pin_error));
	if (res.thaw_error < 0 && !mt_errno_is_gone(res.thaw_error))
		/* a survivor of the fallback kill stays frozen: say so */
		log_msg(LOG_ERR, "%s: thawing after the fallback kill: %s; a surviving process stays frozen",
		        c->relpath, strerror(-res.thaw_error));
	c->kill_notified_us = 0;
	watch_cg_kill_started(c);
	decide_on_populated(c); /* it may already be empty */
}

static void on_grace_timer(uv_timer_t *t)
{
	decide_grace_expired(t->data);
}

void decide_grace_expired(struct cg *c)
{
	if (c->kill_in_flight && c->term_sent && !c->dropped && c->dir_fd >= 0)
		kill_now(c);
}

void enact_kill(struct cg *c, uint64_t record_id, uint64_t pred_ram, uint64_t pred_swap,
                       uint64_t before_ram, uint64_t before_swap, uint64_t node_before)
{
	struct daemon *d = c->d;
	c->kill_record_id = record_id;
	c->kill_pred_ram = pred_ram;
	c->kill_pred_swap = pred_swap;
	c->kill_started_ms = now_ms();
	c->kill_reported_stuck = false;
	if (d->opts.dry_run) {
		/* What a real kill would be for the next decisions: in flight
		 * until the timeout, so the dry run records one kill per
		 * deficit, not one per tick. */
		c->dry_kill_until_ms = c->kill_started_ms + d->opts.kill_timeout_ms;
		report_dry_run_kill(c, record_id, pred_ram, pred_swap); /* kmsg line, metric */
		return;
	}
	c->kill_in_flight = true;
	view_changed(d);
	c->kill_before_ram = before_ram;
	c->kill_before_swap = before_swap;
	c->kill_node_before = node_before;
	uint32_t grace = c->policy ? c->policy->kill.grace_ms : 0;
	if (grace > 0) {
		int n = mt_act_signal_group(c->dir_fd, SIGTERM);
		log_event(LOG_WARNING, "terminate", json_pack("{s:s, s:i, s:i, s:I}", "cgroup", c->relpath, "signalled", n,
		                                              "grace_ms", (int)grace, "decision", (json_int_t)record_id));
		c->term_sent = true;
		if (!c->grace_timer_init) {
			uv_timer_init(d->loop, &c->grace_timer);
			c->grace_timer.data = c;
			c->grace_timer_init = true;
			c->open_handles++;
		}
		uv_timer_start(&c->grace_timer, on_grace_timer, grace, 0);
		watch_cg_kill_started(c);
		return;
	}
	kill_now(c);
}

void decide_on_populated(struct cg *c)
{
	struct daemon *d = c->d;
	if (!c->kill_in_flight || c->cgevents_fd < 0)
		return;
	struct mt_cgroup_events ev;
	int r = mt_cgroup_events_read_fd(c->cgevents_fd, &ev);
	if (r < 0 && !mt_errno_is_gone(r))
		return;
	if (r == 0 && ev.populated)
		return;
	uint64_t took = now_ms() - c->kill_started_ms;
	uint64_t after_ram = 0, after_swap = 0;
	uint64_t after = r == 0 ? decide_cg_bytes(c, &after_ram, &after_swap) : 0;
	uint64_t before = c->kill_before_ram + c->kill_before_swap;
	uint64_t freed_group = before > after ? before - after : 0;
	/* node-wide effect, when the node was measured before the kill */
	int64_t node_delta = c->kill_node_before ? (int64_t)decide_node_free_bytes(d) - (int64_t)c->kill_node_before : 0;
	decide_record_update(d, c->kill_record_id, "kill-done",
	              json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "cgroup", c->relpath, "outcome", "exited",
	                        "took_ms", (json_int_t)took, "predicted_bytes",
	                        (json_int_t)(c->kill_pred_ram + c->kill_pred_swap), "measured_group_bytes",
	                        (json_int_t)freed_group, "measured_node_bytes", (json_int_t)node_delta,
	                        "group_left_bytes", (json_int_t)after));
	report_kill_done(c, after_ram, after_swap); /* issue 8: kill report (report.c) */
	if (c->grace_timer_init)
		uv_timer_stop(&c->grace_timer);
	watch_cg_kill_done(c);
}

static int check_kill_cb(struct cg *c, void *ud)
{
	struct daemon *d = c->d;
	uint64_t limit = d->opts.kill_timeout_ms + (c->policy ? c->policy->kill.grace_ms : 0);
	if (c->kill_in_flight && !c->kill_reported_stuck && now_ms() - c->kill_started_ms > limit) {
		c->kill_reported_stuck = true;
		c->kill_retried_ms = now_ms();
		decide_record_update(d, c->kill_record_id, "kill-stuck",
		              json_pack("{s:s, s:s, s:I}", "cgroup", c->relpath, "outcome", "stuck", "after_ms",
		                        (json_int_t)(now_ms() - c->kill_started_ms)));
	}
	/* A stuck group is killed again every kill timeout (a survivor of the
	 * fallback, a process forked past it) until it empties. */
	if (c->kill_in_flight && c->kill_reported_stuck && !c->term_sent &&
	    now_ms() - c->kill_retried_ms >= d->opts.kill_timeout_ms && c->dir_fd >= 0) {
		c->kill_retried_ms = now_ms();
		log_event(LOG_WARNING, "kill-retry", json_pack("{s:s, s:I}", "cgroup", c->relpath, "decision",
		                                               (json_int_t)c->kill_record_id));
		kill_now(c);
	}
	return 0;
}

void decide_check_kills(struct daemon *d)
{
	watch_for_each_candidate(d, check_kill_cb, NULL);
}

/* --- act: throttle --- */
/* Writing memory.high below the usage makes the kernel reclaim down to it
 * inside the write(2) -- seconds under pressure -- so throttle writes run on
 * libuv's thread pool with their own dup of the cgroup's fd, one at a time
 * per cgroup; a release asked for meanwhile is applied when the write is
 * done. The pending write holds a reference on the cgroup (open_handles).
 *
 * memory.high only limits RAM: the kernel reclaims a held grower's anon
 * into swap and its commit keeps growing at full speed. So the first hold
 * also sets memory.swap.high to the group's swap use at that moment (swap
 * above it throttles every further allocation); later steps lower only
 * memory.high. Written before memory.high, so the reclaim that write
 * triggers already counts against the swap hold. */
#define SWAP_KEEP (UINT64_MAX - 1) /* high_write.swap_value: leave memory.swap.high */

struct high_write {
	uv_work_t work;
	struct cg *c;
	int fd;
	uint64_t value;
	uint64_t swap_value;      /* SWAP_KEEP: not written */
	uint64_t record_id;
	uint64_t queued_us;
	int r, swap_r;
};

static void high_write_work(uv_work_t *w)
{
	struct high_write *h = w->data;
	if (h->swap_value != SWAP_KEEP)
		h->swap_r = mt_act_set_swap_high(h->fd, h->swap_value);
	h->r = mt_act_set_high(h->fd, h->value);
}

static json_int_t limit_json(uint64_t v)
{
	return v == MT_UNLIMITED ? -1 : (json_int_t)v;
}

/* Restores memory.high and (when we held it) memory.swap.high; raising
 * either reclaims nothing, so this runs inline. Returns the first error. */
static int restore_limits(struct cg *c, int fd, const char *why)
{
	struct daemon *d = c->d;
	int r = mt_act_set_high(fd, c->saved_high);
	int rs = c->swap_held ? mt_act_set_swap_high(fd, c->saved_swap_high) : 0;
	json_t *ev = json_pack("{s:s, s:I}", "cgroup", c->relpath, "memory_high", limit_json(c->saved_high));
	if (ev && c->swap_held) /* named only when the hold covered swap */
		json_object_set_new(ev, "swap_high", json_integer(limit_json(c->saved_swap_high)));
	if (ev) {
		json_object_set_new(ev, "why", json_string(why));
		json_object_set_new(ev, "result", json_string(r < 0 ? strerror(-r) : rs < 0 ? strerror(-rs) : "ok"));
	}
	c->throttled = false;
	view_changed(d);
	if ((r >= 0 || mt_errno_is_gone(r)) && (rs >= 0 || mt_errno_is_gone(rs)))
		holdfile_forget(c); /* a failed restore is tried again at the next start */
	c->swap_held = false;
	c->calm_since_ms = 0;
	d->releases++;
	log_event(LOG_NOTICE, "release", ev);
	return r < 0 ? r : rs;
}

static void high_write_done(uv_work_t *w, int status)
{
	struct high_write *h = w->data;
	struct cg *c = h->c;
	struct daemon *d = c->d;
	c->high_write_pending = false;
	if (h->swap_value != SWAP_KEEP && h->swap_r < 0)
		c->swap_held = false; /* not written: nothing to restore (the event says why) */
	json_t *ev = json_pack("{s:s, s:I, s:I, s:s, s:I, s:I}", "cgroup", c->relpath, "memory_high",
	                       (json_int_t)h->value, "saved_high", limit_json(c->saved_high), "result",
	                       h->r < 0 ? strerror(-h->r) : "ok", "write_ms",
	                       (json_int_t)((now_us() - h->queued_us) / 1000), "decision", (json_int_t)h->record_id);
	if (ev && c->swap_held) {
		json_object_set_new(ev, "swap_high", json_integer((json_int_t)c->held_swap_high));
		json_object_set_new(ev, "saved_swap_high", json_integer(limit_json(c->saved_swap_high)));
	}
	if (ev && h->swap_value != SWAP_KEEP && h->swap_r < 0)
		json_object_set_new(ev, "swap_high_result", json_string(strerror(-h->swap_r)));
	log_event(LOG_WARNING, "throttle", ev);
	promfile_throttle_done(c, h->record_id, h->r); /* metrics */
	if (c->release_pending || d->stopping) {
		c->release_pending = false;
		restore_limits(c, h->fd, d->stopping ? "shutdown" : "deferred");
	}
	close(h->fd);
	free(h);
	watch_cg_unref(c);
}

void enact_throttle(struct cg *c, const struct mt_candidate *m, uint64_t to, uint64_t record_id)
{
	struct daemon *d = c->d;
	if (c->high_write_pending)
		return; /* the previous step is still being reclaimed to */
	if (c->throttled && to == c->held_high)
		return; /* already written */
	if (d->opts.dry_run) {
		/* decisions repeat every tick while the node is near: say each
		 * value once */
		if (c->dry_logged_high == to)
			return;
		c->dry_logged_high = to;
		log_event(LOG_WARNING, "throttle", json_pack("{s:s, s:I, s:b, s:I}", "cgroup", c->relpath, "memory_high",
		                                             (json_int_t)to, "dry_run", true, "decision",
		                                             (json_int_t)record_id));
		return;
	}
	struct high_write *h = calloc(1, sizeof *h);
	if (!h)
		return;
	h->fd = fcntl(c->dir_fd, F_DUPFD_CLOEXEC, 0);
	if (h->fd < 0) {
		free(h);
		return;
	}
	h->swap_value = SWAP_KEEP;
	bool first = !c->throttled;
	uint64_t prev_held = c->held_high;
	if (!c->throttled) {
		/* usage and swap as the snapshot read them this pass; only
		 * memory.swap.high, which the snapshot does not carry, is read */
		c->saved_high = m->mem.high;
		c->throttle_base = m->mem.current + m->mem.swap_current;
		c->throttled = true;
		view_changed(c->d);
		uint64_t swap_now = m->mem.swap_current;
		c->saved_swap_high = MT_UNLIMITED;
		int r = mt_value_read_at(c->dir_fd, "memory.swap.high", &c->saved_swap_high);
		c->swap_held = r == 0;
		if (c->swap_held) {
			c->held_swap_high = swap_now < c->saved_swap_high ? swap_now : c->saved_swap_high;
			h->swap_value = c->held_swap_high;
		} else if (!d->swap_high_missing_reported) {
			d->swap_high_missing_reported = true;
			log_msg(LOG_WARNING, "%s: memory.swap.high: %s; throttling holds RAM only (memory.high), "
			        "a held group may still grow into swap (reported once)", c->relpath, strerror(-r));
		}
	}
	c->held_high = to;
	/* on disk before cgroupfs: a daemon killed now restores it at start */
	if (holdfile_record(c) < 0) {
		c->held_high = prev_held;
		if (first) {
			c->throttled = c->swap_held = false;
			view_changed(d);
		}
		close(h->fd);
		free(h);
		return;
	}
	c->calm_since_ms = 0;
	d->throttles++;
	h->c = c;
	h->value = to;
	h->record_id = record_id;
	h->queued_us = now_us();
	h->work.data = h;
	c->high_write_pending = true;
	c->open_handles++;
	int r = uv_queue_work(d->loop, &h->work, high_write_work, high_write_done);
	if (r < 0) {
		c->high_write_pending = false;
		c->open_handles--;
		close(h->fd);
		free(h);
		log_msg(LOG_ERR, "%s: queueing the memory.high write: %s", c->relpath, uv_strerror(r));
	}
}

static int release(struct cg *c, const char *why)
{
	if (!c->throttled)
		return -ESRCH;
	if (c->high_write_pending) {
		c->release_pending = true; /* applied when the write is done */
		return 0;
	}
	int r = restore_limits(c, c->dir_fd, why);
	return mt_errno_is_gone(r) ? 0 : r;
}

struct release_ctx {
	bool danger;
	bool all;
};

static int release_cb(struct cg *c, void *ud)
{
	struct release_ctx *x = ud;
	if (!c->throttled)
		return 0;
	if (x->all) {
		release(c, "shutdown");
		return 0;
	}
	/* It gained an eligible or protected group below it, or a reload
	 * protected it: no decision will ever release it as a candidate. */
	if (!c->candidate) {
		release(c, c->cand.why == MT_CANDIDACY_PROTECTED ? "protected" : "not-a-candidate");
		return 0;
	}
	const struct mt_policy *p = c->policy;
	double limit = p ? p->throttle.release_psi_some : 10.0;
	uint32_t after_s = p ? p->throttle.release_after_s : 30;
	struct mt_psi psi;
	bool calm = !x->danger && !decide_pressure_beyond(c, now_ms());
	if (calm && mt_psi_read_at(c->dir_fd, "memory.pressure", &psi) == 0)
		calm = psi.some.avg10 / 100.0 < limit;
	if (!calm) {
		c->calm_since_ms = 0;
		return 0;
	}
	if (c->calm_since_ms == 0)
		c->calm_since_ms = now_ms();
	if (now_ms() - c->calm_since_ms >= (uint64_t)after_s * 1000)
		release(c, "calm");
	return 0;
}

void decide_check_throttles(struct daemon *d, bool danger)
{
	struct release_ctx x = { .danger = danger };
	watch_for_each_cgroup(d, release_cb, &x);
}

/* Every held group, candidate or not. */
void decide_restore_all(struct daemon *d)
{
	struct release_ctx x = { .all = true };
	watch_for_each_cgroup(d, release_cb, &x);
}

int decide_release(struct daemon *d, const char *relpath)
{
	struct cg *c = watch_find(d, relpath);
	if (!c)
		return -ENOENT;
	return release(c, "operator");
}

