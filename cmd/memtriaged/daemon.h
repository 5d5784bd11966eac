/* memtriaged's state, shared by its cmd/ files; each field names the one
 * file that writes it (doc/daemon.md has the whole path). Not a library:
 * one daemon per process. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <jansson.h>
#include <uv.h>

#include "growth.h"
#include "k8s.h"
#include "policy.h"
#include "psi.h"
#include "snapshot.h"
#include "cgroup_events.h"
#include "lifecycle.h"
#include "wdmap.h"
#include "candidacy.h"
#include "holds.h"
#include "ratelimit.h"
#include "cadence.h"
#include "look_cost.h"
#include "usage_window.h"

struct mt_record_ring;

enum watch_mode {
	WATCH_POLL,     /* memory.events through uv_poll, UV_PRIORITIZED (POLLPRI) */
	WATCH_INOTIFY,  /* memory.events through IN_MODIFY on the cgroup's directory */
};

struct daemon_opts {
	const char *config_path;
	bool config_explicit;
	const char *policy_dir;
	bool policy_dir_explicit;
	char root[4096];           /* supervised root, absolute */
	const char *socket_path;
	gid_t socket_gid;          /* names: the socket's group, (gid_t)-1 = our own (ops branch) */
	const char *metrics_dir;
	const char *logs_dir;      /* /var/log/containers; NULL = no names */
	bool dry_run;
	enum watch_mode watch_mode;
	struct mt_size reserve;    /* configured; split at every reading (lib/reserve.h) */
	uint64_t ram_reserve;      /* bytes kept free in RAM, at start-up's totals */
	uint64_t swap_reserve;     /* bytes kept free in swap, at start-up's totals */
	uint64_t fault_rate;       /* worst-case fault-in rate, bytes/s: the look cadence (lib/cadence.h) */
	int oom_score_adj;
	/* node PSI trigger: stall and window in microseconds; 0 = none */
	uint64_t psi_stall_us, psi_window_us;
	uint64_t kill_timeout_ms;  /* a kill not done by then is "stuck" */
	const char *hold_file;     /* lowered limits on disk (holdfile.h); NULL/"" = none */
};

/* A POLLPRI watch on one of a cgroup's files. Allocated per start and freed
 * in its close callback, so a watch can be stopped and a new one started on
 * the same cgroup within one loop pass (a candidate that goes off and on, a
 * kill right after another) without re-initialising a closing handle. The
 * caller owns the fd and closes it after cg_poll_close(). */
struct cg_poll {
	uv_poll_t handle;
	struct cg *cg;
	int tag;                  /* the caller's: the PSI kind */
};

/* One cgroup directory below the supervised root. Each part is written by
 * one file only (the others read it):
 *   the top-level fields: watch.c (the tree, fds, handles, identity, policy,
 *     candidacy, memory.events counters, populated watch);
 *   lc: mt_lc_step() as decide.c runs it (hold, kill, escalation, pressure);
 *   usage, sampled_*: sampler.c (the candidates' usage between decisions);
 *   active_*: active.c as decide.c runs it (listed while lc has a state);
 *   act: enact.c (what the actor holds while it acts);
 *   rec: recorder.c (what a kill's or hold's records need later). */
struct cg {
	struct daemon *d;
	struct cg *parent, *children, *next;   /* the tree below the root */
	char *relpath;            /* below the root; "" is the root */
	const char *name;         /* last component of relpath */
	int dir_fd;               /* O_PATH; -1 once dropped */
	int wd;                   /* inotify watch, -1 when none */
	bool unwatched;           /* its watch could not be added: groups created
	                           * below it go unseen until watch_retry.c adds it
	                           * (watch_add.c) */

	struct mt_k8s_identity id;
	const struct mt_policy *policy;  /* borrowed from d->policies */
	struct mt_candidacy_own own;    /* inputs of lib/candidacy.h */
	struct mt_candidacy cand;       /* its judgement (why it is or is not one) */
	bool candidate;           /* cand.candidate: eligible, nothing guarded or eligible below */
	uint64_t appeared_ms;

	/* candidate: memory.events (the poll only in WATCH_POLL mode) */
	int events_fd;
	struct cg_poll *events_poll;
	struct mt_memory_events events;
	bool events_valid;

	/* candidate: optional per-group PSI triggers (policy.pressure), one per
	 * stall kind the policy sets (indexed by enum mt_psi_kind); a signal
	 * from either counts as distress. Two triggers on one group share its
	 * psimon kernel thread. */
	struct cg_psi {
		int fd;
		struct cg_poll *poll;
		char armed[MT_PSI_TRIGGER_MAX]; /* the trigger written, "" = none */
	} psi[2];

	/* candidate, and during a kill: cgroup.events kept open and watched
	 * (POLLPRI); populated as last read. Only a kill's tracking
	 * (watch_cg_track_populated) sends POPULATED events to the inbox. */
	int cgevents_fd;
	struct cg_poll *cgevents_poll;
	bool populated;           /* valid when populated_known */
	bool populated_known;
	bool populated_tracked;

	/* candidate: the sampler's kept fds (opened by watch.c, -1 when none)
	 * and the usage they gave (sampler.c) */
	int current_fd, swap_current_fd;
	struct cg *sampled_prev, *sampled_next; /* d->sampled: while current_fd is open */
	/* a populated candidate's snapshot files, opened at its first snapshot
	 * (watch_cg_snapshot_files), kept with the sampler's */
	int stat_fd, high_fd, max_fd;
	struct mt_usage_window usage;  /* memory.current + memory.swap.current */
	uint64_t sampled_current, sampled_swap; /* the last sample's figures */

	unsigned open_handles;    /* references: handles not yet closed, queued
	                           * events, writes on the thread pool */
	bool dropped;             /* unlinked; freed when open_handles reaches 0 */

	struct mt_lc_group lc;
	/* d->active while lc has a state (active.h); the list holds a reference */
	struct cg *active_prev, *active_next;
	bool active_listed;

	struct cg_act {
		int write_fd;             /* dup of dir_fd while a hold's write runs */
		bool write_fd_open;
		uv_timer_t grace_timer;
		bool grace_timer_init;
		struct mt_candidate_mem measured; /* a policy kill's figures before it */
	} act;

	struct cg_rec {
		uint64_t kill_record_id;
		uint64_t hold_record_id;  /* the decision of the write in flight */
		uint64_t notified_us;     /* the wakeup that led to the kill (0: timer) */
		uint64_t pred_ram, pred_swap;
		uint64_t before_ram;      /* memory.current before the kill */
		uint64_t before_swap;     /* memory.swap.current before */
		uint64_t node_before;     /* node MemAvailable + SwapFree before (0: not measured) */
	} rec;
};

/* References on a cgroup (cg->open_handles): whoever keeps a pointer past
 * the current callback takes one. The last one frees a dropped cgroup. */
static inline void cg_ref(struct cg *c)
{
	c->open_handles++;
}

static inline void cg_unref(struct cg *c)
{
	if (--c->open_handles == 0 && c->dropped) {
		free(c->relpath);
		free(c);
	}
}

struct daemon {
	uv_loop_t *loop;
	struct daemon_opts opts;
	int root_fd;              /* O_PATH of opts.root */
	int proc_fd;              /* /proc */
	int sys_block_fd;         /* /sys/block (zram devices' mm_stat) */
	char *own_cgroup;         /* our cgroup below the root, NULL when outside */

	/* reload.c */
	struct mt_policy_set *policies;
	char policy_error[1024];  /* the last failed reload, "" when fine */
	uint64_t policy_loaded_ms;
	struct mt_k8s_names *names; /* Kubernetes names from the kubelet's log symlinks (NULL: none) */

	/* watch.c: the tree; cgroup creation and removal (and memory.events
	 * in inotify mode) through one inotify fd */
	struct cg *root;
	unsigned n_cgroups, n_candidates;
	int inotify_fd;
	uv_poll_t inotify_poll;
	struct mt_wdmap wds;      /* inotify wd -> struct cg */
	int policy_wd;            /* the policy directory (ConfigMap: watch the directory) */
	int logs_wd;
	uint64_t tree_gen;        /* bumped with every change a candidates row shows */
	/* watch_retry.c: groups whose watch could not be added (cg.unwatched) */
	unsigned n_unwatched;
	uint64_t watch_retry_ms;  /* the last retry pass */
	struct mt_ratelimit watch_add_rl, watch_retry_rl; /* their log lines */

	/* inbox.c: events for the next step */
	struct inbox {
		struct mt_lc_event *v;
		size_t head, n, cap;
	} inbox;
	/* set by loop.c: the watcher's and actor's only ways up */
	void (*kick)(struct daemon *d);               /* run the steps the inbox asks for */
	void (*policy_dir_changed)(struct daemon *d); /* inotify on the policy directory */
	void (*logs_dir_changed)(struct daemon *d);   /* inotify on the kubelet's logs */

	/* loop.c */
	uv_timer_t policy_debounce, names_debounce;
	uv_timer_t tick;
	int meminfo_fd;           /* /proc/meminfo kept open: the look's one read */
	uint64_t last_sample_us;  /* the sampler's last pass: when, how long */
	uint64_t sample_pass_us;
	struct cg *sampled;       /* watch.c: the candidates the sampler reads (their
	                           * current_fd open: populated or unknown) */
	uint64_t tick_due_us;     /* the lifecycle's next TICK (its next_tick_ms) */
	uint64_t last_tick_us;    /* the last TICK posted */
	struct mt_growth node_growth;
	uint64_t last_commit, last_bound, last_eta_ms;
	uint64_t last_look_us;      /* the last look (loop.c), for the commit's rise between looks */
	struct mt_cadence_calm calm; /* the run of quiet looks (loop.c) */
	struct mt_look_cost look_cost; /* what the quiet looks cost: the idle floor */
	uint64_t said_idle_floor_us;   /* the idle floor last logged */
	uint64_t look_interval_us;     /* the node timer's last interval (status) */
	int psi_fd;
	uv_poll_t psi_poll;
	bool psi_poll_init;
	uv_signal_t sig_term, sig_int, sig_hup;
	bool stopping;
	uint64_t started_ms;
	void *server;             /* struct mt_serve * (provider.c) */
	/* the hold file (holdfile.c) */
	int hold_dir_fd;
	const char *hold_name;
	struct mt_holds holds;
	bool hold_error_reported;
	/* the node's figures (nodefig.c): blind since (0: not), why, how often */
	uint64_t node_blind_since_ms;
	char node_error[256];
	uint64_t node_errors;
	struct mt_ratelimit node_error_rl; /* its log lines */

	/* decide.c */
	bool draining;
	struct mt_lc_node lc_node; /* the node's lifecycle state (mt_lc_step only) */
	uint64_t step_gen;        /* steps run: states may have changed */
	struct mt_node node_seen; /* the node as last read (valid when node_seen_ms) */
	uint64_t node_seen_ms;
	int zram_read_error;      /* the last zram read's error, 0 when fine (logged once) */
	int release_reply;        /* the last operator release's outcome */
	uint64_t next_tick_ms;    /* when the node timer looks again (the last TICK's step) */
	struct cg *active, *active_tail; /* active.c: the groups with a lifecycle state */
	size_t n_active;

	/* recorder.c */
	struct mt_record_ring *records;
	void *last_snapshot;      /* json_t *: the newest snapshot */
	uint64_t decisions, kills, throttles, releases;

	/* view.c: what the socket's cached replies show (view.h) */
	uint64_t view_gen;
	int64_t shown_clock_offset_ms;
};

/* CLOCK_MONOTONIC: the clock every time in the daemon is on. */
static inline uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static inline uint64_t now_ms(void)
{
	return now_us() / 1000u;
}

/* loop.c */
int loop_run(struct daemon *d);
