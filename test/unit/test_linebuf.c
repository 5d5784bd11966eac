/* lib/linebuf: framing across arbitrary splits, the size bound, reuse. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "linebuf.h"

static void test_split_everywhere(void)
{
	const char *stream = "{\"v\":1}\n\n{\"cmd\":\"status\"}\nabc\n";
	const char *want[] = { "{\"v\":1}", "", "{\"cmd\":\"status\"}", "abc" };
	size_t n = strlen(stream);

	/* Every chunk size from 1 byte up delivers the same lines. */
	for (size_t chunk = 1; chunk <= n; chunk++) {
		struct mt_linebuf lb;
		size_t got = 0;
		char *line;
		size_t len;

		CHECK_INT(mt_linebuf_init(&lb, 32), 0);
		for (size_t off = 0; off < n; off += chunk) {
			size_t k = n - off < chunk ? n - off : chunk;
			CHECK_INT(mt_linebuf_feed(&lb, stream + off, k), k);
			int r;
			while ((r = mt_linebuf_pop(&lb, &line, &len)) == 1) {
				CHECK(got < 4);
				if (got < 4) {
					CHECK_STR(line, want[got]);
					CHECK_INT(len, strlen(want[got]));
				}
				got++;
			}
			CHECK_INT(r, 0);
		}
		CHECK_INT(got, 4);
		CHECK_INT(mt_linebuf_pending(&lb), 0);
		mt_linebuf_done(&lb);
	}
}

static void test_bound(void)
{
	struct mt_linebuf lb;
	char *line, *tail;
	size_t len;
	char buf[16];

	/* max_line 8: an 8-byte line fits, a 9-byte one does not. */
	CHECK_INT(mt_linebuf_init(&lb, 8), 0);
	CHECK_INT(mt_linebuf_feed(&lb, "12345678\n", 9), 9);
	CHECK_INT(mt_linebuf_pop(&lb, &line, &len), 1);
	CHECK_STR(line, "12345678");
	CHECK_INT(mt_linebuf_feed(&lb, "123456789", 9), 9);
	CHECK_INT(mt_linebuf_pop(&lb, &line, &len), -EMSGSIZE);
	CHECK_INT(mt_linebuf_space(&lb, &tail), 0);
	CHECK_INT(mt_linebuf_feed(&lb, "\n", 1), 0); /* full: takes nothing */
	mt_linebuf_done(&lb);

	/* Exactly max_line bytes and no newline yet is not an error. */
	CHECK_INT(mt_linebuf_init(&lb, 8), 0);
	CHECK_INT(mt_linebuf_feed(&lb, "12345678", 8), 8);
	CHECK_INT(mt_linebuf_pop(&lb, &line, &len), 0);
	CHECK_INT(mt_linebuf_feed(&lb, "\nab", 3), 1); /* full after the '\n' */
	CHECK_INT(mt_linebuf_pop(&lb, &line, &len), 1);
	CHECK_STR(line, "12345678");
	CHECK_INT(mt_linebuf_feed(&lb, "ab", 2), 2);
	CHECK_INT(mt_linebuf_pop(&lb, &line, &len), 0);
	CHECK_INT(mt_linebuf_pending(&lb), 2);

	/* The buffer never grows past max_line + 1: a long stream of short
	 * lines is fed in pieces and compacts. */
	for (int i = 0; i < 1000; i++) {
		snprintf(buf, sizeof(buf), "%d\n", i % 100);
		CHECK_INT(mt_linebuf_feed(&lb, buf, strlen(buf)), strlen(buf));
		CHECK_INT(mt_linebuf_pop(&lb, &line, &len), 1);
		if (i == 0)
			CHECK_STR(line, "ab0");
		CHECK(lb.size <= 9);
	}
	mt_linebuf_done(&lb);

	CHECK_INT(mt_linebuf_init(&lb, 0), -EINVAL);
}

static void test_space_commit(void)
{
	struct mt_linebuf lb;
	char *tail, *line;
	size_t len;

	/* Large bound: storage starts small and grows by doubling. */
	CHECK_INT(mt_linebuf_init(&lb, 1 << 20), 0);
	CHECK(lb.buf == NULL);
	long room = mt_linebuf_space(&lb, &tail);
	CHECK_INT(room, 4096);
	memset(tail, 'x', (size_t)room);
	mt_linebuf_commit(&lb, (size_t)room);
	CHECK_INT(mt_linebuf_pop(&lb, &line, &len), 0);
	room = mt_linebuf_space(&lb, &tail);
	CHECK_INT(room, 4096);
	tail[0] = '\n';
	mt_linebuf_commit(&lb, 1);
	CHECK_INT(mt_linebuf_pop(&lb, &line, &len), 1);
	CHECK_INT(len, 4096);
	CHECK_INT(strspn(line, "x"), 4096);
	mt_linebuf_done(&lb);
}

int main(void)
{
	test_split_everywhere();
	test_bound();
	test_space_commit();
	return mt_check_status();
}
