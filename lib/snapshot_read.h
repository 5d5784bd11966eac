/* Filling a snapshot's measured inputs (lib/snapshot.h) from the kernel:
 * /proc/meminfo and /proc/pressure/memory for the node, memory.stat and the
 * limit files for a candidate, all through directory fds so tests point them
 * at fixture trees. Identity, resolved policy, growth and kill state are the
 * daemon's to fill; derived fields are mt_snapshot_compute()'s.
 *
 * Return contract: 0 on success, a negative errno on failure. For a
 * candidate, -ENOENT/-ENODEV (mt_errno_is_gone()) mean the cgroup vanished
 * mid-read: the caller drops it from this snapshot, it is not an error. */
#pragma once

#include "snapshot.h"

/* Fills mem_total, mem_available, swap_total, swap_free and the two avg10
 * PSI figures from proc_fd (a directory fd for /proc). A missing
 * pressure/memory (kernel without PSI) leaves the PSI figures 0 and is not
 * an error; any other failure is. Other node fields are left untouched. */
int mt_snapshot_read_node(int proc_fd, struct mt_node *node);

/* The look's read: mem_total, mem_available, swap_total and swap_free
 * from a kept-open /proc/meminfo fd (one pread at offset 0), nothing
 * else, parsing only the figures the node needs. 0 or a negative errno
 * (mt_meminfo_parse_node's). */
int mt_snapshot_read_meminfo_fd(int meminfo_fd, struct mt_node *node);

/* Fills the zram_* inputs from proc_fd ("swaps") and sys_block_fd (a
 * directory fd for /sys/block: zram<N>/mm_stat of each zram swap device).
 * Call after mt_snapshot_read_node(): the zram swap figures are clamped to
 * node->swap_total and swap_free (and zram free swap to at least the part of
 * SwapFree that disk swap cannot hold), because /proc/swaps is read a moment after
 * /proc/meminfo and a swapoff or swap-in in between could make them
 * disagree. A zram device whose mm_stat is gone (swapoff and reset, hot
 * removal) is skipped, not an error. A missing /proc/swaps means a kernel
 * without swap: fine when swap_total is 0, -ENOENT otherwise.
 * sys_block_fd may be -1 when no zram swap is listed; with one it is
 * -EBADF. */
int mt_snapshot_read_zram(int proc_fd, int sys_block_fd, struct mt_node *node);

/* Fills c->mem from memory.stat, memory.current, memory.swap.current
 * (absent without swap accounting: 0), memory.high and memory.max below
 * cg_fd; c->unpopulated from cgroup.events (left alone when the file is
 * absent); c->shmem_survives when memory.stat shows more shmem than mapped
 * pages (some shmem no process maps: tmpfs or SysV content that outlives a
 * kill). Other candidate fields are left untouched. */
int mt_snapshot_read_candidate(int cg_fd, struct mt_candidate *c);

/* The same, each file through an fd the caller keeps open (read with pread
 * at offset 0) where one is >= 0, else opened below cg_fd for this read.
 * Kept fds keep the kernel's per-open buffers too: on the path to a kill,
 * when the node is short, an open allocates in the kernel (and may wait in
 * reclaim) where a pread of a kept fd does not. */
struct mt_candidate_files {
	int memory_stat, cgroup_events, memory_current, memory_swap_current, memory_high, memory_max;
};
int mt_snapshot_read_candidate_files(int cg_fd, const struct mt_candidate_files *f, struct mt_candidate *c);
