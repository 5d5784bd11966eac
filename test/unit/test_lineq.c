/* lib/lineq: order, the bound, eviction by rank, partial writes, drop counts. */
#include <errno.h>
#include <stdlib.h>

#include "check.h"
#include "lineq.h"

/* Pops the front line whole into buf (NUL-terminated); returns its length. */
static size_t pop(struct mt_lineq *q, char *buf, size_t size)
{
	const char *d;
	size_t n = mt_lineq_front(q, &d);
	snprintf(buf, size, "%.*s", (int)n, d ? d : "");
	mt_lineq_consume(q, n);
	return n;
}

static void test_order_and_bound(void)
{
	struct mt_lineq *q;
	char buf[64];
	/* Room for exactly three lines of 4 bytes. */
	CHECK_INT(mt_lineq_new(3 * (4 + MT_LINEQ_OVERHEAD), &q), 0);
	CHECK_INT(mt_lineq_push(q, "aaa\n", 4, 5), 1);
	CHECK_INT(mt_lineq_push(q, "bbb\n", 4, 5), 1);
	CHECK_INT(mt_lineq_push(q, "ccc\n", 4, 5), 1);
	CHECK_INT(mt_lineq_lines(q), 3);
	CHECK_INT(mt_lineq_bytes(q), 3 * (4 + MT_LINEQ_OVERHEAD));
	/* Equal rank: the newcomer is dropped, the first lines stay. */
	CHECK_INT(mt_lineq_push(q, "ddd\n", 4, 5), 0);
	CHECK_INT(mt_lineq_lines(q), 3);
	uint64_t by[MT_LINEQ_RANKS];
	CHECK_U64(mt_lineq_take_dropped(q, by), 1);
	CHECK_U64(by[5], 1);
	CHECK_U64(mt_lineq_take_dropped(q, NULL), 0); /* reset */
	CHECK_INT(pop(q, buf, sizeof(buf)), 4);
	CHECK_STR(buf, "aaa\n");
	CHECK_INT(pop(q, buf, sizeof(buf)), 4);
	CHECK_STR(buf, "bbb\n");
	CHECK_INT(pop(q, buf, sizeof(buf)), 4);
	CHECK_STR(buf, "ccc\n");
	CHECK_INT(pop(q, buf, sizeof(buf)), 0);
	CHECK_INT(mt_lineq_bytes(q), 0);
	/* A line larger than the whole bound is dropped, counted at its rank. */
	char big[300];
	memset(big, 'x', sizeof(big));
	CHECK_INT(mt_lineq_push(q, big, sizeof(big), 0), 0);
	CHECK_U64(mt_lineq_take_dropped(q, by), 1);
	CHECK_U64(by[0], 1);
	CHECK_INT(mt_lineq_push(q, "x", 1, MT_LINEQ_RANKS), -EINVAL);
	mt_lineq_free(q);
}

static void test_eviction_by_rank(void)
{
	struct mt_lineq *q;
	char buf[64];
	uint64_t by[MT_LINEQ_RANKS];
	CHECK_INT(mt_lineq_new(4 * (2 + MT_LINEQ_OVERHEAD), &q), 0);
	CHECK_INT(mt_lineq_push(q, "i1", 2, 6), 1);
	CHECK_INT(mt_lineq_push(q, "d1", 2, 7), 1);
	CHECK_INT(mt_lineq_push(q, "i2", 2, 6), 1);
	CHECK_INT(mt_lineq_push(q, "d2", 2, 7), 1);
	/* A kill record (rank 0) evicts the newest of the least important. */
	CHECK_INT(mt_lineq_push(q, "k1", 2, 0), 1);
	CHECK_INT(mt_lineq_push(q, "k2", 2, 0), 1);
	CHECK_INT(mt_lineq_lines(q), 4);
	CHECK_U64(mt_lineq_take_dropped(q, by), 2);
	CHECK_U64(by[7], 2);
	/* Then the next rank up; never a line of equal or greater importance. */
	CHECK_INT(mt_lineq_push(q, "w1", 2, 4), 1);
	CHECK_INT(mt_lineq_push(q, "w2", 2, 4), 1);
	CHECK_INT(mt_lineq_push(q, "w3", 2, 4), 0);
	CHECK_INT(mt_lineq_push(q, "k3", 2, 0), 1);
	CHECK_INT(mt_lineq_push(q, "k4", 2, 0), 1);
	CHECK_INT(mt_lineq_push(q, "k5", 2, 0), 0); /* only kill records left */
	CHECK_U64(mt_lineq_take_dropped(q, by), 6);
	CHECK_U64(by[6], 2);
	CHECK_U64(by[4], 3);
	CHECK_U64(by[0], 1);
	const char *want[] = { "k1", "k2", "k3", "k4" };
	for (size_t i = 0; i < 4; i++) {
		pop(q, buf, sizeof(buf));
		CHECK_STR(buf, want[i]);
	}
	CHECK_INT(mt_lineq_lines(q), 0);
	mt_lineq_free(q);
}

static void test_partial_front_is_kept(void)
{
	struct mt_lineq *q;
	const char *d;
	char buf[64];
	CHECK_INT(mt_lineq_new(2 * (6 + MT_LINEQ_OVERHEAD), &q), 0);
	CHECK_INT(mt_lineq_push(q, "debug\n", 6, 7), 1);
	CHECK_INT(mt_lineq_push(q, "more.\n", 6, 7), 1);
	mt_lineq_consume(q, 2); /* "de" written: the rest must follow */
	CHECK_INT(mt_lineq_front(q, &d), 4);
	CHECK(memcmp(d, "bug\n", 4) == 0);
	/* Evicts "more." (not the partly written front) and then cannot go on. */
	CHECK_INT(mt_lineq_push(q, "kill1\n", 6, 0), 1);
	CHECK_INT(mt_lineq_push(q, "kill2\n", 6, 0), 0);
	pop(q, buf, sizeof(buf));
	CHECK_STR(buf, "bug\n");
	pop(q, buf, sizeof(buf));
	CHECK_STR(buf, "kill1\n");
	uint64_t by[MT_LINEQ_RANKS];
	CHECK_U64(mt_lineq_take_dropped(q, by), 2);
	CHECK_U64(by[7], 1);
	CHECK_U64(by[0], 1);
	/* A push that cannot make room evicts nothing. */
	CHECK_INT(mt_lineq_push(q, "aaaaaa", 6, 1), 1);
	CHECK_INT(mt_lineq_push(q, "bb", 2, 3), 1);
	CHECK_INT(mt_lineq_push(q, "cccccccccc", 10, 2), 0);
	CHECK_INT(mt_lineq_lines(q), 2);
	pop(q, buf, sizeof(buf));
	CHECK_STR(buf, "aaaaaa");
	pop(q, buf, sizeof(buf));
	CHECK_STR(buf, "bb");
	mt_lineq_free(q);
}

/* Many lines of mixed ranks through a small queue: the bound always holds,
 * what leaves is in push order, and queued + popped + dropped = pushed. */
static void test_invariants(void)
{
	struct mt_lineq *q;
	const size_t cap = 20 * (8 + MT_LINEQ_OVERHEAD);
	CHECK_INT(mt_lineq_new(cap, &q), 0);
	unsigned seed = 1;
	uint64_t pushed = 0, popped = 0, dropped = 0;
	long last = -1;
	for (int i = 0; i < 100000; i++) {
		seed = seed * 1103515245u + 12345u;
		char line[16];
		int n = snprintf(line, sizeof(line), "%07d\n", i);
		mt_lineq_push(q, line, (size_t)n, (seed >> 16) % MT_LINEQ_RANKS);
		pushed++;
		CHECK(mt_lineq_bytes(q) <= cap);
		if ((seed >> 8) % 3 == 0) {
			const char *d;
			size_t k = mt_lineq_front(q, &d);
			if (k) {
				long v = strtol(d, NULL, 10);
				if (v <= last)
					CHECK(v > last);
				last = v;
				mt_lineq_consume(q, k);
				popped++;
			}
		}
		dropped += mt_lineq_take_dropped(q, NULL);
	}
	CHECK_U64(pushed, popped + dropped + mt_lineq_lines(q));
	CHECK(dropped > 0);
	mt_lineq_free(q);
}

int main(void)
{
	test_order_and_bound();
	test_eviction_by_rank();
	test_partial_front_is_kept();
	test_invariants();
	return mt_check_status();
}
