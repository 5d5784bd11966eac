/* psiwait: registers one PSI trigger and waits for it (busybox has no poller).
 *
 * usage: psiwait PRESSURE_FILE some|full STALL_US WINDOW_US TIMEOUT_MS
 * Writes "some|full STALL_US WINDOW_US" to PRESSURE_FILE (opened O_RDWR, as
 * Documentation/accounting/psi.rst asks), then poll()s for POLLPRI.
 * Prints one line and exits:
 *   psiwait fired after_ms=N     exit 0
 *   psiwait timeout after_ms=N   exit 1
 *   psiwait: <reason>            exit 2 (usage or a failed system call)
 * "ready" is printed on stdout once the trigger is registered, so a scenario
 * can start its load only after that.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int parse_u32(const char *s, const char *what, unsigned *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || errno || *end || v > 0xffffffffUL) {
		fprintf(stderr, "psiwait: %s '%s' is not a non-negative integer\n", what, s);
		return -EINVAL;
	}
	*ret = (unsigned)v;
	return 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	unsigned stall, window, timeout;
	char trig[64];
	struct pollfd pfd;
	uint64_t start;
	int fd, n, r;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		puts("usage: psiwait PRESSURE_FILE some|full STALL_US WINDOW_US TIMEOUT_MS");
		return 0;
	}
	if (argc != 6) {
		fprintf(stderr, "usage: psiwait PRESSURE_FILE some|full STALL_US WINDOW_US TIMEOUT_MS\n");
		return 2;
	}
	if (strcmp(argv[2], "some") != 0 && strcmp(argv[2], "full") != 0) {
		fprintf(stderr, "psiwait: kind '%s' must be 'some' or 'full'\n", argv[2]);
		return 2;
	}
	if (parse_u32(argv[3], "STALL_US", &stall) < 0 || parse_u32(argv[4], "WINDOW_US", &window) < 0 ||
	    parse_u32(argv[5], "TIMEOUT_MS", &timeout) < 0 || timeout > 0x7fffffff)
		return 2;

	fd = open(argv[1], O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "psiwait: open %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	/* The kernel parses the trigger from the written buffer including its
	 * terminating NUL (psi.rst's example writes strlen + 1). */
	n = snprintf(trig, sizeof(trig), "%s %u %u", argv[2], stall, window);
	if (write(fd, trig, (size_t)n + 1) < 0) {
		fprintf(stderr, "psiwait: write '%s' to %s: %s\n", trig, argv[1], strerror(errno));
		return 2;
	}
	puts("psiwait ready");
	fflush(stdout);

	start = now_ms();
	pfd = (struct pollfd){ .fd = fd, .events = POLLPRI };
	for (;;) {
		uint64_t spent = now_ms() - start;
		if (spent >= timeout) {
			printf("psiwait timeout after_ms=%" PRIu64 "\n", spent);
			return 1;
		}
		r = poll(&pfd, 1, (int)(timeout - spent));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fprintf(stderr, "psiwait: poll %s: %s\n", argv[1], strerror(errno));
			return 2;
		}
		if (r == 0)
			continue;
		if (pfd.revents & POLLERR) {
			fprintf(stderr, "psiwait: %s: POLLERR (cgroup removed?)\n", argv[1]);
			return 2;
		}
		if (pfd.revents & POLLPRI) {
			printf("psiwait fired after_ms=%" PRIu64 "\n", now_ms() - start);
			return 0;
		}
	}
}
