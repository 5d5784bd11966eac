#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "fileio.h"

static void write_file(const char *dir, const char *name, const char *content)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	fputs(content, f);
	fclose(f);
}

int main(void)
{
	char tmpl[] = "/tmp/mt-fileio-XXXXXX";
	char *dir = mkdtemp(tmpl);
	CHECK(dir != NULL);
	write_file(dir, "exact", "12345");

	_cleanup_close_ int dfd = mt_dir_open(AT_FDCWD, dir);
	CHECK(dfd >= 0);

	char buf[6];
	CHECK_INT(mt_read_at(dfd, "exact", buf, sizeof(buf)), 5);
	CHECK_STR(buf, "12345");

	char small[5];
	CHECK_INT(mt_read_at(dfd, "exact", small, sizeof(small)), -EFBIG);
	CHECK_INT(mt_read_at(dfd, "missing", buf, sizeof(buf)), -ENOENT);
	CHECK(mt_errno_is_gone(-ENOENT));
	CHECK(mt_errno_is_gone(-ENODEV));
	CHECK(!mt_errno_is_gone(-EFBIG));

	/* kernfs semantics: one write at offset 0, no O_TRUNC, no O_CREAT. */
	CHECK_INT(mt_write_at(dfd, "exact", "54321"), 0);
	CHECK_INT(mt_read_at(dfd, "exact", buf, sizeof(buf)), 5);
	CHECK_STR(buf, "54321");
	CHECK_INT(mt_write_at(dfd, "absent", "1"), -ENOENT);

	CHECK_INT(mt_dir_open(dfd, "exact"), -ENOTDIR);

	/* one pread at offset 0, whatever the fd's offset; a full buffer is
	 * -EFBIG (the whole file may not have fit) */
	_cleanup_close_ int fd = openat(dfd, "exact", O_RDONLY);
	CHECK(fd >= 0);
	CHECK_INT(mt_read_fd_once(fd, buf, sizeof(buf)), -EFBIG);
	char big[16];
	CHECK_INT(mt_read_fd_once(fd, big, sizeof(big)), 5);
	CHECK_STR(big, "54321");
	CHECK(lseek(fd, 3, SEEK_SET) == 3);
	CHECK_INT(mt_read_fd_once(fd, big, sizeof(big)), 5);
	CHECK_INT(mt_read_fd_once(fd, big, 1), -EINVAL);

	unlinkat(dfd, "exact", 0);
	rmdir(dir);
	return mt_check_status();
}
