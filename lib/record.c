#include "record.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct slot {
	uint64_t id;       /* 0 = empty */
	json_t *record;
	json_t *snapshot;
};

struct mt_record_ring {
	size_t capacity;
	size_t snapshot_capacity;
	size_t count;
	uint64_t next_id;
	uint64_t *snap_ids; /* FIFO of the ids pushed with a snapshot, oldest at snap_head */
	size_t snap_head, snap_count;
	struct slot slots[];
};

int mt_record_ring_new(size_t capacity, size_t snapshot_capacity, struct mt_record_ring **ret)
{
	if (capacity == 0 || snapshot_capacity > capacity || capacity > (1u << 20))
		return -EINVAL;
	struct mt_record_ring *r = calloc(1, sizeof *r + capacity * sizeof r->slots[0]);
	if (!r)
		return -ENOMEM;
	r->snap_ids = calloc(snapshot_capacity ? snapshot_capacity : 1, sizeof *r->snap_ids);
	if (!r->snap_ids) {
		free(r);
		return -ENOMEM;
	}
	r->capacity = capacity;
	r->snapshot_capacity = snapshot_capacity;
	r->next_id = 1;
	*ret = r;
	return 0;
}

void mt_record_ring_free(struct mt_record_ring *ring)
{
	if (!ring)
		return;
	for (size_t i = 0; i < ring->capacity; i++) {
		json_decref(ring->slots[i].record);
		json_decref(ring->slots[i].snapshot);
	}
	free(ring->snap_ids);
	free(ring);
}

static struct slot *slot_of(const struct mt_record_ring *ring, uint64_t id)
{
	if (id == 0 || id >= ring->next_id)
		return NULL;
	struct slot *s = (struct slot *)&ring->slots[(id - 1) % ring->capacity];
	return s->id == id ? s : NULL;
}

/* Keeps `snapshot` for record `id`, dropping the oldest kept one beyond
 * snapshot_capacity. An id in the FIFO whose record the ring has since
 * overwritten lost its snapshot with it (slot_of finds nothing). */
static void keep_snapshot(struct mt_record_ring *ring, struct slot *s, json_t *snapshot)
{
	if (!snapshot)
		return;
	if (ring->snapshot_capacity == 0) {
		json_decref(snapshot);
		return;
	}
	if (ring->snap_count == ring->snapshot_capacity) {
		struct slot *old = slot_of(ring, ring->snap_ids[ring->snap_head]);
		if (old) {
			json_decref(old->snapshot);
			old->snapshot = NULL;
		}
		ring->snap_head = (ring->snap_head + 1) % ring->snapshot_capacity;
		ring->snap_count--;
	}
	ring->snap_ids[(ring->snap_head + ring->snap_count) % ring->snapshot_capacity] = s->id;
	ring->snap_count++;
	s->snapshot = snapshot;
}

int mt_record_ring_push(struct mt_record_ring *ring, json_t *record, json_t *snapshot, uint64_t *ret_id)
{
	if (!json_is_object(record)) {
		json_decref(record);
		json_decref(snapshot);
		return -EINVAL;
	}
	uint64_t id = ring->next_id;
	if (json_object_set_new(record, "id", json_integer((json_int_t)id)) < 0) {
		json_decref(record);
		json_decref(snapshot);
		return -ENOMEM;
	}
	struct slot *s = &ring->slots[(id - 1) % ring->capacity];
	if (s->id == 0)
		ring->count++;
	json_decref(s->record);
	json_decref(s->snapshot);
	*s = (struct slot){ .id = id, .record = record };
	ring->next_id++;
	keep_snapshot(ring, s, snapshot);
	*ret_id = id;
	return 0;
}

json_t *mt_record_ring_get(struct mt_record_ring *ring, uint64_t id)
{
	struct slot *s = slot_of(ring, id);
	return s ? s->record : NULL;
}

json_t *mt_record_ring_snapshot(struct mt_record_ring *ring, uint64_t id)
{
	struct slot *s = slot_of(ring, id);
	return s ? s->snapshot : NULL;
}

size_t mt_record_ring_count(const struct mt_record_ring *ring)
{
	return ring->count;
}

uint64_t mt_record_ring_last_id(const struct mt_record_ring *ring)
{
	return ring->next_id - 1;
}

int mt_record_ring_list(const struct mt_record_ring *ring, size_t max, json_t **ret)
{
	json_t *a = json_array();
	if (!a)
		return -ENOMEM;
	for (uint64_t id = ring->next_id - 1; id > 0 && json_array_size(a) < max; id--) {
		struct slot *s = slot_of(ring, id);
		if (!s)
			break;
		if (json_array_append(a, s->record) < 0) {
			json_decref(a);
			return -ENOMEM;
		}
	}
	*ret = a;
	return 0;
}

int mt_record_to_line(const json_t *record, char **ret)
{
	char *s = json_dumps(record, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!s)
		return -ENOMEM;
	*ret = s;
	return (int)strlen(s);
}
