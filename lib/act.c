#include "act.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

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
};

static int collect_pidfd(int pid, void *userdata)
{
	struct mt_kill_pins *s = userdata;
	s->seen++;
	if (s->n >= MT_ACT_PIDFDS_MAX)
		return 0;
	int fd = sys_pidfd_open(pid);
	if (fd >= 0)
		s->fds[s->n++] = fd; /* ESRCH: already gone, nothing to do */
	return 0;
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

int mt_act_kill_group(int cg_fd, struct mt_kill_result *ret, struct mt_kill_pins **ret_pins)
{
	struct mt_kill_result res = { .method = MT_KILL_NONE };
	/* static-sized, so kept off the stack of a libuv callback */
	struct mt_kill_pins *set = calloc(1, sizeof *set);
	if (!set)
		return -ENOMEM;

	/* Pin the victims first: a pidfd keeps naming the process after the
	 * kill, which process_mrelease needs. */
	int r = mt_act_for_each_pid(cg_fd, collect_pidfd, set);
	if (r < 0)
		goto out;
	res.pids = set->seen;

	r = mt_write_at(cg_fd, "cgroup.kill", "1");
	if (r == 0) {
		res.method = MT_KILL_CGROUP_KILL;
	} else if (r == -ENOENT || r == -EOPNOTSUPP) {
		struct stat st;
		if (fstatat(cg_fd, "cgroup.procs", &st, 0) < 0) {
			r = -errno; /* the cgroup itself is gone */
			goto out;
		}
		res.method = MT_KILL_FREEZE_SIGNAL;
		int fr = mt_write_at(cg_fd, "cgroup.freeze", "1");
		struct signal_ctx c = { .sig = SIGKILL };
		r = mt_act_for_each_pid(cg_fd, signal_pid, &c);
		res.signalled = c.ok;
		/* Always thaw: a frozen group that survived would hang forever. */
		if (fr != -ENOENT)
			res.thaw_error = mt_write_at(cg_fd, "cgroup.freeze", "0");
		if (r < 0 && !mt_errno_is_gone(r))
			goto out;
	} else {
		goto out;
	}
	r = 0;
	*ret = res;
	*ret_pins = set->n ? set : NULL;
	if (set->n)
		set = NULL;
out:
	mt_act_pins_free(set);
	return r;
}
