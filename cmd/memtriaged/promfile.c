/* The daemon's Prometheus textfile: see promfile.h. */
#include "nodefig.h"
#include "promfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "metrics.h"
#include "mt-config.h"
#include "recorder.h"

/* Gauges (commit, deficits, PSI) between decisions: node_exporter scrapes
 * every 15-60 s; PSI avg10 itself moves every 2 s. 10 s keeps a scrape at
 * most one period stale for two small reads of /proc per period. */
#define PROMFILE_PERIOD_MS 10000

/* One daemon per process: its metrics live here. */
static struct {
	struct daemon *d;
	int dir_fd;
	struct mt_metrics *m;
	uv_timer_t period, soon;
	bool soon_pending;
	int last_error;           /* logged once until a write succeeds */
	uint64_t kill_failures, throttle_failures;
} pf = { .dir_fd = -1 };

static void write_now(void)
{
	struct daemon *d = pf.d;
	struct mt_metrics *m = pf.m;
	/* the node as the daemon last read it (each tick, at most 1 s old) */
	struct mt_node n = d->node_seen;
	if (d->node_seen_ms) {
		if (nodefig_compute(d, &n, "metrics", false) == 0) {
			m->node_commit_bytes = n.commit;
			m->node_bound_bytes = n.bound;
			m->ram_deficit_bytes = n.ram_deficit;
			m->swap_deficit_bytes = n.swap_deficit;
			m->zram = n.zram_swap_total > 0;
			m->zram_ratio_measured = n.zram_ratio_measured;
			m->zram_saving_ratio = n.zram_ratio > 1.0 ? 1.0 - 1.0 / n.zram_ratio : 0.0;
		}
		m->psi_some_avg10 = n.psi_some_avg10;
		m->psi_full_avg10 = n.psi_full_avg10;
	}
	m->dry_run = d->opts.dry_run;
	m->decisions = d->decisions;
	m->node_figure_errors = d->node_errors;
	m->unwatched_cgroups = d->n_unwatched;
	m->actions[MT_METRICS_ACTION_KILL] = d->kills;
	m->actions[MT_METRICS_ACTION_THROTTLE] = d->throttles;
	m->actions[MT_METRICS_ACTION_RELEASE] = d->releases;
	m->action_failures[MT_METRICS_ACTION_KILL] = pf.kill_failures;
	m->action_failures[MT_METRICS_ACTION_THROTTLE] = pf.throttle_failures;
	int r = mt_metrics_write_at(m, pf.dir_fd, PROMFILE_NAME);
	if (r < 0 && r != pf.last_error)
		log_msg(LOG_WARNING, "metrics %s/%s: %s", d->opts.metrics_dir, PROMFILE_NAME, strerror(-r));
	pf.last_error = r < 0 ? r : 0;
}

static void on_soon(uv_timer_t *t)
{
	pf.soon_pending = false;
	write_now();
}

static void on_period(uv_timer_t *t)
{
	write_now();
}

void promfile_changed(struct daemon *d)
{
	if (!pf.m || pf.soon_pending)
		return;
	/* A 0 ms timer runs at the start of the next loop iteration: after
	 * the callback that decided or acted has returned. */
	pf.soon_pending = true;
	uv_timer_start(&pf.soon, on_soon, 0, 0);
}

static double unix_s_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int promfile_start(struct daemon *d)
{
	if (!d->opts.metrics_dir || !*d->opts.metrics_dir)
		return 0;
	int fd = mt_dir_open(AT_FDCWD, d->opts.metrics_dir);
	if (fd < 0) {
		log_msg(LOG_ERR, "metrics directory %s: %s", d->opts.metrics_dir, strerror(-fd));
		return fd;
	}
	pf.m = calloc(1, sizeof *pf.m);
	if (!pf.m) {
		close(fd);
		return -ENOMEM;
	}
	pf.d = d;
	pf.dir_fd = fd;
	pf.m->version = MT_VERSION;
	pf.m->policy_reload_success = true; /* main() refused to start otherwise */
	pf.m->policy_last_reload_time = unix_s_now();
	uv_timer_init(d->loop, &pf.period);
	uv_timer_init(d->loop, &pf.soon);
	write_now();
	uv_timer_start(&pf.period, on_period, PROMFILE_PERIOD_MS, PROMFILE_PERIOD_MS);
	return 0;
}

static void close_noop(uv_handle_t *h)
{
}

void promfile_stop(struct daemon *d)
{
	if (!pf.m)
		return;
	write_now(); /* the last counts */
	uv_close((uv_handle_t *)&pf.period, close_noop);
	uv_close((uv_handle_t *)&pf.soon, close_noop);
	close(pf.dir_fd);
	pf.dir_fd = -1;
	free(pf.m);
	pf.m = NULL;
}

static void count(struct cg *c, enum mt_metrics_event ev, uint64_t record_id)
{
	if (!pf.m)
		return;
	struct daemon *d = c->d;
	const char *reason = recorder_reason(d, record_id);
	const struct mt_k8s_identity *id = &c->id;
	int r = id->named ? mt_metrics_count(pf.m, ev, id->k8s_namespace, id->pod, id->container, reason)
	                  : mt_metrics_count(pf.m, ev, "", "", c->name, reason);
	if (r == -ENAMETOOLONG && !id->named) /* a deep path: count it, unnamed */
		r = mt_metrics_count(pf.m, ev, "", "", "", reason);
	if (r < 0)
		log_msg(LOG_WARNING, "metrics: counting %s of %s: %s",
		        ev == MT_METRICS_EVENT_KILL ? "a kill" : ev == MT_METRICS_EVENT_THROTTLE ? "a throttle" : "a dry-run kill",
		        c->relpath, strerror(-r));
	promfile_changed(d);
}

void promfile_count_kill(struct cg *c, uint64_t record_id)
{
	count(c, MT_METRICS_EVENT_KILL, record_id);
}

void promfile_count_throttle(struct cg *c, uint64_t record_id)
{
	count(c, MT_METRICS_EVENT_THROTTLE, record_id);
}

void promfile_count_dry_run_kill(struct cg *c, uint64_t record_id)
{
	count(c, MT_METRICS_EVENT_DRY_RUN_KILL, record_id);
}

void promfile_throttle_done(struct cg *c, uint64_t record_id, int r)
{
	if (r >= 0)
		promfile_count_throttle(c, record_id);
	else if (!mt_errno_is_gone(r))
		promfile_action_failed(c->d, false);
}

void promfile_action_failed(struct daemon *d, bool kill)
{
	if (kill)
		pf.kill_failures++;
	else
		pf.throttle_failures++;
	promfile_changed(d);
}

void promfile_reloaded(struct daemon *d, bool ok)
{
	if (!pf.m)
		return;
	pf.m->policy_reload_success = ok;
	pf.m->policy_last_reload_time = unix_s_now();
	promfile_changed(d);
}
