/* memtriaged's state, shared by its cmd/ files: the watched cgroup tree
 * (watch.c), the loop and decisions (loop.c, decide.c), the socket provider
 * (provider.c). Not a library: one daemon per process. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include <uv.h>

#include "growth.h"
#include "k8s.h"
#include "policy.h"
#include "psi.h"
#include "snapshot.h"
#include "cgroup_events.h"
#include "candidacy.h"
#include "holds.h"
#include "ratelimit.h"

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
	uint64_t horizon_ms;       /* act when exhaustion is projected within */
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

struct cg {
	struct daemon *d;
	struct cg *parent, *children, *next;   /* the tree below the root */
	char *relpath;            /* below the root; "" is the root */
	const char *name;         /* last component of relpath */
	int dir_fd;               /* O_PATH */
	int wd;                   /* inotify watch, -1 when none */

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
	uint64_t escalate_window_start_ms;
	uint64_t escalate_base;
	bool escalate_armed;

	/* candidate: optional per-group PSI triggers (policy.pressure), one per
	 * stall kind the policy sets (indexed by enum mt_psi_kind); a signal
	 * from either counts as distress. Two triggers on one group share its
	 * psimon kernel thread. */
	struct cg_psi {
		int fd;
		struct cg_poll *poll;
		char armed[MT_PSI_TRIGGER_MAX]; /* the trigger written, "" = none */
	} psi[2];
	uint64_t pressure_since_ms; /* beyond tolerance since (0: not) */
	uint64_t pressure_last_ms;  /* the trigger's last signal */

	struct mt_growth growth;  /* memory.current + swap.current */

	/* throttle */
	bool throttled;
	uint64_t saved_high;      /* memory.high before we lowered it */
	uint64_t held_high;       /* what we wrote */
	uint64_t throttle_base;   /* usage when throttling began */
	uint64_t calm_since_ms;   /* 0 = not calm */
	bool swap_held;           /* memory.swap.high lowered too (it exists) */
	uint64_t saved_swap_high; /* memory.swap.high before we lowered it */
	uint64_t held_swap_high;  /* what we wrote: swap use when the hold began */
	uint64_t dry_logged_high; /* dry run: the throttle value last logged */
	bool high_write_pending;  /* a memory.high write is on the thread pool */
	bool release_pending;     /* release once that write is done */

	/* kill */
	bool kill_in_flight;
	bool term_sent;           /* SIGTERM grace running */
	uint64_t kill_started_ms;
	uint64_t kill_record_id;
	uint64_t kill_notified_us;   /* the wakeup that led to it (0: timer) */
	uint64_t kill_pred_ram, kill_pred_swap;
	uint64_t kill_before_ram;        /* memory.current before the kill (from its snapshot) */
	uint64_t kill_before_swap;       /* memory.swap.current before */
	uint64_t kill_node_before;       /* node MemAvailable + SwapFree before */
	bool kill_reported_stuck;
	uint64_t kill_retried_ms;       /* a stuck kill's last retry */
	unsigned kill_failures;         /* consecutive failed kills */
	uint64_t kill_backoff_until_ms; /* not chosen for a kill before (lib/act.h) */
	uint64_t dry_kill_until_ms; /* dry run: a pretend kill in flight until then */
	int cgevents_fd;
	struct cg_poll *cgevents_poll;
	uv_timer_t grace_timer;
	bool grace_timer_init;

	unsigned open_handles;    /* initialised handles not yet closed */
	bool dropped;             /* unlinked; freed when open_handles reaches 0 */
};

struct daemon {
	uv_loop_t *loop;
	struct daemon_opts opts;
	int root_fd;              /* O_PATH of opts.root */
	int proc_fd;              /* /proc */
	int sys_block_fd;         /* /sys/block (zram devices' mm_stat) */
	int zram_read_error;      /* the last zram read's error, 0 when fine (logged once) */
	char *own_cgroup;         /* our cgroup below the root, NULL when outside */

	struct mt_policy_set *policies;
	char policy_error[1024];  /* the last failed reload, "" when fine */
	uint64_t policy_loaded_ms;

	struct cg *root;
	unsigned n_cgroups, n_candidates;

	/* cgroup creation and removal (and memory.events in inotify mode) */
	int inotify_fd;
	uv_poll_t inotify_poll;
	struct { int wd; struct cg *cg; } *wds;
	size_t n_wds, cap_wds;

	/* the policy directory (ConfigMap: watch the directory) */
	int policy_wd;
	uv_timer_t policy_debounce;

	/* Kubernetes names from the kubelet's log symlinks (NULL: none) */
	struct mt_k8s_names *names;
	int logs_wd;
	uv_timer_t names_debounce;

	/* node */
	uv_timer_t tick;
	struct mt_growth node_growth;
	uint64_t last_commit, last_bound, last_eta_ms;
	uint64_t last_throttle_decision_ms;
	bool swap_high_missing_reported; /* memory.swap.high absent: said once */
	int psi_fd;
	uv_poll_t psi_poll;
	bool psi_poll_init;

	uv_signal_t sig_term, sig_int, sig_hup;
	bool stopping;
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
	bool kill_failed_redecide;  /* a chosen kill failed: choose the next set at once */

	struct mt_record_ring *records;
	void *last_snapshot;      /* json_t *: the newest snapshot */
	uint64_t decisions, kills, throttles, releases;
	uint64_t started_ms;

	void *server;             /* struct mt_serve * */
	/* What the socket's cached replies show (view.h): bumped by
	 * view_changed(); the wall clock's offset from now_ms() that the
	 * last candidates reply's measured_unix_ms was computed with. */
	uint64_t shown_gen;
	int64_t shown_clock_offset_ms;
};

uint64_t now_ms(void);
uint64_t now_us(void);

/* watch.c */
int watch_start(struct daemon *d);
int watch_rescan(struct daemon *d);
void watch_stop(struct daemon *d);
void watch_resolve_all(struct daemon *d);
struct cg *watch_find(struct daemon *d, const char *relpath);
/* for each candidate; stop when fn returns non-zero */
void watch_for_each_candidate(struct daemon *d, int (*fn)(struct cg *c, void *ud), void *ud);
/* for each cgroup below the root, candidate or not; stop when fn returns non-zero */
void watch_for_each_cgroup(struct daemon *d, int (*fn)(struct cg *c, void *ud), void *ud);
/* for each group eligible by itself but held out because a protected or own
 * group (guard) lies below it; stop when fn returns non-zero */
void watch_for_each_held_out(struct daemon *d, int (*fn)(struct cg *c, struct cg *guard, void *ud), void *ud);
void watch_cg_kill_started(struct cg *c);
void watch_cg_kill_done(struct cg *c);
/* Drops a reference taken with c->open_handles++ (frees a dropped cgroup). */
void watch_cg_unref(struct cg *c);

/* decide.c */
void decide_run(struct daemon *d, const char *trigger, const char *detail, bool record_noop);
void decide_on_events(struct cg *c);
void decide_on_populated(struct cg *c);
void decide_check_kills(struct daemon *d);
void decide_check_throttles(struct daemon *d, bool danger);
void decide_restore_all(struct daemon *d);
int decide_release(struct daemon *d, const char *relpath);
void decide_grace_expired(struct cg *c);
/* A candidate's PSI trigger signalled: within tolerance, a decision; beyond
 * it for the policy's sustain_s, a group kill when the response may kill. */
void decide_on_pressure(struct cg *c, enum mt_psi_kind kind);
/* Whether the group's stall is beyond its policy's tolerance now. */
bool decide_pressure_beyond(const struct cg *c, uint64_t now);

/* decide.c: shared with enact.c */
void decide_record_update(struct daemon *d, uint64_t id, const char *event, json_t *fields);
/* The node's measured inputs: /proc/meminfo, PSI, /proc/swaps and zram mm_stat
 * (mt_snapshot_read_node + mt_snapshot_read_zram). 0 or a negative errno. */
int decide_read_node(struct daemon *d, struct mt_node *n);
uint64_t decide_node_free_bytes(struct daemon *d);
/* memory.current + memory.swap.current; the parts in *ret_ram, *ret_swap when non-NULL. */
uint64_t decide_cg_bytes(struct cg *c, uint64_t *ret_ram, uint64_t *ret_swap);

/* enact.c */
void enact_kill(struct cg *c, uint64_t record_id, uint64_t pred_ram, uint64_t pred_swap,
                uint64_t before_ram, uint64_t before_swap, uint64_t node_before);
/* m: the group's figures from the snapshot the decision was made on. */
void enact_throttle(struct cg *c, const struct mt_candidate *m, uint64_t to, uint64_t record_id);

/* loop.c */
int loop_run(struct daemon *d);
int loop_reload_policies(struct daemon *d, const char *why);
void loop_policy_dir_changed(struct daemon *d);
void loop_logs_dir_changed(struct daemon *d);

/* provider.c: the status socket */
int loop_server_start(struct daemon *d);
void loop_server_stop(struct daemon *d);
