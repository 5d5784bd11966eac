#include "cgroup_events.h"

#include <errno.h>
#include <string.h>

#include "cleanup.h"
#include "fileio.h"
#include "kv.h"

#define FIELD(st, name, req) { #name, offsetof(st, name), req }

static const struct mt_kv_field memory_events_fields[] = {
	FIELD(struct mt_memory_events, low, true),
	FIELD(struct mt_memory_events, high, true),
	FIELD(struct mt_memory_events, max, true),
	FIELD(struct mt_memory_events, oom, true),
	FIELD(struct mt_memory_events, oom_kill, true),
	FIELD(struct mt_memory_events, oom_group_kill, false),
};
enum { MEMORY_EVENTS_BIT_OOM_GROUP_KILL = 5 };

/* Values are parsed into this scratch struct so a failed parse leaves the
 * caller's struct untouched. */
int mt_memory_events_parse(const char *buf, size_t len, struct mt_memory_events *ret)
{
	struct mt_memory_events ev = { 0 };
	uint64_t present;
	int r = mt_kv_parse(buf, len, ' ', memory_events_fields, MT_ELEMENTSOF(memory_events_fields), &ev, &present);
	if (r < 0)
		return r;
	ev.has_oom_group_kill = present & (UINT64_C(1) << MEMORY_EVENTS_BIT_OOM_GROUP_KILL);
	*ret = ev;
	return 0;
}

int mt_memory_events_read_fd(int fd, struct mt_memory_events *ret)
{
	char buf[MT_EVENTS_FILE_MAX];
	int n = mt_read_fd(fd, buf, sizeof(buf));
	return n < 0 ? n : mt_memory_events_parse(buf, (size_t)n, ret);
}

int mt_memory_events_read_at(int dir_fd, bool local, struct mt_memory_events *ret)
{
	char buf[MT_EVENTS_FILE_MAX];
	int n = mt_read_at(dir_fd, local ? "memory.events.local" : "memory.events", buf, sizeof(buf));
	return n < 0 ? n : mt_memory_events_parse(buf, (size_t)n, ret);
}

static const struct mt_kv_field swap_events_fields[] = {
	FIELD(struct mt_swap_events, high, false),
	FIELD(struct mt_swap_events, max, true),
	FIELD(struct mt_swap_events, fail, true),
};
enum { SWAP_EVENTS_BIT_HIGH = 0 };

int mt_swap_events_parse(const char *buf, size_t len, struct mt_swap_events *ret)
{
	struct mt_swap_events ev = { 0 };
	uint64_t present;
	int r = mt_kv_parse(buf, len, ' ', swap_events_fields, MT_ELEMENTSOF(swap_events_fields), &ev, &present);
	if (r < 0)
		return r;
	ev.has_high = present & (UINT64_C(1) << SWAP_EVENTS_BIT_HIGH);
	*ret = ev;
	return 0;
}

int mt_swap_events_read_fd(int fd, struct mt_swap_events *ret)
{
	char buf[MT_EVENTS_FILE_MAX];
	int n = mt_read_fd(fd, buf, sizeof(buf));
	return n < 0 ? n : mt_swap_events_parse(buf, (size_t)n, ret);
}

int mt_swap_events_read_at(int dir_fd, struct mt_swap_events *ret)
{
	char buf[MT_EVENTS_FILE_MAX];
	int n = mt_read_at(dir_fd, "memory.swap.events", buf, sizeof(buf));
	return n < 0 ? n : mt_swap_events_parse(buf, (size_t)n, ret);
}

struct cgroup_events_raw {
	uint64_t populated, frozen;
};

static const struct mt_kv_field cgroup_events_fields[] = {
	FIELD(struct cgroup_events_raw, populated, true),
	FIELD(struct cgroup_events_raw, frozen, false),
};
enum { CGROUP_EVENTS_BIT_FROZEN = 1 };

int mt_cgroup_events_parse(const char *buf, size_t len, struct mt_cgroup_events *ret)
{
	struct cgroup_events_raw raw = { 0 };
	uint64_t present;
	int r = mt_kv_parse(buf, len, ' ', cgroup_events_fields, MT_ELEMENTSOF(cgroup_events_fields), &raw, &present);
	if (r < 0)
		return r;
	if (raw.populated > 1 || raw.frozen > 1)
		return -EBADMSG;
	ret->populated = raw.populated;
	ret->frozen = raw.frozen;
	ret->has_frozen = present & (UINT64_C(1) << CGROUP_EVENTS_BIT_FROZEN);
	return 0;
}

int mt_cgroup_events_read_fd(int fd, struct mt_cgroup_events *ret)
{
	char buf[MT_EVENTS_FILE_MAX];
	int n = mt_read_fd(fd, buf, sizeof(buf));
	return n < 0 ? n : mt_cgroup_events_parse(buf, (size_t)n, ret);
}

int mt_cgroup_events_read_at(int dir_fd, struct mt_cgroup_events *ret)
{
	char buf[MT_EVENTS_FILE_MAX];
	int n = mt_read_at(dir_fd, "cgroup.events", buf, sizeof(buf));
	return n < 0 ? n : mt_cgroup_events_parse(buf, (size_t)n, ret);
}
