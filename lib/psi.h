/* Pressure stall information: memory.pressure, cpu.pressure, io.pressure
 * (in a cgroup) and /proc/pressure/{memory,cpu,io}.
 *
 * Format (Documentation/accounting/psi.rst):
 *   some avg10=0.00 avg60=0.00 avg300=0.00 total=0
 *   full avg10=0.00 avg60=0.00 avg300=0.00 total=0
 * Lines are found by their first word, tokens by key. The `full` line is
 * absent from cpu.pressure on kernels before 5.13: has_full = false.
 *
 * Averages are kept as the kernel prints them, fixed-point with two
 * decimals: an integer in hundredths of a percent (12.34 % -> 1234), so no
 * floating point reaches policy decisions and values compare exactly.
 * total is the cumulative stall time in microseconds.
 *
 * Return contract: 0 on success; -EBADMSG on garbage (unknown first word,
 * a missing or duplicate token or line, not exactly two decimals, no
 * `some` line); -ERANGE on overflow; -EFBIG when the file exceeds
 * MT_PSI_FILE_MAX bytes; -ENOENT/-ENODEV when the cgroup is gone.
 * Unknown tokens inside a line are ignored. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Two lines of ~70 bytes. */
#define MT_PSI_FILE_MAX 512

struct mt_psi_line {
	uint32_t avg10, avg60, avg300;  /* hundredths of a percent */
	uint64_t total;                 /* microseconds */
};

struct mt_psi {
	struct mt_psi_line some;
	struct mt_psi_line full;  /* valid only if has_full */
	bool has_full;
};

int mt_psi_parse(const char *buf, size_t len, struct mt_psi *ret);
int mt_psi_read_fd(int fd, struct mt_psi *ret);
/* name: "memory.pressure", "cpu.pressure", "io.pressure" (or "memory" below
 * a /proc/pressure dir fd). */
int mt_psi_read_at(int dir_fd, const char *name, struct mt_psi *ret);

enum mt_psi_kind {
	MT_PSI_SOME,
	MT_PSI_FULL,
};

/* The kernel's trigger window limits (kernel/sched/psi.c
 * psi_trigger_create: WINDOW_MIN_US, WINDOW_MAX_US). */
#define MT_PSI_WINDOW_MIN_US 500000u
#define MT_PSI_WINDOW_MAX_US 10000000u

/* Longest trigger text: "some 10000000 10000000" + NUL. */
#define MT_PSI_TRIGGER_MAX 32

/* Formats the text to write into a pressure file to arm a trigger, e.g.
 * "some 150000 1000000" (stall 150 ms per 1 s window).
 * Same rules as the kernel: window_us in [MT_PSI_WINDOW_MIN_US,
 * MT_PSI_WINDOW_MAX_US], 0 < stall_us <= window_us; otherwise -EINVAL.
 * Returns the length written (without NUL); -ENOBUFS if size is too small. */
int mt_psi_trigger_format(enum mt_psi_kind kind, uint64_t stall_us, uint64_t window_us, char *buf, size_t size);
