/* memhog: the load generator the real-kernel scenarios build containers from.
 *
 * Touches anonymous memory at a given rate up to a size (or without end),
 * optionally page cache (a file it writes) and shmem (a memfd), then holds it.
 * It can first move itself into a cgroup, run as N identical workers, or fork
 * a storm of idle children. With --heartbeat a second thread wakes every
 * 10 ms, reads one of the pages touched so far (a working set that must stay
 * usable) and keeps the worst gap between two wake-ups in FILE, so that a
 * stall is measured from inside the workload; SIGUSR1 starts a new window.
 * Progress goes to stdout as one machine-readable line per step:
 *   memhog pid=P state=growing|holding|done anon_mib=A file_mib=F shmem_mib=S elapsed_ms=T
 * Exit: 0 done (only with --hold 0), 2 usage, 1 a system call failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIB ((uint64_t)1024 * 1024)
/* Work is done and reported in 1 MiB steps: fine enough for rates of 1 MiB/s
 * and cheap enough (one line per step only with --every 1) under TCG. */
#define STEP MIB

struct opts {
	uint64_t anon, file, shmem; /* bytes; UINT64_MAX = without end (anon only) */
	double rate;                /* MiB/s; 0 = as fast as possible */
	const char *file_path;
	const char *cgroup;
	unsigned procs, storm, every;
	long hold;                  /* seconds; -1 = forever */
	double grow_for;            /* seconds; 0 = until sizes are reached */
	bool random;                /* anon pages full of pseudo-random bytes */
	bool half_random;           /* each page: half pseudo-random, half zeros */
	const char *name;           /* comm, for peers that match process names */
	const char *heartbeat;      /* file the heartbeat thread keeps its figures in */
	bool beat_fifo;             /* the heartbeat thread at SCHED_FIFO 1 */
	double reread;              /* MiB/s: while holding, read every anon page in turn */
	unsigned burst;             /* MiB between pauses; 0 = no pauses */
	double pause;               /* seconds each pause lasts */
};

/* The steps touched so far, for the heartbeat thread to read from: a fixed
 * table (64 GiB of 1 MiB steps) so that it never moves under the reader. */
#define MAX_STEPS 65536
static char *steps[MAX_STEPS];
static atomic_uint nsteps;
/* A beat every 10 ms: under TCG an idle guest shows gaps of a few ms to a
 * few tens, so 10 ms resolves what a stall adds without costing a core. */
#define BEAT_NS 10000000L
static volatile sig_atomic_t beat_reset;

static void usage(FILE *f)
{
	fputs("usage: memhog [options]\n"
	      "  --anon SIZE       anonymous memory to touch: 64M, 1G, 4096K, or 'inf' (default 0)\n"
	      "  --file PATH       page cache: write --file-size bytes to PATH (e.g. on tmpfs)\n"
	      "  --file-size SIZE  size of that file (default 0)\n"
	      "  --shmem SIZE      shmem: a memfd of SIZE, every page written\n"
	      "  --rate MIBPS      total MiB per second per worker (default: as fast as possible)\n"
	      "  --for SECONDS     stop growing after SECONDS even if sizes are not reached\n"
	      "  --burst MIB       pause after every MIB mebibytes (a leak that stops and starts)\n"
	      "  --pause SECONDS   how long each such pause lasts (default 0.1); --rate paces\n"
	      "                    the bursts, the pauses come on top\n"
	      "  --procs N         run N identical workers (default 1)\n"
	      "  --fork-storm N    instead of allocating, fork N idle children and wait\n"
	      "  --cgroup DIR      first write own pid to DIR/cgroup.procs\n"
	      "  --hold SECONDS    hold the memory this long, then exit 0 (default: forever)\n"
	      "  --random          fill every anonymous page with pseudo-random bytes\n"
	      "                    (incompressible: zram stores it at a ratio near 1)\n"
	      "  --half-random     fill the first half of every anonymous page with\n"
	      "                    pseudo-random bytes, leave the rest zero (zram: ~2:1)\n"
	      "  --every MIB       print a progress line every MIB mebibytes (default 16)\n"
	      "  --name NAME       set the process name (comm), as peers match on it\n"
	      "  --heartbeat FILE  keep 'max_gap_ms=G beats=N at_ms=T' (worst gap between\n"
	      "                    10 ms beats, each reading a held page; T: CLOCK_MONOTONIC\n"
	      "                    ms when it ended) in FILE; SIGUSR1 resets\n"
	      "  --beat-fifo       the heartbeat thread at SCHED_FIFO priority 1: its gaps\n"
	      "                    are then the node's own stalls, not CFS's sharing\n"
	      "  --reread MIBPS    while holding, read the anonymous pages in a loop at\n"
	      "                    MIBPS (a steady working set that faults back what\n"
	      "                    reclaim took; the hold then lasts forever)\n"
	      "  --help\n", f);
}

static int parse_size(const char *s, bool allow_inf, uint64_t *ret)
{
	char *end;
	unsigned long long v;
	uint64_t mult = 1;

	if (allow_inf && strcmp(s, "inf") == 0) {
		*ret = UINT64_MAX;
		return 0;
	}
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -errno;
	switch (*end) {
	case 'K': mult = 1024; end++; break;
	case 'M': mult = MIB; end++; break;
	case 'G': mult = 1024 * MIB; end++; break;
	case '\0': break;
	default: return -EINVAL;
	}
	if (*end || v > UINT64_MAX / mult / 2)
		return -EINVAL;
	*ret = v * mult;
	return 0;
}

static int parse_uint(const char *s, unsigned max, unsigned *ret)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*ret = (unsigned)v;
	return 0;
}

static int parse_seconds(const char *s, double *ret)
{
	char *end;
	double v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || v < 0 || v > 1e7)
		return -EINVAL;
	*ret = v;
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int join_cgroup(const char *dir)
{
	char path[4096], pid[32];
	int fd, n, r = 0;

	if (snprintf(path, sizeof(path), "%s/cgroup.procs", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (write(fd, pid, (size_t)n) != n)
		r = -errno;
	close(fd);
	return r;
}

struct progress {
	uint64_t anon, file, shmem;
	double start;
	double paused;              /* seconds of --pause so far: not paced by --rate */
	uint64_t last_report;
};

static void report(const struct progress *p, const char *state)
{
	printf("memhog pid=%d state=%s anon_mib=%" PRIu64 " file_mib=%" PRIu64
	       " shmem_mib=%" PRIu64 " elapsed_ms=%" PRIu64 "\n",
	       (int)getpid(), state, p->anon / MIB, p->file / MIB, p->shmem / MIB,
	       (uint64_t)((now_s() - p->start) * 1000.0));
	fflush(stdout);
}

/* Counts one step, reports every o->every MiB, and paces to o->rate. */
static void step_done(const struct opts *o, struct progress *p)
{
	uint64_t total = p->anon + p->file + p->shmem;

	if (total - p->last_report >= (uint64_t)o->every * MIB) {
		p->last_report = total;
		report(p, "growing");
	}
	if (o->burst && total % ((uint64_t)o->burst * MIB) == 0) {
		sleep_s(o->pause);
		p->paused += o->pause;
	}
	if (o->rate > 0)
		sleep_s(p->start + p->paused + (double)total / MIB / o->rate - now_s());
}

static bool out_of_time(const struct opts *o, const struct progress *p)
{
	return o->grow_for > 0 && now_s() - p->start >= o->grow_for;
}

static int touch_anon(const struct opts *o, struct progress *p)
{
	long page = sysconf(_SC_PAGESIZE);

	while (p->anon < o->anon && !out_of_time(o, p)) {
		/* One mapping per step: an endless grower never needs to know its end. */
		char *m = mmap(NULL, STEP, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			return -errno;
		/* Non-zero, varied bytes so that zram cannot store the page as a
		 * same-filled page for free. */
		if (o->random || o->half_random) {
			/* xorshift64: cheap under TCG, and no compressor finds
			 * structure in it. Seeded per process and step so that
			 * no two pages are equal (zram would not dedupe them
			 * anyway, but page-merging could). Half-random: the
			 * second half of each page stays zero, which any
			 * compressor stores in next to nothing, so a page
			 * compresses to about half its size. */
			uint64_t x = ((uint64_t)getpid() << 32) ^ (p->anon / STEP + 1) * 0x9e3779b97f4a7c15u;
			uint64_t fill = o->half_random ? (uint64_t)page / 2 : (uint64_t)page;
			for (uint64_t pg = 0; pg < STEP; pg += (uint64_t)page)
				for (uint64_t off = pg; off < pg + fill; off += sizeof(x)) {
					x ^= x << 13;
					x ^= x >> 7;
					x ^= x << 17;
					memcpy(m + off, &x, sizeof(x));
				}
		} else {
			for (uint64_t off = 0; off < STEP; off += (uint64_t)page)
				memset(m + off, (int)((off / (uint64_t)page + p->anon / STEP) % 251) + 1, 64);
		}
		unsigned n = atomic_load(&nsteps);
		if (n < MAX_STEPS) {
			steps[n] = m;
			atomic_store(&nsteps, n + 1);
		}
		p->anon += STEP;
		step_done(o, p);
	}
	return 0;
}

static int write_steps(int fd, const struct opts *o, struct progress *p, uint64_t want, uint64_t *done)
{
	static char buf[STEP];

	memset(buf, 0x5a, sizeof(buf));
	while (*done < want && !out_of_time(o, p)) {
		ssize_t n = write(fd, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		if (n != (ssize_t)sizeof(buf))
			return -ENOSPC;
		*done += STEP;
		step_done(o, p);
	}
	return 0;
}

static void on_usr1(int sig)
{
	(void)sig;
	beat_reset = 1;
}

/* Rewrites FILE in place (one pwrite at offset 0, padded to a fixed width)
 * whenever the worst gap grows and every 100 beats, so the figures survive a
 * SIGKILL of the process. */
static void *heartbeat(void *arg)
{
	const char *path = arg;
	long page = sysconf(_SC_PAGESIZE);
	struct timespec next, now;
	uint64_t beats = 0, prev_ns, worst_ns = 0, worst_at_ns = 0;
	char line[96];
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "memhog: --heartbeat %s: %s\n", path, strerror(errno));
		exit(1);
	}
	clock_gettime(CLOCK_MONOTONIC, &next);
	prev_ns = (uint64_t)next.tv_sec * 1000000000u + (uint64_t)next.tv_nsec;
	for (;;) {
		next.tv_nsec += BEAT_NS;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
		unsigned n = atomic_load(&nsteps);
		if (n > 0) {
			volatile char *pg = steps[beats % n] + (beats * (uint64_t)page) % STEP;
			(void)*pg;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		uint64_t now_ns = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
		bool changed = false;
		if (beat_reset) {
			beat_reset = 0;
			worst_ns = 0;
			worst_at_ns = 0;
			beats = 0;
			changed = true;
		} else if (now_ns - prev_ns > worst_ns) {
			worst_ns = now_ns - prev_ns;
			worst_at_ns = now_ns;
			changed = true;
		}
		prev_ns = now_ns;
		beats++;
		/* A late beat is not followed by a burst of catch-up beats. */
		if (now_ns > (uint64_t)next.tv_sec * 1000000000u + (uint64_t)next.tv_nsec)
			next = now;
		if (changed || beats % 100 == 0) {
			int len = snprintf(line, sizeof(line), "max_gap_ms=%-10" PRIu64 " beats=%-12" PRIu64 " at_ms=%-12" PRIu64 "\n",
					   worst_ns / 1000000u, beats, worst_at_ns / 1000000u);
			if (pwrite(fd, line, (size_t)len, 0) != len) {
				fprintf(stderr, "memhog: --heartbeat %s: %s\n", path, strerror(errno));
				exit(1);
			}
		}
	}
	return NULL;
}

/* One page read per step of 1/256 MiB, paced to o->reread MiB/s. */
static void reread_forever(const struct opts *o)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned n = atomic_load(&nsteps);
	double per_mib = 1.0 / o->reread, next = now_s();
	if (n == 0)
		for (;;)
			pause();
	for (;;)
		for (unsigned i = 0; i < n; i++) {
			for (uint64_t off = 0; off < STEP; off += (uint64_t)page)
				(void)*(volatile char *)(steps[i] + off);
			next += per_mib * (double)STEP / (double)MIB;
			double wait = next - now_s();
			if (wait > 0)
				sleep_s(wait);
		}
}

static int worker(const struct opts *o)
{
	struct progress p = { .start = now_s() };
	int r, fd;

	if (o->heartbeat) {
		pthread_t t;
		struct sigaction sa = { .sa_handler = on_usr1 };
		sigaction(SIGUSR1, &sa, NULL);
		pthread_attr_t attr;
		pthread_attr_init(&attr);
		if (o->beat_fifo) {
			struct sched_param sp = { .sched_priority = 1 };
			pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
			pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
			pthread_attr_setschedparam(&attr, &sp);
		}
		r = pthread_create(&t, &attr, heartbeat, (void *)o->heartbeat);
		pthread_attr_destroy(&attr);
		if (r != 0) {
			fprintf(stderr, "memhog: heartbeat thread: %s\n", strerror(r));
			return 1;
		}
	}

	r = touch_anon(o, &p);
	if (r < 0) {
		fprintf(stderr, "memhog: anonymous memory after %" PRIu64 " MiB: %s\n", p.anon / MIB, strerror(-r));
		return 1;
	}
	if (o->file > 0) {
		fd = open(o->file_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0) {
			fprintf(stderr, "memhog: --file %s: %s\n", o->file_path, strerror(errno));
			return 1;
		}
		r = write_steps(fd, o, &p, o->file, &p.file);
		close(fd);
		if (r < 0) {
			fprintf(stderr, "memhog: --file %s after %" PRIu64 " MiB: %s\n", o->file_path, p.file / MIB, strerror(-r));
			return 1;
		}
	}
	if (o->shmem > 0) {
		/* Kept open: the memfd's pages live as long as the worker. */
		fd = memfd_create("memhog", MFD_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "memhog: memfd_create: %s\n", strerror(errno));
			return 1;
		}
		r = write_steps(fd, o, &p, o->shmem, &p.shmem);
		if (r < 0) {
			fprintf(stderr, "memhog: --shmem after %" PRIu64 " MiB: %s\n", p.shmem / MIB, strerror(-r));
			return 1;
		}
	}
	report(&p, "holding");
	if (o->reread > 0)
		reread_forever(o);
	if (o->hold < 0)
		for (;;)
			pause();
	sleep_s((double)o->hold);
	report(&p, "done");
	return 0;
}

static int fork_storm(const struct opts *o)
{
	double start = now_s();

	for (unsigned i = 0; i < o->storm; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			fprintf(stderr, "memhog: fork-storm: fork %u of %u: %s\n", i + 1, o->storm, strerror(errno));
			return 1;
		}
		if (pid == 0)
			for (;;)
				pause();
	}
	printf("memhog pid=%d state=storm children=%u elapsed_ms=%" PRIu64 "\n",
	       (int)getpid(), o->storm, (uint64_t)((now_s() - start) * 1000.0));
	fflush(stdout);
	for (;;)
		pause();
}

static int run_workers(const struct opts *o)
{
	int status, worst = 0;

	if (o->procs == 1)
		return worker(o);
	for (unsigned i = 0; i < o->procs; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			fprintf(stderr, "memhog: fork worker %u of %u: %s\n", i + 1, o->procs, strerror(errno));
			return 1;
		}
		if (pid == 0)
			_exit(worker(o));
	}
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			worst = 1;
	return worst;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "anon", required_argument, NULL, 'a' },
		{ "file", required_argument, NULL, 'f' },
		{ "file-size", required_argument, NULL, 'F' },
		{ "shmem", required_argument, NULL, 's' },
		{ "rate", required_argument, NULL, 'r' },
		{ "for", required_argument, NULL, 't' },
		{ "burst", required_argument, NULL, 'B' },
		{ "pause", required_argument, NULL, 'x' },
		{ "procs", required_argument, NULL, 'p' },
		{ "fork-storm", required_argument, NULL, 'S' },
		{ "cgroup", required_argument, NULL, 'c' },
		{ "hold", required_argument, NULL, 'H' },
		{ "every", required_argument, NULL, 'e' },
		{ "random", no_argument, NULL, 'R' },
		{ "half-random", no_argument, NULL, 'Z' },
		{ "name", required_argument, NULL, 'n' },
		{ "heartbeat", required_argument, NULL, 'b' },
		{ "beat-fifo", no_argument, NULL, 'P' },
		{ "reread", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct opts o = { .procs = 1, .every = 16, .hold = -1, .pause = 0.1 };
	double hold;
	int c, r;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		r = 0;
		switch (c) {
		case 'a': r = parse_size(optarg, true, &o.anon); break;
		case 'f': o.file_path = optarg; break;
		case 'F': r = parse_size(optarg, false, &o.file); break;
		case 's': r = parse_size(optarg, false, &o.shmem); break;
		case 'r': r = parse_seconds(optarg, &o.rate); if (r == 0 && o.rate <= 0) r = -EINVAL; break;
		case 't': r = parse_seconds(optarg, &o.grow_for); break;
		case 'B': r = parse_uint(optarg, 1u << 20, &o.burst); if (r == 0 && o.burst == 0) r = -EINVAL; break;
		case 'x': r = parse_seconds(optarg, &o.pause); break;
		case 'p': r = parse_uint(optarg, 4096, &o.procs); if (r == 0 && o.procs == 0) r = -EINVAL; break;
		case 'S': r = parse_uint(optarg, 100000, &o.storm); if (r == 0 && o.storm == 0) r = -EINVAL; break;
		case 'c': o.cgroup = optarg; break;
		case 'H': r = parse_seconds(optarg, &hold); o.hold = (long)hold; break;
		case 'e': r = parse_uint(optarg, 1u << 20, &o.every); if (r == 0 && o.every == 0) r = -EINVAL; break;
		case 'R': o.random = true; break;
		case 'Z': o.half_random = true; break;
		case 'n': o.name = optarg; break;
		case 'b': o.heartbeat = optarg; break;
		case 'P': o.beat_fifo = true; break;
		case 'w': r = parse_seconds(optarg, &o.reread); if (r == 0 && o.reread <= 0) r = -EINVAL; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
		if (r < 0) {
			const char *name = "?";
			for (const struct option *l = longopts; l->name; l++)
				if (l->val == c)
					name = l->name;
			fprintf(stderr, "memhog: invalid value '%s' for --%s: want %s\n", optarg, name,
				c == 'a' ? "a size like 64M or 'inf'" :
				(c == 'F' || c == 's') ? "a size like 64M, 1G, 4096K" :
				(c == 'r' || c == 'w') ? "a positive number" :
				(c == 't' || c == 'H' || c == 'x') ? "a non-negative number" :
				"a positive integer");
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "memhog: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if ((o.file_path != NULL) != (o.file > 0)) {
		fprintf(stderr, "memhog: --file and --file-size go together\n");
		return 2;
	}
	if (o.storm > 0 && (o.anon || o.file || o.shmem || o.procs > 1)) {
		fprintf(stderr, "memhog: --fork-storm cannot be combined with allocations or --procs\n");
		return 2;
	}
	if (o.anon == UINT64_MAX && (o.file || o.shmem) ) {
		fprintf(stderr, "memhog: --anon inf never ends, so --file/--shmem would never start\n");
		return 2;
	}
	if (o.random && o.half_random) {
		fprintf(stderr, "memhog: --random and --half-random are two different fills: choose one\n");
		return 2;
	}
	if (o.heartbeat && (o.procs > 1 || o.storm > 0)) {
		fprintf(stderr, "memhog: --heartbeat is for one worker (start one memhog per process)\n");
		return 2;
	}
	if (o.name && prctl(PR_SET_NAME, o.name, 0, 0, 0) < 0) {
		fprintf(stderr, "memhog: --name %s: %s\n", o.name, strerror(errno));
		return 1;
	}
	if (o.cgroup) {
		r = join_cgroup(o.cgroup);
		if (r < 0) {
			fprintf(stderr, "memhog: --cgroup %s: cannot write %s/cgroup.procs: %s\n",
				o.cgroup, o.cgroup, strerror(-r));
			return 1;
		}
	}
	/* A killed reader of our progress must not take us with it before the
	 * kernel does what the scenario is testing. */
	signal(SIGPIPE, SIG_IGN);
	if (o.storm > 0)
		return fork_storm(&o);
	return run_workers(&o);
}
