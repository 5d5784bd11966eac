#include "cgmount.h"

#include <errno.h>
#include <fcntl.h>
#include <libcgroup.h>
#include <linux/magic.h>
#include <mntent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>

#include "cleanup.h"
#include "fileio.h"

int mt_cgmount_errno(int ecg)
{
	int e;

	if (ecg <= 0)
		return ecg;
	switch (ecg) {
	case ECGOTHER:
		e = cgroup_get_last_errno();
		return e > 0 ? -e : -EIO;
	case ECGROUPNOTMOUNTED:
	case ECGROUPSUBSYSNOTMOUNTED:
	case ECGROUPNOTEXIST:
	case ECGROUPVALUENOTEXIST:
		return -ENOENT;
	case ECGROUPNOTALLOWED:
	case ECGROUPNOTOWNER:
		return -EPERM;
	case ECGINVAL:
	case ECGROUPNOTINITIALIZED:
		return -EINVAL;
	case ECGROUPNOTCOMPILED:
		return -ENOSYS;
	case ECGROUPUNSUPP:
		return -EOPNOTSUPP;
	case ECGEOF:
		return -ENODATA;
	case ECGNONEMPTY:
		return -EBUSY;
	case ECGROUPPARSEFAIL:
	case ECGCONFIGPARSEFAIL:
		return -EBADMSG;
	default:
		return -EIO;
	}
}

const char *mt_cgroup_fs_name(enum mt_cgroup_fs fs)
{
	switch (fs) {
	case MT_CGROUP_FS_V1:
		return "cgroup v1";
	case MT_CGROUP_FS_V2:
		return "cgroup2";
	case MT_CGROUP_FS_OTHER:
		return "not a cgroup filesystem";
	case MT_CGROUP_FS_NONE:
		break;
	}
	return "not found";
}

static int fs_kind(const char *path, enum mt_cgroup_fs *ret)
{
	struct statfs sfs;

	if (statfs(path, &sfs) < 0)
		return -errno;
	if (sfs.f_type == CGROUP2_SUPER_MAGIC)
		*ret = MT_CGROUP_FS_V2;
	else if (sfs.f_type == CGROUP_SUPER_MAGIC)
		*ret = MT_CGROUP_FS_V1;
	else
		*ret = MT_CGROUP_FS_OTHER;
	return 0;
}

/* lib/ does not log: libcgroup's default logger would print its errors to
 * stdout, while every failure here is returned as a code. */
static void silent_logger(void *userdata, int level, const char *fmt, va_list ap)
{
}

static void probe_memory(struct mt_host_cgroup *h)
{
	char *mp = NULL;
	int r;

	cgroup_set_logger(silent_logger, -1, NULL);
	r = cgroup_init();
	if (r == 0)
		r = cgroup_get_subsys_mount_point("memory", &mp);
	if (r != 0) {
		h->memory_error = mt_cgmount_errno(r);
		return;
	}
	if (!mp) {
		h->memory_error = -ENOENT;
		return;
	}
	snprintf(h->memory_mount, sizeof(h->memory_mount), "%s", mp);
	free(mp);
	h->memory_error = fs_kind(h->memory_mount, &h->memory_fs);
}

static int probe_unified(struct mt_host_cgroup *h)
{
	FILE *f = setmntent("/proc/self/mounts", "re");
	struct mntent *me;

	if (!f)
		return -errno;
	while ((me = getmntent(f))) {
		_cleanup_close_ int fd = -1;
		char buf[sizeof(h->unified_controllers)];
		int n;

		if (strcmp(me->mnt_type, "cgroup2") != 0)
			continue;
		snprintf(h->unified_mount, sizeof(h->unified_mount), "%s", me->mnt_dir);
		fd = mt_dir_open(AT_FDCWD, me->mnt_dir);
		n = fd < 0 ? fd : mt_read_at(fd, "cgroup.controllers", buf, sizeof(buf));
		if (n > 0) {
			if (buf[n - 1] == '\n')
				buf[--n] = '\0';
			memcpy(h->unified_controllers, buf, (size_t)n + 1);
		}
		break;
	}
	endmntent(f);
	return 0;
}

int mt_cgmount_probe(struct mt_host_cgroup *ret)
{
	memset(ret, 0, sizeof(*ret));
	probe_memory(ret);
	return probe_unified(ret);
}

bool mt_cgmount_servable(const struct mt_host_cgroup *h)
{
	return h->memory_error == 0 && h->memory_fs == MT_CGROUP_FS_V2;
}
