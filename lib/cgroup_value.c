#include "cgroup_value.h"

#include <errno.h>

#include "fileio.h"

int mt_value_parse(const char *buf, size_t len, uint64_t *ret)
{
	if (len == 0 || buf[len - 1] != '\n')
		return -EBADMSG;
	return mt_limit_parse(buf, len - 1, ret);
}

int mt_value_read_fd(int fd, uint64_t *ret)
{
	char buf[MT_VALUE_FILE_MAX];
	int n = mt_read_fd_once(fd, buf, sizeof(buf));
	if (n < 0)
		return n;
	return mt_value_parse(buf, (size_t)n, ret);
}

int mt_value_read_at(int dir_fd, const char *name, uint64_t *ret)
{
	char buf[MT_VALUE_FILE_MAX];
	int n = mt_read_at(dir_fd, name, buf, sizeof(buf));
	if (n < 0)
		return n;
	return mt_value_parse(buf, (size_t)n, ret);
}
