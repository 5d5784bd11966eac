/* samplecost: what one sample of every candidate's usage costs (issue 16
 * part 2: "sample each candidate cheaply, often enough").
 *
 * usage: samplecost --dir DIR --n N [--rounds R]
 *        samplecost [--rounds R]            (/proc/meminfo only: any host)
 * Uses (creating what is missing) the cgroups DIR/c1 .. DIR/cN and times R
 * rounds (default 200) of reading, for all N, memory.current and
 * memory.swap.current, parsed to integers, by each method:
 *   openat  directory fds kept open; openat + pread + close per file per sample
 *   kept    the files' fds kept open; one pread at offset 0 per file per sample
 *   stat    kept-open memory.stat, one pread per cgroup (what a full snapshot
 *           reads besides; for scale)
 * and /proc/meminfo (open+read+close, and a kept fd with pread), once per round.
 * One line per method:
 *   samplecost what=cgroups|meminfo n=N method=M files=F median_us=.. p90_us=.. max_us=.. per_cgroup_us=..
 * Times are per sample (all N cgroups), CLOCK_MONOTONIC. The rounds run back
 * to back, so the files are hot: a real sampler pays cache misses on top.
 * Exit: 0, 2 usage, 1 a system call failed. */
#include <getopt.h>
#include <inttypes.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "lawbench.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void report(const char *what, unsigned n, const char *method, unsigned files, uint64_t *ns, unsigned rounds)
{
	qsort(ns, rounds, sizeof *ns, cmp_u64);
	double med = (double)ns[rounds / 2] / 1000.0;
	printf("samplecost what=%s n=%u method=%s files=%u median_us=%.1f p90_us=%.1f max_us=%.1f per_cgroup_us=%.2f\n",
	       what, n, method, files, med, (double)ns[rounds * 9 / 10] / 1000.0, (double)ns[rounds - 1] / 1000.0,
	       med / n);
	fflush(stdout);
}

/* Parses the integer a read produced; a sample that does not parse is a
 * failed benchmark, not a figure. */
static int parse_or_die(const char *buf, const char *what)
{
	char *end;
	strtoull(buf, &end, 10);
	if (end == buf) {
		fprintf(stderr, "samplecost: %s: '%.20s' is not a number\n", what, buf);
		exit(1);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dir", required_argument, NULL, 'd' }, { "n", required_argument, NULL, 'n' },
		{ "rounds", required_argument, NULL, 'r' }, { NULL, 0, NULL, 0 },
	};
	static const char *files[] = { "memory.current", "memory.swap.current" };
	const char *dir = NULL;
	unsigned n = 0, rounds = 200;
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'n': n = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'r': rounds = (unsigned)strtoul(optarg, NULL, 10); break;
		default: goto usage;
		}
	}
	if (optind != argc || (dir && (n == 0 || n > 100000)) || (!dir && n) || rounds < 10)
		goto usage;
	char buf[8192];
	uint64_t *ns = calloc(rounds, sizeof *ns);
	if (!ns)
		return 1;
	if (!dir)
		goto meminfo;

	/* 3 fds per cgroup (its directory and two files) plus memory.stat. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 4ull * n + 64) {
		rl.rlim_cur = rl.rlim_max < 4ull * n + 64 ? rl.rlim_max : 4ull * n + 64;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	int top = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (top < 0) {
		fprintf(stderr, "samplecost: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	int *dfd = calloc(n, sizeof *dfd), *ffd = calloc(2 * (size_t)n, sizeof *ffd), *sfd = calloc(n, sizeof *sfd);
	if (!dfd || !ffd || !sfd)
		return 1;
	for (unsigned i = 0; i < n; i++) {
		char name[32];
		snprintf(name, sizeof name, "c%u", i + 1);
		if (mkdirat(top, name, 0755) < 0 && errno != EEXIST) {
			fprintf(stderr, "samplecost: mkdir %s/%s: %s\n", dir, name, strerror(errno));
			return 1;
		}
		dfd[i] = openat(top, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
		for (unsigned f = 0; f < 2; f++)
			ffd[2 * i + f] = dfd[i] < 0 ? -1 : openat(dfd[i], files[f], O_RDONLY | O_CLOEXEC);
		sfd[i] = dfd[i] < 0 ? -1 : openat(dfd[i], "memory.stat", O_RDONLY | O_CLOEXEC);
		if (dfd[i] < 0 || ffd[2 * i] < 0 || ffd[2 * i + 1] < 0 || sfd[i] < 0) {
			fprintf(stderr, "samplecost: %s/%s: open: %s\n", dir, name, strerror(errno));
			return 1;
		}
	}
	for (unsigned r = 0; r < rounds; r++) {
		uint64_t t = lb_now_ns();
		for (unsigned i = 0; i < n; i++)
			for (unsigned f = 0; f < 2; f++) {
				int fd = openat(dfd[i], files[f], O_RDONLY | O_CLOEXEC);
				if (fd < 0 || lb_pread_text(fd, buf, sizeof buf) < 0)
					return 1;
				close(fd);
				parse_or_die(buf, files[f]);
			}
		ns[r] = lb_now_ns() - t;
	}
	report("cgroups", n, "openat", 2, ns, rounds);

	for (unsigned r = 0; r < rounds; r++) {
		uint64_t t = lb_now_ns();
		for (unsigned i = 0; i < 2 * n; i++) {
			if (lb_pread_text(ffd[i], buf, sizeof buf) < 0)
				return 1;
			parse_or_die(buf, files[i % 2]);
		}
		ns[r] = lb_now_ns() - t;
	}
	report("cgroups", n, "kept", 2, ns, rounds);

	for (unsigned r = 0; r < rounds; r++) {
		uint64_t t = lb_now_ns(), v;
		for (unsigned i = 0; i < n; i++)
			if (lb_pread_text(sfd[i], buf, sizeof buf) < 0 || lb_key(buf, "anon", &v) < 0)
				return 1;
		ns[r] = lb_now_ns() - t;
	}
	report("cgroups", n, "stat", 1, ns, rounds);
	free(dfd), free(ffd), free(sfd);
meminfo:

	for (unsigned r = 0; r < rounds; r++) {
		uint64_t t = lb_now_ns(), v;
		if (lb_mem_available_kib(&v) < 0)
			return 1;
		ns[r] = lb_now_ns() - t;
	}
	report("meminfo", 1, "open-read-close", 1, ns, rounds);

	int mfd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
	for (unsigned r = 0; r < rounds; r++) {
		uint64_t t = lb_now_ns(), v;
		if (lb_pread_text(mfd, buf, sizeof buf) < 0 || lb_key(buf, "MemAvailable", &v) < 0)
			return 1;
		ns[r] = lb_now_ns() - t;
	}
	report("meminfo", 1, "kept", 1, ns, rounds);
	free(ns);
	return 0;
usage:
	fprintf(stderr, "usage: samplecost [--dir DIR --n N] [--rounds R>=10]\n");
	return 2;
}
