/* A map from inotify watch descriptors to pointers: an array sorted by wd
 * (inotify hands descriptors out increasing, so inserts are appends in
 * practice), looked up by binary search; it shrinks when three quarters of
 * it are unused. No I/O.
 *
 * Return contract: 0 or -ENOMEM. */
#pragma once

#include <stddef.h>

struct mt_wdmap {
	struct mt_wdmap_entry {
		int wd;
		void *ptr;
	} *v;
	size_t n, cap;
};

/* The pointer stored for wd, NULL when none. */
void *mt_wdmap_get(const struct mt_wdmap *m, int wd);
/* Stores ptr for wd, replacing what was there (the kernel reuses a wd for
 * the same inode). */
int mt_wdmap_put(struct mt_wdmap *m, int wd, void *ptr);
/* Forgets wd (nothing when absent). */
void mt_wdmap_del(struct mt_wdmap *m, int wd);
void mt_wdmap_free(struct mt_wdmap *m);
