/* Selection time for 10, 100, 1,000 and 10,000 candidates: mt_select() alone
 * (the snapshot is computed beforehand, as the daemon does once per cycle),
 * over RUNS seeded instances with both deficits and a mix of eligible,
 * protected and observe-only groups. Each instance is decided REPEATS times:
 * its time is the fastest repeat (what the instance costs, without the
 * preemptions of a shared machine); "raw worst" is the slowest single call.
 * Reproduce with: ninja -C build && ./build/test/bench/bench_select */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "select.h"
#include "select_families.h"
#include "select_fixture.h"

#define RUNS 201
#define REPEATS 5

static uint64_t rng(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static void make(struct mt_snapshot *s, size_t n, uint64_t seed)
{
	uint64_t x = seed;
	memset(s, 0, sizeof(*s));
	fx_node(&s->node, 512 * MiB + rng(&x) % (1536 * MiB), rng(&x) % 2 ? rng(&x) % (1536 * MiB) : 0);
	for (size_t i = 0; i < n; i++) {
		char path[64];
		snprintf(path, sizeof(path), "kubepods.slice/pod%06zu.slice/ctr.scope", i);
		struct mt_candidate *c = fx_add(s, path, (uint32_t)(rng(&x) % 1001),
						(1 + rng(&x) % 2048) * MiB, rng(&x) % 3 ? 0 : rng(&x) % (512 * MiB));
		switch (rng(&x) % 10) {
		case 0: c->protected_ = true; break;
		case 1: c->response = MT_RESPONSE_OBSERVE; break;
		default: break;
		}
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int sizes_bench(void)
{
	static const size_t sizes[] = { 10, 100, 1000, 10000 };
	printf("%-11s %9s %12s %12s %15s %6s %10s %8s\n", "candidates", "instances", "median (us)",
	       "worst (us)", "raw worst (us)", "exact", "heuristic", "victims");
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		uint64_t t[RUNS], raw_worst = 0, victims = 0;
		size_t exact = 0, heur = 0;
		for (size_t r = 0; r < RUNS; r++) {
			struct mt_snapshot s;
			struct mt_decision d;
			make(&s, sizes[k], 1000 * k + r);
			if (mt_snapshot_compute(&s) < 0)
				return -1;
			t[r] = UINT64_MAX;
			for (int rep = 0; rep < REPEATS; rep++) {
				uint64_t t0 = now_ns();
				if (mt_select(&s, NULL, &d) < 0)
					return -1;
				uint64_t dt = now_ns() - t0;
				t[r] = dt < t[r] ? dt : t[r];
				raw_worst = dt > raw_worst ? dt : raw_worst;
				if (rep + 1 < REPEATS)
					mt_decision_free(&d);
			}
			exact += d.method == MT_METHOD_EXACT;
			heur += d.method == MT_METHOD_HEURISTIC;
			victims += d.n_chosen;
			mt_decision_free(&d);
			mt_snapshot_free(&s);
		}
		qsort(t, RUNS, sizeof(t[0]), cmp_u64);
		printf("%-11zu %9d %12.1f %12.1f %15.1f %6zu %10zu %8.1f\n", sizes[k], RUNS,
		       (double)t[RUNS / 2] / 1000, (double)t[RUNS - 1] / 1000, (double)raw_worst / 1000,
		       exact, heur, (double)victims / RUNS);
	}
	return 0;
}

/* The families of select_families.h: time as above, whether the search
 * proved its set optimal, and whether it costs exactly the reference's
 * optimum (glpsol, cbc where glpsol disagrees; skipped with --no-ilp). */
static int families(size_t runs, bool ilp)
{
	static const size_t sizes[] = { 20, 100, 300, 1000 };
	char dir[] = "/tmp/mt-bench-select.XXXXXX";
	if (ilp && !mkdtemp(dir))
		return 1;
	printf("\n%-26s %5s %5s %9s %9s %7s %8s %9s %9s\n", "family", "n", "inst", "median us", "worst us",
	       "proven", "optimal", "victims", "worst gap");
	for (size_t f = 0; f < FAM_COUNT; f++)
		for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			uint64_t *t = calloc(runs, sizeof(uint64_t)), victims = 0, gap = 0;
			size_t proven = 0, optimal = 0, bad = 0;
			if (!t)
				return 1;
			for (size_t r = 0; r < runs; r++) {
				struct mt_snapshot s;
				struct mt_decision d;
				fam_make(&s, &fam_list[f], sizes[k], 7000000 + 100000 * f + 1000 * k + r);
				t[r] = UINT64_MAX;
				for (int rep = 0; rep < REPEATS; rep++) {
					uint64_t t0 = now_ns();
					if (mt_select(&s, NULL, &d) < 0)
						return 1;
					uint64_t dt = now_ns() - t0;
					t[r] = dt < t[r] ? dt : t[r];
					if (rep + 1 < REPEATS)
						mt_decision_free(&d);
				}
				proven += d.method == MT_METHOD_EXACT || d.action != MT_ACTION_KILL;
				victims += d.n_chosen;
				gap = d.cost - d.cost_bound > gap ? d.cost - d.cost_bound : gap;
				if (ilp) {
					struct fam_check c = fam_check(&s, &d, dir, r, fam_list[f].name, sizes[k], true);
					optimal += c.optimal;
					bad += !c.ok;
				}
				mt_decision_free(&d);
				mt_snapshot_free(&s);
			}
			qsort(t, runs, sizeof(t[0]), cmp_u64);
			char opt[32];
			if (ilp)
				snprintf(opt, sizeof(opt), "%5.1f %%%s", 100.0 * (double)optimal / (double)runs, bad ? "!" : "");
			else
				snprintf(opt, sizeof(opt), "-");
			printf("%-26s %5zu %5zu %9.1f %9.1f %5.1f %% %8s %9.1f %9" PRIu64 "\n", fam_list[f].name, sizes[k],
			       runs, (double)t[runs / 2] / 1000, (double)t[runs - 1] / 1000,
			       100.0 * (double)proven / (double)runs, opt, (double)victims / (double)runs, gap);
			free(t);
		}
	if (ilp) {
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	bool ilp = true;
	size_t runs = 50;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--no-ilp") == 0)
			ilp = false;
		else if (strncmp(argv[i], "--runs=", 7) == 0)
			runs = strtoul(argv[i] + 7, NULL, 10);
		else {
			fprintf(stderr, "usage: %s [--no-ilp] [--runs=N]\n", argv[0]);
			return 2;
		}
	}
	if (runs == 0 || sizes_bench() < 0 || families(runs, ilp) < 0)
		return 1;
	printf("\nreproduce: ninja -C build && ./build/test/bench/bench_select%s --runs=%zu\n", ilp ? "" : " --no-ilp",
	       runs);
	return 0;
}
