/* Bounded file I/O relative to directory fds.
 *
 * Every cgroup is addressed through one directory fd opened with
 * O_PATH|O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC; its files are opened with openat(2)
 * so a path is resolved once and a renamed or replaced directory cannot
 * redirect a later read or write.
 *
 * Return contract (all functions): >= 0 on success, a negative errno on
 * failure. -ENOENT and -ENODEV mean the cgroup (or file) went away:
 * test with mt_errno_is_gone(), it is an outcome, not an error. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Opens the directory `path` relative to `parent_fd` (AT_FDCWD allowed).
 * Returns the new fd. */
int mt_dir_open(int parent_fd, const char *path);

/* Reads the whole of `name` below `dir_fd` into buf and NUL-terminates it.
 * Returns the number of bytes read (at most size - 1); -EFBIG when the file
 * holds more than size - 1 bytes (truncation is never silent). */
int mt_read_at(int dir_fd, const char *name, char *buf, size_t size);

/* Same for an fd already open for reading; reads from offset 0 with pread(2)
 * so kernfs regenerates the contents on every call. */
int mt_read_fd(int fd, char *buf, size_t size);

/* Same in one pread(2) at offset 0, for files the kernel generates whole
 * on each read (kernfs, /proc seq files): a short read is the whole file,
 * so the second pread mt_read_fd() makes to see the end -- which makes the
 * kernel generate the file again -- is saved. For the hot polls (the node
 * look, the sampler). -EFBIG when the read fills size - 1 bytes. */
int mt_read_fd_once(int fd, char *buf, size_t size);

/* Writes `value` to `name` below `dir_fd` in one write(2), as kernfs expects.
 * Returns 0; -EIO on a short write. */
int mt_write_at(int dir_fd, const char *name, const char *value);
/* mt_write_at on an fd already open for writing (one write(2), EINTR
 * retried): 0, -EIO on a short write, or a negative errno. */
int mt_write_fd(int fd, const char *value);

static inline bool mt_errno_is_gone(int r)
{
	/* ENOENT: file or directory removed before open; ENODEV: kernfs node
	 * removed while we held it open (kernel returns it for reads on a
	 * deleted cgroup's files). */
	return r == -2 /* ENOENT */ || r == -19 /* ENODEV */;
}
