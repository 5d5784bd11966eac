/* Creating the status socket: its directory, a stale predecessor, and a
 * bind under a temporary name renamed into place. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "rundir.h"
#include "serve_internal.h"

/* Opens the socket's directory and makes sure no one else can change what
 * we put in it. An absolute one is created when missing and checked by
 * lib/rundir.h (owned by our euid or root, writable by no one else, or
 * sticky like /run and /tmp: others may add names but not replace or
 * remove ours, and every step below works on a name we just created,
 * without following links). A relative one (a test's, a hand run's) must
 * exist and pass the same owner and mode check. Returns its fd. */
static int open_dir(const char *path)
{
	_cleanup_free_ char *copy = strdup(path);
	struct stat st;

	if (!copy)
		return -ENOMEM;
	const char *dir = dirname(copy);
	int fd = -1;
	if (dir[0] == '/') {
		int r = mt_rundir_ensure(dir, 0755, MT_RUNDIR_STICKY_OK, &fd);
		return r < 0 ? r : fd;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = fstat(fd, &st) < 0 ? -errno : 0;
	if (r == 0 && ((st.st_uid != geteuid() && st.st_uid != 0) || ((st.st_mode & 022) && !(st.st_mode & S_ISVTX))))
		r = -EPERM;
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}
/* What is at the socket path now: 0 when nothing or a stale socket (safe to
 * replace), -EADDRINUSE when a live server answers, -EEXIST when it is not
 * a socket. */
static int check_existing(const char *path)
{
	struct stat st;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return -EADDRINUSE;
	/* EAGAIN: a live server whose backlog is full. */
	if (errno == EAGAIN || errno == EINPROGRESS)
		return -EADDRINUSE;
	if (errno == ECONNREFUSED || errno == ENOENT)
		return 0;
	return -errno;
}

/* Binds under a temporary name in dir_fd, mode 0660 from the umask around
 * bind(2) (no chmod by path), the group set with fchownat without
 * following a link (in a directory only we can write), listens and renames
 * onto `path` through dir_fd, so the socket never appears with other
 * permissions. Returns the listening fd. */
static int bind_socket(int dir_fd, const char *path, gid_t group, char *tmp, size_t tmp_size)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_free_ char *copy = strdup(path), *copy2 = strdup(path);

	if (!copy || !copy2)
		return -ENOMEM;
	const char *base = basename(copy2);
	char name[256];
	if (snprintf(name, sizeof name, ".%s.%ld.tmp", base, (long)getpid()) >= (int)sizeof name)
		return -ENAMETOOLONG;
	int n = snprintf(tmp, tmp_size, "%s/%s", dirname(copy), name);
	if (n < 0 || (size_t)n >= sizeof(sa.sun_path) || (size_t)n >= tmp_size)
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, tmp, (size_t)n + 1);
	if (unlinkat(dir_fd, name, 0) < 0 && errno != ENOENT)
		return -errno;
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	mode_t old = umask(0117);
	int r = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
	umask(old);
	if (r < 0)
		return r;
	if ((group != (gid_t)-1 && fchownat(dir_fd, name, (uid_t)-1, group, AT_SYMLINK_NOFOLLOW) < 0) ||
	    listen(fd, MT_SERVE_BACKLOG) < 0 || renameat(dir_fd, name, dir_fd, base) < 0)
		r = -errno;
	if (r < 0) {
		unlinkat(dir_fd, name, 0);
		return r;
	}
	return mt_take_fd(&fd);
}

int mt_serve_socket_open(const char *path, gid_t group, dev_t *ret_dev, ino_t *ret_ino)
{
	char tmp[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct stat st;

	_cleanup_close_ int dir_fd = open_dir(path);
	if (dir_fd < 0)
		return dir_fd;
	int r = check_existing(path);
	if (r < 0)
		return r;
	int fd = bind_socket(dir_fd, path, group, tmp, sizeof(tmp));
	if (fd < 0)
		return fd;
	if (lstat(path, &st) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	*ret_dev = st.st_dev;
	*ret_ino = st.st_ino;
	return fd;
}
