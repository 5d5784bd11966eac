/* /proc/meminfo: the node-wide numbers, converted to bytes.
 *
 * Format (Documentation/filesystems/proc.rst): "Key:   <n> kB\n" lines,
 * a few (HugePages_*) without the unit. Every field here carries "kB" in
 * the file; a field of ours without it is -EBADMSG. Keys are matched
 * exactly (case and parentheses included); unknown keys are ignored.
 * Required: MemTotal, MemFree, MemAvailable, Cached, Dirty, Writeback,
 * SwapTotal, SwapFree, Committed_AS, CommitLimit; the rest have presence
 * bits (mt_meminfo_has()).
 *
 * Return contract: 0 on success; -EBADMSG on garbage, a duplicate known
 * key or a missing required key; -ERANGE when a value in bytes overflows
 * u64; -EFBIG when the file exceeds MT_MEMINFO_FILE_MAX bytes; other
 * negative errno from open/read. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* 6.1 prints about 1.5 KiB. */
#define MT_MEMINFO_FILE_MAX 16384

/* X(field, "Key", required) */
#define MT_MEMINFO_FIELDS(X) \
	X(mem_total, "MemTotal", 1) X(mem_free, "MemFree", 1) X(mem_available, "MemAvailable", 1) \
	X(buffers, "Buffers", 0) X(cached, "Cached", 1) X(swap_cached, "SwapCached", 0) \
	X(active_anon, "Active(anon)", 0) X(inactive_anon, "Inactive(anon)", 0) \
	X(active_file, "Active(file)", 0) X(inactive_file, "Inactive(file)", 0) \
	X(unevictable, "Unevictable", 0) X(mlocked, "Mlocked", 0) \
	X(swap_total, "SwapTotal", 1) X(swap_free, "SwapFree", 1) \
	X(dirty, "Dirty", 1) X(writeback, "Writeback", 1) X(anon_pages, "AnonPages", 0) \
	X(shmem, "Shmem", 0) X(k_reclaimable, "KReclaimable", 0) \
	X(s_reclaimable, "SReclaimable", 0) X(s_unreclaim, "SUnreclaim", 0) \
	X(kernel_stack, "KernelStack", 0) X(page_tables, "PageTables", 0) \
	X(commit_limit, "CommitLimit", 1) X(committed_as, "Committed_AS", 1)

enum mt_meminfo_bit {
#define MT_MEMINFO_X_(n, key, req) MT_MEMINFO_BIT_##n,
	MT_MEMINFO_FIELDS(MT_MEMINFO_X_)
#undef MT_MEMINFO_X_
	MT_MEMINFO_N_FIELDS
};

struct mt_meminfo {
#define MT_MEMINFO_X_(n, key, req) uint64_t n;  /* bytes */
	MT_MEMINFO_FIELDS(MT_MEMINFO_X_)
#undef MT_MEMINFO_X_
	uint64_t present;  /* bit MT_MEMINFO_BIT_<field> set if the file had it */
};

#define mt_meminfo_has(mi, field) ((((mi)->present) >> MT_MEMINFO_BIT_##field) & 1u)

int mt_meminfo_parse(const char *buf, size_t len, struct mt_meminfo *ret);

/* The node's four figures only (MemTotal, MemAvailable, SwapTotal,
 * SwapFree: what a look at the node needs), all required, stopping at the
 * line that completes them (6.1 prints SwapFree 16th of ~55 lines): the
 * look's parse, 4 times a second, costs a third of the full one. Each of
 * the four must appear once with a kB value, every line up to the last of
 * them must be a "Key: ..." line (else -EBADMSG; -ERANGE as above); other
 * keys' values and the lines after are not looked at. Other fields stay 0,
 * their presence bits clear. */
int mt_meminfo_parse_node(const char *buf, size_t len, struct mt_meminfo *ret);

/* Reads "meminfo" below proc_fd, a directory fd for /proc (or a fake /proc
 * in tests; open it with mt_dir_open(AT_FDCWD, "/proc")). */
int mt_meminfo_read(int proc_fd, struct mt_meminfo *ret);
