/* Creating the status socket: its directory, a stale predecessor, and a
 * bind under a temporary name renamed into place. */
#include <errno.h>
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

/* Makes sure the socket's directory exists (mode 0755 when we create it)
 * and that nobody but us can put things in it (lib/rundir.h). A relative
 * directory (a test's, a hand run's) is taken as it is. */
static int ensure_dir(const char *path)
{
	_cleanup_free_ char *copy = strdup(path);
	struct stat st;

	if (!copy)
		return -ENOMEM;
	const char *dir = dirname(copy);
	if (dir[0] == '/')
		return mt_rundir_ensure(dir, 0755, MT_RUNDIR_STICKY_OK, NULL);
	if (stat(dir, &st) < 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
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

/* Binds under a temporary name, sets mode and group, listens, and renames
 * onto `path`, so the socket never appears with other permissions. Returns
 * the listening fd. */
static int bind_socket(const char *path, gid_t group, char *tmp, size_t tmp_size)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_free_ char *copy = strdup(path), *copy2 = strdup(path);

	if (!copy || !copy2)
		return -ENOMEM;
	int n = snprintf(tmp, tmp_size, "%s/.%s.%ld.tmp", dirname(copy), basename(copy2),
	                 (long)getpid());
	if (n < 0 || (size_t)n >= sizeof(sa.sun_path) || (size_t)n >= tmp_size)
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, tmp, (size_t)n + 1);
	if (unlink(tmp) < 0 && errno != ENOENT)
		return -errno;
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	int r = 0;
	if (chmod(tmp, 0660) < 0 || (group != (gid_t)-1 && chown(tmp, (uid_t)-1, group) < 0) ||
	    listen(fd, MT_SERVE_BACKLOG) < 0 || rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return r;
	}
	return mt_take_fd(&fd);
}

int mt_serve_socket_open(const char *path, gid_t group, dev_t *ret_dev, ino_t *ret_ino)
{
	char tmp[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct stat st;

	int r = ensure_dir(path);
	if (r < 0)
		return r;
	r = check_existing(path);
	if (r < 0)
		return r;
	int fd = bind_socket(path, group, tmp, sizeof(tmp));
	if (fd < 0)
		return fd;
	if (stat(path, &st) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	*ret_dev = st.st_dev;
	*ret_ino = st.st_ino;
	return fd;
}
