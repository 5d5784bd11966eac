/* The libuv loop: signals, the node timer (a cheap /proc/meminfo look whose
 * interval follows the growth rate), the node PSI trigger, policy reloads.
 * Cgroup notifications are wired in watch.c, decisions in decide.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "fileio.h"
#include "log.h"
#include "holdfile.h"
#include "nodefig.h"
#include "promfile.h" /* metrics */
#include "notify.h"
#include "psi.h"
#include "record.h"
#include "snapshot_read.h"
#include "watchdog.h"

/* Timer bounds. 20 ms: /proc/meminfo costs ~10 us to read and a leak of
 * 1 GiB/s moves 20 MiB in that time, inside any sane reserve. 1 s while idle:
 * sudden events arrive through memory.events and the PSI trigger, the timer
 * only catches drift (earlyoom polls 100 ms - 1 s, oomd 1 - 5 s). 8 looks
 * before the projected exhaustion leave time for a kill to complete. */
static const struct mt_growth_interval_params tick_params = {
	.min_usec = 20000,
	.max_usec = 1000000,
	.checks_before = 8,
};
/* A near-bound decision that only throttles runs at most this often (the
 * policies' throttle step interval default). */
#define THROTTLE_DECISION_MS 500
/* ConfigMap updates swap a symlink and touch several entries: reload once
 * after the burst. */
#define POLICY_DEBOUNCE_MS 200

uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t now_ms(void)
{
	return now_us() / 1000u;
}

static void on_tick(uv_timer_t *t)
{
	struct daemon *d = t->data;
	struct mt_node n = { 0 };
	uint64_t next = tick_params.max_usec;
	int r = decide_read_node(d, &n);
	if (r < 0) {
		nodefig_failed(d, "reading the node's memory figures", r);
		goto rearm;
	}
	if (nodefig_compute(d, &n, "tick", true) < 0)
		goto rearm;
	uint64_t us = now_us();
	mt_growth_update(&d->node_growth, us, n.commit);
	uint64_t eta = mt_growth_time_to_exhaustion(&d->node_growth, n.commit, n.bound);
	d->last_commit = n.commit;
	d->last_bound = n.bound;
	d->last_eta_ms = eta == MT_GROWTH_NEVER ? UINT64_MAX : eta / 1000;

	bool deficit = n.ram_deficit > 0 || n.swap_deficit > 0;
	bool near = n.headroom <= n.reserve || (eta != MT_GROWTH_NEVER && eta / 1000 <= d->opts.horizon_ms);
	if (deficit) {
		decide_run(d, "commit-over-bound", NULL, false);
	} else if (near && now_ms() - d->last_throttle_decision_ms >= THROTTLE_DECISION_MS) {
		d->last_throttle_decision_ms = now_ms();
		decide_run(d, "projected-exhaustion", NULL, false);
	}
	decide_check_kills(d);
	decide_check_throttles(d, deficit || near);
	mt_growth_interval(&tick_params, deficit ? 0 : eta, &next);
rearm:
	if (!d->stopping)
		uv_timer_start(&d->tick, on_tick, (next + 999) / 1000, 0);
}

static void on_node_psi(uv_poll_t *h, int status, int events)
{
	struct daemon *d = h->data;
	if (status < 0) {
		log_msg(LOG_ERR, "node PSI trigger: %s; disarmed", uv_strerror(status));
		uv_poll_stop(h);
		return;
	}
	decide_run(d, "node-psi", NULL, true);
}

static int arm_node_psi(struct daemon *d)
{
	if (d->opts.psi_window_us == 0)
		return 0;
	char trig[MT_PSI_TRIGGER_MAX];
	int r = mt_psi_trigger_format(MT_PSI_SOME, d->opts.psi_stall_us, d->opts.psi_window_us, trig, sizeof trig);
	if (r < 0)
		return r;
	int fd = openat(d->proc_fd, "pressure/memory", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, trig, strlen(trig) + 1) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	d->psi_fd = fd;
	uv_poll_init(d->loop, &d->psi_poll, fd);
	d->psi_poll.data = d;
	d->psi_poll_init = true;
	uv_poll_start(&d->psi_poll, UV_PRIORITIZED, on_node_psi);
	log_msg(LOG_INFO, "node PSI trigger armed: /proc/pressure/memory '%s'", trig);
	return 0;
}

int loop_reload_policies(struct daemon *d, const char *why)
{
	notify_reloading();
	struct mt_policy_set *set = NULL;
	struct mt_json_error err = { 0 };
	int r = d->opts.policy_dir ? mt_policy_set_load_dir(d->opts.policy_dir, &set, &err)
	                           : mt_policy_set_load_default(&set, &err);
	if (r < 0) {
		mt_json_error_format(&err, d->policy_error, sizeof d->policy_error);
		log_event(LOG_ERR, "policy-reload-failed",
		          json_pack("{s:s, s:s, s:s}", "why", why, "error", d->policy_error, "kept", "last good set"));
		notify_send("READY=1");
		promfile_reloaded(d, false); /* metrics */
		return r;
	}
	struct mt_policy_set *old = d->policies;
	d->policies = set;
	watch_resolve_all(d); /* every borrowed policy pointer moves to the new set */
	mt_policy_set_free(old);
	d->policy_error[0] = '\0';
	d->policy_loaded_ms = now_ms();
	promfile_reloaded(d, true); /* metrics */
	log_event(LOG_NOTICE, "policies-loaded",
	          json_pack("{s:s, s:i, s:s}", "why", why, "count", (int)mt_policy_set_size(set), "source",
	                    d->opts.policy_dir ? d->opts.policy_dir : "<embedded defaults>"));
	notify_send("READY=1");
	return 0;
}

static void on_policy_debounce(uv_timer_t *t)
{
	loop_reload_policies(t->data, "policy directory changed");
}

void loop_policy_dir_changed(struct daemon *d)
{
	uv_timer_start(&d->policy_debounce, on_policy_debounce, POLICY_DEBOUNCE_MS, 0);
}

/* (Re)reads the kubelet's log symlinks: a new container's symlink appears
 * tens of milliseconds after its cgroup, so names are joined on refresh. */
static void load_names(struct daemon *d)
{
	if (!d->opts.logs_dir)
		return;
	int fd = mt_dir_open(AT_FDCWD, d->opts.logs_dir);
	if (fd < 0) {
		if (!d->names && fd != -ENOENT)
			log_msg(LOG_WARNING, "Kubernetes names from %s: %s", d->opts.logs_dir, strerror(-fd));
		return;
	}
	struct mt_k8s_names *names = NULL;
	int r = mt_k8s_names_load(fd, &names);
	close(fd);
	if (r < 0) {
		log_msg(LOG_WARNING, "Kubernetes names from %s: %s", d->opts.logs_dir, strerror(-r));
		return;
	}
	struct mt_k8s_names *old = d->names;
	d->names = names;
	watch_resolve_all(d);
	mt_k8s_names_free(old);
}

static void on_names_debounce(uv_timer_t *t)
{
	load_names(t->data);
}

void loop_logs_dir_changed(struct daemon *d)
{
	uv_timer_start(&d->names_debounce, on_names_debounce, POLICY_DEBOUNCE_MS, 0);
}

static void close_cb_noop(uv_handle_t *h)
{
}

static void shutdown_daemon(struct daemon *d, int signum)
{
	if (d->stopping)
		return;
	d->stopping = true;
	notify_send("STOPPING=1");
	log_event(LOG_NOTICE, "stopping", json_pack("{s:s}", "signal", strsignal(signum)));
	decide_restore_all(d);
	if (d->server)
		loop_server_stop(d);
	promfile_stop(d); /* metrics */
	notify_watchdog_stop();
	uv_timer_stop(&d->tick);
	uv_close((uv_handle_t *)&d->tick, close_cb_noop);
	uv_close((uv_handle_t *)&d->policy_debounce, close_cb_noop);
	uv_close((uv_handle_t *)&d->names_debounce, close_cb_noop);
	if (d->psi_poll_init)
		uv_close((uv_handle_t *)&d->psi_poll, close_cb_noop);
	uv_close((uv_handle_t *)&d->sig_term, close_cb_noop);
	uv_close((uv_handle_t *)&d->sig_int, close_cb_noop);
	uv_close((uv_handle_t *)&d->sig_hup, close_cb_noop);
	watch_stop(d);
}

static void on_signal(uv_signal_t *s, int signum)
{
	struct daemon *d = s->data;
	if (signum == SIGHUP) {
		loop_reload_policies(d, "SIGHUP");
		return;
	}
	shutdown_daemon(d, signum);
}

static void signal_setup(struct daemon *d, uv_signal_t *s, int signum)
{
	uv_signal_init(d->loop, s);
	s->data = d;
	uv_signal_start(s, on_signal, signum);
}

int loop_run(struct daemon *d)
{
	d->started_ms = now_ms();
	mt_growth_init(&d->node_growth, 2 * 1000000ull);
	signal_setup(d, &d->sig_term, SIGTERM);
	signal_setup(d, &d->sig_int, SIGINT);
	signal_setup(d, &d->sig_hup, SIGHUP);
	uv_timer_init(d->loop, &d->tick);
	d->tick.data = d;
	uv_timer_init(d->loop, &d->policy_debounce);
	d->policy_debounce.data = d;
	uv_timer_init(d->loop, &d->names_debounce);
	d->names_debounce.data = d;

	uint64_t t0 = now_us();
	load_names(d); /* before the tree is watched: nothing to resolve yet */
	/* before watching: candidates start from the limits restored */
	int r = holdfile_open(d);
	if (r < 0) {
		log_msg(LOG_ERR, "hold file %s: %s", d->opts.hold_file, strerror(-r));
		return r;
	}
	r = watch_start(d);
	if (r < 0) {
		log_msg(LOG_ERR, "watching %s: %s", d->opts.root, strerror(-r));
		return r;
	}
	if (d->opts.policy_dir) {
		d->policy_wd = inotify_add_watch(d->inotify_fd, d->opts.policy_dir,
		                                 IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM | IN_CLOSE_WRITE);
		if (d->policy_wd < 0)
			log_msg(LOG_WARNING, "not watching policy dir %s: %s (SIGHUP still reloads)",
			        d->opts.policy_dir, strerror(errno));
	}
	if (d->names) {
		d->logs_wd = inotify_add_watch(d->inotify_fd, d->opts.logs_dir, IN_CREATE | IN_DELETE | IN_MOVED_TO);
		if (d->logs_wd < 0)
			log_msg(LOG_WARNING, "not watching %s: %s (new containers are named on the next change)",
			        d->opts.logs_dir, strerror(errno));
	}
	r = arm_node_psi(d);
	if (r < 0)
		log_msg(LOG_WARNING, "node PSI trigger not armed: %s (the timer still watches the node)", strerror(-r));
	r = loop_server_start(d);
	if (r < 0)
		return r;
	promfile_start(d); /* metrics: main() checked the directory */
	log_event(LOG_NOTICE, "ready",
	          json_pack("{s:s, s:i, s:i, s:s, s:b, s:I, s:I, s:I}", "root", d->opts.root, "cgroups",
	                    (int)d->n_cgroups, "candidates", (int)d->n_candidates, "watch",
	                    d->opts.watch_mode == WATCH_POLL ? "pollpri" : "inotify", "dry_run", d->opts.dry_run,
	                    "scan_us", (json_int_t)(now_us() - t0), "ram_reserve", (json_int_t)d->opts.ram_reserve,
	                    "swap_reserve", (json_int_t)d->opts.swap_reserve));
	uv_timer_start(&d->tick, on_tick, 0, 0);
	notify_send("READY=1");
	uint64_t wd_usec = 0;
	r = notify_watchdog_start(d->loop, &wd_usec);
	if (r > 0)
		log_msg(LOG_INFO, "watchdog: keep-alive every %llu ms (timeout %llu us)",
		        (unsigned long long)mt_watchdog_period_ms(wd_usec), (unsigned long long)wd_usec);
	else if (r < 0)
		log_msg(LOG_ERR, "watchdog: WATCHDOG_USEC '%s' / WATCHDOG_PID '%s' malformed: no keep-alives",
		        getenv("WATCHDOG_USEC"), getenv("WATCHDOG_PID") ? getenv("WATCHDOG_PID") : "");
	uv_run(d->loop, UV_RUN_DEFAULT);
	return 0;
}
