#include "hostcheck.h"

#include <string.h>

#include "cgmount.h"

static void describe_found(const struct mt_host_cgroup *h, FILE *out)
{
	if (h->memory_error < 0 && !h->memory_mount[0])
		fprintf(out, "found no mounted memory controller (libcgroup: %s)", strerror(-h->memory_error));
	else if (h->memory_error < 0)
		fprintf(out, "found the memory controller at %s but could not inspect it (%s)", h->memory_mount,
			strerror(-h->memory_error));
	else
		fprintf(out, "found the memory controller at %s, which is %s", h->memory_mount,
			mt_cgroup_fs_name(h->memory_fs));

	if (!h->unified_mount[0])
		fprintf(out, "; there is no cgroup2 mount");
	else if (strcmp(h->unified_mount, h->memory_mount) != 0)
		fprintf(out, "; %s is cgroup2 with %s%s", h->unified_mount,
			h->unified_controllers[0] ? "controllers: " : "no controllers enabled", h->unified_controllers);
}

int mt_hostcheck_report(const struct mt_host_cgroup *h, FILE *ok_out, FILE *err_out)
{
	if (mt_cgmount_servable(h)) {
		if (ok_out)
			fprintf(ok_out, "memtriaged: memory controller at %s is cgroup2: this host can be served.\n",
				h->memory_mount);
		return 0;
	}
	fprintf(err_out, "memtriaged: this host cannot be served: ");
	describe_found(h, err_out);
	fprintf(err_out,
		". memtriaged needs the memory controller on a cgroup2 (unified) hierarchy, where memory.events, "
		"memory.pressure, memory.high and cgroup.kill exist. Run it instead in the real-kernel sandbox "
		"(./deploy/run.sh starts it when this check fails) or on a node booted with "
		"systemd.unified_cgroup_hierarchy=1.\n");
	return 1;
}

int mt_hostcheck_run(FILE *ok_out, FILE *err_out)
{
	struct mt_host_cgroup h;
	int r = mt_cgmount_probe(&h);

	if (r < 0) {
		fprintf(err_out, "memtriaged: cannot inspect this host's cgroup mounts (/proc/self/mounts: %s).\n",
			strerror(-r));
		return 1;
	}
	return mt_hostcheck_report(&h, ok_out, err_out);
}
