/* Growth in the choice (issue 16): the deficit projected over the kill's
 * completion (one decision for a growing deficit, sized for it and no
 * more), the rank of a candidate whose growth is not known, and the growth
 * guarantee in every path (exact, heuristic, a budget cut short), checked
 * against a brute force over every swap. */
#include <inttypes.h>
#include <stdio.h>

#include "check.h"
#include "select.h"
#include "select_fixture.h"
#include "usage_window.h"

static const struct mt_select_opts heuristic = { .exact_max = 0, .node_budget = 0 };
static const struct mt_select_opts tiny = { .exact_max = SIZE_MAX, .node_budget = 3 };

static bool chose(const struct mt_snapshot *s, const struct mt_decision *d, const char *path)
{
	for (size_t i = 0; i < d->n_chosen; i++)
		if (strcmp(s->candidates[d->chosen[i]].path, path) == 0)
			return true;
	return false;
}

/* test/bench/peers' `grow`: a valuable container (priority 900) grows at
 * `rate`; four cheap 40 MiB ones (priority 100) must make room; 2 MiB over
 * the reserve now. A cheap kill completes in 40 + 40 x 2.25 = 130 ms
 * (MT_KILL_*), within the horizon's 1 s floor, over which the valuable adds
 * rate x 1 s. */
static void grow_case(uint64_t rate_mib, size_t want, int h)
{
	struct mt_snapshot s = { 0 };
	struct mt_decision d;
	fx_node(&s.node, 2 * MiB, 0);
	struct mt_candidate *v = fx_add(&s, "work/valuable", 900, 128 * MiB, 0);
	v->growth_rate = (int64_t)(rate_mib * MiB);
	v->growth_known = true;
	const char *names[] = { "work/cheap1", "work/cheap2", "work/cheap3", "work/cheap4" };
	for (int k = 0; k < 4; k++)
		fx_add(&s, names[k], 100, 40 * MiB, 0)->growth_known = true;
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_INT(mt_select(&s, h == 1 ? &heuristic : h == 2 ? &tiny : NULL, &d), 0);
	if (d.n_chosen != want)
		fprintf(stderr, "grow at %" PRIu64 " MiB/s (opts %d): %zu chosen, want %zu\n", rate_mib, h, d.n_chosen,
			want);
	CHECK_INT(d.action, MT_ACTION_KILL);
	CHECK_INT(d.n_chosen, want);
	CHECK(!chose(&s, &d, "work/valuable"));
	CHECK_U64(d.projected_ms, MT_KILL_HORIZON_MIN_MS);
	CHECK_U64(d.growth_rate, rate_mib * MiB);
	CHECK_U64(d.growth_allowance, rate_mib * MiB * d.projected_ms / 1000);
	CHECK_U64(d.target_total, 2 * MiB + d.growth_allowance);
	/* no more than needed: one victim fewer would not cover */
	CHECK(d.freed_ram >= d.target_total);
	CHECK(d.freed_ram - 40 * MiB < d.target_total);
	CHECK(d.covered);
	mt_decision_free(&d);
	mt_snapshot_free(&s);
}

static void test_growing_deficit(void)
{
	for (int h = 0; h < 3; h++) {
		grow_case(0, 1, h);   /* not growing: the deficit of the instant */
		grow_case(20, 1, h);  /* 20 MiB more: one still covers */
		grow_case(50, 2, h);  /* 50 MiB more: two, in one decision */
		grow_case(100, 3, h); /* 100 MiB more: three */
		grow_case(150, 4, h); /* 150 MiB more: all four */
	}
}

/* The node's growth counts when no kill is in flight; with one in flight
 * only the candidates' own (the node's average still carries the victim's
 * growth); a victim's own growth over T counts as freed. */
static void test_projection_sources(void)
{
	struct mt_snapshot s = { 0 };
	struct mt_decision d;
	fx_node(&s.node, 5 * MiB, 0);
	s.node.growth_rate = 60 * (int64_t)MiB;
	struct mt_candidate *g = fx_add(&s, "work/grower", 100, 20 * MiB, 0);
	g->growth_rate = 50 * (int64_t)MiB;
	g->growth_known = true;
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_U64(d.projected_ms, MT_KILL_HORIZON_MIN_MS);
	CHECK_U64(d.growth_rate, 60 * MiB);
	CHECK_U64(d.growth_allowance, 60 * MiB);
	CHECK_U64(d.explain[0].stops, 50 * MiB);
	CHECK(20 * MiB + d.explain[0].stops > d.target_total);
	CHECK_U64(d.explain[0].useful_total, d.target_total); /* capped */
	CHECK(20 * MiB < d.target_total); /* its growth is what makes it cover */
	CHECK(mt_decision_set_covers(&s, &d, d.chosen, d.n_chosen));
	mt_decision_free(&d);

	/* a candidate never sampled may be the node's grower: the node's
	 * rate is not projected then, only the known growth */
	struct mt_candidate *u = fx_add(&s, "work/unsampled", 100, 100 * MiB, 0);
	(void)u;
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_U64(d.growth_rate, 50 * MiB);
	mt_decision_free(&d);
	s.candidates[1].growth_known = true; /* sampled, steady */
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_U64(d.growth_rate, 60 * MiB);
	mt_decision_free(&d);

	struct mt_candidate *k = fx_add(&s, "work/killed", 100, 8 * MiB, 0);
	k->growth_known = true;
	k->growth_rate = 400 * (int64_t)MiB; /* its rate before the kill */
	k->kill_in_flight = true;
	k->kill_started_ms = s.node.now_ms - 10;
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_U64(d.growth_rate, 50 * MiB); /* the grower alone */
	CHECK_U64(d.pending_ram, 8 * MiB);
	CHECK_U64(d.target_total, 5 * MiB + d.growth_allowance - 8 * MiB);
	mt_decision_free(&d);
	mt_snapshot_free(&s);
}

/* Equal cost, each covers alone: a known grower, then one never measured,
 * then a known steady one; in both candidate orders and every path. */
static void test_unknown_growth_rank(void)
{
	for (int order = 0; order < 2; order++)
		for (int h = 0; h < 3; h++)
			for (int with_grower = 0; with_grower < 2; with_grower++) {
				struct mt_snapshot s = { 0 };
				struct mt_decision d;
				fx_node(&s.node, 20 * MiB, 0);
				const char *names[] = { "a/steady", "b/unknown", "c/grower" };
				int n = with_grower ? 3 : 2;
				for (int k = 0; k < n; k++) {
					int i = order ? n - 1 - k : k;
					/* the steady one is larger: more toward the target */
					struct mt_candidate *c = fx_add(&s, names[i], 100, i == 0 ? 60 * MiB : 40 * MiB, 0);
					c->growth_known = i != 1;
					c->growth_rate = i == 2 ? (int64_t)MiB : 0;
				}
				CHECK_INT(mt_snapshot_compute(&s), 0);
				CHECK_INT(mt_select(&s, h == 1 ? &heuristic : h == 2 ? &tiny : NULL, &d), 0);
				CHECK_INT(d.n_chosen, 1);
				CHECK(chose(&s, &d, with_grower ? "c/grower" : "b/unknown"));
				mt_decision_free(&d);
				mt_snapshot_free(&s);
			}
}

static uint64_t rnd(uint64_t *x, uint64_t n)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return (z ^ (z >> 31)) % n;
}

/* The guarantee, whatever the path: no chosen victim can be swapped for an
 * eligible unchosen candidate of no higher cost that grows faster, with the
 * set still covering; so a bystander is never chosen where a no costlier
 * grower would do. Seeded, tie-heavy (few priorities, coarse sizes). */
static void test_growth_guarantee(void)
{
	size_t checked = 0;
	for (uint64_t seed = 0; seed < 1500; seed++) {
		uint64_t x = 4242 + seed;
		struct mt_snapshot s = { 0 };
		fx_node(&s.node, (1 + rnd(&x, 6)) * 64 * MiB, rnd(&x, 3) ? 0 : rnd(&x, 3) * 64 * MiB);
		size_t n = 3 + rnd(&x, 30);
		for (size_t i = 0; i < n; i++) {
			char path[32];
			snprintf(path, sizeof path, "pod/g%02zu", i);
			struct mt_candidate *c = fx_add(&s, path, (uint32_t)rnd(&x, 3) * 50, (1 + rnd(&x, 4)) * 64 * MiB,
							rnd(&x, 3) ? 0 : rnd(&x, 3) * 64 * MiB);
			c->growth_known = rnd(&x, 4) > 0;
			c->growth_rate = c->growth_known && rnd(&x, 3) == 0 ? (int64_t)(1 + rnd(&x, 3)) * (int64_t)MiB : 0;
		}
		CHECK_INT(mt_snapshot_compute(&s), 0);
		for (int h = 0; h < 3; h++) {
			struct mt_decision d;
			CHECK_INT(mt_select(&s, h == 1 ? &heuristic : h == 2 ? &tiny : NULL, &d), 0);
			bool in[64] = { false };
			for (size_t k = 0; k < d.n_chosen; k++)
				in[d.chosen[k]] = true;
			for (size_t k = 0; k < d.n_chosen && d.action == MT_ACTION_KILL; k++) {
				const struct mt_candidate *v = &s.candidates[d.chosen[k]];
				for (size_t u = 0; u < n; u++) {
					const struct mt_candidate *c = &s.candidates[u];
					if (in[u] || c->kill_inelig || c->cost > v->cost || c->growth_rate <= v->growth_rate)
						continue;
					size_t set[64];
					memcpy(set, d.chosen, d.n_chosen * sizeof(size_t));
					set[k] = u;
					if (mt_decision_set_covers(&s, &d, set, d.n_chosen)) {
						fprintf(stderr, "growth seed %" PRIu64 " opts %d: %s for %s would do\n", seed, h,
							c->path, v->path);
						mt_check_failures++;
					}
				}
			}
			checked += d.action == MT_ACTION_KILL;
			mt_decision_free(&d);
		}
		mt_snapshot_free(&s);
	}
	printf("%zu decisions: no victim can be swapped for a no costlier, faster grower\n", checked);
	CHECK(checked > 1000);
}

/* What the sampler would give after `t_ms` of 50 ms samples of a group
 * at `base` bytes rising `rate` B/s, with a steady group's churn under zram
 * pressure on top (560 KiB up over a second and back: the shape
 * test/bench/growth-noise.sh measured) when `churn`. */
static int64_t sampled_growth(uint64_t base, int64_t rate, bool churn, uint64_t t_ms, bool *known)
{
	struct mt_usage_window w;
	int64_t r = 0;
	mt_usage_window_reset(&w);
	for (uint64_t t = 0; t <= t_ms; t += 50) {
		uint64_t phase = t % 2000, lift = 0;
		if (churn)
			lift = 560 * 1024 * (phase <= 1000 ? phase : 2000 - phase) / 1000;
		mt_usage_window_add(&w, t * 1000, (uint64_t)((int64_t)(base + lift) + rate * (int64_t)t / 1000));
	}
	*known = mt_usage_window_growth(&w, &r);
	return r;
}

/* The sweep's zram boot (doc/comparison.md, "A non-grower held"): near the
 * bound by level (the node's growth 0: every grower is held), a leaker at
 * 10 MiB/s and a valuable container that allocates nothing while its pages
 * go to zram and come back. Only the leaker is a throttle target. */
static void test_steady_churn_not_held(void)
{
	struct mt_snapshot s = { 0 };
	struct mt_decision d;
	fx_node(&s.node, 0, 0);
	s.node.mem_available = s.node.ram_reserve + 1 * GiB; /* headroom 1 GiB <= the reserve */
	struct mt_candidate *c = fx_add(&s, "work/valuable", 500, 144 * MiB, 80 * MiB);
	/* 1 s in: the top of the churn's climb, 560 KiB/s over the window */
	c->growth_rate = sampled_growth(224 * MiB, 0, true, 1000, &c->growth_known);
	CHECK(c->growth_known);
	CHECK(c->growth_rate == 0);
	c = fx_add(&s, "work/leaky", 500, 200 * MiB, 20 * MiB);
	c->growth_rate = sampled_growth(220 * MiB, 10 * (int64_t)MiB, true, 1000, &c->growth_known);
	CHECK(c->growth_known && c->growth_rate >= 9 * (int64_t)MiB);
	c = fx_add(&s, "work/cheap1", 500, 32 * MiB, 0);
	c->growth_rate = sampled_growth(32 * MiB, 0, false, 1000, &c->growth_known);
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK(d.throttle_due);
	CHECK_INT(d.action, MT_ACTION_THROTTLE);
	CHECK_INT(d.n_chosen, 1);
	CHECK(chose(&s, &d, "work/leaky"));
	CHECK(!chose(&s, &d, "work/valuable"));
	CHECK(d.explain[0].inelig & MT_INELIG_NOT_GROWING);
	mt_decision_free(&d);
	mt_snapshot_free(&s);
}

int main(void)
{
	test_steady_churn_not_held();
	test_growing_deficit();
	test_projection_sources();
	test_unknown_growth_rank();
	test_growth_guarantee();
	return mt_check_status();
}
