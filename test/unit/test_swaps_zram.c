/* The /proc/swaps and zram mm_stat parsers and the zram part of the node
 * reader, against fixture files (test/fixtures/swaps, zram, zram-node). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "fileio.h"
#include "snapshot_read.h"
#include "swaps.h"
#include "zram.h"

static int fixture_dir(const char *rel)
{
	char p[1024];
	snprintf(p, sizeof p, "%s/%s", getenv("MT_FIXTURES"), rel);
	return mt_dir_open(AT_FDCWD, p);
}

static int swaps(const char *name, struct mt_swaps *s)
{
	char buf[MT_SWAPS_FILE_MAX];
	_cleanup_close_ int dir = fixture_dir("swaps");
	int n = mt_read_at(dir, name, buf, sizeof buf);
	CHECK(n >= 0);
	return n < 0 ? n : mt_swaps_parse(buf, (size_t)n, s);
}

static void test_swaps(void)
{
	struct mt_swaps s;
	CHECK_INT(swaps("none", &s), 0);
	CHECK_INT(s.n, 0);

	CHECK_INT(swaps("mixed", &s), 0);
	CHECK_INT(s.n, 3);
	CHECK(s.dev[0].zram);
	CHECK_INT(s.dev[0].zram_id, 0);
	CHECK_U64(s.dev[0].size, 262140ull * 1024);
	CHECK_U64(s.dev[0].used, 102400ull * 1024);
	CHECK(!s.dev[1].zram);
	CHECK_U64(s.dev[1].size, 1048572ull * 1024);
	CHECK_U64(s.dev[1].used, 4096ull * 1024);
	CHECK(s.dev[2].zram);
	CHECK_INT(s.dev[2].zram_id, 1);
	CHECK_U64(s.dev[2].size, 131068ull * 1024);
	CHECK_U64(s.dev[2].used, 0);

	/* columns found by name, not position */
	CHECK_INT(swaps("reordered", &s), 0);
	CHECK_INT(s.n, 1);
	CHECK(s.dev[0].zram);
	CHECK_INT(s.dev[0].zram_id, 3);
	CHECK_U64(s.dev[0].size, 1024ull * 1024);
	CHECK_U64(s.dev[0].used, 8ull * 1024);

	/* only /dev/zram<decimal> is zram */
	CHECK_INT(swaps("names", &s), 0);
	CHECK_INT(s.n, 5);
	CHECK(!s.dev[0].zram);   /* /dev/zramx */
	CHECK(!s.dev[1].zram);   /* /dev/zram */
	CHECK(!s.dev[2].zram);   /* /dev/zram01 */
	CHECK(s.dev[3].zram);    /* /dev/zram10 */
	CHECK_INT(s.dev[3].zram_id, 10);
	CHECK(!s.dev[4].zram);   /* /dev/zram1/x: not a device name */

	/* byte-for-byte from the QEMU guest (6.1, test/vm), 256M zram */
	CHECK_INT(swaps("guest-6.1", &s), 0);
	CHECK_INT(s.n, 1);
	CHECK(s.dev[0].zram);
	CHECK_INT(s.dev[0].zram_id, 0);
	CHECK_U64(s.dev[0].size, 262140ull * 1024);
	CHECK_U64(s.dev[0].used, 99072ull * 1024);

	CHECK_INT(swaps("bad-no-used", &s), -EBADMSG);
	CHECK_INT(swaps("bad-short-row", &s), -EBADMSG);
	CHECK_INT(swaps("bad-used-over-size", &s), -EBADMSG);
	CHECK_INT(swaps("bad-size", &s), -EBADMSG);
	CHECK_INT(swaps("bad-truncated", &s), -EBADMSG);
	CHECK_INT(mt_swaps_parse("", 0, &s), -EBADMSG);
	CHECK_INT(mt_swaps_parse("Filename Size Used Size\n", 24, &s), -EBADMSG);
	static const char over[] = "Filename Size Used\nx 18014398509481984 0\n";
	CHECK_INT(mt_swaps_parse(over, sizeof over - 1, &s), -ERANGE);

	/* more devices than the kernel allows */
	char big[64 * 40];
	size_t len = (size_t)snprintf(big, sizeof big, "Filename Size Used\n");
	for (int i = 0; i <= MT_SWAPS_MAX; i++)
		len += (size_t)snprintf(big + len, sizeof big - len, "/dev/zram%d 8 0\n", i);
	CHECK_INT(mt_swaps_parse(big, len, &s), -E2BIG);
}

static int mm_stat(const char *name, struct mt_zram_mm_stat *st)
{
	char buf[MT_ZRAM_MM_STAT_MAX];
	_cleanup_close_ int dir = fixture_dir("zram");
	int n = mt_read_at(dir, name, buf, sizeof buf);
	CHECK(n >= 0);
	return n < 0 ? n : mt_zram_mm_stat_parse(buf, (size_t)n, st);
}

static void test_mm_stat(void)
{
	struct mt_zram_mm_stat st;
	CHECK_INT(mm_stat("old-7", &st), 0);
	CHECK_INT(st.n_fields, 7);
	CHECK_U64(st.orig_data_size, 8192);
	CHECK_U64(st.compr_data_size, 0);
	CHECK_U64(st.mem_used_total, 12288);
	CHECK_U64(st.mem_limit, 67108864);
	CHECK_U64(st.mem_used_max, 12288);
	CHECK_U64(st.same_pages, 2);
	CHECK_U64(st.pages_compacted, 0);
	CHECK_U64(st.huge_pages, 0);

	CHECK_INT(mm_stat("eight-8", &st), 0);
	CHECK_INT(st.n_fields, 8);
	CHECK_U64(st.mem_limit, 0);

	CHECK_INT(mm_stat("ten-10", &st), 0); /* a later kernel's extra field */
	CHECK_INT(st.n_fields, 10);
	CHECK_U64(st.orig_data_size, 1);
	CHECK_U64(st.mem_used_total, 3);
	CHECK_U64(st.huge_pages, 8);
	CHECK_U64(st.huge_pages_since, 9);

	/* byte-for-byte from the QEMU guest (6.1): random and pattern pages */
	CHECK_INT(mm_stat("guest-6.1-random", &st), 0);
	CHECK_INT(st.n_fields, 9);
	CHECK_U64(st.orig_data_size, 101339136);
	CHECK_U64(st.compr_data_size, 101237946);
	CHECK_U64(st.mem_used_total, 101408768);
	CHECK_U64(st.mem_limit, 0);
	CHECK_U64(st.mem_used_max, 101408768);
	CHECK_U64(st.same_pages, 0);
	CHECK_U64(st.pages_compacted, 0);
	CHECK_U64(st.huge_pages, 24713);
	CHECK_U64(st.huge_pages_since, 24713);
	/* freshly mkswap'd: the swap header page, below MT_ZRAM_MEASURE_MIN */
	CHECK_INT(mm_stat("guest-6.1-empty", &st), 0);
	CHECK_INT(st.n_fields, 9);
	CHECK_U64(st.orig_data_size, 4096);
	CHECK_U64(st.compr_data_size, 73);
	CHECK_U64(st.mem_used_total, 12288);
	CHECK_INT(mm_stat("guest-6.1-pattern", &st), 0);
	CHECK_INT(st.n_fields, 9);
	CHECK_U64(st.orig_data_size, 101412864);
	CHECK_U64(st.compr_data_size, 1126510);
	CHECK_U64(st.mem_used_total, 1769472);
	CHECK_U64(st.huge_pages, 0);

	CHECK_INT(mm_stat("bad-six", &st), -EBADMSG);
	CHECK_INT(mm_stat("bad-word", &st), -EBADMSG);
	CHECK_INT(mm_stat("bad-truncated", &st), -EBADMSG);
	CHECK_INT(mm_stat("bad-two-lines", &st), -EBADMSG);
	CHECK_INT(mm_stat("bad-overflow", &st), -ERANGE);
	CHECK_INT(mt_zram_mm_stat_parse("", 0, &st), -EBADMSG);
	CHECK_INT(mt_zram_mm_stat_parse("\n", 1, &st), -EBADMSG);
	CHECK_INT(mt_zram_mm_stat_parse("1\t2 3 4 5 6 7\n", 14, &st), -EBADMSG);

	_cleanup_close_ int sb = fixture_dir("zram-node/sys-block");
	CHECK_INT(mt_zram_mm_stat_read(sb, 0, &st), 0);
	CHECK_INT(mt_zram_mm_stat_read(sb, 7, &st), -ENOENT);
}

static void test_read_node(void)
{
	_cleanup_close_ int proc = fixture_dir("zram-node/proc");
	_cleanup_close_ int sb = fixture_dir("zram-node/sys-block");
	CHECK(proc >= 0 && sb >= 0);
	struct mt_node n = { 0 };
	CHECK_INT(mt_snapshot_read_node(proc, &n), 0);
	CHECK_INT(mt_snapshot_read_zram(proc, sb, &n), 0);
	/* swaps: zram0 262140 kB used 102400 kB (mem_limit 64 MiB, used 40
	 * MiB), a disk file, zram1 listed but gone from /sys/block (skipped) */
	CHECK_U64(n.zram_swap_total, 262140ull * 1024);
	CHECK_U64(n.zram_swap_free, (262140ull - 102400) * 1024);
	CHECK_U64(n.zram_orig_data_size, 104857600);
	CHECK_U64(n.zram_mem_used_total, 41943040);
	CHECK_U64(n.zram_limited_swap_free, (262140ull - 102400) * 1024);
	CHECK_U64(n.zram_limit_room, 67108864ull - 41943040);
	CHECK_INT(mt_node_compute(&n), 0);
	CHECK(n.zram_ratio_measured);

	/* /proc/swaps read a moment after /proc/meminfo: zram0 alone, SwapFree
	 * 170000 kB against 159740 kB free in /proc/swaps (pages swapped out
	 * between the reads): there is no disk to hold the difference, so zram free
	 * is taken as SwapFree; the other way round it is capped at SwapFree */
	struct mt_node race = { .mem_total = n.mem_total, .mem_available = n.mem_available,
				.swap_total = 262140ull * 1024, .swap_free = 170000ull * 1024 };
	CHECK_INT(mt_snapshot_read_zram(proc, sb, &race), 0);
	CHECK_U64(race.zram_swap_free, 170000ull * 1024);
	CHECK_INT(mt_node_compute(&race), 0);
	race.swap_free = 150000ull * 1024;
	CHECK_INT(mt_snapshot_read_zram(proc, sb, &race), 0);
	CHECK_U64(race.zram_swap_free, 150000ull * 1024);
	CHECK_INT(mt_node_compute(&race), 0);

	/* a zram device listed without a /sys/block fd */
	struct mt_node m = n;
	CHECK_INT(mt_snapshot_read_zram(proc, -1, &m), -EBADF);

	/* no /proc/swaps: fine only without swap */
	_cleanup_close_ int noswaps = fixture_dir("snapshot_read/proc");
	struct mt_node o = { .swap_total = 0 };
	CHECK_INT(mt_snapshot_read_zram(noswaps, sb, &o), 0);
	CHECK_U64(o.zram_swap_total, 0);
	o.swap_total = 4096;
	CHECK_INT(mt_snapshot_read_zram(noswaps, sb, &o), -ENOENT);
}

/* mt_swaps_read past its 4 KiB stack buffer: 32 swap files with 200-byte
 * names (~7 KiB) read whole through the heap path; 33 are -E2BIG. */
static void test_read_large(void)
{
	char dir[] = "/tmp/mt-swaps-XXXXXX", path[64];
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/swaps", dir);
	char name[201];
	memset(name, 'a', 200);
	name[0] = '/';
	name[200] = '\0';
	for (int devices = 32; devices <= 33; devices++) {
		FILE *f = fopen(path, "we");
		CHECK(f != NULL);
		if (!f)
			return;
		fprintf(f, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
		for (int i = 0; i < devices; i++)
			fprintf(f, "%s%02d file\t\t%d\t\t%d\t\t-%d\n", name, i, 1024 * (i + 1), i, i + 2);
		CHECK(ftell(f) > 4096);
		fclose(f);
		_cleanup_close_ int fd = mt_dir_open(AT_FDCWD, dir);
		struct mt_swaps s = { 0 };
		int r = mt_swaps_read(fd, &s);
		if (devices == 32) {
			CHECK_INT(r, 0);
			CHECK_INT(s.n, 32);
			CHECK_U64(s.dev[31].size, 32ull * 1024 * 1024);
			CHECK_U64(s.dev[31].used, 31ull * 1024);
			CHECK(!s.dev[31].zram);
		} else {
			CHECK_INT(r, -E2BIG);
		}
	}
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	test_swaps();
	test_mm_stat();
	test_read_node();
	test_read_large();
	return mt_check_status();
}
