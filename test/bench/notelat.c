/* notelat: what a kernel notification delivers, and how fast, for an
 * anonymous leak into free memory (issue 16 part 1, doc/control-law.md).
 *
 * usage: notelat --cgroup PARENT --mode MODE [--rate MIBPS] [--headroom MIB]
 *                [--poll-ms MS] [--psi-us US] [--release-ms MS] [--after-ms MS]
 *                [--watch DIR]
 * A child (the leaker) is moved into PARENT/leak (created if missing) and
 * touches anonymous memory at MIBPS (0 = as fast as it can) until it is
 * killed, recording the CLOCK_MONOTONIC time of every MiB in a shared page
 * table of timestamps. The threshold is the leak amount X that leaves
 * HEADROOM MiB (default 64) of the MemAvailable measured at the start;
 * the crossing time is the leaker's own timestamp of MiB X. MODE:
 *   high        memory.high on PARENT at its memory.current + X; POLLPRI on
 *               PARENT/memory.events, fired when its "high" count rises.
 *               memory.high goes back to "max" --release-ms after the
 *               notification (0: at once, as a tripwire would re-arm).
 *   high-local  the same through PARENT/memory.events.local.
 *   psi-some, psi-full
 *               a trigger "some|full PSI_US 1000000" on /proc/pressure/memory
 *               (PSI_US default 1, the lowest the kernel accepts), POLLPRI.
 *   meminfo     /proc/meminfo read (kept-open fd, pread) every POLL_MS ms;
 *               fired when MemAvailable <= HEADROOM.
 *   low         POLLPRI on WATCH/memory.events (a bystander given memory.low
 *               by the caller), fired when its "low" count rises: the kernel
 *               had to reclaim below a protection (no throttle on the leak).
 * Watching goes on until the leaker dies or AFTER_MS (default 1000) after
 * the notification, then the leaker is killed. One line is printed:
 *   notelat mode=.. rate_set=.. rate_mibps=.. avail0_mib=.. threshold_mib=X
 *     notified=yes|no latency_ms=T(notify)-T(cross) leaked_at_notify_mib=..
 *     avail_at_notify_mib=.. oom_before_notify=yes|no|none
 *     leaker=oom-killed|ours|exited died_after_notify_ms=..
 *     oom_kills=.. pre_mibps=.. post_mibps=.. max_gap_ms=.. [held_mib=..]
 *     [poll_read_us_avg=.. poll_read_us_max=..]
 * oom_before_notify: PARENT's oom_kill count had already risen when the
 * notification was read (the kernel chose its victim first; the leaker may
 * still be exiting). latency_ms is negative when the notification came before the crossing
 * (PSI is not tied to the threshold) and "none" when the leak never got to X.
 * pre/post_mibps: the leaker's rate over the 16 MiB before / after X;
 * max_gap_ms: the longest time between two of its MiB from X-4 to X+16 (the
 * throttle's bite at the crossing). high modes add over_high_kib: PARENT's
 * memory.current minus memory.high read at the notification (how far past
 * the kernel's own crossing the wakeup came, without the leaker's ±1 MiB). Exit: 0, 2 usage, 1 a system call failed. */
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "lawbench.h"

#define MAX_MIB 8192
/* Mapped and touched in 64 MiB pieces: a single mapping of the whole
 * leak would be refused by heuristic overcommit on a small guest. */
#define CHUNK_MIB 64

struct shared {
	uint64_t start_us;
	volatile uint32_t done_mib;
	uint64_t ts[MAX_MIB + 1]; /* ts[i]: time i MiB were touched */
};

enum mode { HIGH, HIGH_LOCAL, PSI_SOME, PSI_FULL, MEMINFO, LOW };

struct opts {
	const char *cgroup, *watch;
	enum mode mode;
	const char *mode_name;
	double rate;
	uint64_t headroom_mib, poll_ms, psi_us, release_ms, after_ms;
};

static void leak(struct shared *sh, double rate, int go_fd)
{
	char c;
	char *chunk = NULL;

	if (read(go_fd, &c, 1) < 0)
		_exit(1);
	sh->start_us = lb_now_us();
	sh->ts[0] = sh->start_us;
	for (uint32_t mib = 0; mib < MAX_MIB; mib++) {
		if (mib % CHUNK_MIB == 0) {
			chunk = mmap(NULL, CHUNK_MIB * LB_MIB, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (chunk == MAP_FAILED)
				_exit(1);
			/* 4 KiB faults: the rate of a leak without THP, and memory
			 * charged in the MiB the timestamps claim. */
			madvise(chunk, CHUNK_MIB * LB_MIB, MADV_NOHUGEPAGE);
		}
		char *p = chunk + (uint64_t)(mib % CHUNK_MIB) * LB_MIB;
		for (uint64_t off = 0; off < LB_MIB; off += LB_PAGE)
			p[off] = (char)(mib + off / LB_PAGE + 1);
		sh->ts[mib + 1] = lb_now_us();
		sh->done_mib = mib + 1;
		if (rate > 0)
			lb_sleep_until_us(sh->start_us + (uint64_t)((mib + 1) * 1e6 / rate));
	}
	for (;;)
		pause();
}


static int read_events_key(int fd, const char *key, uint64_t *ret)
{
	char buf[512];
	int r = lb_pread_text(fd, buf, sizeof buf);
	return r < 0 ? r : lb_key(buf, key, ret);
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "cgroup", required_argument, NULL, 'c' },   { "mode", required_argument, NULL, 'm' },
		{ "rate", required_argument, NULL, 'r' },     { "headroom", required_argument, NULL, 'h' },
		{ "poll-ms", required_argument, NULL, 'p' },  { "psi-us", required_argument, NULL, 's' },
		{ "release-ms", required_argument, NULL, 'l' }, { "after-ms", required_argument, NULL, 'a' },
		{ "watch", required_argument, NULL, 'w' },    { NULL, 0, NULL, 0 },
	};
	static const char *names[] = { "high", "high-local", "psi-some", "psi-full", "meminfo", "low" };
	int c;

	*o = (struct opts){ .headroom_mib = 64, .poll_ms = 100, .psi_us = 1, .after_ms = 1000, .mode = -1 };
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'c': o->cgroup = optarg; break;
		case 'w': o->watch = optarg; break;
		case 'm':
			for (unsigned i = 0; i < sizeof names / sizeof *names; i++)
				if (strcmp(optarg, names[i]) == 0)
					o->mode = (enum mode)i, o->mode_name = names[i];
			if ((int)o->mode < 0)
				return -EINVAL;
			break;
		case 'r': o->rate = strtod(optarg, NULL); break;
		case 'h': o->headroom_mib = strtoull(optarg, NULL, 10); break;
		case 'p': o->poll_ms = strtoull(optarg, NULL, 10); break;
		case 's': o->psi_us = strtoull(optarg, NULL, 10); break;
		case 'l': o->release_ms = strtoull(optarg, NULL, 10); break;
		case 'a': o->after_ms = strtoull(optarg, NULL, 10); break;
		default: return -EINVAL;
		}
	}
	if (optind != argc || !o->cgroup || (int)o->mode < 0 || o->rate < 0 || o->poll_ms == 0 ||
	    (o->mode == LOW) != (o->watch != NULL))
		return -EINVAL;
	return 0;
}

/* Rate of the leak over MiB [a, b], MiB/s; 0 when not reached. */
static uint64_t span_rate(const struct shared *sh, uint32_t a, uint32_t b)
{
	if (b > sh->done_mib || b <= a || sh->ts[b] <= sh->ts[a])
		return 0;
	return (uint64_t)(b - a) * 1000000u / (sh->ts[b] - sh->ts[a]);
}

int main(int argc, char **argv)
{
	struct opts o;
	if (parse_args(argc, argv, &o) < 0) {
		fprintf(stderr, "usage: notelat --cgroup PARENT --mode high|high-local|psi-some|psi-full|meminfo|low"
				" [--rate MIBPS] [--headroom MIB] [--poll-ms MS] [--psi-us US]"
				" [--release-ms MS] [--after-ms MS] [--watch DIR (mode low only)]\n");
		return 2;
	}
	if (lb_oom_protect() < 0) {
		fprintf(stderr, "notelat: /proc/self/oom_score_adj: %s\n", strerror(errno));
		return 1;
	}
	int cgfd = open(o.cgroup, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cgfd < 0 || (mkdirat(cgfd, "leak", 0755) < 0 && errno != EEXIST)) {
		fprintf(stderr, "notelat: %s/leak: %s\n", o.cgroup, strerror(errno));
		return 1;
	}
	struct shared *sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int go[2];
	if (sh == MAP_FAILED || pipe(go) < 0) {
		fprintf(stderr, "notelat: mmap/pipe: %s\n", strerror(errno));
		return 1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "notelat: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		close(go[1]);
		/* The leaker is the kernel's natural OOM victim, as a leak is. */
		lb_write_at(AT_FDCWD, "/proc/self/oom_score_adj", "0");
		leak(sh, o.rate, go[0]);
	}
	close(go[0]);
	char buf[4096];
	snprintf(buf, sizeof buf, "%d\n", (int)pid);
	int r = lb_write_at(cgfd, "leak/cgroup.procs", buf);
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	uint64_t avail0 = 0, cur0 = 0;
	if (r < 0 || pidfd < 0 || lb_mem_available_kib(&avail0) < 0 ||
	    lb_read_u64_at(cgfd, "memory.current", &cur0) < 0) {
		fprintf(stderr, "notelat: setting up the leaker in %s/leak failed\n", o.cgroup);
		kill(pid, SIGKILL);
		return 1;
	}
	if (avail0 / 1024 <= o.headroom_mib + 16) {
		fprintf(stderr, "notelat: MemAvailable %" PRIu64 " MiB leaves no room above headroom\n", avail0 / 1024);
		kill(pid, SIGKILL);
		return 1;
	}
	uint32_t x = (uint32_t)(avail0 / 1024 - o.headroom_mib);
	uint64_t high = cur0 + (uint64_t)x * LB_MIB, h0 = 0, oom0 = 0;
	int evfd = openat(cgfd, "memory.events", O_RDONLY | O_CLOEXEC);
	int nfd = -1;
	if (evfd < 0 || read_events_key(evfd, "oom_kill", &oom0) < 0) {
		fprintf(stderr, "notelat: %s/memory.events: cannot read\n", o.cgroup);
		kill(pid, SIGKILL);
		return 1;
	}
	if (o.mode == HIGH || o.mode == HIGH_LOCAL) {
		nfd = o.mode == HIGH ? evfd : openat(cgfd, "memory.events.local", O_RDONLY | O_CLOEXEC);
		snprintf(buf, sizeof buf, "%" PRIu64 "\n", high);
		if (nfd < 0 || read_events_key(nfd, "high", &h0) < 0 ||
		    lb_write_at(cgfd, "memory.high", buf) < 0) {
			fprintf(stderr, "notelat: memory.high tripwire on %s: %s\n", o.cgroup, strerror(errno));
			kill(pid, SIGKILL);
			return 1;
		}
	} else if (o.mode == PSI_SOME || o.mode == PSI_FULL) {
		nfd = open("/proc/pressure/memory", O_RDWR | O_NONBLOCK | O_CLOEXEC);
		int n = snprintf(buf, sizeof buf, "%s %" PRIu64 " 1000000", o.mode == PSI_SOME ? "some" : "full", o.psi_us);
		if (nfd < 0 || write(nfd, buf, (size_t)n + 1) < 0) {
			fprintf(stderr, "notelat: PSI trigger '%s' on /proc/pressure/memory: %s\n", buf, strerror(errno));
			kill(pid, SIGKILL);
			return 1;
		}
	} else if (o.mode == LOW) {
		snprintf(buf, sizeof buf, "%s/memory.events", o.watch);
		nfd = open(buf, O_RDONLY | O_CLOEXEC);
		if (nfd < 0 || read_events_key(nfd, "low", &h0) < 0) {
			fprintf(stderr, "notelat: %s: cannot read\n", buf);
			kill(pid, SIGKILL);
			return 1;
		}
	} else {
		nfd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
	}

	close(go[1]); /* go */
	uint64_t t_start = lb_now_us(), t_n = 0, t_death = 0, t_release = 0;
	uint64_t avail_n = 0, oom_n = 0, cur_n = 0, read_sum = 0, read_max = 0, reads = 0, release_write_us = 0;
	uint32_t leaked_n = 0, leaked_release = 0;
	bool dead = false, released = o.mode != HIGH && o.mode != HIGH_LOCAL;
	int status = 0;
	uint64_t next_poll = t_start;
	/* Bounded: 120 s covers a 50 MiB/s leak through any guest's memory. */
	while (!dead && lb_now_us() - t_start < 120000000u) {
		uint64_t now = lb_now_us();
		if (t_n && now - t_n >= o.after_ms * 1000 && released)
			break;
		if (t_n && !released && now - t_n >= o.release_ms * 1000) {
			uint64_t t = lb_now_us();
			lb_write_at(cgfd, "memory.high", "max");
			t_release = lb_now_us();
			release_write_us = t_release - t;
			leaked_release = sh->done_mib;
			released = true;
			continue;
		}
		int timeout_ms = 10;
		struct pollfd pfd[2] = { { .fd = pidfd, .events = POLLIN }, { .fd = nfd, .events = POLLPRI } };
		nfds_t nf = o.mode == MEMINFO || t_n ? 1 : 2;
		if (o.mode == MEMINFO && !t_n) {
			timeout_ms = next_poll > now ? (int)((next_poll - now + 999) / 1000) : 0;
		}
		if (poll(pfd, nf, timeout_ms) < 0 && errno != EINTR) {
			fprintf(stderr, "notelat: poll: %s\n", strerror(errno));
			break;
		}
		if (pfd[0].revents & POLLIN) {
			t_death = lb_now_us();
			waitpid(pid, &status, 0);
			dead = true;
		}
		if (t_n)
			continue;
		if (nf == 2 && (pfd[1].revents & (POLLPRI | POLLERR))) {
			uint64_t t = lb_now_us(), h = 0;
			if (o.mode == PSI_SOME || o.mode == PSI_FULL ||
			    (read_events_key(nfd, o.mode == LOW ? "low" : "high", &h) == 0 && h > h0))
				t_n = t;
		} else if (o.mode == MEMINFO && lb_now_us() >= next_poll) {
			uint64_t t = lb_now_us(), a = 0;
			int n = lb_pread_text(nfd, buf, sizeof buf);
			uint64_t cost = lb_now_us() - t;
			read_sum += cost, reads++;
			read_max = cost > read_max ? cost : read_max;
			if (n > 0 && lb_key(buf, "MemAvailable", &a) == 0 && a / 1024 <= o.headroom_mib)
				t_n = t;
			next_poll += o.poll_ms * 1000;
		}
		if (t_n && (o.mode == HIGH || o.mode == HIGH_LOCAL))
			lb_read_u64_at(cgfd, "memory.current", &cur_n);
		if (t_n) {
			leaked_n = sh->done_mib;
			read_events_key(evfd, "oom_kill", &oom_n);
			lb_mem_available_kib(&avail_n);
		}
	}
	if (!dead) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	uint64_t oom1 = 0;
	read_events_key(evfd, "oom_kill", &oom1);
	lb_write_at(cgfd, "memory.high", "max");

	uint32_t done = sh->done_mib;
	uint64_t t_last = sh->ts[done];
	char lat[32] = "none", after[32] = "none";
	if (t_n && done >= x)
		snprintf(lat, sizeof lat, "%.1f", ((double)t_n - (double)sh->ts[x]) / 1000.0);
	if (t_n && dead)
		snprintf(after, sizeof after, "%.1f", ((double)t_death - (double)t_n) / 1000.0);
	uint64_t max_gap = 0;
	for (uint32_t i = x > 4 ? x - 4 : 1; i < x + 16 && i < done; i++)
		max_gap = sh->ts[i + 1] - sh->ts[i] > max_gap ? sh->ts[i + 1] - sh->ts[i] : max_gap;
	const char *who = !dead ? "ours" : WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL ? "oom-killed" : "exited";
	printf("notelat mode=%s rate_set=%.0f rate_mibps=%" PRIu64 " avail0_mib=%" PRIu64 " threshold_mib=%u"
	       " notified=%s latency_ms=%s leaked_at_notify_mib=%u avail_at_notify_mib=%" PRIu64
	       " oom_before_notify=%s leaker=%s died_after_notify_ms=%s leaked_total_mib=%u oom_kills=%" PRIu64
	       " pre_mibps=%" PRIu64 " post_mibps=%" PRIu64 " max_gap_ms=%.1f",
	       o.mode_name, o.rate, t_last > sh->start_us ? (uint64_t)done * 1000000u / (t_last - sh->start_us) : 0,
	       avail0 / 1024, x, t_n ? "yes" : "no", lat, leaked_n, avail_n / 1024, !t_n ? "none" : oom_n > oom0 ? "yes" : "no", who, after, done, oom1 - oom0,
	       x >= 16 ? span_rate(sh, x - 16, x) : 0, span_rate(sh, x, x + 16), (double)max_gap / 1000.0);
	if (o.mode == HIGH || o.mode == HIGH_LOCAL)
		printf(" over_high_kib=%lld release_ms=%" PRIu64 " held_mib=%u held_ms=%.1f release_write_us=%" PRIu64,
		       t_n ? ((long long)cur_n - (long long)high) / 1024 : 0, o.release_ms,
		       t_release ? leaked_release - leaked_n : 0, t_release ? (double)(t_release - t_n) / 1000.0 : 0.0,
		       release_write_us);
	if (o.mode == MEMINFO)
		printf(" poll_ms=%" PRIu64 " poll_read_us_avg=%" PRIu64 " poll_read_us_max=%" PRIu64, o.poll_ms,
		       reads ? read_sum / reads : 0, read_max);
	if (o.mode == PSI_SOME || o.mode == PSI_FULL)
		printf(" psi_us=%" PRIu64, o.psi_us);
	printf("\n");
	return 0;
}
