#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"

_Static_assert(ENOENT == 2 && ENODEV == 19, "mt_errno_is_gone() hard-codes errno values");

int mt_dir_open(int parent_fd, const char *path)
{
	int fd = openat(parent_fd, path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int mt_read_fd_once(int fd, char *buf, size_t size)
{
	if (size < 2)
		return -EINVAL;
	ssize_t n;
	do
		n = pread(fd, buf, size - 1, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n == size - 1)
		return -EFBIG;
	buf[n] = '\0';
	return (int)n;
}

int mt_read_fd(int fd, char *buf, size_t size)
{
	size_t len = 0;

	if (size < 2)
		return -EINVAL;
	for (;;) {
		ssize_t n = pread(fd, buf + len, size - 1 - len, (off_t)len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == size - 1) {
			char extra;
			ssize_t m;
			do
				m = pread(fd, &extra, 1, (off_t)len);
			while (m < 0 && errno == EINTR);
			if (m < 0)
				return -errno;
			if (m > 0)
				return -EFBIG;
			break;
		}
	}
	buf[len] = '\0';
	return (int)len;
}

int mt_read_at(int dir_fd, const char *name, char *buf, size_t size)
{
	_cleanup_close_ int fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	return mt_read_fd(fd, buf, size);
}

int mt_write_at(int dir_fd, const char *name, const char *value)
{
	_cleanup_close_ int fd = openat(dir_fd, name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	return mt_write_fd(fd, value);
}

int mt_write_fd(int fd, const char *value)
{
	size_t len = strlen(value);
	ssize_t n;
	do
		n = write(fd, value, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}
