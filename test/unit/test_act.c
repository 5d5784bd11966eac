/* act against fixture trees of plain files: what is written where, and the
 * fallback kill really kills the (forked) processes listed in cgroup.procs. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "act.h"
#include "check.h"
#include "cleanup.h"
#include "fileio.h"

static char root[] = "/tmp/mt-act-XXXXXX";

static void put(const char *rel, const char *content)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	FILE *f = fopen(p, "w");
	if (!f) {
		perror(p);
		exit(1);
	}
	fputs(content, f);
	fclose(f);
}

static void get(const char *rel, char *buf, size_t size)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	_cleanup_close_ int fd = open(p, O_RDONLY);
	buf[0] = 0;
	if (fd >= 0)
		mt_read_fd(fd, buf, size);
}

static void mk(const char *rel)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	mkdir(p, 0755);
}

static int cg(const char *rel)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	return mt_dir_open(AT_FDCWD, p);
}

static pid_t spawn_sleeper(void)
{
	pid_t p = fork();
	if (p == 0) {
		for (;;)
			pause();
	}
	return p;
}

static int count_pid(int pid, void *ud)
{
	(*(int *)ud) += pid;
	return 0;
}

static void test_high(void)
{
	char buf[64];
	mk("a");
	put("a/memory.high", "max\n");
	_cleanup_close_ int fd = cg("a");
	CHECK_INT(mt_act_set_high(fd, 48ull << 20), 0);
	get("a/memory.high", buf, sizeof buf);
	CHECK_STR(buf, "50331648");
	put("a/memory.high", "");
	CHECK_INT(mt_act_set_high(fd, MT_ACT_HIGH_MAX), 0);
	get("a/memory.high", buf, sizeof buf);
	CHECK_STR(buf, "max");
	_cleanup_close_ int nofile = cg("nonexistent");
	CHECK_INT(nofile, -ENOENT);
	mk("b");
	_cleanup_close_ int b = cg("b");
	CHECK_INT(mt_act_set_high(b, 1), -ENOENT); /* no memory.high file */
}

static void test_swap_high(void)
{
	char buf[64];
	mk("s");
	put("s/memory.high", "max\n");
	put("s/memory.swap.high", "max\n");
	_cleanup_close_ int fd = cg("s");
	CHECK_INT(mt_act_set_swap_high(fd, 12ull << 20), 0);
	get("s/memory.swap.high", buf, sizeof buf);
	CHECK_STR(buf, "12582912");
	get("s/memory.high", buf, sizeof buf);
	CHECK_STR(buf, "max\n"); /* memory.high untouched */
	put("s/memory.swap.high", "");
	CHECK_INT(mt_act_set_swap_high(fd, MT_ACT_HIGH_MAX), 0);
	get("s/memory.swap.high", buf, sizeof buf);
	CHECK_STR(buf, "max");
	put("s/memory.swap.high", "");
	CHECK_INT(mt_act_set_swap_high(fd, 0), 0);
	get("s/memory.swap.high", buf, sizeof buf);
	CHECK_STR(buf, "0");
	mk("s2");
	put("s2/memory.high", "max\n");
	_cleanup_close_ int s2 = cg("s2");
	CHECK_INT(mt_act_set_swap_high(s2, 1), -ENOENT); /* older kernel: no memory.swap.high */
}

static void test_for_each_pid(void)
{
	mk("w");
	mk("w/x");
	mk("w/x/y");
	put("w/cgroup.procs", "10\n20\n");
	put("w/x/cgroup.procs", "");
	put("w/x/y/cgroup.procs", "300\n");
	_cleanup_close_ int fd = cg("w");
	int sum = 0;
	CHECK_INT(mt_act_for_each_pid(fd, count_pid, &sum), 3);
	CHECK_INT(sum, 330);
	put("w/x/cgroup.procs", "12a\n");
	CHECK_INT(mt_act_for_each_pid(fd, count_pid, &sum), -EBADMSG);
	put("w/x/cgroup.procs", "12");
	CHECK_INT(mt_act_for_each_pid(fd, count_pid, &sum), -EBADMSG);
	put("w/x/cgroup.procs", "99999999999\n");
	CHECK_INT(mt_act_for_each_pid(fd, count_pid, &sum), -ERANGE);
}

static void test_kill_cgroup_kill(void)
{
	char buf[64];
	mk("k");
	put("k/cgroup.procs", "");
	put("k/cgroup.kill", "");
	_cleanup_close_ int fd = cg("k");
	struct mt_kill_result r = { 0 };
	struct mt_kill_pins *pins = NULL;
	CHECK_INT(mt_act_kill_group(fd, &r, &pins), 0);
	CHECK(pins == NULL); /* no pids to pin */
	CHECK_INT(mt_act_mrelease(pins), 0);
	CHECK_INT(r.method, MT_KILL_CGROUP_KILL);
	CHECK_INT(r.pids, 0);
	get("k/cgroup.kill", buf, sizeof buf);
	CHECK_STR(buf, "1");
	CHECK_STR(mt_kill_method_to_string(r.method), "cgroup.kill");
}

static void test_kill_fallback(void)
{
	char buf[64];
	pid_t a = spawn_sleeper(), b = spawn_sleeper();
	mk("f");
	mk("f/container");
	snprintf(buf, sizeof buf, "%d\n", a);
	put("f/cgroup.procs", buf);
	snprintf(buf, sizeof buf, "%d\n", b);
	put("f/container/cgroup.procs", buf);
	put("f/cgroup.freeze", "");
	put("f/cgroup.events", "populated 0\nfrozen 1\n");
	_cleanup_close_ int fd = cg("f");
	struct mt_kill_result r = { 0 };
	struct mt_kill_pins *pins = NULL;
	CHECK_INT(mt_act_kill_group(fd, &r, &pins), 0);
	CHECK(pins != NULL);
	CHECK_INT(r.method, MT_KILL_FREEZE_SIGNAL);
	CHECK_INT(r.pids, 2);
	/* through the 2 pins, then the 2 listed (zombies until reaped) once */
	CHECK_INT(r.signalled, 4);
	CHECK(r.frozen);
	CHECK_INT(r.rounds, 1);
	CHECK(!r.survivors);
	CHECK_INT(r.thaw_error, 0);
	get("f/cgroup.freeze", buf, sizeof buf);
	CHECK_STR(buf, "0");   /* always thawed */
	int st = 0;
	CHECK_INT(waitpid(a, &st, 0), a);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	CHECK_INT(waitpid(b, &st, 0), b);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	/* reaped by waitpid already: nothing left for process_mrelease */
	CHECK_INT(mt_act_mrelease(pins), 0);
	mt_act_pins_free(pins);
}

/* A victim whose subtree is deeper than the pinning walk goes: cgroup.kill
 * is written all the same (before issue 13 the walk's -ELOOP aborted the
 * kill, and every later decision chose the same group again). */
static void test_kill_deep(void)
{
	char rel[512] = "deep", buf[64];
	mk(rel);
	put("deep/cgroup.procs", "");
	put("deep/cgroup.kill", "");
	for (int i = 0; i < 40; i++) {
		strcat(rel, "/d");
		mk(rel);
	}
	_cleanup_close_ int fd = cg("deep");
	struct mt_kill_result r = { 0 };
	struct mt_kill_pins *pins = NULL;
	CHECK_INT(mt_act_kill_group(fd, &r, &pins), 0);
	CHECK_INT(r.method, MT_KILL_CGROUP_KILL);
	CHECK_INT(r.pin_error, -ELOOP);
	get("deep/cgroup.kill", buf, sizeof buf);
	CHECK_STR(buf, "1");
	mt_act_pins_free(pins);
}

/* A cgroup.procs past MT_PROCS_FILE_MAX below the victim: pinning skips
 * it, the kill goes ahead. */
static void test_kill_huge_procs(void)
{
	char buf[64], p[512];
	mk("huge");
	mk("huge/c");
	put("huge/cgroup.procs", "");
	put("huge/cgroup.kill", "");
	snprintf(p, sizeof p, "%s/huge/c/cgroup.procs", root);
	FILE *f = fopen(p, "w");
	for (unsigned i = 0; f && i < (9u << 20) / 8; i++)
		fputs("4194303\n", f);
	if (f)
		fclose(f);
	_cleanup_close_ int fd = cg("huge");
	struct mt_kill_result r = { 0 };
	struct mt_kill_pins *pins = NULL;
	CHECK_INT(mt_act_kill_group(fd, &r, &pins), 0);
	CHECK_INT(r.method, MT_KILL_CGROUP_KILL);
	get("huge/cgroup.kill", buf, sizeof buf);
	CHECK_STR(buf, "1");
	mt_act_pins_free(pins);
}

/* The fd table all but full: the pins take what is left, cgroup.kill was
 * opened before them and is written. Run in a child (RLIMIT_NOFILE). */
static void test_kill_emfile(void)
{
	char buf[64];
	mk("fds");
	put("fds/cgroup.kill", "");
	char procs[64];
	pid_t a = spawn_sleeper(), b = spawn_sleeper(), c = spawn_sleeper();
	snprintf(procs, sizeof procs, "%d\n%d\n%d\n", a, b, c);
	put("fds/cgroup.procs", procs);
	pid_t k = fork();
	if (k == 0) {
		int fd = cg("fds");
		/* fd + 3 leaves room for cgroup.kill, cgroup.procs and one pidfd */
		struct rlimit rl = { .rlim_cur = (rlim_t)fd + 4, .rlim_max = (rlim_t)fd + 4 };
		for (int i = fd + 1; i < 1024; i++)
			close(i);
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			_exit(90);
		struct mt_kill_result r = { 0 };
		struct mt_kill_pins *pins = NULL;
		int e = mt_act_kill_group(fd, &r, &pins);
		_exit(e == 0 && r.method == MT_KILL_CGROUP_KILL && r.pin_error == -EMFILE && r.pids == 3 ? 0 : 91);
	}
	int st = 0;
	CHECK_INT(waitpid(k, &st, 0), k);
	CHECK(WIFEXITED(st));
	CHECK_INT(WEXITSTATUS(st), 0);
	get("fds/cgroup.kill", buf, sizeof buf);
	CHECK_STR(buf, "1");
	kill(a, SIGKILL), kill(b, SIGKILL), kill(c, SIGKILL);
	waitpid(a, NULL, 0), waitpid(b, NULL, 0), waitpid(c, NULL, 0);
}

static void test_backoff(void)
{
	CHECK_U64(mt_act_kill_backoff_ms(0), 5000);
	CHECK_U64(mt_act_kill_backoff_ms(1), 5000);
	CHECK_U64(mt_act_kill_backoff_ms(2), 10000);
	CHECK_U64(mt_act_kill_backoff_ms(7), 300000);
	CHECK_U64(mt_act_kill_backoff_ms(100000), 300000);
}

/* A group that stays populated: every round signals again, the bound
 * ends it, survivors are reported and the group is thawed. Forced
 * fallback: cgroup.kill exists and is not written. */
static void test_kill_fallback_stuck(void)
{
	char buf[64];
	pid_t a = spawn_sleeper();
	mk("st");
	snprintf(buf, sizeof buf, "%d\n", a);
	put("st/cgroup.procs", buf);
	put("st/cgroup.freeze", "");
	put("st/cgroup.kill", "");
	put("st/cgroup.events", "populated 1\nfrozen 0\n");
	_cleanup_close_ int fd = cg("st");
	struct mt_kill_result r = { 0 };
	struct mt_kill_pins *pins = NULL;
	mt_act_set_force_fallback(true);
	CHECK_INT(mt_act_kill_group(fd, &r, &pins), 0);
	mt_act_set_force_fallback(false);
	CHECK_INT(r.method, MT_KILL_FREEZE_SIGNAL);
	CHECK(!r.frozen);               /* never saw frozen 1: waited, then signalled */
	CHECK_INT(r.rounds, MT_ACT_FALLBACK_ROUNDS);
	CHECK(r.survivors);
	CHECK_INT(r.signalled, 1 + MT_ACT_FALLBACK_ROUNDS);
	get("st/cgroup.kill", buf, sizeof buf);
	CHECK_STR(buf, "");             /* forced: not written */
	get("st/cgroup.freeze", buf, sizeof buf);
	CHECK_STR(buf, "0");
	int st = 0;
	CHECK_INT(waitpid(a, &st, 0), a);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	mt_act_pins_free(pins);
}

static void test_signal_group(void)
{
	char buf[64];
	pid_t a = spawn_sleeper();
	mk("s");
	snprintf(buf, sizeof buf, "%d\n", a);
	put("s/cgroup.procs", buf);
	_cleanup_close_ int fd = cg("s");
	CHECK_INT(mt_act_signal_group(fd, SIGTERM), 1);
	int st = 0;
	CHECK_INT(waitpid(a, &st, 0), a);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
}

static void test_kill_gone(void)
{
	mk("g");
	_cleanup_close_ int fd = cg("g");
	char p[512];
	snprintf(p, sizeof p, "%s/g", root);
	rmdir(p);
	struct mt_kill_result r = { 0 };
	struct mt_kill_pins *pins = NULL;
	CHECK_INT(mt_act_kill_group(fd, &r, &pins), -ENOENT);
}

int main(void)
{
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	test_high();
	test_swap_high();
	test_for_each_pid();
	test_kill_cgroup_kill();
	test_kill_fallback();
	test_signal_group();
	test_kill_gone();
	test_kill_fallback_stuck();
	test_kill_deep();
	test_kill_huge_procs();
	test_kill_emfile();
	test_backoff();
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf %s", root);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", root);
	return mt_check_status();
}
