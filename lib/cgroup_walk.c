#include "cgroup_walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "fileio.h"

struct walk {
	unsigned max_depth;
	mt_cgroup_walk_fn fn;
	void *userdata;
	int visited;
	char path[PATH_MAX];
};

static bool is_dir_entry(int dfd, const struct dirent *de)
{
	struct stat st;

	if (de->d_type == DT_DIR)
		return true;
	if (de->d_type != DT_UNKNOWN)
		return false;
	/* Some filesystems (not kernfs, but possibly a fixture's) leave d_type
	 * unset; never follow a symlink to decide. */
	if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return false;
	return S_ISDIR(st.st_mode);
}

/* Visits the children of dir_fd, whose path relative to the root is
 * w->path[0..path_len). A directory that vanished returns 0. */
static int walk_dir(struct walk *w, int dir_fd, size_t path_len, unsigned depth)
{
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *de;
	int fd;

	fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return (depth > 0 && mt_errno_is_gone(-errno)) ? 0 : -errno;
	d = fdopendir(fd);
	if (!d) {
		int r = -errno;
		close(fd);
		return r;
	}
	for (;;) {
		_cleanup_close_ int child = -1;
		size_t name_len, child_len;
		int r;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno == 0)
				return 0;
			return (depth > 0 && mt_errno_is_gone(-errno)) ? 0 : -errno;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (!is_dir_entry(dirfd(d), de))
			continue;
		child = mt_dir_open(dirfd(d), de->d_name);
		if (child < 0) {
			/* Gone since readdir, or replaced by a non-directory or a
			 * symlink (O_NOFOLLOW|O_DIRECTORY): not a cgroup now. */
			if (mt_errno_is_gone(child) || child == -ENOTDIR || child == -ELOOP)
				continue;
			return child;
		}
		if (depth + 1 > w->max_depth)
			return -ELOOP;
		name_len = strlen(de->d_name);
		child_len = path_len + (path_len ? 1 : 0) + name_len;
		if (child_len >= sizeof(w->path))
			return -ENAMETOOLONG;
		if (path_len)
			w->path[path_len] = '/';
		memcpy(w->path + child_len - name_len, de->d_name, name_len + 1);

		w->visited++;
		r = w->fn(child, w->path, depth + 1, w->userdata);
		if (r < 0)
			return r;
		if (r == 0) {
			r = walk_dir(w, child, child_len, depth + 1);
			if (r < 0)
				return r;
		}
		w->path[path_len] = '\0';
	}
}

int mt_cgroup_walk(int root_fd, unsigned max_depth, mt_cgroup_walk_fn fn, void *userdata)
{
	struct walk w = { .max_depth = max_depth, .fn = fn, .userdata = userdata };
	int r = walk_dir(&w, root_fd, 0, 0);
	return r < 0 ? r : w.visited;
}
