/* The shell around the lifecycle: the libuv loop. It starts everything,
 * turns its own sources -- signals, the node timer (a cheap /proc/meminfo
 * look whose interval follows the headroom, lib/cadence.h, and drives the
 * candidates' sampler, sampler.h), the node PSI trigger, the
 * policy and names debounce timers -- into events in the inbox, and
 * installs decide_drain() as the kick that steps them. Cgroup notifications
 * come from watch.c, action results from enact.c, socket commands from
 * provider.c, all through the same inbox (doc/daemon.md). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "cadence.h"
#include "daemon.h"
#include "decide.h"
#include "fileio.h"
#include "inbox.h"
#include "log.h"
#include "look_cost.h"
#include "holdfile.h"
#include "nodefig.h"
#include "promfile.h" /* metrics */
#include "notify.h"
#include "provider.h"
#include "psi.h"
#include "reload.h"
#include "sampler.h"
#include "snapshot_read.h"
#include "watch.h"
#include "watch_retry.h"
#include "watchdog.h"

/* ConfigMap updates swap a symlink and touch several entries: reload once
 * after the burst. */
#define POLICY_DEBOUNCE_MS 200

/* The node timer's look: one /proc/meminfo read, due again within half
 * the time a leak at the worst-case fault-in rate needs to cross from
 * where the node stands (lib/cadence.h); on the looks, the sampler's pass
 * when due (every 50 ms near the bound, 1 s far); the lifecycle's TICK at
 * once on a deficit, else when the last TICK's step asked for the next
 * (its next_tick_ms: the look's pace, at least 100 ms apart). A TICK visits
 * only the groups with a lifecycle state (active.h): on an idle node the
 * look is the /proc/meminfo pread and the wakeup, nothing per cgroup. */
#define SAMPLE_DUTY 20 /* the sampler's pass at most 1/20 of the time */
#define NODE_GROWTH_EVERY_US 250000

static uint64_t process_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The idle floor, said when it first is measured and when it moves by a
 * quarter or more: what a quiet node's unseen interval is (cadence.h). */
static void idle_floor_said(struct daemon *d)
{
	uint64_t f = mt_look_cost_floor_us(&d->look_cost), was = d->said_idle_floor_us;
	if (d->look_cost.n == 0 || (was && f * 4 < was * 5 && f * 5 > was * 4))
		return;
	d->said_idle_floor_us = f;
	log_event(LOG_INFO, "idle-floor", json_pack("{s:I,s:I}", "ms", (json_int_t)(f / 1000), "look_cost_us",
	                                           (json_int_t)(mt_look_cost_per_look_ns(&d->look_cost) / 1000)));
}

static void on_tick(uv_timer_t *t)
{
	struct daemon *d = t->data;
	struct mt_node n = { 0 };
	uint64_t look_us = MT_CADENCE_CEIL_US, woke_us = now_us();
	watch_retry(d); /* groups whose inotify watch could not be added */
	int r = decide_look_node(d, &n, woke_us);
	if (r < 0) {
		nodefig_failed(d, "reading the node's memory figures", r);
		goto rearm;
	}
	if (nodefig_compute(d, &n, "tick", true) < 0)
		goto rearm;
	/* the look's time is its wakeup's: a clock read is a syscall under
	 * some clocksources (HPET: ~5-15 us of guest CPU under TCG), and the
	 * look a few hundred microseconds of it */
	uint64_t us = woke_us;
	/* The node's average is fed at most every NODE_GROWTH_EVERY_US: at a
	 * 10-30 ms look a few pages of per-CPU charge stock read as MiB/s, and
	 * the growth the selection projects a deficit over would be noise. */
	if (d->node_growth.samples == 0 || us - d->node_growth.last_usec >= NODE_GROWTH_EVERY_US)
		mt_growth_update(&d->node_growth, us, n.commit);
	uint64_t eta = mt_growth_time_to_exhaustion(&d->node_growth, n.commit, n.bound);
	/* quiet: the commit rose slower than a leak at every look for as long
	 * as the idle floor it buys (cadence.h, mt_cadence_calm_feed) */
	bool slow = d->last_look_us && mt_cadence_quiet(d->last_commit, n.commit, us - d->last_look_us);
	bool quiet = mt_cadence_calm_feed(&d->calm, slow, d->last_look_us, us, mt_look_cost_floor_us(&d->look_cost));
	d->last_commit = n.commit;
	d->last_look_us = us;
	d->last_bound = n.bound;
	d->last_eta_ms = eta == MT_GROWTH_NEVER ? UINT64_MAX : eta / 1000;
	/* the idle floor is what the looks cost, spread at the idle budget */
	bool idle = quiet && !mt_cadence_in_band(&n);
	mt_look_cost_count(&d->look_cost, idle);
	if (mt_look_cost_due(&d->look_cost, us)) {
		mt_look_cost_close(&d->look_cost, us, process_cpu_ns());
		idle_floor_said(d);
	}
	look_us = mt_cadence_look_us(&n, d->opts.fault_rate, quiet ? mt_look_cost_floor_us(&d->look_cost) : 0);

	/* before the TICK: the decision it may start reads the windows */
	uint64_t sample_every = mt_cadence_near(&n, d->opts.fault_rate, MT_CADENCE_SAMPLE_NEAR_US)
	                                ? MT_CADENCE_SAMPLE_FAST_US : MT_CADENCE_SAMPLE_SLOW_US;
	/* A pass of many populated candidates is not free (1,000 of them: 27-79
	 * ms in the guest through kept fds): at most 5 % of the time goes to
	 * sampling, whatever the pace asks. */
	if (sample_every < SAMPLE_DUTY * d->sample_pass_us)
		sample_every = SAMPLE_DUTY * d->sample_pass_us;
	/* a look a little early (the timer's ms rounding) still samples; with
	 * no candidate to sample (all empty) there is no pass to time */
	if (d->sampled && us - d->last_sample_us + MT_CADENCE_FLOOR_US / 2 >= sample_every) {
		uint64_t t0 = now_us();
		sampler_run(d, us);
		d->sample_pass_us = now_us() - t0;
	}

	/* a look that finds the node newly in danger brings the TICK forward
	 * to the danger pace */
	bool danger = mt_lc_node_danger(&n);
	if (danger && d->tick_due_us > d->last_tick_us + MT_LC_TICK_NEAR_MS * 1000)
		d->tick_due_us = d->last_tick_us + MT_LC_TICK_NEAR_MS * 1000;
	if (n.ram_deficit || n.swap_deficit || us + MT_CADENCE_FLOOR_US / 2 >= d->tick_due_us) {
		/* whether to decide, stuck kills, calm holds: the step's */
		struct mt_lc_event ev = inbox_event(NULL, MT_LC_EV_TICK);
		ev.tick.node = n;
		ev.tick.eta_us = eta;
		ev.tick.fault_rate = d->opts.fault_rate;
		ev.at_us = woke_us; /* a kill's notified_us: the look's wakeup */
		d->next_tick_ms = MT_LC_TICK_MAX_MS;
		inbox_post(d, &ev); /* its step sets d->next_tick_ms */
		d->tick_due_us = us + d->next_tick_ms * 1000;
		d->last_tick_us = us;
	}
	/* Idle with no group in a lifecycle state, the TICK has nothing due
	 * to the second: it waits for the next look, which would otherwise
	 * come early for it every second (2 looks a second at a 600 ms floor,
	 * and the idle budget spent twice). */
	if (d->tick_due_us > us && d->tick_due_us - us < look_us && !(idle && d->n_active == 0))
		look_us = d->tick_due_us - us;
rearm:
	d->look_interval_us = look_us;
	if (!d->stopping)
		uv_timer_start(&d->tick, on_tick, (look_us + 999) / 1000, 0);
}

static void on_node_psi(uv_poll_t *h, int status, int events)
{
	struct daemon *d = h->data;
	if (status < 0) {
		log_msg(LOG_ERR, "node PSI trigger: %s; disarmed", uv_strerror(status));
		uv_poll_stop(h);
		return;
	}
	struct mt_lc_event ev = inbox_event(NULL, MT_LC_EV_DECIDE);
	ev.decide.trigger = "node-psi";
	ev.decide.record_noop = true;
	inbox_post(d, &ev);
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

static void on_policy_debounce(uv_timer_t *t)
{
	reload_policies(t->data, "policy directory changed");
}

static void policy_dir_changed(struct daemon *d)
{
	uv_timer_start(&d->policy_debounce, on_policy_debounce, POLICY_DEBOUNCE_MS, 0);
}

static void on_names_debounce(uv_timer_t *t)
{
	reload_names(t->data);
}

static void logs_dir_changed(struct daemon *d)
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
	struct mt_lc_event ev = inbox_event(NULL, MT_LC_EV_SHUTDOWN); /* every hold released */
	inbox_post(d, &ev);
	if (d->server)
		provider_stop(d);
	promfile_stop(d); /* metrics */
	notify_watchdog_stop();
	uv_timer_stop(&d->tick);
	uv_close((uv_handle_t *)&d->tick, close_cb_noop);
	if (d->meminfo_fd >= 0)
		close(d->meminfo_fd);
	d->meminfo_fd = -1;
	uv_close((uv_handle_t *)&d->policy_debounce, close_cb_noop);
	uv_close((uv_handle_t *)&d->names_debounce, close_cb_noop);
	if (d->psi_poll_init)
		uv_close((uv_handle_t *)&d->psi_poll, close_cb_noop);
	uv_close((uv_handle_t *)&d->sig_term, close_cb_noop);
	uv_close((uv_handle_t *)&d->sig_int, close_cb_noop);
	uv_close((uv_handle_t *)&d->sig_hup, close_cb_noop);
	watch_stop(d);
	decide_drain(d); /* the groups' GONE: the actor drops its handles */
}

static void on_signal(uv_signal_t *s, int signum)
{
	struct daemon *d = s->data;
	if (signum == SIGHUP) {
		reload_policies(d, "SIGHUP");
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
	d->kick = decide_drain;
	d->policy_dir_changed = policy_dir_changed;
	d->logs_dir_changed = logs_dir_changed;
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
	reload_names(d); /* before the tree is watched: nothing to resolve yet */
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
	decide_drain(d); /* the scan's candidacy events */
	r = provider_start(d);
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
