#include "snapshot_read.h"

#include "memstat.h"

#include <errno.h>

#include "cgroup_value.h"
#include "fileio.h"
#include "meminfo.h"
#include "psi.h"

int mt_snapshot_read_node(int proc_fd, struct mt_node *node)
{
	struct mt_meminfo mi;
	int r = mt_meminfo_read(proc_fd, &mi);
	if (r < 0)
		return r;
	node->mem_total = mi.mem_total;
	node->mem_available = mi.mem_available;
	node->swap_total = mi.swap_total;
	node->swap_free = mi.swap_free;

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

int mt_snapshot_read_candidate(int cg_fd, struct mt_candidate *c)
{
	struct mt_memstat k;
	int r = mt_memstat_read_at(cg_fd, &k);
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

	r = mt_value_read_at(cg_fd, "memory.current", &m->current);
	if (r < 0)
		return r;
	r = mt_value_read_at(cg_fd, "memory.swap.current", &m->swap_current);
	if (r == -ENOENT) {
		/* without swap accounting the file is absent; tell a vanished
		 * cgroup apart by its memory.current */
		uint64_t probe;
		r = mt_value_read_at(cg_fd, "memory.current", &probe);
		if (r < 0)
			return r;
		m->swap_current = 0;
	} else if (r < 0) {
		return r;
	}
	r = mt_value_read_at(cg_fd, "memory.high", &m->high);
	if (r < 0)
		return r;
	return mt_value_read_at(cg_fd, "memory.max", &m->max);
}
