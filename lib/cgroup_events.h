/* Event counter files of a cgroup:
 *   memory.events, memory.events.local  ->  struct mt_memory_events
 *   memory.swap.events                  ->  struct mt_swap_events
 *   cgroup.events                       ->  struct mt_cgroup_events
 * Format (Documentation/admin-guide/cgroup-v2.rst): "key value\n" lines.
 * memory.events counts are hierarchical, .local ones are not; the root
 * cgroup has neither. Counters only grow: callers diff successive reads.
 *
 * Return contract (every function): 0 on success; -EBADMSG on garbage, a
 * duplicate key or a missing required key; -ERANGE on overflow; -EFBIG when
 * the file exceeds MT_EVENTS_FILE_MAX bytes; -ENOENT/-ENODEV when the
 * cgroup is gone (mt_errno_is_gone()). Unknown keys are ignored. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

/* 6.1 prints < 200 bytes; 4 KiB leaves room for many future keys. */
#define MT_EVENTS_FILE_MAX 4096

struct mt_memory_events {
	uint64_t low, high, max, oom, oom_kill;
	uint64_t oom_group_kill;  /* valid only if has_oom_group_kill (5.17+) */
	bool has_oom_group_kill;
};

struct mt_swap_events {
	uint64_t high;  /* valid only if has_high (5.8+) */
	uint64_t max, fail;
	bool has_high;
};

struct mt_cgroup_events {
	bool populated;  /* any live process in the subtree */
	bool frozen;     /* valid only if has_frozen (5.2+) */
	bool has_frozen;
};

/* memory.events / memory.events.local: low, high, max, oom, oom_kill are
 * required. */
int mt_memory_events_parse(const char *buf, size_t len, struct mt_memory_events *ret);
int mt_memory_events_read_fd(int fd, struct mt_memory_events *ret);
/* local = false reads memory.events, true reads memory.events.local. */
int mt_memory_events_read_at(int dir_fd, bool local, struct mt_memory_events *ret);

/* memory.swap.events: max and fail are required. */
int mt_swap_events_parse(const char *buf, size_t len, struct mt_swap_events *ret);
int mt_swap_events_read_fd(int fd, struct mt_swap_events *ret);
int mt_swap_events_read_at(int dir_fd, struct mt_swap_events *ret);

/* cgroup.events: populated is required; values other than 0/1 are
 * -EBADMSG. */
int mt_cgroup_events_parse(const char *buf, size_t len, struct mt_cgroup_events *ret);
int mt_cgroup_events_read_fd(int fd, struct mt_cgroup_events *ret);
int mt_cgroup_events_read_at(int dir_fd, struct mt_cgroup_events *ret);
