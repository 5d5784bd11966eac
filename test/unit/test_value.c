/* lib/cgroup_value.h against fixture files and in-memory buffers. */
#include <errno.h>

#include "cgroup_value.h"
#include "check.h"
#include "cleanup.h"
#include "fileio.h"
#include "fixtures.h"

#define S(lit) lit, sizeof(lit) - 1

static void expect(int d, const char *name, int r, uint64_t value)
{
	uint64_t v = 12345;
	int got = mt_value_read_at(d, name, &v);

	if (got != r)
		fprintf(stderr, "file %s:\n", name);
	CHECK_INT(got, r);
	CHECK_U64(v, r == 0 ? value : 12345);
}

int main(void)
{
	int d = mt_fixture_dir("cgroupfs/valid/workload");
	uint64_t v;

	expect(d, "memory.current", 0, 314572800);
	expect(d, "memory.max", 0, MT_VALUE_MAX);
	expect(d, "memory.high", 0, 1073741824);
	expect(d, "memory.min", 0, 0);
	expect(d, "memory.low", 0, 268435456);
	expect(d, "memory.swap.current", 0, 4096);
	expect(d, "memory.swap.max", 0, MT_VALUE_MAX);
	expect(d, "memory.peak", 0, 402653184);
	expect(d, "memory.oom.group", 0, 1);
	expect(d, "memory.nonexistent", -ENOENT, 0);
	{
		_cleanup_close_ int fd = openat(d, "memory.current", O_RDONLY | O_CLOEXEC);
		CHECK_INT(mt_value_read_fd(fd, &v), 0);
		CHECK_U64(v, 314572800);
	}
	close(d);

	d = mt_fixture_dir("cgroupfs/malformed");
	expect(d, "memory.current", -EBADMSG, 0);
	close(d);
	d = mt_fixture_dir("cgroupfs/truncated");
	expect(d, "memory.current", -EBADMSG, 0);
	close(d);
	d = mt_fixture_dir("cgroupfs/empty");
	expect(d, "memory.current", -EBADMSG, 0);
	close(d);
	d = mt_fixture_dir("cgroupfs/oversized");
	expect(d, "memory.current", -EFBIG, 0);
	close(d);
	d = mt_fixture_dir("cgroupfs/non-numeric");
	expect(d, "memory.current", -EBADMSG, 0);
	expect(d, "memory.max", -EBADMSG, 0);
	expect(d, "memory.high", -EBADMSG, 0);
	close(d);
	d = mt_fixture_dir("cgroupfs/overflow");
	expect(d, "memory.current", -ERANGE, 0);
	close(d);

	CHECK_INT(mt_value_parse(S("0\n"), &v), 0);
	CHECK_U64(v, 0);
	CHECK_INT(mt_value_parse(S("18446744073709551614\n"), &v), 0);
	CHECK_U64(v, UINT64_MAX - 1);
	CHECK_INT(mt_value_parse(S("\n"), &v), -EBADMSG);
	CHECK_INT(mt_value_parse(S("max \n"), &v), -EBADMSG);
	CHECK_INT(mt_value_parse(S("5\n\n"), &v), -EBADMSG);
	CHECK_INT(mt_value_parse(S("5\n6\n"), &v), -EBADMSG);
	CHECK_INT(mt_value_parse(S("5\r\n"), &v), -EBADMSG);
	CHECK_INT(mt_value_parse("5\0\n", 3, &v), -EBADMSG);
	return mt_check_status();
}
