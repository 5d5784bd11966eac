/* peerwatch: the guest-side meter of the peers comparison (test/bench/peers).
 *
 *   peerwatch [--reserve-kib N] [--supervisor PID] [--end NAME] [--settle S]
 *             [--timeout S] [--zram MM_STAT] [--cgroup NAME=DIR]... NAME=PID...
 *   peerwatch --setxattr PATH NAME VALUE
 *
 * Watches one episode: every 10 ms it samples /proc/meminfo and polls a pidfd
 * per named process, so it sees each death when it happens (a zombie counts
 * as dead; kill(pid, 0) would not tell). The episode ends when the process
 * named by --end dies, on SIGUSR1 (the scenario says "done"), or at
 * --timeout; it then watches --settle seconds more, for kills that come after
 * the first. Output, times in ms from the start:
 *   PEERWATCH-DEATH name=NAME pid=PID ms=T
 *   PEERWATCH end=died|signal|timeout elapsed_ms=E cross_ms=C|- min_headroom_kib=H
 *             psi_full_ms=P supervisor_cpu_ms=U|-
 *   PEERWATCH-CG name=NAME high_changed_ms=T|- high_min_kib=K|max
 *             swap_peak_kib=K|- swap_end_kib=K|- current_end_kib=K|-
 * t0_us (on the PEERWATCH line) is the start on CLOCK_MONOTONIC in us, the
 * clock memtriaged's log times (notified_us, acted_us) are on.
 * Each --cgroup DIR is sampled with the rest every 10 ms: memory.high
 * (high_changed_ms: the first sample differing from its value at the start,
 * i.e. a supervisor's hold; high_min_kib: its lowest value), and
 * memory.swap.current and memory.current (swap_peak_kib: the largest swap
 * sample; *_end_kib: the last sample taken before the episode ended, i.e.
 * within 10 ms before the --end process's death was seen -- its exit frees
 * memory before its pidfd fires, so that sample may already be partly
 * freed: for a grower's size at death the peak is the figure).
 * --zram /sys/block/zramN/mm_stat is sampled too: zram_orig_kib and
 * zram_compr_kib (on the PEERWATCH line) are its orig_data_size and
 * compr_data_size at the sample where orig_data_size was largest (the
 * swap's fullest moment, just before a kill frees it).
 * cross_ms is the first sample with MemAvailable + SwapFree below the
 * reserve; psi_full_ms is the growth of /proc/pressure/memory "full" total
 * over the whole episode; supervisor_cpu_ms is utime + stime of --supervisor.
 * --setxattr sets an extended attribute (oomd's trusted.oomd_avoid on a
 * cgroup directory: busybox has no setfattr).
 * Exit: 0, 2 usage, 1 a system call failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#define MAX_PROCS 64
#define MAX_CGROUPS 64
/* The sampling period: under TCG a leak of 1000 MiB/s crosses a 5 % reserve
 * of a 512 MiB guest in a few tens of ms at best, so 10 ms still sees it. */
#define PERIOD_MS 10

struct proc {
	const char *name;
	int pid, fd;
	int64_t died_ms; /* -1: alive */
};

/* A cgroup sampled every period; values in bytes, -1 unknown, INT64_MAX "max". */
struct cg {
	const char *name;
	int high_fd, swap_fd, cur_fd;
	int64_t high0, high_min, high_changed_ms, swap_peak, swap_end, cur_end;
};

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* MemAvailable + SwapFree in KiB, -1 if /proc/meminfo cannot be read. */
static int64_t headroom_kib(void)
{
	char line[256];
	int64_t sum = 0;
	unsigned long long v;
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu", &v) == 1 || sscanf(line, "SwapFree: %llu", &v) == 1)
			sum += (int64_t)v;
	fclose(f);
	return sum;
}

/* The "full" line's total= of /proc/pressure/memory, in us; -1 if absent. */
static int64_t psi_full_us(void)
{
	char line[256];
	unsigned long long total;
	int64_t r = -1;
	FILE *f = fopen("/proc/pressure/memory", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "full ", 5) == 0) {
			char *t = strstr(line, "total=");
			if (t && sscanf(t, "total=%llu", &total) == 1)
				r = (int64_t)total;
		}
	fclose(f);
	return r;
}

/* utime + stime of PID in ms (fields 14 and 15 of /proc/PID/stat, after
 * the parenthesised comm); -1 if it is gone. */
static int64_t cpu_ms(int pid)
{
	char path[64], buf[1024];
	unsigned long long ut, st;
	long hz = sysconf(_SC_CLK_TCK);
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return (int64_t)((ut + st) * 1000 / (unsigned long long)hz);
}

/* A single-value cgroup file ("max" or a number) from its kept fd. */
static int64_t read_value(int fd)
{
	char buf[32];
	ssize_t n;

	if (fd < 0)
		return -1;
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (strncmp(buf, "max", 3) == 0)
		return INT64_MAX;
	return buf[0] >= '0' && buf[0] <= '9' ? (int64_t)strtoll(buf, NULL, 10) : -1;
}

static int open_at(const char *dir, const char *file)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return open(path, O_RDONLY | O_CLOEXEC);
}

static void sample_cg(struct cg *c, int64_t t)
{
	int64_t h = read_value(c->high_fd), sw = read_value(c->swap_fd), cur = read_value(c->cur_fd);

	if (h >= 0) {
		if (c->high0 < 0)
			c->high0 = h;
		else if (h != c->high0 && c->high_changed_ms < 0)
			c->high_changed_ms = t;
		if (c->high_min < 0 || h < c->high_min)
			c->high_min = h;
	}
	if (sw >= 0) {
		if (sw > c->swap_peak)
			c->swap_peak = sw;
		c->swap_end = sw;
	}
	if (cur >= 0)
		c->cur_end = cur;
}

/* orig_data_size and compr_data_size, the first two fields of mm_stat. */
static bool read_mm_stat(int fd, int64_t *orig, int64_t *compr)
{
	char buf[256];
	long long o, c;
	ssize_t n = fd < 0 ? -1 : pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return false;
	buf[n] = '\0';
	if (sscanf(buf, "%lld %lld", &o, &c) != 2)
		return false;
	*orig = o;
	*compr = c;
	return true;
}

static void print_kib(const char *key, int64_t v)
{
	if (v == INT64_MAX)
		printf(" %s=max", key);
	else if (v < 0)
		printf(" %s=-", key);
	else
		printf(" %s=%" PRId64, key, v / 1024);
}

static void usage(FILE *f)
{
	fputs("usage: peerwatch [--reserve-kib N] [--supervisor PID] [--end NAME] [--settle S]\n"
	      "                 [--timeout S] [--cgroup NAME=DIR]... NAME=PID...\n"
	      "       peerwatch --setxattr PATH NAME VALUE\n", f);
}

static bool parse_num(const char *s, long max, long *ret)
{
	char *end;

	errno = 0;
	*ret = strtol(s, &end, 10);
	return !errno && end != s && !*end && *ret >= 0 && *ret <= max;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "reserve-kib", required_argument, NULL, 'r' },
		{ "supervisor", required_argument, NULL, 's' },
		{ "end", required_argument, NULL, 'e' },
		{ "settle", required_argument, NULL, 'S' },
		{ "timeout", required_argument, NULL, 't' },
		{ "setxattr", no_argument, NULL, 'x' },
		{ "cgroup", required_argument, NULL, 'c' },
		{ "zram", required_argument, NULL, 'z' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct proc procs[MAX_PROCS];
	struct cg cgs[MAX_CGROUPS];
	size_t ncg = 0;
	int zram_fd = -1;
	int64_t zram_orig = -1, zram_compr = -1;
	long reserve = 0, sup = 0, settle = 3, timeout = 120;
	const char *end_name = NULL;
	size_t n = 0;
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		long *dst = c == 'r' ? &reserve : c == 's' ? &sup : c == 'S' ? &settle : c == 't' ? &timeout : NULL;
		if (dst) {
			if (!parse_num(optarg, 1L << 40, dst)) {
				fprintf(stderr, "peerwatch: invalid number '%s' for --%s\n", optarg,
					longopts[c == 'r' ? 0 : c == 's' ? 1 : c == 'S' ? 3 : 4].name);
				return 2;
			}
			continue;
		}
		switch (c) {
		case 'e': end_name = optarg; break;
		case 'z':
			zram_fd = open(optarg, O_RDONLY | O_CLOEXEC);
			if (zram_fd < 0) {
				fprintf(stderr, "peerwatch: --zram %s: %s\n", optarg, strerror(errno));
				return 1;
			}
			break;
		case 'c': {
			char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg || !eq[1] || ncg == MAX_CGROUPS) {
				fprintf(stderr, "peerwatch: --cgroup '%s': want NAME=DIR (at most %d)\n", optarg,
					MAX_CGROUPS);
				return 2;
			}
			*eq = '\0';
			struct cg *g = &cgs[ncg++];
			*g = (struct cg){ .name = optarg, .high0 = -1, .high_min = -1, .high_changed_ms = -1,
					  .swap_peak = -1, .swap_end = -1, .cur_end = -1 };
			g->high_fd = open_at(eq + 1, "memory.high");
			g->swap_fd = open_at(eq + 1, "memory.swap.current");
			g->cur_fd = open_at(eq + 1, "memory.current");
			if (g->cur_fd < 0) {
				fprintf(stderr, "peerwatch: --cgroup %s: %s/memory.current: %s\n", optarg, eq + 1,
					strerror(errno));
				return 1;
			}
			break;
		}
		case 'x':
			if (argc - optind != 3) {
				usage(stderr);
				return 2;
			}
			if (setxattr(argv[optind], argv[optind + 1], argv[optind + 2], strlen(argv[optind + 2]), 0) < 0) {
				fprintf(stderr, "peerwatch: setxattr %s %s: %s\n", argv[optind], argv[optind + 1],
					strerror(errno));
				return 1;
			}
			return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	for (int i = optind; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		long pid;
		if (!eq || eq == argv[i] || !parse_num(eq + 1, 1L << 22, &pid) || pid == 0 || n == MAX_PROCS) {
			fprintf(stderr, "peerwatch: '%s': want NAME=PID (at most %d)\n", argv[i], MAX_PROCS);
			return 2;
		}
		*eq = '\0';
		procs[n] = (struct proc){ .name = argv[i], .pid = (int)pid, .died_ms = -1 };
		procs[n].fd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
		if (procs[n].fd < 0) {
			fprintf(stderr, "peerwatch: pidfd_open %s=%ld: %s\n", argv[i], pid, strerror(errno));
			return 1;
		}
		n++;
	}

	struct sigaction sa = { .sa_handler = on_usr1 };
	sigaction(SIGUSR1, &sa, NULL);
	struct timespec ts0;
	clock_gettime(CLOCK_MONOTONIC, &ts0);
	int64_t t0 = (int64_t)ts0.tv_sec * 1000 + ts0.tv_nsec / 1000000, psi0 = psi_full_us(), cross = -1, min_head = INT64_MAX, ended = -1;
	const char *why = "timeout";
	struct pollfd pfd[MAX_PROCS];
	for (;;) {
		int64_t t = now_ms() - t0, h = headroom_kib();
		if (h >= 0 && h < min_head)
			min_head = h;
		if (h >= 0 && cross < 0 && h < reserve)
			cross = t;
		if (ended < 0) {
			int64_t zo, zc;
			for (size_t i = 0; i < ncg; i++)
				sample_cg(&cgs[i], t);
			if (read_mm_stat(zram_fd, &zo, &zc) && zo > zram_orig) {
				zram_orig = zo;
				zram_compr = zc;
			}
		}
		size_t np = 0;
		for (size_t i = 0; i < n; i++)
			if (procs[i].died_ms < 0)
				pfd[np++] = (struct pollfd){ .fd = procs[i].fd, .events = POLLIN };
		if (poll(pfd, np, PERIOD_MS) > 0) {
			t = now_ms() - t0;
			for (size_t i = 0, k = 0; i < n; i++) {
				if (procs[i].died_ms >= 0)
					continue;
				if (pfd[k++].revents) {
					procs[i].died_ms = t;
					if (ended < 0 && end_name && strcmp(procs[i].name, end_name) == 0) {
						ended = t;
						why = "died";
					}
				}
			}
		}
		if (ended < 0 && got_usr1) {
			ended = t;
			why = "signal";
		}
		if (ended < 0 && t >= timeout * 1000)
			ended = t;
		if (ended >= 0 && t >= ended + settle * 1000)
			break;
	}
	int64_t psi1 = psi_full_us(), cpu = sup ? cpu_ms((int)sup) : -1;
	for (size_t i = 0; i < n; i++)
		if (procs[i].died_ms >= 0)
			printf("PEERWATCH-DEATH name=%s pid=%d ms=%" PRId64 "\n", procs[i].name, procs[i].pid,
			       procs[i].died_ms);
	for (size_t i = 0; i < ncg; i++) {
		const struct cg *g = &cgs[i];
		printf("PEERWATCH-CG name=%s", g->name);
		if (g->high_changed_ms >= 0)
			printf(" high_changed_ms=%" PRId64, g->high_changed_ms);
		else
			printf(" high_changed_ms=-");
		print_kib("high_min_kib", g->high_min);
		print_kib("swap_peak_kib", g->swap_peak);
		print_kib("swap_end_kib", g->swap_end);
		print_kib("current_end_kib", g->cur_end);
		printf("\n");
	}
	printf("PEERWATCH end=%s elapsed_ms=%" PRId64 " t0_us=%" PRId64 " ", why, ended,
	       (int64_t)ts0.tv_sec * 1000000 + ts0.tv_nsec / 1000);
	if (cross >= 0)
		printf("cross_ms=%" PRId64, cross);
	else
		printf("cross_ms=-");
	printf(" min_headroom_kib=%" PRId64 " psi_full_ms=%" PRId64, min_head == INT64_MAX ? -1 : min_head,
	       psi0 >= 0 && psi1 >= 0 ? (psi1 - psi0) / 1000 : -1);
	print_kib("zram_orig_kib", zram_orig);
	print_kib("zram_compr_kib", zram_compr);
	if (cpu >= 0)
		printf(" supervisor_cpu_ms=%" PRId64 "\n", cpu);
	else
		printf(" supervisor_cpu_ms=-\n");
	return 0;
}
