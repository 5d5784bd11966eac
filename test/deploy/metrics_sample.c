/* Writes a metrics file the way the daemon will -- every metric, awkward
 * label values, the overflow series -- into DIR/memtriage.prom, for
 * promtool_check.sh. Usage: metrics_sample DIR */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

#include "cleanup.h"
#include "fileio.h"
#include "metrics.h"

int main(int argc, char **argv)
{
	_cleanup_free_ struct mt_metrics *m = calloc(1, sizeof(*m));
	_cleanup_close_ int dfd = -1;
	char pod[32];
	int r;

	if (argc != 2 || !m)
		return 2;
	m->version = "0.1.0";
	m->node_commit_bytes = 8589934592;
	m->node_bound_bytes = 8053063680;
	m->ram_deficit_bytes = 536870912;
	m->swap_deficit_bytes = 1;
	m->psi_some_avg10 = 37.5;
	m->psi_full_avg10 = 4.02;
	m->zram = true;
	m->zram_saving_ratio = 0.9826;
	m->zram_ratio_measured = true;
	m->decisions = 12;
	m->actions[MT_METRICS_ACTION_KILL] = 3;
	m->action_failures[MT_METRICS_ACTION_THROTTLE] = 1;
	m->policy_reload_success = true;
	m->policy_last_reload_time = 1764072000.5;
	if (mt_metrics_count(m, MT_METRICS_EVENT_KILL, "shop", "web-1", "nginx", "node-deficit") < 0 ||
	    mt_metrics_count(m, MT_METRICS_EVENT_THROTTLE, NULL, NULL, "my \"app\"\\\n.service", "psi") < 0 ||
	    mt_metrics_count(m, MT_METRICS_EVENT_KILL, "caf\xc3\xa9", "p", "c", "memory.max") < 0)
		return 1;
	for (int i = 0; i < MT_METRICS_MAX_SERIES + 5; i++) {
		snprintf(pod, sizeof(pod), "batch-%d", i);
		if (mt_metrics_count(m, MT_METRICS_EVENT_THROTTLE, "batch", pod, "worker", "node-deficit") < 0)
			return 1;
	}
	dfd = mt_dir_open(AT_FDCWD, argv[1]);
	if (dfd < 0) {
		fprintf(stderr, "metrics_sample: %s: error %d\n", argv[1], dfd);
		return 1;
	}
	r = mt_metrics_write_at(m, dfd, "memtriage.prom");
	if (r < 0) {
		fprintf(stderr, "metrics_sample: write: error %d\n", r);
		return 1;
	}
	return 0;
}
