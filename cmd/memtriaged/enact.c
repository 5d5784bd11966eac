/* The actor: see enact.h. */
#include "enact.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_value.h"
#include "fileio.h"
#include "holdfile.h"
#include "inbox.h"
#include "snapshot_read.h"
#include "watch_files.h"

/* --- kill --- */
static void on_grace_timer(uv_timer_t *t)
{
	struct cg *c = t->data;
	struct mt_lc_event ev = inbox_event(c, MT_LC_EV_GRACE_OVER);
	inbox_post(c->d, &ev);
}

static void on_grace_closed(uv_handle_t *h)
{
	cg_unref(h->data);
}

/* A policy kill's look before it acts: the figures its record predicts
 * from, and whether anything is left to kill (an emptied group, its kill
 * just done, has nothing). Into the stack and c->act only. */
static bool measure(struct cg *c)
{
	struct mt_candidate m = { 0 };
	if (c->dir_fd < 0 || mt_snapshot_read_candidate(c->dir_fd, &m) < 0)
		return false;
	struct mt_cgroup_events ce;
	if (mt_cgroup_events_read_at(c->dir_fd, &ce) == 0 && !ce.populated)
		return false;
	c->act.measured = m.mem;
	return true;
}

static void push(struct cg *c, struct mt_lc_event *ev)
{
	inbox_push(c->d, ev);
}

static void kill_now(struct cg *c, struct enact_result *res)
{
	struct mt_kill_pins *pins = NULL;
	res->t0_us = now_us();
	res->r = mt_act_kill_group(c->dir_fd, &res->kill, &pins);
	res->t1_us = now_us();
	res->mreleased = mt_act_mrelease(pins);
	res->t2_us = now_us();
	mt_act_pins_free(pins);
	res->done = true;
	struct mt_lc_event ev = inbox_event(c, MT_LC_EV_KILLED);
	ev.killed.r = res->r;
	push(c, &ev);
	if (res->r < 0)
		return;
	if (watch_cg_track_populated(c) == 0) { /* it may already be empty */
		ev = inbox_event(c, MT_LC_EV_POPULATED);
		ev.populated.populated = false;
		push(c, &ev);
	}
}

static bool skip(struct cg *c, const struct mt_lc_item *it, struct enact_result *res)
{
	if (!it->measure || measure(c))
		return false;
	res->skipped = true;
	struct mt_lc_event ev = inbox_event(c, MT_LC_EV_KILL_SKIPPED);
	push(c, &ev);
	return true;
}

static void term(struct daemon *d, struct cg *c, const struct mt_lc_item *it, struct enact_result *res)
{
	if (skip(c, it, res))
		return;
	res->signalled = mt_act_signal_group(c->dir_fd, SIGTERM);
	res->done = true;
	if (!c->act.grace_timer_init) {
		uv_timer_init(d->loop, &c->act.grace_timer);
		c->act.grace_timer.data = c;
		c->act.grace_timer_init = true;
		cg_ref(c);
	}
	uv_timer_start(&c->act.grace_timer, on_grace_timer, it->kill.grace_ms, 0);
	watch_cg_track_populated(c);
}

/* --- hold --- */
struct high_write {
	uv_work_t work;
	struct cg *c;
	int fd;
	uint64_t level;
	uint64_t queued_us;
	struct mt_lc_write res;
};

/* On the thread pool. memory.high only limits RAM: above it the kernel
 * reclaims the held grower's own pages into swap, the room it pays for;
 * its memory.swap.high is left alone (doc/daemon.md, "A hold and swap"). */
static void high_write_work(uv_work_t *w)
{
	struct high_write *h = w->data;
	h->res.level = h->level;
	h->res.r = mt_act_set_high(h->fd, h->level);
}

static void high_write_done(uv_work_t *w, int status)
{
	struct high_write *h = w->data;
	struct cg *c = h->c;
	h->res.write_ms = (now_us() - h->queued_us) / 1000;
	/* the step this posts may restore through the same fd: the cgroup
	 * may have been dropped meanwhile (shutdown) */
	c->act.write_fd = h->fd;
	c->act.write_fd_open = true;
	struct mt_lc_event ev = inbox_event(c, MT_LC_EV_WRITTEN);
	ev.write = h->res;
	inbox_post(c->d, &ev);
	c->act.write_fd_open = false;
	close(h->fd);
	free(h);
	cg_unref(c);
}

static void write_failed(struct cg *c, uint64_t level, int r)
{
	struct mt_lc_event ev = inbox_event(c, MT_LC_EV_WRITTEN);
	ev.write.r = r;
	ev.write.level = level;
	ev.write.refused = true;
	push(c, &ev);
}

static void hold(struct daemon *d, struct cg *c, const struct mt_lc_item *it, struct enact_result *res)
{
	res->done = true;
	struct high_write *h = calloc(1, sizeof *h);
	if (!h) {
		write_failed(c, it->hold.level, -ENOMEM);
		return;
	}
	h->fd = c->dir_fd < 0 ? -EBADF : fcntl(c->dir_fd, F_DUPFD_CLOEXEC, 0);
	if (h->fd < 0) {
		free(h);
		write_failed(c, it->hold.level, c->dir_fd < 0 ? -ENOENT : -errno);
		return;
	}
	h->c = c;
	h->level = it->hold.level;
	/* on disk before cgroupfs: a daemon killed now restores it at start */
	struct mt_hold rec = { .path = c->relpath, .saved_high = c->lc.saved_high, .held_high = h->level };
	int hr = holdfile_record(c, &rec);
	if (hr < 0) {
		close(h->fd);
		free(h);
		write_failed(c, it->hold.level, hr);
		return;
	}
	h->queued_us = now_us();
	h->work.data = h;
	cg_ref(c);
	int r = uv_queue_work(d->loop, &h->work, high_write_work, high_write_done);
	if (r < 0) {
		close(h->fd);
		free(h);
		cg_unref(c);
		write_failed(c, it->hold.level, r);
	}
}

/* Raising memory.high reclaims nothing: inline. */
static void restore(struct cg *c, const struct mt_lc_item *it, struct enact_result *res)
{
	int fd = c->act.write_fd_open ? c->act.write_fd : c->dir_fd;
	res->done = true;
	if (fd < 0) {
		res->r = -ENOENT;
		return;
	}
	res->r = mt_act_set_high(fd, it->restore.saved_high);
	if (res->r >= 0 || mt_errno_is_gone(res->r))
		holdfile_forget(c); /* a failed restore is tried again at the next start */
}

void enact_perform(struct daemon *d, const struct mt_lc_item *items, size_t n, struct enact_result *res)
{
	for (size_t i = 0; i < n; i++) {
		const struct mt_lc_item *it = &items[i];
		struct cg *c = it->m.ud;
		memset(&res[i], 0, sizeof res[i]);
		switch (it->kind) {
		case MT_LC_KILL:
			if (!skip(c, it, &res[i]) && !it->dry)
				kill_now(c, &res[i]);
			else if (it->dry && !res[i].skipped)
				res[i].done = true; /* measured, nothing written */
			break;
		case MT_LC_TERM:
			term(d, c, it, &res[i]);
			break;
		case MT_LC_HOLD:
			hold(d, c, it, &res[i]);
			break;
		case MT_LC_RESTORE:
			restore(c, it, &res[i]);
			break;
		case MT_LC_KILL_OVER:
			if (c->act.grace_timer_init)
				uv_timer_stop(&c->act.grace_timer);
			watch_cg_untrack_populated(c);
			break;
		case MT_LC_FORGET:
			if (it->done.removed && c->lc.held)
				holdfile_forget(c); /* gone: nothing left to restore */
			if (c->act.grace_timer_init) {
				c->act.grace_timer_init = false;
				uv_close((uv_handle_t *)&c->act.grace_timer, on_grace_closed);
			}
			break;
		default:
			break;
		}
	}
}
