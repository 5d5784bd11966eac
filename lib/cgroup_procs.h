/* cgroup.procs (and cgroup.threads): the pids in one cgroup, into a
 * caller-owned growable array.
 *
 * Format: one decimal pid per line, each > 0 and <= INT32_MAX (the kernel's
 * PID_MAX_LIMIT is 4194304). An empty file is a cgroup without processes:
 * 0 pids, not an error. Pids come in the kernel's order, not sorted, and
 * may repeat across a concurrent migration.
 *
 * Return contract: the number of pids (>= 0) on success; -EBADMSG on a
 * non-numeric or empty line, pid 0, or a missing final newline; -ERANGE on
 * a pid above INT32_MAX; -EFBIG when the file exceeds MT_PROCS_FILE_MAX;
 * -ENOMEM; -ENOENT/-ENODEV when the cgroup is gone. On failure the array
 * keeps its storage but n = 0. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* 8 MiB = a million 7-digit pids: above PID_MAX_LIMIT (4194304) lines of
 * 8 bytes would need 32 MiB, but no node runs that many in one cgroup;
 * beyond this the read fails with -EFBIG rather than growing unbounded. */
#define MT_PROCS_FILE_MAX (8u << 20)

struct mt_pids {
	pid_t *pids;
	size_t n;
	size_t cap;
};

#define MT_PIDS_INIT { NULL, 0, 0 }

/* Frees the storage and resets to MT_PIDS_INIT. */
void mt_pids_done(struct mt_pids *p);

/* Replaces the array's contents with the pids in buf[0..len). */
int mt_procs_parse(const char *buf, size_t len, struct mt_pids *pids);

/* Reads `name` ("cgroup.procs" or "cgroup.threads") below the cgroup
 * directory fd; replaces the array's contents. */
int mt_procs_read_at(int dir_fd, const char *name, struct mt_pids *pids);
