/* Loading a policy directory (policy.h): file checks, then the set rules. */
#include "policy.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fileio.h"

struct loaded {
	char *file;
	char *name;
	char *text;
	size_t len;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool valid_policy_name(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '_' || c == '.'))
			return false;
	}
	return true;
}

/* Opens dir/name for reading, refusing anything but a regular file or a
 * symlink that resolves to a regular file inside the directory. */
static int open_policy_file(int dfd, const char *realdir, const char *dir, const char *name, const char *file,
			    struct mt_json_error *err)
{
	struct stat st, fst;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return mt_json_error_set(err, -errno, file, "cannot stat: %s", strerror(errno));
	if (S_ISLNK(st.st_mode)) {
		char path[PATH_MAX + 1], resolved[PATH_MAX];
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (!realpath(path, resolved))
			return mt_json_error_set(err, -errno, file, "symlink cannot be resolved: %s", strerror(errno));
		size_t l = strlen(realdir);
		if (strncmp(resolved, realdir, l) != 0 || resolved[l] != '/') {
			char target[PATH_MAX];
			ssize_t tl = readlinkat(dfd, name, target, sizeof(target) - 1);
			target[tl > 0 ? tl : 0] = '\0';
			return mt_json_error_set(err, -EPERM, file,
						 "symlink to \"%s\", which is outside the policy directory", target);
		}
		if (stat(resolved, &st) < 0)
			return mt_json_error_set(err, -errno, file, "cannot stat: %s", strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return mt_json_error_set(err, -EINVAL, file, "not a regular file");
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return mt_json_error_set(err, -errno, file, "cannot open: %s", strerror(errno));
	/* The entry may have been swapped since the checks above. */
	if (fstat(fd, &fst) < 0 || fst.st_dev != st.st_dev || fst.st_ino != st.st_ino) {
		close(fd);
		return mt_json_error_set(err, -EAGAIN, file, "changed while being opened; try again");
	}
	return fd;
}

static int read_one(int dfd, const char *realdir, const char *dir, const char *name, struct loaded *out,
		    struct mt_json_error *err)
{
	size_t nlen = strlen(name) - strlen(".json");
	int r;

	if (asprintf(&out->file, "%s/%s", dir, name) < 0) {
		out->file = NULL;
		return mt_json_error_set(err, -ENOMEM, dir, "out of memory");
	}
	if (!valid_policy_name(name, nlen))
		return mt_json_error_set(err, -EINVAL, out->file,
					 "file name must be [A-Za-z0-9._-]+.json (it names the policy)");
	_cleanup_close_ int fd = open_policy_file(dfd, realdir, dir, name, out->file, err);
	if (fd < 0)
		return fd;
	out->text = malloc(MT_POLICY_FILE_MAX + 1);
	out->name = strndup(name, nlen);
	if (!out->text || !out->name)
		return mt_json_error_set(err, -ENOMEM, out->file, "out of memory");
	r = mt_read_fd(fd, out->text, MT_POLICY_FILE_MAX + 1);
	if (r == -EFBIG)
		return mt_json_error_set(err, r, out->file, "larger than %d bytes", MT_POLICY_FILE_MAX);
	if (r < 0)
		return mt_json_error_set(err, r, out->file, "cannot read: %s", strerror(-r));
	out->len = (size_t)r;
	return 0;
}

int mt_policy_set_load_dir(const char *dir, struct mt_policy_set **ret, struct mt_json_error *err)
{
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char realdir[PATH_MAX];
	char **names = NULL;
	struct loaded *files = NULL;
	size_t n = 0, cap = 0;
	int r;

	if (dfd < 0) {
		r = -errno;
		if (r == -ENOENT)
			return mt_json_error_set(err, r, dir, "policy directory does not exist");
		if (r == -ENOTDIR)
			return mt_json_error_set(err, r, dir, "not a directory");
		return mt_json_error_set(err, r, dir, "cannot open policy directory: %s", strerror(-r));
	}
	if (!realpath(dir, realdir))
		return mt_json_error_set(err, -errno, dir, "cannot resolve: %s", strerror(errno));

	int dfd2 = dup(dfd);
	DIR *d = dfd2 < 0 ? NULL : fdopendir(dfd2);
	if (!d) {
		r = -errno;
		if (dfd2 >= 0)
			close(dfd2);
		return mt_json_error_set(err, r, dir, "cannot list: %s", strerror(-r));
	}
	struct dirent *de;
	r = 0;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		/* Dot-entries cover ".", "..", and ConfigMap's "..data" and
		 * "..2024_..." timestamped directories. */
		if (de->d_name[0] == '.' || l <= 5 || strcmp(de->d_name + l - 5, ".json") != 0)
			continue;
		if (n == MT_POLICY_COUNT_MAX) {
			r = mt_json_error_set(err, -E2BIG, dir, "more than %d policy files", MT_POLICY_COUNT_MAX);
			break;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			char **nn = realloc(names, cap * sizeof(*nn));
			if (!nn) {
				r = mt_json_error_set(err, -ENOMEM, dir, "out of memory");
				break;
			}
			names = nn;
		}
		if (!(names[n] = strdup(de->d_name))) {
			r = mt_json_error_set(err, -ENOMEM, dir, "out of memory");
			break;
		}
		n++;
	}
	closedir(d);
	if (r < 0)
		goto out;
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);

	files = calloc(n ? n : 1, sizeof(*files));
	struct mt_policy_source *srcs = calloc(n ? n : 1, sizeof(*srcs));
	if (!files || !srcs) {
		free(srcs);
		r = mt_json_error_set(err, -ENOMEM, dir, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if ((r = read_one(dfd, realdir, dir, names[i], &files[i], err)) < 0)
			break;
		srcs[i] = (struct mt_policy_source){ files[i].file, files[i].name, files[i].text, files[i].len };
	}
	if (r >= 0)
		r = mt_policy_set_from_sources(dir, srcs, n, ret, err);
	free(srcs);
out:
	for (size_t i = 0; i < n; i++) {
		free(names[i]);
		if (files) {
			free(files[i].file);
			free(files[i].name);
			free(files[i].text);
		}
	}
	free(names);
	free(files);
	return r;
}
