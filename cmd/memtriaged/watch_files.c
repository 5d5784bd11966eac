/* A watched cgroup's kept files (watch.h): the POLLPRI watches on its
 * kernfs files, cgroup.events (populated: every candidate's, and a kill's),
 * and the fds the sampler and the snapshot read through. Called by watch.c
 * (candidacy on and off, drops) and by the kill path (tracking populated). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_value.h"
#include "daemon.h"
#include "fileio.h"
#include "inbox.h"
#include "log.h"
#include "sampler.h"
#include "watch_files.h"

static void on_cg_poll_closed(uv_handle_t *h)
{
	struct cg_poll *p = h->data;
	struct cg *c = p->cg;
	free(p);
	cg_unref(c);
}

struct cg_poll *cg_poll_start(struct cg *c, int fd, int tag, uv_poll_cb cb)
{
	struct cg_poll *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	int r = uv_poll_init(c->d->loop, &p->handle, fd);
	if (r < 0) {
		log_msg(LOG_WARNING, "%s: watching fd %d: %s", c->relpath, fd, uv_strerror(r));
		free(p);
		return NULL;
	}
	p->cg = c;
	p->tag = tag;
	p->handle.data = p;
	cg_ref(c);
	uv_poll_start(&p->handle, UV_PRIORITIZED, cb);
	return p;
}

void cg_poll_close(struct cg_poll **pp)
{
	if (!*pp)
		return;
	uv_close((uv_handle_t *)&(*pp)->handle, on_cg_poll_closed);
	*pp = NULL;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void watch_files_sampler_close(struct cg *c)
{
	if (c->current_fd >= 0) { /* off the sampler's list */
		if (c->sampled_prev)
			c->sampled_prev->sampled_next = c->sampled_next;
		else
			c->d->sampled = c->sampled_next;
		if (c->sampled_next)
			c->sampled_next->sampled_prev = c->sampled_prev;
		c->sampled_prev = c->sampled_next = NULL;
	}
	close_fd(&c->current_fd);
	close_fd(&c->swap_current_fd);
	close_fd(&c->stat_fd);
	close_fd(&c->high_fd);
	close_fd(&c->max_fd);
}

/* -1 when it cannot be opened (the read then opens it by name and reports
 * what is wrong). */
static int open_ro(struct cg *c, const char *name)
{
	return c->dir_fd < 0 ? -1 : openat(c->dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
}

void watch_cg_snapshot_files(struct cg *c, struct mt_candidate_files *f)
{
	if (c->candidate) {
		if (c->stat_fd < 0)
			c->stat_fd = open_ro(c, "memory.stat");
		if (c->high_fd < 0)
			c->high_fd = open_ro(c, "memory.high");
		if (c->max_fd < 0)
			c->max_fd = open_ro(c, "memory.max");
	}
	*f = (struct mt_candidate_files){ .memory_stat = c->stat_fd, .cgroup_events = c->cgevents_fd,
	                                  .memory_current = c->current_fd, .memory_swap_current = c->swap_current_fd,
	                                  .memory_high = c->high_fd, .memory_max = c->max_fd };
}

/* The sampler's fds: memory.current, and memory.swap.current where swap
 * accounting exists (absent: the sampler counts no swap). */
void watch_files_sampler_open(struct cg *c)
{
	if (c->current_fd >= 0)
		return;
	int fd = openat(c->dir_fd, "memory.current", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (!mt_errno_is_gone(-errno))
			log_msg(LOG_WARNING, "%s: memory.current: %s", c->relpath, strerror(errno));
		return;
	}
	c->current_fd = fd;
	c->sampled_prev = NULL;
	c->sampled_next = c->d->sampled;
	if (c->d->sampled)
		c->d->sampled->sampled_prev = c;
	c->d->sampled = c;
	fd = openat(c->dir_fd, "memory.swap.current", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno != ENOENT && !mt_errno_is_gone(-errno))
		log_msg(LOG_WARNING, "%s: memory.swap.current: %s", c->relpath, strerror(errno));
	c->swap_current_fd = fd;
	mt_usage_window_reset(&c->usage); /* a new history */
	sampler_sample(c, now_us());      /* its first sample, at once */
}

/* --- cgroup.events populated: every candidate's, and a kill's --- */
/* 1 populated, 0 empty or gone, -EAGAIN unreadable for another reason. */
static int read_populated(struct cg *c)
{
	struct mt_cgroup_events ev;
	int r = mt_cgroup_events_read_fd(c->cgevents_fd, &ev);
	if (r < 0)
		return mt_errno_is_gone(r) ? 0 : -EAGAIN;
	return ev.populated;
}

/* Re-reads populated into c. A candidate holds the sampler's and the
 * snapshot's fds only while populated: on becoming populated they are
 * opened and its usage history starts again (what it held while empty says
 * nothing of its growth) with a sample taken now; on becoming empty they
 * are closed. So 1,000 empty candidates cost 3 fds each (directory,
 * memory.events, cgroup.events), a populated one up to 8. Returns
 * read_populated()'s result. */
static int update_populated(struct cg *c)
{
	int r = read_populated(c);
	if (r < 0)
		return r;
	bool known = c->populated_known, was = known && c->populated;
	c->populated = r;
	c->populated_known = true;
	if (r && !was && c->candidate) {
		watch_files_sampler_open(c);
	} else if (!r && (was || !known)) {
		if (was)
			watch_files_sampler_close(c);
		/* What it still holds (a tmpfs, page cache its processes left),
		 * read once as it empties or is first found empty: the snapshot
		 * shows such a group as "empty", and leaves out one that holds
		 * nothing (decide.c). 0 when unreadable. */
		uint64_t cur = 0, sw = 0;
		if (mt_value_read_at(c->dir_fd, "memory.current", &cur) < 0)
			cur = 0;
		if (mt_value_read_at(c->dir_fd, "memory.swap.current", &sw) < 0)
			sw = 0;
		c->sampled_current = cur;
		c->sampled_swap = sw;
	}
	return r;
}

static void on_cgevents_poll(uv_poll_t *h, int status, int events)
{
	struct cg_poll *p = h->data;
	struct cg *c = p->cg;
	struct mt_lc_event ev = inbox_event(c, MT_LC_EV_POPULATED);
	if (c->cgevents_fd < 0)
		return;
	int r = update_populated(c);
	if (r < 0 || !c->populated_tracked)
		return; /* a candidate's own watch: the sampler and snapshot read it */
	ev.populated.populated = r;
	inbox_post(c->d, &ev);
}

int watch_files_populated_open(struct cg *c)
{
	if (c->cgevents_fd >= 0)
		return 0;
	int fd = c->dir_fd < 0 ? -1 : openat(c->dir_fd, "cgroup.events", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return c->dir_fd < 0 || mt_errno_is_gone(-errno) ? 0 : -errno;
	c->cgevents_fd = fd;
	c->cgevents_poll = cg_poll_start(c, fd, 0, on_cgevents_poll);
	update_populated(c);
	return 0;
}

void watch_files_populated_close(struct cg *c)
{
	cg_poll_close(&c->cgevents_poll);
	if (c->cgevents_fd >= 0)
		close(c->cgevents_fd);
	c->cgevents_fd = -1;
	c->populated_known = false;
}

int watch_cg_track_populated(struct cg *c)
{
	int r = watch_files_populated_open(c);
	if (r < 0)
		return r;
	if (c->cgevents_fd < 0)
		return 0; /* gone */
	c->populated_tracked = true;
	return update_populated(c);
}

void watch_cg_untrack_populated(struct cg *c)
{
	c->populated_tracked = false;
	if (!c->candidate)
		watch_files_populated_close(c);
}
