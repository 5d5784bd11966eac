/* Properties of mt_select() on seeded random instances (deterministic):
 *  - small instances (1..16 eligible) against brute force over every subset:
 *    the exact path runs and its cost is optimal; covered is true exactly when
 *    some set covers; the set covers (or reaches the most coverable);
 *  - the heuristic alone (exact_max 0) on the same instances: covers, is
 *    minimal, costs no more than the plain ratio-greedy and no more than the
 *    cheapest single cover, and within HEURISTIC_BOUND of the optimum;
 *  - larger instances (100 and 300 candidates): the same guarantees short of
 *    optimality; shuffling the candidates changes nothing;
 *  - never a candidate that is protected, forbids killing or has a kill in
 *    flight; every chosen set is minimal;
 *  - the tie-breaks: on instances built for ties (equal priorities, coarse
 *    sizes, equal growth rates) the search proves its set and it is the
 *    brute-force best in the documented set order (cost, then growth, then
 *    count, then the rank list). */
#include "check.h"
#include "cleanup.h"
#include "select.h"
#include "select_fixture.h"

#define INSTANCES 2000
/* Stated bound for the heuristic against the optimum on these instances:
 * the largest ratio measured over the 2000 seeds is 1.205 (printed below).
 * The test fails above 2, the factor known for greedy-with-completion on the
 * one-dimensional covering knapsack; for two constraints we have no proof,
 * so for them the bound is empirical. */
#define HEURISTIC_BOUND 2.0

/* Returns this file's own failure status (check.h counts per file). */
int test_select_properties(void);

static uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t rng_next(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t rnd(uint64_t *x, uint64_t n)
{
	return n ? rng_next(x) % n : 0;
}

static void make(struct mt_snapshot *s, uint64_t seed, size_t n_eligible, size_t n_other)
{
	uint64_t x = seed;
	static const uint32_t prios[] = { 0, 10, 10, 50, 100, 100, 500, 900 };
	uint64_t unit = rnd(&x, 2) ? 256 * MiB : MiB; /* coarse units make ties */
	memset(s, 0, sizeof(*s));
	fx_node(&s->node, rnd(&x, 3) ? rnd(&x, 2048) * MiB : 0, rnd(&x, 2) ? rnd(&x, 2048) * MiB : 0);
	if (s->node.mem_available == s->node.ram_reserve && s->node.swap_free >= s->node.swap_reserve)
		s->node.mem_available -= 1 + rnd(&x, 1024) * MiB; /* at least some deficit */
	for (size_t i = 0; i < n_eligible + n_other; i++) {
		char path[32];
		snprintf(path, sizeof(path), "pod/c%03zu", (i * 7919) % 1000);
		uint32_t prio = rnd(&x, 2) ? prios[rnd(&x, MT_ELEMENTSOF(prios))] : (uint32_t)rnd(&x, 1001);
		uint64_t ram = rnd(&x, 4) ? rnd(&x, 3 * GiB / unit) * unit : 0;
		uint64_t swap = rnd(&x, 2) ? rnd(&x, 1536 * MiB / unit) * unit : 0;
		struct mt_candidate *c = fx_add(s, path, prio, ram ? ram : unit, swap);
		if (i >= n_eligible) {
			switch (rnd(&x, 4)) {
			case 0: c->protected_ = true; break;
			case 1: c->response = rnd(&x, 2) ? MT_RESPONSE_OBSERVE : MT_RESPONSE_THROTTLE; break;
			case 2: c->kill_in_flight = true; c->kill_started_ms = s->node.now_ms - 1000; break;
			default: c->kill_in_flight = true; c->kill_started_ms = 0; break;
			}
		} else if (rnd(&x, 2))
			c->response = MT_RESPONSE_KILL;
	}
	/* interleave ineligible and eligible candidates */
	for (size_t i = s->n_candidates; i > 1; i--) {
		size_t j = rnd(&x, i);
		struct mt_candidate t = s->candidates[i - 1];
		s->candidates[i - 1] = s->candidates[j];
		s->candidates[j] = t;
	}
}

struct inst {
	size_t e[16];    /* eligible snapshot indexes */
	size_t n;
	uint64_t s[16], t[16], c[16];
	uint64_t ts, tt; /* reduced to what all eligible reach */
	bool coverable;
	const struct mt_decision *d; /* its projection (mt_decision_frees_total) */
};

static void inst_from(const struct mt_snapshot *s, const struct mt_decision *d, struct inst *in)
{
	uint64_t all_s = 0, all_t = 0;
	in->n = 0;
	in->d = d;
	for (size_t i = 0; i < s->n_candidates; i++) {
		const struct mt_candidate *c = &s->candidates[i];
		if (c->kill_inelig || (min64(c->frees_swap, d->target_swap) == 0 &&
					min64(mt_decision_frees_total(c, d), d->target_total) == 0))
			continue;
		in->e[in->n] = i;
		in->s[in->n] = c->frees_swap < d->target_swap ? c->frees_swap : d->target_swap;
		uint64_t t = mt_decision_frees_total(c, d);
		in->t[in->n] = t < d->target_total ? t : d->target_total;
		in->c[in->n] = c->cost;
		all_s += in->s[in->n];
		all_t += in->t[in->n];
		in->n++;
	}
	in->coverable = all_s >= d->target_swap && all_t >= d->target_total;
	in->ts = all_s < d->target_swap ? all_s : d->target_swap;
	in->tt = all_t < d->target_total ? all_t : d->target_total;
}

static bool covers(const struct mt_snapshot *s, const struct inst *in, const size_t *set, size_t n, size_t skip)
{
	uint64_t sw = 0, tot = 0;
	for (size_t k = 0; k < n; k++)
		if (k != skip) {
			const struct mt_candidate *c = &s->candidates[set[k]];
			sw += c->frees_swap;
			tot += in->d ? mt_decision_frees_total(c, in->d) : c->frees_ram + c->frees_swap;
		}
	return sw >= in->ts && tot >= in->tt;
}

/* Minimum cost over all subsets reaching the (reduced) targets. */
static uint64_t brute(const struct inst *in)
{
	static uint64_t ss[1 << 16], st[1 << 16], sc[1 << 16];
	uint64_t best = UINT64_MAX;
	ss[0] = st[0] = sc[0] = 0;
	if (in->ts == 0 && in->tt == 0)
		return 0;
	for (uint32_t m = 1; m < (1u << in->n); m++) {
		uint32_t b = (uint32_t)__builtin_ctz(m), r = m & (m - 1);
		ss[m] = ss[r] + in->s[b];
		st[m] = st[r] + in->t[b];
		sc[m] = sc[r] + in->c[b];
		if (ss[m] >= in->ts && st[m] >= in->tt && sc[m] < best)
			best = sc[m];
	}
	return best;
}

/* Reference plain greedy: best normalised progress per cost, ties to the
 * library's documented rank (cost, t desc, s desc, path); no pruning. */
static uint64_t ref_greedy(const struct mt_snapshot *s, const struct inst *in)
{
	bool used[16] = { 0 };
	uint64_t ns = in->ts, nt = in->tt, cost = 0;
	while (ns > 0 || nt > 0) {
		int bi = -1;
		unsigned __int128 bk = 0;
		for (size_t k = 0; k < in->n; k++) {
			if (used[k])
				continue;
			unsigned __int128 key = (unsigned __int128)(in->s[k] < ns ? in->s[k] : ns) * (in->tt ? in->tt : 1) +
				(unsigned __int128)(in->t[k] < nt ? in->t[k] : nt) * (in->ts ? in->ts : 1);
			if (key == 0)
				continue;
			if (bi >= 0) {
				unsigned __int128 l = key * in->c[bi], r = bk * in->c[k];
				if (l < r)
					continue;
				if (l == r) {
					const struct mt_candidate *a = &s->candidates[in->e[k]], *b = &s->candidates[in->e[bi]];
					if (in->c[k] != in->c[bi] ? in->c[k] > in->c[bi] :
					    in->t[k] != in->t[bi] ? in->t[k] < in->t[bi] :
					    in->s[k] != in->s[bi] ? in->s[k] < in->s[bi] :
					    strcmp(a->path, b->path) > 0)
						continue;
				}
			}
			bi = (int)k;
			bk = key;
		}
		if (bi < 0)
			return UINT64_MAX;
		used[bi] = true;
		cost += in->c[bi];
		ns -= in->s[bi] < ns ? in->s[bi] : ns;
		nt -= in->t[bi] < nt ? in->t[bi] : nt;
	}
	return cost;
}

static uint64_t cheapest_single(const struct inst *in)
{
	uint64_t best = UINT64_MAX;
	for (size_t k = 0; k < in->n; k++)
		if (in->s[k] >= in->ts && in->t[k] >= in->tt && in->c[k] < best)
			best = in->c[k];
	return best;
}

/* Checks every property but optimality; returns the decision's cost. */
static uint64_t check_common(const struct mt_snapshot *s, const struct mt_decision *d, const struct inst *in,
			     uint64_t seed)
{
	bool ok = true;
	if (d->target_swap == 0 && d->target_total == 0) {
		CHECK_INT(d->action, MT_ACTION_NONE);
		return 0;
	}
	CHECK_INT(d->action, in->n ? MT_ACTION_KILL : MT_ACTION_NONE);
	CHECK_INT(d->covered, in->coverable);
	for (size_t k = 0; k < d->n_chosen; k++) {
		const struct mt_candidate *c = &s->candidates[d->chosen[k]];
		ok &= !c->protected_ && mt_response_may_kill(c->response) && !c->kill_in_flight;
		ok &= !covers(s, in, d->chosen, d->n_chosen, k); /* minimal */
		ok &= d->explain[d->chosen[k]].reason == MT_REASON_KILL;
	}
	ok &= covers(s, in, d->chosen, d->n_chosen, SIZE_MAX);
	uint64_t cost = 0;
	for (size_t k = 0; k < d->n_chosen; k++)
		cost += s->candidates[d->chosen[k]].cost;
	ok &= cost == d->cost;
	if (!ok)
		fprintf(stderr, "seed %" PRIu64 ": a common property failed\n", seed);
	CHECK(ok);
	return cost;
}

static void small_instances(void)
{
	double worst = 1.0;
	size_t exact_runs = 0;
	for (uint64_t seed = 0; seed < INSTANCES; seed++) {
		struct mt_snapshot s;
		struct mt_decision d, h;
		struct inst in;
		make(&s, seed, 1 + seed % 16, seed % 5);
		CHECK_INT(mt_snapshot_compute(&s), 0);
		CHECK_INT(mt_select(&s, NULL, &d), 0);
		CHECK_INT(mt_select(&s, &(struct mt_select_opts){ .exact_max = 0 }, &h), 0);
		inst_from(&s, &d, &in);
		uint64_t c = check_common(&s, &d, &in, seed);
		uint64_t hc = check_common(&s, &h, &in, seed);
		if (d.action == MT_ACTION_KILL) {
			uint64_t opt = brute(&in);
			exact_runs++;
			CHECK_INT(d.method, MT_METHOD_EXACT);
			if (c != opt)
				fprintf(stderr, "seed %" PRIu64 ": cost %" PRIu64 ", optimum %" PRIu64 "\n", seed, c, opt);
			CHECK_U64(c, opt);
			CHECK(hc <= ref_greedy(&s, &in));
			CHECK(hc <= cheapest_single(&in));
			double ratio = (double)hc / (double)opt;
			if (ratio > worst)
				worst = ratio;
		}
		mt_decision_free(&d);
		mt_decision_free(&h);
		mt_snapshot_free(&s);
	}
	printf("%d small instances, %zu with a kill: heuristic/optimum worst ratio %.3f (bound %.1f)\n",
	       INSTANCES, exact_runs, worst, HEURISTIC_BOUND);
	CHECK(exact_runs > INSTANCES / 2);
	CHECK(worst <= HEURISTIC_BOUND);
}

static void large_instances(void)
{
	for (uint64_t seed = 0; seed < 100; seed++) {
		struct mt_snapshot s;
		struct mt_decision d, d2;
		size_t n = seed % 2 ? 300 : 100;
		make(&s, 100000 + seed, n, n / 10);
		CHECK_INT(mt_snapshot_compute(&s), 0);
		CHECK_INT(mt_select(&s, NULL, &d), 0);
		/* same candidates in reverse order: the same victims by path */
		for (size_t i = 0; i < s.n_candidates / 2; i++) {
			struct mt_candidate t = s.candidates[i];
			s.candidates[i] = s.candidates[s.n_candidates - 1 - i];
			s.candidates[s.n_candidates - 1 - i] = t;
		}
		CHECK_INT(mt_select(&s, NULL, &d2), 0);
		CHECK_INT(d.n_chosen, d2.n_chosen);
		CHECK_U64(d.cost, d2.cost);
		for (size_t k = 0; k < d.n_chosen && k < d2.n_chosen; k++)
			CHECK_INT(d.chosen[k], s.n_candidates - 1 - d2.chosen[d2.n_chosen - 1 - k]);

		/* guarantees of the heuristic, checked on d2 (current order) */
		uint64_t all_s = 0, all_t = 0, single = UINT64_MAX;
		for (size_t i = 0; i < s.n_candidates; i++) {
			const struct mt_candidate *c = &s.candidates[i];
			if (c->kill_inelig)
				continue;
			all_s += c->frees_swap < d2.target_swap ? c->frees_swap : d2.target_swap;
			uint64_t t = mt_decision_frees_total(c, &d2);
			all_t += t < d2.target_total ? t : d2.target_total;
		}
		struct inst in = { .n = 0, .d = &d2, .coverable = all_s >= d2.target_swap && all_t >= d2.target_total,
				   .ts = all_s < d2.target_swap ? all_s : d2.target_swap,
				   .tt = all_t < d2.target_total ? all_t : d2.target_total };
		for (size_t i = 0; i < s.n_candidates; i++) {
			const struct mt_candidate *c = &s.candidates[i];
			if (!c->kill_inelig && c->frees_swap >= in.ts && mt_decision_frees_total(c, &d2) >= in.tt &&
			    c->cost < single)
				single = c->cost;
		}
		in.n = d2.target_total || d2.target_swap ? 1 : 0;
		uint64_t cost = check_common(&s, &d2, &in, 100000 + seed);
		CHECK(cost <= single);
		mt_decision_free(&d);
		mt_decision_free(&d2);
		mt_snapshot_free(&s);
	}
}

/* The documented candidate rank on the reduced instance. */
static bool rank_less(const struct mt_snapshot *s, const struct inst *in, size_t a, size_t b)
{
	const struct mt_candidate *x = &s->candidates[in->e[a]], *y = &s->candidates[in->e[b]];
	uint64_t gx = x->growth_rate > 0 ? (uint64_t)x->growth_rate : 0, gy = y->growth_rate > 0 ? (uint64_t)y->growth_rate : 0;
	if (in->c[a] != in->c[b])
		return in->c[a] < in->c[b];
	if (gx != gy)
		return gx > gy;
	if (in->t[a] != in->t[b])
		return in->t[a] > in->t[b];
	if (in->s[a] != in->s[b])
		return in->s[a] > in->s[b];
	int r = strcmp(x->path, y->path);
	if (r)
		return r < 0;
	return in->e[a] < in->e[b];
}

static void sort_by_rank(const struct mt_snapshot *s, const struct inst *in, size_t *r, size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && rank_less(s, in, r[j], r[j - 1]); j--) {
			size_t t = r[j];
			r[j] = r[j - 1];
			r[j - 1] = t;
		}
}

/* Whether subset mask a beats mask b in the documented set order. */
static bool mask_better(const struct mt_snapshot *s, const struct inst *in, uint32_t a, uint32_t b)
{
	uint64_t ca = 0, cb = 0, ga = 0, gb = 0;
	size_t ra[16], rb[16], na = 0, nb = 0;
	for (size_t k = 0; k < in->n; k++) {
		int64_t g = s->candidates[in->e[k]].growth_rate;
		if (a >> k & 1) {
			ca += in->c[k];
			ga += g > 0 ? (uint64_t)g : 0;
			ra[na++] = k;
		}
		if (b >> k & 1) {
			cb += in->c[k];
			gb += g > 0 ? (uint64_t)g : 0;
			rb[nb++] = k;
		}
	}
	if (ca != cb)
		return ca < cb;
	if (ga != gb)
		return ga > gb;
	if (na != nb)
		return na < nb;
	sort_by_rank(s, in, ra, na);
	sort_by_rank(s, in, rb, nb);
	for (size_t i = 0; i < na; i++)
		if (ra[i] != rb[i])
			return rank_less(s, in, ra[i], rb[i]);
	return false;
}

#define TIE_INSTANCES 2000

static void tie_breaks_brute(void)
{
	size_t checked = 0;
	for (uint64_t seed = 0; seed < TIE_INSTANCES; seed++) {
		struct mt_snapshot s;
		struct mt_decision d;
		struct inst in;
		uint64_t x = 777000 + seed;
		memset(&s, 0, sizeof(s));
		fx_node(&s.node, (1 + rnd(&x, 8)) * 128 * MiB, rnd(&x, 2) ? rnd(&x, 4) * 128 * MiB : 0);
		size_t n = 4 + rnd(&x, 13);
		uint32_t prio = (uint32_t)rnd(&x, 3) * 100;
		for (size_t i = 0; i < n; i++) {
			char path[32];
			snprintf(path, sizeof(path), "pod/t%02zu", (i * 7) % 16);
			struct mt_candidate *c = fx_add(&s, path, rnd(&x, 4) ? prio : prio + 100,
							(1 + rnd(&x, 4)) * 128 * MiB, rnd(&x, 2) * rnd(&x, 3) * 128 * MiB);
			c->growth_rate = rnd(&x, 3) ? 0 : (int64_t)(1 + rnd(&x, 2)) * (int64_t)MiB;
		}
		CHECK_INT(mt_snapshot_compute(&s), 0);
		CHECK_INT(mt_select(&s, NULL, &d), 0);
		inst_from(&s, &d, &in);
		if (d.action == MT_ACTION_KILL) {
			uint32_t best = 0, got = 0;
			bool have = false;
			for (uint32_t m = 1; m < (1u << in.n); m++) {
				uint64_t sw = 0, tot = 0;
				for (size_t k = 0; k < in.n; k++)
					if (m >> k & 1) {
						sw += in.s[k];
						tot += in.t[k];
					}
				if (sw >= in.ts && tot >= in.tt && (!have || mask_better(&s, &in, m, best))) {
					best = m;
					have = true;
				}
			}
			for (size_t j = 0; j < d.n_chosen; j++)
				for (size_t k = 0; k < in.n; k++)
					if (in.e[k] == d.chosen[j])
						got |= 1u << k;
			if (got != best || d.method != MT_METHOD_EXACT)
				fprintf(stderr, "tie seed %" PRIu64 ": chose %#x (%s), best %#x\n", seed, got,
					mt_method_to_string(d.method), best);
			CHECK(got == best);
			CHECK_INT(d.method, MT_METHOD_EXACT);
			checked++;
		}
		mt_decision_free(&d);
		mt_snapshot_free(&s);
	}
	printf("%zu tie-heavy instances with a kill: proven, and the brute-force best in the set order\n", checked);
	CHECK(checked > TIE_INSTANCES / 2);
}

int test_select_properties(void)
{
	small_instances();
	large_instances();
	tie_breaks_brute();
	return mt_check_status();
}
