/* idlewake: what one idle wakeup costs a process in the guest, apart from
 * memtriaged (issue 16, the idle budget; doc/control-law.md).
 *
 * usage: idlewake [--wakes N] [--every-ms MS] [--meminfo] [--fds DIR N]
 *                 [--touch N] [--clock N]
 * Sleeps in epoll_wait N times (default 80) for MS ms (default 250), and on
 * each wake does what is asked: --meminfo one pread of a kept /proc/meminfo
 * fd; --touch N one byte in each of N heap objects a page apart (the shape
 * of a walk over N groups); --clock N N clock_gettime(CLOCK_MONOTONIC)
 * calls. --fds DIR N first keeps N fds of DIR/c<i>/cgroup.events open and
 * in the epoll set (POLLPRI), as memtriaged does. Prints one line:
 *   idlewake wakes=N every_ms=MS meminfo=0|1 fds=N touch=N clock=N
 *     run_us=R per_wake_us=R/N
 * R is the process's own run time over the wakes (/proc/self/schedstat,
 * the scheduler's sum in ns, not sampled at ticks). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

static unsigned long long run_ns(void)
{
	char buf[128];
	int fd = open("/proc/self/schedstat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtoull(buf, NULL, 10);
}

int main(int argc, char **argv)
{
	int wakes = 80, every_ms = 250, meminfo = 0, nfds = 0, touch = 0, clocks = 0;
	const char *dir = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--wakes") && i + 1 < argc)
			wakes = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--every-ms") && i + 1 < argc)
			every_ms = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--meminfo"))
			meminfo = 1;
		else if (!strcmp(argv[i], "--fds") && i + 2 < argc) {
			dir = argv[++i];
			nfds = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--touch") && i + 1 < argc)
			touch = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--clock") && i + 1 < argc)
			clocks = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: idlewake [--wakes N] [--every-ms MS] [--meminfo] [--fds DIR N] "
			        "[--touch N] [--clock N]\n");
			return 2;
		}
	}
	int ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0) {
		perror("epoll_create1");
		return 1;
	}
	for (int i = 1; i <= nfds; i++) {
		char path[512];
		snprintf(path, sizeof path, "%s/c%d/cgroup.events", dir, i);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "idlewake: %s: %s\n", path, strerror(errno));
			return 1;
		}
		char b[256];
		if (pread(fd, b, sizeof b, 0) < 0) /* arm POLLPRI */
			return 1;
		struct epoll_event ev = { .events = EPOLLPRI, .data.fd = fd };
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
			perror("epoll_ctl");
			return 1;
		}
	}
	int mfd = meminfo ? open("/proc/meminfo", O_RDONLY | O_CLOEXEC) : -1;
	char **objs = touch ? calloc((size_t)touch, sizeof *objs) : NULL;
	for (int i = 0; i < touch; i++)
		objs[i] = malloc(4096); /* a page apart, like a group's state */
	static char buf[16384];
	volatile unsigned long sink = 0;
	struct epoll_event ev;
	epoll_wait(ep, &ev, 1, every_ms); /* settle */
	unsigned long long r0 = run_ns();
	for (int w = 0; w < wakes; w++) {
		epoll_wait(ep, &ev, 1, every_ms);
		if (mfd >= 0 && pread(mfd, buf, sizeof buf - 1, 0) < 0)
			return 1;
		for (int i = 0; i < touch; i++)
			sink += (unsigned char)objs[i][64]++;
		for (int i = 0; i < clocks; i++) {
			struct timespec ts;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			sink += (unsigned long)ts.tv_nsec;
		}
	}
	unsigned long long r1 = run_ns();
	printf("idlewake wakes=%d every_ms=%d meminfo=%d fds=%d touch=%d clock=%d run_us=%llu per_wake_us=%llu\n",
	       wakes, every_ms, meminfo, nfds, touch, clocks, (r1 - r0) / 1000, (r1 - r0) / 1000 / (unsigned)wakes);
	return 0;
}
