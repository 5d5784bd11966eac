/* Benchmark: Kubernetes identity + policy match per cgroup, default set.
 * Not registered in meson (run by hand, after ninja -C build):
 *   gcc -O2 -D_GNU_SOURCE -Ilib -Ibuild test/bench/bench_policy_match.c \
 *       build/lib/libmemtriage.a -ljansson -o /tmp/bench_policy_match && /tmp/bench_policy_match */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "policy.h"
int main(void)
{
	struct mt_policy_set *set; struct mt_json_error err;
	if (mt_policy_set_load_default(&set, &err) < 0) return 1;
	char paths[1000][256];
	for (int i = 0; i < 1000; i++) {
		if (i % 3 == 0) snprintf(paths[i], 256, "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod%08x_1b2d.slice/cri-containerd-%064x.scope", i, i);
		else if (i % 3 == 1) snprintf(paths[i], 256, "kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod%08x_1b2d.slice", i);
		else snprintf(paths[i], 256, "system.slice/svc%d.service", i);
	}
	struct timespec a, b; const struct mt_policy *p; struct mt_k8s_identity id;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int r = 0; r < 100; r++)
		for (int i = 0; i < 1000; i++) { mt_k8s_identify(NULL, paths[i], &id); mt_policy_set_match(set, paths[i], &id, "system.slice/memtriage.service", &p); }
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.2f us per cgroup (identify + match, default set)\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 1e3 / 100000);
	mt_policy_set_free(set);
	return 0;
}
