/* hoststeal: the host's stolen CPU time, placed on the guest's clock.
 *
 *   hoststeal LOG
 *
 * Runs on the host beside one boot of the bench guest. This machine is
 * itself a virtual machine: when the hypervisor below it runs something
 * else, every host thread stops, QEMU's too, and the guest sees a stall
 * that no guest task (a SCHED_FIFO one neither) and no supervisor caused
 * (doc/comparison.md, session 13). The kernel counts that time as steal
 * (/proc/stat). Every 5 ms this reads the host's steal, summed over its
 * CPUs, and it reads LOG (the guest's serial log, as QEMU writes it) until
 * the guest's "MT-SYNC uptime_ms=N" line arrives, which ties the host's
 * clock to the guest's uptime.
 *
 * It also watches the QEMU that boots from LOG's directory (its command
 * line names DIR/initrd.gz): the runqueue wait of QEMU's main-loop thread
 * (/proc/PID/task/PID/schedstat). The guest's timers are QEMU timers that
 * fire in that thread; while the host keeps it waiting behind the two busy
 * vCPU threads, every guest timer, and so every guest task's wakeup, is late.
 *
 * On SIGTERM or SIGINT it prints
 *
 *   HOSTSTEAL sync=1 total_ms=T loop_wait_ms=W qemu=PID
 *   HOSTSTEAL at_ms=U ms=D loop_us=L   (a 5 ms sample in which either grew)
 *
 * U is the guest uptime (ms) at which the sample was taken, D the steal
 * (CPU-ms, all host CPUs together) and L the main loop's runqueue wait
 * (us; a sample is kept from 1 ms of it) since the previous sample. Without the sync line it
 * prints "sync=0" and only the totals. Exit 0, or 2 on usage.
 */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SAMPLE_NS 5000000L
/* 20 minutes of samples that saw steal: far more than one boot has. */
#define MAX_EVENTS 240000

struct event { long long host_ms; long long steal_ms; long long loop_us; };

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* The "cpu" line's eighth value: steal, in clock ticks. -1 on failure. */
static long long read_steal_ticks(void)
{
	FILE *f = fopen("/proc/stat", "re");
	if (!f)
		return -1;
	unsigned long long v[8];
	int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu",
		       &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
	fclose(f);
	return n == 8 ? (long long)v[7] : -1;
}

/* The pid of the process whose command line holds needle, or 0. */
static int find_qemu(const char *needle)
{
	DIR *d = opendir("/proc");
	if (!d)
		return 0;
	struct dirent *e;
	int found = 0;
	while (!found && (e = readdir(d))) {
		char path[64], cmd[8192];
		int pid = atoi(e->d_name);
		if (pid <= 0)
			continue;
		snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
		FILE *f = fopen(path, "re");
		if (!f)
			continue;
		size_t n = fread(cmd, 1, sizeof cmd - 1, f);
		fclose(f);
		for (size_t i = 0; i < n; i++)
			if (cmd[i] == '\0')
				cmd[i] = ' ';
		cmd[n] = '\0';
		if (!strstr(cmd, needle))
			continue;
		/* QEMU itself, not the timeout(1) that runs it with the same words. */
		char comm[32] = "";
		snprintf(path, sizeof path, "/proc/%d/comm", pid);
		if ((f = fopen(path, "re"))) {
			if (!fgets(comm, sizeof comm, f))
				comm[0] = '\0';
			fclose(f);
		}
		if (strncmp(comm, "qemu-system", 11) == 0)
			found = pid;
	}
	closedir(d);
	return found;
}

/* The main thread's runqueue wait in ns (schedstat's second field), -1 when gone. */
static long long loop_wait_ns(int pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task/%d/schedstat", pid, pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	unsigned long long run, wait;
	int n = fscanf(f, "%llu %llu", &run, &wait);
	fclose(f);
	return n == 2 ? (long long)wait : -1;
}

struct sync {
	const char *path;
	long off;
	char tail[256];		/* a line that arrives in two reads */
	size_t tail_len;
	int found;
	long long host_ms, uptime_ms;
};

/* Reads what LOG gained since the last call and looks for the sync line.
 * The log is raw serial output: NUL-safe, by length, never by strlen. */
static void poll_sync(struct sync *s)
{
	static const char key[] = "MT-SYNC uptime_ms=";
	const size_t klen = sizeof key - 1;
	FILE *f = fopen(s->path, "re");
	if (!f)
		return;
	char buf[65536];
	size_t keep = s->tail_len;
	memcpy(buf, s->tail, keep);
	if (fseek(f, s->off, SEEK_SET) != 0) {
		fclose(f);
		return;
	}
	size_t n = fread(buf + keep, 1, sizeof buf - keep, f);
	fclose(f);
	s->off += (long)n;
	size_t len = keep + n;
	const char *m = memmem(buf, len, key, klen);
	if (m && memchr(m, '\n', (size_t)(buf + len - m))) {
		char num[24] = "";
		size_t i = 0, at = (size_t)(m - buf) + klen;
		while (i < sizeof num - 1 && at + i < len && buf[at + i] >= '0' && buf[at + i] <= '9')
			num[i] = buf[at + i], i++;
		s->found = 1;
		s->host_ms = now_ms();
		s->uptime_ms = strtoll(num, NULL, 10);
		return;
	}
	/* Keep the last partial line (at most the tail's size) for next time:
	 * the sync line may arrive in two reads. */
	const char *nl = memrchr(buf, '\n', len);
	const char *rest = nl ? nl + 1 : buf;
	size_t rlen = (size_t)(buf + len - rest);
	if (rlen > sizeof s->tail)
		rest += rlen - sizeof s->tail, rlen = sizeof s->tail;
	memmove(s->tail, rest, rlen);
	s->tail_len = rlen;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: hoststeal LOG\n");
		return 2;
	}
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	long tick_hz = sysconf(_SC_CLK_TCK);
	if (tick_hz <= 0)
		tick_hz = 100;
	static struct event ev[MAX_EVENTS];
	size_t nev = 0;
	struct sync s = { .path = argv[1] };
	char dir[4096], needle[4200];
	snprintf(dir, sizeof dir, "%s", argv[1]);
	snprintf(needle, sizeof needle, "%s/initrd.gz", dirname(dir));
	int qemu = 0, looks = 0;
	long long loop_first = -1, loop_last = -1;
	long long first = read_steal_ticks(), last = first;
	if (first < 0) {
		fprintf(stderr, "hoststeal: /proc/stat: no steal field\n");
		printf("HOSTSTEAL sync=0 total_ms=-\n");
		return 0;
	}
	while (!stop) {
		struct timespec ts = { 0, SAMPLE_NS };
		while (nanosleep(&ts, &ts) == -1 && errno == EINTR && !stop)
			;
		/* QEMU starts after us: look for it every 100 ms until found. */
		if (!qemu && looks++ % 20 == 0 && (qemu = find_qemu(needle)))
			loop_first = loop_last = loop_wait_ns(qemu);
		long long t = read_steal_ticks();
		long long lw = qemu ? loop_wait_ns(qemu) : -1;
		long long dl = lw > loop_last && loop_last >= 0 ? lw - loop_last : 0;
		if (((t > last) || dl >= 1000000) && nev < MAX_EVENTS)
			ev[nev++] = (struct event){ now_ms(), t > last ? (t - last) * 1000 / tick_hz : 0, dl / 1000 };
		if (t >= 0)
			last = t;
		if (lw >= 0)
			loop_last = lw;
		if (!s.found)
			poll_sync(&s);
	}
	printf("HOSTSTEAL sync=%d total_ms=%lld loop_wait_ms=%lld qemu=%d\n", s.found,
	       (last - first) * 1000 / tick_hz, loop_first >= 0 ? (loop_last - loop_first) / 1000000 : -1, qemu);
	if (s.found)
		for (size_t i = 0; i < nev; i++)
			printf("HOSTSTEAL at_ms=%lld ms=%lld loop_us=%lld\n",
			       s.uptime_ms + (ev[i].host_ms - s.host_ms), ev[i].steal_ms, ev[i].loop_us);
	return 0;
}
