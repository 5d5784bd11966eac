/* lib/psi.h: PSI files and trigger strings. */
#include <errno.h>

#include "check.h"
#include "fixtures.h"
#include "psi.h"

#define S(lit) lit, sizeof(lit) - 1

static void test_valid(void)
{
	int d = mt_fixture_dir("cgroupfs/valid/workload");
	struct mt_psi p;

	CHECK_INT(mt_psi_read_at(d, "memory.pressure", &p), 0);
	CHECK_INT(p.some.avg10, 153);
	CHECK_INT(p.some.avg60, 87);
	CHECK_INT(p.some.avg300, 22);
	CHECK_U64(p.some.total, 3487112);
	CHECK(p.has_full);
	CHECK_INT(p.full.avg10, 91);
	CHECK_INT(p.full.avg60, 40);
	CHECK_INT(p.full.avg300, 9);
	CHECK_U64(p.full.total, 1203470);

	CHECK_INT(mt_psi_read_at(d, "cpu.pressure", &p), 0);
	CHECK_INT(p.some.avg10, 1250);
	CHECK_INT(p.some.avg60, 1003);
	CHECK_INT(p.some.avg300, 400);
	CHECK_U64(p.some.total, 98211430);
	CHECK(p.has_full);
	CHECK_U64(p.full.total, 0);

	CHECK_INT(mt_psi_read_at(d, "io.pressure", &p), 0);
	CHECK_INT(p.some.avg10, 10000);
	CHECK_U64(p.some.total, UINT64_MAX);
	close(d);

	d = mt_fixture_dir("cgroupfs/valid/old-kernel");
	CHECK_INT(mt_psi_read_at(d, "cpu.pressure", &p), 0);
	CHECK(!p.has_full);
	CHECK_U64(p.some.total, 0);
	CHECK_INT(mt_psi_read_at(d, "memory.pressure", &p), -ENOENT);
	close(d);

	d = mt_fixture_dir("cgroupfs/unknown-key");
	CHECK_INT(mt_psi_read_at(d, "memory.pressure", &p), 0);
	CHECK_INT(p.some.avg300, 22);
	CHECK_U64(p.some.total, 3487112);
	close(d);
}

static void expect_file(const char *dir, const char *name, int r)
{
	int d = mt_fixture_dir(dir);
	struct mt_psi p = { .some.total = 77 };
	int got = mt_psi_read_at(d, name, &p);

	if (got != r)
		fprintf(stderr, "fixture %s/%s:\n", dir, name);
	CHECK_INT(got, r);
	CHECK_U64(p.some.total, 77);
	close(d);
}

static void test_bad(void)
{
	struct mt_psi p;

	expect_file("cgroupfs/malformed", "memory.pressure", -EBADMSG);
	expect_file("cgroupfs/truncated", "memory.pressure", -EBADMSG);
	expect_file("cgroupfs/empty", "memory.pressure", -EBADMSG);
	expect_file("cgroupfs/oversized", "memory.pressure", -EFBIG);
	expect_file("cgroupfs/duplicate-key", "memory.pressure", -EBADMSG);
	expect_file("cgroupfs/duplicate-key", "cpu.pressure", -EBADMSG);
	expect_file("cgroupfs/missing-key", "memory.pressure", -EBADMSG);
	expect_file("cgroupfs/missing-key", "cpu.pressure", -EBADMSG);  /* full without some */
	expect_file("cgroupfs/non-numeric", "memory.pressure", -EBADMSG);
	expect_file("cgroupfs/overflow", "memory.pressure", -ERANGE);
	expect_file("cgroupfs/missing-file", "memory.pressure", -ENOENT);

	CHECK_INT(mt_psi_parse(S("some avg10=1.530 avg60=0.87 avg300=0.22 total=1\n"), &p), -EBADMSG);
	CHECK_INT(mt_psi_parse(S("some avg10=.53 avg60=0.87 avg300=0.22 total=1\n"), &p), -EBADMSG);
	CHECK_INT(mt_psi_parse(S("some avg10=1.5a avg60=0.87 avg300=0.22 total=1\n"), &p), -EBADMSG);
	CHECK_INT(mt_psi_parse(S("some avg10=1,53 avg60=0.87 avg300=0.22 total=1\n"), &p), -EBADMSG);
	CHECK_INT(mt_psi_parse(S("some avg10=1.53 avg60=0.87 avg300=0.22 total=1.0\n"), &p), -EBADMSG);
	CHECK_INT(mt_psi_parse(S("Some avg10=1.53 avg60=0.87 avg300=0.22 total=1\n"), &p), -EBADMSG);
	CHECK_INT(mt_psi_parse(S("some avg10=1.53 avg60=0.87 avg300=0.22 total=1 x\n"), &p), -EBADMSG);
	/* by key: token order does not matter */
	CHECK_INT(mt_psi_parse(S("some total=5 avg300=0.03 avg60=0.02 avg10=0.01\n"), &p), 0);
	CHECK_INT(p.some.avg10, 1);
	CHECK_INT(p.some.avg300, 3);
	CHECK_U64(p.some.total, 5);
	/* the largest average that fits: 42949672.95 % is absurd but representable */
	CHECK_INT(mt_psi_parse(S("some avg10=42949672.95 avg60=0.00 avg300=0.00 total=0\n"), &p), 0);
	CHECK_INT(p.some.avg10, UINT32_MAX);
}

static void test_trigger(void)
{
	char buf[MT_PSI_TRIGGER_MAX];

	CHECK_INT(mt_psi_trigger_format(MT_PSI_SOME, 150000, 1000000, buf, sizeof(buf)), 19);
	CHECK_STR(buf, "some 150000 1000000");
	CHECK_INT(mt_psi_trigger_format(MT_PSI_FULL, 10000000, 10000000, buf, sizeof(buf)), 22);
	CHECK_STR(buf, "full 10000000 10000000");
	CHECK_INT(mt_psi_trigger_format(MT_PSI_SOME, 1, 500000, buf, sizeof(buf)), 13);
	CHECK_STR(buf, "some 1 500000");
	CHECK_INT(mt_psi_trigger_format(MT_PSI_SOME, 1000, 499999, buf, sizeof(buf)), -EINVAL);
	CHECK_INT(mt_psi_trigger_format(MT_PSI_SOME, 1000, 10000001, buf, sizeof(buf)), -EINVAL);
	CHECK_INT(mt_psi_trigger_format(MT_PSI_SOME, 0, 1000000, buf, sizeof(buf)), -EINVAL);
	CHECK_INT(mt_psi_trigger_format(MT_PSI_SOME, 1000001, 1000000, buf, sizeof(buf)), -EINVAL);
	CHECK_INT(mt_psi_trigger_format((enum mt_psi_kind)7, 1000, 1000000, buf, sizeof(buf)), -EINVAL);
	CHECK_INT(mt_psi_trigger_format(MT_PSI_SOME, 150000, 1000000, buf, 19), -ENOBUFS);
	CHECK_INT(mt_psi_trigger_format(MT_PSI_SOME, 150000, 1000000, buf, 20), 19);
}

int main(void)
{
	test_valid();
	test_bad();
	test_trigger();
	return mt_check_status();
}
