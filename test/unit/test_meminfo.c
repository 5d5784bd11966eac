/* lib/meminfo.h against a fake /proc. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "check.h"
#include "fileio.h"
#include "fixtures.h"
#include "meminfo.h"

#define S(lit) lit, sizeof(lit) - 1
#define KB(n) ((uint64_t)(n) * 1024)

static void expect_dir(const char *dir, int r)
{
	int d = mt_fixture_dir(dir);
	struct mt_meminfo mi = { .mem_total = 5 };
	int got = mt_meminfo_read(d, &mi);

	if (got != r)
		fprintf(stderr, "fixture %s/meminfo:\n", dir);
	CHECK_INT(got, r);
	CHECK_U64(mi.mem_total, 5);
	close(d);
}

/* The look's parse: the four node figures, the same values as the full
 * parse, nothing after SwapFree read. */
static void test_node(void)
{
	char buf[MT_MEMINFO_FILE_MAX];
	int d = mt_fixture_dir("proc");
	int fd = openat(d, "meminfo", O_RDONLY | O_CLOEXEC);
	int n = mt_read_fd_once(fd, buf, sizeof buf);
	close(fd);
	close(d);
	CHECK(n > 0);
	struct mt_meminfo full, node;
	CHECK_INT(mt_meminfo_parse(buf, (size_t)n, &full), 0);
	CHECK_INT(mt_meminfo_parse_node(buf, (size_t)n, &node), 0);
	CHECK_U64(node.mem_total, full.mem_total);
	CHECK_U64(node.mem_available, full.mem_available);
	CHECK_U64(node.swap_total, full.swap_total);
	CHECK_U64(node.swap_free, full.swap_free);
	CHECK_U64(node.present, UINT64_C(1) << MT_MEMINFO_BIT_mem_total | UINT64_C(1) << MT_MEMINFO_BIT_mem_available |
	                        UINT64_C(1) << MT_MEMINFO_BIT_swap_total | UINT64_C(1) << MT_MEMINFO_BIT_swap_free);
	CHECK_U64(node.cached, 0);

	/* stops at the line completing the four: what follows is not read */
	CHECK_INT(mt_meminfo_parse_node(S("MemTotal: 8 kB\nMemAvailable: 4 kB\nCached: junk\nSwapTotal: 2 kB\n"
	                                  "SwapFree: 1 kB\nno colon here\nMemTotal: 9 kB\n"), &node), 0);
	CHECK_U64(node.mem_total, KB(8));
	CHECK_U64(node.swap_free, KB(1));
	/* before it, the full parse's checks */
	CHECK_INT(mt_meminfo_parse_node(S("MemTotal: 8 kB\nMemTotal: 8 kB\nMemAvailable: 4 kB\nSwapTotal: 2 kB\n"
	                                  "SwapFree: 1 kB\n"), &node), -EBADMSG);
	CHECK_INT(mt_meminfo_parse_node(S("MemTotal: 8 kB\nbroken\nMemAvailable: 4 kB\nSwapTotal: 2 kB\n"
	                                  "SwapFree: 1 kB\n"), &node), -EBADMSG);
	CHECK_INT(mt_meminfo_parse_node(S("MemTotal: 8 kB\nMemAvailable: 4 KB\nSwapTotal: 2 kB\nSwapFree: 1 kB\n"),
	                                &node), -EBADMSG);
	CHECK_INT(mt_meminfo_parse_node(S("MemTotal: 18014398509481984 kB\n"), &node), -ERANGE);
	/* each of the four required */
	CHECK_INT(mt_meminfo_parse_node(S("MemTotal: 8 kB\nMemAvailable: 4 kB\nSwapTotal: 2 kB\n"), &node), -EBADMSG);
	CHECK_INT(mt_meminfo_parse_node(S(""), &node), -EBADMSG);
}

int main(void)
{
	int d = mt_fixture_dir("proc");
	struct mt_meminfo mi;

	CHECK_INT(mt_meminfo_read(d, &mi), 0);
	close(d);
	CHECK_U64(mi.present, (UINT64_C(1) << MT_MEMINFO_N_FIELDS) - 1);
	CHECK_U64(mi.mem_total, KB(8130508));
	CHECK_U64(mi.mem_free, KB(412340));
	CHECK_U64(mi.mem_available, KB(3021884));
	CHECK_U64(mi.buffers, KB(120344));
	CHECK_U64(mi.cached, KB(2710032));
	CHECK_U64(mi.swap_cached, KB(10240));
	CHECK_U64(mi.active_anon, KB(2400112));
	CHECK_U64(mi.inactive_anon, KB(1680220));
	CHECK_U64(mi.active_file, KB(1080004));
	CHECK_U64(mi.inactive_file, KB(1522268));
	CHECK_U64(mi.unevictable, KB(32768));
	CHECK_U64(mi.mlocked, KB(32768));
	CHECK_U64(mi.swap_total, KB(2097148));
	CHECK_U64(mi.swap_free, KB(1048572));
	CHECK_U64(mi.dirty, KB(2248));
	CHECK_U64(mi.writeback, 0);
	CHECK_U64(mi.anon_pages, KB(4012180));
	CHECK_U64(mi.shmem, KB(120004));
	CHECK_U64(mi.k_reclaimable, KB(180224));
	CHECK_U64(mi.s_reclaimable, KB(180224));
	CHECK_U64(mi.s_unreclaim, KB(180224));
	CHECK_U64(mi.kernel_stack, KB(14336));
	CHECK_U64(mi.page_tables, KB(40960));
	CHECK_U64(mi.commit_limit, KB(6162400));
	CHECK_U64(mi.committed_as, KB(9876544));

	expect_dir("proc-bad/truncated", -EBADMSG);
	expect_dir("proc-bad/no-unit", -EBADMSG);
	expect_dir("proc-bad/duplicate", -EBADMSG);
	expect_dir("proc-bad/missing", -EBADMSG);
	expect_dir("proc-bad/oversized", -EFBIG);
	expect_dir("proc-bad/empty", -EBADMSG);
	expect_dir("proc-bad/overflow", -ERANGE);
	expect_dir("cgroupfs", -ENOENT);

	/* the largest kB count that fits in bytes */
	CHECK_INT(mt_meminfo_parse(S("MemTotal: 18014398509481983 kB\nMemFree: 0 kB\nMemAvailable: 0 kB\n"
				     "Cached: 0 kB\nDirty: 0 kB\nWriteback: 0 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n"
				     "CommitLimit: 0 kB\nCommitted_AS: 0 kB\n"), &mi), 0);
	CHECK_U64(mi.mem_total, UINT64_MAX - 1023);
	CHECK_U64(mi.present & (UINT64_C(1) << MT_MEMINFO_BIT_buffers), 0);
	CHECK_INT(mt_meminfo_parse(S("MemTotal: 1 KB\n"), &mi), -EBADMSG);
	CHECK_INT(mt_meminfo_parse(S("MemTotal: kB\n"), &mi), -EBADMSG);
	CHECK_INT(mt_meminfo_parse(S("MemTotal: 1 kB \n"), &mi), -EBADMSG);
	CHECK_INT(mt_meminfo_parse(S("memtotal: 1 kB\n"), &mi), -EBADMSG); /* case matters: then MemTotal is missing */

	test_node();
	return mt_check_status();
}
