/* memtriaged: arguments, configuration, start-up checks, self-protection;
 * then the loop (loop.c). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "active.h"
#include "cgmount.h"
#include "config.h"
#include "daemon.h"
#include "fileio.h"
#include "decide.h"
#include "hostcheck.h"
#include "inbox.h"
#include "log.h"
#include "cleanup.h"
#include "act.h"
#include "holdfile.h"
#include "reserve.h"
#include "owncg.h"
#include "meminfo.h"
#include "mt-config.h"
#include "record.h"
#include "rundir.h"

#define DEFAULT_CONFIG "/etc/memtriage/memtriaged.json"
#define DEFAULT_POLICY_DIR "/etc/memtriage/policies"
/* Records kept for history/explain: 256 records of a few KiB each. The
 * snapshots of the newest 8 that have one (a snapshot of 1,000 candidates
 * is ~0.5 MiB; a zram pool payment keeps none, recorder.c). */
#define RECORDS_MAX 256
#define SNAPSHOTS_MAX 8
/* A kill whose group is still populated after this is reported "stuck"
 * (earlyoom waits up to 10 s, oomd and systemd-oomd 15 s). */
#define KILL_TIMEOUT_MS 10000
/* Node PSI trigger: 150 ms of "some" stall within 1 s, Android lmkd's
 * "some" threshold doubled (it triggers at 70 ms) since we only take a look. */
#define NODE_PSI_STALL_US 150000
#define NODE_PSI_WINDOW_US 1000000
/* File descriptors per watched candidate: its directory, memory.events and
 * cgroup.events (populated): 3 while empty; populated, memory.current and
 * memory.swap.current (the sampler's) and, once in a snapshot, memory.stat,
 * memory.high and memory.max: 8; PSI triggers where a policy asks, during a
 * kill pidfds. 65536 holds some 8,000 populated candidates (21,000 empty
 * ones); 1,000 containers and their pods and sandboxes need about 8,000,
 * past the kernel's default hard limit of 4096. */
#define NOFILE_WANT 65536

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: memtriaged [--config FILE] [--policy-dir DIR] [--root DIR] [--socket PATH]\n"
	        "                  [--socket-group GROUP] [--metrics-dir DIR] [--dry-run] [--log-format json|text]\n"
	        "                  [--log-level LEVEL] [--watch pollpri|inotify] [--hold-file PATH] [--check-host]\n"
	        "                  [--version] [--help]\n"
	        "Defaults: --config %s (missing: built-in defaults),\n"
	        "          --policy-dir %s (missing: embedded default set),\n"
	        "          --socket /run/memtriage/memtriage.sock (\"\" for none),\n"
	        "          --log-format text on a terminal, else json; --log-level info\n"
	        "          (emerg alert crit err warning notice info debug, or 0..7),\n"
	        "          --hold-file /run/memtriage/holds.json (the limits it lowered, restored\n"
	        "          at the next start after a crash; \"\" for none).\n"
	        "--kill-fallback (tests): kill by freeze + SIGKILL + thaw even where cgroup.kill exists.\n",
	        DEFAULT_CONFIG, DEFAULT_POLICY_DIR);
}

/* MCL_ONFAULT: pages are locked as they are touched, not populated whole
 * when mapped. Without it each libuv thread-pool thread's 8 MiB stack
 * (libuv 1.44 threadpool.c) is faulted in and locked at the first
 * memory.high write -- 4 threads, 32 MiB, allocated at the moment the node
 * is short -- though a thread touches tens of KiB of it (locked RSS 5.4 ->
 * 38.2 MB measured, issue 14). What is touched stays locked either way;
 * kernels before 4.4 lack the flag (EINVAL) and get the old behaviour. */
static int lock_memory(void)
{
#ifdef MCL_ONFAULT
	if (mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) == 0)
		return 0;
	if (errno != EINVAL)
		return -1;
#endif
	return mlockall(MCL_CURRENT | MCL_FUTURE);
}

/* Under mlockall a page the heap gets is faulted in (and locked) when first
 * touched; when the node is short, that fault waits in the very reclaim
 * memtriaged must end (a first decision's selection took 30 ms instead of
 * 0.05 ms in the guest, issue 16). So up to HEAP_KEEP_BYTES of freed memory
 * stays at the top of the heap instead of going back to the kernel
 * (glibc's default trims above 128 KiB), and 1 MiB is touched now: a
 * decision's allocations (the snapshot of ~1,000 candidates is ~0.5 MiB)
 * reuse pages faulted at start-up. The cost is at most that much more RSS. */
#define HEAP_WARM_BYTES (1u << 20)
#define HEAP_KEEP_BYTES (4 << 20)
static void keep_heap(void)
{
#ifdef M_TRIM_THRESHOLD
	mallopt(M_TRIM_THRESHOLD, HEAP_KEEP_BYTES);
#endif
	/* in blocks below the mmap threshold (128 KiB), so they come from the
	 * heap and return to its top when freed */
	enum { BLOCK = 64 << 10, N = HEAP_WARM_BYTES / BLOCK };
	char *v[N];
	for (size_t i = 0; i < N; i++) {
		v[i] = malloc(BLOCK);
		for (size_t o = 0; v[i] && o < BLOCK; o += 4096)
			((volatile char *)v[i])[o] = 0;
	}
	for (size_t i = N; i-- > 0;)
		free(v[i]);
}

static void self_protect(struct daemon *d)
{
	if (lock_memory() < 0)
		log_msg(LOG_WARNING, "mlockall failed (%s): memtriaged's pages may be swapped out or reclaimed "
		        "under the very pressure it must act on; grant CAP_IPC_LOCK or raise RLIMIT_MEMLOCK",
		        strerror(errno));
	keep_heap();
	char buf[16];
	snprintf(buf, sizeof buf, "%d", d->opts.oom_score_adj);
	int r = mt_write_at(AT_FDCWD, "/proc/self/oom_score_adj", buf);
	if (r < 0)
		log_msg(LOG_WARNING, "setting own oom_score_adj to %s: %s", buf, strerror(-r));
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < NOFILE_WANT) {
		rlim_t want = rl.rlim_max < NOFILE_WANT ? rl.rlim_max : NOFILE_WANT;
		rl.rlim_cur = want;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			log_msg(LOG_WARNING, "raising RLIMIT_NOFILE to %lu: %s", (unsigned long)want, strerror(errno));
	}
}

/* Our cgroup relative to the supervised root, NULL when outside it. */
/* Our cgroup relative to the supervised root (NULL: outside it), found
 * even inside a private cgroup namespace (lib/owncg.h). */
static char *own_cgroup(const char *root)
{
	char buf[4096];
	int r = mt_read_at(AT_FDCWD, "/proc/self/cgroup", buf, sizeof buf);
	if (r < 0)
		return NULL;
	char *line = strstr(buf, "0::");
	if (!line)
		return NULL;
	line += 3;
	line[strcspn(line, "\n")] = '\0';
	struct mt_host_cgroup h;
	if (mt_cgmount_probe(&h) < 0)
		return NULL;
	const char *mount = h.memory_fs == MT_CGROUP_FS_V2 ? h.memory_mount : h.unified_mount;
	/* mountinfo runs to a few hundred KiB on a busy Kubernetes node */
	size_t cap = 1u << 20;
	_cleanup_free_ char *mi = malloc(cap);
	char mroot[4096], rel[4096], below[4096];
	unsigned ups = 0;
	r = mi ? mt_read_at(AT_FDCWD, "/proc/self/mountinfo", mi, cap) : -ENOMEM;
	if (r >= 0)
		r = mt_owncg_mount_root(mi, (size_t)r, mount, mroot, sizeof mroot);
	if (r >= 0)
		r = mt_owncg_relate(mroot, line, &ups, rel, sizeof rel);
	if (r >= 0) {
		_cleanup_close_ int mfd = mt_dir_open(AT_FDCWD, mount);
		const char *uid = getenv("MEMTRIAGE_POD_UID");
		r = mfd < 0 ? mfd : mt_owncg_find(mfd, ups, rel, getpid(), uid, below, sizeof below);
	}
	if (r < 0) {
		log_msg(LOG_WARNING, "own cgroup (from %s, /proc/self/cgroup '%s'): %s; memtriaged does not know "
		        "which cgroup is its own and may choose it", mount, line, strerror(-r));
		return NULL;
	}
	char abs[8192];
	snprintf(abs, sizeof abs, "%s%s%s", mount, below[0] ? "/" : "", below);
	size_t n = strlen(root);
	if (strcmp(abs, root) == 0)
		return strdup("");
	if (strncmp(abs, root, n) == 0 && abs[n] == '/')
		return strdup(abs + n + 1);
	return NULL;
}

static void close_handle(uv_handle_t *h, void *arg)
{
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "policy-dir", required_argument, NULL, 'p' },
		{ "root", required_argument, NULL, 'r' },
		{ "socket", required_argument, NULL, 's' },
		{ "socket-group", required_argument, NULL, 'g' },
		{ "metrics-dir", required_argument, NULL, 'm' },
		{ "hold-file", required_argument, NULL, 'H' },
		{ "kill-fallback", no_argument, NULL, 'K' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "log-format", required_argument, NULL, 'l' },
		{ "log-level", required_argument, NULL, 'L' },
		{ "watch", required_argument, NULL, 'w' },
		{ "check-host", no_argument, NULL, 'C' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *a_config = NULL, *a_policy = NULL, *a_root = NULL, *a_socket = NULL, *a_metrics = NULL;
	const char *a_group = NULL, *a_hold = NULL;
	bool a_dry = false;
	enum log_format fmt = isatty(STDERR_FILENO) ? LOG_FORMAT_TEXT : LOG_FORMAT_JSON;
	enum watch_mode watch = WATCH_POLL;
	int level = LOG_INFO;
	int o;
	while ((o = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (o) {
		case 'c': a_config = optarg; break;
		case 'p': a_policy = optarg; break;
		case 'r': a_root = optarg; break;
		case 's': a_socket = optarg; break;
		case 'g': a_group = optarg; break;
		case 'm': a_metrics = optarg; break;
		case 'H': a_hold = optarg; break;
		case 'K': mt_act_set_force_fallback(true); break;
		case 'n': a_dry = true; break;
		case 'l':
			if (strcmp(optarg, "json") == 0)
				fmt = LOG_FORMAT_JSON;
			else if (strcmp(optarg, "text") == 0)
				fmt = LOG_FORMAT_TEXT;
			else {
				fprintf(stderr, "memtriaged: --log-format: '%s' is neither json nor text\n", optarg);
				return 2;
			}
			break;
		case 'L':
			level = log_level_parse(optarg);
			if (level < 0) {
				fprintf(stderr, "memtriaged: --log-level: '%s' is not a syslog level "
				        "(emerg alert crit err warning notice info debug, or 0..7)\n", optarg);
				return 2;
			}
			break;
		case 'w':
			if (strcmp(optarg, "pollpri") == 0)
				watch = WATCH_POLL;
			else if (strcmp(optarg, "inotify") == 0)
				watch = WATCH_INOTIFY;
			else {
				fprintf(stderr, "memtriaged: --watch: '%s' is neither pollpri nor inotify\n", optarg);
				return 2;
			}
			break;
		case 'C': return mt_hostcheck_run(stdout, stderr);
		case 'V': printf("memtriaged %s\n", MT_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "memtriaged: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	log_set_format(fmt);
	log_set_level(level);
	/* A log reader that went away must not kill the supervisor: writes to
	 * a closed pipe fail with EPIPE instead (counted by the log). */
	signal(SIGPIPE, SIG_IGN);
	log_open();

	/* Configuration: a missing default file means built-in defaults; a
	 * missing file named on the command line is an error. */
	struct mt_config cfg;
	struct mt_json_error jerr = { 0 };
	char msg[1024];
	mt_config_init_default(&cfg);
	const char *cpath = a_config ? a_config : DEFAULT_CONFIG;
	if (a_config || access(cpath, F_OK) == 0) {
		int r = mt_config_load(cpath, &cfg, &jerr);
		if (r < 0) {
			mt_json_error_format(&jerr, msg, sizeof msg);
			fprintf(stderr, "memtriaged: configuration %s: %s\n", cpath, msg);
			return 1;
		}
	}

	struct daemon d = { .hold_dir_fd = -1, .root_fd = -1, .proc_fd = -1, .sys_block_fd = -1, .inotify_fd = -1, .psi_fd = -1, .meminfo_fd = -1, .policy_wd = -1, .logs_wd = -1 };
	const char *root = a_root ? a_root : cfg.supervised_root;
	if (!root || root[0] != '/' || strlen(root) >= sizeof d.opts.root) {
		fprintf(stderr, "memtriaged: supervised root '%s' is not an absolute path\n", root ? root : "");
		return 1;
	}
	snprintf(d.opts.root, sizeof d.opts.root, "%s", root);
	size_t rl = strlen(d.opts.root);
	while (rl > 1 && d.opts.root[rl - 1] == '/')
		d.opts.root[--rl] = '\0';

	/* Policies: an explicit directory (argument or configuration) must
	 * exist; the default one, when missing, means the embedded set. */
	if (a_policy)
		d.opts.policy_dir = a_policy;
	else if (cfg.policy_dir)
		d.opts.policy_dir = cfg.policy_dir;
	else if (is_dir(DEFAULT_POLICY_DIR))
		d.opts.policy_dir = DEFAULT_POLICY_DIR;
	d.opts.socket_path = a_socket ? a_socket : cfg.socket_path;
	d.opts.metrics_dir = a_metrics ? a_metrics : cfg.metrics_dir;
	d.opts.hold_file = a_hold ? a_hold : cfg.hold_file;
	/* Read-only queries for this group's members (socket 0660 root:GROUP). */
	d.opts.socket_gid = (gid_t)-1;
	const char *group = a_group ? a_group : cfg.socket_group;
	if (group) {
		struct group gr, *found = NULL;
		char grbuf[16384];
		errno = 0;
		int e = getgrnam_r(group, &gr, grbuf, sizeof grbuf, &found);
		if (!found) {
			fprintf(stderr, "memtriaged: socket group '%s'%s: %s\n", group, a_group ? "" : " (configuration)",
			        e ? strerror(e) : "no such group");
			return 1;
		}
		d.opts.socket_gid = gr.gr_gid;
	}
	d.opts.logs_dir = cfg.logs_dir;
	d.opts.dry_run = a_dry || cfg.dry_run;
	d.opts.watch_mode = watch;
	d.opts.fault_rate = cfg.fault_rate;
	mt_look_cost_reset(&d.look_cost, cfg.idle_budget_ppm);
	d.opts.oom_score_adj = cfg.oom_score_adj;
	d.opts.psi_stall_us = NODE_PSI_STALL_US;
	d.opts.psi_window_us = NODE_PSI_WINDOW_US;
	d.opts.kill_timeout_ms = KILL_TIMEOUT_MS;

	if (mt_hostcheck_run(NULL, stderr) != 0)
		return 1;
	/* Neither RuntimeDirectory= nor a hostPath volume makes the metrics
	 * directory below /run/memtriage: we do (lib/rundir.h). 0755: the
	 * textfile collector runs as its own user. */
	if (d.opts.metrics_dir && *d.opts.metrics_dir) {
		int fd = -1;
		int r = mt_rundir_ensure(d.opts.metrics_dir, 0755, 0, &fd);
		if (r == 0 && faccessat(fd, ".", W_OK, AT_EACCESS) < 0)
			r = -errno;
		if (fd >= 0)
			close(fd);
		if (r < 0) {
			fprintf(stderr, "memtriaged: metrics directory %s: %s%s\n", d.opts.metrics_dir, strerror(-r),
			        r == -EPERM ? " (it and its parents must belong to root or memtriaged's user and be "
			                      "writable by nobody else)" : "");
			return 1;
		}
	}

	d.proc_fd = mt_dir_open(AT_FDCWD, "/proc");
	d.root_fd = mt_dir_open(AT_FDCWD, d.opts.root);
	d.sys_block_fd = mt_dir_open(AT_FDCWD, "/sys/block");
	if (d.sys_block_fd < 0) {
		fprintf(stderr, "memtriaged: opening /sys/block (zram swap figures): %s\n",
		        strerror(-d.sys_block_fd));
		return 1;
	}
	if (d.proc_fd < 0 || d.root_fd < 0) {
		fprintf(stderr, "memtriaged: opening %s: %s\n", d.proc_fd < 0 ? "/proc" : d.opts.root,
		        strerror(-(d.proc_fd < 0 ? d.proc_fd : d.root_fd)));
		return 1;
	}
	/* The reserve (lib/reserve.h): at start-up a reserve that leaves
	 * nothing to supervise is an error naming the figures. */
	struct mt_meminfo mi;
	int r = mt_meminfo_read(d.proc_fd, &mi);
	if (r < 0) {
		fprintf(stderr, "memtriaged: /proc/meminfo: %s\n", strerror(-r));
		return 1;
	}
	d.opts.reserve = cfg.reserve;
	if (mt_reserve_split(&cfg.reserve, mi.mem_total, mi.swap_total, &d.opts.ram_reserve, &d.opts.swap_reserve) < 0) {
		fprintf(stderr, "memtriaged: configuration %s: reserve: %" PRIu64 " bytes of RAM and %" PRIu64
		        " of swap, against MemTotal %" PRIu64 " and SwapTotal %" PRIu64 " bytes: it would leave "
		        "nothing to supervise\n", cpath, d.opts.ram_reserve, d.opts.swap_reserve, mi.mem_total,
		        mi.swap_total);
		return 1;
	}

	if (d.opts.policy_dir ? mt_policy_set_load_dir(d.opts.policy_dir, &d.policies, &jerr)
	                      : mt_policy_set_load_default(&d.policies, &jerr)) {
		mt_json_error_format(&jerr, msg, sizeof msg);
		fprintf(stderr, "memtriaged: policies %s: %s\n",
		        d.opts.policy_dir ? d.opts.policy_dir : "<embedded defaults>", msg);
		return 1;
	}
	d.policy_loaded_ms = now_ms();
	if (mt_record_ring_new(RECORDS_MAX, SNAPSHOTS_MAX, &d.records) < 0)
		return 1;
	d.own_cgroup = own_cgroup(d.opts.root);

	self_protect(&d);
	log_event(LOG_INFO, "starting",
	          json_pack("{s:s, s:s, s:s, s:s?, s:s, s:b, s:I, s:I, s:I, s:I}", "version", MT_VERSION, "root",
	                    d.opts.root, "policies", d.opts.policy_dir ? d.opts.policy_dir : "<embedded defaults>",
	                    "own_cgroup", d.own_cgroup, "socket", d.opts.socket_path ? d.opts.socket_path : "",
	                    "dry_run", d.opts.dry_run, "ram_reserve", (json_int_t)d.opts.ram_reserve, "swap_reserve",
	                    (json_int_t)d.opts.swap_reserve,
	                    "fault_rate", (json_int_t)d.opts.fault_rate, "idle_budget_ppm",
	                    (json_int_t)d.look_cost.budget_ppm));

	d.loop = uv_default_loop();
	log_attach(d.loop);
	r = loop_run(&d);
	log_detach();
	int rc = r < 0 ? 1 : 0;
	if (r < 0) /* a start-up failure leaves handles running (signals, watches) */
		uv_walk(d.loop, close_handle, NULL);
	uv_run(d.loop, UV_RUN_DEFAULT); /* close callbacks */
	if (uv_loop_close(d.loop) != 0)
		log_msg(LOG_WARNING, "handles still open at exit");
	log_event(LOG_NOTICE, "stopped", json_pack("{s:I, s:I, s:I}", "decisions", (json_int_t)d.decisions, "kills",
	                                           (json_int_t)d.kills, "releases", (json_int_t)d.releases));
	active_clear(&d); /* the last GONE steps unlisted them; none is left in a sound run */
	inbox_free(&d);
	decide_free();
	json_decref(d.last_snapshot);
	mt_record_ring_free(d.records);
	holdfile_close(&d);
	mt_policy_set_free(d.policies);
	mt_k8s_names_free(d.names);
	mt_wdmap_free(&d.wds);
	free(d.own_cgroup);
	close(d.proc_fd);
	close(d.sys_block_fd);
	close(d.root_fd);
	if (d.inotify_fd >= 0)
		close(d.inotify_fd);
	if (d.psi_fd >= 0)
		close(d.psi_fd);
	mt_config_clear(&cfg);
	log_close();
	return rc;
}
