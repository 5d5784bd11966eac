/* faultrate: how fast processes can fault in anonymous memory (issue 16
 * part 1: "the next look is due within headroom / worst-case rate").
 *
 * usage: faultrate [--procs N] [--mib M] [--mode touch|fill|populate]
 *                  [--thp off|on] [--repeat R]
 * N processes (default 1) each map M MiB (default 128) of private anonymous
 * memory and fault it in, all starting together:
 *   touch     one store per 4 KiB page (the page fault path alone);
 *   fill      every byte of every page written with pseudo-random words
 *             (incompressible: what a zram-bound leak costs to produce);
 *   populate  mmap(MAP_POPULATE): the kernel faults it all in one call
 *             (with --thp on: MADV_POPULATE_WRITE after MADV_HUGEPAGE).
 * --thp off (default) madvise(MADV_NOHUGEPAGE), --thp on MADV_HUGEPAGE (one
 * fault per 2 MiB where the kernel allows; what "always" gives a leaker).
 * Each repetition prints one line:
 *   faultrate mode=M thp=T procs=N mib_each=M total_mib=X wall_us=W mibps=R slowest_proc_mibps=S
 * mibps is the aggregate: N*M MiB over the span from the first start to the
 * last finish. Processes, not threads: a leak across containers does not
 * share an mm (and its mmap lock).
 * Exit: 0, 2 usage, 1 a system call failed. */
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/wait.h>

#include "lawbench.h"

struct result {
	uint64_t t0, t1; /* CLOCK_MONOTONIC us */
	int err;         /* errno of a failure, 0 */
};

enum mode { TOUCH, FILL, POPULATE };

static int fault_in(enum mode mode, bool thp, uint64_t bytes, struct result *res)
{
	/* With THP wanted, MAP_POPULATE would fault before a madvise could
	 * apply: map, madvise, then MADV_POPULATE_WRITE (5.14+) instead. */
	bool map_populate = mode == POPULATE && !thp;
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | (map_populate ? MAP_POPULATE : 0);
	char *p;

	res->t0 = lb_now_us();
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	if (!map_populate && madvise(p, bytes, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE) < 0)
		return -errno;
	if (mode == POPULATE && thp && madvise(p, bytes, MADV_POPULATE_WRITE) < 0)
		return -errno;
	if (mode != POPULATE) {
		uint64_t state = 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid();
		for (uint64_t off = 0; off < bytes; off += LB_PAGE) {
			if (mode == FILL)
				lb_fill_page((uint64_t *)(p + off), &state);
			else
				p[off] = (char)(off >> 12 | 1);
		}
	}
	res->t1 = lb_now_us();
	munmap(p, bytes);
	return 0;
}

static int run_once(enum mode mode, bool thp, unsigned procs, uint64_t mib, const char *mode_name)
{
	struct result *res = mmap(NULL, sizeof *res * procs, PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int go[2];
	pid_t pid[256];

	if (res == MAP_FAILED || pipe(go) < 0) {
		fprintf(stderr, "faultrate: mmap/pipe: %s\n", strerror(errno));
		return 1;
	}
	for (unsigned i = 0; i < procs; i++) {
		pid[i] = fork();
		if (pid[i] < 0) {
			fprintf(stderr, "faultrate: fork: %s\n", strerror(errno));
			return 1;
		}
		if (pid[i] == 0) {
			char c;
			close(go[1]);
			/* Blocks until the parent closes the write end: a common start. */
			if (read(go[0], &c, 1) < 0)
				_exit(1);
			int r = fault_in(mode, thp, mib * LB_MIB, &res[i]);
			res[i].err = r < 0 ? -r : 0;
			_exit(0);
		}
	}
	close(go[0]);
	usleep(100000);
	close(go[1]);
	int failed = 0;
	for (unsigned i = 0; i < procs; i++) {
		int st;
		if (waitpid(pid[i], &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 || res[i].err) {
			fprintf(stderr, "faultrate: worker %u failed (%s)\n", i,
				res[i].err ? strerror(res[i].err) : "died or exit status");
			failed = 1;
		}
	}
	if (failed)
		return 1;
	uint64_t first = UINT64_MAX, last = 0, slowest = 0;
	for (unsigned i = 0; i < procs; i++) {
		first = res[i].t0 < first ? res[i].t0 : first;
		last = res[i].t1 > last ? res[i].t1 : last;
		slowest = res[i].t1 - res[i].t0 > slowest ? res[i].t1 - res[i].t0 : slowest;
	}
	uint64_t wall = last - first ? last - first : 1;
	printf("faultrate mode=%s thp=%s procs=%u mib_each=%llu total_mib=%llu wall_us=%llu mibps=%llu"
	       " slowest_proc_mibps=%llu\n",
	       mode_name, thp ? "on" : "off", procs, (unsigned long long)mib,
	       (unsigned long long)(mib * procs), (unsigned long long)wall,
	       (unsigned long long)(mib * procs * 1000000u / wall),
	       (unsigned long long)(mib * 1000000u / (slowest ? slowest : 1)));
	fflush(stdout);
	munmap(res, sizeof *res * procs);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "procs", required_argument, NULL, 'n' }, { "mib", required_argument, NULL, 'm' },
		{ "mode", required_argument, NULL, 'o' },  { "thp", required_argument, NULL, 't' },
		{ "repeat", required_argument, NULL, 'r' }, { NULL, 0, NULL, 0 },
	};
	unsigned procs = 1, repeat = 1;
	uint64_t mib = 128;
	enum mode mode = TOUCH;
	const char *mode_name = "touch";
	bool thp = false;
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'n': procs = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'm': mib = strtoull(optarg, NULL, 10); break;
		case 'r': repeat = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'o':
			mode_name = optarg;
			if (strcmp(optarg, "touch") == 0)
				mode = TOUCH;
			else if (strcmp(optarg, "fill") == 0)
				mode = FILL;
			else if (strcmp(optarg, "populate") == 0)
				mode = POPULATE;
			else
				goto usage;
			break;
		case 't':
			if (strcmp(optarg, "on") != 0 && strcmp(optarg, "off") != 0)
				goto usage;
			thp = strcmp(optarg, "on") == 0;
			break;
		default: goto usage;
		}
	}
	if (optind != argc || procs == 0 || procs > 256 || mib == 0 || repeat == 0)
		goto usage;
	for (unsigned r = 0; r < repeat; r++)
		if (run_once(mode, thp, procs, mib, mode_name))
			return 1;
	return 0;
usage:
	fprintf(stderr, "usage: faultrate [--procs N<=256] [--mib M] [--mode touch|fill|populate]"
			" [--thp off|on] [--repeat R]\n");
	return 2;
}
