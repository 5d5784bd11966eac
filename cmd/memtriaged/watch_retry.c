#include "watch_retry.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "ratelimit.h"
#include "watch.h"
#include "watch_add.h"

/* The watch limit (fs.inotify.max_user_watches) is raised by an operator
 * or freed by another process at human pace: a retry a second sees it soon
 * and costs one failing syscall per pass (a pass stops at the first
 * ENOSPC). */
#define WATCH_RETRY_INTERVAL_MS 1000
/* A failing retry recurs every pass: once a minute keeps it in view. */
#define WATCH_RETRY_LOG_INTERVAL_MS 60000

struct pass {
	unsigned added;
	int err;                 /* the first failure, 0 when none */
	char err_path[256];
	bool stop;
};

static void retry_rec(struct cg *c, struct pass *p)
{
	if (p->stop || c->dropped)
		return;
	if (c->unwatched) {
		int r = watch_add_again(c);
		if (r == 0) {
			p->added++;
			log_msg(LOG_NOTICE, "%s/%s: watched again; rescanning it", c->d->opts.root, c->relpath);
			watch_cg_rescan(c); /* what was created while it was blind */
		} else if (!p->err) {
			p->err = r;
			snprintf(p->err_path, sizeof p->err_path, "%s", c->relpath);
		}
		/* the limit is per user: every other group would fail alike */
		if (r == -ENOSPC || r == -ENOMEM) {
			p->stop = true;
			return;
		}
	}
	/* c's own rescan never drops c's children's children mid-walk: each
	 * child is visited after the rescan above has settled the list */
	for (struct cg *k = c->children, *next; k; k = next) {
		next = k->next;
		retry_rec(k, p);
		if (p->stop)
			return;
	}
}

void watch_retry(struct daemon *d)
{
	if (!d->n_unwatched || !d->root) /* every look: no clock read for nothing */
		return;
	uint64_t now = now_ms();
	if (now - d->watch_retry_ms < WATCH_RETRY_INTERVAL_MS)
		return;
	d->watch_retry_ms = now;
	struct pass p = { 0 };
	retry_rec(d->root, &p);
	if (p.err) {
		uint64_t unlogged = 0;
		if (mt_ratelimit_allow(&d->watch_retry_rl, WATCH_RETRY_LOG_INTERVAL_MS, 1, now, &unlogged))
			log_msg(LOG_ERR, "%u cgroups still unwatched (%s/%s: inotify_add_watch: %s; %" PRIu64
			        " failed passes since the last such line); retrying every %d ms",
			        d->n_unwatched, d->opts.root, p.err_path, strerror(-p.err), unlogged,
			        WATCH_RETRY_INTERVAL_MS);
	}
	if (p.added) {
		if (!d->n_unwatched)
			log_msg(LOG_NOTICE, "every cgroup is watched again");
		if (d->kick)
			d->kick(d);
	}
}
