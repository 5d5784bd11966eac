/* Prints kill report lines, one per line, for check_npd.py to match against
 * node-problem-detector's rules: the C formatter is the source of truth.
 * Each report twice: as a kill carried out, then as a dry run's. */
#include <stdio.h>

#include "killreport.h"

int main(void)
{
	static const struct mt_killreport reports[] = {
		{ .cgroup = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0a1b_2c3d.slice/"
			    "cri-containerd-4f2a9c.scope",
		  .namespace = "shop", .pod = "web-7f9c-x2x", .container = "nginx", .reason = "node-deficit",
		  .freed_ram = 536870912, .freed_swap = 1048576, .decision = 42 },
		{ .cgroup = "/kubepods/besteffort/pod11-22/abc", .namespace = "batch", .pod = "job-1",
		  .container = "worker", .reason = "psi-full", .freed_ram = 0, .freed_swap = 0, .decision = 1 },
		{ .cgroup = "/system.slice/my app.service", .reason = "memory.max repeated",
		  .freed_ram = 18446744073709551615u, .freed_swap = 7, .decision = 18446744073709551615u },
	};
	char line[MT_KILLREPORT_MAX_LEN + 1];

	for (size_t i = 0; i < 2 * sizeof(reports) / sizeof(reports[0]); i++) {
		struct mt_killreport rep = reports[i % (sizeof(reports) / sizeof(reports[0]))];
		rep.dry_run = i >= sizeof(reports) / sizeof(reports[0]);
		int r = mt_killreport_format(&rep, line, sizeof(line));

		if (r < 0) {
			fprintf(stderr, "killreport_sample: report %zu: error %d\n", i, r);
			return 1;
		}
		puts(line);
	}
	return 0;
}
