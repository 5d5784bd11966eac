/* The daemon's side of the hold file (lib/holds.h): restored at start,
 * written before each limit is lowered, trimmed after each release. */
#include "holdfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "act.h"
#include "cgroup_value.h"
#include "cleanup.h"
#include "fileio.h"
#include "log.h"

static int persist(struct daemon *d)
{
	if (d->hold_dir_fd < 0)
		return -EBADF;
	return mt_holds_write_at(d->hold_dir_fd, d->hold_name, &d->holds);
}

/* Restores one limit if it is still the value we wrote (the kernel keeps
 * it rounded down to a page): one someone else changed since is theirs
 * now. "changed-since" / "restored" / an error. */
static const char *restore_one(int fd, const char *file, uint64_t held, uint64_t saved, int *ret_err)
{
	uint64_t now, page = (uint64_t)sysconf(_SC_PAGESIZE);
	int r = mt_value_read_at(fd, file, &now);
	if (r == 0 && now != held && now != held - held % page)
		return "changed-since";
	if (r == 0)
		r = strcmp(file, "memory.high") == 0 ? mt_act_set_high(fd, saved) : mt_act_set_swap_high(fd, saved);
	*ret_err = r;
	return r < 0 ? strerror(-r) : "restored";
}

int holdfile_open(struct daemon *d)
{
	d->hold_dir_fd = -1;
	if (!d->opts.hold_file || !*d->opts.hold_file)
		return 0;
	const char *slash = strrchr(d->opts.hold_file, '/');
	if (!slash || !slash[1])
		return -EINVAL;
	_cleanup_free_ char *dir = strndup(d->opts.hold_file, (size_t)(slash - d->opts.hold_file) + 1);
	if (!dir)
		return -ENOMEM;
	d->hold_name = slash + 1;
	/* the runtime directory may not exist yet on a fresh boot (tmpfs) */
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	d->hold_dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->hold_dir_fd < 0)
		return -errno;
	char err[256] = "";
	struct mt_holds old;
	int r = mt_holds_read_at(d->hold_dir_fd, d->hold_name, &old, err, sizeof err);
	if (r < 0) {
		/* unreadable: nothing can be restored from it; kept aside for a
		 * look, and a fresh file started */
		log_msg(LOG_ERR, "hold file %s: %s; moved to %s.bad, throttles it recorded are not restored",
		        d->opts.hold_file, r == -EINVAL ? err : strerror(-r), d->hold_name);
		char bad[512];
		snprintf(bad, sizeof bad, "%s.bad", d->hold_name);
		renameat(d->hold_dir_fd, d->hold_name, d->hold_dir_fd, bad);
		old = (struct mt_holds){ 0 };
	}
	d->holds = (struct mt_holds){ 0 };
	for (size_t i = 0; i < old.n; i++) {
		const struct mt_hold *h = &old.v[i];
		_cleanup_close_ int fd = mt_dir_open(d->root_fd, h->path);
		int e = 0, es = 0;
		const char *high = "gone", *swap = NULL;
		if (fd >= 0) {
			high = restore_one(fd, "memory.high", h->held_high, h->saved_high, &e);
			if (h->swap_held)
				swap = restore_one(fd, "memory.swap.high", h->held_swap_high, h->saved_swap_high, &es);
		}
		/* a restore that failed (not gone) is tried again at the next start */
		if ((e < 0 && !mt_errno_is_gone(e)) || (es < 0 && !mt_errno_is_gone(es)))
			mt_holds_set(&d->holds, h);
		log_event(LOG_NOTICE, "hold-restored",
		          json_pack("{s:s, s:s, s:s?, s:s}", "cgroup", h->path, "memory_high", high, "swap_high", swap,
		                    "why", "left by an earlier run"));
	}
	mt_holds_free(&old);
	r = persist(d);
	if (r < 0)
		log_msg(LOG_ERR, "hold file %s: writing: %s", d->opts.hold_file, strerror(-r));
	return r;
}

int holdfile_record(struct cg *c, const struct mt_hold *h)
{
	struct daemon *d = c->d;
	if (d->hold_dir_fd < 0)
		return 0; /* no hold file configured */
	int r = mt_holds_set(&d->holds, h);
	if (r == 0)
		r = persist(d);
	if (r < 0) {
		if (!d->hold_error_reported)
			log_msg(LOG_ERR, "hold file %s: %s; not throttling what could not be recorded (reported once)",
			        d->opts.hold_file, strerror(-r));
		d->hold_error_reported = true;
	}
	return r;
}

void holdfile_forget(struct cg *c)
{
	struct daemon *d = c->d;
	if (d->hold_dir_fd < 0 || mt_holds_remove(&d->holds, c->relpath) < 0)
		return;
	int r = persist(d);
	if (r < 0)
		log_msg(LOG_ERR, "hold file %s: writing: %s", d->opts.hold_file, strerror(-r));
}

void holdfile_close(struct daemon *d)
{
	mt_holds_free(&d->holds);
	if (d->hold_dir_fd >= 0)
		close(d->hold_dir_fd);
	d->hold_dir_fd = -1;
}
