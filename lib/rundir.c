/* Runtime directories: see rundir.h. */
#include "rundir.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"

/* Missing ancestors: readable by all (node_exporter's user walks to the
 * metrics file), writable by us only. */
#define ANCESTOR_MODE 0755

static int check_trusted(int fd, bool strict)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (st.st_uid != 0 && st.st_uid != geteuid())
		return -EPERM;
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && (strict || !(st.st_mode & S_ISVTX)))
		return -EPERM;
	return 0;
}

/* Opens (creating when missing) `name` below parent_fd. */
static int open_component(int parent_fd, const char *name, bool last, mode_t mode)
{
	int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | (last ? O_NOFOLLOW : 0);
	int fd = openat(parent_fd, name, flags);
	if (fd >= 0 || errno != ENOENT)
		return fd >= 0 ? fd : -errno;
	mode_t want = last ? mode : ANCESTOR_MODE;
	bool created = mkdirat(parent_fd, name, want) == 0;
	if (!created && errno != EEXIST) /* EEXIST: someone made it meanwhile; checked below like any */
		return -errno;
	fd = openat(parent_fd, name, flags | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	/* mkdir honours the umask; the mode is part of the contract. */
	if (created && fchmod(fd, want) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

int mt_rundir_ensure(const char *path, mode_t mode, unsigned flags, int *ret_fd)
{
	if (!path || path[0] != '/' || strlen(path) >= PATH_MAX || (flags & ~MT_RUNDIR_STICKY_OK))
		return -EINVAL;
	char buf[PATH_MAX];
	memcpy(buf, path, strlen(path) + 1);
	size_t n = strlen(buf);
	while (n > 1 && buf[n - 1] == '/')
		buf[--n] = '\0';

	_cleanup_close_ int fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	bool sticky_ok = flags & MT_RUNDIR_STICKY_OK;
	int r = check_trusted(fd, n == 1 && !sticky_ok);
	if (r < 0)
		return r;
	char *p = buf + 1;
	while (*p) {
		char *slash = strchr(p, '/');
		bool last = !slash;
		if (slash)
			*slash = '\0';
		if (!*p || strcmp(p, ".") == 0 || strcmp(p, "..") == 0)
			return -EINVAL;
		int next = open_component(fd, p, last, mode);
		if (next < 0) {
			/* O_NOFOLLOW on a symlink fails ELOOP (or ENOTDIR with O_DIRECTORY) */
			if (last && (next == -ELOOP || next == -ENOTDIR)) {
				struct stat st;
				if (fstatat(fd, p, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
					return -ELOOP;
			}
			return next;
		}
		close(fd);
		fd = next;
		r = check_trusted(fd, last && !sticky_ok);
		if (r < 0)
			return r;
		if (last)
			break;
		p = slash + 1;
	}
	if (ret_fd)
		*ret_fd = mt_take_fd(&fd);
	return 0;
}
