/* cmd/memtriaged/hostcheck.c: the exact paragraph for the layouts the host
 * check must explain. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "../../cmd/memtriaged/hostcheck.h"

#define TAIL ". memtriaged needs the memory controller on a cgroup2 (unified) hierarchy, where " \
	"memory.events, memory.pressure, memory.high and cgroup.kill exist. Run it instead in the " \
	"real-kernel sandbox (./deploy/run.sh starts it when this check fails) or on a node booted " \
	"with systemd.unified_cgroup_hierarchy=1.\n"

static void expect(const struct mt_host_cgroup *h, int r, const char *ok, const char *err)
{
	char *okb = NULL, *errb = NULL;
	size_t okn = 0, errn = 0;
	FILE *o = open_memstream(&okb, &okn), *e = open_memstream(&errb, &errn);

	CHECK_INT(mt_hostcheck_report(h, o, e), r);
	fclose(o);
	fclose(e);
	CHECK_STR(okb, ok);
	CHECK_STR(errb, err);
	free(okb);
	free(errb);
}

int main(void)
{
	struct mt_host_cgroup h;

	/* this project's CI machines: hybrid, memory on v1 */
	memset(&h, 0, sizeof(h));
	strcpy(h.memory_mount, "/sys/fs/cgroup/memory");
	h.memory_fs = MT_CGROUP_FS_V1;
	strcpy(h.unified_mount, "/sys/fs/cgroup/unified");
	strcpy(h.unified_controllers, "hugetlb");
	expect(&h, 1, "", "memtriaged: this host cannot be served: found the memory controller at "
	       "/sys/fs/cgroup/memory, which is cgroup v1; /sys/fs/cgroup/unified is cgroup2 with "
	       "controllers: hugetlb" TAIL);

	/* hybrid with nothing enabled on the unified mount */
	h.unified_controllers[0] = '\0';
	expect(&h, 1, "", "memtriaged: this host cannot be served: found the memory controller at "
	       "/sys/fs/cgroup/memory, which is cgroup v1; /sys/fs/cgroup/unified is cgroup2 with "
	       "no controllers enabled" TAIL);

	/* pure v1 */
	h.unified_mount[0] = '\0';
	expect(&h, 1, "", "memtriaged: this host cannot be served: found the memory controller at "
	       "/sys/fs/cgroup/memory, which is cgroup v1; there is no cgroup2 mount" TAIL);

	/* no memory controller at all (libcgroup: not mounted) */
	memset(&h, 0, sizeof(h));
	h.memory_error = -ENOENT;
	strcpy(h.unified_mount, "/sys/fs/cgroup");
	expect(&h, 1, "", "memtriaged: this host cannot be served: found no mounted memory controller "
	       "(libcgroup: No such file or directory); /sys/fs/cgroup is cgroup2 with no controllers enabled" TAIL);

	/* unified: servable; the cgroup2 mount is the memory mount, named once */
	memset(&h, 0, sizeof(h));
	strcpy(h.memory_mount, "/sys/fs/cgroup");
	h.memory_fs = MT_CGROUP_FS_V2;
	strcpy(h.unified_mount, "/sys/fs/cgroup");
	strcpy(h.unified_controllers, "cpuset cpu io memory hugetlb pids rdma misc");
	expect(&h, 0, "memtriaged: memory controller at /sys/fs/cgroup is cgroup2: this host can be served.\n", "");
	return mt_check_status();
}
