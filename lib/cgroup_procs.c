#include "cgroup_procs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "kv.h"

void mt_pids_done(struct mt_pids *p)
{
	free(p->pids);
	*p = (struct mt_pids)MT_PIDS_INIT;
}

static int pids_push(struct mt_pids *p, pid_t pid)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		pid_t *np = reallocarray(p->pids, cap, sizeof(*np));
		if (!np)
			return -ENOMEM;
		p->pids = np;
		p->cap = cap;
	}
	p->pids[p->n++] = pid;
	return 0;
}

int mt_procs_parse(const char *buf, size_t len, struct mt_pids *pids)
{
	size_t pos = 0;

	pids->n = 0;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		uint64_t v;
		int r;

		if (!nl) {
			r = -EBADMSG;
			goto fail;
		}
		r = mt_u64_parse(buf + pos, (size_t)(nl - (buf + pos)), &v);
		if (r == 0 && v == 0)
			r = -EBADMSG;
		if (r == 0 && v > INT32_MAX)
			r = -ERANGE;
		if (r == 0)
			r = pids_push(pids, (pid_t)v);
		if (r < 0)
			goto fail;
		pos = (size_t)(nl - buf) + 1;
		continue;
fail:
		pids->n = 0;
		return r;
	}
	return (int)pids->n;
}

/* cgroup.procs is a seq_file whose size is unknown until read: read() in a
 * loop (not pread at offsets, the seq_file keeps its own position) into a
 * buffer that doubles up to MT_PROCS_FILE_MAX. */
int mt_procs_read_at(int dir_fd, const char *name, struct mt_pids *pids)
{
	_cleanup_close_ int fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;

	pids->n = 0;
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *nb;
			if (cap >= MT_PROCS_FILE_MAX) {
				char extra;
				do
					n = read(fd, &extra, 1);
				while (n < 0 && errno == EINTR);
				if (n < 0)
					return -errno;
				if (n > 0)
					return -EFBIG;
				break;
			}
			cap = cap ? cap * 2 : 4096;
			nb = realloc(buf, cap);
			if (!nb)
				return -ENOMEM;
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	return mt_procs_parse(buf ? buf : "", len, pids);
}
