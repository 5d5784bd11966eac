#include <errno.h>
#include <stdlib.h>

#include "check.h"
#include "record.h"

static json_t *rec(int n)
{
	return json_pack("{s:s, s:i}", "trigger", "commit-over-bound", "n", n);
}

static void test_bounds(void)
{
	struct mt_record_ring *r = NULL;
	CHECK_INT(mt_record_ring_new(0, 0, &r), -EINVAL);
	CHECK_INT(mt_record_ring_new(2, 3, &r), -EINVAL);
	CHECK_INT(mt_record_ring_new(4, 2, &r), 0);
	CHECK_INT(mt_record_ring_count(r), 0);
	CHECK_U64(mt_record_ring_last_id(r), 0);
	CHECK(mt_record_ring_get(r, 0) == NULL);
	CHECK(mt_record_ring_get(r, 1) == NULL);

	uint64_t id = 0;
	for (int i = 1; i <= 10; i++) {
		CHECK_INT(mt_record_ring_push(r, rec(i), json_pack("{s:i}", "snap", i), &id), 0);
		CHECK_U64(id, (uint64_t)i);
	}
	CHECK_INT(mt_record_ring_count(r), 4);
	CHECK_U64(mt_record_ring_last_id(r), 10);
	for (uint64_t i = 1; i <= 6; i++)
		CHECK(mt_record_ring_get(r, i) == NULL);
	for (uint64_t i = 7; i <= 10; i++) {
		json_t *j = mt_record_ring_get(r, i);
		CHECK(j != NULL);
		CHECK_INT(json_integer_value(json_object_get(j, "n")), (long long)i);
		CHECK_INT(json_integer_value(json_object_get(j, "id")), (long long)i);
	}
	/* snapshots only for the newest two */
	CHECK(mt_record_ring_snapshot(r, 7) == NULL);
	CHECK(mt_record_ring_snapshot(r, 8) == NULL);
	CHECK_INT(json_integer_value(json_object_get(mt_record_ring_snapshot(r, 9), "snap")), 9);
	CHECK_INT(json_integer_value(json_object_get(mt_record_ring_snapshot(r, 10), "snap")), 10);
	CHECK(mt_record_ring_get(r, 11) == NULL);

	json_t *list = NULL;
	CHECK_INT(mt_record_ring_list(r, 3, &list), 0);
	CHECK_INT(json_array_size(list), 3);
	CHECK_INT(json_integer_value(json_object_get(json_array_get(list, 0), "id")), 10);
	CHECK_INT(json_integer_value(json_object_get(json_array_get(list, 2), "id")), 8);
	json_decref(list);
	CHECK_INT(mt_record_ring_list(r, 100, &list), 0);
	CHECK_INT(json_array_size(list), 4);
	json_decref(list);

	/* update in place: the measured effect arrives later */
	json_object_set_new(mt_record_ring_get(r, 10), "measured_ram", json_integer(42));
	char *line = NULL;
	CHECK_INT(mt_record_to_line(mt_record_ring_get(r, 10), &line), 64);
	CHECK_STR(line, "{\"trigger\":\"commit-over-bound\",\"n\":10,\"id\":10,\"measured_ram\":42}");
	free(line);

	/* not an object: refused and released */
	CHECK_INT(mt_record_ring_push(r, json_integer(3), NULL, &id), -EINVAL);
	CHECK_U64(mt_record_ring_last_id(r), 10);
	mt_record_ring_free(r);
	mt_record_ring_free(NULL);
}

static void test_no_snapshots(void)
{
	struct mt_record_ring *r = NULL;
	uint64_t id;
	CHECK_INT(mt_record_ring_new(1, 0, &r), 0);
	CHECK_INT(mt_record_ring_push(r, rec(1), json_object(), &id), 0);
	CHECK(mt_record_ring_snapshot(r, 1) == NULL);
	CHECK_INT(mt_record_ring_push(r, rec(2), NULL, &id), 0);
	CHECK(mt_record_ring_get(r, 1) == NULL);
	CHECK(mt_record_ring_get(r, 2) != NULL);
	mt_record_ring_free(r);
}

static int snap_of(struct mt_record_ring *r, uint64_t id)
{
	json_t *s = mt_record_ring_snapshot(r, id);
	return s ? (int)json_integer_value(json_object_get(s, "snap")) : 0;
}

/* A record pushed without a snapshot (a pool payment) evicts none: the
 * newest snapshot_capacity snapshots stay, however many records follow. */
static void test_snapshots_outlive_records_without(void)
{
	struct mt_record_ring *r = NULL;
	uint64_t id;
	CHECK_INT(mt_record_ring_new(8, 2, &r), 0);
	CHECK_INT(mt_record_ring_push(r, rec(1), json_pack("{s:i}", "snap", 1), &id), 0);
	CHECK_INT(mt_record_ring_push(r, rec(2), json_pack("{s:i}", "snap", 2), &id), 0);
	for (int i = 3; i <= 6; i++)
		CHECK_INT(mt_record_ring_push(r, rec(i), NULL, &id), 0);
	CHECK_INT(snap_of(r, 1), 1);
	CHECK_INT(snap_of(r, 2), 2);
	CHECK_INT(mt_record_ring_push(r, rec(7), json_pack("{s:i}", "snap", 7), &id), 0);
	CHECK_INT(snap_of(r, 1), 0); /* the oldest of three goes */
	CHECK_INT(snap_of(r, 2), 2);
	CHECK_INT(snap_of(r, 7), 7);
	mt_record_ring_free(r);

	/* a record overwritten by the ring takes its snapshot with it, and
	 * the FIFO's stale id is skipped */
	CHECK_INT(mt_record_ring_new(4, 2, &r), 0);
	CHECK_INT(mt_record_ring_push(r, rec(1), json_pack("{s:i}", "snap", 1), &id), 0);
	for (int i = 2; i <= 5; i++)
		CHECK_INT(mt_record_ring_push(r, rec(i), NULL, &id), 0);
	CHECK(mt_record_ring_get(r, 1) == NULL);
	CHECK_INT(mt_record_ring_push(r, rec(6), json_pack("{s:i}", "snap", 6), &id), 0);
	CHECK_INT(mt_record_ring_push(r, rec(7), json_pack("{s:i}", "snap", 7), &id), 0);
	CHECK_INT(snap_of(r, 6), 6);
	CHECK_INT(snap_of(r, 7), 7);
	CHECK_INT(mt_record_ring_push(r, rec(8), json_pack("{s:i}", "snap", 8), &id), 0);
	CHECK_INT(snap_of(r, 6), 0);
	CHECK_INT(snap_of(r, 7), 7);
	CHECK_INT(snap_of(r, 8), 8);
	mt_record_ring_free(r);
}

int main(void)
{
	test_bounds();
	test_no_snapshots();
	test_snapshots_outlive_records_without();
	return mt_check_status();
}
