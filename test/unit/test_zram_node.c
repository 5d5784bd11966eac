/* mt_node_compute with zram swap: exact figures for zram only, zram and
 * disk, a mem_limit, the assumed ratio; the commit invariance property and
 * the selection argument of doc/selection.md ("zram") on seeded random
 * instances; the node.zram object of the snapshot JSON. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "snapshot.h"
#include "select.h"
#include "snapshot_json.h"

#define MIB (UINT64_C(1) << 20)

/* T 1024 MiB, 20 MiB available, reserves 128 MiB RAM / 32 MiB swap; zram
 * 512 MiB holding 400 MiB in a 100 MiB pool (r = 4, f = 3/4). */
static struct mt_node zram_only(void)
{
	return (struct mt_node){
		.mem_total = 1024 * MIB, .mem_available = 20 * MIB,
		.swap_total = 512 * MIB, .swap_free = 112 * MIB,
		.ram_reserve = 128 * MIB, .swap_reserve = 32 * MIB,
		.zram_swap_total = 512 * MIB, .zram_swap_free = 112 * MIB,
		.zram_orig_data_size = 400 * MIB, .zram_mem_used_total = 100 * MIB,
	};
}

static void test_zram_only(void)
{
	struct mt_node n = zram_only();
	CHECK_INT(mt_node_compute(&n), 0);
	CHECK(n.zram_ratio_measured);
	CHECK(n.zram_ratio == 4.0);
	CHECK_U64(n.zram_capacity, 512 * MIB);
	CHECK_U64(n.reserve, 160 * MIB);
	/* 1024 + 512 * 3/4 - 160 */
	CHECK_U64(n.bound, 1248 * MIB);
	/* (1024 - 20) + 400 * 3/4 */
	CHECK_U64(n.commit, 1304 * MIB);
	CHECK_U64(n.headroom, 0);
	CHECK_U64(n.swap_deficit, 0);
	/* room (112 - 32) * 3/4 = 60; RAM over 128 - 20 = 108 */
	CHECK_U64(n.swap_room, 60 * MIB);
	CHECK_U64(n.ram_deficit, 48 * MIB);

	/* the same node read as disk swap (the old model): 80 MiB of room,
	 * deficit 28 MiB -- 20 MiB short of what the kernel can really do */
	struct mt_node d = n;
	d.zram_swap_total = d.zram_swap_free = d.zram_orig_data_size = d.zram_mem_used_total = 0;
	CHECK_INT(mt_node_compute(&d), 0);
	CHECK_U64(d.ram_deficit, 28 * MIB);
	CHECK_U64(d.bound, 1376 * MIB);
	CHECK_U64(d.commit, 1404 * MIB);
	CHECK(!d.zram_ratio_measured);
	CHECK(d.zram_ratio == 0.0);

	/* a mem_limit leaving 10 MiB of pool: 10 * r = 40 MiB of zram room */
	struct mt_node l = zram_only();
	l.zram_limited_swap_free = 112 * MIB;
	l.zram_limit_room = 10 * MIB;
	CHECK_INT(mt_node_compute(&l), 0);
	CHECK_U64(l.zram_capacity, 440 * MIB);
	CHECK_U64(l.bound, (1024 + 330 - 160) * MIB);   /* 440 * 3/4 = 330 */
	CHECK_U64(l.commit, 1304 * MIB);
	CHECK_U64(l.swap_room, 30 * MIB);               /* min(80, 40) * 3/4 */
	CHECK_U64(l.ram_deficit, 78 * MIB);
}

static void test_zram_and_disk(void)
{
	/* disk 256 MiB (56 used), zram 512 MiB (400 used), r = 4 */
	struct mt_node n = zram_only();
	n.swap_total = 768 * MIB;
	n.swap_free = 312 * MIB;
	n.swap_reserve = 250 * MIB;
	CHECK_INT(mt_node_compute(&n), 0);
	CHECK_U64(n.reserve, 378 * MIB);
	CHECK_U64(n.bound, (1024 + 256 + 384 - 378) * MIB);
	CHECK_U64(n.commit, (1004 + 56 + 300) * MIB);
	CHECK_U64(n.swap_deficit, 0);
	/* room 62 MiB; the reserve kept out of zram's 112 MiB first, the
	 * rest of it out of disk's 200: all 62 MiB of room is disk */
	CHECK_U64(n.swap_room, 62 * MIB);
	CHECK_U64(n.ram_deficit, 46 * MIB);

	n.swap_reserve = 100 * MIB; /* room 212: 200 disk + 12 zram at 3/4 */
	CHECK_INT(mt_node_compute(&n), 0);
	CHECK_U64(n.swap_room, 209 * MIB);
	CHECK_U64(n.ram_deficit, 0);
	CHECK_U64(n.bound, (1024 + 256 + 384 - 228) * MIB);

	n.swap_reserve = 400 * MIB; /* SwapFree below the reserve */
	CHECK_INT(mt_node_compute(&n), 0);
	CHECK_U64(n.swap_deficit, 88 * MIB);
	CHECK_U64(n.swap_room, 0);
	CHECK_U64(n.ram_deficit, 108 * MIB);
}

static void test_assumed_ratio(void)
{
	/* 512 KiB stored: below MT_ZRAM_MEASURE_MIN, r assumed 2, f = 1/2
	 * (the pool's own 4:1 is not trusted on 128 pages) */
	struct mt_node n = {
		.mem_total = 1024 * MIB, .mem_available = 100 * MIB,
		.swap_total = 512 * MIB, .swap_free = 511 * MIB,
		.ram_reserve = 128 * MIB, .swap_reserve = 32 * MIB,
		.zram_swap_total = 512 * MIB, .zram_swap_free = 511 * MIB,
		.zram_orig_data_size = 512 * 1024, .zram_mem_used_total = 128 * 1024,
	};
	CHECK_INT(mt_node_compute(&n), 0);
	CHECK(!n.zram_ratio_measured);
	CHECK(n.zram_ratio == (double)MT_ZRAM_ASSUMED_RATIO);
	CHECK_U64(n.commit, 924 * MIB + MIB / 2);       /* 1 MiB used at 1/2 */
	CHECK_U64(n.bound, (1024 + 256 - 160) * MIB);    /* 512 * 1/2 */
	CHECK_U64(n.swap_room, (511 - 32) * MIB / 2);
	CHECK_U64(n.ram_deficit, 0);                     /* 28 MiB over, room left */
	CHECK(n.swap_has_room);
	CHECK(n.ram_near_reserve);

	/* nothing stored yet (a fresh device): the same prior, zram is room */
	struct mt_node e = n;
	e.swap_free = e.zram_swap_free = 512 * MIB;
	e.zram_orig_data_size = e.zram_mem_used_total = 0;
	CHECK_INT(mt_node_compute(&e), 0);
	CHECK(!e.zram_ratio_measured);
	CHECK_U64(e.swap_room, (512 - 32) * MIB / 2);
	CHECK_U64(e.commit, 924 * MIB);

	/* a mem_limit leaving 10 MiB of pool holds 20 MiB at the prior */
	e.zram_limited_swap_free = e.zram_swap_free;
	e.zram_limit_room = 10 * MIB;
	CHECK_INT(mt_node_compute(&e), 0);
	CHECK_U64(e.zram_capacity, 20 * MIB);
	CHECK_U64(e.swap_room, 10 * MIB);                /* min(480, 20) * 1/2 */
	CHECK_U64(e.ram_deficit, 18 * MIB);
	CHECK(!e.swap_has_room);                         /* 10 MiB room < 28 over */

	/* at the threshold the ratio is measured: 4, f = 3/4 */
	n.zram_orig_data_size = MT_ZRAM_MEASURE_MIN;
	n.zram_mem_used_total = MT_ZRAM_MEASURE_MIN / 4;
	CHECK_INT(mt_node_compute(&n), 0);
	CHECK(n.zram_ratio_measured);
	CHECK(n.zram_ratio == 4.0);
	CHECK_U64(n.commit, 924 * MIB + MIB * 3 / 4);
	CHECK_U64(n.bound, (864 + 384) * MIB);
	CHECK_U64(n.swap_room, 479 * MIB * 3 / 4);
	CHECK_U64(n.ram_deficit, 0);

	/* r < 1 (incompressible data plus allocator overhead): f = 0 */
	n.zram_orig_data_size = 16 * MIB;
	n.zram_mem_used_total = 24 * MIB;
	CHECK_INT(mt_node_compute(&n), 0);
	CHECK(n.zram_ratio_measured);
	CHECK(fabs(n.zram_ratio - 2.0 / 3.0) < 1e-12);
	CHECK_U64(n.swap_room, 0);
	CHECK_U64(n.ram_deficit, 28 * MIB);

	/* an empty pool (same-filled pages only): f = 1, no cap from a limit */
	n.zram_mem_used_total = 0;
	n.zram_limited_swap_free = n.zram_swap_free;
	n.zram_limit_room = 0;
	CHECK_INT(mt_node_compute(&n), 0);
	CHECK(isinf(n.zram_ratio));
	CHECK_U64(n.swap_room, 479 * MIB);
	CHECK_U64(n.zram_capacity, 512 * MIB);
}

static void test_invalid(void)
{
	struct mt_node n = zram_only();
	n.zram_swap_total = 513 * MIB;
	CHECK_INT(mt_node_compute(&n), -EINVAL);
	n = zram_only();
	n.zram_swap_free = 113 * MIB;
	CHECK_INT(mt_node_compute(&n), -EINVAL);
	n = zram_only();
	n.swap_total = 1024 * MIB; /* disk 512 MiB all used, zram free > SwapFree */
	n.swap_free = 100 * MIB;
	CHECK_INT(mt_node_compute(&n), -EINVAL);
	n = zram_only();
	n.zram_swap_free = 100 * MIB; /* 12 MiB free "disk" swap on no disk */
	CHECK_INT(mt_node_compute(&n), -EINVAL);
	n = zram_only();
	n.zram_limited_swap_free = 113 * MIB;
	CHECK_INT(mt_node_compute(&n), -EINVAL);
	n = zram_only();
	n.zram_mem_used_total = 1025 * MIB;
	CHECK_INT(mt_node_compute(&n), -EINVAL);
	n = zram_only();
	n.zram_orig_data_size = MT_BYTES_MAX + 1;
	CHECK_INT(mt_node_compute(&n), -EINVAL);
}

/* xorshift64*, seeded: the same instances on every run. */
static uint64_t rnd_state = 0x2545f4914f6cdd1dULL;
static uint64_t rnd(uint64_t below)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return (rnd_state * 0x2545f4914f6cdd1dULL) % below;
}

/* A node with disk and zram swap at r = p/q (orig = p*a, pool = q*a), sizes
 * in 4 KiB pages, and optionally a mem_limit above the pool. */
static struct mt_node random_node(uint64_t p, uint64_t q, uint64_t a)
{
	const uint64_t pg = 4096;
	struct mt_node n = { 0 };
	n.zram_orig_data_size = p * a * pg;
	n.zram_mem_used_total = q * a * pg;
	uint64_t zused = n.zram_orig_data_size;
	n.zram_swap_total = zused + rnd(1 << 18) * pg;
	n.zram_swap_free = n.zram_swap_total - zused;
	uint64_t disk = rnd(2) ? rnd(1 << 18) * pg : 0;
	uint64_t disk_free = disk ? rnd(disk / pg + 1) * pg : 0;
	n.swap_total = n.zram_swap_total + disk;
	n.swap_free = n.zram_swap_free + disk_free;
	n.mem_total = n.zram_mem_used_total + (1 + rnd(1 << 20)) * pg;
	n.mem_available = rnd((n.mem_total - n.zram_mem_used_total) / pg) * pg;
	n.ram_reserve = rnd(n.mem_total / pg / 2) * pg;
	n.swap_reserve = rnd(n.swap_total / pg / 4 + 1) * pg;
	if (rnd(3) == 0) {
		n.zram_limited_swap_free = n.zram_swap_free;
		n.zram_limit_room = rnd(1 << 16) * pg;
	}
	return n;
}

/* Moving X bytes from RAM into zram at the pool's ratio (X = p*b, the pool
 * grows by q*b): RAM used falls by X - X/r, the zram term rises by X*f. */
static void test_commit_invariance(void)
{
	unsigned checked = 0;
	for (int i = 0; i < 20000; i++) {
		uint64_t p = 2 + rnd(63), q = 1 + rnd(p); /* 1 <= r <= 64 */
		uint64_t a = 1024 + rnd(1 << 16);         /* >= 8 MiB stored (MT_ZRAM_MEASURE_MIN) */
		struct mt_node n = random_node(p, q, a);
		uint64_t b = rnd(1 << 12);
		uint64_t x = p * b * 4096, pool = q * b * 4096;
		if (x > n.zram_swap_free || (n.mem_total - n.mem_available) < n.zram_mem_used_total + x ||
		    (n.zram_limit_room && pool > n.zram_limit_room))
			continue;
		struct mt_node m = n;
		m.mem_available = n.mem_available + x - pool;
		m.swap_free -= x;
		m.zram_swap_free -= x;
		if (m.zram_limit_room)
			m.zram_limited_swap_free -= x, m.zram_limit_room -= pool;
		m.zram_orig_data_size += x;
		m.zram_mem_used_total += pool;
		CHECK_INT(mt_node_compute(&n), 0);
		CHECK_INT(mt_node_compute(&m), 0);
		CHECK_U64(m.commit, n.commit);
		CHECK_U64(m.bound, n.bound);
		CHECK_U64(m.headroom, n.headroom);
		checked++;
	}
	CHECK(checked > 10000);
}

/* doc/selection.md, "zram": a kill freeing R bytes of RAM and S bytes of
 * swap (S_z of them in zram, whose pool shrinks by S_z/r) covers the
 * deficits when S >= swap_deficit and R + S >= ram_deficit + swap_deficit:
 * after it both deficits are 0. */
static void test_selection_argument(void)
{
	/* on the numbers of test_zram_only: RAM deficit 48 MiB, none in swap;
	 * a group with 8 MiB of RAM and 40 MiB in zram (10 MiB of pool) */
	struct mt_node n = zram_only(), m;
	CHECK_INT(mt_node_compute(&n), 0);
	CHECK_U64(n.ram_deficit, 48 * MIB);
	m = zram_only();
	m.mem_available += 8 * MIB + 10 * MIB;
	m.swap_free += 40 * MIB;
	m.zram_swap_free += 40 * MIB;
	m.zram_orig_data_size -= 40 * MIB;
	m.zram_mem_used_total -= 10 * MIB;
	CHECK_INT(mt_node_compute(&m), 0);
	CHECK_U64(m.ram_deficit, 0);
	CHECK_U64(m.swap_deficit, 0);
	m.mem_available -= MIB; /* 1 MiB less RAM freed: R + S short by 1 MiB */
	CHECK_INT(mt_node_compute(&m), 0);
	CHECK_U64(m.ram_deficit, MIB);

	/* with a swap deficit: zram 500 of 512 MiB used, reserve 32 */
	n = zram_only();
	n.swap_free = n.zram_swap_free = 12 * MIB;
	n.zram_orig_data_size = 500 * MIB;
	n.zram_mem_used_total = 125 * MIB;
	CHECK_INT(mt_node_compute(&n), 0);
	CHECK_U64(n.swap_deficit, 20 * MIB);
	CHECK_U64(n.ram_deficit, 108 * MIB);
	m = n; /* R = 68, S = 60 in zram (15 of pool): R + S = 108 + 20 */
	m.mem_available += 68 * MIB + 15 * MIB;
	m.swap_free += 60 * MIB;
	m.zram_swap_free += 60 * MIB;
	m.zram_orig_data_size -= 60 * MIB;
	m.zram_mem_used_total -= 15 * MIB;
	CHECK_INT(mt_node_compute(&m), 0);
	CHECK_U64(m.ram_deficit, 0);
	CHECK_U64(m.swap_deficit, 0);

	unsigned checked = 0;
	for (int i = 0; i < 20000; i++) {
		uint64_t p = 2 + rnd(63), q = 1 + rnd(p);
		uint64_t a = 256 + rnd(1 << 16);
		n = random_node(p, q, a);
		if (n.zram_limit_room && n.zram_limit_room < n.zram_mem_used_total)
			continue;
		CHECK_INT(mt_node_compute(&n), 0);
		/* a group holding RAM R, s_d disk pages and p*b bytes of zram */
		uint64_t zused = n.zram_swap_total - n.zram_swap_free;
		uint64_t dused = (n.swap_total - n.zram_swap_total) - (n.swap_free - n.zram_swap_free);
		uint64_t b = rnd(zused / (p * 4096) + 1);
		uint64_t sz = p * b * 4096, pool = q * b * 4096, sd = rnd(dused / 4096 + 1) * 4096;
		uint64_t ram_room = n.mem_total - n.mem_available - pool;
		if (n.zram_mem_used_total > n.mem_total - n.mem_available)
			continue;
		ram_room = n.mem_total - n.mem_available - n.zram_mem_used_total;
		uint64_t r = rnd(ram_room / 4096 + 1) * 4096, s = sz + sd;
		if (s < n.swap_deficit || r + s < n.ram_deficit + n.swap_deficit)
			continue;
		m = n;
		m.mem_available += r + pool;
		m.swap_free += s;
		m.zram_swap_free += sz;
		if (m.zram_limit_room)
			m.zram_limited_swap_free += sz, m.zram_limit_room += pool;
		m.zram_orig_data_size -= sz;
		m.zram_mem_used_total -= pool;
		/* below MT_ZRAM_MEASURE_MIN left the ratio is assumed, not this one */
		if (m.zram_orig_data_size < MT_ZRAM_MEASURE_MIN)
			continue;
		CHECK_INT(mt_node_compute(&m), 0);
		CHECK_U64(m.ram_deficit, 0);
		CHECK_U64(m.swap_deficit, 0);
		checked++;
	}
	CHECK(checked > 1000);
}

static void test_json(void)
{
	static const char doc[] =
		"{\"format\": \"memtriage-snapshot\", \"version\": 1, \"node\": {"
		"\"now_ms\": 1, \"mem_total\": 1073741824, \"mem_available\": 20971520,"
		" \"swap_total\": 536870912, \"swap_free\": 117440512, \"ram_reserve\": 134217728,"
		" \"swap_reserve\": 33554432, \"psi_some_avg10\": 0, \"psi_full_avg10\": 0,"
		" \"growth_rate\": 0, \"eta_ms\": null,"
		" \"zram\": {\"swap_total\": 536870912, \"swap_free\": 117440512,"
		" \"orig_data_size\": 419430400, \"mem_used_total\": 104857600,"
		" \"limited_swap_free\": 0, \"limit_room\": 0%s}}, \"candidates\": []}";
	char text[2048], err[256];
	struct mt_snapshot s;
	snprintf(text, sizeof text, doc, "");
	CHECK_INT(mt_snapshot_from_json(text, strlen(text), &s, err, sizeof err), 0);
	CHECK_U64(s.node.ram_deficit, 48 * MIB);
	CHECK_U64(s.node.commit, 1304 * MIB);
	CHECK(s.node.zram_ratio_measured);
	json_t *j = NULL;
	CHECK_INT(mt_snapshot_to_json(&s, &j), 0);
	char *out = json_dumps(j, JSON_COMPACT);
	struct mt_snapshot t;
	CHECK_INT(mt_snapshot_from_json(out, strlen(out), &t, err, sizeof err), 0);
	CHECK(memcmp(&t.node, &s.node, sizeof t.node) == 0);
	json_t *fig = mt_node_zram_figures_json(&t.node);
	CHECK(json_real_value(json_object_get(fig, "ratio")) == 4.0);
	CHECK(json_is_true(json_object_get(fig, "ratio_measured")));
	json_decref(fig);
	free(out);
	json_decref(j);
	mt_snapshot_free(&t);
	mt_snapshot_free(&s);

	snprintf(text, sizeof text, doc, ", \"extra\": 1");
	CHECK_INT(mt_snapshot_from_json(text, strlen(text), &s, err, sizeof err), -EINVAL);
	CHECK_STR(err, "$.node.zram.extra: unknown key");
	char bad[2048];
	snprintf(text, sizeof text, doc, "");
	memcpy(bad, text, sizeof text);
	char *at = strstr(bad, "\"orig_data_size\"");
	memcpy(at, "\"orig_data_sizX\"", 16);
	CHECK_INT(mt_snapshot_from_json(bad, strlen(bad), &s, err, sizeof err), -EINVAL);
	CHECK_STR(err, "$.node.zram.orig_data_sizX: unknown key");
	memcpy(bad, text, sizeof text);
	at = strstr(bad, "\"limited_swap_free\": 0");
	memcpy(at, "\"limited_swap_free\": 9", 22);
	CHECK_INT(mt_snapshot_from_json(bad, strlen(bad), &s, err, sizeof err), 0);
	mt_snapshot_free(&s);
	memcpy(bad, text, sizeof text);
	at = strstr(bad, "\"swap_free\": 117440512,\"");
	CHECK(at == NULL);
	at = strstr(bad, "\"zram\": {\"swap_total\": 536870912");
	memcpy(at, "\"zram\": {\"swap_total\": 536870913", 32);
	CHECK_INT(mt_snapshot_from_json(bad, strlen(bad), &s, err, sizeof err), -EINVAL);
	CHECK_STR(err, "$.node.zram.swap_total: exceeds the node's swap_total");
	memcpy(bad, text, sizeof text);
	at = strstr(bad, "\"zram\": {\"swap_total\": 536870912, \"swap_free\": 117440512");
	memcpy(at + strlen("\"zram\": {\"swap_total\": 536870912, \"swap_free\": "), "100663296", 9);
	CHECK_INT(mt_snapshot_from_json(bad, strlen(bad), &s, err, sizeof err), -EINVAL);
	CHECK_STR(err, "$.node.zram.swap_free: leaves more free disk swap than disk swap");
	/* no zram object: no zram swap */
	static const char plain[] =
		"{\"format\": \"memtriage-snapshot\", \"version\": 1, \"node\": {"
		"\"now_ms\": 1, \"mem_total\": 1073741824, \"mem_available\": 20971520,"
		" \"swap_total\": 536870912, \"swap_free\": 117440512, \"ram_reserve\": 134217728,"
		" \"swap_reserve\": 33554432, \"psi_some_avg10\": 0, \"psi_full_avg10\": 0,"
		" \"growth_rate\": 0, \"eta_ms\": null}, \"candidates\": []}";
	CHECK_INT(mt_snapshot_from_json(plain, strlen(plain), &s, err, sizeof err), 0);
	CHECK_U64(s.node.ram_deficit, 28 * MIB);
	CHECK_U64(s.node.zram_swap_total, 0);
	json_t *none = mt_node_zram_figures_json(&s.node);
	CHECK(json_is_null(none));
	json_decref(none);
	CHECK_INT(mt_snapshot_to_json(&s, &j), 0);
	CHECK(json_object_get(json_object_get(j, "node"), "zram") == NULL);
	json_decref(j);
	mt_snapshot_free(&s);
}

/* test/fixtures/snapshots/zram-node.json: the node of test_zram_only. Read
 * as disk swap its RAM deficit would be 28 MiB and work/small (30 MiB) would
 * do; with zram counted at f = 3/4 it is 48 MiB and only work/large covers. */
static void test_fixture_selection(void)
{
	char path[1024], text[16384], err[256];
	snprintf(path, sizeof path, "%s/snapshots/zram-node.json", getenv("MT_FIXTURES"));
	FILE *f = fopen(path, "r");
	CHECK(f != NULL);
	if (!f)
		return;
	size_t len = fread(text, 1, sizeof text, f);
	fclose(f);
	struct mt_snapshot s;
	CHECK_INT(mt_snapshot_from_json(text, len, &s, err, sizeof err), 0);
	CHECK_U64(s.node.ram_deficit, 48 * MIB);
	struct mt_decision d;
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_INT(d.action, MT_ACTION_KILL);
	CHECK(d.covered);
	CHECK_INT(d.n_chosen, 1);
	if (d.n_chosen == 1)
		CHECK_STR(s.candidates[d.chosen[0]].path, "work/large");
	mt_decision_free(&d);

	/* the same node without its zram object: the old, roomier reading */
	s.node.zram_swap_total = s.node.zram_swap_free = 0;
	s.node.zram_orig_data_size = s.node.zram_mem_used_total = 0;
	CHECK_INT(mt_snapshot_compute(&s), 0);
	CHECK_U64(s.node.ram_deficit, 28 * MIB);
	CHECK_INT(mt_select(&s, NULL, &d), 0);
	CHECK_INT(d.n_chosen, 1);
	if (d.n_chosen == 1)
		CHECK_STR(s.candidates[d.chosen[0]].path, "work/small");
	mt_decision_free(&d);
	mt_snapshot_free(&s);
}

int main(void)
{
	test_fixture_selection();
	test_zram_only();
	test_zram_and_disk();
	test_assumed_ratio();
	test_invalid();
	test_commit_invariance();
	test_selection_argument();
	test_json();
	return mt_check_status();
}
