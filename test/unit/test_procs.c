/* lib/cgroup_procs.h against fixture files and in-memory buffers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup_procs.h"
#include "check.h"
#include "fixtures.h"

#define S(lit) lit, sizeof(lit) - 1

static void expect_file(const char *dir, int r)
{
	int d = mt_fixture_dir(dir);
	struct mt_pids p = MT_PIDS_INIT;
	int got = mt_procs_read_at(d, "cgroup.procs", &p);

	if (got != r)
		fprintf(stderr, "fixture %s/cgroup.procs:\n", dir);
	CHECK_INT(got, r);
	if (r < 0)
		CHECK_INT(p.n, 0);
	mt_pids_done(&p);
	close(d);
}

static void test_large(void)
{
	/* 100000 pids: forces the read buffer and the array to grow many times */
	char tmpl[] = "/tmp/mt-procs-XXXXXX";
	char *dir = mkdtemp(tmpl);
	struct mt_pids p = MT_PIDS_INIT;
	FILE *f;
	int d;

	CHECK(dir != NULL);
	if (!dir)
		return;
	d = mt_dir_open(AT_FDCWD, dir);
	f = fdopen(openat(d, "cgroup.procs", O_WRONLY | O_CREAT | O_CLOEXEC, 0644), "w");
	CHECK(f != NULL);
	for (int i = 1; i <= 100000; i++)
		fprintf(f, "%d\n", i * 41);
	fclose(f);
	CHECK_INT(mt_procs_read_at(d, "cgroup.procs", &p), 100000);
	CHECK_INT(p.pids[0], 41);
	CHECK_INT(p.pids[99999], 4100000);
	/* re-reading replaces, never appends */
	CHECK_INT(mt_procs_read_at(d, "cgroup.procs", &p), 100000);
	CHECK_INT(p.n, 100000);
	mt_pids_done(&p);
	CHECK(p.pids == NULL && p.n == 0 && p.cap == 0);
	unlinkat(d, "cgroup.procs", 0);
	close(d);
	rmdir(dir);
}

/* The bound: a file of exactly MT_PROCS_FILE_MAX bytes is read whole, one
 * byte more is -EFBIG (never a silently truncated pid list). */
static void test_bound(void)
{
	char tmpl[] = "/tmp/mt-procs-XXXXXX";
	char *dir = mkdtemp(tmpl);
	struct mt_pids p = MT_PIDS_INIT;
	FILE *f;
	int d;

	CHECK(dir != NULL);
	if (!dir)
		return;
	d = mt_dir_open(AT_FDCWD, dir);
	f = fdopen(openat(d, "cgroup.procs", O_WRONLY | O_CREAT | O_CLOEXEC, 0644), "w");
	CHECK(f != NULL);
	for (unsigned i = 0; i < MT_PROCS_FILE_MAX / 8; i++)
		fputs("1234567\n", f);
	fflush(f);
	CHECK_INT(mt_procs_read_at(d, "cgroup.procs", &p), MT_PROCS_FILE_MAX / 8);
	fputs("7\n", f);
	fclose(f);
	CHECK_INT(mt_procs_read_at(d, "cgroup.procs", &p), -EFBIG);
	CHECK_INT(p.n, 0);
	mt_pids_done(&p);
	unlinkat(d, "cgroup.procs", 0);
	close(d);
	rmdir(dir);
}

int main(void)
{
	int d = mt_fixture_dir("cgroupfs/valid/workload");
	struct mt_pids p = MT_PIDS_INIT;

	CHECK_INT(mt_procs_read_at(d, "cgroup.procs", &p), 3);
	CHECK_INT(p.pids[0], 1187);
	CHECK_INT(p.pids[1], 1203);
	CHECK_INT(p.pids[2], 4194304);
	close(d);

	expect_file("cgroupfs/valid/old-kernel", 0);  /* empty cgroup: no pids, no error */
	expect_file("cgroupfs/empty", 0);
	expect_file("cgroupfs/malformed", -EBADMSG);
	expect_file("cgroupfs/truncated", -EBADMSG);
	expect_file("cgroupfs/non-numeric", -EBADMSG);
	expect_file("cgroupfs/overflow", -ERANGE);
	expect_file("cgroupfs/missing-file", -ENOENT);

	CHECK_INT(mt_procs_parse(S("0\n"), &p), -EBADMSG);
	CHECK_INT(p.n, 0);
	CHECK_INT(mt_procs_parse(S("2147483647\n"), &p), 1);
	CHECK_INT(p.pids[0], 2147483647);
	CHECK_INT(mt_procs_parse(S("1 \n"), &p), -EBADMSG);
	CHECK_INT(mt_procs_parse(S("-1\n"), &p), -EBADMSG);
	mt_pids_done(&p);

	test_large();
	test_bound();
	return mt_check_status();
}
