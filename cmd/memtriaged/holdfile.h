/* The hold file (lib/holds.h) in the daemon: every lowered limit is on disk
 * before it is written to cgroupfs, so a daemon killed mid-hold restores
 * it when it starts again. */
#pragma once

#include "daemon.h"

/* Opens opts.hold_file's directory (creating it), restores every limit an
 * earlier run left lowered (if it still holds the value written), and
 * starts a fresh file. 0, or a negative errno (a start-up error). No-op
 * without a hold file. */
int holdfile_open(struct daemon *d);
/* Records c's hold h (saved and held values) and writes the file; called
 * by the actor before each lowering write. A negative errno means the hold
 * is not on disk: the caller must not lower the limit. */
int holdfile_record(struct cg *c, const struct mt_hold *h);
/* Drops c's hold (released, or the cgroup is gone) and writes the file. */
void holdfile_forget(struct cg *c);
void holdfile_close(struct daemon *d);
