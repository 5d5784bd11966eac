/* Where the host's memory controller lives, and whether memtriage can serve
 * it: the libcgroup adapter (cold path, start-up only).
 *
 * libcgroup is used where it is the right tool: cgroup_init() parses the
 * mount table and cgroup_get_subsys_mount_point("memory") answers "where is
 * the memory controller" for v1, hybrid and unified layouts alike, which is
 * the one question with layout-specific traps (named hierarchies, co-mounts,
 * a memory controller listed in a v2 cgroup.controllers). libcgroup 2.0.2
 * (Debian 12) has no cgroup_setup_mode(), so v1 vs v2 is told by statfs(2)
 * f_type of the mount (CGROUP2_SUPER_MAGIC vs CGROUP_SUPER_MAGIC).
 * The unified (cgroup2) mount of a hybrid host is found by scanning
 * /proc/self/mounts, since libcgroup only reports controller mounts.
 * memory.stat is parsed by lib/memstat.h, not libcgroup's
 * cgroup_read_stats_begin(): that needs a mounted controller and a path
 * string, hands back values as strings, and neither rejects duplicates nor
 * runs on an in-memory buffer (no fixtures, no fuzzing).
 * Everything after start-up (reading counters, walking the tree, writing
 * memory.high, cgroup.kill) uses openat on directory fds (lib/fileio.h,
 * lib/cgroup_walk.h), never libcgroup: its calls re-resolve path strings
 * and allocate per call, and cannot be pointed at fixture trees.
 *
 * libcgroup keeps process-global state (its mount table); call
 * mt_cgmount_probe() from the main thread at start-up.
 *
 * Return contract: >= 0 success, negative errno failure; libcgroup's
 * positive ECG* codes never leave this file (mt_cgmount_errno()). */
#pragma once

#include <limits.h>
#include <stdbool.h>

enum mt_cgroup_fs {
	MT_CGROUP_FS_NONE,   /* not found */
	MT_CGROUP_FS_V1,     /* CGROUP_SUPER_MAGIC */
	MT_CGROUP_FS_V2,     /* CGROUP2_SUPER_MAGIC */
	MT_CGROUP_FS_OTHER,  /* some other filesystem (e.g. tmpfs): not a cgroup mount */
};

/* The facts for the host check's paragraph. */
struct mt_host_cgroup {
	/* The memory controller's mount as libcgroup reports it. */
	char memory_mount[PATH_MAX];   /* "" if libcgroup found no memory controller */
	enum mt_cgroup_fs memory_fs;
	int memory_error;              /* negative errno of the lookup, 0 if found */
	/* The first cgroup2 mount in /proc/self/mounts (hybrid: .../unified). */
	char unified_mount[PATH_MAX];  /* "" if none */
	char unified_controllers[256]; /* its cgroup.controllers without newline; "" if empty */
};

/* Fills *ret. Failures to find things are facts recorded in *ret (not
 * errors); returns a negative errno only when the probe itself cannot run
 * (e.g. -ENOMEM). */
int mt_cgmount_probe(struct mt_host_cgroup *ret);

/* True if the memory controller is on a cgroup2 mount: the daemon can
 * serve this host. */
bool mt_cgmount_servable(const struct mt_host_cgroup *h);

/* The one place libcgroup's positive ECG* codes (50000+) become negative
 * errno: ECGOTHER -> -cgroup_get_last_errno(); "not mounted / not there"
 * codes -> -ENOENT or -ENODEV; ECGINVAL -> -EINVAL; the rest -> -EIO.
 * 0 stays 0; an already negative value is returned unchanged. */
int mt_cgmount_errno(int ecg);

/* A human name for the filesystem kind: "cgroup v1", "cgroup2", ... */
const char *mt_cgroup_fs_name(enum mt_cgroup_fs fs);
