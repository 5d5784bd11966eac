/* The own cgroup inside a private cgroup namespace: mountinfo's root
 * field, its relation to /proc/self/cgroup, and the search by pid and by
 * pod UID in a fixture tree. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "cleanup.h"
#include "fileio.h"
#include "owncg.h"

static const char mountinfo[] =
	"22 28 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
	"25 28 0:23 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755\n"
	"26 28 0:24 /../../.. /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 master:3 - cgroup2 cgroup2 rw,nsdelegate\n"
	"27 28 0:24 /a\\040b /mnt/with\\040space rw - cgroup2 cgroup2 rw\n"
	"bad line\n";

static void test_mount_root(void)
{
	char root[256];
	CHECK_INT(mt_owncg_mount_root(mountinfo, strlen(mountinfo), "/sys/fs/cgroup", root, sizeof root), 0);
	CHECK_STR(root, "/../../.."); /* the tmpfs on the same point is skipped */
	CHECK_INT(mt_owncg_mount_root(mountinfo, strlen(mountinfo), "/mnt/with space", root, sizeof root), 0);
	CHECK_STR(root, "/a b");
	CHECK_INT(mt_owncg_mount_root(mountinfo, strlen(mountinfo), "/proc", root, sizeof root), -ENOENT);
	CHECK_INT(mt_owncg_mount_root(mountinfo, strlen(mountinfo), "/nowhere", root, sizeof root), -ENOENT);
	CHECK_INT(mt_owncg_mount_root(mountinfo, strlen(mountinfo), "/sys/fs/cgroup", root, 4), -ENAMETOOLONG);
	const char nosep[] = "26 28 0:24 / /sys/fs/cgroup rw cgroup2 cgroup2 rw\n";
	CHECK_INT(mt_owncg_mount_root(nosep, strlen(nosep), "/sys/fs/cgroup", root, sizeof root), -EINVAL);
	const char rel[] = "26 28 0:24 x /sys/fs/cgroup rw - cgroup2 cgroup2 rw";
	CHECK_INT(mt_owncg_mount_root(rel, strlen(rel), "/sys/fs/cgroup", root, sizeof root), -EINVAL);
}

static void test_relate(void)
{
	unsigned ups = 99;
	char rel[256];
	/* the host: no namespace */
	CHECK_INT(mt_owncg_relate("/", "/system.slice/memtriage.service", &ups, rel, sizeof rel), 0);
	CHECK_INT(ups, 0);
	CHECK_STR(rel, "system.slice/memtriage.service");
	/* a private namespace over a bind-mounted host tree */
	CHECK_INT(mt_owncg_relate("/../../..", "/", &ups, rel, sizeof rel), 0);
	CHECK_INT(ups, 3);
	CHECK_STR(rel, "");
	CHECK_INT(mt_owncg_relate("/../..", "/sub", &ups, rel, sizeof rel), 0);
	CHECK_INT(ups, 2);
	CHECK_STR(rel, "sub");
	/* a subtree mounted: our cgroup below it, or not */
	CHECK_INT(mt_owncg_relate("/kubepods", "/kubepods/pod1/c", &ups, rel, sizeof rel), 0);
	CHECK_INT(ups, 0);
	CHECK_STR(rel, "pod1/c");
	CHECK_INT(mt_owncg_relate("/kubepods", "/system.slice/x", &ups, rel, sizeof rel), -EXDEV);
	CHECK_INT(mt_owncg_relate("/kubepods/pod1", "/kubepods", &ups, rel, sizeof rel), -EXDEV);
	CHECK_INT(mt_owncg_relate("/../a", "/", &ups, rel, sizeof rel), -EXDEV);
	CHECK_INT(mt_owncg_relate("relative", "/", &ups, rel, sizeof rel), -EINVAL);
	CHECK_INT(mt_owncg_relate("/", "/a/../b", &ups, rel, sizeof rel), -EINVAL);
	CHECK_INT(mt_owncg_relate("/a/..", "/", &ups, rel, sizeof rel), -EINVAL);
	CHECK_INT(mt_owncg_relate("/", "/abcdef", &ups, rel, 4), -ENAMETOOLONG);
}

static char root[] = "/tmp/mt-owncg-XXXXXX";

static void mk(const char *rel, const char *procs)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "mkdir -p '%s'", p);
	if (system(cmd) != 0)
		exit(1);
	strcat(p, "/cgroup.procs");
	FILE *f = fopen(p, "w");
	if (!f)
		exit(1);
	fputs(procs, f);
	fclose(f);
}

static void test_find(void)
{
	char mine[32], ret[512];
	snprintf(mine, sizeof mine, "1\n%d\n", (int)getpid());
	if (!mkdtemp(root))
		exit(1);
	mk("kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod11_22.slice/cri-containerd-aa.scope", "7\n");
	mk("kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0f6c2a6e_1b2d_4c3e_9f4a_5b6c7d8e9f01.slice/"
	   "cri-containerd-bb.scope", mine);
	mk("kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0f6c2a6e_1b2d_4c3e_9f4a_5b6c7d8e9f01.slice/"
	   "cri-containerd-bb.scope/sub", "8\n");
	mk("system.slice/other.service", "9\n");
	_cleanup_close_ int fd = mt_dir_open(AT_FDCWD, root);
	/* by pid, 4 levels below the mount (the container's scope) */
	CHECK_INT(mt_owncg_find(fd, 4, "", getpid(), NULL, ret, sizeof ret), 0);
	CHECK_STR(ret, "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0f6c2a6e_1b2d_4c3e_9f4a_5b6c7d8e9f01.slice/"
	               "cri-containerd-bb.scope");
	/* namespace root one level up, our cgroup "sub" below it: not us */
	CHECK_INT(mt_owncg_find(fd, 3, "cri-containerd-bb.scope", getpid(), NULL, ret, sizeof ret), 0);
	CHECK_STR(ret, "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0f6c2a6e_1b2d_4c3e_9f4a_5b6c7d8e9f01.slice/"
	               "cri-containerd-bb.scope");
	/* a pid that is nowhere, no pod UID: not found */
	CHECK_INT(mt_owncg_find(fd, 4, "", 424242, NULL, ret, sizeof ret), -ENOENT);
	/* ... with the downward API's pod UID: its pod */
	CHECK_INT(mt_owncg_find(fd, 4, "", 424242, "0f6c2a6e-1b2d-4c3e-9f4a-5b6c7d8e9f01", ret, sizeof ret), 0);
	CHECK_STR(ret, "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0f6c2a6e_1b2d_4c3e_9f4a_5b6c7d8e9f01.slice");
	CHECK_INT(mt_owncg_find(fd, 4, "", 424242, "00000000-0000-0000-0000-000000000000", ret, sizeof ret), -ENOENT);
	/* no namespace: the path as given */
	CHECK_INT(mt_owncg_find(fd, 0, "system.slice/other.service", 1, NULL, ret, sizeof ret), 0);
	CHECK_STR(ret, "system.slice/other.service");
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf %s", root);
	CHECK_INT(system(cmd), 0);
}

int main(void)
{
	test_mount_root();
	test_relate();
	test_find();
	return mt_check_status();
}
