/* evlat: the load side of the notification-to-action benchmark.
 *
 * usage: evlat CGROUP_DIR BELOW_MIB STEP_MIB
 * Moves itself into CGROUP_DIR, touches BELOW_MIB of anonymous memory, sets
 * the cgroup's memory.max to its memory.current + 64 KiB, settles for 0.5 s,
 * then prints
 *   evlat t0_us=<CLOCK_MONOTONIC microseconds>
 * and touches STEP_MIB more: within the first 16 pages it crosses
 * memory.max and the kernel counts a "max" event in memory.events. (A fixed
 * memory.max would put megabytes of page faults -- hundreds of milliseconds
 * under emulation -- between t0 and the crossing.) It then waits to be killed.
 * The daemon logs the CLOCK_MONOTONIC time of its cgroup.kill write
 * (acted_us); the difference is notification to action.
 * Exit: 2 usage, 1 a system call failed; normally killed by SIGKILL. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MIB (1024ul * 1024ul)

static void touch(char *p, size_t len)
{
	long page = sysconf(_SC_PAGESIZE);
	for (size_t i = 0; i < len; i += (size_t)page)
		p[i] = 1;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: evlat CGROUP_DIR BELOW_MIB STEP_MIB\n");
		return 2;
	}
	unsigned long below = strtoul(argv[2], NULL, 10), step = strtoul(argv[3], NULL, 10);
	if (below == 0 || step == 0) {
		fprintf(stderr, "evlat: BELOW_MIB and STEP_MIB must be positive integers\n");
		return 2;
	}
	char path[4096];
	snprintf(path, sizeof path, "%s/cgroup.procs", argv[1]);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || dprintf(fd, "%d\n", (int)getpid()) < 0) {
		fprintf(stderr, "evlat: %s: %s\n", path, strerror(errno));
		return 1;
	}
	close(fd);
	char *a = mmap(NULL, (below + step) * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (a == MAP_FAILED) {
		fprintf(stderr, "evlat: mmap: %s\n", strerror(errno));
		return 1;
	}
	/* 4 KiB pages only: a transparent huge page faulted in while touching
	 * BELOW_MIB could already back the step, which would then cross nothing. */
	if (madvise(a, (below + step) * MIB, MADV_NOHUGEPAGE) < 0) {
		fprintf(stderr, "evlat: madvise: %s\n", strerror(errno));
		return 1;
	}
	touch(a, below * MIB);
	snprintf(path, sizeof path, "%s/memory.current", argv[1]);
	FILE *f = fopen(path, "re");
	unsigned long long cur = 0;
	if (!f || fscanf(f, "%llu", &cur) != 1) {
		fprintf(stderr, "evlat: %s: cannot read\n", path);
		return 1;
	}
	fclose(f);
	snprintf(path, sizeof path, "%s/memory.max", argv[1]);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || dprintf(fd, "%llu\n", cur + 65536) < 0) {
		fprintf(stderr, "evlat: %s: %s\n", path, strerror(errno));
		return 1;
	}
	close(fd);
	usleep(500000);
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	printf("evlat t0_us=%" PRIu64 "\n", (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u);
	fflush(stdout);
	touch(a + below * MIB, step * MIB);
	for (;;)
		pause();
}
