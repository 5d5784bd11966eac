/* Random instance families for the covering search and their reference
 * answer from an exact integer-programming solver (GLPK's glpsol), shared by
 * test_select_ilp.c (the property test) and test/bench/bench_select.c.
 *
 * Families (issue 15): equal priorities, mixed priorities, swap-heavy (a
 * swap deficit and most candidates holding swap); each with a deficit that
 * one victim covers and one that needs 5..20; every instance mixes in
 * protected and observe-only groups, kills in flight (credited) and stuck
 * kills.
 *
 * The reference: glpsol on the 0-1 program min sum c x, sum (s/ts) x >= 1,
 * sum (t/tt) x >= 1 (each row divided by its right-hand side: with raw byte
 * coefficients GLPK 5.0 once reported a wrong INTEGER OPTIMAL), and its
 * solution re-checked in exact integers; where glpsol and the search
 * disagree, CBC is asked too (fam_cbc()). */
#pragma once

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "select.h"
#include "select_fixture.h"

struct fam {
	const char *name;
	bool equal;      /* one priority for every candidate */
	bool swap_heavy; /* a swap deficit; most candidates hold swap */
	bool many;       /* 5..20 victims needed, else one suffices */
	bool extreme;    /* priorities up to MT_PRIORITY_MAX (what a snapshot may
	                  * hold), frees from a few bytes to 2^46 */
};

static const struct fam fam_list[] = {
	{ "equal, one victim", true, false, false, false },
	{ "equal, many victims", true, false, true, false },
	{ "mixed, one victim", false, false, false, false },
	{ "mixed, many victims", false, false, true, false },
	{ "swap-heavy, one victim", false, true, false, false },
	{ "swap-heavy, many victims", false, true, true, false },
	{ "extreme figures", false, false, true, true },
};
#define FAM_COUNT (sizeof(fam_list) / sizeof(fam_list[0]))

static inline uint64_t fam_rng(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static inline uint64_t fam_rnd(uint64_t *x, uint64_t n)
{
	return n ? fam_rng(x) % n : 0;
}

/* A fraction in [lo, hi] of v, in thousandths. */
static inline uint64_t fam_frac(uint64_t *x, uint64_t v, unsigned lo, unsigned hi)
{
	return (uint64_t)((unsigned __int128)v * (lo + fam_rnd(x, hi - lo + 1)) / 1000);
}

/* n candidates; the snapshot is computed (mt_snapshot_compute() returned 0). */
static inline void fam_make(struct mt_snapshot *s, const struct fam *f, size_t n, uint64_t seed)
{
	static const uint32_t common[] = { 0, 10, 50, 100, 100, 500, 900 };
	static const uint32_t equal[] = { 0, 100, 500, 1000 };
	uint64_t x = seed * 1000003 + 17;
	uint64_t unit = fam_rnd(&x, 3) ? 1 : 64 * MiB; /* coarse units make ties */
	uint32_t eprio = equal[fam_rnd(&x, 4)];
	memset(s, 0, sizeof(*s));
	fx_node(&s->node, 0, 0);
	for (size_t i = 0; i < n; i++) {
		char path[64];
		snprintf(path, sizeof(path), "kubepods.slice/pod%05zu.slice", (i * 7919) % 100000);
		uint32_t prio = f->equal ? eprio
			: fam_rnd(&x, 2) ? common[fam_rnd(&x, sizeof(common) / sizeof(common[0]))]
					 : (uint32_t)fam_rnd(&x, 1001);
		uint64_t ram = (1 + fam_rnd(&x, 2 * GiB / unit)) * unit;
		uint64_t swap = 0;
		if (f->swap_heavy ? fam_rnd(&x, 5) > 0 : fam_rnd(&x, 3) == 0)
			swap = fam_rnd(&x, (f->swap_heavy ? 1536 : 512) * MiB / unit) * unit;
		if (f->extreme) {
			prio = fam_rnd(&x, 2) ? (uint32_t)fam_rnd(&x, MT_PRIORITY_MAX + 1) : (uint32_t)fam_rnd(&x, 3);
			ram = fam_rnd(&x, 4) ? fam_rnd(&x, UINT64_C(1) << 46) : 1 + fam_rnd(&x, 1000);
			swap = fam_rnd(&x, 2) ? fam_rnd(&x, UINT64_C(1) << 45) : 0;
		}
		struct mt_candidate *c = fx_add(s, path, prio, ram, swap);
		if (fam_rnd(&x, 5) == 0)
			c->growth_rate = (int64_t)fam_rnd(&x, 10 * MiB);
		switch (fam_rnd(&x, 16)) {
		case 0: c->protected_ = true; break;
		case 1: c->response = MT_RESPONSE_OBSERVE; break;
		case 2: c->kill_in_flight = true; c->kill_started_ms = s->node.now_ms - 1000; break;
		case 3: c->kill_in_flight = true; c->kill_started_ms = 0; break; /* stuck */
		default: break;
		}
	}
	/* Targets from the eligible candidates' frees: one victim = a fraction
	 * of the largest; many = a fraction of k random ones. Kills in flight
	 * are credited on top, so the deficit includes them. */
	uint64_t max_t = 0, max_s = 0, pend = 0, pend_s = 0, want_t = 0, want_s = 0;
	size_t k = 5 + fam_rnd(&x, 16);
	for (size_t i = 0; i < n; i++) {
		const struct mt_candidate *c = &s->candidates[i];
		uint64_t t = c->mem.anon + c->mem.swap_current, sw = c->mem.swap_current;
		if (c->kill_in_flight && c->kill_started_ms) {
			pend += t;
			pend_s += sw;
			continue;
		}
		if (c->kill_in_flight || c->protected_ || c->response == MT_RESPONSE_OBSERVE)
			continue;
		max_t = t > max_t ? t : max_t;
		max_s = sw > max_s ? sw : max_s;
		if (f->many && fam_rnd(&x, n) < 2 * k) {
			want_t += t;
			want_s += sw;
		}
	}
	uint64_t tt = f->many ? fam_frac(&x, want_t, 500, 1000) : fam_frac(&x, max_t, 300, 950);
	uint64_t ts = 0;
	if (f->swap_heavy)
		ts = f->many ? fam_frac(&x, want_s, 300, 1000) : fam_frac(&x, max_s, 200, 900);
	else if (fam_rnd(&x, 3) == 0)
		ts = fam_frac(&x, f->many ? want_s : max_s, 50, 500);
	ts = ts < tt ? ts : tt;
	struct mt_node *nd = &s->node;
	nd->mem_total = f->extreme ? UINT64_C(1) << 52 : 4096 * GiB;
	nd->swap_total = f->extreme ? UINT64_C(1) << 51 : 1024 * GiB;
	nd->swap_reserve = ts + pend_s + GiB;
	nd->swap_free = GiB;                          /* short by ts + pending swap */
	nd->ram_reserve = tt - ts + pend - pend_s + GiB;
	nd->mem_available = GiB;                      /* over by the rest */
	if (mt_snapshot_compute(s) < 0)
		abort();
}

/* The reduced instance the search sees: eligible candidates, contributions
 * capped, targets at most what all of them reach. */
struct fam_inst {
	size_t n, *idx;
	uint64_t *s, *t, *c;
	uint64_t ts, tt;
	const struct mt_decision *d; /* its projection (mt_decision_frees_total) */
};

static inline void fam_inst_from(const struct mt_snapshot *s, const struct mt_decision *d, struct fam_inst *in)
{
	uint64_t all_s = 0, all_t = 0;
	size_t n = s->n_candidates;
	in->idx = calloc(n + 1, sizeof(size_t));
	in->s = calloc(n + 1, sizeof(uint64_t));
	in->t = calloc(n + 1, sizeof(uint64_t));
	in->c = calloc(n + 1, sizeof(uint64_t));
	if (!in->idx || !in->s || !in->t || !in->c)
		abort();
	in->n = 0;
	in->d = d;
	for (size_t i = 0; i < n; i++) {
		const struct mt_candidate *c = &s->candidates[i];
		uint64_t sw = c->frees_swap < d->target_swap ? c->frees_swap : d->target_swap;
		uint64_t t = mt_decision_frees_total(c, d);
		t = t < d->target_total ? t : d->target_total;
		if (c->kill_inelig || (sw == 0 && t == 0))
			continue;
		in->idx[in->n] = i;
		in->s[in->n] = sw;
		in->t[in->n] = t;
		in->c[in->n] = c->cost;
		all_s += sw;
		all_t += t;
		in->n++;
	}
	in->ts = all_s < d->target_swap ? all_s : d->target_swap;
	in->tt = all_t < d->target_total ? all_t : d->target_total;
}

static inline void fam_inst_free(struct fam_inst *in)
{
	free(in->idx);
	free(in->s);
	free(in->t);
	free(in->c);
}

/* Whether the candidates set[0..n) except set[skip] cover the reduced
 * targets, in exact integers. */
static inline bool fam_covers(const struct mt_snapshot *s, const struct fam_inst *in, const size_t *set, size_t n,
			      size_t skip)
{
	uint64_t sw = 0, tot = 0;
	for (size_t k = 0; k < n; k++)
		if (k != skip) {
			const struct mt_candidate *c = &s->candidates[set[k]];
			sw += c->frees_swap;
			tot += mt_decision_frees_total(c, in->d);
		}
	return sw >= in->ts && tot >= in->tt;
}

/* Runs glpsol on the instance (files under dir; one term a line: CBC
 * 2.10's LP reader rejected a 2,046-character row, "Unable to read row
 * monomial"). Returns 0 and the optimum cost in *ret_cost and its set
 * (snapshot indexes) in ret_set/ret_n, or -1 with a message when glpsol
 * fails or reports anything but an integer optimum. */
static inline int fam_ilp(const struct fam_inst *in, const char *dir, uint64_t *ret_cost, size_t *ret_set,
			  size_t *ret_n)
{
	char lp[512], sol[512], log[512], cmd[2048];
	snprintf(lp, sizeof(lp), "%s/inst.lp", dir);
	snprintf(sol, sizeof(sol), "%s/inst.sol", dir);
	snprintf(log, sizeof(log), "%s/glpsol.log", dir);
	FILE *f = fopen(lp, "w");
	if (!f)
		return -1;
	fprintf(f, "Minimize\n obj:");
	for (size_t k = 0; k < in->n; k++)
		fprintf(f, "\n + %" PRIu64 " x%zu", in->c[k], k);
	fprintf(f, "\nSubject To\n");
	if (in->ts > 0) {
		fprintf(f, " swap:");
		for (size_t k = 0; k < in->n; k++)
			if (in->s[k])
				fprintf(f, "\n + %.17g x%zu", (double)in->s[k] / (double)in->ts, k);
		fprintf(f, " >= 1\n");
	}
	if (in->tt > 0) {
		fprintf(f, " total:");
		for (size_t k = 0; k < in->n; k++)
			if (in->t[k])
				fprintf(f, "\n + %.17g x%zu", (double)in->t[k] / (double)in->tt, k);
		fprintf(f, " >= 1\n");
	}
	fprintf(f, "Binary\n");
	for (size_t k = 0; k < in->n; k++)
		fprintf(f, " x%zu\n", k);
	fprintf(f, "End\n");
	if (fclose(f) != 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "glpsol --lp '%s' -w '%s' >'%s' 2>&1", lp, sol, log);
	if (system(cmd) != 0) {
		fprintf(stderr, "glpsol failed, see %s\n", log);
		return -1;
	}
	f = fopen(sol, "r");
	if (!f)
		return -1;
	char line[256], st = 0;
	double obj = -1;
	*ret_n = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned rows, cols;
		size_t j;
		double v;
		if (sscanf(line, "s mip %u %u %c %lf", &rows, &cols, &st, &obj) == 4)
			continue;
		if (sscanf(line, "j %zu %lf", &j, &v) == 2 && j >= 1 && j <= in->n && v > 0.5)
			ret_set[(*ret_n)++] = in->idx[j - 1];
	}
	fclose(f);
	if (st != 'o') {
		fprintf(stderr, "glpsol: status '%c', not integer optimal (%s)\n", st ? st : '?', sol);
		return -1;
	}
	*ret_cost = (uint64_t)(obj + 0.5);
	return 0;
}

/* The second reference, CBC (coinor-cbc), on the program fam_ilp() wrote
 * under dir; asked only when glpsol and the search disagree (GLPK 5.0 gets
 * the root LP of some "extreme figures" instances wrong: 21.6 where its own
 * exact simplex finds 5.77, then INTEGER OPTIMAL 22 where a set of cost 7
 * covers). Same contract as fam_ilp(). */
static inline int fam_cbc(const struct fam_inst *in, const char *dir, uint64_t *ret_cost, size_t *ret_set,
			  size_t *ret_n)
{
	char cmd[2048], sol[512], line[256];
	snprintf(sol, sizeof(sol), "%s/cbc.sol", dir);
	snprintf(cmd, sizeof(cmd), "cbc '%s/inst.lp' solve solu '%s' >'%s/cbc.log' 2>&1", dir, sol, dir);
	if (system("command -v cbc >/dev/null 2>&1") != 0 || system(cmd) != 0)
		return -1;
	FILE *f = fopen(sol, "r");
	if (!f)
		return -1;
	double obj = -1;
	*ret_n = 0;
	if (!fgets(line, sizeof(line), f) || sscanf(line, "Optimal - objective value %lf", &obj) != 1) {
		fclose(f);
		fprintf(stderr, "cbc: not optimal (%s)\n", sol);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		size_t i, j;
		double v;
		if (sscanf(line, "%zu x%zu %lf", &i, &j, &v) == 3 && j < in->n && v > 0.5)
			ret_set[(*ret_n)++] = in->idx[j];
	}
	fclose(f);
	*ret_cost = (uint64_t)(obj + 0.5);
	return 0;
}

/* One instance against the reference; want_optimal: say when it is not. */
struct fam_check {
	bool ok;          /* covers, minimal, only eligible, cost matches its set */
	bool optimal;     /* cost == the ILP's exact-checked optimum */
	bool ilp_ok;      /* the reference answered and its set covers in integers */
	bool glpk_wrong;  /* glpsol's optimum was not one: cbc's was (checked) */
	uint64_t cost, opt;
};

static inline struct fam_check fam_check(const struct mt_snapshot *s, const struct mt_decision *d, const char *dir,
					 uint64_t seed, const char *family, size_t n, bool want_optimal)
{
	struct fam_check r = { .ok = true };
	struct fam_inst in;
	fam_inst_from(s, d, &in);
	size_t *set = calloc(s->n_candidates + 1, sizeof(size_t)), ns = 0;
	if (!set)
		abort();
	uint64_t cost = 0;
	for (size_t k = 0; k < d->n_chosen; k++) {
		const struct mt_candidate *c = &s->candidates[d->chosen[k]];
		r.ok &= c->kill_inelig == 0;
		r.ok &= !fam_covers(s, &in, d->chosen, d->n_chosen, k);
		cost += c->cost;
	}
	r.ok &= fam_covers(s, &in, d->chosen, d->n_chosen, SIZE_MAX);
	r.ok &= cost == d->cost && d->cost_bound <= d->cost;
	r.ok &= (d->method == MT_METHOD_EXACT) == (d->cost_bound == d->cost) || d->method != MT_METHOD_EXACT;
	r.cost = d->cost;
	if (in.n == 0 || (in.ts == 0 && in.tt == 0)) {
		r.ilp_ok = r.optimal = d->n_chosen == 0;
		goto out;
	}
	if (fam_ilp(&in, dir, &r.opt, set, &ns) < 0)
		goto out;
	uint64_t icost = 0;
	for (size_t k = 0; k < ns; k++)
		icost += s->candidates[set[k]].cost;
	r.ilp_ok = icost == r.opt && fam_covers(s, &in, set, ns, SIZE_MAX);
	r.optimal = r.ilp_ok && r.opt == d->cost;
	uint64_t copt;
	if (!r.optimal && fam_cbc(&in, dir, &copt, set, &ns) == 0) {
		uint64_t ccost = 0;
		for (size_t k = 0; k < ns; k++)
			ccost += s->candidates[set[k]].cost;
		if (ccost == copt && fam_covers(s, &in, set, ns, SIZE_MAX)) {
			if (want_optimal)
				fprintf(stderr, "%s n=%zu seed %" PRIu64 ": glpsol reported %" PRIu64 ", cbc %" PRIu64
					" (its set checked in integers), the search %" PRIu64 "\n", family, n, seed,
					r.opt, copt, d->cost);
			r.glpk_wrong = r.opt != copt || !r.ilp_ok;
			r.opt = copt;
			r.ilp_ok = true;
			r.optimal = copt == d->cost;
		}
	}
	if (!r.ilp_ok)
		fprintf(stderr, "%s n=%zu seed %" PRIu64 ": glpsol's set (cost %" PRIu64 ", reported %" PRIu64
			") does not cover in exact integers\n", family, n, seed, icost, r.opt);
	else if (!r.optimal && want_optimal)
		fprintf(stderr, "%s n=%zu seed %" PRIu64 ": cost %" PRIu64 " (%s), ILP optimum %" PRIu64 "\n", family,
			n, seed, d->cost, mt_method_to_string(d->method), r.opt);
out:
	if (!r.ok)
		fprintf(stderr, "%s n=%zu seed %" PRIu64 ": a set property failed\n", family, n, seed);
	free(set);
	fam_inst_free(&in);
	return r;
}
