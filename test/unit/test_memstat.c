/* lib/memstat.h against fixture files. */
#include <errno.h>

#include "check.h"
#include "fixtures.h"
#include "memstat.h"

#define S(lit) lit, sizeof(lit) - 1

static void test_valid(void)
{
	int d = mt_fixture_dir("cgroupfs/valid/workload");
	struct mt_memstat st;

	CHECK_INT(mt_memstat_read_at(d, &st), 0);
	/* every field we know is printed by 6.1 */
	CHECK_U64(st.present, (UINT64_C(1) << MT_MEMSTAT_N_FIELDS) - 1);
	CHECK_U64(st.anon, 209715200);
	CHECK_U64(st.file, 94371840);
	CHECK_U64(st.kernel, 10485760);
	CHECK_U64(st.kernel_stack, 327680);
	CHECK_U64(st.pagetables, 1228800);
	CHECK_U64(st.sec_pagetables, 0);
	CHECK_U64(st.percpu, 480);
	CHECK_U64(st.sock, 8192);
	CHECK_U64(st.vmalloc, 16384);
	CHECK_U64(st.shmem, 4194304);
	CHECK_U64(st.file_mapped, 25165824);
	CHECK_U64(st.file_dirty, 122880);
	CHECK_U64(st.swapcached, 65536);
	CHECK_U64(st.anon_thp, 104857600);
	CHECK_U64(st.inactive_anon, 213909504);
	CHECK_U64(st.inactive_file, 52428800);
	CHECK_U64(st.active_file, 37748736);
	CHECK_U64(st.slab_reclaimable, 6291456);
	CHECK_U64(st.slab_unreclaimable, 2097152);
	CHECK_U64(st.slab, 8388608);
	CHECK_U64(st.workingset_refault_anon, 12);
	CHECK_U64(st.workingset_refault_file, 3401);
	CHECK_U64(st.workingset_nodereclaim, 0);
	CHECK_U64(st.pgscan, 88213);
	CHECK_U64(st.pgsteal, 80117);
	CHECK_U64(st.pgscan_direct, 18212);
	CHECK_U64(st.pgmajfault, 517);
	CHECK_U64(st.pgfault, 1938211);
	CHECK_U64(st.thp_collapse_alloc, 2);
	CHECK(mt_memstat_has(&st, zswapped));
	close(d);

	d = mt_fixture_dir("cgroupfs/valid/old-kernel");
	CHECK_INT(mt_memstat_read_at(d, &st), 0);
	CHECK_U64(st.anon, 1048576);
	CHECK_U64(st.file, 2097152);
	CHECK_U64(st.slab, 409600);
	CHECK(mt_memstat_has(&st, slab));
	CHECK(!mt_memstat_has(&st, kernel));
	CHECK(!mt_memstat_has(&st, sec_pagetables));
	CHECK(!mt_memstat_has(&st, workingset_refault_anon)); /* 5.4 printed workingset_refault */
	CHECK(!mt_memstat_has(&st, pgscan_kswapd));
	CHECK_U64(st.workingset_refault_anon, 0);
	close(d);

	d = mt_fixture_dir("cgroupfs/unknown-key");
	CHECK_INT(mt_memstat_read_at(d, &st), 0); /* an unknown key's value is not checked */
	CHECK_U64(st.anon, 7);
	CHECK_U64(st.file, 9);
	CHECK_U64(st.present, (UINT64_C(1) << MT_MEMSTAT_BIT_anon) | (UINT64_C(1) << MT_MEMSTAT_BIT_file));
	close(d);
}

static void expect_file(const char *dir, int r)
{
	int d = mt_fixture_dir(dir);
	struct mt_memstat st = { .anon = 31 };
	int got = mt_memstat_read_at(d, &st);

	if (got != r)
		fprintf(stderr, "fixture %s/memory.stat:\n", dir);
	CHECK_INT(got, r);
	CHECK_U64(st.anon, 31);
	close(d);
}

int main(void)
{
	struct mt_memstat st;

	test_valid();
	expect_file("cgroupfs/malformed", -EBADMSG);
	expect_file("cgroupfs/truncated", -EBADMSG);
	expect_file("cgroupfs/empty", -EBADMSG);
	expect_file("cgroupfs/oversized", -EFBIG);
	expect_file("cgroupfs/duplicate-key", -EBADMSG);
	expect_file("cgroupfs/missing-key", -EBADMSG);
	expect_file("cgroupfs/non-numeric", -EBADMSG);
	expect_file("cgroupfs/missing-file", -ENOENT);
	CHECK_INT(mt_memstat_parse(S("anon 1\n"), &st), -EBADMSG);
	CHECK_INT(mt_memstat_parse(S("file 1\n"), &st), -EBADMSG);
	CHECK_INT(mt_memstat_parse(S("anon 1\nfile 2\npgscan 18446744073709551616\n"), &st), -ERANGE);
	return mt_check_status();
}
