/* The kill report: one stable, documented line per group kill, which the
 * daemon writes to /dev/kmsg so node-problem-detector (and anyone reading
 * dmesg) sees what memtriage killed and why. A userspace cgroup.kill does not
 * show as a kernel OOM (the runtime reports exit 137, not OOMKilled), so this
 * line is where the cause of the death lives on the node.
 *
 * Format (version 1; fields always present, always in this order):
 *
 *   memtriage: killed cgroup=<path> namespace=<ns> pod=<pod> container=<c>
 *     reason=<trigger> freed_ram=<bytes> freed_swap=<bytes> decision=<id>
 *
 * on one line, fields separated by exactly one space. Values:
 *   - strings: every byte < 0x21, >= 0x7f, and '\\' is written as "\xNN"
 *     (two lowercase hex digits), so a value never contains a space and a
 *     reader of /dev/kmsg (which escapes the same bytes the same way) sees
 *     our text unchanged. A missing value (not a Kubernetes container) is
 *     "-"; a value that is literally "-" is written "\x2d".
 *   - numbers: unsigned decimal, no sign, no leading zeros.
 * deploy/node-problem-detector/memtriage-monitor.json matches this line.
 *
 * In a dry run (--dry-run, the rollout overlay) the same line is written
 * for each kill decided and not carried out, with "killed" replaced by
 * "dry-run-kill" and freed_ram/freed_swap the predicted frees:
 *
 *   memtriage: dry-run-kill cgroup=<path> namespace=<ns> pod=<pod> ...
 *
 * To write it, the daemon sends MT_KILLREPORT_KMSG_PRIORITY, the line and a
 * newline in one writev(2) to /dev/kmsg (the kernel takes one write as one
 * record; without the newline it holds the record open for a continuation
 * and dmesg does not show it). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "<12>": facility user (1 << 3) | severity warning (4). A kill is not an
 * error of the node, but operators should see it above info noise. */
#define MT_KILLREPORT_KMSG_PRIORITY "<12>"

/* The longest line formatted, excluding the NUL. The kernel rejects a
 * /dev/kmsg write longer than LOG_LINE_MAX (1024 - 32 = 992 bytes) with
 * EINVAL (kernel/printk/printk.c devkmsg_write); 960 leaves room for the
 * priority prefix and a newline. */
#define MT_KILLREPORT_MAX_LEN 960

struct mt_killreport {
	const char *cgroup;    /* required: cgroup path below the supervised root */
	const char *namespace; /* NULL or "" when unknown: written as "-" */
	const char *pod;       /* NULL or "" when unknown */
	const char *container; /* NULL or "" when unknown */
	const char *reason;    /* required: the trigger that led to the kill */
	uint64_t freed_ram;    /* bytes of RAM the kill freed (measured) */
	uint64_t freed_swap;   /* bytes of swap the kill freed (measured) */
	uint64_t decision;     /* id of the decision record that ordered it */
	bool dry_run;          /* "dry-run-kill", the frees predicted */
};

/* Formats the report into buf (NUL-terminated, no newline).
 * Returns the line's length (<= MT_KILLREPORT_MAX_LEN); -EINVAL when cgroup
 * or reason is NULL or empty, or buf is NULL; -ENOBUFS when the line does not
 * fit in size - 1 bytes or in MT_KILLREPORT_MAX_LEN (buf then holds an empty
 * string, never a truncated line). */
int mt_killreport_format(const struct mt_killreport *r, char *buf, size_t size);
