/* Every reader on files captured from a real Debian 6.1 guest
 * (linux-image-6.1.0-56-cloud-amd64 under QEMU, captured 2026-11-25; see
 * test/fixtures/cgroupfs/guest-6.1/README). `work` held two sleeping
 * processes with memory.high=256M and memory.oom.group=1; `hog` had
 * memory.max=16M, memory.swap.max=0 and a dd that the kernel OOM-killed. */
#include <errno.h>

#include "cgroup_events.h"
#include "cgroup_procs.h"
#include "cgroup_value.h"
#include "check.h"
#include "fixtures.h"
#include "meminfo.h"
#include "memstat.h"
#include "psi.h"

static void test_work(void)
{
	int d = mt_fixture_dir("cgroupfs/guest-6.1/work");
	struct mt_memory_events me;
	struct mt_cgroup_events ce;
	struct mt_memstat st;
	struct mt_psi p;
	struct mt_pids pids = MT_PIDS_INIT;
	uint64_t v;

	CHECK_INT(mt_memory_events_read_at(d, false, &me), 0);
	CHECK(me.has_oom_group_kill);
	CHECK_U64(me.oom_kill, 0);
	CHECK_INT(mt_cgroup_events_read_at(d, &ce), 0);
	CHECK(ce.populated && ce.has_frozen && !ce.frozen);
	CHECK_INT(mt_psi_read_at(d, "cpu.pressure", &p), 0);
	CHECK(p.has_full);
	CHECK_U64(p.some.total, 13697);
	CHECK_U64(p.full.total, 13697);
	CHECK_INT(mt_psi_read_at(d, "io.pressure", &p), 0);
	CHECK_INT(mt_memstat_read_at(d, &st), 0);
	CHECK_U64(st.anon, 102400);
	CHECK_U64(st.kernel, 94208);
	CHECK_U64(st.pagetables, 40960);
	CHECK_U64(st.inactive_anon, 94208);
	CHECK_U64(st.active_anon, 8192);
	CHECK_U64(st.slab, 6208);
	CHECK_U64(st.pgfault, 77);
	/* this kernel is built without zswap: the keys are absent, not 0 */
	CHECK(!mt_memstat_has(&st, zswap));
	CHECK(!mt_memstat_has(&st, zswapped));
	CHECK(mt_memstat_has(&st, sec_pagetables));
	CHECK_U64(st.present, ((UINT64_C(1) << MT_MEMSTAT_N_FIELDS) - 1) &
		  ~((UINT64_C(1) << MT_MEMSTAT_BIT_zswap) | (UINT64_C(1) << MT_MEMSTAT_BIT_zswapped)));
	CHECK_INT(mt_value_read_at(d, "memory.current", &v), 0);
	CHECK_U64(v, 262144);
	CHECK_INT(mt_value_read_at(d, "memory.max", &v), 0);
	CHECK_U64(v, MT_VALUE_MAX);
	CHECK_INT(mt_value_read_at(d, "memory.high", &v), 0);
	CHECK_U64(v, 268435456);
	CHECK_INT(mt_value_read_at(d, "memory.swap.max", &v), 0);
	CHECK_U64(v, MT_VALUE_MAX);
	CHECK_INT(mt_value_read_at(d, "memory.oom.group", &v), 0);
	CHECK_U64(v, 1);
	CHECK_INT(mt_procs_read_at(d, "cgroup.procs", &pids), 2);
	CHECK_INT(pids.pids[0], 91);
	CHECK_INT(pids.pids[1], 92);
	mt_pids_done(&pids);
	close(d);
}

static void test_hog(void)
{
	int d = mt_fixture_dir("cgroupfs/guest-6.1/hog");
	struct mt_memory_events me;
	struct mt_swap_events se;
	struct mt_cgroup_events ce;
	struct mt_memstat st;
	struct mt_psi p;
	struct mt_pids pids = MT_PIDS_INIT;
	uint64_t v;

	CHECK_INT(mt_memory_events_read_at(d, false, &me), 0);
	CHECK_U64(me.low, 0);
	CHECK_U64(me.high, 0);
	CHECK_U64(me.max, 35);
	CHECK_U64(me.oom, 1);
	CHECK_U64(me.oom_kill, 1);
	CHECK_U64(me.oom_group_kill, 0);
	CHECK_INT(mt_memory_events_read_at(d, true, &me), 0);
	CHECK_U64(me.max, 35);
	CHECK_INT(mt_swap_events_read_at(d, &se), 0);
	CHECK(se.has_high);
	CHECK_U64(se.fail, 0);
	CHECK_INT(mt_cgroup_events_read_at(d, &ce), 0);
	CHECK(!ce.populated);
	CHECK_INT(mt_psi_read_at(d, "memory.pressure", &p), 0);
	CHECK_INT(p.some.avg10, 14);
	CHECK_INT(p.some.avg60, 3);
	CHECK_INT(p.some.avg300, 0);
	CHECK_U64(p.some.total, 28429);
	CHECK_INT(p.full.avg10, 14);
	CHECK_U64(p.full.total, 28429);
	CHECK_INT(mt_memstat_read_at(d, &st), 0);
	CHECK_U64(st.anon, 0);
	CHECK_U64(st.kernel, 4096);
	CHECK_INT(mt_value_read_at(d, "memory.max", &v), 0);
	CHECK_U64(v, 16777216);
	CHECK_INT(mt_value_read_at(d, "memory.peak", &v), 0);
	CHECK_U64(v, 16777216);
	CHECK_INT(mt_value_read_at(d, "memory.current", &v), 0);
	CHECK_U64(v, 4096);
	CHECK_INT(mt_value_read_at(d, "memory.swap.max", &v), 0);
	CHECK_U64(v, 0);
	CHECK_INT(mt_procs_read_at(d, "cgroup.procs", &pids), 0);
	mt_pids_done(&pids);
	close(d);
}

static void test_proc(void)
{
	int d = mt_fixture_dir("proc-guest-6.1");
	struct mt_meminfo mi;
	struct mt_psi p;

	CHECK_INT(mt_meminfo_read(d, &mi), 0);
	CHECK_U64(mi.mem_total, UINT64_C(480040) * 1024);
	CHECK_U64(mi.mem_free, UINT64_C(452644) * 1024);
	CHECK_U64(mi.mem_available, UINT64_C(452460) * 1024);
	CHECK_U64(mi.cached, UINT64_C(1940) * 1024);
	CHECK_U64(mi.swap_total, 0);
	CHECK_U64(mi.k_reclaimable, UINT64_C(9104) * 1024);
	CHECK_U64(mi.commit_limit, UINT64_C(240020) * 1024);
	CHECK_U64(mi.committed_as, UINT64_C(3284) * 1024);
	CHECK_U64(mi.present, (UINT64_C(1) << MT_MEMINFO_N_FIELDS) - 1);
	close(d);

	d = mt_fixture_dir("proc-guest-6.1/pressure");
	CHECK_INT(mt_psi_read_at(d, "memory", &p), 0);
	CHECK_U64(p.some.total, 26922);
	CHECK_U64(p.full.total, 19491);
	CHECK_INT(mt_psi_read_at(d, "cpu", &p), 0);
	CHECK_INT(p.some.avg10, 739);
	CHECK_INT(p.some.avg60, 230);
	CHECK_INT(p.some.avg300, 52);
	CHECK_U64(p.some.total, 1955717);
	CHECK(p.has_full);
	CHECK_INT(mt_psi_read_at(d, "io", &p), 0);
	close(d);
}

int main(void)
{
	test_work();
	test_hog();
	test_proc();
	return mt_check_status();
}
