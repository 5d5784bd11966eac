/* bench_serve: what the status socket costs the daemon's event loop.
 *
 * Runs the real server (serve_conn.c) in-process with a fake provider, a 10 ms
 * heartbeat timer on the same loop standing in for the daemon's work, and
 * load client threads (load.c) querying as fast as the server answers.
 * Reports queries per second served and the heartbeat's lateness (how late
 * the loop ran a due timer) without clients and with 1 and 4 of them.
 *
 * The candidates provider builds its 1000 rows on every call, as the
 * daemon's view.c does. Candidates phases, in one run so that the ratio
 * survives a noisy machine: without the reply cache (every request builds
 * and encodes), with it while nothing changes, and with it while the rows
 * change every CHANGE_MS (a decision or memory.events notification that
 * often: each change costs one build and encode, not one per request).
 *
 * usage: bench_serve [SECONDS_PER_PHASE]   (default 3) */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load.h"
#include "proto.h"
#include "serve.h"

#define HEARTBEAT_MS 10

static uv_loop_t loop;
static uv_timer_t heartbeat;
static uv_async_t done;
static uint64_t armed_ns;
static double *late_ms;
static size_t n_late, cap_late;
static json_t *status_json, *cands_json;

#define CHANGE_MS 100

static json_t *build_cands(void);

/* The reply cache's generation (serve.h): 0 while a phase runs without it. */
static uint64_t generation;
static uv_timer_t change;

static json_t *p_status(void *ud, struct mt_serve_error *e) { return json_incref(status_json); }
static json_t *p_cands(void *ud, struct mt_serve_error *e) { return build_cands(); }
static uint64_t p_generation(void *ud, enum mt_proto_cmd cmd)
{
	return cmd == MT_PROTO_CMD_CANDIDATES ? generation : 0;
}

static void on_change(uv_timer_t *t)
{
	generation++;
}

static void on_beat(uv_timer_t *t)
{
	double late = (double)(uv_hrtime() - armed_ns) / 1e6 - HEARTBEAT_MS;
	if (n_late == cap_late) {
		cap_late = cap_late ? cap_late * 2 : 4096;
		late_ms = realloc(late_ms, cap_late * sizeof(*late_ms));
	}
	late_ms[n_late++] = late < 0 ? 0 : late;
	armed_ns = uv_hrtime();
	uv_timer_start(&heartbeat, on_beat, HEARTBEAT_MS, 0);
}

struct phase {
	const char *path, *request;
	unsigned clients;
	double seconds;
	bool cache;         /* serve candidates through the reply cache */
	bool changing;      /* and change them every CHANGE_MS */
	struct mt_load_result result;
};

static void *run_load(void *arg)
{
	struct phase *p = arg;
	if (p->clients)
		mt_load_run(p->path, p->request, p->clients, p->seconds, &p->result);
	else
		usleep((useconds_t)(p->seconds * 1e6));
	uv_async_send(&done);
	return NULL;
}

static void on_done(uv_async_t *a)
{
	uv_timer_stop(&heartbeat);
	uv_timer_stop(&change);
	uv_stop(&loop);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* 1000 candidates of the documented shape (~0.55 MiB encoded), the size of
 * a busy Kubernetes node, built row by row with json_pack as the daemon's
 * view.c does. */
static json_t *build_cands(void)
{
	json_t *arr = json_array();
	for (int i = 0; i < 1000; i++) {
		char p[200];
		snprintf(p, sizeof(p), "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod%08x_1a2b_4c6d_8e0f_123456789abc.slice/cri-containerd-%064x.scope", i, i);
		json_array_append_new(arr, json_pack("{si ss s{ssssss} ss si sb ss sI sI sn sn sI sI sI si sb s[] s{sisisisi}}",
			"rank", i + 1, "path", p, "k8s", "namespace", "default", "pod", "web-7f9c", "container", "app",
			"policy", "default", "priority", 100, "protected", 0, "response", "kill",
			"current", (json_int_t)268435456, "swap_current", (json_int_t)0, "high", "max",
			"growth_rate", (json_int_t)0, "frees_ram", (json_int_t)260000000, "frees_swap", (json_int_t)0,
			"cost", 101, "throttled", 0, "ineligible", "events", "high", 0, "max", 0, "oom", 0, "oom_kill", 0));
	}
	return json_pack("{so}", "candidates", arr);
}

static double ms_since(uint64_t t0)
{
	return (double)(uv_hrtime() - t0) / 1e6;
}

/* Where a candidates reply's time goes on the loop, one step at a time
 * (median of BREAKDOWN_RUNS): building the json_t tree, encoding it into
 * the reply line (mt_proto_reply_ok: json_dumps), and copying the encoded
 * line (what serving a cached text per client would cost). */
#define BREAKDOWN_RUNS 21
static void breakdown(void)
{
	double build[BREAKDOWN_RUNS], encode[BREAKDOWN_RUNS], copy[BREAKDOWN_RUNS];
	size_t len = 0;

	for (int i = 0; i < BREAKDOWN_RUNS; i++) {
		uint64_t t0 = uv_hrtime();
		json_t *tree = build_cands();
		build[i] = ms_since(t0);
		char *line;
		t0 = uv_hrtime();
		if (mt_proto_reply_ok(tree, &line, &len) < 0)
			exit(1);
		encode[i] = ms_since(t0);
		t0 = uv_hrtime();
		char *dup = malloc(len);
		if (!dup)
			exit(1);
		memcpy(dup, line, len);
		__asm__ volatile("" : : "r"(dup) : "memory");
		copy[i] = ms_since(t0);
		free(dup);
		free(line);
	}
	qsort(build, BREAKDOWN_RUNS, sizeof(double), cmp);
	qsort(encode, BREAKDOWN_RUNS, sizeof(double), cmp);
	qsort(copy, BREAKDOWN_RUNS, sizeof(double), cmp);
	printf("candidates reply of %zu bytes, median of %d: build tree %.2f ms, encode %.2f ms, "
	       "copy %.3f ms\n", len, BREAKDOWN_RUNS, build[BREAKDOWN_RUNS / 2],
	       encode[BREAKDOWN_RUNS / 2], copy[BREAKDOWN_RUNS / 2]);
}

static void phase(const char *name, struct phase *p)
{
	pthread_t th;

	n_late = 0;
	generation = p->cache ? 1 : 0;
	if (p->changing)
		uv_timer_start(&change, on_change, CHANGE_MS, CHANGE_MS);
	armed_ns = uv_hrtime();
	uv_timer_start(&heartbeat, on_beat, HEARTBEAT_MS, 0);
	pthread_create(&th, NULL, run_load, p);
	uv_run(&loop, UV_RUN_DEFAULT);
	pthread_join(th, NULL);
	qsort(late_ms, n_late, sizeof(*late_ms), cmp);
	printf("%-34s clients=%u qps=%-7.0f rtt_p50_us=%-6.0f rtt_p99_us=%-6.0f "
	       "timer_late_ms p50=%.2f p99=%.2f max=%.2f (%zu ticks)\n",
	       name, p->clients, p->result.qps, p->result.p50_us, p->result.p99_us,
	       mt_load_percentile(late_ms, n_late, 50), mt_load_percentile(late_ms, n_late, 99),
	       n_late ? late_ms[n_late - 1] : 0.0, n_late);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? strtod(argv[1], NULL) : 3;
	char dir[] = "/tmp/mt-bench-XXXXXX", path[64];
	struct mt_serve *srv;

	if (!mkdtemp(dir) || !(secs > 0))
		return 1;
	snprintf(path, sizeof(path), "%s/memtriage.sock", dir);

	/* A status of the documented shape (~1 KiB), and 1000 candidates
	 * (~0.3 MiB), the size of a busy Kubernetes node. */
	status_json = json_pack("{ss sI ss sb s{sI sI sI sI sI sI sI sI sI sf sf sI sn}"
	                        " s{ss si sI sn} si si si sn}",
	                        "version", "0.1.0", "uptime_ms", (json_int_t)11040000, "mode", "watching",
	                        "dry_run", 0, "node", "mem_total", (json_int_t)8589934592,
	                        "mem_available", (json_int_t)536870912, "swap_total", (json_int_t)2147483648,
	                        "swap_free", (json_int_t)107374182, "commit", (json_int_t)10093173146,
	                        "bound", (json_int_t)9663676416, "headroom", (json_int_t)0,
	                        "ram_deficit", (json_int_t)268435456, "swap_deficit", (json_int_t)107374182,
	                        "psi_some_avg10", 23.46, "psi_full_avg10", 4.1,
	                        "growth_rate", (json_int_t)15728640, "eta_ms",
	                        "policy_set", "path", "/etc/memtriage/policies", "policies", 3,
	                        "loaded_unix_ms", (json_int_t)1764075600000, "last_reload_error",
	                        "candidates", 1000, "throttled", 1, "kills_in_flight", 0, "last_action");
	cands_json = build_cands();
	breakdown();
	char *s1 = json_dumps(status_json, JSON_COMPACT), *s2 = json_dumps(cands_json, JSON_COMPACT);
	printf("bench_serve: %.1f s per phase; status reply %zu bytes, candidates reply %zu bytes; "
	       "heartbeat every %d ms\n", secs, strlen(s1), strlen(s2), HEARTBEAT_MS);
	free(s1);
	free(s2);

	uv_loop_init(&loop);
	uv_timer_init(&loop, &heartbeat);
	uv_timer_init(&loop, &change);
	uv_async_init(&loop, &done, on_done);
	struct mt_serve_provider prov = { .status = p_status, .candidates = p_cands,
	                                      .generation = p_generation };
	struct mt_serve_config cfg = { .path = path, .group = (gid_t)-1 };
	if (mt_serve_start(&loop, &cfg, &prov, &srv) < 0) {
		fprintf(stderr, "bench_serve: cannot serve on %s\n", path);
		return 1;
	}
	const char *st = "{\"v\":1,\"cmd\":\"status\"}\n", *ca = "{\"v\":1,\"cmd\":\"candidates\"}\n";
	struct phase ph[] = {
		{ path, st, 0, secs, false, false, { 0 } },
		{ path, st, 1, secs, false, false, { 0 } },
		{ path, st, 4, secs, false, false, { 0 } },
		{ path, ca, 4, secs, false, false, { 0 } },
		{ path, ca, 4, secs, true, false, { 0 } },
		{ path, ca, 4, secs, true, true, { 0 } },
	};
	phase("no clients", &ph[0]);
	phase("status", &ph[1]);
	phase("status", &ph[2]);
	phase("candidates (1000 rows), no cache", &ph[3]);
	phase("candidates, cached", &ph[4]);
	phase("candidates, cached, change/100ms", &ph[5]);

	mt_serve_stop(srv);
	uv_close((uv_handle_t *)&heartbeat, NULL);
	uv_close((uv_handle_t *)&change, NULL);
	uv_close((uv_handle_t *)&done, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	rmdir(dir);
	json_decref(status_json);
	json_decref(cands_json);
	free(late_ms);
	return 0;
}
