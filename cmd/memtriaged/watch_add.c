#include "watch_add.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>

#include "log.h"
#include "wdmap.h"

#define MASK_TREE (IN_CREATE | IN_DELETE | IN_ONLYDIR | IN_EXCL_UNLINK)
/* kernfs_notify() raises IN_MODIFY on the parent directory's watch for
 * memory.events and cgroup.events, after a workqueue hop. */
#define MASK_EVENTS IN_MODIFY

static void mark(struct cg *c, bool unwatched)
{
	if (c->unwatched == unwatched)
		return;
	c->unwatched = unwatched;
	if (unwatched)
		c->d->n_unwatched++;
	else
		c->d->n_unwatched--;
}

int watch_add_again(struct cg *c)
{
	struct daemon *d = c->d;
	char fdpath[64];
	snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", c->dir_fd);
	uint32_t mask = MASK_TREE | (d->opts.watch_mode == WATCH_INOTIFY ? MASK_EVENTS : 0);
	int wd = inotify_add_watch(d->inotify_fd, fdpath, mask);
	if (wd < 0)
		return -errno;
	/* a wd the kernel hands out again is the same watch (one per inode) */
	if (mt_wdmap_get(&d->wds, wd) != c && mt_wdmap_put(&d->wds, wd, c) < 0) {
		inotify_rm_watch(d->inotify_fd, wd);
		return -ENOMEM;
	}
	c->wd = wd;
	mark(c, false);
	return 0;
}

int watch_add(struct cg *c)
{
	int r = watch_add_again(c);
	if (r < 0) {
		mark(c, true);
		log_msg_limited(&c->d->watch_add_rl, LOG_ERR,
		                "%s/%s: inotify_add_watch: %s (fs.inotify.max_user_watches?); "
		                "groups created below it are not seen until it is retried",
		                c->d->opts.root, c->relpath, strerror(-r));
	}
	return r;
}
