/* Actions on cgroups: the only code in memtriage that writes to cgroupfs.
 *
 * Every function takes the cgroup's directory fd (O_PATH, lib/fileio.h) so a
 * path is resolved once. A group is always acted on as a whole: there is no
 * function here that signals one process of a container.
 *
 * Return contract: >= 0 on success, a negative errno on failure; -ENOENT and
 * -ENODEV mean the cgroup went away (mt_errno_is_gone()), which for a kill
 * is the outcome wanted. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* A kill that pins more pids than this still kills them all (cgroup.kill, or
 * the fallback's signal loop); only process_mrelease is limited to the first
 * ones. 1,024 pidfds cover any realistic container; fds are bounded by the
 * daemon's RLIMIT_NOFILE budget. */
#define MT_ACT_PIDFDS_MAX 1024

/* Writes memory.high; MT_ACT_HIGH_MAX writes "max" (no throttle). */
#define MT_ACT_HIGH_MAX UINT64_MAX
int mt_act_set_high(int cg_fd, uint64_t bytes);

/* Writes memory.swap.high (5.10+): swap use above it throttles the group's
 * further allocations, as memory.high does for RAM; memory.high alone lets
 * the kernel reclaim a held grower's anon into swap, so its commit (RAM +
 * swap) keeps growing. MT_ACT_HIGH_MAX writes "max". -ENOENT when the file
 * is absent (older kernel, or no swap accounting): not an error for the
 * caller to retry. */
int mt_act_set_swap_high(int cg_fd, uint64_t bytes);

enum mt_kill_method {
	MT_KILL_NONE,
	MT_KILL_CGROUP_KILL,   /* cgroup.kill (5.14+): race-free against forks */
	MT_KILL_FREEZE_SIGNAL, /* fallback: freeze, SIGKILL each pid through a pidfd, thaw */
};

/* Pinning walks at most this many cgroups below the victim: a kill's
 * latency must not grow with a subtree someone built to slow it down, and
 * no container layout comes near it. */
#define MT_ACT_PIN_GROUPS_MAX 4096

struct mt_kill_result {
	enum mt_kill_method method;
	unsigned pids;        /* processes found in the subtree before the kill
	                       * (those the bounded pinning saw) */
	int pin_error;        /* 0: every victim pinned; else why pinning stopped
	                       * early (-ELOOP, -EFBIG, -EMFILE, -E2BIG, ...): the
	                       * kill went ahead regardless */
	unsigned signalled;   /* fallback only: pidfd_send_signal that succeeded */
	int thaw_error;       /* fallback: 0, or the negative errno of the thaw */
	unsigned rounds;      /* fallback: signalling rounds */
	bool frozen;          /* fallback: frozen 1 was seen before signalling */
	bool survivors;       /* fallback: still populated after the last round */
};

const char *mt_kill_method_to_string(enum mt_kill_method m);

/* The fallback's bounds. Freezing takes a few ms per task to reach every
 * one (each must leave the kernel); 100 ms covers thousands, and past it
 * SIGKILL still works on a half-frozen group. A round signals every pid
 * listed; between rounds the killed exit and forks caught before the
 * freeze show up: 8 rounds 10 ms apart bound the kill at ~0.2 s of the
 * event loop. Survivors after that are "stuck" and tried again. */
#define MT_ACT_FREEZE_WAIT_MS 100u
#define MT_ACT_FREEZE_POLL_MS 5u
#define MT_ACT_FALLBACK_ROUNDS 8u
#define MT_ACT_FALLBACK_ROUND_MS 10u
/* The fallback walks far deeper than pinning: every process must be
 * signalled, and the kernel bounds nothing by default. */
#define MT_ACT_FALLBACK_DEPTH_MAX 1024u

/* Tests: take the fallback even where cgroup.kill exists. */
void mt_act_set_force_fallback(bool on);

/* pidfds of a kill's victims, pinned before the kill so that
 * process_mrelease can name them after it. Owned by the caller: release with
 * mt_act_pins_free(). */
struct mt_kill_pins;

/* Kills every process of the cgroup and its descendants. cgroup.kill is
 * opened first and written before anything that depends on the subtree's
 * shape can fail: pinning the victims' pidfds is best effort and bounded
 * (MT_ACT_PIDFDS_MAX pids, MT_ACT_PIN_GROUPS_MAX groups, the fd table's
 * room; the reason it stopped early in ret->pin_error). Tries cgroup.kill;
 * where it is absent (-ENOENT while cgroup.procs exists) or refused
 * (-EOPNOTSUPP: threaded subtrees) falls back to: freeze, wait for frozen 1
 * (bounded), SIGKILL through the pinned pidfds and then every pid listed,
 * rounds until populated 0 (bounded, see above), thaw -- thawing even when
 * a step failed.
 * The victims' pidfds are handed back in *ret_pins (NULL when none could
 * be pinned) for mt_act_mrelease(), which the caller runs after it
 * noted the kill's time: reaping 200 MiB takes ~0.3 s under emulation.
 * Returns 0 with *ret filled; -ENOENT/-ENODEV when the cgroup was already gone. */
int mt_act_kill_group(int cg_fd, struct mt_kill_result *ret, struct mt_kill_pins **ret_pins);

/* Calls process_mrelease(2) on each pinned victim so its memory is reaped
 * without waiting for the victim's exit path (5.15+; ENOSYS, ESRCH and
 * EINVAL are outcomes: nothing to reap). Returns the number reaped.
 * NULL-safe. */
int mt_act_mrelease(struct mt_kill_pins *pins);
void mt_act_pins_free(struct mt_kill_pins *pins);

/* A group whose kill failed is not chosen again for this long after its
 * n-th consecutive failure: 5 s doubling to 5 min. Five seconds covers a
 * transient EBUSY/EAGAIN within a few ticks; five minutes bounds what a
 * persistently broken group costs (a log line and one attempt). */
#define MT_ACT_KILL_BACKOFF_MIN_MS 5000u
#define MT_ACT_KILL_BACKOFF_MAX_MS 300000u
uint64_t mt_act_kill_backoff_ms(unsigned failures);

/* Sends `sig` (SIGTERM for a grace period) to every process of the cgroup and
 * its descendants through pidfds. Returns the number signalled. */
int mt_act_signal_group(int cg_fd, int sig);

/* Calls `fn` for every pid listed in cgroup.procs of the cgroup and its
 * descendants (depth first, parent first). Stops and returns fn's value when
 * it is negative. Returns the number of pids visited. */
typedef int (*mt_act_pid_fn)(int pid, void *userdata);
int mt_act_for_each_pid(int cg_fd, mt_act_pid_fn fn, void *userdata);
