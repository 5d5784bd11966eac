/* Victim selection: hand-made cases from the field, then properties checked
 * on seeded random instances against brute force. */
#include <errno.h>

#include "check.h"
#include "select.h"
#include "select_fixture.h"

static size_t find(const struct mt_snapshot *s, const char *path)
{
	for (size_t i = 0; i < s->n_candidates; i++)
		if (strcmp(s->candidates[i].path, path) == 0)
			return i;
	abort();
}

static enum mt_reason reason(const struct mt_snapshot *s, const struct mt_decision *d, const char *path)
{
	return d->explain[find(s, path)].reason;
}

static void chosen_are(const struct mt_snapshot *s, const struct mt_decision *d, const char *const *paths, size_t n)
{
	CHECK_INT(d->n_chosen, n);
	for (size_t i = 0; i < n && i < d->n_chosen; i++)
		CHECK_STR(s->candidates[d->chosen[i]].path, paths[i]);
}

/* A large high-priority database next to small low-priority workers: the
 * workers go, and only as many as the deficit needs. */
static void test_database_and_workers(void)
{
	struct mt_snapshot s = { 0 };
	struct mt_decision d;
	fx_node(&s.node, 512 * MiB, 0);
	s.node.swap_total = s.node.swap_free = s.node.swap_reserve = 0; /* no swap */
	fx_add(&s, "kubepods/db", 900, 40 * GiB, 0);
	fx_add(&s, "kubepods/w1", 100, 200 * MiB, 0);
	fx_add(&s, "kubepods/w2", 100, 200 * MiB, 0);
	fx_add(&s, "kubepods/w3", 100, 200 * MiB, 0);
	fx_add(&s, "kubepods/w4", 100, 200 * MiB, 0);
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_U64(s.node.ram_deficit, 512 * MiB);
	CHECK_U64(s.node.swap_deficit, 0);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_INT(d.action, MT_ACTION_KILL);
	CHECK_INT(d.method, MT_METHOD_EXACT);
	CHECK(d.covered);
	chosen_are(&s, &d, (const char *[]){ "kubepods/w1", "kubepods/w2", "kubepods/w3" }, 3);
	CHECK_U64(d.cost, 303);
	CHECK_U64(d.freed_ram, 600 * MiB);
	CHECK_INT(reason(&s, &d, "kubepods/db"), MT_REASON_COSTLIER);
	/* three equal workers at lower rank dominate it and at most three
	 * victims fit in the heuristic's cost of 303: set aside */
	CHECK_INT(reason(&s, &d, "kubepods/w4"), MT_REASON_DOMINATED);
	mt_decision_free(&d);
	mt_snapshot_free(&s);
}

/* RAM over its reserve beyond the room left in swap; swap itself fine. */
static void test_ram_only(void)
{
	struct mt_snapshot s = { 0 };
	struct mt_decision d;
	fx_node(&s.node, 256 * MiB, 0);
	s.node.swap_free = s.node.swap_reserve + 100 * MiB; /* 100 MiB of swap room */
	fx_add(&s, "a", 10, 100 * MiB, 0);
	fx_add(&s, "b", 30, 200 * MiB, 0);
	fx_add(&s, "c", 10, 60 * MiB, 0);
	struct mt_candidate *p = fx_add(&s, "p", 0, 8 * GiB, 0);
	p->protected_ = true;
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_U64(s.node.ram_deficit, 156 * MiB);
	CHECK_U64(s.node.swap_deficit, 0);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_U64(d.target_swap, 0);
	CHECK_U64(d.target_total, 156 * MiB);
	chosen_are(&s, &d, (const char *[]){ "a", "c" }, 2);
	CHECK_U64(d.cost, 22);
	CHECK(d.covered);
	CHECK_INT(reason(&s, &d, "p"), MT_REASON_INELIGIBLE);
	CHECK_INT(d.explain[find(&s, "p")].inelig, MT_INELIG_PROTECTED);
	mt_decision_free(&d);
	mt_snapshot_free(&s);
}

/* Swap short of its reserve with RAM fine: RAM-only groups cannot cover. */
static void test_swap_only(void)
{
	struct mt_snapshot s = { 0 };
	struct mt_decision d;
	fx_node(&s.node, 0, 400 * MiB);
	s.node.mem_available = s.node.ram_reserve + 1 * GiB;
	fx_add(&s, "x", 10, 8 * GiB, 0);
	fx_add(&s, "y", 200, 100 * MiB, 450 * MiB);
	fx_add(&s, "z", 50, 0, 250 * MiB);
	fx_add(&s, "w", 60, 0, 200 * MiB);
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_U64(s.node.ram_deficit, 0);
	CHECK_U64(s.node.swap_deficit, 400 * MiB);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	chosen_are(&s, &d, (const char *[]){ "z", "w" }, 2);
	CHECK_U64(d.cost, 112);
	CHECK_U64(d.freed_swap, 450 * MiB);
	CHECK_U64(d.explain[find(&s, "x")].useful_swap, 0);
	CHECK_INT(reason(&s, &d, "x"), MT_REASON_COSTLIER);
	mt_decision_free(&d);
	mt_snapshot_free(&s);
}

/* Both short: the candidate that balances both wins over the largest in
 * either, each of which covers only one. */
static void test_both_balanced(void)
{
	struct mt_snapshot s = { 0 };
	struct mt_decision d;
	fx_node(&s.node, 1 * GiB, 1 * GiB);
	fx_add(&s, "big-ram", 100, 3 * GiB, 200 * MiB);
	fx_add(&s, "big-swap", 100, 100 * MiB, 1536 * MiB);
	fx_add(&s, "balanced", 100, 1229 * MiB, 1126 * MiB);
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_U64(s.node.ram_deficit, 1 * GiB);
	CHECK_U64(s.node.swap_deficit, 1 * GiB);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_U64(d.target_swap, 1 * GiB);
	CHECK_U64(d.target_total, 2 * GiB);
	chosen_are(&s, &d, (const char *[]){ "balanced" }, 1);
	CHECK_U64(d.cost, 101);
	/* the heuristic finds it too */
	struct mt_decision h;
	CHECK_INT(mt_select(&s, &(struct mt_select_opts){ .exact_max = 0 }, &h), 0);
	CHECK_INT(h.method, MT_METHOD_HEURISTIC);
	chosen_are(&s, &h, (const char *[]){ "balanced" }, 1);
	mt_decision_free(&h);
	mt_decision_free(&d);
	mt_snapshot_free(&s);
}

/* Nothing covers: say so, and take what frees the most at the lowest cost. */
static void test_nothing_coverable(void)
{
	struct mt_snapshot s = { 0 };
	struct mt_decision d;
	fx_node(&s.node, 2 * GiB, 1 * GiB);
	fx_add(&s, "a", 10, 600 * MiB, 0);
	fx_add(&s, "b", 20, 400 * MiB, 0);
	fx_add(&s, "empty", 0, 0, 0);
	fx_add(&s, "observed", 0, 4 * GiB, 4 * GiB)->response = MT_RESPONSE_OBSERVE;
	fx_add(&s, "p", 0, 5 * GiB, 5 * GiB)->protected_ = true;
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_INT(d.action, MT_ACTION_KILL);
	CHECK(!d.covered);
	chosen_are(&s, &d, (const char *[]){ "a", "b" }, 2);
	CHECK_U64(d.freed_ram, 1000 * MiB);
	CHECK_INT(d.explain[find(&s, "empty")].inelig, MT_INELIG_NOTHING_TO_FREE);
	CHECK_INT(d.explain[find(&s, "observed")].inelig, MT_INELIG_RESPONSE);
	CHECK_INT(d.explain[find(&s, "p")].inelig, MT_INELIG_PROTECTED);
	mt_decision_free(&d);
	mt_snapshot_free(&s);
}

/* A kill in flight within its grace is credited; past it, it is stuck. */
static void test_kill_in_flight(void)
{
	struct mt_snapshot s = { 0 };
	struct mt_decision d;
	fx_node(&s.node, 300 * MiB, 0);
	s.node.swap_free = s.node.swap_reserve;
	struct mt_candidate *k = fx_add(&s, "dying", 10, 400 * MiB, 0);
	k->kill_in_flight = true;
	k->kill_started_ms = s.node.now_ms - 2000;
	fx_add(&s, "other", 10, 400 * MiB, 0);
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_INT(d.action, MT_ACTION_NONE);
	CHECK_U64(d.pending_ram, 400 * MiB);
	CHECK_U64(d.target_total, 0);
	CHECK_INT(reason(&s, &d, "other"), MT_REASON_NOT_NEEDED);
	CHECK_INT(d.explain[find(&s, "dying")].inelig, MT_INELIG_KILL_PENDING);
	mt_decision_free(&d);

	s.candidates[find(&s, "dying")].kill_started_ms = s.node.now_ms - 20000;
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_INT(d.action, MT_ACTION_KILL);
	CHECK_U64(d.pending_ram, 0);
	chosen_are(&s, &d, (const char *[]){ "other" }, 1);
	CHECK_INT(d.explain[find(&s, "dying")].inelig, MT_INELIG_KILL_STUCK);
	mt_decision_free(&d);
	mt_snapshot_free(&s);
}

/* Near the bound without a deficit: hold the lowest-priority growers until
 * their growth matches the node's, at values from their policy. */
static void test_throttle(void)
{
	struct mt_snapshot s = { 0 };
	struct mt_decision d;
	fx_node(&s.node, 0, 0);
	s.node.mem_available = s.node.ram_reserve + 1 * GiB;  /* headroom 1 GiB <= 4 GiB reserve */
	s.node.growth_rate = 6 * MiB;
	struct mt_candidate *c;
	c = fx_add(&s, "g-low", 10, 500 * MiB, 0);
	c->growth_rate = 5 * MiB;
	c->throttle_floor = 100 * MiB;
	c = fx_add(&s, "g-low-held", 10, 900 * MiB, 0);
	c->growth_rate = 2 * MiB;
	c->mem.high = 800 * MiB;
	c->throttle_step = 64 * MiB;
	c->throttle_floor = 100 * MiB;
	c = fx_add(&s, "g-high", 500, 1 * GiB, 0);
	c->growth_rate = 50 * MiB;
	c = fx_add(&s, "g-killonly", 0, 1 * GiB, 0);
	c->growth_rate = 50 * MiB;
	c->response = MT_RESPONSE_KILL;
	fx_add(&s, "idle", 0, 1 * GiB, 0);
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_U64(s.node.headroom, 1 * GiB);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK(d.throttle_due);
	CHECK(!s.node.swap_has_room);
	CHECK_INT(d.action, MT_ACTION_THROTTLE);
	/* no swap room: a held grower is not tightened (it would only stall),
	 * so g-low-held is already held and g-high makes up the growth */
	chosen_are(&s, &d, (const char *[]){ "g-low", "g-high" }, 2);
	CHECK_U64(d.explain[find(&s, "g-low")].throttle_to, 500 * MiB);
	CHECK_U64(d.explain[find(&s, "g-low-held")].throttle_to, 800 * MiB);
	CHECK_INT(d.explain[find(&s, "g-low-held")].inelig, MT_INELIG_ALREADY_HELD);
	CHECK_U64(d.explain[find(&s, "g-high")].throttle_to, 1 * GiB);
	CHECK_INT(d.explain[find(&s, "g-killonly")].inelig, MT_INELIG_RESPONSE);
	CHECK_INT(d.explain[find(&s, "idle")].inelig, MT_INELIG_NOT_GROWING);
	mt_decision_free(&d);

	/* RAM near its reserve and 1 GiB of swap room: tightened by its step,
	 * which moves 64 MiB more of it into swap */
	s.node.swap_free = s.node.swap_reserve + 1 * GiB;
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK(s.node.swap_has_room && s.node.ram_near_reserve);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK(d.throttle_due);
	chosen_are(&s, &d, (const char *[]){ "g-low", "g-low-held" }, 2);
	CHECK_U64(d.explain[find(&s, "g-low")].throttle_to, 500 * MiB);
	CHECK_U64(d.explain[find(&s, "g-low-held")].throttle_to, 736 * MiB);
	CHECK_INT(reason(&s, &d, "g-high"), MT_REASON_NOT_NEEDED);
	mt_decision_free(&d);

	/* the bound far (all 16 GiB of swap free) but RAM near its reserve:
	 * throttle due, the growers held into swap */
	s.node.swap_free = s.node.swap_total;
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK(s.node.headroom > s.node.reserve);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK(d.throttle_due);
	chosen_are(&s, &d, (const char *[]){ "g-low", "g-low-held" }, 2);
	mt_decision_free(&d);
	s.node.swap_free = s.node.swap_reserve;

	/* the RAM side's edge: MemAvailable 2 x ram_reserve is near, a byte more is not */
	uint64_t avail = s.node.mem_available;
	s.node.swap_free = s.node.swap_total; /* the bound far: RAM alone decides */
	s.node.mem_available = 2 * s.node.ram_reserve;
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK(mt_select_throttle_due(&s.node));
	s.node.mem_available++;
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK(s.node.headroom > s.node.reserve);
	CHECK(!mt_select_throttle_due(&s.node));
	s.node.mem_available = avail;
	s.node.swap_free = s.node.swap_reserve;

	/* far from the bound: nothing */
	s.node.mem_available = s.node.ram_reserve + 20 * GiB;
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK(!d.throttle_due);
	CHECK_INT(d.action, MT_ACTION_NONE);
	CHECK_INT(reason(&s, &d, "g-low"), MT_REASON_NO_PRESSURE);
	mt_decision_free(&d);
	/* ... even with exhaustion projected soon: growth alone is no reason
	 * to stall anyone (issue 16) */
	s.node.eta_ms = 20000;
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_INT(d.action, MT_ACTION_NONE);
	mt_decision_free(&d);
	mt_snapshot_free(&s);
}

/* Node model and frees formula on exact figures. */
static void test_model(void)
{
	struct mt_node n = { .mem_total = 16 * GiB, .mem_available = 1 * GiB, .ram_reserve = 2 * GiB,
			     .swap_total = 4 * GiB, .swap_free = 1536 * MiB, .swap_reserve = 1 * GiB };
	CHECK_INT(mt_node_compute(&n), 0);
	CHECK_U64(n.commit, 15 * GiB + 2560 * MiB);
	CHECK_U64(n.bound, 17 * GiB);
	CHECK_U64(n.headroom, 0);
	CHECK_U64(n.swap_deficit, 0);
	CHECK_U64(n.ram_deficit, 512 * MiB); /* 1 GiB over, 512 MiB of swap room */
	n.mem_available = n.mem_total + 1;
	CHECK_INT(mt_node_compute(&n), -EINVAL);

	struct mt_candidate c = { .mem = {
		.anon = 100 * MiB, .shmem = 10 * MiB, .file = 500 * MiB, .file_dirty = 50 * MiB,
		.kernel = 30 * MiB, .slab_reclaimable = 8 * MiB, .slab_unreclaimable = 4 * MiB,
		.kernel_stack = 1 * MiB, .pagetables = 2 * MiB, .percpu = 1 * MiB, .sock = 3 * MiB,
		.unevictable = 130 * MiB, .swap_current = 70 * MiB } };
	uint64_t ram, swap;
	mt_candidate_frees(&c, &ram, &swap);
	/* 100 anon + 10 shmem + 3 sock + (30 - 8) kernel + (130 - 110) mlocked file */
	CHECK_U64(ram, 155 * MiB);
	CHECK_U64(swap, 70 * MiB);
	c.shmem_survives = true;
	c.mem.kernel = 0; /* before 5.18: stack + pagetables + percpu + slab_unreclaimable */
	mt_candidate_frees(&c, &ram, &swap);
	CHECK_U64(ram, 100 * MiB + 3 * MiB + 8 * MiB + 20 * MiB);
	c.priority = 499;
	CHECK_U64(mt_candidate_cost(&c), 500);
}

/* The daemon-priority scenario: three small containers of one policy (equal
 * cost), two steady at 60 MiB, one leaking at 40 MiB/s and at 30 MiB so
 * far; 25 MiB to free now, 110 MiB over the projection's horizon (1 s: the
 * large container grows at 45 MiB/s meanwhile). {small1, small2}, {small1,
 * small3} and {small2, small3} all cost 202: the set with the grower wins
 * (before the tie-break on growth the two larger, steady ones went). A
 * faster grower at a higher priority is still not taken: cost comes first.
 * Exact and heuristic agree, and the choice does not depend on the
 * candidates' order. */
static void test_tie_prefers_growers(void)
{
	static const struct mt_select_opts heuristic = { .exact_max = 0, .node_budget = 0 };
	for (int order = 0; order < 2; order++)
		for (int h = 0; h < 2; h++) {
			struct mt_snapshot s = { 0 };
			struct mt_decision d;
			fx_node(&s.node, 25 * MiB, 0);
			s.node.swap_total = s.node.swap_free = s.node.swap_reserve = 0;
			const char *names[] = { "work/small1", "work/small2", "work/small3" };
			for (int k = 0; k < 3; k++) {
				int i = order ? 2 - k : k;
				struct mt_candidate *c = fx_add(&s, names[i], 100, i == 2 ? 30 * MiB : 60 * MiB, 0);
				c->growth_rate = i == 2 ? 40 * (int64_t)MiB : 0;
			}
			struct mt_candidate *big = fx_add(&s, "work/large", 900, 200 * MiB, 0);
			big->growth_rate = 45 * (int64_t)MiB;
			CHECK_INT(mt_snapshot_compute(&s), 0);
			CHECK_INT(mt_select(&s, h ? &heuristic : NULL, &d), 0);
			CHECK_INT(d.action, MT_ACTION_KILL);
			CHECK_INT(d.method, h ? MT_METHOD_HEURISTIC : MT_METHOD_EXACT);
			CHECK_U64(d.cost, 202);
			CHECK_INT(d.n_chosen, 2);
			bool has1 = false, has3 = false;
			for (size_t i = 0; i < d.n_chosen; i++) {
				has1 |= strcmp(s.candidates[d.chosen[i]].path, "work/small1") == 0;
				has3 |= strcmp(s.candidates[d.chosen[i]].path, "work/small3") == 0;
			}
			CHECK(has1 && has3); /* small1 before small2: by path */
			CHECK_U64(d.freed_ram, 90 * MiB);
			CHECK_U64(d.projected_ms, MT_KILL_HORIZON_MIN_MS);
			CHECK_U64(d.target_total, 25 * MiB + 85 * MiB);
			mt_decision_free(&d);
			mt_snapshot_free(&s);
		}
}

int test_select_properties(void);

/* Swap as room paid for by the grower (issue 16): RAM short of its reserve
 * while swap has room is no deficit -- the grower is held (throttle), not
 * killed; it is killed once the room is gone (swap at its reserve), and
 * only then. */
static void test_swap_room_before_kill(void)
{
	struct mt_snapshot s = { 0 };
	struct mt_decision d;
	fx_node(&s.node, 1 * GiB, 0);                    /* RAM 1 GiB short of its reserve */
	s.node.swap_free = s.node.swap_reserve + 3 * GiB; /* 3 GiB of swap room */
	s.node.growth_rate = 100 * MiB;
	struct mt_candidate *c = fx_add(&s, "leak", 100, 2 * GiB, 1 * GiB);
	c->growth_rate = 100 * MiB;
	c->growth_known = true;
	c->response = MT_RESPONSE_THROTTLE_THEN_KILL;
	c->throttle_step = 64 * MiB;
	fx_add(&s, "bystander", 100, 1 * GiB, 0);
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_U64(s.node.ram_deficit, 0);
	CHECK(s.node.swap_has_room && s.node.ram_near_reserve);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_INT(d.action, MT_ACTION_THROTTLE);
	chosen_are(&s, &d, (const char *[]){ "leak" }, 1);
	CHECK_U64(d.explain[find(&s, "leak")].throttle_to, 2 * GiB); /* held at its usage */
	mt_decision_free(&d);

	/* held and still growing: tightened by its step, into swap */
	s.candidates[find(&s, "leak")].mem.high = 2 * GiB;
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_INT(d.action, MT_ACTION_THROTTLE);
	CHECK_U64(d.explain[find(&s, "leak")].throttle_to, 2 * GiB - 64 * MiB);
	mt_decision_free(&d);

	/* reclaim overshot the hold (usage 8 MiB under it): still held there,
	 * tightened from its level, never re-held at the usage */
	s.candidates[find(&s, "leak")].mem.current = 2 * GiB - 8 * MiB;
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_U64(d.explain[find(&s, "leak")].throttle_to, 2 * GiB - 64 * MiB);
	mt_decision_free(&d);
	s.node.swap_free = s.node.swap_reserve + 1 * GiB; /* no room beyond the shortfall: stays */
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_U64(d.explain[find(&s, "leak")].throttle_to, 2 * GiB);
	CHECK_INT(d.explain[find(&s, "leak")].inelig, MT_INELIG_ALREADY_HELD);
	mt_decision_free(&d);
	/* a limit far above the usage is not a hold: held at the usage */
	s.candidates[find(&s, "leak")].mem.high = 3 * GiB;
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_U64(d.explain[find(&s, "leak")].throttle_to, 2 * GiB - 8 * MiB);
	mt_decision_free(&d);
	s.candidates[find(&s, "leak")].mem.high = 2 * GiB;
	s.candidates[find(&s, "leak")].mem.current = 2 * GiB;
	s.node.swap_free = s.node.swap_reserve + 3 * GiB;

	/* 1 GiB of room left for 1 GiB short: no room beyond the shortfall,
	 * still no deficit -- held where it is, not tightened, not killed */
	s.node.swap_free = s.node.swap_reserve + 1 * GiB;
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK(!s.node.swap_has_room);
	CHECK_U64(s.node.ram_deficit, 0);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_INT(d.action, MT_ACTION_NONE);
	CHECK_INT(d.explain[find(&s, "leak")].inelig, MT_INELIG_ALREADY_HELD);
	mt_decision_free(&d);

	/* the room used up (swap below its reserve): the grower is the kill */
	s.node.swap_free = s.node.swap_reserve - 16 * MiB;
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK(s.node.swap_deficit > 0 && s.node.ram_deficit > 0);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_INT(d.action, MT_ACTION_KILL);
	chosen_are(&s, &d, (const char *[]){ "leak" }, 1);
	mt_decision_free(&d);
	mt_snapshot_free(&s);
}

int main(void)
{
	test_model();
	test_database_and_workers();
	test_ram_only();
	test_swap_only();
	test_both_balanced();
	test_nothing_coverable();
	test_kill_in_flight();
	test_throttle();
	test_swap_room_before_kill();
	test_tie_prefers_growers();
	int props = test_select_properties();
	return mt_check_status() | props;
}
