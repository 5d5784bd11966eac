#include "snapshot_read.h"
#include "cgroup_events.h"

#include "memstat.h"

#include <errno.h>

#include "cgroup_value.h"
#include "fileio.h"
#include "meminfo.h"
#include "psi.h"
#include "swaps.h"
#include "zram.h"

static void node_from_meminfo(const struct mt_meminfo *mi, struct mt_node *node)
{
	node->mem_total = mi->mem_total;
	node->mem_available = mi->mem_available;
	node->swap_total = mi->swap_total;
	node->swap_free = mi->swap_free;
}

int mt_snapshot_read_meminfo_fd(int meminfo_fd, struct mt_node *node)
{
	char buf[MT_MEMINFO_FILE_MAX];
	int len = mt_read_fd_once(meminfo_fd, buf, sizeof buf);
	struct mt_meminfo mi;
	int r = len < 0 ? len : mt_meminfo_parse_node(buf, (size_t)len, &mi);
	if (r < 0)
		return r;
	node_from_meminfo(&mi, node);
	return 0;
}

int mt_snapshot_read_node(int proc_fd, struct mt_node *node)
{
	struct mt_meminfo mi;
	int r = mt_meminfo_read(proc_fd, &mi);
	if (r < 0)
		return r;
	node_from_meminfo(&mi, node);

	struct mt_psi psi;
	r = mt_psi_read_at(proc_fd, "pressure/memory", &psi);
	if (r == -ENOENT || r == -EOPNOTSUPP) {
		node->psi_some_avg10 = node->psi_full_avg10 = 0;
		return 0;
	}
	if (r < 0)
		return r;
	/* the reader keeps hundredths of a percent; the snapshot percent */
	node->psi_some_avg10 = psi.some.avg10 / 100.0;
	node->psi_full_avg10 = psi.has_full ? psi.full.avg10 / 100.0 : 0.0;
	return 0;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static void add_sat(uint64_t *a, uint64_t b)
{
	*a = *a > UINT64_MAX - b ? UINT64_MAX : *a + b;
}

int mt_snapshot_read_zram(int proc_fd, int sys_block_fd, struct mt_node *node)
{
	struct mt_swaps sw;
	uint64_t total = 0, free = 0, orig = 0, pool = 0, lim_free = 0, lim_room = 0;
	int r = mt_swaps_read(proc_fd, &sw);
	if (r == -ENOENT && node->swap_total == 0)
		sw.n = 0;
	else if (r < 0)
		return r;
	for (size_t i = 0; i < sw.n; i++) {
		const struct mt_swap *d = &sw.dev[i];
		struct mt_zram_mm_stat st;
		if (!d->zram)
			continue;
		if (sys_block_fd < 0)
			return -EBADF;
		r = mt_zram_mm_stat_read(sys_block_fd, d->zram_id, &st);
		if (mt_errno_is_gone(r))
			continue; /* swapped off and removed since /proc/swaps */
		if (r < 0)
			return r;
		add_sat(&total, d->size);
		add_sat(&free, d->size - d->used);
		add_sat(&orig, st.orig_data_size);
		add_sat(&pool, st.mem_used_total);
		if (st.mem_limit) {
			add_sat(&lim_free, d->size - d->used);
			add_sat(&lim_room, st.mem_limit > st.mem_used_total ? st.mem_limit - st.mem_used_total : 0);
		}
	}
	node->zram_swap_total = min_u64(total, node->swap_total);
	/* disk swap free (swap_free - zram free) cannot exceed disk swap */
	uint64_t disk_total = node->swap_total - node->zram_swap_total;
	uint64_t floor = node->swap_free > disk_total ? node->swap_free - disk_total : 0;
	free = free > floor ? free : floor;
	node->zram_swap_free = min_u64(min_u64(free, node->zram_swap_total), node->swap_free);
	node->zram_limited_swap_free = min_u64(lim_free, node->zram_swap_free);
	node->zram_orig_data_size = orig;
	node->zram_mem_used_total = min_u64(pool, node->mem_total);
	node->zram_limit_room = lim_room;
	return 0;
}

/* fd >= 0: a pread of it; else the file below cg_fd. */
static int value_of(int cg_fd, int fd, const char *name, uint64_t *ret)
{
	return fd >= 0 ? mt_value_read_fd(fd, ret) : mt_value_read_at(cg_fd, name, ret);
}

int mt_snapshot_read_candidate_files(int cg_fd, const struct mt_candidate_files *f, struct mt_candidate *c)
{
	struct mt_memstat k;
	int r = f->memory_stat >= 0 ? mt_memstat_read_fd(f->memory_stat, &k) : mt_memstat_read_at(cg_fd, &k);
	if (r < 0)
		return r;
	struct mt_candidate_mem *m = &c->mem;
	m->anon = k.anon;
	m->shmem = k.shmem;
	m->file = k.file;
	m->file_dirty = k.file_dirty;
	m->file_writeback = k.file_writeback;
	m->kernel = k.kernel;
	m->kernel_stack = k.kernel_stack;
	m->pagetables = k.pagetables;
	m->percpu = k.percpu;
	m->sock = k.sock;
	m->slab_reclaimable = k.slab_reclaimable;
	m->slab_unreclaimable = k.slab_unreclaimable;
	m->unevictable = k.unevictable;
	/* shmem no process maps is tmpfs or SysV content: a kill leaves it.
	 * file_mapped also counts mapped regular files, so only more shmem
	 * than all mapped pages proves some is unmapped. */
	c->shmem_survives = k.shmem > k.file_mapped;
	struct mt_cgroup_events ev;
	r = f->cgroup_events >= 0 ? mt_cgroup_events_read_fd(f->cgroup_events, &ev)
	                          : mt_cgroup_events_read_at(cg_fd, &ev);
	if (r == 0)
		c->unpopulated = !ev.populated;
	else if (r != -ENOENT)
		return r; /* absent: unknown, judged populated; gone shows below */

	r = value_of(cg_fd, f->memory_current, "memory.current", &m->current);
	if (r < 0)
		return r;
	r = value_of(cg_fd, f->memory_swap_current, "memory.swap.current", &m->swap_current);
	if (r == -ENOENT) {
		/* without swap accounting the file is absent; a vanished cgroup
		 * shows in the memory.high read below */
		m->swap_current = 0;
	} else if (r < 0) {
		return r;
	}
	r = value_of(cg_fd, f->memory_high, "memory.high", &m->high);
	if (r < 0)
		return r;
	return value_of(cg_fd, f->memory_max, "memory.max", &m->max);
}

int mt_snapshot_read_candidate(int cg_fd, struct mt_candidate *c)
{
	static const struct mt_candidate_files none = { -1, -1, -1, -1, -1, -1 };
	return mt_snapshot_read_candidate_files(cg_fd, &none, c);
}
