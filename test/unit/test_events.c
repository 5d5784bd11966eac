/* lib/cgroup_events.h against fixture files and in-memory buffers. */
#include <errno.h>

#include "cgroup_events.h"
#include "check.h"
#include "cleanup.h"
#include "fileio.h"
#include "fixtures.h"

#define S(lit) lit, sizeof(lit) - 1

static void test_valid(void)
{
	int d = mt_fixture_dir("cgroupfs/valid/workload");
	struct mt_memory_events me;
	struct mt_swap_events se;
	struct mt_cgroup_events ce;

	CHECK_INT(mt_memory_events_read_at(d, false, &me), 0);
	CHECK_U64(me.low, 0);
	CHECK_U64(me.high, 17);
	CHECK_U64(me.max, 3);
	CHECK_U64(me.oom, 2);
	CHECK_U64(me.oom_kill, 1);
	CHECK(me.has_oom_group_kill);
	CHECK_U64(me.oom_group_kill, 1);

	CHECK_INT(mt_memory_events_read_at(d, true, &me), 0);
	CHECK_U64(me.high, 5);
	CHECK_U64(me.max, 1);
	CHECK_U64(me.oom_kill, 0);

	CHECK_INT(mt_swap_events_read_at(d, &se), 0);
	CHECK(se.has_high);
	CHECK_U64(se.high, 0);
	CHECK_U64(se.max, 4);
	CHECK_U64(se.fail, 2);

	CHECK_INT(mt_cgroup_events_read_at(d, &ce), 0);
	CHECK(ce.populated);
	CHECK(ce.has_frozen);
	CHECK(!ce.frozen);

	/* the hot-path variant on a kept-open fd, read twice */
	_cleanup_close_ int fd = openat(d, "memory.events", O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	CHECK_INT(mt_memory_events_read_fd(fd, &me), 0);
	CHECK_INT(mt_memory_events_read_fd(fd, &me), 0);
	CHECK_U64(me.high, 17);
	close(d);
}

static void test_old_kernel(void)
{
	int d = mt_fixture_dir("cgroupfs/valid/old-kernel");
	struct mt_memory_events me;
	struct mt_swap_events se;
	struct mt_cgroup_events ce;

	CHECK_INT(mt_memory_events_read_at(d, false, &me), 0);
	CHECK(!me.has_oom_group_kill);
	CHECK_U64(me.oom_group_kill, 0);
	CHECK_INT(mt_swap_events_read_at(d, &se), 0);
	CHECK(!se.has_high);
	CHECK_INT(mt_cgroup_events_read_at(d, &ce), 0);
	CHECK(!ce.populated);
	CHECK(!ce.has_frozen);
	/* memory.events.local absent on this kernel */
	CHECK_INT(mt_memory_events_read_at(d, true, &me), -ENOENT);
	close(d);
}

static void expect_all(const char *dir, int memory_events, int swap_events, int cgroup_events)
{
	int d = mt_fixture_dir(dir);
	struct mt_memory_events me = { .high = 4242 };
	struct mt_swap_events se;
	struct mt_cgroup_events ce;

	if (memory_events != 1) {
		CHECK_INT(mt_memory_events_read_at(d, false, &me), memory_events);
		if (memory_events < 0)
			CHECK_U64(me.high, 4242); /* a failed parse leaves the caller's struct alone */
	}
	if (swap_events != 1)
		CHECK_INT(mt_swap_events_read_at(d, &se), swap_events);
	if (cgroup_events != 1)
		CHECK_INT(mt_cgroup_events_read_at(d, &ce), cgroup_events);
	close(d);
}

static void test_bad(void)
{
	/* 1 = no such fixture in that directory */
	expect_all("cgroupfs/malformed", -EBADMSG, -EBADMSG, -EBADMSG);
	expect_all("cgroupfs/truncated", -EBADMSG, 1, -EBADMSG);
	expect_all("cgroupfs/empty", -EBADMSG, -EBADMSG, -EBADMSG);
	expect_all("cgroupfs/oversized", -EFBIG, 1, 1);
	expect_all("cgroupfs/duplicate-key", -EBADMSG, 1, 1);
	expect_all("cgroupfs/missing-key", -EBADMSG, -EBADMSG, -EBADMSG);
	expect_all("cgroupfs/non-numeric", -EBADMSG, 1, 1);
	expect_all("cgroupfs/overflow", -ERANGE, 1, 1);
	expect_all("cgroupfs/missing-file", -ENOENT, -ENOENT, 1);

	int d = mt_fixture_dir("cgroupfs/missing-file");
	struct mt_memory_events me;
	CHECK(mt_errno_is_gone(mt_memory_events_read_at(d, false, &me)));
	close(d);
}

static void test_unknown_key(void)
{
	int d = mt_fixture_dir("cgroupfs/unknown-key");
	struct mt_memory_events me;
	struct mt_cgroup_events ce;

	CHECK_INT(mt_memory_events_read_at(d, false, &me), 0);
	CHECK_U64(me.high, 17);
	CHECK_U64(me.oom_group_kill, 0);
	CHECK_INT(mt_cgroup_events_read_at(d, &ce), 0);
	CHECK(ce.populated && ce.frozen && ce.has_frozen);
	close(d);
}

static void test_memory(void)
{
	struct mt_memory_events me;
	struct mt_cgroup_events ce;

	/* order does not matter: parse by key */
	CHECK_INT(mt_memory_events_parse(S("oom_kill 9\noom 8\nmax 7\nhigh 6\nlow 5\n"), &me), 0);
	CHECK_U64(me.low, 5);
	CHECK_U64(me.oom_kill, 9);
	CHECK_INT(mt_memory_events_parse(S("low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\noom_group_kill 0\n"), &me), -EBADMSG);
	CHECK_INT(mt_cgroup_events_parse(S("populated 1\nfrozen 2\n"), &ce), -EBADMSG);
	CHECK_INT(mt_cgroup_events_parse(S("populated  1\n"), &ce), -EBADMSG); /* two spaces */
}

int main(void)
{
	test_valid();
	test_old_kernel();
	test_bad();
	test_unknown_key();
	test_memory();
	return mt_check_status();
}
