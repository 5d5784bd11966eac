/* The watched cgroup tree: one struct cg per cgroup directory below the
 * supervised root, kept in step with the kernel through one inotify fd
 * (IN_CREATE/IN_DELETE of subdirectories; in inotify mode also IN_MODIFY of
 * memory.events), and per candidate a uv_poll on memory.events (poll mode)
 * and one on cgroup.events (populated, which the sampler and the snapshot
 * use to skip empty groups; during a kill its changes also go to the
 * inbox), plus the sampler's kept fds (sampler.h).
 *
 * Handles are closed with uv_close and a cgroup's memory is freed only when
 * its last reference goes (cg_unref), so a removed container leaves no fd,
 * no handle and no memory behind.
 *
 * The watcher owns fds, handles and the tree, never a decision: what it
 * learns goes into the inbox (inbox.h) as lifecycle events -- candidacy on
 * and off, memory.events moved, a PSI trigger, populated, gone. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "daemon.h"
#include "fileio.h"
#include "inbox.h"
#include "log.h"
#include "psi.h"
#include "watch.h"
#include "watch_files.h"
#include "watch_add.h"
#include "wdmap.h"
#include "candidacy.h"

/* --- candidates --- */
/* Re-reads memory.events (never counts wakeups) and queues the change. */
static void read_events(struct cg *c)
{
	struct daemon *d = c->d;
	struct mt_lc_event ev = inbox_event(c, MT_LC_EV_EVENTS);
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
	ev.events.old = c->events;
	ev.events.now = e;
	bool had = c->events_valid;
	c->events = e;
	c->events_valid = true;
	d->tree_gen++;
	if (had)
		inbox_push(d, &ev);
}

static void on_events_poll(uv_poll_t *h, int status, int events)
{
	struct cg_poll *p = h->data;
	read_events(p->cg);
	if (p->cg->d->kick)
		p->cg->d->kick(p->cg->d);
}

static void on_psi_poll(uv_poll_t *h, int status, int events)
{
	struct cg_poll *p = h->data;
	if (status < 0) {
		uv_poll_stop(h);
		return;
	}
	struct mt_lc_event ev = inbox_event(p->cg, MT_LC_EV_PRESSURE);
	ev.pressure.kind = (enum mt_psi_kind)p->tag;
	inbox_post(p->cg->d, &ev);
}

static void candidate_psi_disarm(struct cg_psi *t)
{
	cg_poll_close(&t->poll);
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	t->armed[0] = '\0';
}

/* dropping: the cgroup goes (its GONE event says so), no candidacy event */
static void candidate_off(struct cg *c, bool dropping)
{
	if (!c->candidate)
		return;
	c->candidate = false;
	c->d->n_candidates--;
	c->d->tree_gen++;
	if (!dropping) {
		struct mt_lc_event ev = inbox_event(c, MT_LC_EV_CANDIDACY);
		ev.candidacy.on = false;
		inbox_push(c->d, &ev);
	}
	cg_poll_close(&c->events_poll);
	if (c->events_fd >= 0)
		close(c->events_fd);
	c->events_fd = -1;
	for (size_t i = 0; i < MT_ELEMENTSOF(c->psi); i++)
		candidate_psi_disarm(&c->psi[i]);
	c->events_valid = false;
	watch_files_sampler_close(c);
	if (!c->populated_tracked)
		watch_files_populated_close(c);
}

/* The trigger text the policy asks for on `kind`; "" when none. */
static void candidate_psi_wanted(const struct cg *c, enum mt_psi_kind kind, char *trig, size_t size)
{
	const struct mt_policy *p = c->policy;
	trig[0] = '\0';
	if (!p || !p->pressure.set || p->pressure.window_ms == 0)
		return;
	double pct = kind == MT_PSI_SOME ? p->pressure.some_pct : p->pressure.full_pct;
	if (pct < 0)
		return;
	uint64_t window_us = (uint64_t)p->pressure.window_ms * 1000;
	uint64_t stall_us = (uint64_t)(pct / 100.0 * (double)window_us);
	if (stall_us == 0)
		stall_us = 1;
	int r = mt_psi_trigger_format(kind, stall_us, window_us, trig, size);
	if (r < 0) {
		log_msg(LOG_WARNING, "%s: policy %s: PSI trigger not armed: %s", c->relpath, p->name, strerror(-r));
		trig[0] = '\0';
	}
}

/* Arms, re-arms or disarms each stall kind's trigger to match the policy:
 * on becoming a candidate and after every policy reload (a trigger's
 * threshold cannot be changed in place, so a changed one is replaced). */
static void candidate_psi_sync(struct cg *c)
{
	for (int kind = MT_PSI_SOME; kind <= MT_PSI_FULL; kind++) {
		struct cg_psi *t = &c->psi[kind];
		char trig[MT_PSI_TRIGGER_MAX];
		candidate_psi_wanted(c, (enum mt_psi_kind)kind, trig, sizeof trig);
		if (strcmp(trig, t->armed) == 0)
			continue;
		candidate_psi_disarm(t);
		if (!trig[0])
			continue;
		int fd = openat(c->dir_fd, "memory.pressure", O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0 || write(fd, trig, strlen(trig) + 1) < 0) {
			if (!mt_errno_is_gone(-errno))
				log_msg(LOG_WARNING, "%s: arming PSI trigger '%s': %s", c->relpath, trig, strerror(errno));
			if (fd >= 0)
				close(fd);
			continue;
		}
		t->fd = fd;
		t->poll = cg_poll_start(c, fd, kind, on_psi_poll);
		snprintf(t->armed, sizeof t->armed, "%s", trig);
	}
}

static void candidate_on(struct cg *c)
{
	struct daemon *d = c->d;
	if (c->candidate)
		return;
	c->candidate = true;
	d->n_candidates++;
	d->tree_gen++;
	struct mt_lc_event ev = inbox_event(c, MT_LC_EV_CANDIDACY);
	ev.candidacy.on = true;
	inbox_push(d, &ev);
	int fd = openat(c->dir_fd, "memory.events", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (!mt_errno_is_gone(-errno))
			log_msg(LOG_WARNING, "%s: memory.events: %s", c->relpath, strerror(errno));
		return;
	}
	c->events_fd = fd;
	c->events_valid = mt_memory_events_read_fd(fd, &c->events) == 0;
	if (d->opts.watch_mode == WATCH_POLL)
		c->events_poll = cg_poll_start(c, fd, 0, on_events_poll);
	candidate_psi_sync(c);
	watch_files_populated_open(c); /* populated (or unknown): the sampler's fds too */
	if (!c->populated_known)
		watch_files_sampler_open(c);
}

static void cg_resolve(struct cg *c)
{
	struct daemon *d = c->d;
	d->tree_gen++;
	mt_k8s_identify(d->names, c->relpath, &c->id);
	c->policy = NULL;
	if (mt_policy_set_match(d->policies, c->relpath, &c->id, d->own_cgroup, &c->policy) < 0)
		c->policy = NULL;
	c->own = (struct mt_candidacy_own){
		.is_root = !c->parent,
		.has_policy = c->policy != NULL,
		.is_protected = c->policy && c->policy->is_protected,
		.kind_is_candidate = mt_k8s_kind_is_candidate(c->id.path.kind),
		.is_self = mt_candidacy_path_holds(c->relpath, d->own_cgroup),
	};
}

/* Judges c from its children (lib/candidacy.h) and, while the result
 * changes, its ancestors: a protected group appearing deep down takes the
 * candidacy from every group above it. */
static void cg_update_candidacy(struct cg *c)
{
	for (; c && !c->dropped; c = c->parent) {
		struct mt_candidacy_below below = { 0 };
		for (struct cg *k = c->children; k; k = k->next)
			mt_candidacy_below_add(&below, &k->cand);
		struct mt_candidacy old = c->cand;
		mt_candidacy_judge(&c->own, &below, &c->cand);
		if (c->cand.candidate)
			candidate_on(c);
		else
			candidate_off(c, false);
		if (old.guarded == c->cand.guarded && old.below_eligible == c->cand.below_eligible)
			break;
	}
}

static struct cg *cg_child(struct cg *parent, const char *name)
{
	for (struct cg *k = parent->children; k; k = k->next)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

static void cg_drop(struct cg *c, bool removed);
static struct cg *cg_add(struct daemon *d, struct cg *parent, const char *name);

static void cg_scan_children(struct cg *c)
{
	int lfd = openat(c->dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lfd < 0)
		return;
	_cleanup_closedir_ DIR *dir = fdopendir(lfd);
	if (!dir) {
		close(lfd);
		return;
	}
	struct dirent *de;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		if (!cg_child(c, de->d_name))
			cg_add(c->d, c, de->d_name);
	}
}

static struct cg *cg_add(struct daemon *d, struct cg *parent, const char *name)
{
	struct cg *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->d = d;
	c->events_fd = c->psi[MT_PSI_SOME].fd = c->psi[MT_PSI_FULL].fd = c->cgevents_fd = -1;
	c->current_fd = c->swap_current_fd = c->stat_fd = c->high_fd = c->max_fd = -1;
	c->wd = -1;
	if (!parent) {
		c->relpath = strdup("");
	} else if (parent->relpath[0]) {
		if (asprintf(&c->relpath, "%s/%s", parent->relpath, name) < 0)
			c->relpath = NULL;
	} else {
		c->relpath = strdup(name);
	}
	if (!c->relpath) {
		free(c);
		return NULL;
	}
	c->name = parent ? strrchr(c->relpath, '/') ? strrchr(c->relpath, '/') + 1 : c->relpath : c->relpath;
	c->dir_fd = parent ? mt_dir_open(parent->dir_fd, name) : mt_dir_open(AT_FDCWD, d->opts.root);
	if (c->dir_fd < 0) {
		if (!mt_errno_is_gone(c->dir_fd) && c->dir_fd != -ENOTDIR)
			log_msg(LOG_WARNING, "%s/%s: %s", d->opts.root, c->relpath, strerror(-c->dir_fd));
		free(c->relpath);
		free(c);
		return NULL;
	}
	watch_add(c); /* on failure: unwatched, retried (watch_retry.h) */
	c->appeared_ms = now_ms();
	c->parent = parent;
	if (parent) {
		c->next = parent->children;
		parent->children = c;
	}
	d->n_cgroups++;
	cg_resolve(c);
	/* Children created before our watch existed. */
	cg_scan_children(c);
	cg_update_candidacy(c);
	if (parent)
		cg_update_candidacy(parent);
	if (parent && c->candidate)
		log_event(LOG_INFO, "cgroup-added",
		          json_pack("{s:s, s:s}", "cgroup", c->relpath, "policy", c->policy ? c->policy->name : ""));
	return c;
}

/* removed: the directory went away (else the daemon stops watching). */
static void cg_drop(struct cg *c, bool removed)
{
	struct daemon *d = c->d;
	while (c->children)
		cg_drop(c->children, removed);
	if (c->candidate)
		log_event(LOG_INFO, "cgroup-removed", json_pack("{s:s, s:b}", "cgroup", c->relpath,
		                                                "kill_in_flight", c->lc.kill != MT_LC_KILL_NONE));
	struct mt_lc_event ev = inbox_event(c, MT_LC_EV_GONE);
	ev.gone.removed = removed;
	inbox_push(d, &ev);
	candidate_off(c, true);
	watch_cg_untrack_populated(c);
	if (c->unwatched) {
		c->unwatched = false;
		d->n_unwatched--;
	}
	if (c->wd >= 0) {
		inotify_rm_watch(d->inotify_fd, c->wd); /* EINVAL when already gone */
		mt_wdmap_del(&d->wds, c->wd);
		c->wd = -1;
	}
	if (c->dir_fd >= 0)
		close(c->dir_fd);
	c->dir_fd = -1;
	struct cg *parent = c->parent;
	if (parent) {
		struct cg **pp = &parent->children;
		while (*pp && *pp != c)
			pp = &(*pp)->next;
		if (*pp)
			*pp = c->next;
	}
	c->parent = NULL;
	d->n_cgroups--;
	c->dropped = true;
	if (parent && !parent->dropped)
		cg_update_candidacy(parent);
	c->open_handles++; /* cg_unref() frees it when it was the last */
	cg_unref(c);
}

/* --- inotify --- */
static void handle_event(struct daemon *d, const struct inotify_event *ev)
{
	if (ev->mask & IN_Q_OVERFLOW) {
		log_msg(LOG_WARNING, "inotify queue overflowed; rescanning %s", d->opts.root);
		watch_rescan(d);
		return;
	}
	if (ev->wd == d->policy_wd) {
		if (d->policy_dir_changed)
			d->policy_dir_changed(d);
		return;
	}
	if (ev->wd == d->logs_wd) {
		if (d->logs_dir_changed)
			d->logs_dir_changed(d);
		return;
	}
	struct cg *c = mt_wdmap_get(&d->wds, ev->wd);
	if (ev->mask & IN_IGNORED) {
		mt_wdmap_del(&d->wds, ev->wd);
		if (c)
			c->wd = -1;
		return;
	}
	if (!c || c->dropped)
		return;
	if ((ev->mask & IN_CREATE) && (ev->mask & IN_ISDIR) && ev->len) {
		/* as the scan does: "."-names are not cgroups we supervise */
		if (ev->name[0] != '.' && !cg_child(c, ev->name))
			cg_add(d, c, ev->name);
	} else if ((ev->mask & IN_DELETE) && (ev->mask & IN_ISDIR) && ev->len) {
		struct cg *k = cg_child(c, ev->name);
		if (k)
			cg_drop(k, true);
	} else if ((ev->mask & IN_MODIFY) && ev->len) {
		if (strcmp(ev->name, "memory.events") == 0 && c->candidate)
			read_events(c);
	}
}

static void on_inotify(uv_poll_t *h, int status, int events)
{
	struct daemon *d = h->data;
	/* Aligned as inotify(7) asks. */
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	for (;;) {
		ssize_t n = read(d->inotify_fd, buf, sizeof buf);
		if (n <= 0)
			break;
		for (char *p = buf; p < buf + n;) {
			/* The kernel keeps each record aligned (len includes padding). */
			const struct inotify_event *ev = (const void *)p;
			handle_event(d, ev);
			p += sizeof *ev + ev->len;
		}
	}
	if (d->kick)
		d->kick(d);
}

void watch_cg_rescan(struct cg *c)
{
	/* drop children whose directory vanished */
	for (struct cg *k = c->children, *next; k; k = next) {
		next = k->next;
		struct stat st;
		if (fstatat(k->dir_fd, "cgroup.procs", &st, 0) < 0 && mt_errno_is_gone(-errno))
			cg_drop(k, true);
	}
	cg_scan_children(c);
	for (struct cg *k = c->children; k; k = k->next)
		watch_cg_rescan(k);
}

int watch_rescan(struct daemon *d)
{
	if (!d->root)
		return -ENOENT;
	watch_cg_rescan(d->root);
	return 0;
}

int watch_start(struct daemon *d)
{
	d->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (d->inotify_fd < 0)
		return -errno;
	uv_poll_init(d->loop, &d->inotify_poll, d->inotify_fd);
	d->inotify_poll.data = d;
	uv_poll_start(&d->inotify_poll, UV_READABLE, on_inotify);
	d->root = cg_add(d, NULL, "");
	if (!d->root)
		return -ENOENT;
	return 0;
}

void watch_stop(struct daemon *d)
{
	if (d->root) {
		cg_drop(d->root, false);
		d->root = NULL;
	}
	uv_close((uv_handle_t *)&d->inotify_poll, NULL);
}

static void resolve_rec(struct cg *c)
{
	cg_resolve(c);
	for (struct cg *k = c->children; k; k = k->next)
		resolve_rec(k);
	/* A candidate that stays one keeps its fds and growth history; its
	 * PSI triggers follow the (possibly changed) policy at once. */
	cg_update_candidacy(c);
	if (c->candidate)
		candidate_psi_sync(c);
}

void watch_resolve_all(struct daemon *d)
{
	if (d->root)
		resolve_rec(d->root);
}

struct cg *watch_find(struct daemon *d, const char *relpath)
{
	struct cg *c = d->root;
	const char *p = relpath;
	while (c && *p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		struct cg *k;
		for (k = c->children; k; k = k->next)
			if (strlen(k->name) == n && strncmp(k->name, p, n) == 0)
				break;
		c = k;
		p = slash ? slash + 1 : p + n;
	}
	return c;
}

static int each_rec(struct cg *c, int (*fn)(struct cg *, void *), void *ud)
{
	for (struct cg *k = c->children, *next; k; k = next) {
		next = k->next;
		int r = each_rec(k, fn, ud);
		if (r)
			return r;
	}
	return c->candidate ? fn(c, ud) : 0;
}

void watch_for_each_candidate(struct daemon *d, int (*fn)(struct cg *c, void *ud), void *ud)
{
	if (d->root)
		each_rec(d->root, fn, ud);
}

static int each_all_rec(struct cg *c, int (*fn)(struct cg *, void *), void *ud)
{
	for (struct cg *k = c->children, *next; k; k = next) {
		next = k->next;
		int r = each_all_rec(k, fn, ud);
		if (r)
			return r;
	}
	return fn(c, ud);
}

void watch_for_each(struct daemon *d, int (*fn)(struct cg *c, void *ud), void *ud)
{
	if (d->root)
		each_all_rec(d->root, fn, ud);
}

/* The guarded group below c that holds it out (lib/candidacy.h): follow the
 * guarded children down to a group guarded by itself. */
static struct cg *guard_below(struct cg *c)
{
	for (;;) {
		if (c->own.is_self || !c->own.has_policy || c->own.is_protected)
			return c;
		struct cg *k;
		for (k = c->children; k; k = k->next)
			if (k->cand.guarded)
				break;
		if (!k)
			return c;
		c = k;
	}
}

static int held_rec(struct cg *c, int (*fn)(struct cg *, struct cg *, void *), void *ud)
{
	if (c->cand.why == MT_CANDIDACY_HOLDS_GUARDED) {
		int r = fn(c, guard_below(c), ud);
		if (r)
			return r;
	}
	for (struct cg *k = c->children; k; k = k->next) {
		int r = held_rec(k, fn, ud);
		if (r)
			return r;
	}
	return 0;
}

void watch_for_each_held_out(struct daemon *d, int (*fn)(struct cg *c, struct cg *guard, void *ud), void *ud)
{
	if (d->root)
		held_rec(d->root, fn, ud);
}
