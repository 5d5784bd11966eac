#include "act.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cgroup_events.h"
#include "cgroup_procs.h"
#include "cgroup_walk.h"
#include "cleanup.h"
#include "fileio.h"

#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif
#ifndef __NR_pidfd_send_signal
#define __NR_pidfd_send_signal 424
#endif
#ifndef __NR_process_mrelease
#define __NR_process_mrelease 448
#endif

/* Cgroup nesting below a candidate is shallow (container, maybe one level
 * for crun); 32 bounds recursion against a malicious deep tree. */
#define ACT_DEPTH_MAX 32

static int sys_pidfd_open(int pid)
{
	int fd = (int)syscall(__NR_pidfd_open, pid, 0);
	return fd < 0 ? -errno : fd;
}

static int sys_pidfd_send_signal(int pidfd, int sig)
{
	return syscall(__NR_pidfd_send_signal, pidfd, sig, NULL, 0) < 0 ? -errno : 0;
}

static int sys_process_mrelease(int pidfd)
{
	return syscall(__NR_process_mrelease, pidfd, 0) < 0 ? -errno : 0;
}

const char *mt_kill_method_to_string(enum mt_kill_method m)
{
	switch (m) {
	case MT_KILL_NONE: return "none";
	case MT_KILL_CGROUP_KILL: return "cgroup.kill";
	case MT_KILL_FREEZE_SIGNAL: return "freeze-signal";
	}
	return NULL;
}

static int write_limit(int cg_fd, const char *file, uint64_t bytes)
{
	char buf[32];
	if (bytes == MT_ACT_HIGH_MAX)
		snprintf(buf, sizeof buf, "max");
	else
		snprintf(buf, sizeof buf, "%" PRIu64, bytes);
	return mt_write_at(cg_fd, file, buf);
}

int mt_act_set_high(int cg_fd, uint64_t bytes)
{
	return write_limit(cg_fd, "memory.high", bytes);
}

int mt_act_set_swap_high(int cg_fd, uint64_t bytes)
{
	return write_limit(cg_fd, "memory.swap.high", bytes);
}

static int procs_each(int cg_fd, mt_act_pid_fn fn, void *userdata)
{
	struct mt_pids pids = MT_PIDS_INIT;
	int r = mt_procs_read_at(cg_fd, "cgroup.procs", &pids);
	for (size_t i = 0; r >= 0 && i < pids.n; i++) {
		int k = fn((int)pids.pids[i], userdata);
		if (k < 0)
			r = k;
	}
	mt_pids_done(&pids);
	return r;
}

struct each_pid {
	mt_act_pid_fn fn;
	void *userdata;
	int n;
};

static int each_pid_visit(int dir_fd, const char *relpath, unsigned depth, void *userdata)
{
	struct each_pid *e = userdata;
	(void)relpath, (void)depth;
	int r = procs_each(dir_fd, e->fn, e->userdata);
	if (mt_errno_is_gone(r))
		return 1; /* removed while we walked: nothing left to visit */
	if (r < 0)
		return r;
	e->n += r;
	return 0;
}

int mt_act_for_each_pid(int cg_fd, mt_act_pid_fn fn, void *userdata)
{
	struct each_pid e = { .fn = fn, .userdata = userdata };
	int r = procs_each(cg_fd, fn, userdata);
	if (r < 0)
		return r;
	e.n = r;
	r = mt_cgroup_walk(cg_fd, ACT_DEPTH_MAX, each_pid_visit, &e);
	return r < 0 ? r : e.n;
}

struct mt_kill_pins {
	int fds[MT_ACT_PIDFDS_MAX];
	unsigned n;
	unsigned seen;
	bool stop;                /* the pidfd budget or the fd table is exhausted */
};

static int collect_pidfd(int pid, void *userdata)
{
	struct mt_kill_pins *s = userdata;
	s->seen++;
	if (s->stop)
		return 0;
	if (s->n >= MT_ACT_PIDFDS_MAX) {
		s->stop = true;
		return 0;
	}
	int fd = sys_pidfd_open(pid);
	if (fd >= 0)
		s->fds[s->n++] = fd;
	else if (fd == -EMFILE || fd == -ENFILE)
		s->stop = true; /* near RLIMIT_NOFILE: keep what we have */
	/* ESRCH: already gone, nothing to do */
	return 0;
}

struct pin_walk {
	struct mt_kill_pins *set;
	unsigned groups;
};

static int pin_visit(int dir_fd, const char *relpath, unsigned depth, void *userdata)
{
	struct pin_walk *w = userdata;
	(void)relpath, (void)depth;
	if (w->set->stop || ++w->groups > MT_ACT_PIN_GROUPS_MAX)
		return -E2BIG;
	procs_each(dir_fd, collect_pidfd, w->set); /* an unreadable or huge cgroup.procs: skipped */
	return 0;
}

/* Pins what it can, never failing the kill: a tree too deep (-ELOOP), a
 * cgroup.procs over MT_PROCS_FILE_MAX (-EFBIG), the fd table near its
 * limit (-EMFILE) or the budgets below (-E2BIG) end the pinning early.
 * Returns 0 when every pid was pinned, else why not. */
static int pin_victims(int cg_fd, struct mt_kill_pins *set)
{
	int r = procs_each(cg_fd, collect_pidfd, set);
	struct pin_walk w = { .set = set };
	int k = mt_cgroup_walk(cg_fd, ACT_DEPTH_MAX, pin_visit, &w);
	if (r >= 0 && k < 0)
		r = k;
	if (r >= 0 && set->stop)
		r = set->n >= MT_ACT_PIDFDS_MAX ? -E2BIG : -EMFILE;
	return r < 0 ? r : 0;
}

static void pidfd_set_close(struct mt_kill_pins *s)
{
	for (unsigned i = 0; i < s->n; i++)
		close(s->fds[i]);
	s->n = 0;
}

struct signal_ctx {
	int sig;
	unsigned ok;
};

static int signal_pid(int pid, void *userdata)
{
	struct signal_ctx *c = userdata;
	_cleanup_close_ int fd = sys_pidfd_open(pid);
	if (fd < 0)
		return 0; /* exited between listing and opening */
	if (sys_pidfd_send_signal(fd, c->sig) == 0)
		c->ok++;
	return 0;
}

int mt_act_signal_group(int cg_fd, int sig)
{
	struct signal_ctx c = { .sig = sig };
	int r = mt_act_for_each_pid(cg_fd, signal_pid, &c);
	if (r < 0)
		return r;
	return (int)c.ok;
}

int mt_act_mrelease(struct mt_kill_pins *pins)
{
	int n = 0;
	if (!pins)
		return 0;
	for (unsigned i = 0; i < pins->n; i++)
		if (sys_process_mrelease(pins->fds[i]) == 0)
			n++;
	return n;
}

void mt_act_pins_free(struct mt_kill_pins *pins)
{
	if (!pins)
		return;
	pidfd_set_close(pins);
	free(pins);
}

static bool force_fallback;

void mt_act_set_force_fallback(bool on)
{
	force_fallback = on;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

struct fallback_walk {
	struct signal_ctx sig;
};

static int fallback_visit(int dir_fd, const char *relpath, unsigned depth, void *userdata)
{
	struct fallback_walk *w = userdata;
	(void)relpath, (void)depth;
	procs_each(dir_fd, signal_pid, &w->sig); /* best effort: an unreadable group is skipped */
	return 0;
}

/* One SIGKILL to every process listed in the subtree; in a frozen group
 * the list cannot change under us but by exits (no fork runs). */
static unsigned signal_subtree(int cg_fd)
{
	struct fallback_walk w = { .sig = { .sig = SIGKILL } };
	procs_each(cg_fd, signal_pid, &w.sig);
	mt_cgroup_walk(cg_fd, MT_ACT_FALLBACK_DEPTH_MAX, fallback_visit, &w);
	return w.sig.ok;
}

/* Freeze, wait (bounded) for frozen 1, SIGKILL through the pinned pidfds
 * and then every pid listed, repeat while populated 1 within the rounds
 * allowed, always thaw. */
static int kill_fallback(int cg_fd, struct mt_kill_pins *pins, struct mt_kill_result *res)
{
	struct stat st;
	if (fstatat(cg_fd, "cgroup.procs", &st, 0) < 0)
		return -errno; /* the cgroup itself is gone */
	res->method = MT_KILL_FREEZE_SIGNAL;
	int fr = mt_write_at(cg_fd, "cgroup.freeze", "1");
	struct mt_cgroup_events ev = { .populated = true };
	for (unsigned waited = 0; fr == 0; waited += MT_ACT_FREEZE_POLL_MS) {
		if (mt_cgroup_events_read_at(cg_fd, &ev) == 0 && ev.has_frozen && ev.frozen) {
			res->frozen = true;
			break;
		}
		if (waited >= MT_ACT_FREEZE_WAIT_MS)
			break; /* signal anyway: SIGKILL reaches a half-frozen group too */
		sleep_ms(MT_ACT_FREEZE_POLL_MS);
	}
	/* the pinned first: a pidfd names its process even if the pid was reused */
	for (unsigned i = 0; pins && i < pins->n; i++)
		if (sys_pidfd_send_signal(pins->fds[i], SIGKILL) == 0)
			res->signalled++;
	for (res->rounds = 1;; res->rounds++) {
		res->signalled += signal_subtree(cg_fd);
		int r = mt_cgroup_events_read_at(cg_fd, &ev);
		if (mt_errno_is_gone(r) || (r == 0 && !ev.populated)) {
			ev.populated = false;
			break;
		}
		if (res->rounds >= MT_ACT_FALLBACK_ROUNDS)
			break;
		sleep_ms(MT_ACT_FALLBACK_ROUND_MS);
	}
	res->survivors = ev.populated;
	/* Always thaw: a frozen group that survived would hang forever. */
	if (fr != -ENOENT)
		res->thaw_error = mt_write_at(cg_fd, "cgroup.freeze", "0");
	return 0;
}

int mt_act_kill_group(int cg_fd, struct mt_kill_result *ret, struct mt_kill_pins **ret_pins)
{
	struct mt_kill_result res = { .method = MT_KILL_NONE };
	*ret_pins = NULL;
	/* cgroup.kill is opened before anything else takes an fd, so that
	 * pinning can never leave it without one (EMFILE). */
	_cleanup_close_ int kfd = openat(cg_fd, "cgroup.kill", O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	int kerr = kfd < 0 ? -errno : 0;
	/* static-sized, so kept off the stack of a libuv callback; without
	 * it the kill goes ahead unpinned */
	struct mt_kill_pins *set = calloc(1, sizeof *set);
	/* Pin the victims first, best effort: a pidfd keeps naming the process
	 * after the kill, which process_mrelease needs. */
	res.pin_error = set ? pin_victims(cg_fd, set) : -ENOMEM;
	res.pids = set ? set->seen : 0;

	int r = force_fallback ? -ENOENT : kfd >= 0 ? mt_write_fd(kfd, "1") : kerr;
	if (r == 0)
		res.method = MT_KILL_CGROUP_KILL;
	else if (r == -ENOENT || r == -EOPNOTSUPP)
		r = kill_fallback(cg_fd, set, &res);
	if (r < 0) {
		mt_act_pins_free(set);
		return r;
	}
	*ret = res;
	if (set && set->n)
		*ret_pins = set;
	else
		mt_act_pins_free(set);
	return 0;
}

uint64_t mt_act_kill_backoff_ms(unsigned failures)
{
	uint64_t ms = MT_ACT_KILL_BACKOFF_MIN_MS;
	for (unsigned i = 1; i < failures && ms < MT_ACT_KILL_BACKOFF_MAX_MS; i++)
		ms *= 2;
	return ms < MT_ACT_KILL_BACKOFF_MAX_MS ? ms : MT_ACT_KILL_BACKOFF_MAX_MS;
}
