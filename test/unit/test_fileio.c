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

	unlinkat(dfd, "exact", 0);
	rmdir(dir);
	return mt_check_status();
}
