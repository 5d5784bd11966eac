/* Exclusions built into eligibility (issue 13): a group whose kill failed
 * (its back-off running) and an empty group (populated 0) are not chosen;
 * the next cheapest set is. Both flags survive the snapshot's JSON. */
#include <jansson.h>
#include <string.h>

#include "check.h"
#include "select.h"
#include "select_fixture.h"
#include "snapshot_json.h"

static size_t choose_one(struct mt_snapshot *s)
{
	struct mt_decision d;
	CHECK_INT(mt_snapshot_compute(s), 0);
	CHECK_INT(mt_select(s, NULL, &d), 0);
	CHECK_INT(d.action, MT_ACTION_KILL);
	CHECK_INT(d.n_chosen, 1);
	size_t k = d.n_chosen ? d.chosen[0] : (size_t)-1;
	mt_decision_free(&d);
	return k;
}

static void test_kill_failed(void)
{
	struct mt_snapshot s = { 0 };
	fx_node(&s.node, 256 * MiB, 0);
	fx_add(&s, "cheap", 10, 512 * MiB, 0);
	fx_add(&s, "dear", 500, 512 * MiB, 0);
	CHECK_INT(choose_one(&s), 0);
	s.candidates[0].kill_failed = true;
	CHECK_INT(choose_one(&s), 1);
	CHECK_U64(s.candidates[0].kill_inelig, MT_INELIG_KILL_FAILED);
	CHECK_U64(s.candidates[0].throttle_inelig & MT_INELIG_KILL_FAILED, 0); /* a throttle may still help */
	CHECK_STR(mt_inelig_to_string(MT_INELIG_KILL_FAILED), "kill-failed");
	mt_snapshot_free(&s);
}

/* The empty group holds more (tmpfs, kernel memory charged to it) and is
 * cheaper: before, it was chosen, freed nothing and was chosen again. */
static void test_empty(void)
{
	struct mt_snapshot s = { 0 };
	fx_node(&s.node, 256 * MiB, 0);
	struct mt_candidate *e = fx_add(&s, "empty", 10, 0, 0);
	e->mem.shmem = 1024 * MiB;
	e->mem.current = 1024 * MiB;
	fx_add(&s, "leaker", 500, 512 * MiB, 0);
	CHECK_INT(choose_one(&s), 0);
	s.candidates[0].unpopulated = true;
	CHECK_INT(choose_one(&s), 1);
	CHECK_U64(s.candidates[0].kill_inelig, MT_INELIG_EMPTY);
	CHECK_U64(s.candidates[0].throttle_inelig & MT_INELIG_EMPTY, MT_INELIG_EMPTY);
	CHECK_STR(mt_inelig_to_string(MT_INELIG_EMPTY), "empty");
	mt_snapshot_free(&s);
}

static void test_json(void)
{
	struct mt_snapshot s = { 0 }, back = { 0 };
	fx_node(&s.node, 0, 0);
	fx_add(&s, "a", 10, MiB, 0)->kill_failed = true;
	fx_add(&s, "b", 10, MiB, 0)->unpopulated = true;
	fx_add(&s, "c", 10, MiB, 0);
	CHECK_INT(mt_snapshot_compute(&s), 0);
	json_t *j = NULL;
	CHECK_INT(mt_snapshot_to_json(&s, &j), 0);
	json_t *cs = json_object_get(j, "candidates");
	CHECK(json_is_true(json_object_get(json_array_get(cs, 0), "kill_failed")));
	CHECK(json_object_get(json_array_get(cs, 0), "populated") == NULL);
	CHECK(json_is_false(json_object_get(json_array_get(cs, 1), "populated")));
	CHECK(json_object_get(json_array_get(cs, 2), "kill_failed") == NULL);
	char *text = json_dumps(j, JSON_COMPACT);
	char err[256] = "";
	CHECK_INT(mt_snapshot_from_json(text, strlen(text), &back, err, sizeof err), 0);
	CHECK_INT(back.n_candidates, 3);
	if (back.n_candidates == 3) {
		CHECK(back.candidates[0].kill_failed && !back.candidates[0].unpopulated);
		CHECK(!back.candidates[1].kill_failed && back.candidates[1].unpopulated);
		CHECK(!back.candidates[2].kill_failed && !back.candidates[2].unpopulated);
	}
	free(text);
	json_decref(j);
	mt_snapshot_free(&back);
	mt_snapshot_free(&s);
}

int main(void)
{
	test_kill_failed();
	test_empty();
	test_json();
	return mt_check_status();
}
