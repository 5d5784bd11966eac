/* lib/cgmount.h: the ECG* -> errno mapping, and a probe of this host that
 * asserts only what holds on every host (the host's layout varies; the
 * paragraph for this CI host is checked by hand, see the issue report). */
#include <errno.h>
#include <libcgroup.h>

#include "cgmount.h"
#include "check.h"

int main(void)
{
	struct mt_host_cgroup h;

	CHECK_INT(mt_cgmount_errno(0), 0);
	CHECK_INT(mt_cgmount_errno(-EPERM), -EPERM);
	CHECK_INT(mt_cgmount_errno(ECGROUPNOTMOUNTED), -ENOENT);
	CHECK_INT(mt_cgmount_errno(ECGROUPSUBSYSNOTMOUNTED), -ENOENT);
	CHECK_INT(mt_cgmount_errno(ECGROUPNOTEXIST), -ENOENT);
	CHECK_INT(mt_cgmount_errno(ECGROUPNOTALLOWED), -EPERM);
	CHECK_INT(mt_cgmount_errno(ECGINVAL), -EINVAL);
	CHECK_INT(mt_cgmount_errno(ECGROUPUNSUPP), -EOPNOTSUPP);
	CHECK_INT(mt_cgmount_errno(ECGEOF), -ENODATA);
	CHECK_INT(mt_cgmount_errno(ECGNONEMPTY), -EBUSY);
	CHECK_INT(mt_cgmount_errno(ECGROUPPARSEFAIL), -EBADMSG);
	CHECK_INT(mt_cgmount_errno(ECGFAIL), -EIO);
	CHECK_INT(mt_cgmount_errno(12345), -EIO);
	CHECK(mt_cgmount_errno(ECGOTHER) < 0);

	CHECK_STR(mt_cgroup_fs_name(MT_CGROUP_FS_V1), "cgroup v1");
	CHECK_STR(mt_cgroup_fs_name(MT_CGROUP_FS_V2), "cgroup2");
	CHECK_STR(mt_cgroup_fs_name(MT_CGROUP_FS_NONE), "not found");

	CHECK_INT(mt_cgmount_probe(&h), 0);
	/* servable exactly when the memory mount was found and is cgroup2 */
	CHECK_INT(mt_cgmount_servable(&h), h.memory_error == 0 && h.memory_fs == MT_CGROUP_FS_V2);
	CHECK(h.memory_error <= 0);
	CHECK(h.memory_error < 0 || h.memory_mount[0] == '/');
	return mt_check_status();
}
