/* The daemon's node-wide configuration: one JSON file, separate from the
 * per-workload policies, read as strictly (unknown keys, wrong types and
 * out-of-range values are errors with file:line:column and JSON path).
 * Documented in policies/README.md ("Daemon configuration").
 *
 * Every key is optional; absent keys take the defaults of
 * mt_config_init_default(), which are documented there too.
 * Return contract: >= 0 success, negative errno failure (err filled). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "json_strict.h"
#include "size.h"

#define MT_CONFIG_FILE_MAX (64 * 1024)
/* Group names: shadow-utils' default limit (useradd/groupadd, 32 bytes). */
#define MT_CONFIG_GROUP_MAX 32

struct mt_config {
	char *supervised_root; /* absolute; default "/sys/fs/cgroup" */
	struct mt_size reserve; /* kept free below RAM + swap; bytes or % of RAM + swap; default 5% */
	char *socket_path;     /* absolute, < 108 bytes; default "/run/memtriage/memtriage.sock" */
	char *socket_group;    /* group allowed read-only queries (a name, resolved by the
	                        * daemon); NULL: the daemon's own group */
	char *policy_dir;      /* NULL: the embedded default set */
	char *logs_dir;        /* Kubernetes names; NULL: none; default "/var/log/containers" */
	char *metrics_dir;     /* Prometheus textfile directory; NULL: no metrics files */
	char *hold_file;       /* the limits it lowered, restored at start (lib/holds.h); NULL:
	                        * none; default "/run/memtriage/holds.json" */
	bool dry_run;          /* decide and record, never act; default false */
	int oom_score_adj;     /* for the daemon itself, -1000..1000; default -999 */
	uint64_t fault_rate;   /* worst-case fault-in rate of one process, bytes/s, sizing the
	                        * node's look cadence (lib/cadence.h); 1 MiB..1 TiB; default
	                        * MT_FAULT_RATE_DEFAULT (2 GiB) */
	uint32_t idle_budget_ppm; /* the daemon's idle CPU, parts per million of a core, buying
	                        * the quiet look floor (lib/look_cost.h); 100..100000; default
	                        * MT_IDLE_BUDGET_PPM (1500) */
};

int mt_config_init_default(struct mt_config *ret);

/* Parses text as a configuration (file names it in errors) over defaults. */
int mt_config_parse(const char *text, size_t len, const char *file, struct mt_config *ret,
		    struct mt_json_error *err);

/* Reads and parses `path` (a regular file of at most MT_CONFIG_FILE_MAX bytes). */
int mt_config_load(const char *path, struct mt_config *ret, struct mt_json_error *err);

void mt_config_clear(struct mt_config *c);
