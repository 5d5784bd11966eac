/* lawbench.h: small helpers shared by the control-law benchmarks
 * (faultrate, notelat, samplecost, killlat; doc/control-law.md).
 * Header-only: each tool is one translation unit plus this.
 * Every helper returns 0 (or a count) on success, a negative errno on failure. */
#ifndef MT_LAWBENCH_H
#define MT_LAWBENCH_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define LB_MIB ((uint64_t)1024 * 1024)
#define LB_PAGE 4096u

static inline uint64_t lb_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static inline uint64_t lb_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline void lb_sleep_until_us(uint64_t t_us)
{
	struct timespec ts = { .tv_sec = (time_t)(t_us / 1000000u), .tv_nsec = (long)(t_us % 1000000u) * 1000 };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* Writes S to DIR/NAME (DIR may be AT_FDCWD-relative, i.e. a path). */
static inline int lb_write_at(int dirfd, const char *name, const char *s)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, s, strlen(s));
	int r = n < 0 ? -errno : 0;
	close(fd);
	return r;
}

/* The first unsigned integer of DIR/NAME ("max" reads as UINT64_MAX). */
static inline int lb_read_u64_at(int dirfd, const char *name, uint64_t *ret)
{
	char buf[64];
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	int r = n < 0 ? -errno : 0;
	close(fd);
	if (r < 0)
		return r;
	buf[n] = 0;
	if (strncmp(buf, "max", 3) == 0) {
		*ret = UINT64_MAX;
		return 0;
	}
	char *end;
	errno = 0;
	unsigned long long v = strtoull(buf, &end, 10);
	if (errno || end == buf)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* The value of KEY in a flat keyed text (memory.events, /proc/meminfo:
 * "KEY: V" or "KEY V"); -ENOENT if absent. */
static inline int lb_key(const char *text, const char *key, uint64_t *ret)
{
	size_t kl = strlen(key);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, kl) == 0 && (p[kl] == ' ' || p[kl] == ':')) {
			*ret = strtoull(p + kl + 1 + (p[kl] == ':'), NULL, 10);
			return 0;
		}
	}
	return -ENOENT;
}

/* pread of a whole small kernfs/proc file from offset 0 (the file is
 * regenerated at offset 0, so a kept-open fd gives fresh figures). */
static inline int lb_pread_text(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return (int)n;
}

/* MemAvailable of /proc/meminfo, in KiB. */
static inline int lb_mem_available_kib(uint64_t *ret)
{
	char buf[4096];
	int fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = lb_pread_text(fd, buf, sizeof buf);
	close(fd);
	return r < 0 ? r : lb_key(buf, "MemAvailable", ret);
}

/* Fills a page with xorshift64 words: incompressible (zram stores it whole). */
static inline void lb_fill_page(uint64_t *page, uint64_t *state)
{
	uint64_t x = *state;
	for (unsigned i = 0; i < LB_PAGE / 8; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		page[i] = x;
	}
	*state = x;
}

/* Leaves -1000 in /proc/self/oom_score_adj: the measuring process must
 * outlive the leak it measures. */
static inline int lb_oom_protect(void)
{
	return lb_write_at(AT_FDCWD, "/proc/self/oom_score_adj", "-1000");
}

#endif
