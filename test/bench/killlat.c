/* killlat: the kill path, from the decision to the memory being back
 * (issue 16 part 2, "what a kill frees counts the grower's growth over the
 * time the kill takes").
 *
 * usage: killlat --cgroup DIR --mib M [--procs P] [--ram-mib R]
 * Fills DIR (created if missing) with P processes (default 1) holding M MiB
 * of anonymous memory between them, each page half pseudo-random and half
 * zero (compresses about 2:1, like the zram scenarios' pattern). With
 * --ram-mib, DIR's memory.max is R MiB while they fill, so the rest goes to
 * swap (zram); it is set back to "max" before the kill. Then, all times
 * CLOCK_MONOTONIC from t0 = just before the write:
 *   write_us      write "1" to DIR/cgroup.kill returned
 *   populated_us  DIR/cgroup.events reads "populated 0" (POLLPRI on it)
 *   empty_us      DIR's memory.current + memory.swap.current under 1 MiB
 *                 (polled every 1 ms after populated 0)
 * One line:
 *   killlat mib=M procs=P ram_mib=R current_mib=.. swap_mib=.. fill_ms=.. write_us=.. populated_us=.. empty_us=..
 *     avail_before_mib=.. avail_after_mib=..
 * Exit: 0, 2 usage, 1 a system call failed or the group did not die in 30 s. */
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "lawbench.h"

static void hold(uint64_t bytes, int ready_fd, int go_fd)
{
	char c = 1;
	/* Wait to be in the cgroup before the first fault. */
	if (read(go_fd, &c, 1) < 0)
		_exit(1);
	char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		_exit(1);
	madvise(p, bytes, MADV_NOHUGEPAGE);
	uint64_t state = 0x2545f4914f6cdd1dull ^ (uint64_t)getpid();
	uint64_t half[LB_PAGE / 8];
	for (uint64_t off = 0; off < bytes; off += LB_PAGE) {
		lb_fill_page(half, &state);
		memcpy(p + off, half, LB_PAGE / 2);
	}
	if (write(ready_fd, &c, 1) < 0)
		_exit(1);
	for (;;)
		pause();
}

static int events_populated(int fd, uint64_t *ret)
{
	char buf[256];
	int r = lb_pread_text(fd, buf, sizeof buf);
	return r < 0 ? r : lb_key(buf, "populated", ret);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "cgroup", required_argument, NULL, 'c' }, { "mib", required_argument, NULL, 'm' },
		{ "procs", required_argument, NULL, 'p' },  { "ram-mib", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cg = NULL;
	uint64_t mib = 0, ram_mib = 0;
	unsigned procs = 1;
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'c': cg = optarg; break;
		case 'm': mib = strtoull(optarg, NULL, 10); break;
		case 'p': procs = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'r': ram_mib = strtoull(optarg, NULL, 10); break;
		default: goto usage;
		}
	}
	if (optind != argc || !cg || mib == 0 || procs == 0 || procs > 64)
		goto usage;
	if (lb_oom_protect() < 0 || (mkdir(cg, 0755) < 0 && errno != EEXIST)) {
		fprintf(stderr, "killlat: %s: %s\n", cg, strerror(errno));
		return 1;
	}
	int cgfd = open(cg, O_PATH | O_DIRECTORY | O_CLOEXEC);
	char buf[64];
	snprintf(buf, sizeof buf, "%" PRIu64 "\n", ram_mib * LB_MIB);
	if (cgfd < 0 || (ram_mib && lb_write_at(cgfd, "memory.max", buf) < 0)) {
		fprintf(stderr, "killlat: %s/memory.max: %s\n", cg, strerror(errno));
		return 1;
	}
	int ready[2], go[2];
	if (pipe(ready) < 0 || pipe(go) < 0)
		return 1;
	uint64_t t_fill = lb_now_us();
	for (unsigned i = 0; i < procs; i++) {
		pid_t pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0) {
			close(ready[0]);
			close(go[1]);
			hold(mib * LB_MIB / procs, ready[1], go[0]);
		}
		snprintf(buf, sizeof buf, "%d\n", (int)pid);
		if (lb_write_at(cgfd, "cgroup.procs", buf) < 0) {
			fprintf(stderr, "killlat: %s/cgroup.procs: %s\n", cg, strerror(errno));
			kill(pid, SIGKILL);
			return 1;
		}
	}
	close(ready[1]);
	close(go[0]);
	close(go[1]); /* every holder reads EOF: go */
	for (unsigned got = 0; got < procs;) {
		char b;
		ssize_t n = read(ready[0], &b, 1);
		if (n <= 0) {
			fprintf(stderr, "killlat: a holder died while filling (%u of %u ready)\n", got, procs);
			lb_write_at(cgfd, "cgroup.kill", "1");
			return 1;
		}
		got++;
	}
	uint64_t fill_ms = (lb_now_us() - t_fill) / 1000, cur = 0, swp = 0, avail0 = 0, avail1 = 0, pop = 1;
	if (ram_mib && lb_write_at(cgfd, "memory.max", "max") < 0)
		return 1;
	lb_read_u64_at(cgfd, "memory.current", &cur);
	lb_read_u64_at(cgfd, "memory.swap.current", &swp);
	lb_mem_available_kib(&avail0);
	int evfd = openat(cgfd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	if (evfd < 0 || events_populated(evfd, &pop) < 0 || pop != 1) {
		fprintf(stderr, "killlat: %s/cgroup.events: not readable or not populated\n", cg);
		return 1;
	}

	uint64_t t0 = lb_now_us();
	int r = lb_write_at(cgfd, "cgroup.kill", "1");
	uint64_t t_write = lb_now_us();
	if (r < 0) {
		fprintf(stderr, "killlat: %s/cgroup.kill: %s\n", cg, strerror(-r));
		return 1;
	}
	uint64_t t_pop = 0, t_empty = 0;
	while (!t_pop && lb_now_us() - t0 < 30000000u) {
		struct pollfd pfd = { .fd = evfd, .events = POLLPRI };
		/* Re-read on every wake and every 100 ms: a change between the
		 * write and the first poll must not be missed. */
		poll(&pfd, 1, 100);
		if (events_populated(evfd, &pop) == 0 && pop == 0)
			t_pop = lb_now_us();
	}
	while (t_pop && !t_empty && lb_now_us() - t0 < 30000000u) {
		uint64_t a = 0, b = 0;
		lb_read_u64_at(cgfd, "memory.current", &a);
		lb_read_u64_at(cgfd, "memory.swap.current", &b);
		if (a + b < LB_MIB)
			t_empty = lb_now_us();
		else
			usleep(1000);
	}
	lb_mem_available_kib(&avail1);
	while (waitpid(-1, NULL, 0) > 0)
		;
	if (!t_pop) {
		fprintf(stderr, "killlat: %s still populated 30 s after cgroup.kill\n", cg);
		return 1;
	}
	char empty[32] = "none";
	if (t_empty)
		snprintf(empty, sizeof empty, "%" PRIu64, t_empty - t0);
	printf("killlat mib=%" PRIu64 " procs=%u ram_mib=%" PRIu64 " current_mib=%" PRIu64 " swap_mib=%" PRIu64
	       " fill_ms=%" PRIu64 " write_us=%" PRIu64 " populated_us=%" PRIu64 " empty_us=%s"
	       " avail_before_mib=%" PRIu64 " avail_after_mib=%" PRIu64 "\n",
	       mib, procs, ram_mib, cur / LB_MIB, swp / LB_MIB, fill_ms, t_write - t0, t_pop - t0, empty,
	       avail0 / 1024, avail1 / 1024);
	return 0;
usage:
	fprintf(stderr, "usage: killlat --cgroup DIR --mib M [--procs P<=64] [--ram-mib R]\n");
	return 2;
}
