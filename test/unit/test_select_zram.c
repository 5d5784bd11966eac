/* The pool rule (issue 16, point 4: swap as room, paid for by the grower):
 * with zram, a held grower's hold is lowered by the pool RAM its own
 * swap-out has added since the hold began, so that its RAM plus that pool
 * stays what it was; never by a step, never below the floor, never for a
 * protected group or a limit that is not our hold; with disk swap the step
 * as before; and the episode still ends in the kill at the bound. */
#include <stdio.h>

#include "check.h"
#include "cleanup.h"
#include "decision_json.h"
#include "select.h"
#include "snapshot_json.h"
#include "select_fixture.h"

static size_t find(const struct mt_snapshot *s, const char *path)
{
	for (size_t i = 0; i < s->n_candidates; i++)
		if (strcmp(s->candidates[i].path, path) == 0)
			return i;
	abort();
}

/* candidates[path].pool_paid as the decision format writes it: 1 true,
 * 0 false, -1 null; -2 when the key is absent or of another type. */
static int pool_paid_json(const struct mt_snapshot *s, const struct mt_decision *d, const char *path)
{
	json_t *j = NULL;
	CHECK_INT(mt_decision_to_json(s, d, &j), 0);
	CHECK_INT(json_integer_value(json_object_get(j, "version")), MT_DECISION_VERSION);
	json_t *v = json_object_get(json_array_get(json_object_get(j, "candidates"), find(s, path)), "pool_paid");
	int r = json_is_true(v) ? 1 : json_is_false(v) ? 0 : json_is_null(v) ? -1 : -2;
	json_decref(j);
	return r;
}

static uint64_t to_of(const struct mt_snapshot *s, const struct mt_decision *d, const char *path)
{
	return d->explain[find(s, path)].throttle_to;
}

/* All 16 GiB of swap is zram; RAM at its reserve (near it), 3 GiB of swap
 * room. orig/pool 0: the ratio unmeasured (2:1 assumed). */
static void zram_node(struct mt_node *n, uint64_t orig, uint64_t pool)
{
	fx_node(n, 0, 0);
	n->swap_free = n->swap_reserve + 3 * GiB;
	n->zram_swap_total = n->swap_total;
	n->zram_swap_free = n->swap_free;
	n->zram_orig_data_size = orig;
	n->zram_mem_used_total = pool;
}

static void test_pool_figure(void)
{
	struct mt_node n;
	fx_node(&n, 0, 0);
	CHECK_INT(mt_node_compute(&n), 0);
	CHECK_U64(mt_node_zram_pool(&n, 512 * MiB), 0); /* disk: no pool */
	zram_node(&n, 0, 0);
	CHECK_INT(mt_node_compute(&n), 0);
	CHECK_U64(mt_node_zram_pool(&n, 512 * MiB), 256 * MiB); /* assumed 2:1 */
	CHECK_U64(mt_node_zram_pool(&n, 3), 2);                 /* rounded up */
	zram_node(&n, 1 * GiB, 256 * MiB);                       /* measured 4:1 */
	CHECK_INT(mt_node_compute(&n), 0);
	CHECK(n.zram_ratio_measured);
	CHECK_U64(mt_node_zram_pool(&n, 512 * MiB), 128 * MiB);
	CHECK_U64(mt_node_zram_pool(&n, 0), 0);
}

/* A leaker held at 2 GiB when it had 256 MiB in swap, since grown to 768
 * MiB of swap at a constant memory.high: 512 MiB more in zram. */
static struct mt_candidate *held_leaker(struct mt_snapshot *s)
{
	struct mt_candidate *c = fx_add(s, "leak", 100, 2 * GiB, 768 * MiB);
	c->growth_rate = 100 * MiB;
	c->growth_known = true;
	c->throttle_step = 64 * MiB;
	c->throttle_floor = 1 * GiB;
	c->mem.high = 2 * GiB;
	c->held = true;
	c->hold_high = 2 * GiB;
	c->hold_swap = 256 * MiB;
	return c;
}

static void test_pool_rule(void)
{
	struct mt_snapshot s = { 0 };
	struct mt_decision d;
	zram_node(&s.node, 0, 0);
	held_leaker(&s);
	struct mt_candidate *b = fx_add(&s, "bystander", 900, 1 * GiB, 0);
	b->growth_rate = 1 * MiB;
	b->protected_ = true;
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK(s.node.ram_near_reserve && s.node.swap_has_room);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_INT(d.action, MT_ACTION_THROTTLE);
	/* 512 MiB swapped since the hold at the assumed 2:1 took 256 MiB of
	 * pool: the hold pays it (a step would take 64 MiB) */
	CHECK_U64(to_of(&s, &d, "leak"), 2 * GiB - 256 * MiB);
	CHECK_INT(d.explain[find(&s, "leak")].reason, MT_REASON_THROTTLE);
	CHECK(d.explain[find(&s, "leak")].pool_paid); /* not paced by interval_ms */
	CHECK_INT(pool_paid_json(&s, &d, "leak"), 1);
	CHECK_INT(pool_paid_json(&s, &d, "bystander"), -1); /* not a throttle */
	/* protected: never throttled, however the pool grows */
	CHECK_INT(d.explain[find(&s, "bystander")].inelig, MT_INELIG_PROTECTED);
	mt_decision_free(&d);

	/* measured 4:1: the same swap-out took 128 MiB */
	s.node.zram_orig_data_size = 1 * GiB;
	s.node.zram_mem_used_total = 256 * MiB;
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_U64(to_of(&s, &d, "leak"), 2 * GiB - 128 * MiB);
	mt_decision_free(&d);

	/* paid already (the hold written there): stays, nothing to write */
	struct mt_candidate *c = &s.candidates[find(&s, "leak")];
	c->mem.high = c->mem.current = 2 * GiB - 128 * MiB;
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_INT(d.explain[find(&s, "leak")].inelig, MT_INELIG_ALREADY_HELD);
	CHECK_INT(d.action, MT_ACTION_NONE);
	mt_decision_free(&d);

	/* under 1 MiB owed: not paid yet (no write for a few pages); at the
	 * measured 4:1, 1 MiB of pool is 4 MiB of swap */
	c->mem.swap_current = c->hold_swap + 512 * MiB + 4 * MiB - 4096;
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_INT(d.explain[find(&s, "leak")].inelig, MT_INELIG_ALREADY_HELD);
	mt_decision_free(&d);
	c->mem.swap_current = c->hold_swap + 512 * MiB + 4 * MiB; /* 1 MiB owed: paid */
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_U64(to_of(&s, &d, "leak"), 2 * GiB - 129 * MiB);
	mt_decision_free(&d);

	/* 4 GiB swapped since at 2:1 is all of its 2 GiB: a policy that may
	 * kill pays past its floor, down to MT_POOL_RAM_MIN; a throttle-only
	 * one (never killed) stops at its floor */
	s.node.zram_orig_data_size = s.node.zram_mem_used_total = 0;
	c->mem.swap_current = c->hold_swap + 4 * GiB;
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_U64(to_of(&s, &d, "leak"), MT_POOL_RAM_MIN);
	mt_decision_free(&d);
	c->mem.swap_current = c->hold_swap + 3 * GiB; /* 1.5 GiB of pool: 512 MiB left */
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_U64(to_of(&s, &d, "leak"), 512 * MiB);
	mt_decision_free(&d);
	c->response = MT_RESPONSE_THROTTLE;
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_U64(to_of(&s, &d, "leak"), 1 * GiB);
	mt_decision_free(&d);
	c->response = MT_RESPONSE_THROTTLE_THEN_KILL;
	c->mem.swap_current = 768 * MiB;

	/* RAM not near its reserve: no tightening, the pool is paid later
	 * (the rule counts from the hold's start, so nothing is lost) */
	s.node.mem_available = 3 * s.node.ram_reserve;
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK(!s.node.ram_near_reserve);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK(!d.throttle_due);
	CHECK_INT(d.action, MT_ACTION_NONE);
	mt_decision_free(&d);
	s.node.mem_available = s.node.ram_reserve;
	c->mem.high = c->mem.current = 2 * GiB;

	/* a limit near the usage that is not our hold: with zram never
	 * tightened (there is no hold to charge) */
	c->held = false;
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_INT(d.explain[find(&s, "leak")].inelig, MT_INELIG_ALREADY_HELD);
	mt_decision_free(&d);
	c->held = true;

	/* disk swap: the step, as before (no pool to pay) */
	s.node.zram_swap_total = s.node.zram_swap_free = 0;
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_U64(to_of(&s, &d, "leak"), 2 * GiB - 64 * MiB);
	CHECK(!d.explain[find(&s, "leak")].pool_paid); /* a step: paced */
	CHECK_INT(pool_paid_json(&s, &d, "leak"), 0);
	mt_decision_free(&d);
	mt_snapshot_free(&s);
}

/* The episode ends: swap room used up (swap below its reserve), the held
 * grower that paid for its pool is the kill -- at the bound, not before. */
static void test_pool_rule_ends_in_kill(void)
{
	struct mt_snapshot s = { 0 };
	struct mt_decision d;
	zram_node(&s.node, 0, 0);
	s.node.swap_free = s.node.zram_swap_free = s.node.swap_reserve + 1 * MiB;
	held_leaker(&s);
	fx_add(&s, "bystander", 900, 1 * GiB, 0);
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_U64(s.node.swap_deficit, 0);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_INT(d.action, MT_ACTION_THROTTLE); /* room left: still held */
	mt_decision_free(&d);
	s.node.swap_free = s.node.zram_swap_free = s.node.swap_reserve - 16 * MiB;
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK(s.node.swap_deficit > 0);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_INT(d.action, MT_ACTION_KILL);
	CHECK_U64(d.n_chosen, 1);
	CHECK(d.n_chosen == 1 && strcmp(s.candidates[d.chosen[0]].path, "leak") == 0);
	mt_decision_free(&d);
	mt_snapshot_free(&s);
}

/* test/fixtures/snapshots/zram-held.json: the hold as a snapshot file
 * carries it ("hold"), so a recorded decision replays the same. 80 MiB
 * swapped since the hold at the measured 2:1: 40 MiB off 200. */
static void test_fixture(void)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/snapshots/zram-held.json", getenv("MT_FIXTURES"));
	FILE *f = fopen(path, "r");
	CHECK(f != NULL);
	if (!f)
		return;
	char buf[16384];
	size_t len = fread(buf, 1, sizeof buf, f);
	fclose(f);
	struct mt_snapshot s = { 0 }, b = { 0 };
	struct mt_decision d;
	char err[256];
	CHECK_INT(mt_snapshot_from_json(buf, len, &s, err, sizeof err), 0);
	CHECK(s.candidates[0].held && !s.candidates[1].held);
	CHECK_U64(s.candidates[0].hold_high, 200 * MiB);
	CHECK_U64(s.candidates[0].hold_swap, 20 * MiB);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_INT(d.action, MT_ACTION_THROTTLE);
	CHECK_U64(to_of(&s, &d, "work/leak"), 160 * MiB);
	mt_decision_free(&d);
	json_t *j = NULL;
	CHECK_INT(mt_snapshot_to_json(&s, &j), 0);
	_cleanup_free_ char *out = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	CHECK_INT(mt_snapshot_from_json(out, strlen(out), &b, err, sizeof err), 0);
	CHECK(b.candidates[0].held && b.candidates[0].hold_high == 200 * MiB && b.candidates[0].hold_swap == 20 * MiB);
	CHECK(!b.candidates[1].held);
	mt_snapshot_free(&b);
	mt_snapshot_free(&s);
}

int main(void)
{
	test_fixture();
	test_pool_figure();
	test_pool_rule();
	test_pool_rule_ends_in_kill();
	return mt_check_status();
}
