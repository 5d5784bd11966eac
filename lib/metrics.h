/* Prometheus metrics for node_exporter's textfile collector.
 *
 * The daemon keeps one struct mt_metrics, updates it as it decides and acts,
 * and calls mt_metrics_write_at() after each change (or on a timer); the
 * file appears atomically (temp file in the same directory, then rename), so
 * node_exporter never reads half a file. Text exposition format 0.0.4.
 *
 * Exported (all names prefixed memtriage_, base units per Prometheus
 * conventions; ratios are 0..1):
 *   kills_total{namespace,pod,container,reason}      counter
 *   throttles_total{namespace,pod,container,reason}  counter
 *   dry_run_kills_total{namespace,pod,container,reason}  counter: kills a
 *     dry run decided and did not carry out (the kill line on /dev/kmsg
 *     reads "dry-run-kill"), so a fleet can be judged before it enforces
 *   decisions_total                                  counter
 *   actions_total{action}, action_failures_total{action}  counter
 *   node_commit_bytes, node_bound_bytes              gauge
 *   node_deficit_bytes{resource="ram"|"swap"}        gauge
 *   memory_pressure_avg10_ratio{kind="some"|"full"}  gauge
 *   node_zram_saving_ratio, node_zram_ratio_measured  gauge, only with zram swap
 *   policy_reload_success, policy_last_reload_timestamp_seconds  gauge
 *   dry_run                                          gauge (1: actions are only recorded)
 *   build_info{version}                              gauge, always 1
 *
 * Label set bound: at most MT_METRICS_MAX_SERIES - 1 (namespace, pod,
 * container, reason) series; past that, counts go to the one overflow series
 * whose four labels are all MT_METRICS_OTHER (kept in the last slot), so the
 * file and Prometheus's cardinality stay bounded whatever the pod churn. Series live until the
 * daemon restarts (counters then reset, which Prometheus's rate() handles).
 *
 * Return contract: >= 0 on success, a negative errno on failure. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A node runs at most 110 pods by the kubelet's default --max-pods, a few
 * containers each; only containers memtriage acted on get a series. */
#define MT_METRICS_MAX_SERIES 256
#define MT_METRICS_OTHER "_other"

/* Field sizes include the NUL: Kubernetes limits namespace and container
 * names to 63 bytes (DNS label) and pod names to 253 (DNS subdomain). */
#define MT_METRICS_NAMESPACE_SIZE 64
#define MT_METRICS_POD_SIZE 254
#define MT_METRICS_CONTAINER_SIZE 64
#define MT_METRICS_REASON_SIZE 64

enum mt_metrics_event {
	MT_METRICS_EVENT_KILL,
	MT_METRICS_EVENT_THROTTLE,
	MT_METRICS_EVENT_DRY_RUN_KILL,
};

enum mt_metrics_action {
	MT_METRICS_ACTION_THROTTLE, /* memory.high lowered */
	MT_METRICS_ACTION_RELEASE,  /* memory.high restored */
	MT_METRICS_ACTION_KILL,     /* cgroup.kill written */
	MT_METRICS_ACTION__COUNT,
};

struct mt_metrics_series {
	char namespace[MT_METRICS_NAMESPACE_SIZE];
	char pod[MT_METRICS_POD_SIZE];
	char container[MT_METRICS_CONTAINER_SIZE];
	char reason[MT_METRICS_REASON_SIZE];
	uint64_t kills;
	uint64_t throttles;
	uint64_t dry_run_kills;
};

struct mt_metrics {
	const char *version;             /* build version, required */
	bool dry_run;

	uint64_t node_commit_bytes;      /* memory committed on the node (RAM + swap in use) */
	uint64_t node_bound_bytes;       /* the most memtriage lets it commit */
	uint64_t ram_deficit_bytes;      /* RAM to free now, 0 when none */
	uint64_t swap_deficit_bytes;     /* swap to free now, 0 when none */
	double psi_some_avg10;           /* percent, as in /proc/pressure/memory (0..100) */
	double psi_full_avg10;           /* percent (0..100) */
	bool zram;                       /* the node swaps to zram: the two below are exported */
	double zram_saving_ratio;        /* RAM a byte moved into zram saves, 1 - 1/r (0..1) */
	bool zram_ratio_measured;        /* r measured (else assumed 2: saving 0.5) */

	uint64_t decisions;
	uint64_t node_figure_errors;     /* node readings that could not be judged */
	uint64_t unwatched_cgroups;      /* groups without their inotify watch (new children unseen) */
	uint64_t actions[MT_METRICS_ACTION__COUNT];
	uint64_t action_failures[MT_METRICS_ACTION__COUNT];

	bool policy_reload_success;      /* the last load or reload was accepted */
	double policy_last_reload_time;  /* Unix time of that attempt, seconds */

	size_t n_series;
	struct mt_metrics_series series[MT_METRICS_MAX_SERIES];
};

/* Returns the label value used for an action ("throttle", "release",
 * "kill"), or NULL if out of range. */
const char *mt_metrics_action_to_string(enum mt_metrics_action a);

/* Counts one kill, throttle or dry-run kill of a workload. namespace, pod and container may
 * be NULL or "" (not a Kubernetes container: exported as empty labels; on a
 * plain host the daemon passes the unit name as container);
 * reason is required. Returns 0 when counted in the workload's own series,
 * 1 when the table was full and it went to the overflow series;
 * -EINVAL for a missing reason, an unknown event or a corrupt n_series, -ENAMETOOLONG when a value
 * exceeds its field, -EILSEQ when a value is not valid UTF-8 (the exposition
 * format requires it). On error nothing is counted. */
int mt_metrics_count(struct mt_metrics *m, enum mt_metrics_event ev,
		     const char *namespace, const char *pod,
		     const char *container, const char *reason);

/* Writes the exposition text to f. Returns 0; -EINVAL when a field is out of
 * range (no version, a pressure outside 0..100 or not a number, a negative
 * or non-finite reload time, n_series past the bound); -EIO when f fails. */
int mt_metrics_format(const struct mt_metrics *m, FILE *f);

/* Writes the text to `name` below dir_fd atomically: to "<name>.tmp" (which
 * the textfile collector ignores: it reads only *.prom), mode 0644 so
 * node_exporter's user can read it, then renameat(2) over `name`. No fsync:
 * the directory is on tmpfs (/run) in both deployments and metrics need not
 * survive a crash; rename alone gives readers the old or the new file.
 * `name` must end in ".prom" and contain no '/': -EINVAL otherwise. */
int mt_metrics_write_at(const struct mt_metrics *m, int dir_fd, const char *name);
