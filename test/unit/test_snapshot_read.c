#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "cleanup.h"
#include "fileio.h"
#include "snapshot_read.h"

static int fixture(const char *rel)
{
	char p[1024];
	snprintf(p, sizeof p, "%s/snapshot_read/%s", getenv("MT_FIXTURES"), rel);
	return mt_dir_open(AT_FDCWD, p);
}

static void test_node(void)
{
	_cleanup_close_ int proc = fixture("proc");
	CHECK(proc >= 0);
	struct mt_node n = { .ram_reserve = 64ull << 20, .swap_reserve = 0 };
	CHECK_INT(mt_snapshot_read_node(proc, &n), 0);
	CHECK_U64(n.mem_total, 492000ull * 1024);
	CHECK_U64(n.mem_available, 40000ull * 1024);
	CHECK_U64(n.swap_total, 262140ull * 1024);
	CHECK_U64(n.swap_free, 200000ull * 1024);
	CHECK(n.psi_some_avg10 > 12.339 && n.psi_some_avg10 < 12.341);
	CHECK(n.psi_full_avg10 > 5.059 && n.psi_full_avg10 < 5.061);
	CHECK_U64(n.ram_reserve, 64ull << 20); /* untouched */
	CHECK_INT(mt_node_compute(&n), 0);
	/* commit = (492000-40000) + (262140-200000) kB */
	CHECK_U64(n.commit, (452000ull + 62140ull) * 1024);
}

static void test_candidate(void)
{
	_cleanup_close_ int a = fixture("cg/a");
	struct mt_candidate c = { 0 };
	CHECK_INT(mt_snapshot_read_candidate(a, &c), 0);
	CHECK_U64(c.mem.anon, 104857600);
	CHECK_U64(c.mem.shmem, 8388608);
	CHECK_U64(c.mem.file, 20971520);
	CHECK_U64(c.mem.file_dirty, 1048576);
	CHECK_U64(c.mem.file_writeback, 524288);
	CHECK_U64(c.mem.kernel, 3145728);
	CHECK_U64(c.mem.slab_reclaimable, 1048576);
	CHECK_U64(c.mem.sock, 4096);
	CHECK_U64(c.mem.current, 134217728);
	CHECK_U64(c.mem.swap_current, 16777216);
	CHECK_U64(c.mem.high, MT_UNLIMITED);
	CHECK_U64(c.mem.max, 268435456);
	CHECK(!c.unpopulated);
	/* 8 MiB shmem, nothing mapped: tmpfs content a kill leaves */
	CHECK(c.shmem_survives);
	uint64_t ram = 0, swap = 0;
	mt_candidate_frees(&c, &ram, &swap);
	/* anon + sock + (kernel - slab_reclaimable); the shmem survives */
	CHECK_U64(ram, 104857600ull + 4096 + (3145728 - 1048576));
	CHECK_U64(swap, 16777216);

	_cleanup_close_ int ns = fixture("cg/noswap");
	struct mt_candidate d = { 0 };
	CHECK_INT(mt_snapshot_read_candidate(ns, &d), 0);
	CHECK_U64(d.mem.swap_current, 0);
	CHECK_U64(d.mem.high, 1048576);
	CHECK_U64(d.mem.max, MT_UNLIMITED);
	CHECK(d.unpopulated);        /* cgroup.events: populated 0 */
	CHECK(!d.shmem_survives);    /* shmem 64 KiB, 128 KiB mapped */

	/* a cgroup that vanished: every file gone */
	_cleanup_close_ int gone = fixture("cg");
	struct mt_candidate e = { 0 };
	CHECK_INT(mt_snapshot_read_candidate(gone, &e), -ENOENT);
}

/* Through kept fds: the same figures, whatever the fds' offsets (a pread
 * at 0 each time), and -1 entries read by name. */
static void test_candidate_files(void)
{
	_cleanup_close_ int a = fixture("cg/a");
	static const char *const names[] = { "memory.stat", "cgroup.events", "memory.current",
	                                     "memory.swap.current", "memory.high", "memory.max" };
	int fds[6];
	for (size_t i = 0; i < 6; i++) {
		fds[i] = openat(a, names[i], O_RDONLY | O_CLOEXEC);
		CHECK(fds[i] >= 0);
	}
	struct mt_candidate_files f = { fds[0], fds[1], fds[2], fds[3], fds[4], fds[5] };
	struct mt_candidate by_name = { 0 }, kept = { 0 }, again = { 0 };
	CHECK_INT(mt_snapshot_read_candidate(a, &by_name), 0);
	CHECK_INT(mt_snapshot_read_candidate_files(a, &f, &kept), 0);
	CHECK_INT(mt_snapshot_read_candidate_files(a, &f, &again), 0);
	CHECK(memcmp(&by_name.mem, &kept.mem, sizeof kept.mem) == 0);
	CHECK(memcmp(&by_name.mem, &again.mem, sizeof again.mem) == 0);
	CHECK(kept.shmem_survives == by_name.shmem_survives && kept.unpopulated == by_name.unpopulated);
	struct mt_candidate_files some = f;
	some.memory_stat = some.memory_high = -1;
	struct mt_candidate mixed = { 0 };
	CHECK_INT(mt_snapshot_read_candidate_files(a, &some, &mixed), 0);
	CHECK(memcmp(&by_name.mem, &mixed.mem, sizeof mixed.mem) == 0);
	for (size_t i = 0; i < 6; i++)
		close(fds[i]);
}

int main(void)
{
	test_node();
	test_candidate();
	test_candidate_files();
	return mt_check_status();
}
