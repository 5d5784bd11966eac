/* memory.stat of one cgroup: the fields memtriage accounts with.
 *
 * Format (Documentation/admin-guide/cgroup-v2.rst): "key value\n" lines;
 * sizes in bytes, event counts (pg*, workingset_*, thp_*) as counters.
 * Kernels add, and occasionally rename, keys (sec_pagetables 6.0, zswap
 * 5.19, file_thp 5.4): every field has a presence bit so callers know
 * whether the kernel printed it; an absent field reads 0 but must not be
 * trusted as 0. Only `anon` and `file` are required (present since 4.5).
 *
 * Return contract: 0 on success; -EBADMSG on garbage, a duplicate known
 * key or a missing required key; -ERANGE on overflow; -EFBIG when the file
 * exceeds MT_MEMSTAT_FILE_MAX bytes; -ENOENT/-ENODEV when the cgroup is
 * gone. Unknown keys are ignored. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 6.1 prints about 1.6 KiB; 16 KiB leaves room for many future keys. */
#define MT_MEMSTAT_FILE_MAX 16384

/* X(field) for each field; the key in memory.stat is the field's name. */
#define MT_MEMSTAT_FIELDS(X) \
	X(anon) X(file) X(kernel) X(kernel_stack) X(pagetables) X(sec_pagetables) \
	X(percpu) X(sock) X(vmalloc) X(shmem) X(zswap) X(zswapped) \
	X(file_mapped) X(file_dirty) X(file_writeback) X(swapcached) \
	X(anon_thp) X(file_thp) X(shmem_thp) \
	X(inactive_anon) X(active_anon) X(inactive_file) X(active_file) X(unevictable) \
	X(slab_reclaimable) X(slab_unreclaimable) X(slab) \
	X(workingset_refault_anon) X(workingset_refault_file) \
	X(workingset_activate_anon) X(workingset_activate_file) \
	X(workingset_restore_anon) X(workingset_restore_file) X(workingset_nodereclaim) \
	X(pgscan) X(pgsteal) X(pgscan_kswapd) X(pgscan_direct) X(pgsteal_kswapd) X(pgsteal_direct) \
	X(pgfault) X(pgmajfault) X(pgrefill) X(pgactivate) X(pgdeactivate) \
	X(pglazyfree) X(pglazyfreed) X(thp_fault_alloc) X(thp_collapse_alloc)

enum mt_memstat_bit {
#define MT_MEMSTAT_X_(n) MT_MEMSTAT_BIT_##n,
	MT_MEMSTAT_FIELDS(MT_MEMSTAT_X_)
#undef MT_MEMSTAT_X_
	MT_MEMSTAT_N_FIELDS
};
_Static_assert(MT_MEMSTAT_N_FIELDS <= 64, "presence mask is a uint64_t");

struct mt_memstat {
#define MT_MEMSTAT_X_(n) uint64_t n;
	MT_MEMSTAT_FIELDS(MT_MEMSTAT_X_)
#undef MT_MEMSTAT_X_
	uint64_t present;  /* bit MT_MEMSTAT_BIT_<field> set if the kernel printed it */
};

/* True if the kernel printed `field` (a bare field name: anon, pgscan...). */
#define mt_memstat_has(stat, field) ((((stat)->present) >> MT_MEMSTAT_BIT_##field) & 1u)

int mt_memstat_parse(const char *buf, size_t len, struct mt_memstat *ret);
int mt_memstat_read_fd(int fd, struct mt_memstat *ret);
/* Reads memory.stat below the cgroup directory fd. */
int mt_memstat_read_at(int dir_fd, struct mt_memstat *ret);
